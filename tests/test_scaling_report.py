"""The scaling stage's report tables hold codes a page labels in its own language: conditioning
terms split into variable and category, PIRLS level names and descriptions as label keys, the
codebook's missing codes one per row. Expected values are worked by hand from the inputs."""

import pandas as pd

from tests.test_languages import leaks
from workbench.report import table_html
from workbench.scaling import (
    conditioning_variables,
    direct_groups,
    first_group,
    levels_table,
    mean_tables,
    missing_code_rows,
    national_change,
    other_groups,
    proficiency_levels,
    pv_step_rows,
    school_groups,
)


def _conditioning():
    data = pd.DataFrame(
        {
            "region": ["bishkek", "chui", "osh_city", "chui"],
            "ITSEX": [1, 2, 2, 1],
            "q1": [1, 2, 3, 4],
        }
    )
    return conditioning_variables(
        data, direct=["region", "ITSEX"], background=["q1"], max_components=1
    )


def test_conditioning_terms_are_split_into_variable_and_category():
    table = _conditioning().table()
    # first sorted category is the reference: bishkek and ITSEX 1 have no dummy
    assert table["term"].tolist() == ["region_chui", "region_osh_city", "ITSEX_2", "PC01"]
    assert table["variable"].tolist() == ["region", "region", "ITSEX", "PC01"]
    assert table["category"].tolist() == ["chui", "osh_city", "2", ""]


def test_population_terms_keep_terms_that_are_no_dummy_whole():
    terms = pd.DataFrame({"term": ["intercept", "region_osh_city", "residual_sd"], "estimate": 0})
    got = _conditioning().terms(terms)
    assert got[["variable", "category"]].values.tolist() == [
        ["intercept", ""],
        ["region", "osh_city"],
        ["residual_sd", ""],
    ]


def test_conditioning_table_shows_no_english_on_a_kyrgyz_page():
    shown = _conditioning().table()[["variable", "category", "source", "variance_share"]]
    page = table_html(shown, lang="ky")
    assert "Ош ш." in page and "Чүй облусу" in page
    assert leaks(page, "ky") == []  # PC01: a name in upper case, as IEA names


def test_pirls_levels_are_label_keys_shown_in_each_language():
    levels = proficiency_levels([400, 475, 550, 625], lang="en").assign(
        estimate=[float("nan"), 90.0, 60.0, 25.0, 5.0], se=1.0, ci_lower=0.0, ci_upper=0.0, n=50
    )
    shown = levels_table(levels)
    assert shown["name"].tolist()[4] == "pirls_level_4"
    assert shown["description"].tolist()[1] == "pirls_level_1_text"
    assert "Продвинутый" in table_html(shown, lang="ru")
    assert "Өркүндөтүлгөн" in table_html(shown, lang="ky")
    assert "Advanced: integrates ideas" in table_html(shown, lang="en")
    assert leaks(table_html(shown, lang="ky"), "ky") == []


def test_other_cuts_keep_their_generic_names():
    levels = proficiency_levels([450, 550], lang="ru").assign(
        estimate=1.0, se=1.0, ci_lower=0.0, ci_upper=0.0, n=9
    )
    assert levels_table(levels)["name"].tolist() == ["0", "1", "2"]


def test_missing_codes_one_row_per_code_with_the_meaning_labelled():
    book = pd.DataFrame(
        {
            "variable": ["ASBG04", "ASBG03", "IDSTUD"],
            "file": "student_results",
            "missing_codes": ["9 = omitted; 8 = invalid", "9 = omitted", ""],
            "n_valid": [90, 95, 100],
            "n_omitted": [7, 5, 0],
            "n_not_reached": 0,
            "n_not_administered": 0,
            "n_invalid": [3, 0, 0],
        }
    )
    rows = missing_code_rows(book)
    assert rows[["variable", "missing_code", "meaning"]].values.tolist() == [
        ["ASBG04", "9", "omitted"],
        ["ASBG04", "8", "invalid"],
        ["ASBG03", "9", "omitted"],
    ]
    page = table_html(
        rows,
        lang="ru",
        verbatim=("variable", "missing_code"),
        prefixes={"meaning": "missing_kind_"},
    )
    assert "пропущено" in page and "недопустимый код" in page
    assert leaks(page, "ru") == []


def test_pv_step_rows_are_the_plausible_values_step_only():
    steps = ["weights", "plausible_values", "plausible_values"]
    flow = pd.DataFrame({"step": steps, "n": [5, 1, 2]})
    assert pv_step_rows(flow)["n"].tolist() == [1, 2]


def test_national_change_is_the_first_trend_row_or_none_for_a_base_cycle():
    trend = pd.DataFrame({"statistic": ["mean", "gap"], "difference": [-6.25, 3.0]})
    assert national_change(trend) == -6.25
    assert national_change(trend.iloc[:0]) == 0.0


def test_groups_of_the_demo_and_of_a_cycle_with_its_own_names():
    demo = ["region", "locality", "language", "school_type", "ITSEX"]
    assert direct_groups(demo) == ["ITSEX", "region", "locality", "language"]
    assert first_group(demo) == "locality"
    assert other_groups(demo) == ["region", "language"]  # school type: not a mean table
    real = ["district", "school_type", "ITSEX"]  # a real cycle without locality or language
    assert school_groups(real) == ["district", "school_type"]
    assert direct_groups(real) == ["ITSEX", "district"]
    assert first_group(real) == "district" and other_groups(real) == []


def test_mean_tables_one_per_group_with_the_groups_labelled():
    from workbench.survey import RepDesign

    data = pd.DataFrame(
        {
            "TOTWGT": [1.0, 1.0, 2.0, 2.0],
            "RWGT1": [2.0, 0.0, 2.0, 2.0],
            "RWGT2": [1.0, 1.0, 4.0, 0.0],
            "READ01": [400.0, 420.0, 500.0, 640.0],
            "READ02": [410.0, 430.0, 520.0, 600.0],
            "region": ["chui", "chui", "naryn", "naryn"],
            "language": ["ky", "ru", "ky", "ru"],
        }
    )
    tables = mean_tables(RepDesign.iea(data), ["region", "language"], variable="reading", lang="ru")
    assert len(tables) == 2
    region = tables[0].to_html("ru")
    # chui: weights 1 and 1, PV means 405 and 425 -> 415,0
    assert "Чуйская обл." in region and "415,0" in region
    assert "кыргызский" in tables[1].to_html("ru")
