"""Conditional maximum likelihood (CML) for the Rasch and partial credit models.

The engine behind :mod:`workbench.psychometrics.rasch`. Persons are grouped by their pattern
of administered items (as eRm groups them by NA pattern); within a pattern the likelihood of a
response vector given its raw score uses the elementary symmetric functions (ESF) of the
administered items only, so rotated-booklet designs need no imputation. The ESF are built by
polynomial multiplication over items, vectorised over patterns; the gradient comes from one
backward (adjoint) pass over the same recursion and the exact Hessian from one forward sweep
of the parameters' tangents, so Newton-Raphson needs a handful of passes and no differencing.

Parameters follow eRm: ``beta[k]`` is the easiness of category ``h >= 1`` of an item
(P(X = h) proportional to exp(h * theta + beta_ih)); the free parameters ``eta`` are
``beta[1:]`` with ``beta[0] = -sum(eta)`` (eRm's ``sum0 = TRUE`` design matrix).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_CHUNK = 512


@dataclass(frozen=True, eq=False)
class Design:
    """Sufficient statistics of a score matrix for CML."""

    patterns: np.ndarray  # G x I, bool: administered
    counts: np.ndarray  # G x (R + 1): persons per raw score within the pattern
    suff: np.ndarray  # K: persons scoring exactly h on item i
    item_of: np.ndarray  # K: item index of each parameter
    cat_of: np.ndarray  # K: category (1..m_i) of each parameter
    m: np.ndarray  # I: maximum score


def prepare(x: np.ndarray, m: np.ndarray) -> tuple[Design, np.ndarray]:
    """Group persons by missing pattern and count raw scores; returns (design, pattern id)."""
    mask = ~np.isnan(x)
    packed = np.packbits(mask, axis=1)
    keys = np.ascontiguousarray(packed).view(np.dtype((np.void, packed.shape[1]))).ravel()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    patterns = mask[first]
    raw = np.nansum(x, axis=1).astype(int)
    counts = np.zeros((len(patterns), int(m.sum()) + 1))
    np.add.at(counts, (inverse.ravel(), raw), 1)
    item_of = np.repeat(np.arange(len(m)), m)
    cat_of = np.concatenate([np.arange(1, k + 1) for k in m])
    suff = np.array([np.sum(x[:, i] == h) for i, h in zip(item_of, cat_of, strict=True)], float)
    design = Design(patterns, counts, suff, item_of, cat_of, m)
    return design, inverse.ravel()


def loglik_grad_hess(beta: np.ndarray, d: Design) -> tuple[float, np.ndarray, np.ndarray]:
    """Conditional log-likelihood, gradient and analytic Hessian in ``beta`` (one pass)."""
    k = len(beta)
    total, grad, hess = float(d.suff @ beta), d.suff.copy(), np.zeros((k, k))
    for start in range(0, len(d.patterns), _CHUNK):
        part = slice(start, start + _CHUNK)
        ll, g, h = _chunk(beta, d, d.patterns[part], d.counts[part])
        total -= ll
        grad -= g
        hess -= h
    return total, grad, hess


def _poly(beta: np.ndarray, d: Design, patterns: np.ndarray) -> np.ndarray:
    """Item polynomials per pattern: P[g, i, h] = exp(beta_ih) if administered, P[., ., 0] = 1."""
    top = int(d.m.max())
    p = np.zeros((len(patterns), len(d.m), top + 1))
    p[:, :, 0] = 1.0
    p[:, d.item_of, d.cat_of] = patterns[:, d.item_of] * np.exp(beta)
    return p


def _times_item(a: np.ndarray, p_i: np.ndarray, m_i: int) -> np.ndarray:
    """Multiply the score polynomials ``a[..., g, r]`` by one item's polynomial ``p_i[g, h]``."""
    out = a * p_i[:, :1]
    for h in range(1, m_i + 1):
        out[..., h:] += a[..., :-h] * p_i[:, h : h + 1]
    return out


def _chunk(beta, d, patterns, counts) -> tuple[float, np.ndarray, np.ndarray]:
    """Log-likelihood, gradient and Hessian of ``sum counts * log gamma`` for some patterns.

    ``gamma`` (the ESF) is built forward over items; ``back[i]`` (the adjoint) backward, so
    that d gamma-weighted sum / d beta_ih = sum_t prefix[i]_t p_ih back[i + 1]_(t + h). The
    Hessian carries ``tangent[(i, h)]`` = d prefix / d beta_ih forward over the later items
    (second-order adjoint): all pairs of parameters in one sweep, no differencing.
    """
    p = _poly(beta, d, patterns)
    n_items, size, top, k = len(d.m), counts.shape[1], int(d.m.max()), len(beta)
    offsets = np.concatenate([[0], np.cumsum(d.m)])
    prefix = np.zeros((n_items + 1, len(patterns), size))
    prefix[0, :, 0] = 1.0
    for i in range(n_items):
        prefix[i + 1] = _times_item(prefix[i], p[:, i], d.m[i])
    gamma = prefix[n_items]
    used = counts > 0
    safe = np.where(used, gamma, 1.0)
    ll = float(np.sum(counts[used] * np.log(gamma[used])))
    weight = np.where(used, counts / safe, 0.0)
    back = np.zeros((n_items + 1, len(patterns), size + top))
    back[n_items, :, :size] = weight
    for i in range(n_items - 1, -1, -1):
        shifted = back[i + 1, :, :size] * p[:, i, :1]
        for h in range(1, d.m[i] + 1):
            shifted += back[i + 1, :, h : h + size] * p[:, i, h : h + 1]
        back[i, :, :size] = shifted
    grad = np.zeros(k)
    hess = np.zeros((k, k))
    tangent = np.zeros((k, len(patterns), size))
    for i in range(n_items):
        for h in range(1, d.m[i] + 1):
            j = offsets[i] + h - 1
            inner = back[i + 1, :, h : h + size] * p[:, i, h : h + 1]
            grad[j] = np.sum(prefix[i] * inner)
            hess[: offsets[i], j] = np.einsum("kgt,gt->k", tangent[: offsets[i]], inner)
        tangent[: offsets[i]] = _times_item(tangent[: offsets[i]], p[:, i], d.m[i])
        for h in range(1, d.m[i] + 1):
            tangent[offsets[i] + h - 1] = 0.0
            tangent[offsets[i] + h - 1, :, h:] = prefix[i][:, :-h] * p[:, i, h : h + 1]
    hess = hess + hess.T + np.diag(grad)
    dgamma = tangent.reshape(k, -1)
    hess -= (dgamma * (counts / safe**2).ravel()) @ dgamma.T
    return ll, grad, hess


def eta_to_beta(eta: np.ndarray) -> np.ndarray:
    """eRm's sum-zero design: beta = (-sum(eta), eta)."""
    return np.concatenate([[-eta.sum()], eta])


def _negll(eta: np.ndarray, d: Design) -> tuple[float, np.ndarray, np.ndarray]:
    """Negative log-likelihood, gradient and Hessian in ``eta`` (``beta = W eta``)."""
    ll, g, h = loglik_grad_hess(eta_to_beta(eta), d)
    w = np.vstack([-np.ones(len(eta)), np.eye(len(eta))])
    return -ll, -(w.T @ g), -(w.T @ h @ w)


def fit(d: Design, *, tol: float = 1e-10, max_iter: int = 100) -> dict:
    """Maximise the conditional likelihood by Newton-Raphson with the analytic Hessian.

    The CML log-likelihood is concave, so Newton from zero converges in a few steps; a step
    that lowers the likelihood is halved. Stops when the largest gradient is below ``tol``.
    """
    eta = np.zeros(len(d.suff) - 1)
    value, grad, hess = _negll(eta, d)
    steps = 0
    while np.max(np.abs(grad), initial=0.0) >= tol and steps < max_iter:
        step = np.linalg.solve(hess, grad)
        for _ in range(30):
            trial = _negll(eta - step, d)
            if trial[0] <= value + 1e-12 * abs(value):
                break
            step = step / 2
        eta, (value, grad, hess) = eta - step, trial
        steps += 1
        if np.max(np.abs(step)) < 1e-14:
            break
    converged = bool(np.max(np.abs(grad), initial=0.0) < 1e-6 and np.all(np.isfinite(eta)))
    return {
        "eta": eta,
        "beta": eta_to_beta(eta),
        "loglik": -value,
        "hessian": hess,
        "iterations": steps,
        "converged": converged,
    }


def category_probs(theta: np.ndarray, beta: np.ndarray, d: Design) -> np.ndarray:
    """P(X_i = h | theta): array n x I x (max m + 1); categories above m_i get 0."""
    top = int(d.m.max())
    logit = np.full((len(theta), len(d.m), top + 1), -np.inf)
    logit[:, :, 0] = 0.0
    logit[:, d.item_of, d.cat_of] = d.cat_of * theta[:, None] + beta
    logit -= logit.max(axis=2, keepdims=True)
    p = np.exp(logit)
    return p / p.sum(axis=2, keepdims=True)


def moments(theta: np.ndarray, beta: np.ndarray, d: Design) -> tuple[np.ndarray, ...]:
    """Expected score, variance, 3rd and 4th central moments per person and item (n x I)."""
    p = category_probs(theta, beta, d)
    h = np.arange(p.shape[2])
    e = p @ h
    dev = h[None, None, :] - e[:, :, None]
    return e, np.sum(dev**2 * p, axis=2), np.sum(dev**3 * p, axis=2), np.sum(dev**4 * p, axis=2)


def person_estimates(
    raw: np.ndarray, admin: np.ndarray, beta: np.ndarray, d: Design, *, wle: bool
) -> tuple[np.ndarray, np.ndarray]:
    """ML or Warm WLE ability for each (raw score, administered mask) row; SE = 1/sqrt(info).

    Solved once per distinct (mask, raw score). ML is NaN for extreme scores (0 or the
    maximum of the administered items).
    """
    keys, inverse = np.unique(np.column_stack([admin, raw]), axis=0, return_inverse=True)
    u_admin, u_raw = keys[:, :-1].astype(bool), keys[:, -1]
    top = u_admin @ d.m
    extreme = (u_raw == 0) | (u_raw == top)
    solve = ~extreme if not wle else np.ones(len(keys), bool)
    theta = np.zeros(len(keys))
    for _ in range(200):
        e, v, k3, _k4 = moments(theta[solve], beta, d)
        a = u_admin[solve]
        info = np.sum(v * a, axis=1)
        score = u_raw[solve] - np.sum(e * a, axis=1)
        if wle:
            score = score + np.sum(k3 * a, axis=1) / (2 * info)
        step = np.clip(score / info, -1.0, 1.0)
        theta[solve] += step
        if step.size == 0 or np.max(np.abs(step)) < 1e-11:
            break
    _e, v, _k3, _k4 = moments(theta, beta, d)
    se = 1 / np.sqrt(np.sum(v * u_admin, axis=1))
    if not wle:
        theta, se = np.where(extreme, np.nan, theta), np.where(extreme, np.nan, se)
    inverse = inverse.ravel()
    return theta[inverse], se[inverse]
