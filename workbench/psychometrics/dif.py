"""Differential item functioning by the Mantel-Haenszel procedure (validity stage).

Dichotomous items: MH common odds ratio, MH D-DIF = -2.35 ln(alpha) with the Robins-Breslow-
Greenland SE, the MH chi-square and the ETS A/B/C classes (Zwick 2012): A if |D| < 1 or D is
not significantly different from 0; C if |D| >= 1.5 and |D| is significantly greater than 1
(one-sided z test, Paek & Holland 2015); otherwise B. Polytomous items: Mantel's (1963)
chi-square for ordered responses and the standardized mean difference (SMD, focal-weighted),
classed AA/BB/CC style (C: p < alpha and |SMD|/SD > .25; B: > .17).
Sign: + favours the focal group, - favours the reference group.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from workbench.psychometrics._checks import as_series, score_matrix

__all__ = ["mantel_haenszel"]

_COLUMNS = [
    "item_id",
    "max_score",
    "n_reference",
    "n_focal",
    "alpha_mh",
    "d_dif",
    "d_dif_se",
    "smd",
    "chisq",
    "p_value",
    "ets_class",
]


def mantel_haenszel(
    responses: pd.DataFrame,
    *,
    group,
    focal,
    reference,
    matching=None,
    correct: bool = True,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Mantel-Haenszel DIF statistics and ETS classes for every item.

    Parameters
    ----------
    responses
        Wide item scores (NaN = not administered: the student is left out for that item).
    group
        Column name in ``responses`` or one value per row.
    focal, reference
        The two group values compared; other values are ignored.
    matching
        Strata (one value per row); default the total score over all items (the studied
        item included, the ETS convention).
    correct
        Continuity correction of the dichotomous MH chi-square (as R ``mantelhaen.test``).
    alpha
        Significance level of the classification tests.

    Returns
    -------
    DataFrame
        ``item_id, max_score, n_reference, n_focal, alpha_mh, d_dif, d_dif_se, smd, chisq,
        p_value, ets_class`` (``alpha_mh``/``d_dif`` only for 0/1 items, ``smd`` for all).

    Raises
    ------
    KeyError, ValueError
        Unknown group column, focal/reference values absent, lengths that do not match.

    Notes
    -----
    Checked against R ``stats::mantelhaen.test`` (estimate, statistic, p, conf.int) on a
    simulated test with planted DIF (``tests/test_psychometrics_dif.py``).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(3)
    >>> g = np.repeat(["r", "f"], 500)
    >>> x = pd.DataFrame({f"i{j}": (rng.random(1000) < 0.6).astype(int) for j in range(5)})
    >>> mantel_haenszel(x, group=g, focal="f", reference="r")["ets_class"].tolist()
    ['A', 'A', 'A', 'A', 'A']
    """
    responses, g = _group(responses, group, "mantel_haenszel")
    x = score_matrix(responses, "mantel_haenszel", min_items=1)
    present = set(g.dropna().unique().tolist())
    if focal not in present or reference not in present:
        raise ValueError(
            f"mantel_haenszel: focal={focal!r} or reference={reference!r} not in "
            f"group (values: {sorted(present, key=str)[:8]}); pass values present"
        )
    strata = (
        np.nansum(x, axis=1)
        if matching is None
        else as_series(matching, len(x), "matching", "mantel_haenszel").to_numpy()
    )
    is_focal = (g == focal).to_numpy()
    use = is_focal | (g == reference).to_numpy()
    rows = [_item(x[:, j], is_focal, use, strata, correct, alpha) for j in range(x.shape[1])]
    out = pd.DataFrame(rows, columns=_COLUMNS[1:])
    out.insert(0, "item_id", [str(c) for c in responses.columns])
    return out


def _group(responses, group, fn):
    if not isinstance(responses, pd.DataFrame):
        raise TypeError(
            f"{fn}: responses must be a DataFrame (got "
            f"{type(responses).__name__}); pass one column per item"
        )
    if isinstance(group, str):
        if group not in responses.columns:
            raise KeyError(
                f"{fn}: group column {group!r} not in responses; columns are: "
                f"{list(responses.columns)[:8]}"
            )
        return responses.drop(columns=group), responses[group].reset_index(drop=True)
    return responses, as_series(group, len(responses), "group", fn)


def _item(y, is_focal, use, strata, correct, alpha):
    ok = use & ~np.isnan(y) & ~pd.isna(strata)
    y, f, s = y[ok], is_focal[ok], np.asarray(strata)[ok]
    m = int(y.max()) if len(y) else 0
    n_ref, n_foc = int((~f).sum()), int(f.sum())
    smd, sd = _smd(y, f, s)
    if m == 1:
        a_mh, se_log, chisq = _mh_binary(y, f, s, correct)
        d, d_se = -2.35 * np.log(a_mh), 2.35 * se_log
        p = float(stats.chi2.sf(chisq, 1))
        cls = _ets_binary(d, d_se, p, alpha)
        return [m, n_ref, n_foc, a_mh, d, d_se, smd, chisq, p, cls]
    chisq = _mantel_ordinal(y, f, s)
    p = float(stats.chi2.sf(chisq, 1))
    size = abs(smd) / sd if sd > 0 else np.nan
    level = "A" if p >= alpha or size <= 0.17 else ("B" if size <= 0.25 else "C")
    cls = level if level == "A" else level + ("+" if smd > 0 else "-")
    return [m, n_ref, n_foc, np.nan, np.nan, np.nan, smd, chisq, p, cls]


def _tables(y, f, s):
    """Per stratum (with both groups): A ref right, B ref wrong, C focal right, D focal wrong."""
    keys, inv = np.unique(s, return_inverse=True)
    cells = np.zeros((len(keys), 4))
    np.add.at(cells, (inv, np.where(f, 2, 0) + np.where(y == 1, 0, 1)), 1)
    n = cells.sum(axis=1)
    return cells[n > 1], n[n > 1]


def _mh_binary(y, f, s, correct):
    cells, n = _tables(y, f, s)
    a, b, c, d = cells.T
    r, q = a * d / n, b * c / n
    alpha_mh = r.sum() / q.sum()
    p_, q_ = (a + d) / n, (b + c) / n
    rs, ss = r.sum(), q.sum()
    var_log = (
        np.sum(p_ * r) / (2 * rs**2)
        + np.sum(p_ * q + q_ * r) / (2 * rs * ss)
        + np.sum(q_ * q) / (2 * ss**2)
    )
    n_ref, n_right = a + b, a + c
    expect = n_ref * n_right / n
    var = n_ref * (c + d) * n_right * (b + d) / (n**2 * (n - 1))
    dev = abs(a.sum() - expect.sum())
    dev -= 0.5 if correct and dev >= 0.5 else 0.0  # R's mantelhaen.test rule
    return float(alpha_mh), float(np.sqrt(var_log)), float(dev**2 / var.sum())


def _ets_binary(d, d_se, p, alpha):
    if not np.isfinite(d) or abs(d) < 1 or p >= alpha:
        return "A"
    sign = "+" if d > 0 else "-"
    if abs(d) >= 1.5 and (abs(d) - 1) / d_se > stats.norm.ppf(1 - alpha):
        return "C" + sign
    return "B" + sign


def _mantel_ordinal(y, f, s):
    """Mantel (1963): sum of focal scores vs its expectation, across strata."""
    total, expect, var = 0.0, 0.0, 0.0
    for k in np.unique(s):
        sel = s == k
        yk, fk = y[sel], f[sel]
        n, nf = len(yk), fk.sum()
        if n < 2 or nf == 0 or nf == n:
            continue
        total += yk[fk].sum()
        expect += nf * yk.mean()
        var += nf * (n - nf) * (n * np.sum(yk**2) - yk.sum() ** 2) / (n**2 * (n - 1))
    return (total - expect) ** 2 / var if var > 0 else np.nan


def _smd(y, f, s):
    """Standardized mean difference: focal-weighted mean of (focal - reference) per stratum."""
    diffs, weights = [], []
    for k in np.unique(s[f]):
        sel = s == k
        if (sel & ~f).any():
            diffs.append(y[sel & f].mean() - y[sel & ~f].mean())
            weights.append((sel & f).sum())
    smd = float(np.average(diffs, weights=weights)) if weights else np.nan
    return smd, float(np.std(y, ddof=1)) if len(y) > 1 else np.nan
