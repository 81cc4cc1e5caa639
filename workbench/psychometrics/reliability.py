"""Reliability of test and questionnaire scales for the item-review and validity stages."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from workbench.psychometrics._checks import confidence_level, score_matrix
from workbench.psychometrics.factor import _correlation, ml_one_factor

__all__ = ["reliability", "booklet_reliability", "cronbach_alpha", "omega_total"]


def reliability(
    items: pd.DataFrame,
    *,
    level: float = 0.95,
    method: str = "feldt",
    n_boot: int = 1000,
    seed: int = 0,
    ci: float | None = None,
) -> pd.DataFrame:
    """Cronbach's alpha and McDonald's omega (total, one-factor ML model), with intervals.

    Parameters
    ----------
    items
        Wide item scores; rows with any NaN are dropped (listwise, as psych::alpha on
        complete data). For booklet designs, compute it per booklet.
    level
        Confidence level (``ci=`` is its deprecated old name).
    method
        ``"feldt"``: alpha's F-based interval (Feldt 1965) and its asymptotic SE (Duhachek &
        Iacobucci 2004, psych's ``ase``); omega gets no interval. ``"bootstrap"``: percentile
        intervals and bootstrap SEs for both, ``n_boot`` resamples of students.

    Returns
    -------
    DataFrame
        ``statistic`` (``alpha``, ``omega_total``), ``estimate, se, ci_lower, ci_upper, n,
        n_items``.

    Raises
    ------
    ValueError
        Fewer than 2 items (3 for omega), unknown method, constant items.

    Notes
    -----
    Checked against psych 2.2.9 ``alpha`` (raw_alpha, ase, feldt) and ``omega(nfactors = 1,
    fm = "ml")`` on bfi N1-N5 (``tests/test_psychometrics.py``). Omega total follows psych:
    ``1 - sum(uniqueness) / sum(R)`` with R the item correlation matrix.

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 5], "c": [1, 3, 3, 4, 4]})
    >>> round(float(reliability(x).loc[0, "estimate"]), 4)
    0.9538
    """
    level = confidence_level(level, ci, "reliability")
    if method not in ("feldt", "bootstrap"):
        raise ValueError(f"reliability: unknown method ({method!r}); use 'feldt' or 'bootstrap'")
    x = score_matrix(items, "reliability", min_items=2, integer=False)
    x = x[~np.isnan(x).any(axis=1)]
    n, k = x.shape
    _correlation(x, items.columns, "reliability")
    alpha = cronbach_alpha(x)
    omega = _safe_omega(x)
    if method == "feldt":
        lo, hi = _feldt(alpha, n, k, level)
        rows = [
            ("alpha", alpha, _alpha_ase(x), lo, hi),
            ("omega_total", omega, np.nan, np.nan, np.nan),
        ]
    else:
        boot = _bootstrap(x, n_boot, seed)
        q = [(1 - level) / 2, (1 + level) / 2]
        rows = [
            (name, est, np.nanstd(b, ddof=1), *np.nanquantile(b, q))
            for name, est, b in (("alpha", alpha, boot[:, 0]), ("omega_total", omega, boot[:, 1]))
        ]
    out = pd.DataFrame(rows, columns=["statistic", "estimate", "se", "ci_lower", "ci_upper"])
    out["n"], out["n_items"] = n, k
    return out


def booklet_reliability(
    scores: pd.DataFrame,
    *,
    booklet,
    by=None,
    level: float = 0.95,
    min_n: int = 30,
    ci: float | None = None,
) -> pd.DataFrame:
    """Alpha (Feldt CI) and omega per booklet, overall and by group, with the median booklet.

    In a rotated design every student takes some items, so reliability is computed booklet by
    booklet on the items of the booklet (PIRLS reports the median over booklets).

    Parameters
    ----------
    scores
        Wide item scores (NaN = not administered).
    booklet
        One booklet number per row.
    by
        Optional group per row (e.g. language of instruction, gender): reliability is also
        computed within each group.
    level
        Confidence level of alpha's interval (``ci=``: deprecated old name).
    min_n
        Booklet x group cells with fewer complete students are skipped.

    Returns
    -------
    DataFrame
        ``group`` ("all" or the group value), ``booklet`` (number as text, or ``median``),
        ``statistic`` (``alpha``, ``omega_total``), ``estimate, se, ci_lower, ci_upper, n,
        n_items``; the ``median`` rows hold the median estimate and the total n.

    Notes
    -----
    Each cell is :func:`reliability` (checked against psych::alpha and psych::omega); the
    invariant (one booklet = :func:`reliability` on its items) is in
    ``tests/test_psychometrics_validity.py``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(5)
    >>> t = rng.normal(size=200)
    >>> x = pd.DataFrame({f"i{j}": (t + rng.normal(size=200) > 0).astype(float)
    ...                   for j in range(4)})
    >>> out = booklet_reliability(x, booklet=np.repeat([1, 2], 100))
    >>> out["booklet"].unique().tolist()
    ['1', '2', 'median']
    """
    level = confidence_level(level, ci, "booklet_reliability")
    book = np.asarray(booklet)
    groups = np.full(len(scores), "all", dtype=object) if by is None else np.asarray(by)
    if len(book) != len(scores) or len(groups) != len(scores):
        raise ValueError(
            f"booklet_reliability: booklet/by need one value per row of scores "
            f"({len(scores)}); pass columns of the same table"
        )
    cells = [("all", np.ones(len(scores), bool))] if by is not None else []
    cells += [(g, groups == g) for g in sorted(pd.unique(groups[pd.notna(groups)]), key=str)]
    parts = []
    for name, in_group in cells:
        rows = []
        for b in sorted(pd.unique(book), key=str):
            sub = scores.loc[in_group & (book == b)]
            sub = sub.loc[:, sub.notna().mean() > 0.5].dropna()
            sub = sub.loc[:, sub.std() > 0]
            if len(sub) < min_n or sub.shape[1] < 3:
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                rows.append(reliability(sub, level=level).assign(booklet=str(b)))
        if not rows:
            continue
        got = pd.concat(rows, ignore_index=True)
        med = got.groupby("statistic", sort=False).agg(
            estimate=("estimate", "median"), n=("n", "sum"), n_items=("n_items", "median")
        )
        parts.append(
            pd.concat([got, med.reset_index().assign(booklet="median")], ignore_index=True).assign(
                group=str(name)
            )
        )
    out = pd.concat(parts, ignore_index=True)
    return out[
        ["group", "booklet", "statistic", "estimate", "se", "ci_lower", "ci_upper", "n", "n_items"]
    ]


def cronbach_alpha(x: np.ndarray) -> float:
    """Raw alpha of a complete score matrix: k/(k-1) * (1 - sum item var / total var)."""
    k = x.shape[1]
    c = np.cov(x.T)
    return float(k / (k - 1) * (1 - np.trace(c) / c.sum()))


def omega_total(x: np.ndarray) -> float:
    """Omega total from a one-factor ML model of the correlation matrix (psych::omega form)."""
    r = np.corrcoef(x.T)
    _load, psi = ml_one_factor(r)
    return float(1 - psi.sum() / r.sum())


def _safe_omega(x: np.ndarray) -> float:
    if x.shape[1] < 3:
        return np.nan
    if np.linalg.matrix_rank(np.corrcoef(x.T)) < x.shape[1]:
        warnings.warn(
            "reliability: the item correlation matrix is singular (duplicate or "
            "collinear items), so omega_total is NaN",
            stacklevel=3,
        )
        return np.nan
    return omega_total(x)


def _feldt(alpha: float, n: int, k: int, level: float) -> tuple[float, float]:
    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1 - level) / 2
    return (
        1 - (1 - alpha) * stats.f.ppf(1 - tail, df1, df2),
        1 - (1 - alpha) * stats.f.ppf(tail, df1, df2),
    )


def _alpha_ase(x: np.ndarray) -> float:
    n, k = x.shape
    c = np.cov(x.T)
    total, tr, cc = c.sum(), np.trace(c), c @ c
    q = 2 * k**2 / ((k - 1) ** 2 * total**3) * (total * (np.trace(cc) + tr**2) - 2 * tr * cc.sum())
    return float(np.sqrt(q / n))


def _bootstrap(x: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.full((n_boot, 2), np.nan)
    for b in range(n_boot):
        s = x[rng.integers(0, len(x), len(x))]
        if np.any(s.std(axis=0) == 0):
            continue
        out[b] = cronbach_alpha(s), _safe_omega(s)
    return out
