"""Scoring (inter-rater) reliability of constructed-response items from double-coded booklets."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["rater_agreement"]


def rater_agreement(r1: pd.Series | pd.DataFrame, r2: pd.Series | pd.DataFrame, *,
                    categories=None) -> pd.DataFrame:
    """Exact and adjacent agreement, Cohen's kappa and quadratic-weighted kappa with SEs.

    Parameters
    ----------
    r1, r2
        The first and second scores: two Series, or two DataFrames with the same item
        columns (one row per double-coded response). Pairs with a missing score are dropped.
    categories
        The score categories (default: every value either rater gave). Quadratic weights are
        ``1 - (i - j)^2 / (K - 1)^2`` on category positions, as psych::cohen.kappa.

    Returns
    -------
    DataFrame
        ``item`` (DataFrame input only), ``statistic`` (``exact_agreement``,
        ``adjacent_agreement`` (|difference| <= 1 category), ``kappa``,
        ``weighted_kappa``), ``estimate, se, n``. Kappa SEs are the large-sample non-null
        SEs of Fleiss, Cohen & Everitt (1969); agreement SEs are binomial.

    Raises
    ------
    TypeError, ValueError
        Mismatched inputs, no complete pairs.

    Notes
    -----
    Checked against psych 2.2.9 ``cohen.kappa`` (kappa, var.kappa, weighted kappa) and
    statsmodels ``cohens_kappa`` (weighted-kappa variance; psych's weighted variance uses
    row marginals where Fleiss et al. use column marginals) in
    ``tests/test_psychometrics_raters.py``.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.Series([0, 1, 2, 2, 1, 0])
    >>> rater_agreement(a, a).set_index("statistic")["estimate"].tolist()
    [1.0, 1.0, 1.0, 1.0]
    """
    if isinstance(r1, pd.DataFrame) and isinstance(r2, pd.DataFrame):
        if list(r1.columns) != list(r2.columns) or len(r1) != len(r2):
            raise ValueError(f"rater_agreement: r1 and r2 differ in columns or rows "
                             f"({list(r1.columns)[:5]} x {len(r1)} vs {list(r2.columns)[:5]} "
                             f"x {len(r2)}); align the two codings first")
        parts = [_pair(r1[c].to_numpy(), r2[c].to_numpy(), categories).assign(item=str(c))
                 for c in r1.columns]
        out = pd.concat(parts, ignore_index=True)
        return out[["item", "statistic", "estimate", "se", "n"]]
    if isinstance(r1, pd.DataFrame) or isinstance(r2, pd.DataFrame):
        raise TypeError("rater_agreement: pass two Series or two DataFrames (got "
                        f"{type(r1).__name__} and {type(r2).__name__}); make them match")
    a, b = np.asarray(r1), np.asarray(r2)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"rater_agreement: r1 and r2 must be 1-d and equally long "
                         f"(got {a.shape} and {b.shape}); pass one score per response")
    return _pair(a, b, categories)


def _pair(a, b, categories) -> pd.DataFrame:
    ok = ~(pd.isna(a) | pd.isna(b))
    a, b = a[ok], b[ok]
    if len(a) == 0:
        raise ValueError("rater_agreement: no response has both scores; check the inputs")
    cats = np.array(sorted(set(a.tolist()) | set(b.tolist())) if categories is None
                    else list(categories))
    pos = {c: i for i, c in enumerate(cats.tolist())}
    try:
        ia, ib = np.array([pos[v] for v in a.tolist()]), np.array([pos[v] for v in b.tolist()])
    except KeyError as err:
        raise ValueError(f"rater_agreement: score {err.args[0]!r} is not in categories "
                         f"({cats.tolist()}); add it to categories") from None
    n, k = len(a), len(cats)
    table = np.zeros((k, k))
    np.add.at(table, (ia, ib), 1)
    exact, adjacent = float(np.mean(ia == ib)), float(np.mean(np.abs(ia - ib) <= 1))
    w_quad = 1 - (np.subtract.outer(np.arange(k), np.arange(k)) ** 2) / max(k - 1, 1) ** 2
    kappa, se_k = _kappa(table / n, np.eye(k), n)
    wkappa, se_w = _kappa(table / n, w_quad, n)
    return pd.DataFrame({
        "statistic": ["exact_agreement", "adjacent_agreement", "kappa", "weighted_kappa"],
        "estimate": [exact, adjacent, kappa, wkappa],
        "se": [np.sqrt(exact * (1 - exact) / n), np.sqrt(adjacent * (1 - adjacent) / n),
               se_k, se_w], "n": n})


def _kappa(p: np.ndarray, w: np.ndarray, n: int) -> tuple[float, float]:
    """Weighted kappa and its Fleiss-Cohen-Everitt (1969) large-sample SE."""
    rows, cols = p.sum(axis=1), p.sum(axis=0)
    po, pc = float(np.sum(w * p)), float(np.sum(w * np.outer(rows, cols)))
    if pc >= 1:
        return (1.0 if po >= 1 else np.nan), 0.0
    kappa = (po - pc) / (1 - pc)
    w_row, w_col = w @ cols, rows @ w
    dev = w * (1 - pc) - (w_row[:, None] + w_col[None, :]) * (1 - po)
    var = (np.sum(p * dev**2) - (po * pc - 2 * pc + po) ** 2) / (n * (1 - pc) ** 4)
    return float(kappa), float(np.sqrt(max(var, 0.0)))
