"""Scoring (inter-rater) reliability of constructed-response items from double-coded booklets."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from workbench.psychometrics._checks import confidence_level

__all__ = ["rater_agreement", "intraclass_correlation", "coder_agreement"]


def rater_agreement(
    r1: pd.Series | pd.DataFrame, r2: pd.Series | pd.DataFrame, *, categories=None
) -> pd.DataFrame:
    """Exact and adjacent agreement, Cohen's kappa and quadratic-weighted kappa with SEs.

    Parameters
    ----------
    r1, r2
        The first and second scores: two Series, or two DataFrames with the same item
        columns (one row per double-coded response). Pairs with a missing score are dropped.
    categories
        The score categories (default: every value either rater gave). Quadratic weights are
        ``1 - (i - j)^2 / (K - 1)^2`` on category positions, as psych::cohen.kappa.

    Returns
    -------
    DataFrame
        ``item_id`` (DataFrame input only), ``statistic`` (``exact_agreement``,
        ``adjacent_agreement`` (|difference| <= 1 category), ``kappa``,
        ``weighted_kappa``), ``estimate, se, n``. Kappa SEs are the large-sample non-null
        SEs of Fleiss, Cohen & Everitt (1969); agreement SEs are binomial.

    Raises
    ------
    TypeError, ValueError
        Mismatched inputs, no complete pairs.

    Notes
    -----
    Checked against psych 2.2.9 ``cohen.kappa`` (kappa, var.kappa, weighted kappa) and
    statsmodels ``cohens_kappa`` (weighted-kappa variance; psych's weighted variance uses
    row marginals where Fleiss et al. use column marginals) in
    ``tests/test_psychometrics_raters.py``.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.Series([0, 1, 2, 2, 1, 0])
    >>> rater_agreement(a, a).set_index("statistic")["estimate"].tolist()
    [1.0, 1.0, 1.0, 1.0]
    """
    if isinstance(r1, pd.DataFrame) and isinstance(r2, pd.DataFrame):
        if list(r1.columns) != list(r2.columns) or len(r1) != len(r2):
            raise ValueError(
                f"rater_agreement: r1 and r2 differ in columns or rows "
                f"({list(r1.columns)[:5]} x {len(r1)} vs {list(r2.columns)[:5]} "
                f"x {len(r2)}); align the two codings first"
            )
        parts = [
            _pair(r1[c].to_numpy(), r2[c].to_numpy(), categories).assign(item_id=str(c))
            for c in r1.columns
        ]
        out = pd.concat(parts, ignore_index=True)
        return out[["item_id", "statistic", "estimate", "se", "n"]]
    if isinstance(r1, pd.DataFrame) or isinstance(r2, pd.DataFrame):
        raise TypeError(
            "rater_agreement: pass two Series or two DataFrames (got "
            f"{type(r1).__name__} and {type(r2).__name__}); make them match"
        )
    a, b = np.asarray(r1), np.asarray(r2)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(
            f"rater_agreement: r1 and r2 must be 1-d and equally long "
            f"(got {a.shape} and {b.shape}); pass one score per response"
        )
    return _pair(a, b, categories)


def _pair(a, b, categories) -> pd.DataFrame:
    ok = ~(pd.isna(a) | pd.isna(b))
    a, b = a[ok], b[ok]
    if len(a) == 0:
        raise ValueError("rater_agreement: no response has both scores; check the inputs")
    cats = np.array(
        sorted(set(a.tolist()) | set(b.tolist())) if categories is None else list(categories)
    )
    pos = {c: i for i, c in enumerate(cats.tolist())}
    try:
        ia, ib = np.array([pos[v] for v in a.tolist()]), np.array([pos[v] for v in b.tolist()])
    except KeyError as err:
        raise ValueError(
            f"rater_agreement: score {err.args[0]!r} is not in categories "
            f"({cats.tolist()}); add it to categories"
        ) from None
    n, k = len(a), len(cats)
    table = np.zeros((k, k))
    np.add.at(table, (ia, ib), 1)
    exact, adjacent = float(np.mean(ia == ib)), float(np.mean(np.abs(ia - ib) <= 1))
    w_quad = 1 - (np.subtract.outer(np.arange(k), np.arange(k)) ** 2) / max(k - 1, 1) ** 2
    kappa, se_k = _kappa(table / n, np.eye(k), n)
    wkappa, se_w = _kappa(table / n, w_quad, n)
    return pd.DataFrame(
        {
            "statistic": ["exact_agreement", "adjacent_agreement", "kappa", "weighted_kappa"],
            "estimate": [exact, adjacent, kappa, wkappa],
            "se": [
                np.sqrt(exact * (1 - exact) / n),
                np.sqrt(adjacent * (1 - adjacent) / n),
                se_k,
                se_w,
            ],
            "n": n,
        }
    )


def _kappa(p: np.ndarray, w: np.ndarray, n: int) -> tuple[float, float]:
    """Weighted kappa and its Fleiss-Cohen-Everitt (1969) large-sample SE."""
    rows, cols = p.sum(axis=1), p.sum(axis=0)
    po, pc = float(np.sum(w * p)), float(np.sum(w * np.outer(rows, cols)))
    if pc >= 1:
        return (1.0 if po >= 1 else np.nan), 0.0
    kappa = (po - pc) / (1 - pc)
    w_row, w_col = w @ cols, rows @ w
    dev = w * (1 - pc) - (w_row[:, None] + w_col[None, :]) * (1 - po)
    var = (np.sum(p * dev**2) - (po * pc - 2 * pc + po) ** 2) / (n * (1 - pc) ** 4)
    return float(kappa), float(np.sqrt(max(var, 0.0)))


def intraclass_correlation(r1, r2, *, level: float = 0.95, ci: float | None = None) -> pd.DataFrame:
    """Shrout-Fleiss single-rater intraclass correlations of two codings, with F intervals.

    Parameters
    ----------
    r1, r2
        Numeric scores of the same responses by two coders (pairs with a gap are dropped).
    level
        Confidence level (``ci=`` is its deprecated old name).

    Returns
    -------
    DataFrame
        ``type`` (``ICC1`` one-way random, ``ICC2`` two-way random absolute agreement,
        ``ICC3`` two-way mixed consistency), ``estimate, ci_lower, ci_upper, n``.

    Notes
    -----
    Checked against psych 2.2.9 ``ICC`` (estimates and bounds) in
    ``tests/test_psychometrics_validity.py``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = intraclass_correlation([0, 1, 2, 2, 1, 0], [0, 1, 2, 1, 1, 0])
    >>> round(float(t.loc[1, "estimate"]), 3)
    0.878
    """
    level = confidence_level(level, ci, "intraclass_correlation")
    a = np.asarray(r1, dtype=float)
    b = np.asarray(r2, dtype=float)
    if a.shape != b.shape:
        raise ValueError(
            f"intraclass_correlation: r1 and r2 differ in length ({a.shape} vs "
            f"{b.shape}); pass one score per response from each coder"
        )
    ok = ~(np.isnan(a) | np.isnan(b))
    x = np.column_stack([a[ok], b[ok]])
    n, k = x.shape
    if n < 3:
        raise ValueError("intraclass_correlation: fewer than 3 complete pairs; code more")
    grand = x.mean()
    ss_r = k * np.sum((x.mean(axis=1) - grand) ** 2)
    ss_c = n * np.sum((x.mean(axis=0) - grand) ** 2)
    ss_t = np.sum((x - grand) ** 2)
    ms_r, ms_c = ss_r / (n - 1), ss_c / (k - 1)
    ms_w = (ss_t - ss_r) / (n * (k - 1))
    ms_e = (ss_t - ss_r - ss_c) / ((n - 1) * (k - 1))
    icc1 = (ms_r - ms_w) / (ms_r + (k - 1) * ms_w)
    icc2 = (ms_r - ms_e) / (ms_r + (k - 1) * ms_e + k * (ms_c - ms_e) / n)
    icc3 = (ms_r - ms_e) / (ms_r + (k - 1) * ms_e)
    q = 1 - (1 - level) / 2
    with np.errstate(divide="ignore", invalid="ignore"):  # perfect agreement: MSE = 0
        bounds = [
            _f_bounds(ms_r / ms_w, n - 1, n * (k - 1), k, q),
            _icc2_bounds(icc2, ms_r, ms_c, ms_e, n, k, q),
            _f_bounds(ms_r / ms_e, n - 1, (n - 1) * (k - 1), k, q),
        ]
    return pd.DataFrame(
        {
            "type": ["ICC1", "ICC2", "ICC3"],
            "estimate": [icc1, icc2, icc3],
            "ci_lower": [lo for lo, _ in bounds],
            "ci_upper": [hi for _, hi in bounds],
            "n": n,
        }
    )


def coder_agreement(
    double_coding: pd.DataFrame,
    items: pd.DataFrame,
    *,
    target: float = 0.85,
    kappa_target: float = 0.7,
) -> pd.DataFrame:
    """Agreement of two coders on double-coded constructed responses, per item and overall.

    Parameters
    ----------
    double_coding
        ``ITEM, CODE1, CODE2`` (one row per re-coded response; codes ``10, 20, 70, 79``).
    items
        Item table with ``item_id, max_score``.
    target, kappa_target
        Exact-agreement target (IEA: 85 %) and kappa target.

    Returns
    -------
    DataFrame
        ``item_id`` (item id, or ``overall``), ``max_score, n, exact_agreement`` (same code),
        ``score_agreement`` (same score), ``kappa`` (codes, nominal), ``weighted_kappa``
        (scores, quadratic weights), ``icc`` (ICC2 on scores), ``meets_target``.

    Notes
    -----
    Kappa and weighted kappa are :func:`rater_agreement` (psych::cohen.kappa), ICC is
    :func:`intraclass_correlation` (psych::ICC); ``tests/test_psychometrics_validity.py``.
    """
    from workbench.psychometrics.scoring import CR_SCHEME

    missing = [c for c in ("ITEM", "CODE1", "CODE2") if c not in double_coding.columns]
    if missing:
        raise KeyError(
            f"coder_agreement: double_coding lacks columns {missing}; pass the "
            "double_coding table of the field-data stage"
        )
    top = items.set_index("item_id")["max_score"].astype(int)
    d = double_coding.assign(max_score=double_coding["ITEM"].map(top))
    score = [
        d["max_score"]
        .map(lambda m: CR_SCHEME.get(m, {}))
        .combine(d[c].astype(str), lambda table, code: table.get(code, np.nan))
        for c in ("CODE1", "CODE2")
    ]
    d = d.assign(SCORE1=score[0].astype(float), SCORE2=score[1].astype(float))
    rows = [
        _agreement_row(str(item), part, target, kappa_target)
        for item, part in d.groupby("ITEM", sort=True)
    ]
    rows.append(_agreement_row("overall", d, target, kappa_target))
    return pd.DataFrame(rows)


def _agreement_row(item, part, target, kappa_target) -> dict:
    codes = rater_agreement(part["CODE1"].astype(str), part["CODE2"].astype(str)).set_index(
        "statistic"
    )["estimate"]
    scores = rater_agreement(part["SCORE1"], part["SCORE2"]).set_index("statistic")["estimate"]
    icc = intraclass_correlation(part["SCORE1"], part["SCORE2"]).set_index("type")["estimate"]
    return {
        "item_id": item,
        "max_score": int(part["max_score"].max()),
        "n": len(part),
        "exact_agreement": codes["exact_agreement"],
        "score_agreement": scores["exact_agreement"],
        "kappa": codes["kappa"],
        "weighted_kappa": scores["weighted_kappa"],
        "icc": icc["ICC2"],
        "meets_target": bool(codes["exact_agreement"] >= target and codes["kappa"] >= kappa_target),
    }


def _f_bounds(f, df1, df2, k, q):
    fl, fu = f / stats.f.ppf(q, df1, df2), f * stats.f.ppf(q, df2, df1)
    return (fl - 1) / (fl + k - 1), (fu - 1) / (fu + k - 1)


def _icc2_bounds(icc, ms_r, ms_c, ms_e, n, k, q):
    fj = ms_c / ms_e
    vn = (k - 1) * (n - 1) * (k * icc * fj + n * (1 + (k - 1) * icc) - k * icc) ** 2
    vd = (n - 1) * k**2 * icc**2 * fj**2 + (n * (1 + (k - 1) * icc) - k * icc) ** 2
    v = vn / vd
    fu, fl = stats.f.ppf(q, n - 1, v), stats.f.ppf(q, v, n - 1)
    lo = n * (ms_r - fu * ms_e) / (fu * (k * ms_c + (k * n - k - n) * ms_e) + n * ms_r)
    hi = n * (fl * ms_r - ms_e) / (k * ms_c + (k * n - k - n) * ms_e + n * fl * ms_r)
    return lo, hi
