"""Item calibration by marginal maximum likelihood (stage: scaling).

Bock-Aitkin EM on a fixed grid of quadrature nodes: 3PL/2PL/1PL for dichotomous items and
the generalized (or Masters') partial credit model for polytomous items, incomplete
(rotated-booklet) designs, and several groups (e.g. two cycles for concurrent calibration).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.psychometrics.irt import _data
from workbench.psychometrics.irt._em import (
    EMData,
    e_step,
    log_prior,
    oakes_covariance,
    rmsd,
    update_population,
)
from workbench.psychometrics.irt._model import ItemSet, newton_step, par_from_steps, steps_from_par

__all__ = ["Calibration", "calibrate"]


@dataclass(frozen=True)
class Calibration:
    """A fitted item calibration: item parameters, population, fit and convergence.

    ``items`` is the item table (see :func:`calibrate`); ``population`` has one row per group:
    ``group, mean, sd, n, reference``.
    """

    items: pd.DataFrame
    population: pd.DataFrame
    loglik: float
    iterations: int
    converged: bool
    n: int
    points: int

    def table(self) -> pd.DataFrame:
        """The item table: ``item_id, model, max_score, n, a, b, c, d1.., se_a, se_b, se_c,
        se_d1.., rmsd``."""
        return self.items.copy()

    def __repr__(self) -> str:
        return (
            f"Calibration(items={len(self.items)}, n={self.n}, groups="
            f"{len(self.population)}, loglik={self.loglik:.1f}, "
            f"converged={self.converged})"
        )


def calibrate(
    responses: pd.DataFrame,
    *,
    items: pd.DataFrame | Sequence[str],
    model: str | Mapping[str, str] = "2PL",
    group: str | None = None,
    reference: object | None = None,
    weight: str | None = None,
    guessing: float | None = None,
    guessing_prior: tuple[float, float] = (6.0, 16.0),
    omitted: str = "wrong",
    not_reached: str = "missing",
    points: int = 41,
    se: bool = True,
    tol: float = 1e-5,
    max_iter: int = 2000,
) -> Calibration:
    """Calibrate items by marginal maximum likelihood (Bock-Aitkin EM).

    Parameters
    ----------
    responses
        One row per student, one column per item: scores ``0..K``; ``6`` not reached,
        ``7`` not administered, ``9`` omitted; ``NaN`` not administered. Other columns are
        ignored.
    items
        Item ids, or an item table with ``item_id`` (and ``type`` MC/CR for ``model='pirls'``).
    model
        ``'2PL'`` (dichotomous 2PL, polytomous GPCM), ``'3PL'`` (3PL, GPCM), ``'1PL'``/``'Rasch'``
        (a = 1 and the PCM; the reference SD is then estimated), ``'pirls'`` (MC 3PL, CR 2PL,
        polytomous GPCM) or a mapping ``item_id -> '1PL'|'2PL'|'3PL'|'GPCM'|'PCM'``.
    group, reference
        Optional group column (e.g. cycle) for a multiple-group calibration; the reference
        group (default: the first in sorted order) has mean 0 and SD 1, the other groups'
        normal means and SDs are estimated (concurrent calibration).
    weight
        Optional weight column (e.g. senate weights); rescaled to sum to the sample size.
    guessing, guessing_prior
        Fixed lower asymptote for the 3PL items, or ``None`` to estimate it with a
        Beta(``guessing_prior``) prior (BILOG-MG-like default Beta(6, 16), mode 0.25).
    omitted, not_reached
        ``'wrong'`` (score 0) or ``'missing'`` (not administered). IEA calibrates with omitted
        wrong and not reached missing (the defaults).
    points
        Number of equally spaced nodes on [-6, 6].
    se
        Compute standard errors from the observed information (Oakes' identity, numerical
        derivative of the Fisher score; population parameters held fixed).
    tol, max_iter
        Stop when no parameter moves by more than ``tol`` in one EM cycle.

    Returns
    -------
    Calibration
        ``.table()`` columns: ``item_id, model, max_score, n, a, b, c, d1.., se_a, se_b, se_c,
        se_d1.., rmsd`` (logistic metric; ``b`` is the mean step for polytomous items;
        ``d_k`` are the GPCM step locations; ``rmsd`` compares the pseudo-observed and model
        item curves as PISA/PIRLS do).

    Raises
    ------
    ValueError
        Unknown model or codes, an item without responses in some score category.

    Checked against
    ---------------
    Brute-force marginal likelihood maximized with scipy (estimates and Hessian SEs), eRm
    CML (``eRm::RM``/``PCM``) for the 1PL/PCM, recovery on ``workbench.synth``;
    ``tests/test_scaling_calibration.py``.

    Examples
    --------
    >>> import workbench.synth as synth
    >>> nation = synth.make_nation(seed=3, schools=60, items=12, blocks=2)
    >>> cal = calibrate(nation.tables["responses"], items=nation.tables["items"]["item_id"],
    ...                 se=False)
    >>> cal.table()[["item_id", "model", "a", "b"]].shape
    (12, 4)
    """
    ids = _data.item_ids_of(items, caller="calibrate")
    x = _data.score_matrix(
        responses, ids, caller="calibrate", omitted=omitted, not_reached=not_reached
    )
    ncat = _max_scores(x, ids)
    models = _data.item_models(ids, ncat, model, items if isinstance(items, pd.DataFrame) else None)
    theta = _data.grid(points)
    groups, labels, ref = _groups(responses, group, reference)
    data = EMData(
        _data.onehot(x, int(ncat.max())), np.isfinite(x), groups, _weights(responses, weight), theta
    )
    start, free = _start(x, ids, models, ncat, guessing)
    rasch = not free[:, 0].any()
    fit = _run_em(
        start, free, data, ref, rasch, guessing_prior if guessing is None else None, tol, max_iter
    )
    cov = oakes_covariance(fit.items, data, free, *fit.estep, fit.prior_c) if se else None
    return Calibration(
        items=_table(fit, free, cov, x),
        population=_population(fit, labels, ref, data),
        loglik=fit.loglik,
        iterations=fit.iterations,
        converged=fit.converged,
        n=len(x),
        points=points,
    )


@dataclass
class _Fit:
    items: ItemSet
    mean: np.ndarray
    sd: np.ndarray
    loglik: float
    iterations: int
    converged: bool
    estep: tuple
    r: np.ndarray
    prior_c: tuple[float, float] | None
    theta: np.ndarray


def _run_em(
    items: ItemSet,
    free: np.ndarray,
    data: EMData,
    ref: int,
    rasch: bool,
    prior_c: tuple[float, float] | None,
    tol: float,
    max_iter: int,
) -> _Fit:
    n_groups = int(data.groups.max()) + 1
    mean, sd = np.zeros(n_groups), np.ones(n_groups)
    free_mean = np.arange(n_groups) != ref
    free_sd = free_mean | rasch
    converged, iteration = False, 0
    while iteration < max_iter:
        iteration += 1
        logprior = log_prior(data.theta, mean, sd)
        loglik, post, total, r = e_step(items, data, logprior)
        new = newton_step(items, r, data.theta, free, prior_c)
        new_mean, new_sd = update_population(data, post, mean, sd, free_mean, free_sd)
        change = max(
            np.abs(new.par - items.par).max(),
            np.abs(new_mean - mean).max(),
            np.abs(new_sd - sd).max(),
        )
        items, mean, sd = new, new_mean, new_sd
        if change < tol:
            converged = True
            break
    if not converged:
        warnings.warn(
            f"calibrate: EM stopped after {max_iter} iterations without converging "
            f"(last change {change:.2g}); raise max_iter or check the items.",
            stacklevel=3,
        )
    logprior = log_prior(data.theta, mean, sd)
    loglik, post, total, r = e_step(items, data, logprior)
    return _Fit(
        items,
        mean,
        sd,
        total,
        iteration,
        converged,
        (loglik, post, r, logprior),
        r,
        prior_c,
        data.theta,
    )


def _max_scores(x: np.ndarray, ids: list[str]) -> np.ndarray:
    ncat = np.nan_to_num(np.nanmax(np.where(np.isfinite(x), x, -1), axis=0), nan=0).astype(int)
    for j, k in enumerate(ncat):
        counts = np.bincount(x[np.isfinite(x[:, j]), j].astype(int), minlength=k + 1)
        if k < 1 or (counts == 0).any():
            raise ValueError(
                f"calibrate: item {ids[j]!r} has score categories without any "
                f"response (counts {counts.tolist()}); collapse categories or "
                "drop the item."
            )
    return ncat


def _start(
    x: np.ndarray, ids: list[str], models: tuple[str, ...], ncat: np.ndarray, guessing: float | None
) -> tuple[ItemSet, np.ndarray]:
    kmax = int(ncat.max())
    d = np.full((len(ids), kmax), np.nan)
    for j, k in enumerate(ncat):
        col = x[np.isfinite(x[:, j]), j]
        above = np.array([(col >= s).mean() for s in range(1, k + 1)])
        d[j, :k] = -np.log(above / (1 - above)).clip(-4, 4)
        d[j, :k] = d[j, :k] if k == 1 else np.linspace(d[j, 0], d[j, k - 1], k)
    is3 = np.array([m == "3PL" for m in models])
    c = np.where(is3, 0.2 if guessing is None else guessing, 0.0)
    par = par_from_steps(np.ones(len(ids)), d, c, ncat)
    free = np.zeros_like(par, dtype=bool)
    free[:, 0] = [m in ("2PL", "3PL", "GPCM") for m in models]
    free[:, 1:-1] = np.arange(1, kmax + 1)[None, :] <= ncat[:, None]
    free[:, -1] = is3 & (guessing is None)
    return ItemSet(tuple(ids), models, ncat, par), free


def _groups(
    responses: pd.DataFrame, group: str | None, reference: object | None
) -> tuple[np.ndarray, list, int]:
    if group is None:
        return np.zeros(len(responses), dtype=int), ["all"], 0
    if group not in responses.columns:
        raise KeyError(
            f"calibrate: group column {group!r} is not in responses; pass the "
            "name of the cycle or group column."
        )
    codes, labels = pd.factorize(responses[group], sort=True)
    labels = list(labels)
    if (codes < 0).any():
        raise ValueError(f"calibrate: group column {group!r} has missing values; fill them.")
    ref = 0 if reference is None else labels.index(reference) if reference in labels else -1
    if ref < 0:
        raise ValueError(
            f"calibrate: reference {reference!r} is not a value of {group!r} "
            f"({labels} given); pick one of them."
        )
    return codes, labels, ref


def _weights(responses: pd.DataFrame, weight: str | None) -> np.ndarray:
    if weight is None:
        return np.ones(len(responses))
    w = responses[weight].to_numpy(dtype=float)
    if not np.all(np.isfinite(w) & (w > 0)):
        raise ValueError(
            f"calibrate: weight column {weight!r} must be positive and finite; "
            "drop students with zero weight first."
        )
    return w * len(w) / w.sum()


def _table(fit: _Fit, free: np.ndarray, cov: np.ndarray | None, x: np.ndarray) -> pd.DataFrame:
    items = fit.items
    a, c, d = items.par[:, 0], items.par[:, -1], steps_from_par(items.par, items.ncat)
    b = np.nanmean(d, axis=1)
    frame = pd.DataFrame(
        {
            "item_id": list(items.ids),
            "model": list(items.models),
            "max_score": items.ncat,
            "n": np.isfinite(x).sum(axis=0),
            "a": a,
            "b": b,
            "c": c,
        }
    )
    poly = items.ncat > 1
    for k in range(items.kmax if poly.any() else 0):
        frame[f"d{k + 1}"] = np.where(poly, d[:, k], np.nan)
    ses = _standard_errors(items, free, cov)
    for name in ["a", "b", "c"] + [f"d{k + 1}" for k in range(items.kmax if poly.any() else 0)]:
        frame[f"se_{name}"] = ses.get(name, np.full(len(a), np.nan))
    frame["rmsd"] = rmsd(items, fit.r, fit.theta)
    return frame


def _standard_errors(items: ItemSet, free: np.ndarray, cov: np.ndarray | None) -> dict:
    """Delta-method SEs of a, b, c, d_k from the covariance of ``[a, g_1.., c]``."""
    n_items, npar = items.par.shape
    out = {
        k: np.full(n_items, np.nan)
        for k in ["a", "b", "c"] + [f"d{k + 1}" for k in range(npar - 2)]
    }
    if cov is None:
        return out
    position = np.full(free.shape, -1)
    position[free] = np.arange(free.sum())
    for j in range(n_items):
        cols = np.flatnonzero(free[j])
        block = cov[np.ix_(position[j, cols], position[j, cols])]
        jac = _jacobian(items.par[j], int(items.ncat[j]))[:, cols]
        var = np.einsum("rp,pq,rq->r", jac, block, jac)
        names = ["a", "b", "c"] + [f"d{k + 1}" for k in range(int(items.ncat[j]))]
        for name, v in zip(names, var, strict=True):
            fixed = name == "a" and not free[j, 0] or name == "c" and not free[j, -1]
            out[name][j] = np.nan if fixed else np.sqrt(max(v, 0.0))
        if items.ncat[j] == 1:
            out["d1"][j] = np.nan
    return out


def _jacobian(par: np.ndarray, k: int) -> np.ndarray:
    """Rows: a, b, c, d_1..d_k; columns: the ``par`` layout ``[a, g_1..g_kmax, c]``."""
    npar = len(par)
    a = par[0]
    g = np.concatenate([[0.0], par[1 : k + 1]])
    jac = np.zeros((3 + k, npar))
    jac[0, 0] = 1.0
    jac[2, -1] = 1.0
    for s in range(1, k + 1):
        jac[2 + s, 0] = (g[s] - g[s - 1]) / a**2
        jac[2 + s, s] = -1.0 / a
        if s > 1:
            jac[2 + s, s - 1] = 1.0 / a
    jac[1] = jac[3 : 3 + k].mean(axis=0)
    return jac


def _population(fit: _Fit, labels: list, ref: int, data: EMData) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group": labels,
            "mean": fit.mean,
            "sd": fit.sd,
            "n": np.bincount(data.groups, minlength=len(labels)),
            "reference": np.arange(len(labels)) == ref,
        }
    )
