"""Labels of every published row in the three languages (stage: results).

Each exhibit row gets ``label_ky, label_ru, label_en``: what the row is about, in words
(``Баткенская обл.``, ``девочки − мальчики``, ``Книги дома: 0–10``, ``Пол: девочки``,
``Нулевая модель: межшкольная дисперсия``, ``Казахстан``). The stage report shows the label of
its page's language (``wb.report.table(..., localized=("label",))``) and the results database
keeps all three. Variable and category words come from the cycle's codebook
(``label_<lang>``, ``values_<lang>`` written ``"1 = girl; 2 = boy"``), group and other codes
from :mod:`workbench.labels`; a code without a label is shown as it is.
"""

from __future__ import annotations

import pandas as pd

from workbench.labels import LANGS, label
from workbench.report import code_label, text
from workbench.results._common import GROUPS, NATIONAL

__all__ = ["LABEL_COLUMNS", "exhibit_labels", "codebook_words", "term_label"]

#: the label columns of a published table
LABEL_COLUMNS = tuple(f"label_{lang}" for lang in LANGS)


def codebook_words(codebook: pd.DataFrame | None, lang: str) -> tuple[dict, dict]:
    """``(names, values)`` of a codebook in ``lang``: ``{variable: label}`` and
    ``{variable: {code: label}}``.

    Examples
    --------
    >>> book = pd.DataFrame({"variable": ["ASBG04"], "label_ru": ["Книги дома"],
    ...                      "values_ru": ["1 = 0–10; 2 = 11–25"]})
    >>> codebook_words(book, "ru")
    ({'ASBG04': 'Книги дома'}, {'ASBG04': {'1': '0–10', '2': '11–25'}})
    """
    if codebook is None or f"label_{lang}" not in codebook.columns:
        return {}, {}
    rows = codebook.drop_duplicates("variable").set_index("variable")
    names = rows[f"label_{lang}"].dropna().to_dict()
    values = {}
    for variable, words in rows.get(f"values_{lang}", pd.Series(dtype=str)).dropna().items():
        pairs = [p.split("=", 1) for p in str(words).split(";") if "=" in p]
        values[variable] = {k.strip(): v.strip() for k, v in pairs}
    return names, values


def term_label(term: str, names: dict, lang: str) -> str:
    """A regression term in words: ``Group: code`` for a 0/1 indicator, the codebook label
    of a variable, the intercept and R² by name.

    Examples
    --------
    >>> term_label("ITSEX_girl", {}, "ru"), term_label("(Intercept)", {}, "en")
    ('Пол: девочки', 'Intercept')
    """
    if term == "(Intercept)":
        return label("intercept", lang)
    for group in GROUPS:  # 0/1 indicators of a reporting group
        if term.startswith(f"{group}_"):
            return f"{label(group, lang)}: {code_label(term.removeprefix(group + '_'), lang)}"
    return names.get(term, label(term, lang))


def exhibit_labels(table: pd.DataFrame, codebook: pd.DataFrame | None = None) -> pd.DataFrame:
    """``table`` with ``label_ky, label_ru, label_en``, told by its columns: a difference
    (``group`` and ``reference`` or ``other``), a background category (``background,
    category``), a regression ``term``, a variance ``model`` and ``component``, a ``country``,
    else a ``group``; a regression's left-out predictor also gets ``note_<lang>``.

    Examples
    --------
    >>> t = pd.DataFrame({"group": ["naryn"], "reference": ["talas"]})
    >>> exhibit_labels(t)["label_ru"].tolist()
    ['Нарынская обл. − Таласская обл.']
    """
    out = table.copy()
    for lang in LANGS:
        out[f"label_{lang}"] = _labels(out, codebook, lang)
        if "left_out_schools" in out.columns:
            out[f"note_{lang}"] = [
                "" if pd.isna(k) else text("results", "left_out", lang=lang, schools=int(k)).data
                for k in out["left_out_schools"]
            ]
    return out


def _labels(t: pd.DataFrame, codebook: pd.DataFrame | None, lang: str) -> list[str]:
    if {"group", "reference"} <= set(t.columns):
        return _pairs(t["group"], t["reference"], lang)
    if {"group", "other"} <= set(t.columns):
        return _pairs(t["group"], t["other"], lang)
    if {"background", "category"} <= set(t.columns):
        names, values = codebook_words(codebook, lang)
        return [
            f"{names.get(v, v)}: {values.get(v, {}).get(str(c), code_label(_group(c), lang))}"
            for v, c in zip(t["background"], t["category"], strict=True)
        ]
    if "term" in t.columns:
        names, _ = codebook_words(codebook, lang)
        return [term_label(str(term), names, lang) for term in t["term"]]
    if {"model", "component"} <= set(t.columns):
        return [
            f"{label(m, lang)}: {label(c, lang)}"
            for m, c in zip(t["model"], t["component"], strict=True)
        ]
    if "country" in t.columns:
        return [code_label(c, lang) for c in t["country"]]
    if "group" in t.columns:
        return [code_label(_group(g), lang) for g in t["group"]]
    return [""] * len(t)


def _pairs(a: pd.Series, b: pd.Series, lang: str) -> list[str]:
    return [
        f"{code_label(_group(x), lang)} − {code_label(_group(y), lang)}"
        for x, y in zip(a, b, strict=True)
    ]


def _group(code: object) -> str:
    """The label key of a group code (``all`` is the nation)."""
    return "national" if str(code) == NATIONAL else str(code)
