"""Composite indices with their sensitivity analysis (stage t40, concept 000).

Following the JRC/OECD *Handbook on Constructing Composite Indicators* (2008): the
normalisation (``minmax``, ``zscore``, ``rank``), the weighting (``equal_groups``: each of the
six groups weighs the same, split equally among its indicators; ``equal_indicators``;
``custom``: group weights from the parameters) and the aggregation (``arithmetic``,
``geometric``) are choices written in the parameters. :func:`sensitivity` then runs the index
under every combination of the alternatives and under Monte Carlo draws of the choices, of the
weights (Dirichlet around the nominal ones) and of the indicators' sampling error; each
institution's position is reported as a range (5th-95th percentile of its rank, and min-max
over the alternatives), never as a bare league table.

Missing indicators (a failed scale, nobody answered) are left out of that institution's
average with the weights of the others rescaled, and counted in ``n_indicators``.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from workbench.indicators.framework import Framework

__all__ = [
    "indicator_matrix",
    "normalise",
    "group_weights",
    "aggregate",
    "composite_index",
    "sensitivity",
    "NORMALISATIONS",
    "WEIGHTINGS",
    "AGGREGATIONS",
]

NORMALISATIONS = ("minmax", "zscore", "rank")
#: the rank columns of the positions (whole numbers, ``Int64``)
RANK_COLUMNS = ("rank", "rank_min", "rank_max", "rank_median", "rank_p05", "rank_p95")
WEIGHTINGS = ("equal_groups", "equal_indicators", "custom")
AGGREGATIONS = ("arithmetic", "geometric")


def indicator_matrix(
    indicators: pd.DataFrame, *, level: str = "institution"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Wide estimates and SEs (institution x indicator) of one level.

    Returns
    -------
    tuple of DataFrame
        ``(estimates, ses)``, indexed by institution, one column per indicator.
    """
    part = indicators[indicators["level"] == level]
    est = part.pivot_table(
        index="institution", columns="indicator", values="estimate", aggfunc="first", dropna=False
    )
    se = part.pivot_table(
        index="institution", columns="indicator", values="se", aggfunc="first", dropna=False
    ).reindex_like(est)
    keep = est.columns[est.notna().any()]
    return est[keep], se[keep].fillna(0.0)


def normalise(
    values: pd.DataFrame, framework: Framework, *, method: str = "minmax"
) -> pd.DataFrame:
    """Put indicators on a common scale where higher is better.

    ``minmax``: 0-100 over institutions; ``zscore``: standardised then mapped to 50 + 10 z;
    ``rank``: percentile rank 0-100. ``lower_better`` indicators are reversed.

    Examples
    --------
    >>> import pandas as pd
    >>> from workbench.indicators.framework import load_framework
    >>> fw = load_framework("teacher_education")
    >>> v = pd.DataFrame({"ST1": [10.0, 30.0, 20.0], "ST3": [10.0, 30.0, 20.0]})
    >>> normalise(v, fw).values.tolist()
    [[0.0, 100.0], [100.0, 0.0], [50.0, 50.0]]
    """
    if method not in NORMALISATIONS:
        raise ValueError(
            f"normalise: unknown method ({method!r}); use one of {', '.join(NORMALISATIONS)}"
        )
    sign = np.array(
        [
            -1.0 if framework.indicator(c).direction == "lower_better" else 1.0
            for c in values.columns
        ]
    )
    x = values * sign
    if method == "minmax":
        lo, hi = x.min(), x.max()
        return (x - lo) / (hi - lo).replace(0, np.nan) * 100
    if method == "zscore":
        return 50 + 10 * (x - x.mean()) / x.std(ddof=1).replace(0, np.nan)
    return (x.rank(pct=True) * 100).where(x.notna())


def group_weights(
    framework: Framework,
    columns,
    *,
    scheme: str = "equal_groups",
    custom: dict[str, float] | None = None,
) -> pd.Series:
    """Nominal weight of each indicator (sums to 1 over ``columns``).

    Examples
    --------
    >>> from workbench.indicators.framework import load_framework
    >>> fw = load_framework("teacher_education")
    >>> w = group_weights(fw, ["PQ1", "PQ2", "ST1"])
    >>> w.round(3).tolist()
    [0.25, 0.25, 0.5]
    """
    if scheme not in WEIGHTINGS:
        raise ValueError(
            f"group_weights: unknown scheme ({scheme!r}); use one of {', '.join(WEIGHTINGS)}"
        )
    group_of = framework.group_of()
    cols = list(columns)
    groups = pd.Series([group_of[c] for c in cols], index=cols)
    if scheme == "equal_indicators":
        w = pd.Series(1.0, index=cols)
    else:
        gw = {g: 1.0 for g in groups.unique()}
        if scheme == "custom":
            if not custom:
                raise ValueError(
                    "group_weights: scheme 'custom' needs weights per group "
                    f"(custom=); groups are {sorted(gw)}"
                )
            unknown = sorted(set(custom) - {g.id for g in framework.groups})
            if unknown:
                raise ValueError(
                    f"group_weights: custom weights name unknown groups "
                    f"{unknown}; groups are {[g.id for g in framework.groups]}"
                )
            gw = {g: float(custom.get(g, 0.0)) for g in gw}
        w = groups.map(gw) / groups.map(groups.value_counts())
    return w / w.sum()


def aggregate(
    normalised: pd.DataFrame, weights: pd.Series, *, method: str = "arithmetic"
) -> pd.DataFrame:
    """Weighted arithmetic or geometric mean per institution over its available indicators.

    Returns
    -------
    DataFrame
        ``institution, score, n_indicators``.
    """
    if method not in AGGREGATIONS:
        raise ValueError(
            f"aggregate: unknown method ({method!r}); use one of {', '.join(AGGREGATIONS)}"
        )
    x = normalised[weights.index].to_numpy(float)
    w = np.broadcast_to(weights.to_numpy(float), x.shape)
    ok = ~np.isnan(x)
    wsum = np.where(ok, w, 0).sum(axis=1)
    if method == "arithmetic":
        score = np.where(ok, x * w, 0).sum(axis=1) / wsum
    else:  # shifted to be positive: geometric means need x > 0
        shift = 1.0 - np.nanmin(x) if np.nanmin(x) < 1 else 0.0
        score = (
            np.exp(np.where(ok, np.log(np.where(ok, x, 1) + shift) * w, 0).sum(axis=1) / wsum)
            - shift
        )
    return pd.DataFrame(
        {"institution": normalised.index, "score": score, "n_indicators": ok.sum(axis=1)}
    )


def composite_index(
    indicators: pd.DataFrame,
    framework: Framework,
    *,
    normalisation: str = "minmax",
    weighting: str = "equal_groups",
    aggregation: str = "arithmetic",
    custom: dict[str, float] | None = None,
) -> pd.DataFrame:
    """The composite index of each institution under one set of choices.

    Returns
    -------
    DataFrame
        ``institution, score, rank, n_indicators`` (rank 1 = highest score).

    Notes
    -----
    Checked by hand-computed cases in ``tests/test_indicators_composite.py``.
    """
    est, _ = indicator_matrix(indicators)
    w = group_weights(framework, est.columns, scheme=weighting, custom=custom)
    out = aggregate(normalise(est, framework, method=normalisation), w, method=aggregation)
    out["rank"] = out["score"].rank(ascending=False, method="min")
    return out[["institution", "score", "rank", "n_indicators"]]


def sensitivity(
    indicators: pd.DataFrame,
    framework: Framework,
    *,
    normalisation: str = "minmax",
    weighting: str = "equal_groups",
    aggregation: str = "arithmetic",
    custom: dict[str, float] | None = None,
    normalisations=NORMALISATIONS,
    weightings=("equal_groups", "equal_indicators"),
    aggregations=AGGREGATIONS,
    n_draws: int = 500,
    weight_concentration: float = 20.0,
    sampling: bool = True,
    seed: int = 0,
    top: float = 0.25,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How institutions' positions move under the alternative choices.

    Parameters
    ----------
    indicators
        Tidy indicator table (:func:`~.compute.compute_indicators`).
    normalisation, weighting, aggregation, custom
        The nominal choices.
    normalisations, weightings, aggregations
        The alternatives (all combinations are run).
    n_draws
        Monte Carlo draws: each picks one alternative per choice at random, draws weights from
        a Dirichlet with mean the nominal weights and concentration ``weight_concentration``
        per indicator, and (with ``sampling``) each estimate from N(estimate, SE).
    seed
        Random seed of the draws.
    top
        Share of institutions called the top group (``p_top``: share of draws in it).

    Returns
    -------
    tuple of DataFrame
        ``positions``: ``institution, score, rank, rank_min, rank_max`` (over the
        alternatives), ``rank_median, rank_p05, rank_p95, p_top`` (over the draws),
        ``n_indicators``, sorted by median rank; ``scenarios``: ``scenario, normalisation,
        weighting, aggregation, institution, score, rank``.

    Notes
    -----
    JRC/OECD (2008) Handbook, step 7 (uncertainty and sensitivity analysis). Checked on the
    planted borderline institution of the synthetic sector
    (``tests/test_indicators_composite.py``).
    """
    est, se = indicator_matrix(indicators)
    nominal = composite_index(
        indicators,
        framework,
        normalisation=normalisation,
        weighting=weighting,
        aggregation=aggregation,
        custom=custom,
    )
    scen = []
    combos = itertools.product(normalisations, weightings, aggregations)
    for k, (nm, wt, ag) in enumerate(combos):
        w = group_weights(framework, est.columns, scheme=wt, custom=custom)
        s = aggregate(normalise(est, framework, method=nm), w, method=ag)
        s["rank"] = s["score"].rank(ascending=False, method="min")
        scen.append(s.assign(scenario=k + 1, normalisation=nm, weighting=wt, aggregation=ag))
    scenarios = pd.concat(scen, ignore_index=True)
    ranks = _monte_carlo(
        est,
        se,
        framework,
        custom,
        normalisations,
        weightings,
        aggregations,
        weighting,
        n_draws,
        weight_concentration,
        sampling,
        seed,
    )
    k_top = max(1, int(round(top * len(est))))
    span = scenarios.groupby("institution")["rank"].agg(rank_min="min", rank_max="max")
    pos = nominal.set_index("institution").join(span)
    # a rank is a whole place: the percentiles are ranks drawn (the 5th taken downwards, the
    # 95th upwards, so the range is never narrower; the median the lower middle draw)
    pos["rank_median"] = np.quantile(ranks, 0.5, axis=0, method="inverted_cdf")
    pos["rank_p05"] = np.quantile(ranks, 0.05, axis=0, method="lower")
    pos["rank_p95"] = np.quantile(ranks, 0.95, axis=0, method="higher")
    pos["p_top"] = (ranks <= k_top).mean(axis=0)
    pos = pos.reset_index().sort_values(["rank_median", "rank"]).reset_index(drop=True)
    for column in RANK_COLUMNS:
        pos[column] = _whole(pos[column])
    scenarios["rank"] = _whole(scenarios["rank"])
    cols = [
        "institution",
        "score",
        "rank",
        "rank_min",
        "rank_max",
        "rank_median",
        "rank_p05",
        "rank_p95",
        "p_top",
        "n_indicators",
    ]
    return pos[cols], scenarios[
        ["scenario", "normalisation", "weighting", "aggregation", "institution", "score", "rank"]
    ]


def _whole(ranks: pd.Series) -> pd.Series:
    """Ranks as integers (``Int64``: an institution without a score has none), so that a page
    shows ``1``, not ``1.0`` or ``1,0``."""
    return pd.to_numeric(ranks).round().astype("Int64")


def _monte_carlo(
    est,
    se,
    framework,
    custom,
    normalisations,
    weightings,
    aggregations,
    nominal_weighting,
    n_draws,
    concentration,
    sampling,
    seed,
) -> np.ndarray:
    rng = np.random.default_rng(seed)
    w0 = group_weights(framework, est.columns, scheme=nominal_weighting, custom=custom)
    out = np.empty((n_draws, len(est)))
    for d in range(n_draws):
        x = est + rng.normal(size=est.shape) * se.to_numpy() if sampling else est
        nm = normalisations[rng.integers(len(normalisations))]
        ag = aggregations[rng.integers(len(aggregations))]
        wt = weightings[rng.integers(len(weightings))]
        base = group_weights(framework, est.columns, scheme=wt, custom=custom)
        base = base if wt != nominal_weighting else w0
        w = pd.Series(
            rng.dirichlet(np.maximum(base.to_numpy() * concentration * len(base), 1e-3)),
            index=base.index,
        )
        s = aggregate(normalise(x, framework, method=nm), w, method=ag)["score"]
        out[d] = s.rank(ascending=False, method="min").to_numpy()
    return out
