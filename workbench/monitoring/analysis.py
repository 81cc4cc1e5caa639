"""The two core analyses of internal monitoring (002 §1.10, 004 §5.3): dynamic (each
indicator over the years, the change and its uncertainty) and comparative (an institution
against the rest of its district and against institutions like it), from a roll-up table.

Uncertainty: indicators from a sample or a test carry an SE (see :mod:`.rollup`); a change's
SE is ``sqrt(se1^2 + se2^2)`` (independent samples and test-takers) and it is called
significant when its CI excludes 0. Administrative indicators are exact: their change is the
change, and a position counts as above or below only beyond ``margin`` points.

The comparison never ranks: each institution is placed against its own reference groups as
above, similar or below, and the table is ordered by institution id.

Examples
--------
>>> import pandas as pd
>>> r = pd.DataFrame({"year": [2025, 2026], "indicator": "R3", "level": "school",
...                   "unit": "A", "value": [50.0, 56.0], "se": [2.0, 2.0]})
>>> d = dynamic(r, at_level="school", directions={"R3": "higher_better"})
>>> d[["change", "significant", "assessment"]].round(1).values.tolist()
[[6.0, True, 'improved']]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm

__all__ = [
    "dynamic",
    "compare",
    "size_band",
    "improving_units",
    "hidden_cells",
    "suppress_changes",
    "compare_published",
]


def dynamic(
    table: pd.DataFrame, *, at_level: str, directions: dict[str, str], level: float = 0.95
) -> pd.DataFrame:
    """Change of each indicator of each unit of ``at_level``: previous year -> year, for every
    consecutive pair, and first -> last year (``span: first_last``); ``level`` is the
    confidence level.

    Returns
    -------
    DataFrame
        ``unit, indicator, span, year_from, year_to, value_from, value_to, change, se_change,
        ci_lower, ci_upper, significant, assessment`` with ``assessment`` one of improved,
        declined, no_change (exact or significant only), not_significant.
    """
    t = table[table["level"] == at_level]
    z = norm.ppf(0.5 + level / 2)
    rows = []
    for (unit, ind), g in t.sort_values("year").groupby(["unit", "indicator"], sort=True):
        years = g["year"].tolist()
        pairs = [(years[k - 1], years[k], "year_on_year") for k in range(1, len(years))]
        if len(years) > 2:
            pairs.append((years[0], years[-1], "first_last"))
        by_year = g.set_index("year")
        for y0, y1, span in pairs:
            a, b = by_year.loc[y0], by_year.loc[y1]
            change = b["value"] - a["value"]
            se = float(np.hypot(a["se"], b["se"]))
            sampled = not np.isnan(se)
            significant = bool(abs(change) > z * se) if sampled else None
            better = (
                change > 0
                if directions.get(ind, "higher_better") == "higher_better"
                else change < 0
            )
            if np.isnan(change):
                assessment = "no_data"
            elif sampled and not significant:
                assessment = "not_significant"
            elif change == 0:
                assessment = "no_change"
            else:
                assessment = "improved" if better else "declined"
            rows.append(
                {
                    "unit": unit,
                    "indicator": ind,
                    "span": span,
                    "year_from": y0,
                    "year_to": y1,
                    "value_from": a["value"],
                    "value_to": b["value"],
                    "change": change,
                    "se_change": se if sampled else np.nan,
                    "ci_lower": change - z * se if sampled else np.nan,
                    "ci_upper": change + z * se if sampled else np.nan,
                    "significant": significant,
                    "assessment": assessment,
                }
            )
    return pd.DataFrame(rows)


def improving_units(changes: pd.DataFrame, indicators: list[str]) -> pd.DataFrame:
    """Units whose first -> last change improved on every one of ``indicators``, with the
    mean change (largest first; a finding, not a ranking of all units)."""
    c = changes[(changes["span"] == "first_last") & changes["indicator"].isin(indicators)]
    ok = c.groupby("unit")["assessment"].agg(
        lambda s: (s == "improved").all() and len(s) == len(indicators)
    )
    mean = c.groupby("unit")["change"].mean()
    out = pd.DataFrame({"unit": ok.index, "mean_change": mean.loc[ok.index].to_numpy()})
    return out[ok.to_numpy()].sort_values("mean_change", ascending=False, ignore_index=True)


def size_band(students: pd.Series, bands: list[int]) -> pd.Series:
    """``size_small`` / ``size_medium`` / ``size_large`` from the number of students and
    two cut points.

    Examples
    --------
    >>> size_band(pd.Series([120, 300, 900]), [300, 800]).tolist()
    ['size_small', 'size_medium', 'size_large']
    """
    return pd.cut(
        students,
        [-np.inf, bands[0] - 0.5, bands[1] - 0.5, np.inf],
        labels=["size_small", "size_medium", "size_large"],
    ).astype(str)


def compare(
    table: pd.DataFrame,
    units: pd.DataFrame,
    *,
    year: int,
    institution: str,
    parent: str,
    multipliers: dict[str, float],
    similar_by: list[str] = (),
    min_similar: int = 3,
    margin: float = 5.0,
    level: float = 0.95,
) -> pd.DataFrame:
    """Each institution against the rest of its ``parent`` unit and against the other
    institutions with the same ``similar_by`` values (all of them, any parent).

    Parameters
    ----------
    table
        A roll-up table (levels ``institution`` and ``parent``).
    units
        One row per institution: its id column, ``parent`` and the ``similar_by`` columns.
    multipliers
        ``{indicator: value / (numerator / denominator)}`` (:func:`.rollup.multipliers`).
    min_similar
        Fewer similar institutions than this: no comparison (``too_few``).
    margin
        Exact indicators: the distance (in the indicator's unit) beyond which a difference
        counts.

    Returns
    -------
    DataFrame
        ``unit, indicator, reference (rest_of_<parent> | similar), group, n_reference, value, se,
        reference_value, difference, ci_lower, ci_upper, position`` (above, similar, below,
        too_few), ordered by unit and indicator; no rank.
    """
    from workbench.monitoring.rollup import level_key

    key = level_key(institution)
    t = table[(table["year"] == year) & (table["level"] == institution)]
    t = t.merge(
        units[[key, level_key(parent), *similar_by]].rename(columns={key: "unit"}),
        on="unit",
        how="left",
    )
    z = norm.ppf(0.5 + level / 2)
    refs = [(f"rest_of_{parent}", [level_key(parent)])] + (
        [("similar", list(similar_by))] if similar_by else []
    )
    rows = []
    for ref, cols in refs:
        for _, g in t.groupby(["indicator", *cols], sort=True):
            totals = g[["numerator", "denominator", "variance"]].sum()
            for r in g.itertuples():
                rest_n = totals["numerator"] - r.numerator
                rest_d = totals["denominator"] - r.denominator
                # units with cells (a cell hidden by compare_published has none)
                n_ref = int((g["denominator"] > 0).sum()) - int(r.denominator > 0)
                ref_value = (rest_n / rest_d) if rest_d > 0 else np.nan
                rows.append(
                    _placed(
                        r,
                        ref,
                        "/".join(str(getattr(r, c)) for c in cols),
                        n_ref,
                        ref_value,
                        rest_d,
                        totals["variance"] - r.variance,
                        multipliers[r.indicator],
                        z,
                        margin,
                        min_similar if ref == "similar" else 1,
                    )
                )
    out = pd.DataFrame(rows)
    return out.sort_values(["unit", "indicator", "reference"], ignore_index=True)


def _placed(
    r,
    ref: str,
    group: str,
    n_ref: int,
    ref_value: float,
    rest_d: float,
    rest_var: float,
    scale: float,
    z: float,
    margin: float,
    min_n: int,
) -> dict:
    exact = np.isnan(r.se)
    ref_value = ref_value * scale
    ref_se = np.nan if exact or rest_d <= 0 else scale * np.sqrt(max(rest_var, 0)) / rest_d
    diff = r.value - ref_value
    se = np.hypot(r.se, ref_se)
    if n_ref < min_n or np.isnan(diff):
        position, diff = "too_few", np.nan
    elif exact:
        position = "above" if diff > margin else "below" if diff < -margin else "similar"
    else:
        position = "above" if diff - z * se > 0 else "below" if diff + z * se < 0 else "similar"
    return {
        "unit": r.unit,
        "indicator": r.indicator,
        "reference": ref,
        "group": group,
        "n_reference": n_ref,
        "value": r.value,
        "se": r.se,
        "reference_value": ref_value if position != "too_few" else np.nan,
        "difference": diff,
        "ci_lower": diff - z * se if not exact else np.nan,
        "ci_upper": diff + z * se if not exact else np.nan,
        "position": position,
    }


def hidden_cells(published: pd.DataFrame) -> pd.DataFrame:
    """The cells a published roll-up hides (:func:`.rollup.suppress_teacher_counts`):
    ``unit, indicator, year, level, suppressed`` (``small_cell`` or ``complementary``)."""
    if "suppressed" not in published.columns:
        return pd.DataFrame(columns=["unit", "indicator", "year", "level", "suppressed"])
    h = published[published["suppressed"] != ""]
    return h[["unit", "indicator", "year", "level", "suppressed"]].reset_index(drop=True)


def suppress_changes(changes: pd.DataFrame, hidden: pd.DataFrame) -> pd.DataFrame:
    """The published changes: a change whose start or end year is a hidden cell shows no
    values (``assessment: suppressed``, ``suppressed`` the hidden cell's reason); other rows
    keep theirs (``suppressed`` empty).

    Examples
    --------
    >>> c = pd.DataFrame({"unit": ["A", "B"], "indicator": "I1", "span": "year_on_year",
    ...     "year_from": 2025, "year_to": 2026, "value_from": [30.0, 20.0],
    ...     "value_to": [40.0, 25.0], "change": [10.0, 5.0], "se_change": float("nan"),
    ...     "ci_lower": float("nan"), "ci_upper": float("nan"), "significant": None,
    ...     "assessment": "improved"})
    >>> h = pd.DataFrame({"unit": ["A"], "indicator": "I1", "year": [2026],
    ...                   "level": "school", "suppressed": ["small_cell"]})
    >>> s = suppress_changes(c, h)
    >>> s["assessment"].tolist(), s["change"].tolist(), s["suppressed"].tolist()
    (['suppressed', 'improved'], [nan, 5.0], ['small_cell', ''])
    """
    out = changes.copy()
    why = hidden.set_index(["unit", "indicator", "year"])["suppressed"]
    why = why[~why.index.duplicated()]
    reason = pd.Series("", index=out.index, dtype=object)
    for year in ("year_from", "year_to"):
        keys = pd.MultiIndex.from_arrays([out["unit"], out["indicator"], out[year]])
        found = pd.Series(why.reindex(keys).to_numpy(), index=out.index).fillna("")
        reason = reason.where(reason != "", found)
    hide = reason != ""
    for column in ("value_from", "value_to", "change", "se_change", "ci_lower", "ci_upper"):
        out[column] = out[column].astype(float).where(~hide)
    out["significant"] = out["significant"].astype(object).where(~hide, None)
    out["assessment"] = out["assessment"].where(~hide, "suppressed")
    out["suppressed"] = reason
    return out


def compare_published(
    table: pd.DataFrame, hidden: pd.DataFrame, units: pd.DataFrame, **kwargs
) -> pd.DataFrame:
    """:func:`compare` on the cells a page may show: the hidden cells of the compared year
    (``hidden``, :func:`hidden_cells`) add nothing to any reference (a reference group's
    totals are then sums of published cells, so they cannot give a hidden one back; nor are
    they counted in ``n_reference``) and show no values (``position: suppressed``);
    ``suppressed`` says why (empty for the other rows).

    Examples
    --------
    >>> t = pd.DataFrame({"year": 2026, "indicator": "I1", "level": "school",
    ...     "unit": ["A", "B", "C", "D"], "numerator": [1.0, 9.0, 6.0, 8.0],
    ...     "denominator": [3.0, 40.0, 30.0, 20.0], "variance": 0.0,
    ...     "value": [33.3, 22.5, 20.0, 40.0], "se": float("nan")})
    >>> u = pd.DataFrame({"school_id": ["A", "B", "C", "D"], "district": "d"})
    >>> h = pd.DataFrame({"unit": ["A", "D"], "indicator": "I1", "year": 2026,
    ...                   "level": "school", "suppressed": ["small_cell", "complementary"]})
    >>> c = compare_published(t, h, u, year=2026, institution="school", parent="district",
    ...                       multipliers={"I1": 100.0})
    >>> c[["unit", "n_reference", "reference_value", "position"]].values.tolist()
    [['A', 2, nan, 'suppressed'], ['B', 1, 20.0, 'similar'], ['C', 1, 22.5, 'similar'], \
['D', 2, nan, 'suppressed']]
    """
    year, institution = kwargs["year"], kwargs["institution"]
    h = hidden[(hidden["year"] == year) & (hidden["level"] == institution)]
    why = h.set_index(["unit", "indicator"])["suppressed"]
    t = table.copy()
    keys = pd.MultiIndex.from_arrays([t["unit"], t["indicator"]])
    mine = ((t["year"] == year) & (t["level"] == institution)).to_numpy()
    gone = mine & keys.isin(why.index)
    t.loc[gone, ["numerator", "denominator", "variance"]] = 0.0
    t.loc[gone, ["value", "se"]] = np.nan
    out = compare(t, units, **kwargs)
    keys = pd.MultiIndex.from_arrays([out["unit"], out["indicator"]])
    out["suppressed"] = pd.Series(why.reindex(keys).to_numpy(), index=out.index).fillna("")
    hide = out["suppressed"] != ""
    for column in ("reference_value", "difference", "ci_lower", "ci_upper"):
        out[column] = out[column].astype(float).where(~hide)
    out["position"] = out["position"].where(~hide, "suppressed")
    return out
