"""Replicate estimates of regression models: coefficients and R² (K rows x M PVs x R+1).

Stage: results & comparative analysis. Called by :class:`workbench.survey.RepDesign`
(``regress``, ``logit``, ``r_squared``, ``wald``); the variance, Rubin and df path is the
design's ``_finish`` / ``_combine``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._formula import Formula, parse_formula
from ._kernels import linear_fit, logistic_fit
from ._variance import Raw

if TYPE_CHECKING:
    from ._design import RepDesign

__all__ = ["model"]

_CALLER = {"linear": "RepDesign.regress", "logit": "RepDesign.logit", "r2": "RepDesign.r_squared"}


def model(d: RepDesign, formula: str, by, family: str, *, caller: str | None = None) -> Raw:
    """Coefficients (``family`` "linear" / "logit") or R² (``family="r2"``) per group."""
    caller = caller or _CALLER[family]
    f = parse_formula(formula, caller=caller)
    gkeys, codes, n_groups = d._groups(by)
    cats = {name for term in f.terms for name, cat in term if cat}
    vals, valid = _values(d, f, cats, caller)
    y_out, out_pv = vals[f.outcome]
    pred_pv = any(vals[v][1] for v in f.variables[1:] if v in vals)
    m_max = d._m_max([v for v in f.variables if v in vals])
    per_pv = pred_pv or family == "logit" or (family == "r2" and out_pv)
    keys, thetas, ns, sws = [], [], [], []
    for g in range(n_groups):
        rows = np.flatnonzero(valid & (codes == g))
        # logit and R² need every weight of every case; the linear fit sums in chunks
        wg = d._weights.take(rows) if family != "linear" else None
        if family == "logit":
            _check_binary(y_out[rows], f.outcome)
        blocks = []
        for m in range(m_max if per_pv else 1):
            x, names = design_matrix(d, f, rows, m, vals, caller)
            _check_rank(x, names, caller)
            yy = y_out[rows] if not per_pv else y_out[rows, [min(m, y_out.shape[1] - 1)]]
            yy = yy.reshape(rows.size, -1)
            if family == "logit":
                beta, _ = logistic_fit(x, yy[:, 0], wg)
                blocks.append(beta[:, None, :])
            else:
                beta = linear_fit(x, yy, d._weights, rows)  # (p, M', R+1)
                blocks.append(beta if family == "linear" else _r2(x, yy, wg, beta))
        if family == "r2":
            names = ["R2"]
        theta = np.concatenate(blocks, axis=1)
        theta = np.repeat(theta, m_max // theta.shape[1], axis=1)
        keys.append(
            pd.concat(
                [
                    gkeys.iloc[[g] * len(names)].reset_index(drop=True),
                    pd.DataFrame({"variable": f.outcome, "term": names}),
                ],
                axis=1,
            )
        )
        thetas.append(theta)
        ns.append(np.full(len(names), rows.size))
        sws.append(np.full(len(names), d._weights.full[rows].sum()))
    key = pd.concat(keys, ignore_index=True)
    if family == "r2":
        key = key.drop(columns="term")
    return Raw(
        key,
        np.concatenate(thetas, axis=0),
        np.concatenate(ns),
        np.concatenate(sws),
        out_pv or pred_pv,
    )


def _values(d: RepDesign, f: Formula, cats: set[str], caller: str):
    """Numeric values of non-categorical variables and the listwise-complete row mask."""
    vals: dict[str, tuple[np.ndarray, bool]] = {}
    valid = np.ones(len(d.data), dtype=bool)
    numeric = {f.outcome} | {n for term in f.terms for n, cat in term if not cat}
    for name in f.variables:
        if name in numeric:
            vals[name] = _numeric(d, name, caller, outcome=name == f.outcome)
            valid &= ~np.isnan(vals[name][0]).any(axis=1)
        if name in cats:
            valid &= d._column(name, caller=caller).notna().to_numpy()
    return vals, valid


def _numeric(d: RepDesign, name: str, caller: str, *, outcome: bool):
    if name not in d.pvs:
        col = d._column(name, caller=caller)
        if not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)):
            what = "the outcome" if outcome else "predictor"
            fix = (
                "recode it to numbers first"
                if outcome
                else f"wrap it in C({name}) for a categorical predictor"
            )
            raise ValueError(
                f"{caller}: {what} {name!r} is not numeric (dtype {col.dtype}); {fix}."
            )
    return d._values(name)


def _label(level: object) -> object:
    if isinstance(level, float) and float(level).is_integer():
        return int(level)
    return level


def _factor_columns(d, name, cat, rows, m, vals, caller, full):
    """Columns and names of one factor: numeric column, or treatment dummies."""
    if not cat:
        y = vals[name][0]
        return [y[rows, min(m, y.shape[1] - 1)]], [name]
    col = d._column(name, caller=caller).to_numpy()[rows]
    levels = sorted(pd.unique(col))
    use = levels if full else levels[1:]
    return [(col == lev).astype(float) for lev in use], [f"C({name})[{_label(lev)}]" for lev in use]


def design_matrix(d, f: Formula, rows: np.ndarray, m: int, vals, caller: str):
    """Columns of X for plausible value m (0-based) on ``rows``, and their R-style names.

    Interaction columns are products of the factors' columns, the first factor varying
    fastest (R's order); without an intercept the first categorical main effect gets a
    dummy for every level (as R does).
    """
    cols, names = [], []
    if f.intercept:
        cols.append(np.ones(rows.size))
        names.append("(Intercept)")
    for i, term in enumerate(f.terms):
        full = not f.intercept and i == 0 and len(term) == 1 and term[0][1]
        parts = [_factor_columns(d, n, c, rows, m, vals, caller, full) for n, c in term]
        combos = [([], [])]
        for pc, pn in parts:
            combos = [
                (cc + [c], nn + [n]) for c, n in zip(pc, pn, strict=True) for cc, nn in combos
            ]
        for cc, nn in combos:
            cols.append(np.prod(np.column_stack(cc), axis=1))
            names.append(":".join(nn))
    return np.column_stack(cols), names


def _r2(x: np.ndarray, y: np.ndarray, w: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Weighted R² = 1 - sum w e² / sum w (y - ybar_w)² for every PV and weight: (1, M, R+1)."""
    p, m, r = beta.shape
    fitted = (x @ beta.reshape(p, m * r)).reshape(-1, m, r)
    ssr = ((y[:, :, None] - fitted) ** 2 * w[:, None, :]).sum(axis=0)
    ybar = (y.T @ w) / w.sum(axis=0)  # (M, R+1)
    sst = ((y[:, :, None] - ybar[None]) ** 2 * w[:, None, :]).sum(axis=0)
    return (1.0 - ssr / sst)[None]


def _check_binary(y: np.ndarray, outcome: str) -> None:
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError(
            f"RepDesign.logit: the outcome {outcome!r} must be coded 0/1 (values "
            f"{np.unique(y)[:5].tolist()}); recode it as a new column first."
        )


def _check_rank(x: np.ndarray, names: list[str], caller: str) -> None:
    if x.shape[0] <= x.shape[1] or np.linalg.matrix_rank(x) < x.shape[1]:
        raise ValueError(
            f"{caller}: the design matrix is rank deficient (terms {names}, {x.shape[0]} "
            "cases); drop a collinear or constant term, or use a larger group."
        )
