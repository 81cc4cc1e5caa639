"""Factor analysis for the validity stage: one-factor ML model and dimensionality checks.

The one-factor maximum-likelihood model is fitted to the correlation matrix (ML is scale
free, so standardised loadings equal lavaan's ``std.all`` and psych::fa's ``fm = "ml"``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize, stats

from workbench.psychometrics._checks import score_matrix

__all__ = ["one_factor", "dimensionality"]


def one_factor(items: pd.DataFrame) -> pd.DataFrame:
    """Fit a one-factor model by maximum likelihood (complete cases).

    Parameters
    ----------
    items
        Wide item scores, one column per item (rows with any NaN are dropped).

    Returns
    -------
    DataFrame
        ``item_id, loading, uniqueness, n`` plus the fit, repeated on every row: ``chisq``
        (N x F_ML, as lavaan), ``df``, ``p_value``, ``cfi``, ``rmsea``.

    Raises
    ------
    ValueError
        Fewer than 3 items, constant items.

    Notes
    -----
    Checked against lavaan 0.6-14 ``cfa`` (std.all loadings, chi-square, CFI, RMSEA) and
    psych 2.2.9 ``fa(fm = "ml")`` on bfi N1-N5 (``tests/test_psychometrics.py``).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=500)
    >>> x = pd.DataFrame({f"x{i}": 0.7 * f + rng.normal(scale=0.7, size=500) for i in range(4)})
    >>> bool(one_factor(x)["loading"].between(0.6, 0.8).all())
    True
    """
    x = score_matrix(items, "one_factor", min_items=3, integer=False)
    x = x[~np.isnan(x).any(axis=1)]
    r = _correlation(x, items.columns, "one_factor")
    load, psi = ml_one_factor(r)
    p, n = r.shape[0], len(x)
    fit = _fit_indices(r, load, psi, n)
    out = pd.DataFrame(
        {"item_id": [str(c) for c in items.columns], "loading": load, "uniqueness": psi, "n": n}
    )
    for k, v in fit.items():
        out[k] = v
    out["df"] = int(p * (p + 1) / 2 - 2 * p)
    return out


def dimensionality(
    items: pd.DataFrame, *, n_iter: int = 100, quantile: float = 0.95, seed: int = 0
) -> pd.DataFrame:
    """Eigenvalues of the item correlation matrix with Horn's parallel analysis.

    Parameters
    ----------
    items
        Wide item scores (complete cases used).
    n_iter, quantile, seed
        Random normal data sets of the same size, the quantile of their eigenvalues compared
        with, and the seed.

    Returns
    -------
    DataFrame
        ``component, eigenvalue, proportion, random_mean, random_quantile, retain, n``;
        ``retain`` is True for the leading components above the random quantile.

    Notes
    -----
    Eigenvalues checked against R ``eigen(cor(x))`` on bfi N1-N5
    (``tests/test_psychometrics.py``).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(2)
    >>> f = rng.normal(size=400)
    >>> x = pd.DataFrame({f"x{i}": f + rng.normal(size=400) for i in range(5)})
    >>> dimensionality(x, n_iter=20)["retain"].tolist()
    [True, False, False, False, False]
    """
    x = score_matrix(items, "dimensionality", min_items=2, integer=False)
    x = x[~np.isnan(x).any(axis=1)]
    r = _correlation(x, items.columns, "dimensionality")
    ev = np.sort(np.linalg.eigvalsh(r))[::-1]
    rng = np.random.default_rng(seed)
    sims = np.array(
        [
            np.sort(np.linalg.eigvalsh(np.corrcoef(rng.normal(size=x.shape).T)))[::-1]
            for _ in range(n_iter)
        ]
    )
    q = np.quantile(sims, quantile, axis=0)
    retain = np.cumprod(ev > q).astype(bool)
    return pd.DataFrame(
        {
            "component": np.arange(1, len(ev) + 1),
            "eigenvalue": ev,
            "proportion": ev / ev.sum(),
            "random_mean": sims.mean(axis=0),
            "random_quantile": q,
            "retain": retain,
            "n": len(x),
        }
    )


def ml_one_factor(r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ML loadings and uniquenesses of a correlation matrix (Joreskog's concentrated form)."""
    start = np.clip(1 - 1 / np.diag(np.linalg.inv(r)), 0.05, 0.95)
    res = optimize.minimize(
        _objective,
        1 - start,
        args=(r,),
        jac=True,
        method="L-BFGS-B",
        bounds=[(0.005, 1.0)] * len(r),
        options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 5000},
    )
    load = _loadings(res.x, r)
    return load * np.sign(load.sum()), res.x


def _loadings(psi: np.ndarray, r: np.ndarray) -> np.ndarray:
    s = np.sqrt(psi)
    values, vectors = np.linalg.eigh(r / np.outer(s, s))
    return s * vectors[:, -1] * np.sqrt(max(values[-1] - 1, 0.0))


def _objective(psi: np.ndarray, r: np.ndarray) -> tuple[float, np.ndarray]:
    s = np.sqrt(psi)
    values = np.linalg.eigvalsh(r / np.outer(s, s))[:-1]
    value = float(np.sum(np.log(values) - values) + len(values))
    load = _loadings(psi, r)
    grad = (np.outer(load, load).diagonal() + psi - np.diag(r)) / psi**2
    return -value, grad


def _fit_indices(r: np.ndarray, load: np.ndarray, psi: np.ndarray, n: int) -> dict:
    p = len(r)
    sigma = np.outer(load, load) + np.diag(psi)
    f_ml = (
        np.linalg.slogdet(sigma)[1]
        + np.trace(r @ np.linalg.inv(sigma))
        - np.linalg.slogdet(r)[1]
        - p
    )
    chisq, df = n * f_ml, p * (p + 1) / 2 - 2 * p
    base_chisq, base_df = -n * np.linalg.slogdet(r)[1], p * (p - 1) / 2
    cfi = 1 - max(chisq - df, 0) / max(chisq - df, base_chisq - base_df, 1e-300)
    rmsea = np.sqrt(max(chisq - df, 0) / (df * n)) if df > 0 else np.nan
    p_value = float(stats.chi2.sf(chisq, df)) if df > 0 else np.nan
    return {"chisq": chisq, "p_value": p_value, "cfi": cfi, "rmsea": rmsea}


def _correlation(x: np.ndarray, columns, fn: str) -> np.ndarray:
    sd = x.std(axis=0)
    if len(x) < 3 or np.any(sd == 0):
        flat = [str(c) for c, s in zip(columns, sd, strict=True) if s == 0]
        raise ValueError(
            f"{fn}: items need variance and at least 3 complete rows "
            f"(constant: {flat[:5]}, rows: {len(x)}); drop constant items"
        )
    return np.corrcoef(x.T)
