"""Rasch and partial credit models by conditional maximum likelihood (as eRm::RM / eRm::PCM).

Serves the item-review step of the scaling stage: a preliminary Rasch difficulty, its SE and
infit/outfit per item, as the TIMSS/PIRLS item-statistics displays show them. MML calibration
(2PL/3PL/GPCM), plausible values and linking live in :mod:`workbench.scaling`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.psychometrics import _cml
from workbench.psychometrics._checks import max_scores, score_matrix

__all__ = ["RaschModel", "rasch", "pcm"]

_OLD_METHODS = {"WLE": "wle", "ML": "mle"}


@dataclass(frozen=True, eq=False)
class RaschModel:
    """A fitted Rasch (``model="RM"``) or partial credit (``"PCM"``) model.

    Attributes
    ----------
    model, items, n, loglik, iterations, converged
        Model name, item names, persons used, conditional log-likelihood at the optimum,
        optimiser steps and whether the gradient vanished.
    beta, cov_beta
        eRm's item-category easiness parameters (sum zero over all of them) and their
        covariance (eRm's ``W %*% solve(hessian) %*% t(W)``).
    """

    model: str
    items: tuple[str, ...]
    n: int
    loglik: float
    iterations: int
    converged: bool
    beta: np.ndarray
    cov_beta: np.ndarray
    _x: np.ndarray
    _index: pd.Index
    _design: _cml.Design

    def __repr__(self) -> str:
        return (
            f"RaschModel(model={self.model}, items={len(self.items)}, n={self.n}, "
            f"loglik={self.loglik:.3f})"
        )

    @property
    def difficulty(self) -> pd.Series:
        """Item locations: ``-beta`` (RM) or the mean threshold, eRm's ``Location`` (PCM)."""
        return (
            self.table()
            .query("parameter in ['difficulty', 'location']")
            .set_index("item_id")["estimate"]
            .rename("difficulty")
        )

    def thresholds(self) -> pd.DataFrame:
        """Step thresholds ``tau_ih = beta_i,h-1 - beta_ih`` (eRm's ``thresholds()``).

        Returns
        -------
        DataFrame
            ``item_id, step, estimate, se``.
        """
        t = _threshold_matrix(self._design)
        est, cov = t @ self.beta, t @ self.cov_beta @ t.T
        return pd.DataFrame(
            {
                "item_id": [self.items[i] for i in self._design.item_of],
                "step": self._design.cat_of,
                "estimate": est,
                "se": np.sqrt(np.diag(cov)),
            }
        )

    def table(self) -> pd.DataFrame:
        """Item parameters: one row per item (RM) or per item x (location, thresholds) (PCM).

        Returns
        -------
        DataFrame
            ``item_id, parameter, estimate, se, n`` (``parameter``: ``difficulty`` for RM;
            ``location``, ``threshold_1``, ... for PCM; ``n``: persons who took the item).
        """
        d, th = self._design, self.thresholds()
        n_item = (~np.isnan(self._x)).sum(axis=0)
        if self.model == "RM":
            out = th.assign(parameter="difficulty").drop(columns="step")
        else:
            loc = _location_matrix(d)
            est, se = loc @ self.beta, np.sqrt(np.diag(loc @ self.cov_beta @ loc.T))
            locs = pd.DataFrame({"item_id": self.items, "step": 0, "estimate": est, "se": se})
            out = pd.concat([locs, th], ignore_index=True).sort_values(
                ["item_id", "step"],
                key=lambda s: s.map(self.items.index) if s.name == "item_id" else s,
                kind="stable",
            )
            out["parameter"] = np.where(
                out["step"] == 0, "location", "threshold_" + out["step"].astype(str)
            )
            out = out.drop(columns="step")
        out["n"] = out["item_id"].map(dict(zip(self.items, n_item, strict=True)))
        return out[["item_id", "parameter", "estimate", "se", "n"]].reset_index(drop=True)

    def persons(self, method: str = "wle") -> pd.DataFrame:
        """Person abilities given the item parameters, by ``"wle"`` (Warm) or ``"mle"``.

        MLE is NaN for zero and perfect scores (eRm interpolates those; we do not). The old
        spellings ``"WLE"`` and ``"ML"`` work this release with a DeprecationWarning.

        Returns
        -------
        DataFrame
            ``person`` (the input's index), ``raw_score, max_score, estimate, se``.
        """
        if method in _OLD_METHODS:
            warnings.warn(
                f"RaschModel.persons: method={method!r} is deprecated and will be "
                f"removed in the next release; use method={_OLD_METHODS[method]!r}",
                DeprecationWarning,
                stacklevel=2,
            )
            method = _OLD_METHODS[method]
        if method not in ("wle", "mle"):
            raise ValueError(f"RaschModel.persons: unknown method ({method!r}); use 'wle' or 'mle'")
        admin = ~np.isnan(self._x)
        raw = np.nansum(self._x, axis=1)
        theta, se = _cml.person_estimates(raw, admin, self.beta, self._design, wle=method == "wle")
        return pd.DataFrame(
            {
                "person": self._index,
                "raw_score": raw,
                "max_score": admin @ self._design.m,
                "estimate": theta,
                "se": se,
            }
        )

    def itemfit(self) -> pd.DataFrame:
        """Infit and outfit mean squares and their t (Wilson-Hilferty) statistics, as eRm.

        Persons with zero or perfect scores are left out and ML abilities are used, exactly
        as ``eRm::itemfit(person.parameter(model))``.

        Returns
        -------
        DataFrame
            ``item_id, infit_msq, outfit_msq, infit_t, outfit_t, n``.
        """
        pp = self.persons("mle")
        keep = pp["estimate"].notna().to_numpy()
        x, theta = self._x[keep], pp["estimate"].to_numpy()[keep]
        e, v, _k3, k4 = _cml.moments(theta, self.beta, self._design)
        admin = ~np.isnan(x)
        e, v, k4 = np.where(admin, e, 0.0), np.where(admin, v, 1.0), np.where(admin, k4, 0.0)
        n = admin.sum(axis=0)
        resid2 = np.where(admin, (np.nan_to_num(x) - e) ** 2, 0.0)
        vsum = np.sum(np.where(admin, v, 0.0), axis=0)
        outfit = np.sum(resid2 / v, axis=0) / n
        q_out = np.sqrt(np.sum(np.where(admin, k4 / v**2, 0.0), axis=0) / n**2 - 1 / n)
        infit = resid2.sum(axis=0) / vsum
        q_in = np.sqrt(np.sum(np.where(admin, k4 - v**2, 0.0), axis=0) / vsum**2)
        return pd.DataFrame(
            {
                "item_id": self.items,
                "infit_msq": infit,
                "outfit_msq": outfit,
                "infit_t": _wilson_hilferty(infit, q_in),
                "outfit_t": _wilson_hilferty(outfit, q_out),
                "n": n,
            }
        )


def rasch(responses: pd.DataFrame) -> RaschModel:
    """Fit the dichotomous Rasch model by conditional maximum likelihood (eRm::RM).

    Parameters
    ----------
    responses
        Wide scores 0/1, one column per item; NaN = not administered (rotated booklets and
        not-reached items are fine: each person's likelihood uses the items they took).

    Returns
    -------
    RaschModel
        ``.difficulty``, ``.table()`` (``item_id, parameter, estimate, se, n``), ``.itemfit()``,
        ``.persons()``. Difficulties sum to zero (eRm's ``sum0 = TRUE``).

    Raises
    ------
    ValueError
        Scores other than 0/1, items without a correct or an incorrect answer.

    Notes
    -----
    Checked against eRm 1.0-2 ``RM``, ``person.parameter``, ``itemfit`` on raschdat1 and a
    two-booklet NA version of it (``tests/test_psychometrics_rasch.py``).

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"a": [1, 0, 1, 1, 0, 1], "b": [0, 0, 1, 1, 0, 0],
    ...                   "c": [1, 1, 1, 0, 0, 0]})
    >>> m = rasch(x)
    >>> abs(float(m.difficulty.sum())) < 1e-10
    True
    """
    x = score_matrix(responses, "rasch")
    if np.nanmax(x) > 1:
        raise ValueError(
            f"rasch: scores must be 0/1 (max {np.nanmax(x):g}); use pcm() for partial-credit items"
        )
    return _fit(responses, x, "RM", "rasch")


def pcm(responses: pd.DataFrame) -> RaschModel:
    """Fit Masters' partial credit model by conditional maximum likelihood (eRm::PCM).

    Parameters
    ----------
    responses
        Wide scores 0, 1, ..., m_i (m_i = the item's observed maximum); NaN = not
        administered. Every category 0..m_i must be observed (else collapse categories).

    Returns
    -------
    RaschModel
        As :func:`rasch`; ``.table()`` gives each item's ``location`` (mean threshold, eRm's
        ``Location``) and ``threshold_h`` rows; ``.thresholds()`` the steps alone.

    Raises
    ------
    ValueError
        Negative or non-integer scores, unobserved middle categories.

    Notes
    -----
    Checked against eRm 1.0-2 ``PCM``, ``thresholds``, ``itemfit`` on pcmdat2 (complete and
    with NA) and bfi N1-N5 (``tests/test_psychometrics_rasch.py``).

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"a": [0, 1, 2, 2, 1, 0], "b": [1, 0, 2, 1, 0, 2]})
    >>> pcm(x).table()["parameter"].tolist()
    ['location', 'threshold_1', 'threshold_2', 'location', 'threshold_1', 'threshold_2']
    """
    x = score_matrix(responses, "pcm")
    return _fit(responses, x, "PCM", "pcm")


def _fit(responses: pd.DataFrame, x: np.ndarray, model: str, fn: str) -> RaschModel:
    keep = (~np.isnan(x)).any(axis=1)
    x, index = x[keep], responses.index[keep]
    m = max_scores(x, responses.columns, fn)
    _check_categories(x, m, responses.columns, fn)
    design, _ = _cml.prepare(x, m)
    res = _cml.fit(design)
    k = len(res["eta"])
    w = np.vstack([-np.ones(k), np.eye(k)])
    cov = w @ np.linalg.inv(res["hessian"]) @ w.T
    return RaschModel(
        model,
        tuple(str(c) for c in responses.columns),
        int(len(x)),
        res["loglik"],
        res["iterations"],
        res["converged"],
        res["beta"],
        cov,
        x,
        index,
        design,
    )


def _check_categories(x: np.ndarray, m: np.ndarray, columns, fn: str) -> None:
    for i, col in enumerate(columns):
        seen = set(np.unique(x[~np.isnan(x[:, i]), i]).astype(int).tolist())
        missing = sorted(set(range(int(m[i]) + 1)) - seen)
        if missing:
            raise ValueError(
                f"{fn}: item {col!r} has no responses in categories {missing} "
                f"(max {m[i]}); collapse categories or drop the item"
            )


def _threshold_matrix(d: _cml.Design) -> np.ndarray:
    """tau_ih = -(beta_ih - beta_i,h-1) as a matrix on beta (eRm's T_mat)."""
    k = len(d.item_of)
    t = -np.eye(k)
    for j in range(k):
        if d.cat_of[j] > 1:
            t[j, j - 1] = 1.0
    return t


def _location_matrix(d: _cml.Design) -> np.ndarray:
    """Location = mean threshold = -beta_i,m / m."""
    loc = np.zeros((len(d.m), len(d.item_of)))
    for j, (i, h) in enumerate(zip(d.item_of, d.cat_of, strict=True)):
        if h == d.m[i]:
            loc[i, j] = -1.0 / h
    return loc


def _wilson_hilferty(msq: np.ndarray, q: np.ndarray) -> np.ndarray:
    return (np.cbrt(msq) - 1) * (3 / q) + q / 3
