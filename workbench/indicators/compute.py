"""Indicators per institution and programme with their uncertainty (stage t30, concept 000).

Survey indicators are means of respondents' scale scores within the institution (or
programme). Their standard error treats the respondents as a simple random sample of the
invited population, with the finite population correction ``1 - n/N`` (so a near-census has a
near-zero SE and a census exactly zero); the interval is Student's t with ``n - 1`` df.
Administrative indicators (registers of staff, enrolment, graduate destinations) count the
whole population: they are exact (SE 0, the interval is the point). Every row carries its
respondents ``n``, the population ``population``, the response rate and flags (joined by ``/``):
``low_n`` (fewer than ``min_n`` answered), ``low_response`` (rate below ``min_rate``),
``scale_not_validated`` (its scale failed validation: no estimate), ``no_data``.

Assumption (said in the report): non-respondents are missing at random within the
institution; low response rates are flagged, not corrected.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from workbench.indicators.framework import Framework

__all__ = [
    "compute_indicators",
    "survey_indicators",
    "admin_indicators",
    "response_rates",
    "INDICATOR_COLUMNS",
]

INDICATOR_COLUMNS = [
    "year",
    "level",
    "institution",
    "programme",
    "group",
    "indicator",
    "source",
    "estimate",
    "se",
    "ci_lower",
    "ci_upper",
    "n",
    "population",
    "response_rate",
    "flags",
]


def compute_indicators(
    scores: dict[str, pd.DataFrame],
    admin: dict[str, pd.DataFrame],
    invited: pd.DataFrame,
    framework: Framework,
    *,
    year: int,
    used_scales: list[str],
    min_n: int = 10,
    min_rate: float = 0.2,
    ci: float = 0.95,
) -> pd.DataFrame:
    """All indicators of the framework, at every level each is defined for.

    Parameters
    ----------
    scores
        Respondents' scale scores per respondent type (:func:`~.surveys.scale_scores`).
    admin
        Administrative tables of the year: ``institutions, programmes, staff, enrolment,
        destinations``.
    invited
        Survey populations: ``institution, programme, respondent, n_invited``.
    framework
        The indicator framework.
    year
        Written in the ``year`` column.
    used_scales
        Scales that passed validation; indicators on other scales get no estimate.
    min_n, min_rate, ci
        Flags and interval level (see the module docstring).

    Returns
    -------
    DataFrame
        :data:`INDICATOR_COLUMNS`, one row per level x unit x indicator (``programme`` is
        ``""`` at institution level).

    Notes
    -----
    Checked against the synthetic sector's finite-population truth: coverage of the 95 %
    intervals and recovery of the planted institution effects (``tests/test_indicators.py``).
    """
    group_of = framework.group_of()
    parts = []
    for g in framework.groups:
        for ind in g.indicators:
            for level in ind.level:
                if ind.source == "survey":
                    c = ind.compute
                    part = survey_indicators(
                        scores.get(c.respondent),
                        invited,
                        ind.id,
                        scale=c.scale,
                        respondent=c.respondent,
                        level=level,
                        used=c.scale in used_scales,
                        min_n=min_n,
                        min_rate=min_rate,
                        ci=ci,
                    )
                else:
                    part = admin_indicators(admin, ind.id, ind.compute, level=level)
                parts.append(
                    part.assign(group=group_of[ind.id], source=ind.source, level=level, year=year)
                )
    out = pd.concat(parts, ignore_index=True)
    return out[INDICATOR_COLUMNS]


def survey_indicators(
    scores: pd.DataFrame | None,
    invited: pd.DataFrame,
    indicator: str,
    *,
    scale: str,
    respondent: str,
    level: str = "institution",
    used: bool = True,
    min_n: int = 10,
    min_rate: float = 0.2,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Mean scale score per unit with SE (finite population correction) and t interval.

    Returns
    -------
    DataFrame
        ``institution, programme, indicator, estimate, se, ci_lower, ci_upper, n,
        population, response_rate, flags``.

    Examples
    --------
    >>> import pandas as pd
    >>> sc = pd.DataFrame({"institution": [1] * 4, "programme": "", "conditions":
    ...                    [50.0, 75.0, 25.0, 50.0]})
    >>> inv = pd.DataFrame({"institution": [1], "programme": [""], "respondent": ["staff"],
    ...                     "n_invited": [4]})
    >>> r = survey_indicators(sc, inv, "LB2", scale="conditions", respondent="staff")
    >>> r[["estimate", "se", "n", "response_rate"]].values.tolist()  # a census: SE 0
    [[50.0, 0.0, 4.0, 1.0]]
    """
    keys = ["institution"] if level == "institution" else ["institution", "programme"]
    invited = _programme_as_text(invited)
    scores = None if scores is None else _programme_as_text(scores)
    pop = (
        invited[invited["respondent"] == respondent]
        .groupby(keys, as_index=False)["n_invited"]
        .sum()
        .rename(columns={"n_invited": "population"})
    )
    if scores is None or not used or scale not in scores.columns:
        agg = pop.assign(n=0.0, estimate=np.nan, sd=np.nan)
    else:
        agg = (
            scores.dropna(subset=[scale])
            .groupby(keys)[scale]
            .agg(estimate="mean", sd="std", n="count")
            .reset_index()
        )
        agg = pop.merge(agg, on=keys, how="outer")
        agg["n"] = agg["n"].fillna(0).astype(float)
    n, big = agg["n"].to_numpy(float), agg["population"].to_numpy(float)
    fpc = np.clip(1 - n / np.where(big > 0, big, np.nan), 0, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = agg["sd"].to_numpy(float) / np.sqrt(n) * np.sqrt(fpc)
        se = np.where((n >= 2) & (fpc == 0), 0.0, se)
        t = stats.t.ppf((1 + ci) / 2, np.maximum(n - 1, 1))
        rate = n / big
    est = agg["estimate"].to_numpy(float)
    flags = []
    for k in range(len(agg)):
        f = []
        if not used:
            f.append("scale_not_validated")
        elif n[k] == 0:
            f.append("no_data")
        elif n[k] < min_n:
            f.append("low_n")
        if used and n[k] > 0 and rate[k] < min_rate:
            f.append("low_response")
        flags.append("/".join(f))
    out = agg[keys].copy()
    if "programme" not in out:
        out["programme"] = ""
    out = out.assign(
        indicator=indicator,
        estimate=est,
        se=se,
        ci_lower=est - t * se,
        ci_upper=est + t * se,
        n=n,
        population=big,
        response_rate=rate,
        flags=flags,
    )
    return out.reset_index(drop=True)


def admin_indicators(
    admin: dict[str, pd.DataFrame], indicator: str, compute, *, level: str = "institution"
) -> pd.DataFrame:
    """An administrative indicator per unit: exact (SE 0, interval = the point).

    Returns
    -------
    DataFrame
        As :func:`survey_indicators`; ``n`` = rows (people, programmes) counted,
        ``response_rate`` = share of rows with a known value.

    Examples
    --------
    >>> import pandas as pd
    >>> from workbench.indicators.framework import Compute
    >>> staff = pd.DataFrame({"institution": [1, 1, 1, 2], "degree": [1, 0, 1, 0]})
    >>> c = Compute(kind="admin_share", table="staff", column="degree")
    >>> admin_indicators({"staff": staff}, "ST1", c)[["institution", "estimate", "n"]].values
    array([[ 1.        , 66.66666667,  3.        ],
           [ 2.        ,  0.        ,  1.        ]])
    """
    if compute.table not in admin:
        raise KeyError(
            f"admin_indicators: indicator {indicator} needs table "
            f"{compute.table!r}; tables given are {sorted(admin)}"
        )
    data = _programme_as_text(admin[compute.table])
    keys = ["institution"] if level == "institution" else ["institution", "programme"]
    need = [c for c in (compute.column, compute.numerator, compute.denominator) if c]
    absent = [c for c in keys + need if c not in data.columns]
    if absent:
        raise KeyError(
            f"admin_indicators: table {compute.table!r} has no column(s) {absent} "
            f"for indicator {indicator}; columns are {list(data.columns)}"
        )
    g = data.groupby(keys)
    if compute.kind == "admin_share":
        agg = g[compute.column].agg(estimate="mean", n="count", size="size").reset_index()
        agg["estimate"] *= 100
    else:
        agg = g[[compute.numerator, compute.denominator]].sum(min_count=1).reset_index()
        agg["estimate"] = agg[compute.numerator] / agg[compute.denominator] * compute.multiplier
        agg["n"] = g.size().to_numpy()
        agg["size"] = agg["n"]
    out = agg[keys].copy()
    if "programme" not in out:
        out["programme"] = ""
    est = agg["estimate"].to_numpy(float)
    flags = np.where(agg["n"] == 0, "no_data", "")
    return out.assign(
        indicator=indicator,
        estimate=est,
        se=0.0,
        ci_lower=est,
        ci_upper=est,
        n=agg["n"].astype(float),
        population=agg["size"].astype(float),
        response_rate=agg["n"] / agg["size"],
        flags=flags,
    ).reset_index(drop=True)


def response_rates(
    returns: dict[str, pd.DataFrame],
    invited: pd.DataFrame,
    *,
    min_n: int = 10,
    min_rate: float = 0.2,
) -> pd.DataFrame:
    """Response rate per institution and respondent type.

    Returns
    -------
    DataFrame
        ``institution, respondent, invited, responded, response_rate, flags``.

    Examples
    --------
    >>> import pandas as pd
    >>> inv = pd.DataFrame({"institution": [1, 2], "programme": "", "respondent": "staff",
    ...                     "n_invited": [10, 40]})
    >>> ret = {"staff": pd.DataFrame({"institution": [1] * 8 + [2] * 4})}
    >>> response_rates(ret, inv)[["responded", "response_rate", "flags"]].values.tolist()
    [[8, 0.8, 'low_n'], [4, 0.1, 'low_n/low_response']]
    """
    inv = invited.groupby(["institution", "respondent"], as_index=False)["n_invited"].sum()
    got = pd.concat(
        [
            r.groupby("institution").size().rename("responded").reset_index().assign(respondent=k)
            for k, r in returns.items()
            if len(r)
        ],
        ignore_index=True,
    )
    out = inv.merge(got, on=["institution", "respondent"], how="left").rename(
        columns={"n_invited": "invited"}
    )
    out["responded"] = out["responded"].fillna(0).astype(int)
    out["response_rate"] = out["responded"] / out["invited"]
    out["flags"] = [
        "/".join(f for f, bad in (("low_n", n < min_n), ("low_response", r < min_rate)) if bad)
        for n, r in zip(out["responded"], out["response_rate"], strict=True)
    ]
    return out[["institution", "respondent", "invited", "responded", "response_rate", "flags"]]


def _programme_as_text(data: pd.DataFrame) -> pd.DataFrame:
    if "programme" not in data.columns:
        return data
    return data.assign(programme=data["programme"].fillna("").astype(str))
