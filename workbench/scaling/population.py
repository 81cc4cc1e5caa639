"""Latent regression (the conditioning or population model) and plausible values
(stage: scaling).

With the item parameters fixed, ability is modelled as ``theta ~ N(x'beta, sigma^2)`` with
background covariates ``x`` (NAEP/TIMSS/PIRLS conditioning), estimated by EM on the
quadrature grid; plausible values are then drawn from every student's posterior.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.psychometrics.irt import _data
from workbench.psychometrics.irt.calibration import Calibration
from workbench.psychometrics.irt.persons import item_set, person_loglik

__all__ = ["PopulationModel", "latent_regression", "plausible_values"]


@dataclass(frozen=True)
class PopulationModel:
    """A fitted latent regression; keeps each student's likelihood on the grid for PVs."""

    coefficients: pd.Series
    sigma: float
    loglik: float
    iterations: int
    converged: bool
    n: int
    ids: np.ndarray = field(repr=False)
    design: np.ndarray = field(repr=False)
    likelihood: np.ndarray = field(repr=False)  # (N, Q) scaled likelihood on the grid
    theta: np.ndarray = field(repr=False)

    def table(self) -> pd.DataFrame:
        """``term, estimate``: the coefficients, then ``residual_sd`` and ``r2`` (the share
        of latent variance explained)."""
        fitted = self.design @ self.coefficients.to_numpy()
        r2 = fitted.var() / (fitted.var() + self.sigma**2)
        return pd.DataFrame(
            {
                "term": [*self.coefficients.index, "residual_sd", "r2"],
                "estimate": [*self.coefficients.to_numpy(), self.sigma, r2],
            }
        )

    def posterior(self) -> pd.DataFrame:
        """Each student's posterior under the model: ``id, mean, sd``."""
        post = self._posterior()
        mean = post @ self.theta
        sd = np.sqrt(np.clip(post @ self.theta**2 - mean**2, 0, None))
        return pd.DataFrame({"id": self.ids, "mean": mean, "sd": sd})

    def _posterior(self) -> np.ndarray:
        return _posterior(
            self.likelihood, self.theta, self.design @ self.coefficients.to_numpy(), self.sigma
        )[0]

    def __repr__(self) -> str:
        return (
            f"PopulationModel(n={self.n}, terms={len(self.coefficients)}, "
            f"residual_sd={self.sigma:.3f}, converged={self.converged})"
        )


def latent_regression(
    data: pd.DataFrame,
    *,
    items: Calibration | pd.DataFrame,
    covariates: Sequence[str],
    weight: str | None = None,
    id: str | None = None,
    omitted: str = "wrong",
    not_reached: str = "wrong",
    points: int = 41,
    tol: float = 1e-6,
    max_iter: int = 1000,
) -> PopulationModel:
    """Estimate the population (conditioning) model with the item parameters fixed.

    Parameters
    ----------
    data
        One row per student: the item response columns and the covariates.
    items
        A :class:`Calibration` or its ``.table()``.
    covariates
        Numeric columns (dummies, principal components of the questionnaire ...); an
        intercept is added. No missing values: add missing-indicator dummies first.
    weight
        Optional student weight column (weighted EM).
    id
        Optional id column carried to the plausible values.
    omitted, not_reached, points
        As in :func:`workbench.psychometrics.person_scores`.
    tol, max_iter
        EM stops when no parameter moves by more than ``tol``.

    Returns
    -------
    PopulationModel
        ``.table()``: ``term, estimate`` (``intercept``, the covariates, ``residual_sd``,
        ``r2``); ``.posterior()``: ``id, mean, sd``.

    Checked against
    ---------------
    Recovery of the synthetic nation's generating effects and gaps through PVs;
    ``tests/test_scaling_population.py``.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"item_id": ["i1", "i2", "i3"], "model": "2PL", "a": 1.5,
    ...                       "b": [-1.0, 0.0, 1.0]})
    >>> df = pd.DataFrame({"i1": [1, 1, 0, 1], "i2": [1, 0, 0, 1], "i3": [0, 0, 0, 1],
    ...                    "x": [1.0, 0.0, 0.0, 1.0]})
    >>> latent_regression(df, items=table, covariates=["x"]).table()["term"].tolist()
    ['intercept', 'x', 'residual_sd', 'r2']
    """
    its = item_set(items, caller="latent_regression")
    x = _data.score_matrix(
        data, its.ids, caller="latent_regression", omitted=omitted, not_reached=not_reached
    )
    design, names = _design(data, covariates)
    w = _weights(data, weight)
    theta = _data.grid(points)
    loglik = person_loglik(its, x, theta)
    loglik -= loglik.max(axis=1, keepdims=True)
    like = np.exp(loglik)
    beta, sigma, total, iterations, converged = _em(like, theta, design, w, tol, max_iter)
    ids = data[id].to_numpy() if id is not None else np.arange(len(data))
    return PopulationModel(
        pd.Series(beta, index=names),
        sigma,
        total,
        iterations,
        converged,
        len(data),
        ids,
        design,
        like,
        theta,
    )


def plausible_values(
    model: PopulationModel,
    *,
    n_pv: int = 5,
    seed: int,
    method: str = "normal",
    names: Sequence[str] | None = None,
    id: str = "id",
) -> pd.DataFrame:
    """Draw plausible values from every student's posterior under the population model.

    Parameters
    ----------
    model
        The fitted :func:`latent_regression`.
    n_pv
        Number of draws per student (5 in TIMSS/PIRLS).
    seed
        Seed of ``numpy.random.default_rng``: the same seed gives the same values.
    method
        ``'normal'``: a normal with the posterior mean and SD (the NAEP/TIMSS approximation);
        ``'grid'``: a node drawn from the discrete posterior plus uniform jitter within the
        node's interval (exact up to the grid resolution, adds ``h^2/12`` variance).
    names
        Column names (default IEA-like ``PV01..``; use e.g. ``READ01..READ05``).
    id
        Name of the id column of the result.

    Returns
    -------
    DataFrame
        ``id`` and one column per plausible value, on the logit scale of the items (apply
        :func:`reporting_scale` to report them).

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"item_id": ["i1", "i2"], "model": "2PL", "a": 1.0,
    ...                       "b": [-0.5, 0.5]})
    >>> df = pd.DataFrame({"i1": [1, 0, 1], "i2": [1, 0, 0], "x": [1.0, 0.0, 0.5]})
    >>> pm = latent_regression(df, items=table, covariates=["x"])
    >>> list(plausible_values(pm, n_pv=2, seed=1, names=["READ01", "READ02"]).columns)
    ['id', 'READ01', 'READ02']
    """
    names = list(names) if names is not None else [f"PV{m + 1:02d}" for m in range(n_pv)]
    if n_pv < 1 or len(names) != n_pv:
        raise ValueError(
            f"plausible_values: need n_pv >= 1 names, one per draw ({n_pv} draws, "
            f"{len(names)} names given); pass n_pv names."
        )
    if method not in ("normal", "grid"):
        raise ValueError(f"plausible_values: unknown method ({method!r}); use 'normal' or 'grid'.")
    rng = np.random.default_rng(seed)
    post = model._posterior()
    theta = model.theta
    mean = post @ theta
    sd = np.sqrt(np.clip(post @ theta**2 - mean**2, 0, None))
    cdf = np.cumsum(post, axis=1) if method == "grid" else None
    h = theta[1] - theta[0]
    out = {id: model.ids}
    for name in names:
        if method == "normal":
            out[name] = mean + sd * rng.standard_normal(len(mean))
        else:
            node = (cdf < rng.random(len(mean))[:, None]).sum(axis=1).clip(0, len(theta) - 1)
            out[name] = theta[node] + h * (rng.random(len(mean)) - 0.5)
    return pd.DataFrame(out)


def _posterior(
    like: np.ndarray, theta: np.ndarray, mu: np.ndarray, sigma: float
) -> tuple[np.ndarray, np.ndarray]:
    """Posterior ``(N, Q)`` with prior ``N(mu_n, sigma^2)`` discretized on the grid, and the
    log marginal likelihood per person (up to the constant removed from ``like``)."""
    prior = np.exp(-0.5 * ((theta[None, :] - mu[:, None]) / sigma) ** 2)
    prior /= prior.sum(axis=1, keepdims=True)
    joint = like * prior
    marginal = joint.sum(axis=1)
    return joint / marginal[:, None], np.log(marginal)


def _em(
    like: np.ndarray,
    theta: np.ndarray,
    design: np.ndarray,
    w: np.ndarray,
    tol: float,
    max_iter: int,
) -> tuple[np.ndarray, float, float, int, bool]:
    xtwx = design.T @ (design * w[:, None])
    beta = np.zeros(design.shape[1])
    sigma = 1.0
    for iteration in range(1, max_iter + 1):
        post, logm = _posterior(like, theta, design @ beta, sigma)
        mean = post @ theta
        var = np.clip(post @ theta**2 - mean**2, 0, None)
        new_beta = np.linalg.solve(xtwx, design.T @ (w * mean))
        resid = mean - design @ new_beta
        new_sigma = float(np.sqrt(w @ (resid**2 + var) / w.sum()))
        change = max(np.abs(new_beta - beta).max(), abs(new_sigma - sigma))
        beta, sigma = new_beta, max(new_sigma, 1e-3)
        if change < tol:
            return beta, sigma, float(w @ logm), iteration, True
    return beta, sigma, float(w @ logm), max_iter, False


def _design(data: pd.DataFrame, covariates: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    covariates = list(covariates)
    missing = [c for c in covariates if c not in data.columns]
    if missing:
        raise KeyError(
            f"latent_regression: covariates {missing} are not in data; pass "
            "existing numeric columns."
        )
    x = (
        data[covariates].to_numpy(dtype=float, na_value=np.nan)
        if covariates
        else np.empty((len(data), 0))
    )
    if not np.isfinite(x).all():
        bad = [c for c, ok in zip(covariates, np.isfinite(x).all(axis=0), strict=True) if not ok]
        raise ValueError(
            f"latent_regression: covariates {bad} have missing values; impute "
            "them and add missing-indicator dummies first."
        )
    design = np.column_stack([np.ones(len(data)), x])
    if np.linalg.matrix_rank(design) < design.shape[1]:
        raise ValueError(
            f"latent_regression: the covariates {covariates} are collinear (with "
            "the intercept); drop one dummy per categorical variable."
        )
    return design, ["intercept", *covariates]


def _weights(data: pd.DataFrame, weight: str | None) -> np.ndarray:
    if weight is None:
        return np.ones(len(data))
    w = data[weight].to_numpy(dtype=float)
    if not np.all(np.isfinite(w) & (w >= 0)) or w.sum() <= 0:
        raise ValueError(
            f"latent_regression: weight {weight!r} must be non-negative and "
            "finite; fix the weights."
        )
    return w
