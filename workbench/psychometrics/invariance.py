"""Confirmatory factor analysis and measurement invariance of questionnaire scales across
groups (languages of instruction) for the validity stage, by normal-theory maximum likelihood
with a mean structure (as lavaan::cfa with ``group =`` and ``group.equal =``).

Levels: ``configural`` (same pattern, all parameters free per group; factor variances 1 and
means 0), ``metric`` (equal loadings; factor variances free beyond the first group),
``scalar`` (equal loadings and intercepts; factor means free beyond the first group).
Invariance is accepted at a level when CFI drops by at most 0.01 and RMSEA rises by at most
0.015 against the previous level (Chen 2007).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

__all__ = ["CFAResult", "cfa", "measurement_invariance"]

LEVELS = ("configural", "metric", "scalar")


@dataclass(frozen=True, eq=False)
class CFAResult:
    """A fitted CFA: ``loadings`` (``group, factor, item_id, loading, std_loading``) and ``fit``
    (one row: ``chisq, df, p_value, cfi, tli, rmsea, srmr, n``)."""

    loadings: pd.DataFrame
    fit: pd.DataFrame

    def table(self) -> pd.DataFrame:
        """The loadings table."""
        return self.loadings.copy()


def cfa(
    data: pd.DataFrame, model: dict[str, list[str]], *, group=None, level: str = "configural"
) -> CFAResult:
    """Fit a CFA (several correlated factors, simple structure) by ML, complete cases.

    Parameters
    ----------
    data
        One column per item (numeric).
    model
        ``{factor: [items]}``; each item loads on one factor.
    group
        Optional group per row (multiple-group CFA).
    level
        ``configural``, ``metric`` or ``scalar`` (see the module docstring).

    Returns
    -------
    CFAResult
        ``.loadings`` and ``.fit``; chi-square = sum of N_g x F_ML (lavaan's ML), RMSEA with
        lavaan's multiple-group factor sqrt(G), CFI/TLI against the independence model.

    Raises
    ------
    KeyError, ValueError
        Items not in ``data``, an unknown level, too few complete rows.

    Notes
    -----
    Checked against lavaan 0.6 ``cfa`` (std.all loadings, chisq, df, CFI, TLI, RMSEA, SRMR)
    on HolzingerSwineford1939 and its invariance sequence by school
    (``tests/test_psychometrics_efa.py``).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=600)
    >>> x = pd.DataFrame({f"x{i}": 0.7 * f + rng.normal(scale=0.7, size=600) for i in range(4)})
    >>> res = cfa(x, {"f": ["x0", "x1", "x2", "x3"]})
    >>> int(res.fit["df"].iloc[0]), bool(res.loadings["std_loading"].between(.6, .8).all())
    (2, True)
    """
    if level not in LEVELS:
        raise ValueError(f"cfa: unknown level ({level!r}); use one of {', '.join(LEVELS)}")
    spec = _Spec.build(data, model, group, "cfa")
    est, fit = _fit(spec, level)
    return CFAResult(_loading_table(spec, est, level), fit)


def measurement_invariance(
    data: pd.DataFrame, model: dict[str, list[str]], *, group
) -> pd.DataFrame:
    """Configural, metric and scalar invariance across groups, with the changes in fit.

    Parameters
    ----------
    data, model, group
        As :func:`cfa` (``group`` required).

    Returns
    -------
    DataFrame
        ``level, chisq, df, p_value, cfi, tli, rmsea, srmr, n, delta_chisq, delta_df,
        delta_p, delta_cfi, delta_rmsea, holds`` (``holds``: the level is accepted by the
        ΔCFI/ΔRMSEA rule; True for configural when its CFI >= 0.90).

    Notes
    -----
    Checked against lavaan 0.6 (``group.equal``) in ``tests/test_psychometrics_efa.py``.
    """
    spec = _Spec.build(data, model, group, "measurement_invariance")
    if spec.n_groups < 2:
        raise ValueError(
            "measurement_invariance: group has fewer than 2 groups with data; "
            "pass a grouping with at least two groups"
        )
    fits = pd.concat([_fit(spec, lv)[1].assign(level=lv) for lv in LEVELS], ignore_index=True)
    prev = fits.shift(1)
    fits["delta_chisq"] = fits["chisq"] - prev["chisq"]
    fits["delta_df"] = fits["df"] - prev["df"]
    fits["delta_p"] = stats.chi2.sf(fits["delta_chisq"], fits["delta_df"])
    fits["delta_cfi"] = fits["cfi"] - prev["cfi"]
    fits["delta_rmsea"] = fits["rmsea"] - prev["rmsea"]
    holds = (fits["delta_cfi"] >= -0.01) & (fits["delta_rmsea"] <= 0.015)
    holds.iloc[0] = bool(fits["cfi"].iloc[0] >= 0.90)
    fits["holds"] = holds.cummin().astype(bool)
    return fits[
        [
            "level",
            "chisq",
            "df",
            "p_value",
            "cfi",
            "tli",
            "rmsea",
            "srmr",
            "n",
            "delta_chisq",
            "delta_df",
            "delta_p",
            "delta_cfi",
            "delta_rmsea",
            "holds",
        ]
    ]


@dataclass
class _Spec:
    items: list[str]
    factor_of: np.ndarray  # factor index of each item
    factors: list[str]
    groups: list[str]
    s: list[np.ndarray]  # covariance (divisor N) per group
    m: list[np.ndarray]  # means per group
    n: np.ndarray

    @property
    def n_groups(self) -> int:
        return len(self.groups)

    @classmethod
    def build(cls, data, model, group, fn):
        items = [i for f in model.values() for i in f]
        absent = [i for i in items if i not in data.columns]
        if absent:
            raise KeyError(
                f"{fn}: model names items not in data ({absent[:5]}); columns are: "
                f"{list(data.columns)[:8]}"
            )
        g = pd.Series("all" if group is None else np.asarray(group), index=data.index)
        x = data[items].astype(float).assign(_g=g).dropna()
        s, m, n, names = [], [], [], []
        for name, part in x.groupby("_g", sort=True):
            v = part[items].to_numpy()
            if len(v) <= len(items):
                continue
            names.append(str(name))
            m.append(v.mean(axis=0))
            s.append(np.cov(v.T, ddof=0))
            n.append(len(v))
        if not names:
            raise ValueError(
                f"{fn}: too few complete rows for {len(items)} items; check the missing codes"
            )
        factor_of = np.array([k for k, f in enumerate(model) for _ in model[f]])
        return cls(items, factor_of, list(model), names, s, m, np.array(n))


def _layout(spec: _Spec, level: str) -> tuple[dict, int]:
    """Where each parameter block starts in the free-parameter vector."""
    p, k, g = len(spec.items), len(spec.factors), spec.n_groups
    shared_l = level in ("metric", "scalar")
    shared_nu = level == "scalar"
    sizes = {
        "lam": p * (1 if shared_l else g),
        "psi": p * g,
        "nu": p * (1 if shared_nu else g),
        "fvar": k * (g - 1) if shared_l else 0,
        "fcor": k * (k - 1) // 2 * g,
        "fmean": k * (g - 1) if shared_nu else 0,
    }
    pos, start = {}, 0
    for name, size in sizes.items():
        pos[name] = (start, size)
        start += size
    return pos, start


def _unpack(theta: np.ndarray, spec: _Spec, level: str, gi: int):
    pos, _ = _layout(spec, level)
    p, k = len(spec.items), len(spec.factors)

    def block(name, per):
        a, size = pos[name]
        if size == per:
            return theta[a : a + per]
        return theta[a + per * gi : a + per * (gi + 1)]

    lam = block("lam", p)
    psi = np.exp(block("psi", p))
    nu = block("nu", p)
    big = np.zeros((p, k))
    big[np.arange(p), spec.factor_of] = lam
    fvar = np.ones(k)
    if pos["fvar"][1] and gi > 0:
        a = pos["fvar"][0] + k * (gi - 1)
        fvar = np.exp(theta[a : a + k])
    corr = np.eye(k)
    if k > 1:
        a = pos["fcor"][0] + (k * (k - 1) // 2) * gi
        corr[np.triu_indices(k, 1)] = np.tanh(theta[a : a + k * (k - 1) // 2])
        corr = np.triu(corr) + np.triu(corr, 1).T
    sd = np.sqrt(fvar)
    phi = corr * np.outer(sd, sd)
    kappa = np.zeros(k)
    if pos["fmean"][1] and gi > 0:
        a = pos["fmean"][0] + k * (gi - 1)
        kappa = theta[a : a + k]
    sigma = big @ phi @ big.T + np.diag(psi)
    mu = nu + big @ kappa
    return big, phi, psi, sigma, mu


def _discrepancy(theta: np.ndarray, spec: _Spec, level: str) -> float:
    total = 0.0
    for gi in range(spec.n_groups):
        *_, sigma, mu = _unpack(theta, spec, level, gi)
        sign, logdet = np.linalg.slogdet(sigma)
        if sign <= 0:
            return 1e10
        inv = np.linalg.inv(sigma)
        dm = spec.m[gi] - mu
        f = (
            logdet
            + np.trace(spec.s[gi] @ inv)
            - np.linalg.slogdet(spec.s[gi])[1]
            - len(sigma)
            + dm @ inv @ dm
        )
        total += spec.n[gi] * f
    return total / spec.n.sum()


def _start(spec: _Spec, level: str) -> np.ndarray:
    pos, size = _layout(spec, level)
    theta = np.zeros(size)
    p, g = len(spec.items), spec.n_groups
    sd = np.sqrt(np.mean([np.diag(s) for s in spec.s], axis=0))
    a, n = pos["lam"]
    theta[a : a + n] = np.tile(0.7 * sd, n // p)
    a, n = pos["psi"]
    theta[a : a + n] = np.log(np.concatenate([0.5 * np.diag(s) for s in spec.s]))
    a, n = pos["nu"]
    theta[a : a + n] = np.concatenate(spec.m) if n == p * g else np.mean(spec.m, axis=0)
    return theta


def _fit(spec: _Spec, level: str) -> tuple[np.ndarray, pd.DataFrame]:
    res = optimize.minimize(
        _discrepancy,
        _start(spec, level),
        args=(spec, level),
        method="BFGS",
        options={"gtol": 1e-9, "maxiter": 20000},
    )
    res = (
        optimize.minimize(
            _discrepancy,
            res.x,
            args=(spec, level),
            method="Nelder-Mead",
            options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 2000},
        )
        if not res.success and len(res.x) < 12
        else res
    )
    n_total = spec.n.sum()
    chisq = float(res.fun * n_total)
    p, g = len(spec.items), spec.n_groups
    df = g * (p * (p + 1) // 2 + p) - _layout(spec, level)[1]
    base = sum(
        spec.n[i] * (np.sum(np.log(np.diag(s))) - np.linalg.slogdet(s)[1])
        for i, s in enumerate(spec.s)
    )
    base_df = g * p * (p - 1) // 2
    cfi = 1 - max(chisq - df, 0) / max(chisq - df, base - base_df, 1e-12)
    tli = ((base / base_df - chisq / df) / (base / base_df - 1)) if df > 0 else np.nan
    rmsea = np.sqrt(max(chisq - df, 0) / (df * n_total)) * np.sqrt(g) if df > 0 else 0.0
    fit = pd.DataFrame(
        {
            "chisq": [chisq],
            "df": [df],
            "p_value": [stats.chi2.sf(chisq, df) if df > 0 else np.nan],
            "cfi": [cfi],
            "tli": [tli],
            "rmsea": [rmsea],
            "srmr": [_srmr(res.x, spec, level)],
            "n": [int(n_total)],
        }
    )
    return res.x, fit


def _srmr(theta: np.ndarray, spec: _Spec, level: str) -> float:
    """lavaan's SRMR (Bentler): standardized residual covariances and means, N-weighted."""
    total = 0.0
    for gi in range(spec.n_groups):
        *_, sigma, mu = _unpack(theta, spec, level, gi)
        s, sd = spec.s[gi], np.sqrt(np.diag(spec.s[gi]))
        res = (s - sigma) / np.outer(sd, sd)
        iu = np.triu_indices(len(s))
        resid = res[iu] if spec.n_groups == 1 else np.concatenate([res[iu], (spec.m[gi] - mu) / sd])
        total += spec.n[gi] * np.sqrt(np.mean(resid**2))
    return float(total / spec.n.sum())


def _loading_table(spec: _Spec, theta: np.ndarray, level: str) -> pd.DataFrame:
    rows = []
    for gi, name in enumerate(spec.groups):
        big, phi, _psi, sigma, _mu = _unpack(theta, spec, level, gi)
        for j, item in enumerate(spec.items):
            f = spec.factor_of[j]
            lam = big[j, f]
            rows.append(
                {
                    "group": name,
                    "factor": spec.factors[f],
                    "item_id": item,
                    "loading": lam,
                    "std_loading": lam * np.sqrt(phi[f, f]) / np.sqrt(sigma[j, j]),
                }
            )
    out = pd.DataFrame(rows)
    sign = np.sign(out.groupby(["group", "factor"])["loading"].transform("sum"))
    out["loading"] *= sign
    out["std_loading"] *= sign
    return out
