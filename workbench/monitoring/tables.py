"""Report tables of the school-monitoring stages: codes only (the renderer labels them in
each report language: ``dir_<id>``, ``ind_<id>``, ``unit_<unit>``, ``method_<m>`` ... in
``workbench/texts/labels_monitoring.yaml``), no ranks.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"part": ["invariant"], "direction": ["results"], "indicator": ["R1"],
...                   "unit": ["percent"], "uncertainty": ["none"], "target": [50.0],
...                   "threshold": [30.0], "section": ["002 §2.15.1"], "name": ["x"]})
>>> framework_table(t).iloc[0, :5].tolist()
['invariant', 'dir_results', 'ind_R1', 'unit_percent', 'exact']
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm

__all__ = [
    "framework_table",
    "level_table",
    "trace_table",
    "changes_table",
    "assessment_counts",
    "school_comparison",
    "position_counts",
    "plan_display",
    "summary_table",
    "compliance_table",
    "school_rows",
    "published_rows",
    "schedule_schools",
    "schedule_by_month",
    "improving_display",
    "variable_table",
    "dynamics_data",
    "compared_data",
    "indicator_codes",
    "suppressed_counts",
]


def framework_table(parts: pd.DataFrame) -> pd.DataFrame:
    """The invariant and variable indicators, kept apart (``part``)."""
    return pd.DataFrame(
        {
            "part": parts["part"].replace({"variable": "variable_part"}),
            "direction": "dir_" + parts["direction"],
            "indicator": "ind_" + parts["indicator"],
            "unit_of": "unit_" + parts["unit"],
            "uncertainty": parts["uncertainty"].replace({"none": "exact"}),
            "target": parts["target"],
            "threshold": parts["threshold"],
        }
    )


def summary_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The indicator stage's summary with its codes ready for labels."""
    return summary.assign(
        part=summary["part"].replace({"variable": "variable_part"}), level=summary["level"]
    ).rename(columns={"level": "mon_level"})


def level_table(indicators: pd.DataFrame, *, framework: str, level: str, year: int) -> pd.DataFrame:
    """Every invariant indicator at one level in one year: ``mon_unit, indicator, value, se,
    n_units, n_rows``."""
    t = indicators[
        (indicators["framework"] == framework)
        & (indicators["level"] == level)
        & (indicators["year"] == year)
        & (indicators["part"] == "invariant")
    ]
    return pd.DataFrame(
        {
            "mon_unit": t["unit"],
            "indicator": "ind_" + t["indicator"],
            "value": t["value"],
            "se": t["se"],
            "n_units": t["n_units"],
            "n_rows": t["n_rows"],
        }
    ).reset_index(drop=True)


def trace_table(
    indicators: pd.DataFrame, *, indicator: str, year: int, unit: str, level: str
) -> pd.DataFrame:
    """A number and the rows below it: ``mon_unit, numerator, denominator, value`` with the
    number itself last (its numerator and denominator are the sums above it)."""
    from workbench.monitoring.rollup import trace

    inv = indicators[indicators["part"] == "invariant"]
    below = trace(inv, indicator=indicator, year=year, level=level, unit=unit)
    own = inv[
        (inv["indicator"] == indicator)
        & (inv["year"] == year)
        & (inv["level"] == level)
        & (inv["unit"] == unit)
    ]
    rows = pd.concat([below, own])
    return pd.DataFrame(
        {
            "mon_level": rows["level"],
            "mon_unit": rows["unit"],
            "numerator": rows["numerator"],
            "denominator": rows["denominator"],
            "value": rows["value"],
        }
    ).reset_index(drop=True)


def changes_table(changes: pd.DataFrame, unit: str) -> pd.DataFrame:
    """One unit's changes from the first to the last year, every indicator."""
    c = changes[(changes["unit"] == unit) & (changes["span"] == "first_last")]
    return pd.DataFrame(
        {
            "indicator": "ind_" + c["indicator"],
            "year_from": c["year_from"].astype(str),  # a year, not a number: 2026, not 2 026
            "year_to": c["year_to"].astype(str),
            "value_from": c["value_from"],
            "value_to": c["value_to"],
            "change": c["change"],
            "se_change": c["se_change"],
            "assessment": c["assessment"],
        }
    ).reset_index(drop=True)


def assessment_counts(changes: pd.DataFrame, framework: str) -> pd.DataFrame:
    """Per indicator: how many units improved, declined, ... (first to last year)."""
    c = changes[(changes["span"] == "first_last") & (changes["framework"] == framework)]
    out = pd.crosstab("ind_" + c["indicator"], c["assessment"]).reset_index()
    return out.rename(columns={"row_0": "indicator"}).rename_axis(columns=None)


def school_comparison(comparison: pd.DataFrame, unit: str) -> pd.DataFrame:
    """One institution against its references, every indicator."""
    c = comparison[comparison["unit"] == unit]
    return pd.DataFrame(
        {
            "indicator": "ind_" + c["indicator"],
            "reference": c["reference"],
            "group": c["group"],
            "n_reference": c["n_reference"],
            "value": c["value"],
            "reference_value": c["reference_value"],
            "difference": c["difference"],
            "ci_lower": c["ci_lower"],
            "ci_upper": c["ci_upper"],
            "position": c["position"],
        }
    ).reset_index(drop=True)


def position_counts(comparison: pd.DataFrame, framework: str) -> pd.DataFrame:
    """Per indicator and reference: how many institutions are above, similar, below (columns
    ``pos_above`` ...: the position labels, apart from the reference ``similar`` schools)."""
    c = comparison[comparison["framework"] == framework]
    out = pd.crosstab(["ind_" + c["indicator"], c["reference"]], "pos_" + c["position"])
    return out.reset_index().rename(columns={"row_0": "indicator"}).rename_axis(columns=None)


def plan_display(plan: pd.DataFrame) -> pd.DataFrame:
    """The plan with month columns named ``month_09`` ... and codes for the labels."""
    months = {c: "month_" + c[1:] for c in plan.columns if c.startswith("m") and c[1:].isdigit()}
    return plan.assign(
        direction="dir_" + plan["direction"],
        method="method_" + plan["method"],
        responsible="resp_" + plan["responsible"],
    ).rename(columns=months)


def compliance_table(compliance: pd.DataFrame, *, schools: bool) -> pd.DataFrame:
    """Compliance of the schools (``schools=True``, by id) or of the levels above them; the
    ``suppressed`` column only when a row is hidden.

    Examples
    --------
    >>> c = pd.DataFrame({"level": ["school", "nation"], "unit": ["S1", "nation"],
    ...                   "parent": ["d1", ""], "teachers": [40, 40], "suppressed": ""})
    >>> list(compliance_table(c, schools=True).columns)
    ['school_id', 'district', 'teachers']
    """
    compliance = _suppressed_if_any(compliance)
    if schools:
        t = compliance[compliance["level"] == "school"].drop(columns="level")
        return t.rename(columns={"unit": "school_id", "parent": "district"}).reset_index(drop=True)
    t = compliance[compliance["level"] != "school"]
    return t.rename(
        columns={"level": "mon_level", "unit": "mon_unit", "parent": "mon_parent"}
    ).reset_index(drop=True)


def schedule_schools(by_school: pd.DataFrame) -> pd.DataFrame:
    """The schedule per school for a page (the ``suppressed`` column only when a row is
    hidden)."""
    return _suppressed_if_any(by_school)


def _suppressed_if_any(table: pd.DataFrame) -> pd.DataFrame:
    if "suppressed" in table.columns and not (table["suppressed"] != "").any():
        return table.drop(columns="suppressed")
    return table


def school_rows(table: pd.DataFrame, school: str) -> pd.DataFrame:
    """The rows of one school (dates shown as ``YYYY-MM-DD``)."""
    rows = table[table["school_id"] == school].reset_index(drop=True)
    for col in rows.columns:
        if pd.api.types.is_datetime64_any_dtype(rows[col]):
            rows[col] = rows[col].dt.strftime("%Y-%m-%d")
    return rows


def published_rows(table: pd.DataFrame, compliance: pd.DataFrame, school: str) -> pd.DataFrame:
    """:func:`school_rows` for a public page: none when the published ``compliance`` hides
    the school (its list would count its overdue teachers).

    Examples
    --------
    >>> comp = pd.DataFrame({"level": "school", "unit": ["A"], "suppressed": ["small_cell"]})
    >>> len(published_rows(pd.DataFrame({"school_id": ["A", "A"]}), comp, "A"))
    0
    """
    rows = school_rows(table, school)
    hidden = compliance[(compliance["level"] == "school") & (compliance["suppressed"] != "")]
    return rows[~rows["school_id"].isin(hidden["unit"])].reset_index(drop=True)


def schedule_by_month(schedule: pd.DataFrame) -> pd.DataFrame:
    """Teachers placed per course month: ``month`` (YYYY-MM), ``teachers``, by outcome."""
    placed = schedule.dropna(subset=["month"])
    out = pd.crosstab(placed["month"].dt.strftime("%Y-%m"), placed["outcome"])
    out.insert(0, "teachers", out.sum(axis=1))
    return out.rename_axis(index="month", columns=None).reset_index()


def improving_display(improving: pd.DataFrame) -> pd.DataFrame:
    """The improving units with the unit column named for the labels."""
    return improving.rename(columns={"unit": "mon_unit"})


def variable_table(indicators: pd.DataFrame) -> pd.DataFrame:
    """Each school's own (variable-part) indicators by year, apart from the shared ones."""
    t = indicators[indicators["part"] == "variable"]
    return pd.DataFrame(
        {
            "school_id": t["unit"],
            "indicator": "ind_" + t["indicator"],
            "year": t["year"].astype(str),
            "value": t["value"],
            "se": t["se"],
            "numerator": t["numerator"],
            "denominator": t["denominator"],
        }
    ).reset_index(drop=True)


def dynamics_data(
    indicators: pd.DataFrame, *, school: str, shown: list[str], level: float = 0.95
) -> pd.DataFrame:
    """The figure data of a school's dynamics: the ``shown`` indicators over the years for
    ``school`` (role ``school``), the other schools of its district (``other``) and the district
    (``district``): ``indicator, year, unit, role, value, ci_lower, ci_upper`` (intervals at
    confidence ``level`` where the indicator has an SE, else empty).

    Examples
    --------
    >>> t = pd.DataFrame({"part": "invariant", "indicator": "R3", "year": [2025, 2025, 2025],
    ...     "level": ["school", "school", "district"], "unit": ["A", "B", "d"],
    ...     "parent": ["d", "d", "o"], "value": [50.0, 40.0, 45.0], "se": [1.0, 1.0, 0.5]})
    >>> d = dynamics_data(t, school="A", shown=["R3"])
    >>> d["role"].tolist(), d["ci_upper"].round(2).tolist()
    (['school', 'other', 'district'], [51.96, 41.96, 45.98])
    """
    inv = indicators[(indicators["part"] == "invariant") & indicators["indicator"].isin(shown)]
    mine = inv[(inv["level"] == "school") & (inv["unit"] == school)]
    district = mine["parent"].iloc[0]
    rows = inv[
        ((inv["level"] == "school") & (inv["parent"] == district))
        | ((inv["level"] == "district") & (inv["unit"] == district))
    ]
    z = norm.ppf(0.5 + level / 2)
    role = np.select(
        [rows["unit"] == school, rows["level"] == "district"], ["school", "district"], "other"
    )
    return pd.DataFrame(
        {
            "indicator": rows["indicator"],
            "year": rows["year"],
            "unit": rows["unit"],
            "role": role,
            "value": rows["value"],
            "ci_lower": rows["value"] - z * rows["se"],
            "ci_upper": rows["value"] + z * rows["se"],
        }
    ).reset_index(drop=True)


def compared_data(
    comparison: pd.DataFrame, *, shown: list[str], reference: str = "rest_of_district"
) -> pd.DataFrame:
    """The figure data of the comparison across schools: each school's difference from its
    ``reference`` on the ``shown`` indicators, with its interval and position, ordered by
    district and school id (never by value): ``indicator, group, unit, difference, ci_lower,
    ci_upper, position``."""
    c = comparison[
        (comparison["framework"] == "school_internal")
        & (comparison["reference"] == reference)
        & comparison["indicator"].isin(shown)
    ]
    return (
        c[["indicator", "group", "unit", "difference", "ci_lower", "ci_upper", "position"]]
        .sort_values(["indicator", "group", "unit"])
        .reset_index(drop=True)
    )


def indicator_codes(indicators: list[str]) -> list[str]:
    """The label keys of indicators, for a text value (``wb.report.term(*codes)``).

    Examples
    --------
    >>> indicator_codes(["R1", "R3"])
    ['ind_R1', 'ind_R3']
    """
    return [f"ind_{i}" for i in indicators]


def suppressed_counts(published: pd.DataFrame) -> pd.DataFrame:
    """What the published roll-up hides, counted: per indicator and level, the values hidden
    for too few teachers (``small_cell``) and their complements (``complementary``), and the
    values shown (``shown``); only the indicators over counts of teachers.

    Examples
    --------
    >>> t = pd.DataFrame({"indicator": "I1", "level": ["school", "school", "district"],
    ...                   "suppressed": ["small_cell", "", ""], "denominator": [3, 40, 43]})
    >>> suppressed_counts(t).values.tolist()
    [['ind_I1', 'school', 1, 0, 1], ['ind_I1', 'district', 0, 0, 1]]
    """
    if "suppressed" not in published.columns:
        published = published.assign(suppressed="")
    people = published[published["indicator"].isin(_people(published))]
    rows = []
    for (ind, level), g in people.groupby(["indicator", "level"], sort=False):
        rows.append(
            {
                "indicator": f"ind_{ind}",
                "mon_level": level,
                "small_cell": int((g["suppressed"] == "small_cell").sum()),
                "complementary": int((g["suppressed"] == "complementary").sum()),
                "shown": int((g["suppressed"] == "").sum()),
            }
        )
    return pd.DataFrame(
        rows, columns=["indicator", "mon_level", "small_cell", "complementary", "shown"]
    )


def _people(published: pd.DataFrame) -> list[str]:
    """The indicators over counts of teachers (:func:`.rollup.teacher_indicators` of the
    frameworks named in ``published``, else those with a hidden row)."""
    from workbench.monitoring.framework import load_monitoring_framework
    from workbench.monitoring.rollup import teacher_indicators

    if "framework" in published.columns:
        names = [f for f in published["framework"].unique() if f]
        return [i for f in names for i in teacher_indicators(load_monitoring_framework(f))]
    return sorted(set(published.loc[published["suppressed"] != "", "indicator"]))
