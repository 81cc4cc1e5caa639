"""Degrees of freedom, confidence intervals and p-values for every RepDesign table.

Stage: results & comparative analysis. Every table the engine returns carries ``df``,
``ci_lower``, ``ci_upper`` (t with ``df``, confidence ``level``, 0.95 by default) and, where a
test of zero is meaningful (differences, coefficients, correlations), ``p_value``.

The degrees of freedom of one estimate
--------------------------------------
1. *Zones that carry it.* A replicate contributes when its estimate differs from the
   full-sample estimate (relative tolerance 1e-12, any PV). ``k`` = contributing zones:
   contributing replicates for JK2 (one half replicate per zone), JK1, JKn and BRR, half of
   them (rounded up) for JK2-full (two replicates per zone). For a domain (a ``by`` group,
   a :meth:`RepDesign.subset`) only the zones in which the domain has cases count; a zone
   whose replicate weights leave the domain untouched adds nothing.
2. *Effective df of the sampling variance* (Welch-Satterthwaite over the variance terms
   ``v_mj = scale * rscale_j * (t_mj - t_m)^2`` of PV m and replicate j)::

       df_WS = (1/M) (sum_mj v_mj)^2 / sum_mj v_mj^2

   corrected as Johnson & Rust (1992) do, ``df_JR = (3.16 - 2.77 / sqrt(k)) * df_WS``: the
   formula of EdSurvey's ``DoFCorrection(..., method = "JR")`` (which takes the number of
   replicates for k; here k counts only the contributing zones). The sampling df is
   ``min(k, df_JR)``: a variance built from k one-df zone terms cannot carry more than k.
   With ``pv_rule="first"`` the terms are those of the first PV (M = 1). With
   ``RepDesign(..., df_rule="zones")`` the sampling df is k itself (no correction).
3. *Plausible values* (Barnard & Rubin 1999): with U the sampling variance, B the
   between-PV variance, T = U + (1 + 1/M) B and gamma = (1 + 1/M) B / T::

       df_old = (M - 1) / gamma^2,   df_obs = (df_c + 1) / (df_c + 3) * df_c * (1 - gamma)
       df = 1 / (1 / df_old + 1 / df_obs)

   with df_c the sampling df of step 2. A row without imputation variance keeps df_c.
   (``mitools::MIcombine(..., df.complete=)`` uses U / (U + B) in place of 1 - gamma.)

References: Johnson, E. G., & Rust, K. F. (1992). Population inferences and variance
estimation for NAEP data. Journal of Educational Statistics, 17, 175-190. Barnard, J., &
Rubin, D. B. (1999). Small-sample degrees of freedom with multiple imputation. Biometrika,
86, 948-955. EdSurvey, *Statistical Methods Used in EdSurvey*, "Estimation of Degrees of
Freedom".

R ``survey`` differs: ``degf(svrepdesign)`` is the rank of the replicate weights minus 1
for the whole design and for every domain (74 for TIMSS 2011's 75 JK2 replicates), and
``confint(..., df = degf(design))`` uses it; :func:`interval` reproduces that when given
those df (``tests/test_survey_inference.py``).
"""

from __future__ import annotations

import numpy as np
from scipy import special

__all__ = [
    "DF_RULES",
    "JR_A",
    "JR_B",
    "barnard_rubin",
    "check_level",
    "f_sf",
    "inference_columns",
    "interval",
    "sampling_df",
    "t_quantile",
    "t_sf",
]

JR_A, JR_B = 3.16, 2.77
DF_RULES = ("johnson-rust", "zones")
_TOL = 1e-12


def check_level(level: float, caller: str) -> float:
    """The confidence level as a float in (0, 1), or a clear error."""
    try:
        lev = float(level)
    except (TypeError, ValueError):
        lev = float("nan")
    if not 0.0 < lev < 1.0:
        raise ValueError(
            f"{caller}: level must be a confidence level between 0 and 1 (level={level!r}); "
            "give e.g. level=0.95."
        )
    return lev


def sampling_df(
    theta: np.ndarray,
    scale: float,
    rscales: np.ndarray,
    mse: bool,
    pv_rule: str,
    per_zone: int,
    df_rule: str = "johnson-rust",
) -> tuple[np.ndarray, np.ndarray]:
    """df of the sampling variance and the number of contributing zones.

    ``df_rule="zones"``: the zone count k; ``"johnson-rust"``: min(k, JR-corrected WS).

    ``theta`` is (K, M, R+1); returns (df (K,), zones (K,)).
    """
    reps = theta[..., 1:]
    full = theta[..., :1]
    centre = full if mse else reps.mean(axis=-1, keepdims=True)
    dev = reps - centre
    if pv_rule == "first":
        dev = dev[:, :1]
    terms = scale * rscales * dev**2  # (K, M', R)
    tol = _TOL * np.maximum(1.0, np.abs(full))
    with np.errstate(invalid="ignore"):
        varies = (np.abs(reps - full) > tol).any(axis=1)  # (K, R)
    zones = np.ceil(varies.sum(axis=-1) / per_zone)
    s1 = terms.sum(axis=(1, 2))
    s2 = (terms**2).sum(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        ws = s1**2 / s2 / terms.shape[1]
        jr = (JR_A - JR_B / np.sqrt(zones)) * ws
        cap = zones if df_rule == "zones" else np.minimum(zones, jr)
        df = np.where((zones > 0) & (s2 > 0), cap, 0.0)
    df = np.where(np.isnan(s1), np.nan, df)
    return df, zones


def barnard_rubin(df_com: np.ndarray, u: np.ndarray, b: np.ndarray, m: int) -> np.ndarray:
    """Barnard-Rubin (1999) df of a PV-combined estimate (df_com where B = 0)."""
    df_com = np.asarray(df_com, dtype=float)
    if m < 2:
        return df_com
    imp = (1.0 + 1.0 / m) * b
    with np.errstate(invalid="ignore", divide="ignore"):
        gamma = imp / (u + imp)
        df_old = (m - 1) / gamma**2
        df_obs = (df_com + 1.0) / (df_com + 3.0) * df_com * (1.0 - gamma)
        df = 1.0 / (1.0 / df_old + 1.0 / df_obs)
    return np.where(b > 0, df, df_com)


def interval(
    estimate: np.ndarray, se: np.ndarray, df: np.ndarray, level: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ci_lower, ci_upper, p_value): t with ``df``; a zero SE gives a point interval."""
    estimate, se, df = (np.asarray(a, dtype=float) for a in (estimate, se, df))
    with np.errstate(invalid="ignore", divide="ignore"):
        crit = np.where(se > 0, t_quantile(0.5 + level / 2.0, df), 0.0)
        half = crit * se
        tval = estimate / se
        p = np.where(se > 0, 2.0 * t_sf(np.abs(tval), df), np.nan)
    return estimate - half, estimate + half, p


# the t and F functions of scipy.stats (the same special functions, the same NaN outside the
# distributions' parameter range) without importing scipy.stats (2-3 s at every start)
def _shape_ok(*dfs: np.ndarray) -> np.ndarray:
    return np.logical_and.reduce([(d > 0) & np.isfinite(d) for d in dfs])


def t_quantile(q: float | np.ndarray, df: np.ndarray) -> np.ndarray:
    """``scipy.stats.t.ppf(q, df)``.

    >>> round(float(t_quantile(0.975, np.array(10.0))), 6)
    2.228139
    """
    df = np.asarray(df, dtype=float)
    ok = _shape_ok(df)
    return np.where(ok, special.stdtrit(np.where(ok, df, 1.0), q), np.nan)


def t_sf(x: np.ndarray, df: np.ndarray) -> np.ndarray:
    """``scipy.stats.t.sf(x, df)``.

    >>> round(float(t_sf(np.array(2.228139), np.array(10.0))), 6)
    0.025
    """
    df = np.asarray(df, dtype=float)
    ok = _shape_ok(df)
    return np.where(ok, special.stdtr(np.where(ok, df, 1.0), -np.asarray(x, dtype=float)), np.nan)


def f_sf(x: float, dfn: float, dfd: float) -> float:
    """``scipy.stats.f.sf(x, dfn, dfd)``.

    >>> round(f_sf(4.964603, 1, 10), 6)
    0.05
    """
    dfn_, dfd_ = np.asarray(dfn, dtype=float), np.asarray(dfd, dtype=float)
    if not _shape_ok(dfn_, dfd_) or np.isnan(x):
        return float("nan")
    return float(special.fdtrc(dfn_, dfd_, max(float(x), 0.0)))


def inference_columns(
    estimate: np.ndarray, se: np.ndarray, df: np.ndarray, level: float, *, p_value: bool
) -> dict[str, np.ndarray]:
    """The columns every table carries after ``n``: df, ci_lower, ci_upper (and p_value)."""
    lo, hi, p = interval(estimate, se, df, level)
    new = {"df": df, "ci_lower": lo, "ci_upper": hi}
    if p_value:
        new["p_value"] = p
    return {name: np.asarray(values, dtype=float) for name, values in new.items()}
