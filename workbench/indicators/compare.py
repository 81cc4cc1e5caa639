"""Comparative and dynamic analysis of institution indicators (stage t50, concept 000; the two
core analyses of regulation 002 §1.10 and 004 §5.3).

* :func:`compare_with_peers`: each institution against the sector and against its peer group
  (same level), the reference being the mean of the *other* institutions' estimates, with the
  CI of the difference;
* :func:`change_from_previous`: change from the previous year, its CI and a z test;
* :func:`employment_cohorts`: graduates' employment in teaching followed at 6/12/18 months.

Standard errors combine the indicators' own SEs as independent (different respondents);
administrative indicators are exact, so their differences are facts (SE 0, ``p_value`` NaN).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from workbench.indicators.framework import Framework

__all__ = ["compare_with_peers", "change_from_previous", "employment_cohorts"]


def compare_with_peers(
    indicators: pd.DataFrame,
    institutions: pd.DataFrame,
    *,
    peer: str = "level",
    ci: float = 0.95,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Institution minus the sector and minus its peer group, per indicator.

    Parameters
    ----------
    indicators
        Tidy indicators; institution level rows are used.
    institutions
        ``institution`` and the ``peer`` column.
    peer
        Column defining peer groups.

    Returns
    -------
    DataFrame
        ``institution, indicator, reference (sector | peers), estimate, reference_mean,
        difference, se, ci_lower, ci_upper, p_value, verdict, n_reference``; ``verdict`` is
        ``above``, ``below`` or ``not different`` (the CI of the difference covers 0).

    Examples
    --------
    >>> import pandas as pd
    >>> ind = pd.DataFrame({"level": "institution", "institution": [1, 2, 3],
    ...                     "indicator": "SA1", "estimate": [60.0, 50.0, 40.0],
    ...                     "se": [1.0, 1.0, 1.0]})
    >>> inst = pd.DataFrame({"institution": [1, 2, 3], "level": "higher"})
    >>> r = compare_with_peers(ind, inst).query("reference == 'sector'")
    >>> r[["difference", "verdict"]].values.tolist()
    [[15.0, 'above'], [0.0, 'not different'], [-15.0, 'below']]
    """
    part = indicators[indicators["level"] == "institution"].drop(columns=["level"])
    part = part.merge(
        institutions[["institution", peer]].drop_duplicates("institution"),
        on="institution",
        how="left",
    )
    rows = []
    for ind, d in part.groupby("indicator", sort=False):
        d = d.dropna(subset=["estimate"])
        for ref, grp in (("sector", None), ("peers", peer)):
            groups = [d] if grp is None else [g for _, g in d.groupby(grp)]
            for g in groups:
                rows.append(_against_others(g, ind, ref, ci, alpha))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def change_from_previous(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    framework: Framework,
    *,
    ci: float = 0.95,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Change of each indicator from the previous year, with its CI and significance.

    Returns
    -------
    DataFrame
        ``level, institution, programme, indicator, previous, current, change, se, ci_lower,
        ci_upper, p_value, verdict`` (``improved``, ``declined``, ``no significant change``,
        using the indicator's direction).

    Examples
    --------
    >>> import pandas as pd
    >>> from workbench.indicators.framework import load_framework
    >>> fw = load_framework("teacher_education")
    >>> prev = pd.DataFrame({"level": "institution", "institution": [1], "programme": "",
    ...                      "indicator": "ST3", "estimate": [20.0], "se": [0.0]})
    >>> cur = prev.assign(estimate=15.0)
    >>> change_from_previous(cur, prev, fw)[["change", "verdict"]].values.tolist()
    [[-5.0, 'improved']]
    """
    keys = ["level", "institution", "programme", "indicator"]
    m = current[keys + ["estimate", "se"]].merge(
        previous[keys + ["estimate", "se"]], on=keys, suffixes=("", "_prev")
    )
    m = m.dropna(subset=["estimate", "estimate_prev"])
    change = m["estimate"] - m["estimate_prev"]
    se = np.sqrt(m["se"] ** 2 + m["se_prev"] ** 2)
    z = stats.norm.ppf((1 + ci) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(se > 0, 2 * stats.norm.sf(np.abs(change / se)), np.nan)
    sign = m["indicator"].map(
        lambda i: -1 if framework.indicator(i).direction == "lower_better" else 1
    )
    sig = np.where(se > 0, p < alpha, change != 0)
    better = change * sign > 0
    verdict = np.where(~sig, "no significant change", np.where(better, "improved", "declined"))
    out = m[keys].assign(
        previous=m["estimate_prev"],
        current=m["estimate"],
        change=change,
        se=se,
        ci_lower=change - z * se,
        ci_upper=change + z * se,
        p_value=p,
        verdict=verdict,
    )
    return out.reset_index(drop=True)


def employment_cohorts(destinations: pd.DataFrame, *, months=(6, 12, 18)) -> pd.DataFrame:
    """Share of each cohort's graduates employed in teaching at 6/12/18 months.

    Parameters
    ----------
    destinations
        ``cohort, institution, graduate_id`` and ``teaching_<m>m`` columns (NaN: not yet
        observed).

    Returns
    -------
    DataFrame
        ``institution, cohort, months, graduates, observed, employed_teaching`` (percent of
        the observed graduates), with ``institution == 0`` for the whole sector.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"cohort": 2024, "institution": [1, 1], "graduate_id": ["a", "b"],
    ...                   "teaching_6m": [1, 0], "teaching_12m": [1, 1],
    ...                   "teaching_18m": [float("nan")] * 2})
    >>> employment_cohorts(d).query("institution == 1")["employed_teaching"].tolist()
    [50.0, 100.0, nan]
    """
    rows = []
    for m in months:
        col = f"teaching_{m}m"
        if col not in destinations:
            raise KeyError(
                f"employment_cohorts: no column {col!r}; columns are {list(destinations.columns)}"
            )
        for sector in (False, True):
            keys = ["cohort"] if sector else ["cohort", "institution"]
            g = (
                destinations.groupby(keys)[col]
                .agg(graduates="size", observed="count", employed_teaching="mean")
                .reset_index()
            )
            if sector:
                g["institution"] = 0
            g["employed_teaching"] *= 100
            rows.append(g.assign(months=m))
    out = pd.concat(rows, ignore_index=True)
    return out[
        ["institution", "cohort", "months", "graduates", "observed", "employed_teaching"]
    ].sort_values(["institution", "cohort", "months"], ignore_index=True)


def _against_others(g: pd.DataFrame, ind: str, ref: str, ci: float, alpha: float) -> pd.DataFrame:
    est, se = g["estimate"].to_numpy(float), g["se"].fillna(0).to_numpy(float)
    k = len(est)
    if k < 2:
        return pd.DataFrame()
    others = (est.sum() - est) / (k - 1)
    var_others = ((se**2).sum() - se**2) / (k - 1) ** 2
    diff = est - others
    s = np.sqrt(se**2 + var_others)
    z = stats.norm.ppf((1 + ci) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(s > 0, 2 * stats.norm.sf(np.abs(diff / s)), np.nan)
    lo, hi = diff - z * s, diff + z * s
    verdict = np.where(lo > 0, "above", np.where(hi < 0, "below", "not different"))
    return pd.DataFrame(
        {
            "institution": g["institution"].to_numpy(),
            "indicator": ind,
            "reference": ref,
            "estimate": est,
            "reference_mean": others,
            "difference": diff,
            "se": s,
            "ci_lower": lo,
            "ci_upper": hi,
            "p_value": p,
            "verdict": verdict,
            "n_reference": k - 1,
        }
    )
