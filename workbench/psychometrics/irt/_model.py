"""Item response kernels on a quadrature grid (private to :mod:`workbench.psychometrics.irt`).

Every item is stored as one row of a parameter matrix ``par`` with ``kmax + 2`` columns:
``[a, g_1, ..., g_kmax, c]``. The category logits are ``eta_k = a*k*theta + g_k`` with
``g_0 = 0`` (the generalized partial credit model; a 2PL item is a GPCM item with one step),
so the step locations are ``d_k = -(g_k - g_{k-1}) / a`` and ``b = d_1`` for a dichotomous
item. A 3PL item adds the lower asymptote ``c``: ``P(1) = c + (1 - c) * logistic(eta_1)``.
The logistic metric is used throughout (no 1.7 scaling constant).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: item models understood by the kernels; ``kind`` 1 is the 3PL, 0 the GPCM family
MODELS = ("1PL", "2PL", "3PL", "GPCM", "PCM")
_A_BOUNDS = (0.02, 8.0)
_C_BOUNDS = (1e-4, 0.6)


@dataclass(frozen=True)
class ItemSet:
    """Item parameters as arrays (internal exchange format)."""

    ids: tuple[str, ...]
    models: tuple[str, ...]
    ncat: np.ndarray  # (J,) maximum score K_j
    par: np.ndarray  # (J, kmax + 2) [a, g_1..g_kmax, c]

    @property
    def kmax(self) -> int:
        return int(self.ncat.max())

    @property
    def is3pl(self) -> np.ndarray:
        return np.array([m == "3PL" for m in self.models])

    def steps(self) -> np.ndarray:
        """Step locations ``d`` (J, kmax), NaN beyond each item's maximum score."""
        return steps_from_par(self.par, self.ncat)

    def with_par(self, par: np.ndarray) -> ItemSet:
        return ItemSet(self.ids, self.models, self.ncat, par)


def par_from_steps(a: np.ndarray, d: np.ndarray, c: np.ndarray, ncat: np.ndarray) -> np.ndarray:
    """Build ``par`` from slopes, step locations (NaN padded) and guessing."""
    kmax = d.shape[1]
    used = np.arange(1, kmax + 1)[None, :] <= ncat[:, None]
    g = -a[:, None] * np.cumsum(np.where(used, d, 0.0), axis=1)
    return np.column_stack([a, np.where(used, g, 0.0), c])


def steps_from_par(par: np.ndarray, ncat: np.ndarray) -> np.ndarray:
    kmax = par.shape[1] - 2
    g = np.column_stack([np.zeros(len(par)), par[:, 1 : kmax + 1]])
    d = -np.diff(g, axis=1) / par[:, [0]]
    used = np.arange(1, kmax + 1)[None, :] <= ncat[:, None]
    return np.where(used, d, np.nan)


def probabilities(items: ItemSet, theta: np.ndarray) -> np.ndarray:
    """Category probabilities ``P[j, k, q]`` (zero beyond an item's maximum score)."""
    par, kmax = items.par, items.kmax
    k = np.arange(kmax + 1)
    g = np.column_stack([np.zeros(len(par)), par[:, 1 : kmax + 1]])
    eta = par[:, 0, None, None] * k[None, :, None] * theta[None, None, :] + g[:, :, None]
    eta = np.where(k[None, :, None] <= items.ncat[:, None, None], eta, -np.inf)
    eta -= eta.max(axis=1, keepdims=True)
    prob = np.exp(eta)
    prob /= prob.sum(axis=1, keepdims=True)
    three = items.is3pl
    if three.any():
        c = par[three, -1][:, None]
        p1 = c + (1 - c) * prob[three, 1, :]
        prob[three, 1, :] = p1
        prob[three, 0, :] = 1 - p1
    return prob


def log_likelihood(onehot: list[np.ndarray], logp: np.ndarray) -> np.ndarray:
    """Log-likelihood of every person at every node, ``(N, Q)``, from category indicators."""
    out = onehot[0] @ logp[:, 0, :]
    for k in range(1, len(onehot)):
        out += onehot[k] @ logp[:, k, :]
    return out


def safe_log(prob: np.ndarray) -> np.ndarray:
    return np.log(np.clip(prob, 1e-300, None))


def gradient_information(
    items: ItemSet,
    r: np.ndarray,
    theta: np.ndarray,
    free: np.ndarray,
    c_prior: tuple[float, float] | None,
    information: bool = True,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Gradient ``(J, P)`` and Fisher information ``(J, P, P)`` of the expected complete-data
    log-likelihood ``sum_kq r[j,k,q] log P_jk(theta_q)`` (+ the guessing prior) in ``par``."""
    npar = items.par.shape[1]
    grad = np.zeros((len(items.par), npar))
    info = np.zeros((len(items.par), npar, npar))
    three = items.is3pl
    if (~three).any():
        grad[~three, :-1], info[~three, :-1, :-1] = _gpcm_terms(
            items.par[~three], items.ncat[~three], r[~three], theta, information
        )
    if three.any():
        cols = [0, 1, npar - 1]
        g3, i3 = _three_pl_terms(items.par[three], r[three], theta, c_prior)
        grad[np.ix_(three, cols)] = g3
        info[np.ix_(three, cols, cols)] = i3
    grad = np.where(free, grad, 0.0)
    if not information:
        return grad, None
    mask = free[:, :, None] & free[:, None, :]
    info = np.where(mask, info, 0.0) + np.eye(npar)[None] * (~free)[:, :, None]
    return grad, info


def newton_step(
    items: ItemSet,
    r: np.ndarray,
    theta: np.ndarray,
    free: np.ndarray,
    c_prior: tuple[float, float] | None,
    max_step: float = 1.0,
) -> ItemSet:
    """One Fisher-scoring step for every item at once (the M-step)."""
    grad, info = gradient_information(items, r, theta, free, c_prior)
    ridge = 1e-8 * np.eye(info.shape[1])[None]
    delta = np.linalg.solve(info + ridge, grad[..., None])[..., 0]
    big = np.abs(delta).max(axis=1, keepdims=True)
    delta *= np.minimum(1.0, max_step / np.maximum(big, 1e-12))
    par = items.par + delta
    par[:, 0] = np.clip(par[:, 0], *_A_BOUNDS)
    par[:, -1] = np.where(items.is3pl, np.clip(par[:, -1], *_C_BOUNDS), par[:, -1])
    return items.with_par(par)


def _gpcm_terms(
    par: np.ndarray, ncat: np.ndarray, r: np.ndarray, theta: np.ndarray, information: bool = True
) -> tuple[np.ndarray, np.ndarray | float]:
    kmax = par.shape[1] - 2
    sub = ItemSet(tuple(), ("GPCM",) * len(par), ncat, par)
    prob = probabilities(sub, theta)  # (S, K+1, Q)
    n = r.sum(axis=1)  # (S, Q)
    k = np.arange(kmax + 1)
    design = np.zeros((len(theta), kmax + 1, kmax + 1))  # (Q, K+1 categories, P params)
    design[:, :, 0] = k[None, :] * theta[:, None]
    design[:, 1:, 1:] = np.eye(kmax)[None]
    resid = r - n[:, None, :] * prob
    grad = np.einsum("skq,qkp->sp", resid, design)
    if not information:
        return grad, 0.0
    pt = prob.transpose(0, 2, 1)  # (S, Q, K+1)
    cov = pt[..., :, None] * np.eye(kmax + 1) - pt[..., :, None] * pt[..., None, :]
    info = np.einsum("sq,qkp,sqkl,qlr->spr", n, design, cov, design, optimize=True)
    return grad, info


def _three_pl_terms(
    par: np.ndarray, r: np.ndarray, theta: np.ndarray, c_prior: tuple[float, float] | None
) -> tuple[np.ndarray, np.ndarray]:
    a, g, c = par[:, [0]], par[:, [1]], par[:, [-1]]
    f = 1 / (1 + np.exp(-(a * theta[None, :] + g)))
    p = c + (1 - c) * f
    slope = (1 - c) * f * (1 - f)
    deriv = np.stack([slope * theta[None, :], slope, 1 - f], axis=1)  # (S, 3, Q)
    n = r.sum(axis=1)
    w = 1 / np.clip(p * (1 - p), 1e-12, None)
    grad = np.einsum("sq,spq->sp", (r[:, 1, :] - n * p) * w, deriv)
    info = np.einsum("sq,spq,srq->spr", n * w, deriv, deriv)
    if c_prior is not None:
        alpha, beta = c_prior
        cc = c[:, 0]
        grad[:, 2] += (alpha - 1) / cc - (beta - 1) / (1 - cc)
        info[:, 2, 2] += (alpha - 1) / cc**2 + (beta - 1) / (1 - cc) ** 2
    return grad, info


def theta_derivatives(
    items: ItemSet, theta: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``P``, ``dP/dtheta`` and ``d2P/dtheta2`` at person-specific ``theta`` (N,):
    arrays ``(N, J, K+1)``."""
    par, kmax = items.par, items.kmax
    k = np.arange(kmax + 1)
    a = par[:, 0]
    g = np.column_stack([np.zeros(len(par)), par[:, 1 : kmax + 1]])
    eta = a[None, :, None] * k[None, None, :] * theta[:, None, None] + g[None]
    eta = np.where(k[None, None, :] <= items.ncat[None, :, None], eta, -np.inf)
    eta -= eta.max(axis=2, keepdims=True)
    p = np.exp(eta)
    p /= p.sum(axis=2, keepdims=True)
    mean = (p * k).sum(axis=2, keepdims=True)
    var = (p * (k - mean) ** 2).sum(axis=2, keepdims=True)
    d1 = a[None, :, None] * p * (k - mean)
    d2 = a[None, :, None] ** 2 * p * ((k - mean) ** 2 - var)
    three = items.is3pl
    if three.any():
        c = par[three, -1][None, :]
        f = p[:, three, 1]
        aa = a[three][None, :]
        p1 = c + (1 - c) * f
        s1 = (1 - c) * aa * f * (1 - f)
        s2 = s1 * aa * (1 - 2 * f)
        p[:, three, 1], p[:, three, 0] = p1, 1 - p1
        d1[:, three, 1], d1[:, three, 0] = s1, -s1
        d2[:, three, 1], d2[:, three, 0] = s2, -s2
    return p, d1, d2
