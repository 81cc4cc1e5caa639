"""Roll-up of monitoring indicators up the hierarchy (002 §2.14), with traceability.

Every indicator is computed at the level of its table's rows (a class, a study group or an
institution) and then at every level above it by summing its parts: a ratio sums numerators
and denominators (so a district's share weights each school by its denominator), a mean sums
``weight x value`` and the weights, a flag counts the institutions that have it. Each row of
the result keeps the sums and the count of rows below it, so a number at any level is the
sum of the rows :func:`trace` returns.

SEs: ``binomial`` indicators (surveys, observations) add the within-unit binomial variances;
``test`` means add ``weight x sd^2`` (the test-takers' spread); ``none`` is exact (SE empty).

Examples
--------
>>> import pandas as pd
>>> from workbench.monitoring.framework import load_monitoring_framework
>>> fw = load_monitoring_framework("school_internal")
>>> classes = pd.DataFrame({"year": 2026, "school_id": ["A", "A", "B"], "class_id": "5a",
...     "assessed": [20, 30, 50], "good_marks": [10, 15, 10], "passing": 50, "tested": 0,
...     "test_mean": float("nan"), "test_sd": float("nan")})
>>> units = pd.DataFrame({"school_id": ["A", "B"], "district": "d", "oblast": "o"})
>>> r = rollup(fw, {"classes": classes}, units, indicators=["R1"])
>>> r.set_index(["level", "unit"]).loc[[("school", "A"), ("nation", "nation")], "value"].tolist()
[50.0, 35.0]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.disclosure import hidden_with_complements
from workbench.monitoring.framework import MonitoringFramework, MonitoringIndicator

__all__ = [
    "rollup",
    "trace",
    "level_key",
    "multipliers",
    "teacher_indicators",
    "suppress_teacher_counts",
    "ROLLUP_COLUMNS",
    "PEOPLE_DENOMINATORS",
]

#: columns of a roll-up table
ROLLUP_COLUMNS = (
    "year",
    "indicator",
    "level",
    "unit",
    "parent",
    "value",
    "se",
    "numerator",
    "denominator",
    "variance",
    "n_rows",
    "n_units",
)


#: denominators that count people (teachers): an indicator over them publishes a count of
#: people per unit (its numerator) and is suppressed like pd_compliance
PEOPLE_DENOMINATORS = ("teachers",)
#: columns blanked in a suppressed row of a people-count indicator (``denominator`` is kept)
_HIDDEN = ("numerator", "value", "se", "variance")


def level_key(level: str) -> str:
    """The column naming the units of a level (``school`` -> ``school_id``).

    Examples
    --------
    >>> level_key("class"), level_key("district")
    ('class_id', 'district')
    """
    return {
        "class": "class_id",
        "school": "school_id",
        "group": "group_id",
        "college": "college_id",
    }.get(level, level)


def multipliers(indicators: list[MonitoringIndicator]) -> dict[str, float]:
    """``{id: value / (numerator / denominator)}`` (a flag is a percentage of institutions)."""
    return {i.id: 100.0 if i.compute.kind == "flag" else i.compute.multiplier for i in indicators}


def teacher_indicators(fw: MonitoringFramework) -> list[str]:
    """The ratio indicators whose denominator counts teachers (:data:`PEOPLE_DENOMINATORS`):
    their numerator is a count of teachers per unit (I1, I2 of ``school_internal``).

    Examples
    --------
    >>> from workbench.monitoring.framework import load_monitoring_framework
    >>> teacher_indicators(load_monitoring_framework("school_internal"))
    ['I1', 'I2']
    """
    return [
        i.id
        for i in fw.indicators
        if i.compute.kind == "ratio" and i.compute.denominator in PEOPLE_DENOMINATORS
    ]


def suppress_teacher_counts(
    table: pd.DataFrame, *, indicators: list[str], min_n: int
) -> pd.DataFrame:
    """The published roll-up: a row of a teacher-count indicator whose unit has fewer than
    ``min_n`` teachers (``denominator``; the cycle's ``suppress_below``) keeps ``denominator``
    but shows no ``numerator, value, se, variance`` (``suppressed: small_cell``); when it is
    the only hidden row among its siblings (same indicator, year, level and parent), the
    sibling with the fewest teachers is hidden too (``complementary``), so the parent's
    numerator minus the others never gives it back -- the rule of
    :func:`workbench.monitoring.development.suppress_compliance`. Other rows are unchanged
    (``suppressed`` empty).

    Examples
    --------
    >>> t = pd.DataFrame({"year": 2026, "indicator": "I1", "level": "school",
    ...     "unit": ["A", "B", "C"], "parent": "d", "numerator": [1.0, 9.0, 6.0],
    ...     "denominator": [3.0, 40.0, 30.0], "value": [33.3, 22.5, 20.0],
    ...     "se": float("nan"), "variance": 0.0})
    >>> s = suppress_teacher_counts(t, indicators=["I1"], min_n=5)
    >>> s["suppressed"].tolist(), s["numerator"].tolist()
    (['small_cell', '', 'complementary'], [nan, 9.0, nan])
    """
    out = table.copy()
    people = out["indicator"].isin(indicators)
    out["suppressed"] = ""
    out.loc[people, "suppressed"] = hidden_with_complements(
        out[people],
        count="denominator",
        siblings=["indicator", "year", "level", "parent"],
        min_n=min_n,
        caller="suppress_teacher_counts",
    )
    shown = out["suppressed"] == ""
    for column in _HIDDEN:
        out[column] = out[column].astype(float).where(shown)
    return out


def rollup(
    fw: MonitoringFramework,
    tables: dict[str, pd.DataFrame],
    units: pd.DataFrame,
    *,
    indicators: list[str] | None = None,
) -> pd.DataFrame:
    """Every indicator at every level from its table's level to the nation.

    Parameters
    ----------
    fw
        The invariant part.
    tables
        ``{table name: rows}`` with ``year`` and the id of the table's level.
    units
        One row per institution with the ids of the levels above it (``school_id, district,
        oblast``).
    indicators
        Only these ids (default all).

    Returns
    -------
    DataFrame
        :data:`ROLLUP_COLUMNS`; ``unit`` of a class is ``<school>/<class>``; ``parent`` is the
        unit one level up (empty at the nation).

    Raises
    ------
    ValueError
        A table or a column the framework needs is missing, or an institution has no row in
        ``units`` (one line naming it).
    """
    wanted = [i for i in fw.indicators if indicators is None or i.id in indicators]
    out = [_one(fw, ind, tables, units) for ind in wanted]
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=ROLLUP_COLUMNS)


def trace(table: pd.DataFrame, *, indicator: str, year: int, level: str, unit: str) -> pd.DataFrame:
    """The rows one level below a number: their numerators and denominators sum to it.

    Examples
    --------
    >>> t = pd.DataFrame({"year": 2026, "indicator": "R1", "level": ["school", "school"],
    ...                   "unit": ["A", "B"], "parent": "d1"})
    >>> trace(t, indicator="R1", year=2026, level="district", unit="d1")["unit"].tolist()
    ['A', 'B']
    """
    levels = list(dict.fromkeys(table["level"]))
    rows = table[
        (table["indicator"] == indicator) & (table["year"] == year) & (table["parent"] == unit)
    ]
    below = [lv for lv in levels if lv != level and lv in set(rows["level"])]
    return rows[rows["level"] == below[-1]] if below else rows.iloc[0:0]


def _one(
    fw: MonitoringFramework,
    ind: MonitoringIndicator,
    tables: dict[str, pd.DataFrame],
    units: pd.DataFrame,
) -> pd.DataFrame:
    c = ind.compute
    if c.table not in tables:
        raise ValueError(
            f"rollup: indicator {ind.id} needs table {c.table!r}; tables given are {sorted(tables)}"
        )
    data = tables[c.table]
    missing = [col for col in ("year", *c.columns()) if col not in data.columns]
    if missing:
        raise ValueError(
            f"rollup: indicator {ind.id} needs column(s) {missing} of table {c.table!r}"
        )
    base_level = fw.tables[c.table]
    inst_key = level_key(fw.institution)
    above = fw.hierarchy[fw.hierarchy.index(fw.institution) + 1 :]
    keys = [level_key(lv) for lv in above if lv != "nation"]
    rows = data.merge(
        units[[inst_key, *keys]].drop_duplicates(), on=inst_key, how="left", validate="many_to_one"
    )
    lost = rows[rows[keys].isna().any(axis=1)]
    if len(lost):
        raise ValueError(
            f"rollup: table {c.table!r}: {fw.institution} "
            f"{lost[inst_key].iloc[0]!r} has no row in the units table"
        )
    rows = _base(ind, rows)
    if base_level != fw.institution:
        rows["unit_" + base_level] = (
            rows[inst_key].astype(str) + "/" + rows[level_key(base_level)].astype(str)
        )
    rows["nation"] = "nation"
    chain = fw.hierarchy[fw.hierarchy.index(base_level) :]
    ids = {
        lv: ("unit_" + lv if lv == base_level and base_level != fw.institution else level_key(lv))
        for lv in chain
    }
    parts = []
    for n, lv in enumerate(chain):
        parent = ids[chain[n + 1]] if n + 1 < len(chain) else None
        by = ["year", ids[lv]] + ([parent] if parent else [])
        g = rows.groupby(by, sort=True, dropna=False)
        part = g.agg(
            numerator=("_num", "sum"),
            denominator=("_den", "sum"),
            variance=("_var", "sum"),
            n_rows=("_num", "size"),
        ).reset_index()
        part["n_units"] = rows.groupby(by)[ids[chain[n - 1]]].nunique().to_numpy() if n else 1
        part = part.rename(columns={ids[lv]: "unit", **({parent: "parent"} if parent else {})})
        if not parent:
            part["parent"] = ""
        part["level"] = lv
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["indicator"] = ind.id
    den = out["denominator"].where(out["denominator"] > 0)
    mult = multipliers([ind])[ind.id]
    out["value"] = mult * out["numerator"] / den
    out["se"] = mult * np.sqrt(out["variance"]) / den if ind.uncertainty != "none" else np.nan
    out["unit"] = out["unit"].astype(str)
    out["parent"] = out["parent"].astype(str)
    return out[list(ROLLUP_COLUMNS)]


def _base(ind: MonitoringIndicator, rows: pd.DataFrame) -> pd.DataFrame:
    """Add ``_num, _den, _var`` per row (rows without a denominator are dropped)."""
    c = ind.compute
    rows = rows.copy()
    if c.kind == "ratio":
        rows["_num"] = pd.to_numeric(rows[c.numerator]).astype(float)
        rows["_den"] = pd.to_numeric(rows[c.denominator]).astype(float)
    elif c.kind == "mean":
        w = pd.to_numeric(rows[c.weight]).astype(float)
        rows["_num"] = w * pd.to_numeric(rows[c.value]).astype(float)
        rows["_den"] = w
    else:
        rows["_num"] = pd.to_numeric(rows[c.column]).astype(float)
        rows["_den"] = 1.0
    rows = rows[rows["_den"] > 0].copy()
    if ind.uncertainty == "binomial":
        p = (rows["_num"] / rows["_den"]).clip(0, 1)
        rows["_var"] = rows["_den"] * p * (1 - p)
    elif ind.uncertainty == "test":
        rows["_var"] = rows["_den"] * pd.to_numeric(rows[c.sd]).astype(float) ** 2
    else:
        rows["_var"] = 0.0
    return rows
