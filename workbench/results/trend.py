"""Trend (stage: results, exhibit 5): change since the base cycle, with the linking error.

Every headline figure of the base cycle and of this cycle (national and group means, shares
at or above each benchmark, the girls - boys and urban - rural gaps) and their difference.
The SE of a difference is ``sqrt(se_now^2 + se_base^2 + linking_error^2)``
(:func:`workbench.scaling.trend_difference`): the two samples are independent and the
linking error is the uncertainty of placing this cycle on the base scale. A gap's change
carries no linking error (a shift of the whole scale cancels in a gap). For a share at a
cut score the linking error in points is turned into percentage points by the share's
change when the cut moves by the linking error (the density of the scores at the cut).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from workbench.results._common import GROUPS, NATIONAL, group_code
from workbench.results.gaps import mark
from workbench.scaling.levels import trend_difference

__all__ = ["trend", "percent_linking_error"]


def percent_linking_error(design, *, variable: str, cut: float, linking_error: float) -> float:
    """The linking error of the share at or above ``cut`` in percentage points.

    Half the change of the share when the cut moves from ``cut - e`` to ``cut + e``
    (``e`` = the linking error in points), from all PVs with the full-sample weight.

    Examples
    --------
    >>> import pandas as pd
    >>> from workbench.survey import RepDesign
    >>> df = pd.DataFrame({"TOTWGT": [1.0] * 4, "RWGT1": [2.0, 0, 1, 1],
    ...                    "RWGT2": [1.0, 1, 2, 0], "READ01": [390.0, 398, 402, 500]})
    >>> percent_linking_error(RepDesign.iea(df), variable="reading", cut=400, linking_error=5)
    25.0
    """
    if linking_error == 0:
        return 0.0
    table = design.percent_at_or_above(variable, [cut - linking_error, cut + linking_error])
    return float(abs(table["estimate"].iloc[0] - table["estimate"].iloc[1]) / 2)


def trend(
    design,
    base,
    *,
    linking_error: float,
    variable: str = "reading",
    groups: Sequence[str] = GROUPS,
    cuts: Sequence[float] | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Change of the headline figures since the base cycle, SE with the linking error.

    Parameters
    ----------
    design, base
        ``RepDesign`` of this cycle and of the base cycle (``student_results`` of each);
        ``base=None`` (a cycle that sets the scale) gives an empty table.
    linking_error
        In reporting-scale points (the scaling stage's ``linking`` table,
        ``linking_error_points``).
    groups
        Reporting groups whose means are compared (present in both cycles).
    cuts
        Benchmarks (default: the design's ``levels``).
    alpha
        Significance level of the flags.

    Returns
    -------
    DataFrame
        ``statistic`` (``mean``, ``at_or_above``, ``group_gap``: ``girls_boys`` or
        ``urban_rural``), ``group_var, group,
        benchmark, estimate_base, se_base, estimate_current, se_current, difference,
        se_sampling, linking_error, se, z, p_value, n, n_base`` (students of this and of the
        base cycle), ``ci_lower, ci_upper, significant, symbol``.

    Checked against
    ---------------
    The planted change of the synthetic trend nation (+12 points) within its SE
    (``tests/test_results_trend.py``); the formula of
    :func:`workbench.scaling.trend_difference` (``tests/test_trend.py``).
    """
    columns = [
        "statistic",
        "group_var",
        "group",
        "benchmark",
        "estimate_base",
        "se_base",
        "estimate_current",
        "se_current",
        "difference",
        "se_sampling",
        "linking_error",
        "se",
        "z",
        "p_value",
        "n",
        "n_base",
        "ci_lower",
        "ci_upper",
        "significant",
        "symbol",
    ]
    if base is None:
        return pd.DataFrame(columns=columns)
    if not np.isfinite(linking_error) or linking_error < 0:
        raise ValueError(
            f"trend: linking_error must be finite and >= 0 ({linking_error!r}); "
            "take linking_error_points from the scaling stage's linking table."
        )
    parts = [
        _difference(design.mean(variable), base.mean(variable), linking_error=linking_error).assign(
            statistic="mean", group_var=NATIONAL, group=NATIONAL
        )
    ]
    for by in groups:
        now, then = design.mean(variable, by=by), base.mean(variable, by=by)
        for table in (now, then):
            table[by] = [group_code(by, v) for v in table[by]]
        diff = _difference(now, then, linking_error=linking_error, by=by)
        parts.append(diff.rename(columns={by: "group"}).assign(statistic="mean", group_var=by))
    for cut in design.levels if cuts is None else cuts:
        error = percent_linking_error(
            design, variable=variable, cut=float(cut), linking_error=linking_error
        )
        diff = _difference(
            design.percent_at_or_above(variable, [cut]),
            base.percent_at_or_above(variable, [cut]),
            linking_error=error,
        )
        parts.append(
            diff.assign(
                statistic="at_or_above",
                group_var=NATIONAL,
                group=NATIONAL,
                benchmark=f"{float(cut):g}",
            )
        )
    for by, reference, name in (("ITSEX", 2, "girls_boys"), ("locality", "rural", "urban_rural")):
        if by in groups:
            diff = _difference(
                design.gap(variable, by=by, reference=reference),
                base.gap(variable, by=by, reference=reference),
                linking_error=0.0,
                by=by,
            )
            diff.pop(by)
            parts.append(diff.assign(statistic="group_gap", group_var=by, group=name))
    out = pd.concat(parts, ignore_index=True)
    out["p_value"] = 2 * stats.norm.sf(np.abs(out["z"]))
    crit = stats.norm.ppf(1 - alpha / 2)
    out["ci_lower"] = out["difference"] - crit * out["se"]
    out["ci_upper"] = out["difference"] + crit * out["se"]
    out["significant"] = out["p_value"] < alpha
    out["symbol"] = mark(out["difference"], out["significant"])
    for column in columns:
        if column not in out.columns:
            out[column] = np.nan if column != "benchmark" else ""
    out["benchmark"] = out["benchmark"].fillna("")
    return out[columns]


def _difference(
    now: pd.DataFrame, then: pd.DataFrame, *, linking_error: float, by: str | None = None
) -> pd.DataFrame:
    """:func:`trend_difference` with the students of each cycle (``n``, ``n_base``)."""
    out = trend_difference(now, then, linking_error=linking_error, by=by)
    keys = [by] if by else []
    counts = (
        now[[*keys, "n"]].merge(
            then[[*keys, "n"]].rename(columns={"n": "n_base"}), on=keys, how="inner"
        )
        if keys
        else pd.DataFrame({"n": [int(now["n"].iloc[0])], "n_base": [int(then["n"].iloc[0])]})
    )
    return out.merge(counts, on=keys, how="left") if keys else pd.concat([out, counts], axis=1)
