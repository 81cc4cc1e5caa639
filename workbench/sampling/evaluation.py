"""Design evaluation by simulation: draw many samples from a known population and see how
the estimator of the national mean behaves (bias, SE, design effect, CI coverage).

Serves the sample-design stage (``notebooks/10_sample_design.py``). Everything is vectorized
over samples: the school draws are PPS systematic (the code of :func:`select_schools`), the
class draws equal-probability, and the estimates use class totals of the scores.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from workbench.sampling._design import Design, prepare_design, systematic_draws
from workbench.sampling._population import Population, build_population, variance_zones

__all__ = ["evaluate_design", "simulate_design", "summarize_simulations"]

_ESTIMATORS = ("hajek", "horvitz_thompson")


def simulate_design(
    frame: pd.DataFrame,
    students: pd.DataFrame,
    *,
    n: int,
    reps: int = 1000,
    seed: int | np.random.Generator | None = None,
    class_id: str = "class_id",
    score: str = "score",
    n_classes: int = 1,
    large_mos: float | None = None,
    n_classes_large: int = 2,
    variance: str = "paired",
    **school_design: Any,
) -> pd.DataFrame:
    """Draw ``reps`` two-stage samples from a population and estimate the mean from each.

    Each sample is drawn as :func:`select_schools` and :func:`select_classes` would (same
    strata, allocation, serpentine sort, certainty schools and PPS systematic draws; classes
    by equal probability) and all students of the sampled classes are taken. The design
    weight of a student is ``1 / (pi_school * pi_class)``. Two estimators of the mean score:
    Hajek ``sum(w y) / sum(w)`` and Horvitz-Thompson ``sum(w y) / N`` (N = students in the
    schools the design covers). Their SE is the linearized between-PSU estimator
    ``sum_z n_z / (n_z - 1) * sum_i (z_i - mean_z)^2`` over variance zones: with
    ``variance="paired"`` the zones are consecutive pairs of sampled schools in sort order
    within explicit strata (a triple when the count is odd), which is what JK2 gives for a
    linear statistic; with ``"stratified"`` the zones are the explicit strata. Certainty
    schools are zones of their own with classes as units. Strata with a single
    non-certainty school are pooled in pairs (collapsed strata).

    Parameters
    ----------
    frame
        School frame (as for :func:`select_schools`).
    students
        Population of students: ``id``, ``class_id``, ``score``; every student's school must
        be in ``frame``.
    n, reps, seed
        Schools per sample, number of samples, and seed.
    **school_design
        The school design: the keywords of :func:`select_schools` (``strata, size, sort_by,
        id, allocation, minimum, small_mos, small_rule, exclude, exclusion_limit``; its
        defaults; exclusions above the limit raise).
    class_id, score
        Class ID (unique within school) and score columns of ``students``.
    n_classes, large_mos, n_classes_large
        Class design, as in :func:`select_classes`.
    variance
        ``"paired"`` (JK2-like zones) or ``"stratified"``.

    Returns
    -------
    pandas.DataFrame
        One row per sample x estimator: ``sample``, ``estimator`` (``"hajek"``,
        ``"horvitz_thompson"``), ``estimate``, ``se``, ``n_schools``, ``n_students``,
        ``srs_se`` (SE of a simple random sample of the same number of students) and
        ``true_mean`` (mean score of all students of the frame's schools, excluded ones
        included, so bias shows the effect of exclusions).

    Raises
    ------
    KeyError, ValueError
        As :func:`select_schools`; also students of schools not in the frame, missing
        scores, or design schools with no students.

    Notes
    -----
    Checked against: 95% interval coverage over 2,000 samples is within Monte Carlo error
    of 0.95 (``tests/test_sampling.py::test_design_evaluation_intervals_cover_at_nominal_rate``).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from workbench.sampling import simulate_design
    >>> rng = np.random.default_rng(0)
    >>> frame = pd.DataFrame({"school_id": [f"s{i}" for i in range(40)],
    ...                       "enrol_g6": rng.integers(10, 60, 40)})
    >>> students = frame.loc[frame.index.repeat(frame.enrol_g6), ["school_id"]]
    >>> students["class_id"] = "6A"
    >>> students["score"] = rng.normal(500, 100, len(students))
    >>> sims = simulate_design(frame, students, n=10, reps=50, seed=1)
    >>> sims.groupby("estimator").size().to_dict()
    {'hajek': 50, 'horvitz_thompson': 50}
    """
    if variance not in ("paired", "stratified"):
        raise ValueError(
            f"simulate_design: unknown variance {variance!r}; use 'paired' or 'stratified'"
        )
    if isinstance(reps, bool) or int(reps) != reps or reps < 1:
        raise ValueError(
            f"simulate_design: reps must be a positive whole number (reps={reps!r}); e.g. 1000"
        )
    design = prepare_design(frame, n=n, **school_design, func="simulate_design")
    pop = build_population(
        design,
        frame,
        students,
        class_id=class_id,
        score=score,
        n_classes=n_classes,
        large_mos=large_mos,
        n_classes_large=n_classes_large,
    )
    rng = np.random.default_rng(seed)
    starts = 1.0 - rng.random((int(reps), len(design.strata)))
    zones = variance_zones(design, pop, variance)
    chunks = [
        _estimate_chunk(design, pop, zones, starts[i : i + 250], rng)
        for i in range(0, int(reps), 250)
    ]
    return _tidy(np.concatenate(chunks, axis=2), pop)


def evaluate_design(
    frame: pd.DataFrame, students: pd.DataFrame, *, level: float = 0.95, **design: Any
) -> pd.DataFrame:
    """Summarise :func:`simulate_design`: bias, empirical SE, mean estimated SE, deff, coverage.

    Parameters
    ----------
    frame, students
        School frame and student population (see :func:`simulate_design`).
    level
        Confidence level of the normal-theory intervals ``estimate +/- z * se``.
    **design
        Keyword arguments of :func:`simulate_design` (``n``, ``reps``, ``seed``, ``strata``,
        ``sort_by``, ``large_mos``, ...).

    Returns
    -------
    pandas.DataFrame
        One row per estimator: ``estimator``, ``true_mean``, ``mean_estimate``, ``bias``,
        ``empirical_se`` (SD of the estimates), ``mean_se`` (mean estimated SE),
        ``se_ratio`` (= mean_se / empirical_se), ``rmse``, ``deff`` (empirical variance over
        the SRS variance for the mean number of students), ``coverage``, ``coverage_mc_se``
        (its binomial Monte Carlo error ``sqrt(level (1 - level) / reps)``), ``level``,
        ``reps``, ``n_schools``, ``n_students`` (mean per sample).

    Notes
    -----
    Checked against: coverage within Monte Carlo error of the nominal rate
    (``tests/test_sampling.py::test_design_evaluation_intervals_cover_at_nominal_rate``).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from workbench.sampling import evaluate_design
    >>> rng = np.random.default_rng(0)
    >>> frame = pd.DataFrame({"school_id": [f"s{i}" for i in range(40)],
    ...                       "enrol_g6": rng.integers(10, 60, 40)})
    >>> students = frame.loc[frame.index.repeat(frame.enrol_g6), ["school_id"]]
    >>> students["class_id"] = "6A"
    >>> students["score"] = rng.normal(500, 100, len(students))
    >>> ev = evaluate_design(frame, students, n=10, reps=200, seed=1)
    >>> ev["estimator"].tolist(), bool((ev["coverage"] > 0.8).all())
    (['hajek', 'horvitz_thompson'], True)
    """
    return summarize_simulations(simulate_design(frame, students, **design), level=level)


def summarize_simulations(sims: pd.DataFrame, *, level: float = 0.95) -> pd.DataFrame:
    """Summarize :func:`simulate_design` output per estimator (the table of
    :func:`evaluate_design`, whose Returns section lists the columns)."""
    z = stats.norm.ppf(0.5 + level / 2)
    sims = sims.assign(
        covered=(sims["estimate"] - sims["true_mean"]).abs() <= z * sims["se"],
        srs_var=sims["srs_se"] ** 2,
    )
    out = (
        sims.groupby("estimator", sort=False)
        .agg(
            true_mean=("true_mean", "first"),
            mean_estimate=("estimate", "mean"),
            empirical_se=("estimate", "std"),
            mean_se=("se", "mean"),
            srs_var=("srs_var", "mean"),
            coverage=("covered", "mean"),
            reps=("sample", "size"),
            n_schools=("n_schools", "mean"),
            n_students=("n_students", "mean"),
        )
        .reset_index()
    )
    out.insert(3, "bias", out["mean_estimate"] - out["true_mean"])
    out.insert(6, "se_ratio", out["mean_se"] / out["empirical_se"])
    out.insert(7, "rmse", np.sqrt(out["bias"] ** 2 + out["empirical_se"] ** 2))
    out.insert(8, "deff", out["empirical_se"] ** 2 / out.pop("srs_var"))
    out.insert(10, "coverage_mc_se", np.sqrt(level * (1 - level) / out["reps"]))
    out.insert(11, "level", level)
    return out


def _estimate_chunk(
    design: Design, pop: Population, zones: np.ndarray, starts: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Estimates for a block of samples: array (4, 2, samples) of estimate, se, n, n_sch."""
    reps = starts.shape[0]
    sel = np.concatenate(
        [
            systematic_draws(design, starts),
            np.broadcast_to(pop.certain_rows, (reps, pop.certain_rows.size)),
        ],
        axis=1,
    )
    keys = rng.random((reps, sel.shape[1], pop.class_rows.shape[1]))
    keys[np.arange(keys.shape[2]) >= pop.n_classes[sel][..., None]] = np.inf
    slot = np.argsort(keys, axis=2)[:, :, : pop.take_max]
    take = pop.take[sel]
    used = np.arange(pop.take_max) < take[..., None]
    cls = np.where(used, pop.class_rows[sel[..., None], slot], 0)
    w = np.where(used, (pop.n_classes[sel] / (pop.prob[sel] * take))[..., None], 0.0)
    wy, wn = w * pop.sum_y[cls], w * pop.count[cls]
    total_w = wn.sum(axis=(1, 2))
    n_stud = np.where(used, pop.count[cls], 0).sum(axis=(1, 2))
    out = np.empty((4, 2, reps))
    for e, denom in enumerate((total_w, np.full(reps, pop.n_covered))):
        est = wy.sum(axis=(1, 2)) / denom
        z = (wy - (est[:, None, None] * wn if e == 0 else 0.0)) / denom[:, None, None]
        out[0, e], out[1, e] = est, np.sqrt(_zone_variance(z, zones, pop))
        out[2, e], out[3, e] = n_stud, sel.shape[1]
    return out


def _zone_variance(z: np.ndarray, zones: np.ndarray, pop: Population) -> np.ndarray:
    """Between-unit variance within zones; units = schools, classes in certainty schools."""
    n_nc = z.shape[1] - pop.certain_rows.size
    school = z[:, :n_nc, :].sum(axis=2)
    cert = z[:, n_nc:, :].reshape(z.shape[0], -1)[:, pop.cert_units]
    units = np.concatenate([school, cert], axis=1)
    n_z = np.bincount(zones, minlength=zones.max() + 1).astype(float)
    onehot = np.zeros((zones.size, n_z.size))
    onehot[np.arange(zones.size), zones] = 1.0
    sums, sq = units @ onehot, (units**2) @ onehot
    factor = np.where(n_z > 1, n_z / np.maximum(n_z - 1, 1), 0.0)
    return np.clip((sq - sums**2 / n_z) * factor, 0.0, None).sum(axis=1)


def _tidy(values: np.ndarray, pop: Population) -> pd.DataFrame:
    reps = values.shape[2]
    frames = []
    for e, name in enumerate(_ESTIMATORS):
        frames.append(
            pd.DataFrame(
                {
                    "sample": np.arange(1, reps + 1),
                    "estimator": name,
                    "estimate": values[0, e],
                    "se": values[1, e],
                    "n_schools": values[3, e].astype(int),
                    "n_students": values[2, e].astype(int),
                    "srs_se": pop.sd / np.sqrt(values[2, e]),
                    "true_mean": pop.true_mean,
                }
            )
        )
    return (
        pd.concat(frames, ignore_index=True)
        .sort_values(["sample", "estimator"], kind="stable")
        .reset_index(drop=True)
    )
