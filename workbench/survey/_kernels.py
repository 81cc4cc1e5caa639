"""Vectorized kernels: weighted sums, quantiles and model fits for all replicates at once.

The weights are a :class:`~workbench.survey._weights.Weights` (one contiguous row per weight,
read in place from the frame) or, for the model fits, an (n, R+1) array. Sums walk the cases
in chunks of ``CHUNK`` so that no (n, R+1) copy is made; no function loops over replicates
one case at a time.
"""

from __future__ import annotations

import numpy as np

from ._weights import CHUNK, Weights

__all__ = ["group_sums", "linear_fit", "logistic_fit", "quantile_buffer", "weighted_quantiles"]

#: above this many group x value columns a chunk's sums go through a sparse product
DENSE_COLUMNS = 64
#: floats of gathered weights held at once by the quantile kernel (4 MB)
QUANTILE_BLOCK = 2**19
#: cases per block of the quantile kernel's two-step search
SEARCH_BLOCK = 64


def group_sums(
    weights: Weights,
    codes: np.ndarray,
    n_groups: int,
    values: np.ndarray,
    *,
    totals: bool = False,
) -> np.ndarray:
    """Sum ``w * values`` within groups for every weight.

    Parameters
    ----------
    weights
        The design's R+1 weights.
    codes
        (n,) group code per row, -1 for rows outside every group (their values, NaN or
        not, are never read).
    n_groups
        Number of groups G.
    values
        (n, K) numbers or booleans.
    totals
        Also sum the weights themselves, as a last value column (K+1 columns out).

    Returns
    -------
    (G, K, R+1) array of weighted sums ((G, K+1, R+1) with ``totals``).

    Examples
    --------
    >>> import pandas as pd
    >>> w = Weights.from_frame(pd.DataFrame({"w": [1.0, 2, 3], "r": [0.0, 4, 3]}), ["w", "r"])
    >>> group_sums(w, np.array([0, 1, 0]), 2, np.full((3, 1), 2.0), totals=True)[1]
    array([[4., 8.],
           [2., 4.]])
    """
    k = values.shape[1] + int(totals)
    width = n_groups * k
    keep = np.flatnonzero(codes >= 0)
    out = np.zeros((weights.shape[0], width))
    size = min(keep.size, CHUNK)
    vals_buffer = np.ones(size * k)
    spread = np.empty(size * width) if 1 < n_groups and width <= DENSE_COLUMNS else None
    if n_groups > 1 and spread is None:
        from scipy import sparse  # only for many groups (1 s to load)
    for at, blocks in weights.chunks(keep):
        rows = keep[at]
        # the chunk's values as floats, with a column of ones for the totals
        vals = vals_buffer[: rows.size * k].reshape(rows.size, k)
        vals[:, : values.shape[1]] = values[rows]
        if n_groups == 1:
            for into, block in blocks:
                out[into] += block @ vals
            continue
        cols = codes[rows][:, None] * k + np.arange(k)
        if spread is None:
            local = np.repeat(np.arange(rows.size), k)
            mat = sparse.csr_array((vals.ravel(), (cols.ravel(), local)), shape=(width, rows.size))
            for into, block in blocks:
                out[into] += (mat @ block.T).T
            continue
        dense = spread[: rows.size * width].reshape(rows.size, width)
        dense.fill(0.0)
        np.put_along_axis(dense, cols, vals, axis=1)
        for into, block in blocks:
            out[into] += block @ dense
    return np.ascontiguousarray(out.T).reshape(n_groups, k, weights.shape[0])


def quantile_buffer(weights: Weights, cases: int) -> np.ndarray:
    """Scratch space for :func:`weighted_quantiles` on at most ``cases`` cases: allocate it
    once per call of the statistic and pass it to every group and PV, so that its memory is
    touched once (fresh memory is slow to touch in a new process).

    Examples
    --------
    >>> import pandas as pd
    >>> w = Weights.from_frame(pd.DataFrame({"w": [1.0, 1, 2], "r": [0.0, 2, 2]}), ["w", "r"])
    >>> quantile_buffer(w, 3).size
    128
    """
    width = _search_width(cases)
    return np.empty(max(min(weights.shape[0] * width, QUANTILE_BLOCK), width))


def _search_width(cases: int) -> int:
    """``cases`` rounded up to whole search blocks."""
    return -(-max(cases, 1) // SEARCH_BLOCK) * SEARCH_BLOCK


def weighted_quantiles(
    x: np.ndarray,
    weights: Weights,
    rows: np.ndarray,
    probs: np.ndarray,
    buffer: np.ndarray | None = None,
) -> np.ndarray:
    """Quantiles of ``x`` (the values of the cases ``rows``) under every weight: the inverse
    weighted ECDF.

    For each weight the quantile at p is the smallest ``x`` whose cumulative weight reaches
    ``p`` times the total (survey's ``qrule="math"``; rows with zero weight never count).
    The cases are sorted once; the weights are gathered in that order a few replicates at a
    time (at most ``QUANTILE_BLOCK`` floats, in ``buffer`` from :func:`quantile_buffer` when
    given). The crossing is found in two steps, with no cumulative sum over all cases (a
    running sum cannot be vectorised): the cumulative totals of blocks of ``SEARCH_BLOCK``
    cases find the block, one cumulative sum inside that block finds the case.

    Returns
    -------
    (P, R+1) array.

    Examples
    --------
    >>> import pandas as pd
    >>> w = Weights.from_frame(pd.DataFrame({"w": [1.0, 1, 2], "r": [0.0, 2, 2]}), ["w", "r"])
    >>> weighted_quantiles(np.array([3.0, 1.0, 2.0]), w, np.arange(3), np.array([0.5]))
    array([[2., 1.]])
    """
    order = np.argsort(x, kind="stable")
    xs = x[order]
    width = _search_width(x.size)
    # the cases in sorted order, padded to whole blocks (the padding's weights are zeroed)
    index = np.concatenate([rows[order], np.repeat(rows[order[-1:]], width - x.size)])
    total = weights.shape[0]
    if buffer is None:
        buffer = quantile_buffer(weights, x.size)
    per = max(1, min(total, buffer.size // width))
    out = np.empty((probs.size, total))
    for first in range(0, total, per):
        count = min(per, total - first)
        block = weights.gather(index, buffer[: count * width].reshape(count, width), first, count)
        block[:, x.size :] = 0.0
        cases = block.reshape(count, -1, SEARCH_BLOCK)
        ends = np.cumsum(cases @ np.ones(SEARCH_BLOCK), axis=1)  # (count, blocks) cumulated
        targets = probs[None, :] * ends[:, -1:]  # (count, P)
        # the first block whose cumulative total reaches the target, and the total before it
        at = np.minimum((ends[:, None, :] < targets[:, :, None]).sum(axis=2), ends.shape[1] - 1)
        mine = np.arange(count)[:, None]
        before = np.where(at > 0, ends[mine, np.maximum(at - 1, 0)], 0.0)
        inside = before[:, :, None] + np.cumsum(cases[mine, at], axis=2)  # (count, P, block)
        step = np.minimum((inside < targets[:, :, None]).sum(axis=2), SEARCH_BLOCK - 1)
        out[:, first : first + count] = xs[np.minimum(at * SEARCH_BLOCK + step, x.size - 1)].T
    return out


def _crossprod(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """X' diag(w_r) X for every column r of w: (R+1, p, p), through one BLAS product."""
    p = x.shape[1]
    z = (x[:, :, None] * x[:, None, :]).reshape(x.shape[0], p * p)
    # w.T @ z, not (z.T @ w).T: the same numbers, but the transposed product can be
    # 1000x slower in OpenBLAS on a busy machine (0.7 s vs 0.5 ms for 4,554 x 76)
    return (w.T @ z).reshape(w.shape[1], p, p)


def linear_fit(x: np.ndarray, y: np.ndarray, weights: Weights, rows: np.ndarray) -> np.ndarray:
    """Weighted least squares for every weight and every outcome column.

    x (c, p) and y (c, M) are the cases ``rows`` (increasing); X'WX and X'Wy of every weight
    are summed chunk by chunk in one product -> coefficients (p, M, R+1).

    Examples
    --------
    >>> import pandas as pd
    >>> w = Weights.from_frame(pd.DataFrame({"w": [1.0, 1, 1], "r": [2.0, 1, 0]}), ["w", "r"])
    >>> x = np.column_stack([np.ones(3), [0.0, 1, 2]])
    >>> linear_fit(x, np.array([[1.0], [3], [5]]), w, np.arange(3))[:, 0]
    array([[1., 1.],
           [2., 2.]])
    """
    p, m = x.shape[1], y.shape[1]
    sums = np.zeros((weights.shape[0], p * (p + m)))
    for at, blocks in weights.chunks(rows):
        xa = x[at]
        z = np.hstack(
            [
                (xa[:, :, None] * xa[:, None, :]).reshape(-1, p * p),
                (xa[:, :, None] * y[at][:, None, :]).reshape(-1, p * m),
            ]
        )
        for into, block in blocks:
            sums[into] += block @ z
    xtwx = sums[:, : p * p].reshape(-1, p, p)  # (R+1, p, p)
    xtwy = sums[:, p * p :].reshape(-1, p, m)  # (R+1, p, M)
    beta = np.linalg.solve(xtwx, xtwy)  # (R+1, p, M)
    return beta.transpose(1, 2, 0)


def logistic_fit(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, *, tol: float = 1e-12, max_iter: int = 100
) -> tuple[np.ndarray, int]:
    """Weighted logistic regression (Newton-Raphson = IRLS) for every weight column at once.

    x (n, p), y (n,) in {0, 1}, w (n, R+1) -> (coefficients (p, R+1), iterations used).
    Each column is scaled to sum 1, which leaves the maximum-likelihood estimate unchanged.
    """
    w = w / w.sum(axis=0)
    beta = np.zeros((x.shape[1], w.shape[1]))
    for it in range(1, max_iter + 1):
        eta = x @ beta
        mu = 1.0 / (1.0 + np.exp(-eta))
        grad = ((w * (y[:, None] - mu)).T @ x).T  # (p, R+1)
        hess = _crossprod(x, w * mu * (1.0 - mu))  # (R+1, p, p)
        step = np.linalg.solve(hess, grad.T[:, :, None])[:, :, 0].T
        beta = beta + step
        if np.max(np.abs(step) / (1.0 + np.abs(beta))) < tol:
            return beta, it
    return beta, max_iter
