"""Sample-size planning: design effects, effective sample size, schools needed.

Serves the sample-design stage (``notebooks/10_sample_design.py``). Formulas: Kish (1965);
``shared/research/sampling.md`` section 4.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = [
    "design_effect",
    "effective_sample_size",
    "planned_se",
    "planning_table",
    "schools_needed",
    "weighting_effect",
]


def design_effect(cluster_size: float, icc: float) -> float:
    """Kish design effect of a cluster sample: ``1 + (m - 1) * icc``.

    Parameters
    ----------
    cluster_size
        Average number of students tested per school ``m`` (class size times classes).
    icc
        Intraclass correlation (between-school share of the score variance), in [0, 1].

    Returns
    -------
    float
        The design effect.

    Raises
    ------
    ValueError
        ``icc`` outside [0, 1] or ``cluster_size`` below 1.

    Notes
    -----
    Checked against: sampling.md section 4 table (m = 25, icc = 0.3 gives 8.2)
    (``tests/test_sampling.py::test_planning_matches_hand_computed_table``).

    Examples
    --------
    >>> from workbench.sampling import design_effect
    >>> round(design_effect(25, 0.3), 10)
    8.2
    """
    _check(cluster_size=cluster_size, icc=icc, func="design_effect")
    return 1.0 + (cluster_size - 1.0) * icc


def weighting_effect(weights: Sequence[float] | np.ndarray) -> float:
    """Kish unequal-weighting effect ``n * sum(w^2) / sum(w)^2 = 1 + CV^2(w)``.

    Parameters
    ----------
    weights
        Student weights (positive).

    Returns
    -------
    float
        The weighting effect; multiply it into the cluster design effect.

    Raises
    ------
    ValueError
        Empty, missing or non-positive weights.

    Notes
    -----
    Checked against: hand computation (weights 1, 1, 2, 4 give 4 * 22 / 64 = 1.375).

    Examples
    --------
    >>> from workbench.sampling import weighting_effect
    >>> weighting_effect([1, 1, 2, 4])
    1.375
    """
    w = np.asarray(weights, dtype=float)
    if w.size == 0 or not np.isfinite(w).all() or (w <= 0).any():
        raise ValueError(
            "weighting_effect: weights must be positive and finite "
            f"(got {w.size} values, min {w.min() if w.size else None}); "
            "drop zero or missing weights first"
        )
    return float(w.size * (w**2).sum() / w.sum() ** 2)


def effective_sample_size(n: float, deff: float) -> float:
    """Effective sample size ``n / deff`` (IEA asks for at least 400 students).

    Parameters
    ----------
    n
        Number of students tested.
    deff
        Design effect (cluster times weighting effect).

    Returns
    -------
    float
        The size of a simple random sample with the same precision.

    Notes
    -----
    Checked against: sampling.md section 4 (150 schools x 15 students, icc 0.1: 937.5).

    Examples
    --------
    >>> from workbench.sampling import effective_sample_size
    >>> effective_sample_size(150 * 15, 2.4)
    937.5
    """
    if deff <= 0 or n < 0:
        raise ValueError(
            f"effective_sample_size: need n >= 0 and deff > 0 (n={n}, "
            f"deff={deff}); check the inputs"
        )
    return n / deff


def planned_se(
    n_schools: int,
    *,
    icc: float,
    class_size: float,
    classes_per_school: int = 1,
    sd: float = 100.0,
    deff_weight: float = 1.0,
) -> float:
    """Planned standard error of a mean: ``sd * sqrt(deff / n)``.

    Parameters
    ----------
    n_schools
        Number of schools.
    icc, class_size, classes_per_school
        Intraclass correlation and students tested per school (class size x classes).
    sd
        Student-level standard deviation of the score (100 on the PIRLS scale).
    deff_weight
        Unequal-weighting effect (1: self-weighting).

    Returns
    -------
    float
        Standard error in score points.

    Notes
    -----
    Checked against: hand computation (150 schools x 25 students, icc 0.3:
    100 * sqrt(8.2 / 3750) = 4.676).

    Examples
    --------
    >>> from workbench.sampling import planned_se
    >>> round(planned_se(150, icc=0.3, class_size=25), 3)
    4.676
    """
    m = class_size * classes_per_school
    deff = design_effect(m, icc) * deff_weight
    return sd * math.sqrt(deff / (n_schools * m))


def schools_needed(
    *,
    icc: float,
    class_size: float,
    classes_per_school: int = 1,
    se: float | None = None,
    n_eff: float | None = None,
    sd: float = 100.0,
    deff_weight: float = 1.0,
) -> int:
    """Schools needed for a target standard error or effective sample size.

    ``n_schools = ceil(n_eff * deff / m)`` with ``n_eff = (sd / se)^2`` when ``se`` is given,
    ``m = class_size * classes_per_school`` and ``deff = (1 + (m - 1) icc) * deff_weight``.
    A ratio within 1e-9 of a whole number is not rounded up (floating-point noise).

    Parameters
    ----------
    icc, class_size, classes_per_school
        Intraclass correlation and students tested per school.
    se, n_eff
        Target: standard error of the mean (score points) or effective sample size; one.
    sd
        Student-level standard deviation.
    deff_weight
        Unequal-weighting effect.

    Returns
    -------
    int
        Number of schools.

    Raises
    ------
    ValueError
        Neither or both targets given, or a target not positive.

    Notes
    -----
    Checked against: sampling.md section 4 table (n_eff = 400, icc 0.3, m = 25: 132
    schools; its 65/59/53/97 cells are one too high from floating-point noise, the exact
    figures are 64/58/52/96) and the se = 5 <=> n_eff = 400 identity.

    Examples
    --------
    >>> from workbench.sampling import schools_needed
    >>> schools_needed(icc=0.3, class_size=25, n_eff=400)
    132
    >>> schools_needed(icc=0.4, class_size=25, se=5.0)
    170
    """
    if (se is None) == (n_eff is None):
        raise ValueError(
            f"schools_needed: give exactly one of se or n_eff (se={se}, "
            f"n_eff={n_eff}); e.g. se=5.0 or n_eff=400"
        )
    target = n_eff if n_eff is not None else (sd / se) ** 2 if se and se > 0 else -1.0
    if target <= 0:
        raise ValueError(
            f"schools_needed: the target must be positive (se={se}, "
            f"n_eff={n_eff}); pass a positive value"
        )
    m = class_size * classes_per_school
    ratio = target * design_effect(m, icc) * deff_weight / m
    return int(math.ceil(ratio - 1e-9))


def planning_table(
    *,
    icc: Sequence[float],
    class_size: Sequence[float],
    classes_per_school: int = 1,
    n_schools: int = 150,
    n_eff: float = 400.0,
    sd: float = 100.0,
    deff_weight: float = 1.0,
) -> pd.DataFrame:
    """Planning table over a grid of ICCs and class sizes.

    Parameters
    ----------
    icc, class_size
        Values to cross.
    classes_per_school
        Classes tested per school.
    n_schools
        Sample size for the ``n_eff`` and ``se`` columns.
    n_eff
        Target effective sample size for ``schools_needed``.
    sd, deff_weight
        Student standard deviation and unequal-weighting effect.

    Returns
    -------
    pandas.DataFrame
        One row per ``icc`` x ``class_size``: ``icc``, ``class_size``, ``deff``,
        ``n_schools``, ``n_students``, ``n_eff``, ``se`` (of a mean, score points) and
        ``schools_needed`` (for the target ``n_eff``).

    Notes
    -----
    Checked against: sampling.md section 4 table
    (``tests/test_sampling.py::test_planning_matches_hand_computed_table``).

    Examples
    --------
    >>> from workbench.sampling import planning_table
    >>> t = planning_table(icc=[0.3, 0.4], class_size=[25])
    >>> t[["icc", "class_size", "deff", "n_eff", "schools_needed"]].round(1)
       icc  class_size  deff  n_eff  schools_needed
    0  0.3          25   8.2  457.3             132
    1  0.4          25  10.6  353.8             170
    """
    rows = []
    for r in icc:
        for c in class_size:
            m = c * classes_per_school
            deff = design_effect(m, r) * deff_weight
            rows.append(
                {
                    "icc": r,
                    "class_size": c,
                    "deff": deff,
                    "n_schools": n_schools,
                    "n_students": n_schools * m,
                    "n_eff": effective_sample_size(n_schools * m, deff),
                    "se": planned_se(
                        n_schools,
                        icc=r,
                        class_size=c,
                        sd=sd,
                        classes_per_school=classes_per_school,
                        deff_weight=deff_weight,
                    ),
                    "schools_needed": schools_needed(
                        icc=r,
                        class_size=c,
                        classes_per_school=classes_per_school,
                        n_eff=n_eff,
                        deff_weight=deff_weight,
                    ),
                }
            )
    return pd.DataFrame(rows)


def _check(*, cluster_size: float, icc: float, func: str) -> None:
    if not 0.0 <= icc <= 1.0:
        raise ValueError(
            f"{func}: icc must be between 0 and 1 (icc={icc}); "
            "pass the between-school share of variance"
        )
    if cluster_size < 1:
        raise ValueError(
            f"{func}: cluster_size must be at least 1 (cluster_size="
            f"{cluster_size}); pass students tested per school"
        )
