"""International benchmarks (stage: results, exhibit 2): shares at or above and within levels.

Percent of students reaching each benchmark (cumulative: at or above 400, 475, 550, 625)
and percent within each level (below 400, 400-475, ..., 625 and above), with replicate SEs
from all plausible values, nationally and for each reporting group.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from workbench.results._common import GROUPS, inference, stack
from workbench.survey import RepDesign
from workbench.survey._iea import IEA_WEIGHT

__all__ = ["benchmarks", "level_names"]


def level_names(cuts: Sequence[float]) -> list[str]:
    """Names of the levels between the cuts: ``below_400, 400_475, ..., 625_up``.

    Examples
    --------
    >>> level_names([400, 475])
    ['below_400', '400_475', '475_up']
    """
    values = [f"{float(c):g}" for c in cuts]
    inner = [f"{a}_{b}" for a, b in zip(values[:-1], values[1:], strict=True)]
    return [f"below_{values[0]}", *inner, f"{values[-1]}_up"]


def benchmarks(
    design,
    *,
    variable: str = "reading",
    groups: Sequence[str] = GROUPS,
    cuts: Sequence[float] | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Percent of students at or above each benchmark and within each level, by group.

    The share within a level is the mean of a 0/100 indicator of the level computed from
    every plausible value with the full-sample and every replicate weight (so its SE carries
    the covariance of the two cumulative shares it lies between).

    Parameters
    ----------
    design
        ``RepDesign`` of the student analysis file, with its cut scores (``design.levels``).
    variable
        PV scale.
    groups
        Reporting-group columns.
    cuts
        Cut scores (default: the design's ``levels``).
    level
        Confidence level.

    Returns
    -------
    DataFrame
        ``group_var, group, measure`` (``at_or_above`` or ``within``), ``benchmark`` (the cut
        score as text, or the level name of :func:`level_names`), ``lower, upper``,
        ``estimate, se, ci_lower, ci_upper`` (the t interval cut to 0-100), ``df, n,
        n_schools`` (+ PV parts).

    Raises
    ------
    ValueError
        If there are no cut scores.

    Checked against
    ---------------
    R ``svymean(~I(PV >= c))`` and the level indicators per PV + ``MIcombine`` on the TIMSS
    2011 JK2 design (``tests/reference/results``); the within shares add up to 100.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"TOTWGT": [1.0] * 4, "RWGT1": [2.0, 0, 1, 1],
    ...                    "RWGT2": [1.0, 1, 2, 0], "READ01": [390.0, 480, 560, 640],
    ...                    "READ02": [380.0, 490, 540, 630]})
    >>> t = benchmarks(RepDesign.iea(df), groups=[])
    >>> t[t["measure"] == "within"]["estimate"].tolist()
    [25.0, 0.0, 37.5, 12.5, 25.0]
    """
    cuts = design.levels if cuts is None else tuple(sorted(float(c) for c in cuts))
    if not cuts:
        raise ValueError(
            "benchmarks: no cut scores (design.levels is None and cuts not "
            "given); build the design with RepDesign.iea(..., levels=[...])."
        )
    within = _level_design(design, variable, cuts)
    names = level_names(cuts)
    bounds = dict(zip(names, zip([np.nan, *cuts], [*cuts, np.nan], strict=True), strict=True))

    def one(_, by):
        above = design.percent_at_or_above(variable, list(cuts), by=by)
        above.insert(0, "measure", "at_or_above")
        above["benchmark"] = [f"{c:g}" for c in above.pop("cutpoint")]
        above["lower"], above["upper"] = above["benchmark"].astype(float), np.nan
        inside = within.mean(names, by=by)
        inside.insert(0, "measure", "within")
        inside["benchmark"] = inside["variable"]
        inside["variable"] = variable
        inside["lower"] = [bounds[b][0] for b in inside["benchmark"]]
        inside["upper"] = [bounds[b][1] for b in inside["benchmark"]]
        table = inference(pd.concat([above, inside], ignore_index=True), level=level, p_value=False)
        table["ci_lower"] = table["ci_lower"].clip(lower=0.0)
        table["ci_upper"] = table["ci_upper"].clip(upper=100.0)
        return table

    out = stack(design, one, groups, variable=variable)
    first = ["group_var", "group", "measure", "benchmark", "lower", "upper"]
    return out[first + [c for c in out.columns if c not in first]]


def _level_design(design, variable: str, cuts: Sequence[float]):
    """The design with one 0/100 indicator scale per level (PV m -> indicator m)."""
    pvs = design.pvs.get(variable)
    if pvs is None:
        raise KeyError(
            f"benchmarks: {variable!r} is not a PV scale of the design (scales: "
            f"{list(design.pvs)}); pass variable='reading'."
        )
    values = design.data[pvs].to_numpy(float)
    level = np.searchsorted(np.asarray(cuts, float), values, side="right").astype(float)
    level[np.isnan(values)] = np.nan
    sets, columns = {}, {}
    for k, name in enumerate(level_names(cuts)):
        cols = [f"_{name}_{m + 1}" for m in range(len(pvs))]
        sets[name] = cols
        for m, col in enumerate(cols):
            columns[col] = np.where(np.isnan(level[:, m]), np.nan, 100.0 * (level[:, m] == k))
    keep = [c for c in design.data.columns if c not in pvs]
    frame = pd.concat([design.data[keep], pd.DataFrame(columns, index=design.data.index)], axis=1)
    return RepDesign(
        frame, weight=IEA_WEIGHT, replicates=design.replicates, method=design.method, pvs=sets
    )
