"""Views of the exhibits for the stage report (stage: results): nothing is recomputed.

The catalog tables are tidy (one row per group and statistic); the report reads better with
one row per group and, for each statistic, its estimate and its SE side by side. The views
keep numbers as numbers and codes as codes, and carry the three label columns of
:func:`workbench.results.labelling.exhibit_labels`: ``wb.report.table`` formats and labels
them in each report language (``localized=("label",)``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from workbench.labels import LANGS
from workbench.results.labelling import LABEL_COLUMNS
from workbench.results.rules import RULES

__all__ = ["MAX_COLUMNS", "wide", "distribution_views", "view", "highlighted"]

#: the most columns a stage-page table has: at 1280 px one of 19 (the distribution with its
#: SEs) scrolled sideways in ky/ru; 13 numbers with short headings fit
MAX_COLUMNS = 13


def wide(
    table: pd.DataFrame,
    *,
    column: str,
    keep: Sequence[str] = (),
    where: Mapping[str, object] | None = None,
    prefix: str = "",
    index: Sequence[str] = ("group_var", "group"),
) -> pd.DataFrame:
    """One row per group: for each value ``v`` of ``column`` the columns ``<prefix>v``
    (estimate) and ``se_<prefix>v`` (its SE), then ``flags`` (every rule mark of the row's
    statistics, once). Column names are label keys (``se_p5``, ``at_or_above_400``); a
    table with label columns shows them instead of the ``group`` codes.

    Parameters
    ----------
    table
        A published exhibit (``estimate``, ``se``, ``flags`` and the label columns).
    column
        The statistic whose values become columns (``statistic``, ``benchmark``).
    keep
        Columns of the first row of each group kept in front (e.g. ``n``, ``n_schools``).
    where
        Rows kept: ``{column: value}`` (e.g. ``{"measure": "within"}``); a list or tuple
        keeps the rows with any of its values (``{"statistic": ["mean", "sd"]}``).
    prefix
        Put before each value in the column names (``at_or_above_``: ``400`` ->
        ``at_or_above_400``).
    index
        The columns naming a group; the nation's ``all`` becomes ``national``.

    Examples
    --------
    >>> t = pd.DataFrame({"group_var": ["all"] * 2, "group": ["all"] * 2,
    ...                   "statistic": ["mean", "sd"], "estimate": [500.0, 100.0],
    ...                   "se": [3.2, 1.5], "flags": ["", "†"], "n": [6000, 6000]})
    >>> w = wide(t, column="statistic", keep=["n"])
    >>> w.columns.tolist()
    ['group_var', 'group', 'n', 'mean', 'se_mean', 'sd', 'se_sd', 'flags']
    >>> w[["group", "mean", "se_sd", "flags"]].values.tolist()
    [['national', 500.0, 1.5, '†']]
    """
    rows = table
    for name, value in (where or {}).items():
        kept = list(value) if isinstance(value, list | tuple) else [value]
        rows = rows[rows[name].isin(kept)]
    keys = list(index)
    order = list(dict.fromkeys(rows[column]))
    values = rows.pivot_table(
        index=keys, columns=column, values=["estimate", "se"], aggfunc="first", sort=False
    )
    parts = {}
    for value in order:
        parts[f"{prefix}{value}"] = values[("estimate", value)]
        parts[f"se_{prefix}{value}"] = values[("se", value)]
    out = pd.DataFrame(parts)
    labels = [c for c in LABEL_COLUMNS if c in rows.columns]
    front = rows.groupby(keys, sort=False)[[*labels, *keep]].first()
    flags = rows.groupby(keys, sort=False)["flags"].agg(_marks).rename("flags")
    out = front.join(out).join(flags).reset_index()
    for key in keys:
        out[key] = out[key].replace({"all": "national"})
    return out.drop(columns=["group"]) if labels and "group" in keys else out


def distribution_views(
    table: pd.DataFrame, *, keep: Sequence[str] = ("n", "n_schools")
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The distribution exhibit as two tables that fit a page at 1280 px (at most
    :data:`MAX_COLUMNS` columns each, instead of one of 19): the mean and the standard
    deviation with the counts ``keep``, then the percentiles; each estimate beside its SE,
    each table with the rule marks of its own statistics (:func:`wide`).

    Examples
    --------
    >>> t = pd.DataFrame({"group_var": "all", "group": "all",
    ...                   "statistic": ["mean", "sd", "p5", "p95"],
    ...                   "estimate": [500.0, 100.0, 335.0, 665.0], "se": [3.2, 1.5, 6.0, 5.0],
    ...                   "flags": ["", "", "", "†"], "n": 6000, "n_schools": 200})
    >>> centre, spread = distribution_views(t)
    >>> centre.columns.tolist()
    ['group_var', 'group', 'n', 'n_schools', 'mean', 'se_mean', 'sd', 'se_sd', 'flags']
    >>> spread.columns.tolist(), spread["flags"].tolist()
    (['group_var', 'group', 'p5', 'se_p5', 'p95', 'se_p95', 'flags'], ['†'])
    """
    moments = ["mean", "sd"]
    others = [s for s in dict.fromkeys(table["statistic"]) if s not in moments]
    centre = wide(table, column="statistic", where={"statistic": moments}, keep=list(keep))
    spread = wide(table, column="statistic", where={"statistic": others})
    return centre, spread


def view(table: pd.DataFrame, columns: Sequence[str], *, label_as: str = "label") -> pd.DataFrame:
    """The ``columns`` of a published table, ``label`` standing for its three label columns
    (named ``<label_as>_<lang>``: a heading other than "Group") and ``note`` for
    ``note_<lang>`` when the table has them.

    Examples
    --------
    >>> t = pd.DataFrame({"label_ky": ["а"], "label_ru": ["б"], "label_en": ["c"], "n": [1]})
    >>> view(t, ["label", "n"]).columns.tolist()
    ['label_ky', 'label_ru', 'label_en', 'n']
    >>> view(t, ["label"], label_as="country").columns.tolist()
    ['country_ky', 'country_ru', 'country_en']
    """
    picked, names = [], {}
    for name in columns:
        per_language = [f"{name}_{lang}" for lang in LANGS]
        if set(per_language) <= set(table.columns):
            picked += per_language
            if name == "label":
                names |= {f"label_{lang}": f"{label_as}_{lang}" for lang in LANGS}
        else:
            picked.append(name)
    return table[picked].rename(columns=names).reset_index(drop=True)


def highlighted(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of the international panel shown in the table: the neighbours and this cycle.

    Examples
    --------
    >>> t = pd.DataFrame({"country": ["A", "B", "C"], "neighbour": [True, False, False],
    ...                   "source": ["pirls2021", "pirls2021", "this_cycle"]})
    >>> highlighted(t)["country"].tolist()
    ['A', 'C']
    """
    keep = table["neighbour"].fillna(False).astype(bool) | (table["source"] == "this_cycle")
    return table[keep].reset_index(drop=True)


def _marks(flags: pd.Series) -> str:
    """The rule marks of several cells, each once, in the legend's order."""
    found = {mark for cell in flags.fillna("") for mark in str(cell).split()}
    return " ".join(mark for mark in RULES.values() if mark in found)
