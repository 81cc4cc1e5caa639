"""Estimators: each turns a design into a :class:`Raw` (K rows x M PVs x R+1 weights).

The public methods of :class:`workbench.survey.RepDesign` call these and then pass the
result through the single variance/Rubin routine in ``_variance``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._kernels import group_sums, quantile_buffer, weighted_quantiles
from ._variance import Raw

if TYPE_CHECKING:
    from ._design import RepDesign

__all__ = [
    "corr",
    "gap",
    "mean",
    "percent",
    "percent_at_or_above",
    "quantile",
    "std",
    "total",
]


def _as_list(variable: str | list[str]) -> list[str]:
    return [variable] if isinstance(variable, str) else list(variable)


def _key_frame(gkeys: pd.DataFrame, inner: pd.DataFrame) -> pd.DataFrame:
    """Cross groups (outer, G rows) with inner keys (L rows), group-major."""
    outer_at = np.repeat(np.arange(len(gkeys)), len(inner))
    inner_at = np.tile(np.arange(len(inner)), len(gkeys))
    columns = {c: _take(gkeys[c], outer_at) for c in gkeys.columns}
    columns |= {c: _take(inner[c], inner_at) for c in inner.columns}
    return pd.DataFrame(columns, index=pd.RangeIndex(outer_at.size))


def _take(column: pd.Series, at: np.ndarray):
    """``column``'s values at the positions ``at``: a numpy array for a numeric numpy column
    (fast to frame), else its extension array (dtype kept)."""
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "biuf":
        return column.to_numpy()[at]
    return column.array.take(at)


def _counts(d: RepDesign, codes: np.ndarray, n_groups: int, valid: np.ndarray):
    """Unweighted n and full-sample sum of weights per group for valid rows."""
    ok = valid & (codes >= 0)
    n = np.bincount(codes[ok], minlength=n_groups)
    sw = np.bincount(codes[ok], weights=d._weights.full[ok], minlength=n_groups)
    return n, sw


def _ratio_stat(d, variables, by, build, scale=1.0):
    """Shared path of mean / percent / percent_at_or_above: sum(w*v) / sum(w*valid).

    ``build(variable)`` returns (inner keys (L rows), values (n, L, M), numbers or booleans,
    read only where valid; valid (n,); is_pv).
    """
    gkeys, codes, n_groups = d._groups(by)
    keys, thetas, ns, sws, pvs = [], [], [], [], []
    m_max = d._m_max(variables)
    for var in variables:
        inner, vals, valid, is_pv = build(var)
        n_l, m = vals.shape[1], vals.shape[2]
        # numerators and denominators in one pass over the weights; invalid rows get code -1
        in_groups = np.where(valid, codes, -1)
        sums = group_sums(
            d._weights, in_groups, n_groups, vals.reshape(len(valid), n_l * m), totals=True
        )
        num, den = sums[:, :-1], sums[:, -1:]
        theta = scale * num.reshape(n_groups, n_l, m, -1) / den[:, :, None, :]
        n, sw = _counts(d, codes, n_groups, valid)
        thetas.append(_broadcast_pv(theta.reshape(n_groups * n_l, m, -1), m_max))
        keys.append(_key_frame(gkeys, inner))
        ns.append(np.repeat(n, n_l))
        sws.append(np.repeat(sw, n_l))
        pvs.append(is_pv)
    return _stack(gkeys, keys, thetas, ns, sws, any(pvs))


def _broadcast_pv(theta: np.ndarray, m_max: int) -> np.ndarray:
    """A non-PV statistic (M=1) repeated over the PVs of the call (zero imputation variance)."""
    if theta.shape[1] == m_max:
        return theta
    return np.repeat(theta, m_max, axis=1)


def _stack(gkeys, keys, thetas, ns, sws, pv) -> Raw:
    """Concatenate per-variable blocks, reorder group-major (group, variable, inner)."""
    if len(keys) == 1:  # one variable: already group-major
        return Raw(keys[0], thetas[0], ns[0], sws[0], pv)
    n_groups = len(gkeys)
    key = pd.concat(keys, ignore_index=True)
    theta = np.concatenate(thetas, axis=0)
    n = np.concatenate(ns)
    sw = np.concatenate(sws)
    sizes = [len(k) // n_groups for k in keys]
    starts = np.cumsum([0] + sizes[:-1]) * n_groups
    order = np.concatenate(
        [
            np.arange(s0 + g * s, s0 + (g + 1) * s)
            for g in range(n_groups)
            for s0, s in zip(starts, sizes, strict=True)
        ]
    )
    return Raw(key.iloc[order].reset_index(drop=True), theta[order], n[order], sw[order], pv)


def mean(d: RepDesign, variable, by) -> Raw:
    def build(var):
        y, is_pv = d._values(var)
        valid = ~np.isnan(y).any(axis=1)
        return pd.DataFrame({"variable": [var]}), y[:, None, :], valid, is_pv

    return _ratio_stat(d, _as_list(variable), by, build)


def percent(d: RepDesign, variable, by) -> Raw:
    def build(var):
        if var in d.pvs:
            raise ValueError(
                f"RepDesign.percent: {var!r} is a plausible-value scale; use "
                "percent_at_or_above(variable, cutpoints) for score levels."
            )
        col = d._column(var, caller="RepDesign.percent")
        valid = col.notna().to_numpy()
        cats = np.sort(col.dropna().unique())
        codes = pd.Categorical(col, categories=cats).codes
        ind = codes[:, None] == np.arange(len(cats))
        inner = pd.DataFrame({"variable": var, "category": cats})
        return inner, ind[:, :, None], valid, False

    return _ratio_stat(d, _as_list(variable), by, build, scale=100.0)


def percent_at_or_above(d: RepDesign, variable, cutpoints, by) -> Raw:
    cuts = np.atleast_1d(np.asarray(cutpoints, dtype=float))

    def build(var):
        y, is_pv = d._values(var)
        valid = ~np.isnan(y).any(axis=1)
        ind = y[:, None, :] >= cuts[None, :, None]
        return pd.DataFrame({"variable": var, "cutpoint": cuts}), ind, valid, is_pv

    return _ratio_stat(d, _as_list(variable), by, build, scale=100.0)


def total(d: RepDesign, variable, by) -> Raw:
    gkeys, codes, n_groups = d._groups(by)
    variables = _as_list(variable)
    m_max = d._m_max(variables)
    keys, thetas, ns, sws, pv = [], [], [], [], False
    for var in variables:
        y, is_pv = d._values(var)
        valid = ~np.isnan(y).any(axis=1)
        theta = group_sums(d._weights, codes, n_groups, np.where(valid[:, None], y, 0.0))
        n, sw = _counts(d, codes, n_groups, valid)
        keys.append(_key_frame(gkeys, pd.DataFrame({"variable": [var]})))
        thetas.append(_broadcast_pv(theta, m_max))
        ns.append(n)
        sws.append(sw)
        pv = pv or is_pv
    return _stack(gkeys, keys, thetas, ns, sws, pv)


def _moments(d, codes, n_groups, cols, valid):
    """Centred weighted sums for second moments of the columns in ``cols`` (each (n, M)).

    Returns (sum w, list of centred columns, sums of w * products) for each pair.
    """
    mask = valid[:, None].astype(float)
    s0 = group_sums(d._weights, codes, n_groups, mask)[:, 0, :]  # (G, R+1)
    centred = []
    for y in cols:
        y0 = np.where(valid[:, None], y, 0.0)
        full = group_sums(d._weights.full_only(), codes, n_groups, y0)[:, :, 0]
        full = full / s0[:, :1]  # (G, M)
        shift = np.where((codes >= 0)[:, None], full[np.maximum(codes, 0)], 0.0)
        centred.append(np.where(valid[:, None], y0 - shift, 0.0))
    return s0, centred


def std(d: RepDesign, variable, by) -> Raw:
    gkeys, codes, n_groups = d._groups(by)
    variables = _as_list(variable)
    m_max = d._m_max(variables)
    keys, thetas, ns, sws, pv = [], [], [], [], False
    for var in variables:
        y, is_pv = d._values(var)
        valid = ~np.isnan(y).any(axis=1)
        s0, (yc,) = _moments(d, codes, n_groups, [y], valid)
        s1 = group_sums(d._weights, codes, n_groups, yc)  # (G, M, R+1)
        s2 = group_sums(d._weights, codes, n_groups, yc * yc)
        n, sw = _counts(d, codes, n_groups, valid)
        factor = (n / (n - 1.0))[:, None, None]
        var_r = factor * (s2 - s1 * s1 / s0[:, None, :]) / s0[:, None, :]
        keys.append(_key_frame(gkeys, pd.DataFrame({"variable": [var]})))
        thetas.append(_broadcast_pv(np.sqrt(var_r), m_max))
        ns.append(n)
        sws.append(sw)
        pv = pv or is_pv
    return _stack(gkeys, keys, thetas, ns, sws, pv)


def corr(d: RepDesign, variables, by) -> Raw:
    variables = _as_list(variables)
    if len(variables) < 2:
        raise ValueError(
            f"RepDesign.corr: need at least two variables ({variables!r}); pass a list "
            "such as ['math', 'books']."
        )
    gkeys, codes, n_groups = d._groups(by)
    m_max = d._m_max(variables)
    keys, thetas, ns, sws, pv = [], [], [], [], False
    for i, a in enumerate(variables):
        for b in variables[i + 1 :]:
            ya, pa = d._values(a)
            yb, pb = d._values(b)
            valid = ~(np.isnan(ya).any(axis=1) | np.isnan(yb).any(axis=1))
            ya, yb = (np.repeat(y, m_max // y.shape[1], axis=1) for y in (ya, yb))
            s0, (ca, cb) = _moments(d, codes, n_groups, [ya, yb], valid)
            products = np.hstack([ca, cb, ca * ca, cb * cb, ca * cb])
            sums = group_sums(d._weights, codes, n_groups, products)
            sa, sb, saa, sbb, sab = np.split(sums, 5, axis=1)
            inv = 1.0 / s0[:, None, :]
            cov = sab - sa * sb * inv
            r = cov / np.sqrt((saa - sa * sa * inv) * (sbb - sb * sb * inv))
            n, sw = _counts(d, codes, n_groups, valid)
            keys.append(_key_frame(gkeys, pd.DataFrame({"variable": [a], "with": [b]})))
            thetas.append(r)
            ns.append(n)
            sws.append(sw)
            pv = pv or pa or pb
    return _stack(gkeys, keys, thetas, ns, sws, pv)


def quantile(d: RepDesign, variable, probs, by) -> Raw:
    probs = np.atleast_1d(np.asarray(probs, dtype=float))
    if np.any((probs < 0) | (probs > 1)):
        raise ValueError(
            f"RepDesign.quantile: probabilities must lie in [0, 1] ({probs.tolist()}); "
            "give e.g. [0.1, 0.5, 0.9]."
        )
    gkeys, codes, n_groups = d._groups(by)
    variables = _as_list(variable)
    m_max = d._m_max(variables)
    keys, thetas, ns, sws, pv = [], [], [], [], False
    for var in variables:
        y, is_pv = d._values(var)
        valid = ~np.isnan(y).any(axis=1)
        theta = np.full((n_groups, probs.size, y.shape[1], d._weights.shape[0]), np.nan)
        buffer = quantile_buffer(d._weights, int(np.count_nonzero(valid)))
        for g in range(n_groups):
            rows = np.flatnonzero(valid & (codes == g))
            if rows.size == 0:
                continue
            for m in range(y.shape[1]):
                theta[g, :, m, :] = weighted_quantiles(y[rows, m], d._weights, rows, probs, buffer)
        n, sw = _counts(d, codes, n_groups, valid)
        keys.append(_key_frame(gkeys, pd.DataFrame({"variable": var, "quantile": probs})))
        theta = theta.reshape(n_groups * probs.size, y.shape[1], -1)
        thetas.append(_broadcast_pv(theta, m_max))
        ns.append(np.repeat(n, probs.size))
        sws.append(np.repeat(sw, probs.size))
        pv = pv or is_pv
    return _stack(gkeys, keys, thetas, ns, sws, pv)


_GAP_STATS = ("mean", "total", "std", "percent", "percent_at_or_above", "quantile")


def gap(d: RepDesign, variable: str, by: str, statistic: str, reference, **kwargs) -> Raw:
    if statistic not in _GAP_STATS:
        raise ValueError(
            f"RepDesign.gap: unknown statistic ({statistic!r}); use one of {', '.join(_GAP_STATS)}."
        )
    if not isinstance(by, str):
        raise TypeError(f"RepDesign.gap: by must be one column name ({by!r}); pass a string.")
    raw = globals()[statistic](d, variable, by=by, **kwargs)
    gkeys = d._groups(by)[0]
    levels = gkeys[by].tolist()
    if len(levels) < 2:
        raise ValueError(
            f"RepDesign.gap: by={by!r} has fewer than two groups in the domain ({levels}); "
            "a gap needs two."
        )
    ref = levels[0] if reference is None else reference
    if ref not in levels:
        raise KeyError(
            f"RepDesign.gap: reference {reference!r} is not a level of {by!r} ({levels}); "
            "pick one of those levels."
        )
    per = len(raw.keys) // len(levels)
    theta = raw.theta.reshape(len(levels), per, *raw.theta.shape[1:])
    n = raw.n.reshape(len(levels), per)
    sw = raw.sum_weights.reshape(len(levels), per)
    inner = raw.keys.iloc[:per].drop(columns=[by]).reset_index(drop=True)
    r = levels.index(ref)
    others = [i for i in range(len(levels)) if i != r]
    keys = pd.concat(
        [
            pd.concat(
                [pd.DataFrame({by: [levels[i]] * per, "reference": [ref] * per}), inner], axis=1
            )
            for i in others
        ],
        ignore_index=True,
    )
    return Raw(
        keys,
        np.concatenate([theta[i] - theta[r] for i in others]),
        np.concatenate([n[i] + n[r] for i in others]),
        np.concatenate([sw[i] + sw[r] for i in others]),
        raw.pv,
    )
