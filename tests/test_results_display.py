"""Views of the results exhibits for the stage report: numbers kept as numbers, labels per
language, and the per-language columns of ``wb.report.table``.

Reference: hand-made tables whose expected cells are written out here (the page of each
language is read back from the stored display, as the runner renders it).
"""

from __future__ import annotations

import pandas as pd

from workbench.labels import LANGS
from workbench.report import I18N_MIME, localized_html, table
from workbench.results import LABEL_COLUMNS, exhibit_labels, highlighted, view, wide


def _page(shown, lang: str) -> str:
    return localized_html(shown._repr_mimebundle_()[I18N_MIME], lang)["text/html"]


def test_a_localized_column_shows_each_language_its_own_text():
    data = pd.DataFrame(
        {"term_ky": ["Китептер"], "term_ru": ["Книги"], "term_en": ["Books"], "n": [1200]}
    )
    shown = table(data, lang="ky", localized=("term",))
    ru, en = _page(shown, "ru"), _page(shown, "en")
    assert ">Книги<" in ru and "Books" not in ru and "Китептер" not in ru
    assert ">Books<" in en and "1,200" in en and "1\u202f200" in ru


def _tidy() -> pd.DataFrame:
    """A published distribution: the nation and two oblasts, mean and SD, one SE flag."""
    return exhibit_labels(
        pd.DataFrame(
            {
                "group_var": ["all", "all", "region", "region", "region", "region"],
                "group": ["all", "all", "naryn", "naryn", "talas", "talas"],
                "statistic": ["mean", "sd"] * 3,
                "estimate": [501.25, 99.5, 480.0, 95.0, 470.0, 97.0],
                "se": [3.2, 1.5, 12.5, 4.0, 6.0, 3.0],
                "flags": ["", "", "†", "", "", ""],
                "n": [6000, 6000, 400, 400, 300, 300],
            }
        )
    )


def test_wide_keeps_numbers_and_ses_side_by_side_with_the_marks_of_the_row():
    shown = wide(_tidy(), column="statistic", keep=["n"])
    assert shown.columns.tolist() == [
        "group_var",
        *LABEL_COLUMNS,
        "n",
        "mean",
        "se_mean",
        "sd",
        "se_sd",
        "flags",
    ]
    assert shown["group_var"].tolist() == ["national", "region", "region"]
    assert shown["mean"].tolist() == [501.25, 480.0, 470.0]  # numbers, not text
    assert shown["se_mean"].tolist() == [3.2, 12.5, 6.0]
    assert shown["flags"].tolist() == ["", "†", ""]
    assert shown["label_ru"].tolist() == ["По республике", "Нарынская обл.", "Таласская обл."]


def test_a_wide_table_is_formatted_and_labelled_per_language():
    shown = table(wide(_tidy(), column="statistic", keep=["n"]), lang="ky", localized=("label",))
    ru, en = _page(shown, "ru"), _page(shown, "en")
    assert ">501,2<" in ru and ">501.2<" in en and ">6\u202f000<" in ru and ">6,000<" in en
    assert ">Нарынская обл.<" in ru and ">Naryn<" in en and "Нарын облусу" not in ru
    assert ">SE (среднее)<" in ru and ">SE (mean)<" in en


def test_wide_picks_rows_and_prefixes_the_columns():
    t = pd.DataFrame(
        {
            "group_var": ["all"] * 3,
            "group": ["all"] * 3,
            "measure": ["at_or_above", "at_or_above", "within"],
            "benchmark": ["400", "475", "below_400"],
            "estimate": [84.0, 60.0, 16.0],
            "se": [1.0, 1.2, 1.0],
            "flags": ["", "", ""],
        }
    )
    shown = wide(t, column="benchmark", where={"measure": "at_or_above"}, prefix="at_or_above_")
    assert shown.columns.tolist()[2:6] == [  # no label columns: the group codes shown
        "at_or_above_400",
        "se_at_or_above_400",
        "at_or_above_475",
        "se_at_or_above_475",
    ]
    assert shown["at_or_above_475"].tolist() == [60.0]


CODEBOOK = pd.DataFrame(
    {
        "variable": ["ASBG04"],
        "label_ky": ["Үйдөгү китептер"],
        "label_ru": ["Книги дома"],
        "label_en": ["Books at home"],
        **{f"values_{x}": ["1 = 0–10; 2 = 11–25"] for x in LANGS},
    }
)


def test_every_exhibit_row_is_labelled_in_three_languages():
    context = exhibit_labels(
        pd.DataFrame({"background": ["ASBG04", "ASBG04", "ACBG08"], "category": ["1", "2", "low"]}),
        CODEBOOK,
    )
    assert context["label_ru"].tolist() == [
        "Книги дома: 0–10",
        "Книги дома: 11–25",
        "ACBG08: низкий",  # not in the codebook: its code; a third labelled
    ]
    assert context["label_ky"].iloc[0] == "Үйдөгү китептер: 0–10"
    terms = exhibit_labels(
        pd.DataFrame(
            {
                "term": ["(Intercept)", "ITSEX_girl", "ASBG04", "language_uz", "r2"],
                "left_out_schools": pd.array([None, None, None, 3, None], dtype="Int64"),
            }
        ),
        CODEBOOK,
    )
    assert terms["label_ru"].tolist() == [
        "Свободный член",
        "Пол: девочки",
        "Книги дома",
        "Язык обучения: узбекский",
        "R² (объяснённая доля)",
    ]
    assert terms["note_ru"].tolist()[2:4] == [
        "",
        "исключён из модели: учащиеся лишь в 3 школах (мало для устойчивой оценки)",
    ]
    variance = exhibit_labels(pd.DataFrame({"model": ["model_null"], "component": ["icc"]}))
    assert variance["label_ru"].tolist() == ["Нулевая модель: ICC"]
    pairs = exhibit_labels(pd.DataFrame({"group": ["girl"], "reference": ["boy"]}))
    assert pairs["label_en"].tolist() == ["girls − boys"]
    countries = exhibit_labels(pd.DataFrame({"country": ["Kazakhstan", "Kyrgyzstan (Sabat-6)"]}))
    assert countries["label_ky"].tolist() == ["Казакстан", "Кыргызстан (Сабат-6)"]


def test_view_and_highlighted_rows():
    t = exhibit_labels(
        pd.DataFrame(
            {
                "country": ["Georgia", "France", "Kyrgyzstan (Sabat-6)"],
                "neighbour": [True, False, False],
                "source": ["pirls2021", "pirls2021", "this_cycle"],
                "mean": [494.0, 514.0, 500.0],
            }
        )
    )
    shown = view(highlighted(t), ["label", "mean"])
    assert shown.columns.tolist() == [*LABEL_COLUMNS, "mean"]
    assert shown["label_ru"].tolist() == ["Грузия", "Кыргызстан (Сабат-6)"]


def test_the_international_figure_is_drawn_with_each_language_s_country_names():
    import matplotlib

    matplotlib.use("Agg")
    from workbench.plots.results import international_figure

    t = pd.DataFrame(
        {
            "country": ["Kazakhstan", "Kyrgyzstan (Sabat-6)"],
            "source": ["pirls2021", "this_cycle"],
            "neighbour": [True, False],
            "mean": [503.6, 500.0],
            "se": [2.7, 3.6],
            "pct_at_or_above_400": [90.7, 84.0],
            "pct_at_or_above_400_se": [0.8, 1.1],
        }
    )
    for lang, name in (("ru", "Казахстан"), ("en", "Kazakhstan")):
        fig = international_figure(t, lang=lang, linked=False, caveats=["caveat_scale"])
        ticks = [tick.get_text() for tick in fig.axes[0].get_yticklabels()]
        assert name in ticks
