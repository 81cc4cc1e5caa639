"""Bock-Aitkin EM machinery: E-step, population update, standard errors, RMSD (private)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from workbench.psychometrics.irt._model import (
    ItemSet,
    gradient_information,
    log_likelihood,
    probabilities,
    safe_log,
)


@dataclass
class EMData:
    """Everything the E-step needs that does not change between iterations."""

    onehot: list[np.ndarray]  # (N, J) per category
    present: np.ndarray  # (N, J) bool: the response counts
    groups: np.ndarray  # (N,) group index
    weight: np.ndarray  # (N,) weights scaled to sum to N
    theta: np.ndarray  # (Q,) nodes


def log_prior(theta: np.ndarray, mean: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """Discrete normal prior on the grid, ``(G, Q)`` log weights summing to one per row."""
    z = -0.5 * ((theta[None, :] - mean[:, None]) / sd[:, None]) ** 2
    return z - logsumexp(z, axis=1, keepdims=True)


def posterior(loglik: np.ndarray, logprior: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Posterior weights ``(N, Q)`` and each person's marginal log-likelihood ``(N,)``."""
    joint = loglik + logprior
    marginal = logsumexp(joint, axis=1)
    return np.exp(joint - marginal[:, None]), marginal


def expected_counts(data: EMData, post: np.ndarray) -> np.ndarray:
    """``r[j, k, q]``: expected number of responses in category k at node q."""
    weighted = post * data.weight[:, None]
    return np.stack([oh.T @ weighted for oh in data.onehot], axis=1)


def e_step(
    items: ItemSet, data: EMData, logprior: np.ndarray
) -> tuple[np.ndarray, np.ndarray, float, np.ndarray]:
    """Log-likelihood matrix, posterior, total marginal log-likelihood, expected counts."""
    loglik = log_likelihood(data.onehot, safe_log(probabilities(items, data.theta)))
    post, marginal = posterior(loglik, logprior[data.groups])
    return loglik, post, float(data.weight @ marginal), expected_counts(data, post)


def update_population(
    data: EMData,
    post: np.ndarray,
    mean: np.ndarray,
    sd: np.ndarray,
    free_mean: np.ndarray,
    free_sd: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Normal population per group from the posterior moments (weighted)."""
    m1 = post @ data.theta
    m2 = post @ data.theta**2
    mean, sd = mean.copy(), sd.copy()
    for g in range(len(mean)):
        sel = data.groups == g
        w = data.weight[sel] / data.weight[sel].sum()
        mu = float(w @ m1[sel])
        if free_mean[g]:
            mean[g] = mu
        if free_sd[g]:
            sd[g] = np.sqrt(max(float(w @ m2[sel]) - mean[g] ** 2, 1e-4))
    return mean, sd


def oakes_covariance(
    items: ItemSet,
    data: EMData,
    free: np.ndarray,
    loglik: np.ndarray,
    post: np.ndarray,
    r: np.ndarray,
    logprior: np.ndarray,
    c_prior: tuple[float, float] | None,
    h: float = 1e-4,
) -> np.ndarray:
    """Covariance of the free item parameters from the observed information.

    The observed-data score equals the complete-data score at the posterior of the same
    parameters (Fisher's identity); differentiating it numerically (central differences,
    re-running the E-step for the persons who took the perturbed item) gives the observed
    information of Oakes (1999). The population parameters are held at their estimates.
    """
    index = np.argwhere(free)
    hess = np.empty((len(index), len(index)))
    col = 0
    for j in range(len(items.par)):
        local = _Local(data, j, loglik, post, logprior)
        for p in np.flatnonzero(free[j]):
            sides = []
            for step in (h, -h):
                par = items.par.copy()
                par[j, p] += step
                moved = items.with_par(par)
                grad, _ = gradient_information(
                    moved, local.counts(moved, items, r), data.theta, free, c_prior, False
                )
                sides.append(grad[free])
            hess[:, col] = (sides[0] - sides[1]) / (2 * h)
            col += 1
    info = -(hess + hess.T) / 2
    return np.linalg.pinv(info)


class _Local:
    """The persons who took item j, and the items they took: what a change of j moves."""

    def __init__(
        self, data: EMData, j: int, loglik: np.ndarray, post: np.ndarray, logprior: np.ndarray
    ) -> None:
        rows = np.flatnonzero(data.present[:, j])
        self.cols = np.flatnonzero(data.present[rows].any(axis=0))
        self.j, self.theta = j, data.theta
        self.own = [oh[rows, j][:, None] for oh in data.onehot]
        self.onehot = [oh[np.ix_(rows, self.cols)] for oh in data.onehot]
        self.loglik, self.post = loglik[rows], post[rows]
        self.logprior = logprior[data.groups[rows]]
        self.weight = data.weight[rows, None]

    def counts(self, moved: ItemSet, items: ItemSet, r: np.ndarray) -> np.ndarray:
        j, k = self.j, len(self.own)
        old = _pad(safe_log(probabilities(_one(items, j), self.theta))[0], k)
        new = _pad(safe_log(probabilities(_one(moved, j), self.theta))[0], k)
        change = sum(own * (new[c] - old[c]) for c, own in enumerate(self.own))
        joint = self.loglik + change + self.logprior
        joint = np.exp(joint - joint.max(axis=1, keepdims=True))
        diff = (joint / joint.sum(axis=1, keepdims=True) - self.post) * self.weight
        out = r.copy()
        out[self.cols] += np.stack([oh.T @ diff for oh in self.onehot], axis=1)
        return out


def _pad(logp: np.ndarray, categories: int) -> np.ndarray:
    out = np.full((categories, logp.shape[1]), np.log(1e-300))
    out[: len(logp)] = logp
    return out


def _one(items: ItemSet, j: int) -> ItemSet:
    return ItemSet((items.ids[j],), (items.models[j],), items.ncat[[j]], items.par[[j]])


def rmsd(items: ItemSet, r: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """Root mean squared deviation between pseudo-observed and model item curves.

    For each item, ``sqrt(sum_q f_q (O_q - E_q)^2)`` with ``f_q`` the posterior share of the
    item's respondents at node q, ``O_q`` the posterior-weighted observed and ``E_q`` the model
    expected score divided by the maximum score (the ICC for a dichotomous item).
    """
    prob = probabilities(items, theta)
    k = np.arange(prob.shape[1])[None, :, None]
    n = r.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        observed = (r * k).sum(axis=1) / n
    expected = (prob * k).sum(axis=1)
    f = n / n.sum(axis=1, keepdims=True)
    dev = np.where(n > 0, (observed - expected) ** 2, 0.0)
    return np.sqrt((f * dev).sum(axis=1)) / items.ncat
