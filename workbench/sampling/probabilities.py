"""Inclusion probabilities proportional to size (sample-design stage)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["pps_probabilities"]


def pps_probabilities(size: Sequence[float] | np.ndarray, n: int) -> np.ndarray:
    """Inclusion probabilities proportional to size, certainty units taken out iteratively.

    Start with ``pi_i = n * size_i / sum(size)``. Every unit with ``pi_i >= 1`` becomes a
    certainty unit (``pi_i = 1``); the remaining ``n - l`` draws are shared out again in
    proportion to size among the other units, and this repeats until no new unit reaches 1.
    Units of size 0 get probability 0. The figures are those of R's
    ``sampling::inclusionprobabilities(size, n)`` (the same arithmetic, step for step).

    Parameters
    ----------
    size
        Measure of size of each unit (e.g. grade-6 enrolment), non-negative, finite.
    n
        Number of units to draw; at most the number of units with positive size.

    Returns
    -------
    numpy.ndarray
        One probability per unit, in the input order; they sum to ``n``.

    Raises
    ------
    ValueError
        If a size is negative or missing, or ``n`` is not between 0 and the number of units
        with positive size.

    Notes
    -----
    Checked against: R ``sampling::inclusionprobabilities`` (sampling 2.9, R 4.2.2) on a
    skewed 300-unit frame with up to 163 certainty units, six values of n, to 1e-10
    (``tests/reference/sampling/make_fixture.R``,
    ``tests/test_sampling.py::test_pps_probabilities_match_r_inclusionprobabilities``).

    Examples
    --------
    >>> from workbench.sampling import pps_probabilities
    >>> pps_probabilities([400, 100, 100, 50, 50, 20], n=3).round(4).tolist()
    [1.0, 0.625, 0.625, 0.3125, 0.3125, 0.125]
    """
    a = np.asarray(size, dtype=float)
    if a.ndim != 1 or not np.isfinite(a).all() or (a < 0).any():
        raise ValueError(
            "pps_probabilities: sizes must be a 1-D array of finite, non-negative numbers "
            f"(got {np.asarray(size)[:5]!r}…); fix or drop the bad sizes"
        )
    positive = a > 0
    if isinstance(n, bool) or int(n) != n or not 0 <= n <= positive.sum():
        raise ValueError(
            f"pps_probabilities: n must be a whole number from 0 to the {positive.sum()} units "
            f"of positive size (n={n!r}); lower n or add units"
        )
    pik1 = np.zeros_like(a) if a.sum() == 0 else n * a / a.sum()
    pik = pik1[positive]
    certain = pik >= 1
    n_certain = int(certain.sum())
    previous = 0
    while n_certain != previous and n_certain > 0:
        x = pik[~certain]
        pik[~certain] = (n - n_certain) * (x / x.sum()) if x.size else x
        pik[certain] = 1.0
        previous = n_certain
        certain = pik >= 1
        n_certain = int(certain.sum())
    pik1[positive] = pik
    return pik1
