"""Compact views of the exhibits for the printed report (stage: results).

The catalog tables are tidy (one row per group and statistic); a report reads better with one
row per group and one column per statistic, each cell ``estimate (SE)`` and the rule marks,
as IEA exhibits print them. These views are for display only: nothing is recomputed.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from workbench.labels import label
from workbench.report import format_number

__all__ = ["wide", "with_codebook", "term_labels"]


def wide(
    table: pd.DataFrame,
    *,
    column: str,
    lang: str,
    keep: Sequence[str] = (),
    digits: int = 1,
    index: Sequence[str] = ("group_var", "group"),
) -> pd.DataFrame:
    """One row per group, one column per value of ``column``: ``"estimate (se) flags"``.

    Parameters
    ----------
    table
        A published exhibit (with ``estimate``, ``se`` and ``flags``).
    column
        The statistic whose values become columns (``statistic``, ``benchmark``).
    lang
        Number format and labels of the column headings.
    keep
        Columns of the first row of each group kept in front (e.g. ``n``, ``n_schools``).
    digits
        Decimals of the estimate and of its SE.

    Examples
    --------
    >>> t = pd.DataFrame({"group_var": ["all"] * 2, "group": ["all"] * 2,
    ...                   "statistic": ["mean", "sd"], "estimate": [500.0, 100.0],
    ...                   "se": [3.2, 1.5], "flags": ["", "†"], "n": [6000, 6000]})
    >>> wide(t, column="statistic", lang="en", keep=["n"]).iloc[0, 3:].tolist()
    ['500.0 (3.2)', '100.0 (1.5) †']
    """

    def cell(row) -> str:
        if pd.isna(row["estimate"]):
            return f"– {row['flags']}".strip()
        text = (
            f"{format_number(row['estimate'], lang, digits)} "
            f"({format_number(row['se'], lang, digits)})"
        )
        return f"{text} {row['flags']}".strip()

    keys = list(index)
    cells = table.assign(_cell=table.apply(cell, axis=1))
    if "group" in cells.columns:
        cells["group"] = cells["group"].replace({"all": "national"})
    order = list(dict.fromkeys(cells[column]))
    out = cells.pivot_table(
        index=keys, columns=column, values="_cell", aggfunc="first", sort=False
    )[order]
    out.columns = [label(c, lang) for c in out.columns]
    front = cells.groupby(keys, sort=False)[list(keep)].first() if keep else None
    out = out if front is None else front.join(out)
    return out.reset_index()


def with_codebook(table: pd.DataFrame, codebook: pd.DataFrame | None, *, lang: str) -> pd.DataFrame:
    """Add ``variable_label`` and ``category_label`` to a context table from the codebook.

    ``codebook`` is the scaling stage's (``variable, label_<lang>, values_<lang>`` with
    values written ``"1 = girl; 2 = boy"``); a variable or code it lacks keeps its name, and a
    binned variable (``<name>_3``) its third (low, middle, high) in ``lang``.

    Examples
    --------
    >>> book = pd.DataFrame({"variable": ["ASBG04"], "label_en": ["Books at home"],
    ...                      "values_en": ["1 = 0-10; 2 = 11-25"]})
    >>> t = pd.DataFrame({"background": ["ASBG04", "ASBG04"], "category": ["1", "2"]})
    >>> with_codebook(t, book, lang="en")[["variable_label", "category_label"]].values.tolist()
    [['Books at home', '0-10'], ['Books at home', '11-25']]
    """
    out = table.copy()
    names, values = {}, {}
    if codebook is not None and f"label_{lang}" in codebook.columns:
        rows = codebook.drop_duplicates("variable").set_index("variable")
        names = rows[f"label_{lang}"].dropna().to_dict()
        for variable, text in rows.get(f"values_{lang}", pd.Series(dtype=str)).dropna().items():
            pairs = [p.split("=", 1) for p in str(text).split(";") if "=" in p]
            values[variable] = {k.strip(): v.strip() for k, v in pairs}
    out["variable_label"] = [names.get(v, v) for v in out["background"]]
    out["category_label"] = [
        values.get(v, {}).get(str(c), label(c, lang))
        for v, c in zip(out["background"], out["category"], strict=True)
    ]
    return out


def term_labels(table: pd.DataFrame, codebook: pd.DataFrame | None, *, lang: str) -> pd.DataFrame:
    """Add ``term_label`` to a regression table: ``Group: code`` for a 0/1 indicator
    (``ITSEX_girl`` -> ``Sex: girls``), the codebook label for a variable, else the term.

    Examples
    --------
    >>> t = pd.DataFrame({"term": ["ITSEX_girl", "ASBG04", "r2"]})
    >>> term_labels(t, None, lang="en")["term_label"].tolist()
    ['Sex: girls', 'ASBG04', 'R² (share explained)']
    """
    names = {}
    if codebook is not None and f"label_{lang}" in codebook.columns:
        names = (
            codebook.drop_duplicates("variable")
            .set_index("variable")[f"label_{lang}"]
            .dropna()
            .to_dict()
        )
    groups = ("ITSEX", "locality", "language", "school_type", "region")

    def one(term: str) -> str:
        for group in groups:
            if term.startswith(f"{group}_"):
                return f"{label(group, lang)}: {label(term.removeprefix(group + '_'), lang)}"
        return names.get(term, label(term, lang))

    out = table.copy()
    out["term_label"] = [one(str(t)) for t in out["term"]]
    return out
