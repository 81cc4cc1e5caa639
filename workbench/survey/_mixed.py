"""Data preparation and pseudo-likelihood estimation for :func:`workbench.survey.mixed`.

Rows -> listwise-complete arrays sorted by school (design matrix per PV, conditional level-1
and level-2 weights), then per PV: school-level weighted sums, the profiled
pseudo-log-likelihood in lambda = tau2 / sigma2, and the schools' scores and Hessian blocks
for the sandwich. Formulas: see the Notes of :func:`workbench.survey.mixed`.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

__all__ = ["fit_one", "prepare"]


def _need(frame: pd.DataFrame, name: str, what: str) -> pd.Series:
    if name not in frame.columns:
        cols = ", ".join(map(str, list(frame.columns)[:12]))
        raise KeyError(f"mixed: no {what} column {name!r} in the data (columns: {cols}, ...).")
    return frame[name]


def prepare(frame, f, pv_map, group, w_pair, conditional, scaling) -> dict:
    """Listwise-complete rows sorted by school, X and y per PV, weights, school starts."""
    ys = [_need(frame, c, "outcome") for c in pv_map.get(f.outcome, [f.outcome])]
    y = np.column_stack([_numeric(s, f.outcome, outcome=True) for s in ys])
    gcol = _need(frame, group, "school (group)")
    valid = ~np.isnan(y).any(axis=1) & gcol.notna().to_numpy()
    cats: dict[str, pd.Series] = {}
    nums: dict[str, np.ndarray] = {}
    for name, cat in dict.fromkeys(fac for term in f.terms for fac in term):
        if cat:
            cats[name] = _need(frame, name, "predictor")
            valid &= cats[name].notna().to_numpy()
        else:
            cols = [_need(frame, c, "predictor") for c in pv_map.get(name, [name])]
            nums[name] = np.column_stack([_numeric(c, name, outcome=False) for c in cols])
            valid &= ~np.isnan(nums[name]).any(axis=1)
    m = max([y.shape[1]] + [v.shape[1] for v in nums.values()])
    rows = np.flatnonzero(valid)
    codes, schools = pd.factorize(gcol.to_numpy()[rows], sort=True)
    order = np.argsort(codes, kind="stable")
    rows, codes = rows[order], codes[order]
    cats = {k: v.to_numpy()[rows] for k, v in cats.items()}
    nums = {k: v[rows] for k, v in nums.items()}
    xs = [_design(f, cats, nums, k, rows.size) for k in range(m)]
    names = xs[0][1]
    xs = [x for x, _ in xs]
    w1c, w2 = _weights(frame, rows, codes, schools, w_pair, conditional, group)
    _check_schools(codes, schools, group, xs[0], names)
    if scaling == "cluster":
        w1c = w1c * (np.bincount(codes) / np.bincount(codes, weights=w1c))[codes]
    return {
        "x": xs,
        "y": [y[:, min(k, y.shape[1] - 1)][rows] for k in range(m)],
        "codes": codes,
        "w1": w1c,
        "w2": w2,
        "m": m,
        "names": names,
        "n": rows.size,
        "n_dropped": int(len(frame) - rows.size),
        "schools": np.asarray(schools),
        "starts": np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]),
    }


def _numeric(col: pd.Series, name: str, *, outcome: bool) -> np.ndarray:
    if pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col):
        return col.to_numpy(dtype=float, na_value=np.nan)
    what = "the outcome" if outcome else "predictor"
    fix = "recode it to numbers first" if outcome else f"wrap it in C({name}) for categories"
    raise ValueError(
        f"mixed: {what} {name!r} is not numeric (dtype {col.dtype}, values "
        f"{col.dropna().unique()[:4].tolist()}); {fix}."
    )


def _design(f, cats: dict, nums: dict, k: int, n: int):
    """X for PV k and R-style term names (treatment dummies, interactions as products)."""
    cols, names = [], []
    if f.intercept:
        cols.append(np.ones(n))
        names.append("(Intercept)")
    for i, term in enumerate(f.terms):
        full = not f.intercept and i == 0 and len(term) == 1 and term[0][1]
        combos = [([], [])]
        for name, cat in term:
            if cat:
                levels = sorted(pd.unique(cats[name]))
                use = levels if full else levels[1:]
                pc = [(cats[name] == lev).astype(float) for lev in use]
                pn = [f"C({name})[{_label(lev)}]" for lev in use]
            else:
                v = nums[name]
                pc, pn = [v[:, min(k, v.shape[1] - 1)]], [name]
            combos = [
                (cc + [c], nn + [nm]) for c, nm in zip(pc, pn, strict=True) for cc, nn in combos
            ]
        for cc, nn in combos:
            cols.append(np.prod(np.column_stack(cc), axis=1))
            names.append(":".join(nn))
    return (np.column_stack(cols) if cols else np.empty((n, 0))), names


def _label(level: object) -> object:
    if isinstance(level, float) and float(level).is_integer():
        return int(level)
    return level


def _weights(frame, rows, codes, schools, w_pair, conditional, group):
    n_j = len(schools)
    if w_pair is None:
        return np.ones(rows.size), np.ones(n_j)
    w1_name, w2_name = w_pair
    w1 = _need(frame, w1_name, "level-1 weight").to_numpy(dtype=float, na_value=np.nan)[rows]
    bad = ~(w1 > 0)
    if bad.any():
        ids = frame.index[rows[bad]][:5].tolist()
        raise ValueError(
            f"mixed: level-1 weight {w1_name!r} is missing or not positive for {bad.sum()} "
            f"student(s) (rows {ids}); drop them or fix the weights before fitting."
        )
    if w2_name is None:
        return w1, np.ones(n_j)
    w2row = _need(frame, w2_name, "school weight").to_numpy(dtype=float, na_value=np.nan)[rows]
    lo = np.full(n_j, np.inf)
    hi = np.full(n_j, -np.inf)
    np.minimum.at(lo, codes, np.where(np.isnan(w2row), -np.inf, w2row))
    np.maximum.at(hi, codes, np.where(np.isnan(w2row), np.inf, w2row))
    missing = ~(lo > 0) | ~np.isfinite(hi)
    if missing.any():
        raise ValueError(
            f"mixed: school weight {w2_name!r} is missing or not positive for {group} "
            f"{schools[missing][:10].tolist()}; give every school a weight, or leave those "
            "schools out (d.subset(...))."
        )
    varies = hi - lo > 1e-9 * hi
    if varies.any():
        raise ValueError(
            f"mixed: school weight {w2_name!r} varies inside {group} "
            f"{schools[varies][:10].tolist()}; a school weight must be one value per school."
        )
    w2 = hi
    return (w1 if conditional else w1 / w2[codes]), w2


def _check_schools(codes, schools, group, x0, names):
    counts = np.bincount(codes)
    if counts.size < 2:
        raise ValueError(
            f"mixed: the model needs at least two schools ({counts.size} {group} with data)."
        )
    single = schools[counts == 1]
    if single.size:
        warnings.warn(
            f"mixed: {single.size} school(s) have one student ({group} "
            f"{single[:10].tolist()}); kept: they inform the between-school variance "
            "through their mean only.",
            stacklevel=4,
        )
    n = x0.shape[0]
    if x0.shape[1] and (n <= x0.shape[1] or np.linalg.matrix_rank(x0) < x0.shape[1]):
        raise ValueError(
            f"mixed: the design matrix is rank deficient (terms {names}, {n} students); "
            "drop a collinear or constant term."
        )


# ---------------------------------------------------------------------- estimation
def _sums(prep: dict, k: int) -> dict:
    """School-level weighted sums for PV k: a, Sx, Sxx, Sy, Sxy, Syy (grouped numpy)."""
    x, y, w, st = prep["x"][k], prep["y"][k], prep["w1"], prep["starts"]
    wx = w[:, None] * x
    return {
        "a": np.add.reduceat(w, st),
        "sx": np.add.reduceat(wx, st, axis=0),
        "sxx": np.add.reduceat(wx[:, :, None] * x[:, None, :], st, axis=0),
        "sy": np.add.reduceat(w * y, st),
        "sxy": np.add.reduceat(wx * y[:, None], st, axis=0),
        "syy": np.add.reduceat(w * y * y, st),
    }


def _profile(lam: float, s: dict, wj: np.ndarray):
    """beta, sigma2 and the profiled log-likelihood at lambda = tau2 / sigma2."""
    a = s["a"]
    c = lam / (1 + a * lam)
    big_a = np.einsum("j,jpq->pq", wj, s["sxx"])
    big_a -= np.einsum("j,jp,jq->pq", wj * c, s["sx"], s["sx"])
    rhs = wj @ s["sxy"] - (wj * c * s["sy"]) @ s["sx"]
    beta = np.linalg.solve(big_a, rhs) if rhs.size else rhs
    q = s["syy"] - 2 * s["sxy"] @ beta + np.einsum("p,jpq,q->j", beta, s["sxx"], beta)
    ssum = s["sy"] - s["sx"] @ beta
    n_w = wj @ a
    sigma2 = wj @ (q - c * ssum**2) / n_w
    ll = wj @ (-a / 2 * np.log(2 * np.pi * sigma2) - 0.5 * np.log1p(a * lam)) - n_w / 2
    return beta, sigma2, ll


def fit_one(prep: dict, k: int):
    from scipy import optimize  # here, not at import: scipy.optimize takes 1-2 s to load

    s, wj = _sums(prep, k), prep["w2"]

    def neg(eta: float) -> float:
        return -_profile(np.exp(eta), s, wj)[2]

    grid = np.linspace(-20.0, 12.0, 33)
    vals = [neg(e) for e in grid]
    i = int(np.argmin(vals))
    res = optimize.minimize_scalar(
        neg,
        bounds=(grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]),
        method="bounded",
        options={"xatol": 1e-11},
    )
    eta = _polish(res.x, s, wj)
    lam = float(np.exp(eta))
    if _profile(0.0, s, wj)[2] >= _profile(lam, s, wj)[2]:
        lam = 0.0
    beta, sigma2, ll = _profile(lam, s, wj)
    tau2 = lam * sigma2
    scores, h_bb, h_vv = _derivatives(s, wj, beta, tau2, sigma2)
    p = beta.size
    inv_b = np.linalg.inv(-h_bb) if p else np.empty((0, 0))
    inv_v = np.linalg.inv(-h_vv)
    infl = np.hstack([scores[:, :p] @ inv_b, scores[:, p:] @ inv_v])
    model = np.zeros((p + 2, p + 2))
    model[:p, :p], model[p:, p:] = inv_b, inv_v
    return beta, np.array([tau2, sigma2]), ll, infl, model


def _polish(eta: float, s: dict, wj: np.ndarray) -> float:
    """Solve d l / d tau2 = 0 (envelope theorem: the profile's derivative) near ``eta``."""

    def score(e: float) -> float:
        lam = np.exp(e)
        beta, sigma2, _ = _profile(lam, s, wj)
        a = s["a"]
        mean = (s["sy"] - s["sx"] @ beta) / a
        v = sigma2 * (1 + a * lam)
        return float(wj @ (-a / (2 * v) + a**2 * mean**2 / (2 * v**2)))

    lo, hi = eta - 1e-3, eta + 1e-3
    if score(lo) > 0 > score(hi):
        from scipy import optimize

        return optimize.brentq(score, lo, hi, xtol=1e-14, rtol=4 * np.finfo(float).eps)
    return eta


def _derivatives(s: dict, wj: np.ndarray, beta, t: float, sg: float):
    """Per-school weighted scores (J, p+2) and the Hessian blocks (beta; tau2, sigma2)."""
    a = s["a"]
    ssum = s["sy"] - s["sx"] @ beta
    q = s["syy"] - 2 * s["sxy"] @ beta + np.einsum("p,jpq,q->j", beta, s["sxx"], beta)
    mean = ssum / a
    within = q - ssum * mean
    v = sg + a * t
    sxr = s["sxy"] - s["sxx"] @ beta
    g_b = (sxr - mean[:, None] * s["sx"]) / sg + (mean / v)[:, None] * s["sx"]
    g_t = -a / (2 * v) + a**2 * mean**2 / (2 * v**2)
    g_s = -(a - 1) / (2 * sg) + within / (2 * sg**2) - 1 / (2 * v) + a * mean**2 / (2 * v**2)
    scores = wj[:, None] * np.column_stack([g_b, g_t, g_s])
    outer = np.einsum("jp,jq->jpq", s["sx"], s["sx"])
    h_bb = -np.einsum("j,jpq->pq", wj, (s["sxx"] - outer / a[:, None, None]) / sg) - np.einsum(
        "j,jpq->pq", wj / (a * v), outer
    )
    h_tt = wj @ (a**2 / (2 * v**2) - a**3 * mean**2 / v**3)
    h_ts = wj @ (a / (2 * v**2) - a**2 * mean**2 / v**3)
    h_ss = wj @ ((a - 1) / (2 * sg**2) - within / sg**3 + 1 / (2 * v**2) - a * mean**2 / v**3)
    return scores, h_bb, np.array([[h_tt, h_ts], [h_ts, h_ss]])
