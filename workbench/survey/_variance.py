"""Variance constants, the one replicate-variance routine and the one Rubin combination.

Every statistic of :class:`workbench.survey.RepDesign` ends here as an array ``theta`` of
shape ``(K, M, R + 1)``: K result rows, M plausible values (1 without PVs), and the
full-sample estimate in column 0 followed by the R replicate estimates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._inference import barnard_rubin, sampling_df

__all__ = [
    "METHODS",
    "Raw",
    "combine",
    "covariance",
    "method_constants",
    "replicate_variance",
    "tidy",
]

METHODS = ("JK2", "JK2-full", "JK1", "JKn", "BRR", "BRR-Fay")


def method_constants(
    method: str, n_rep: int, *, fay: float, scale: float | None, rscales: object
) -> tuple[float, np.ndarray]:
    """Fill in ``scale`` and ``rscales`` (variance = scale * sum rscales_r (t_r - t)^2).

    JK2: 1 (IEA half replicates, one per zone); JK2-full: 1/2 (two per zone);
    JK1: (R-1)/R; JKn: 1 with per-replicate ``rscales`` (n_h-1)/n_h supplied by the user;
    BRR: 1/R; BRR-Fay: 1/(R (1-fay)^2), 1/20 for PISA's 80 replicates with fay=0.5.
    """
    if method not in METHODS:
        raise ValueError(
            f"RepDesign: unknown method ({method!r}); use one of {', '.join(METHODS)}."
        )
    if method == "BRR-Fay" and not 0.0 <= fay < 1.0:
        raise ValueError(f"RepDesign: fay must be in [0, 1) (fay={fay!r}); PISA uses 0.5.")
    default = {
        "JK2": 1.0,
        "JK2-full": 0.5,
        "JK1": (n_rep - 1) / n_rep,
        "JKn": 1.0,
        "BRR": 1.0 / n_rep,
        "BRR-Fay": 1.0 / (n_rep * (1.0 - fay) ** 2),
    }[method]
    scale = default if scale is None else float(scale)
    if rscales is None:
        if method == "JKn":
            raise ValueError(
                "RepDesign: method='JKn' needs rscales (None given); pass one factor "
                "(n_h - 1) / n_h per replicate column, as survey::svrepdesign does."
            )
        rs = np.ones(n_rep)
    else:
        rs = np.asarray(rscales, dtype=float).ravel()
        if rs.size == 1:
            rs = np.full(n_rep, rs[0])
        if rs.size != n_rep:
            raise ValueError(
                f"RepDesign: rscales has {rs.size} values but there are {n_rep} replicate "
                "columns; give one factor per replicate."
            )
    return scale, rs


def replicate_variance(
    theta: np.ndarray, scale: float, rscales: np.ndarray, mse: bool = True
) -> np.ndarray:
    """Replicate variance of each estimate: ``scale * sum_r rscales_r (t_r - c)^2``.

    ``c`` is the full-sample estimate (column 0) when ``mse`` is true (IEA, OECD and
    ``svrepdesign(mse=TRUE)``), otherwise the mean of the replicates.
    """
    reps = theta[..., 1:]
    centre = theta[..., :1] if mse else reps.mean(axis=-1, keepdims=True)
    return scale * (((reps - centre) ** 2) @ rscales)


def combine(
    theta: np.ndarray,
    scale: float,
    rscales: np.ndarray,
    mse: bool,
    pv_rule: str,
    *,
    per_zone: int = 1,
    df_rule: str = "johnson-rust",
) -> dict[str, np.ndarray]:
    """Rubin's rules over the PV axis of ``theta`` (K, M, R+1).

    estimate = mean of the M estimates; sampling variance U = mean of the M replicate
    variances (``pv_rule="all"``) or that of the first PV (``"first"``); imputation
    variance (1 + 1/M) B with B the between-PV variance (ddof 1); total = U + (1 + 1/M) B,
    as ``mitools::MIcombine``. ``df``: the degrees of freedom of ``_inference`` (zones
    that carry the estimate, Johnson-Rust, Barnard-Rubin); ``zones``: contributing zones.
    """
    est_m = theta[..., 0]
    var_m = replicate_variance(theta, scale, rscales, mse)
    m = est_m.shape[-1]
    u = var_m.mean(axis=-1) if pv_rule == "all" else var_m[..., 0]
    # deviations from PV1 leave B unchanged and make it exactly 0 for a non-PV variable
    dev = est_m - est_m[..., :1]
    imp = (1.0 + 1.0 / m) * dev.var(axis=-1, ddof=1) if m > 1 else np.zeros(est_m.shape[0])
    df_com, zones = sampling_df(theta, scale, rscales, mse, pv_rule, per_zone, df_rule)
    between = dev.var(axis=-1, ddof=1) if m > 1 else np.zeros(est_m.shape[0])
    return {
        "df": barnard_rubin(df_com, u, between, m),
        "zones": zones,
        "estimate": est_m.mean(axis=-1),
        "se": np.sqrt(u + imp),
        "se_sampling": np.sqrt(u),
        "se_imputation": np.sqrt(imp),
        "n_pv": np.full(est_m.shape[0], m),
    }


@dataclass(frozen=True)
class Raw:
    """Replicate estimates of K result rows before variance and PV combination."""

    keys: pd.DataFrame  # K rows: by columns, variable, other key columns
    theta: np.ndarray  # (K, M, R+1)
    n: np.ndarray  # (K,) unweighted cases used
    sum_weights: np.ndarray  # (K,) full-sample weight of the cases used
    pv: bool  # does any row involve plausible values


def tidy(
    raw: Raw, stats: dict[str, np.ndarray], inference: dict[str, np.ndarray] | None = None
) -> pd.DataFrame:
    """Assemble the tidy result in one frame: keys, estimate, se, n, the ``inference`` columns
    (df, ci_lower, ci_upper, p_value), sum_weights (+ PV parts)."""
    keys = raw.keys.reset_index(drop=True)
    # arrays, not Series: a frame built from Series aligns their indexes (3x slower)
    columns: dict[str, object] = {name: keys[name].array for name in keys.columns}
    columns["estimate"] = stats["estimate"]
    columns["se"] = stats["se"]
    columns["n"] = np.asarray(raw.n, dtype=np.int64)
    columns.update(inference or {})
    columns["sum_weights"] = np.asarray(raw.sum_weights, dtype=float)
    if raw.pv:
        columns["se_sampling"] = stats["se_sampling"]
        columns["se_imputation"] = stats["se_imputation"]
        columns["n_pv"] = stats["n_pv"].astype(np.int64)
    return pd.DataFrame(columns, index=keys.index)


def covariance(
    theta: np.ndarray, scale: float, rscales: np.ndarray, mse: bool, pv_rule: str
) -> np.ndarray:
    """Rubin-combined covariance matrix of the K estimates in ``theta`` (K, M, R+1).

    U = mean over PVs (or the first PV) of ``scale * sum_r rscales_r d_r d_r'`` with
    d_r the replicate deviations; B the between-PV covariance (ddof 1); U + (1 + 1/M) B.
    Its diagonal equals ``combine``'s se².
    """
    reps = theta[..., 1:]
    centre = theta[..., :1] if mse else reps.mean(axis=-1, keepdims=True)
    dev = (reps - centre) * np.sqrt(scale * rscales)  # (K, M, R)
    per_pv = np.einsum("kmr,lmr->mkl", dev, dev)
    u = per_pv.mean(axis=0) if pv_rule == "all" else per_pv[0]
    m = theta.shape[1]
    if m < 2:
        return u
    est = theta[..., 0] - theta[:, :1, 0]  # (K, M) deviations from PV1, as combine()
    b = np.cov(est, ddof=1)
    return u + (1.0 + 1.0 / m) * np.atleast_2d(b)
