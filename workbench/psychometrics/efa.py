"""Exploratory factor analysis of questionnaire scales for the validity stage: sampling
adequacy (Kaiser-Meyer-Olkin), Bartlett's test of sphericity, and maximum-likelihood factor
loadings with varimax rotation (as psych::KMO, psych::cortest.bartlett and
psych::fa(fm = "ml", rotate = "varimax")).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize, stats

from workbench.psychometrics._checks import score_matrix
from workbench.psychometrics.factor import _correlation

__all__ = ["kmo", "bartlett", "efa", "varimax"]


def kmo(items: pd.DataFrame) -> pd.DataFrame:
    """Kaiser-Meyer-Olkin measure of sampling adequacy, overall and per item.

    Parameters
    ----------
    items
        Wide item scores (complete cases are used).

    Returns
    -------
    DataFrame
        ``item_id`` (the item, or ``overall`` in the last row), ``msa``, ``n``.

    Notes
    -----
    Checked against psych 2.2.9 ``KMO`` on bfi N1-N5 and A1-A5
    (``tests/test_psychometrics_efa.py``).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=400)
    >>> x = pd.DataFrame({f"x{i}": f + rng.normal(size=400) for i in range(4)})
    >>> float(kmo(x)["msa"].iloc[-1]) > 0.7
    True
    """
    r, n = _complete_r(items, "kmo")
    inv = np.linalg.inv(r)
    partial = -inv / np.sqrt(np.outer(np.diag(inv), np.diag(inv)))
    off = ~np.eye(len(r), dtype=bool)
    r2, q2 = np.where(off, r**2, 0), np.where(off, partial**2, 0)
    per = r2.sum(axis=0) / (r2.sum(axis=0) + q2.sum(axis=0))
    overall = r2.sum() / (r2.sum() + q2.sum())
    return pd.DataFrame(
        {"item_id": [str(c) for c in items.columns] + ["overall"], "msa": [*per, overall], "n": n}
    )


def bartlett(items: pd.DataFrame) -> pd.DataFrame:
    """Bartlett's test that the item correlation matrix is an identity matrix.

    Returns
    -------
    DataFrame
        One row: ``chisq, df, p_value, n``; chisq = -(n - 1 - (2p + 5)/6) ln|R|.

    Notes
    -----
    Checked against psych 2.2.9 ``cortest.bartlett`` (``tests/test_psychometrics_efa.py``).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> x = pd.DataFrame(rng.normal(size=(300, 3)), columns=list("abc"))
    >>> float(bartlett(x)["p_value"].iloc[0]) > 0.01
    True
    """
    r, n = _complete_r(items, "bartlett")
    p = len(r)
    chisq = -np.linalg.slogdet(r)[1] * (n - 1 - (2 * p + 5) / 6)
    df = p * (p - 1) / 2
    return pd.DataFrame(
        {"chisq": [chisq], "df": [df], "p_value": [stats.chi2.sf(chisq, df)], "n": [n]}
    )


def efa(
    items: pd.DataFrame, *, n_factors: int = 1, rotation: str | None = "varimax"
) -> pd.DataFrame:
    """Maximum-likelihood exploratory factor analysis with an optional varimax rotation.

    Parameters
    ----------
    items
        Wide item scores (complete cases are used).
    n_factors
        Factors to extract.
    rotation
        ``"varimax"`` (Kaiser-normalized, as ``stats::varimax``) or ``None``.

    Returns
    -------
    DataFrame
        ``item_id, factor`` (1, 2, ...), ``loading``, ``communality``, ``n``: one row per item x
        factor. Factors are ordered by explained variance and signed so each factor's loadings
        sum to a positive number (psych's convention).

    Raises
    ------
    ValueError
        More factors than the data identify, unknown rotation.

    Notes
    -----
    Checked against psych 2.2.9 ``fa(fm = "ml", rotate = "varimax")`` on bfi (10 items, two
    factors) in ``tests/test_psychometrics_efa.py``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(3)
    >>> f = rng.normal(size=(500, 2))
    >>> x = pd.DataFrame({f"x{i}": f[:, i // 3] + rng.normal(size=500) for i in range(6)})
    >>> t = efa(x, n_factors=2).pivot(index="item_id", columns="factor", values="loading")
    >>> (t.abs().idxmax(axis=1).tolist())
    [1, 1, 1, 2, 2, 2]
    """
    if rotation not in ("varimax", None):
        raise ValueError(f"efa: unknown rotation ({rotation!r}); use 'varimax' or None")
    r, n = _complete_r(items, "efa")
    p = len(r)
    if n_factors < 1 or (p - n_factors) ** 2 < p + n_factors:
        raise ValueError(
            f"efa: {n_factors} factors are not identified by {p} items (need "
            "(p - k)^2 >= p + k); extract fewer factors"
        )
    load = ml_factors(r, n_factors)
    if rotation == "varimax" and n_factors > 1:
        load = varimax(load)
    order = np.argsort(-(load**2).sum(axis=0), kind="stable")
    load = load[:, order]
    sign = np.sign(load.sum(axis=0))
    load = load * np.where(sign == 0, 1, sign)
    names = [str(c) for c in items.columns]
    return pd.DataFrame(
        {
            "item_id": np.repeat(names, n_factors),
            "factor": np.tile(np.arange(1, n_factors + 1), p),
            "loading": load.ravel(),
            "communality": np.repeat((load**2).sum(axis=1), n_factors),
            "n": n,
        }
    )


def ml_factors(r: np.ndarray, k: int) -> np.ndarray:
    """Unrotated ML loadings of ``k`` factors (Joreskog's concentrated likelihood)."""
    start = np.clip((1 - 0.5 * k / len(r)) / np.diag(np.linalg.inv(r)), 0.005, 1.0)
    res = optimize.minimize(
        _objective,
        start,
        args=(r, k),
        jac=True,
        method="L-BFGS-B",
        bounds=[(0.005, 1.0)] * len(r),
        options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 10000},
    )
    return _loadings(res.x, r, k)


def varimax(load: np.ndarray, *, normalize: bool = True, eps: float = 1e-5) -> np.ndarray:
    """Varimax rotation, the algorithm of R's ``stats::varimax`` (same stopping rule).

    Examples
    --------
    >>> import numpy as np
    >>> v = varimax(np.array([[0.7, 0.3], [0.6, 0.4], [0.3, -0.6], [0.2, -0.7]]))
    >>> bool(np.allclose((v**2).sum(axis=1), [0.58, 0.52, 0.45, 0.53]))
    True
    """
    x = np.asarray(load, dtype=float)
    p, nc = x.shape
    if nc < 2:
        return x.copy()
    sc = np.sqrt((x**2).sum(axis=1)) if normalize else np.ones(p)
    x = x / sc[:, None]
    tt, d = np.eye(nc), 0.0
    for _ in range(1000):
        z = x @ tt
        b = x.T @ (z**3 - z @ np.diag((z**2).sum(axis=0)) / p)
        u, s, vt = np.linalg.svd(b)
        tt = u @ vt
        d_past, d = d, s.sum()
        if d < d_past * (1 + eps):
            break
    return (x @ tt) * sc[:, None]


def _loadings(psi: np.ndarray, r: np.ndarray, k: int) -> np.ndarray:
    s = np.sqrt(psi)
    values, vectors = np.linalg.eigh(r / np.outer(s, s))
    top = slice(len(r) - k, len(r))
    return (s[:, None] * vectors[:, top] * np.sqrt(np.maximum(values[top] - 1, 0.0)))[:, ::-1]


def _objective(psi: np.ndarray, r: np.ndarray, k: int) -> tuple[float, np.ndarray]:
    s = np.sqrt(psi)
    values = np.linalg.eigvalsh(r / np.outer(s, s))[: len(r) - k]
    value = float(np.sum(values - np.log(values)) - len(values))
    load = _loadings(psi, r, k)
    grad = ((load**2).sum(axis=1) + psi - np.diag(r)) / psi**2
    return value, grad


def _complete_r(items: pd.DataFrame, fn: str) -> tuple[np.ndarray, int]:
    x = score_matrix(items, fn, min_items=2, integer=False)
    x = x[~np.isnan(x).any(axis=1)]
    return _correlation(x, items.columns, fn), len(x)
