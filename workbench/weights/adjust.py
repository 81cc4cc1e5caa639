"""Generic weighting steps: non-response adjustment in cells, trimming, rescaling (stage: weights).

These are the building blocks :mod:`workbench.weights.stages` applies at school, class and
student level. Evidence labels as in ``research/sampling.md`` §0 ([V] verified, [M] memory).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from workbench.weights._checks import as_flag, as_weight, check_columns, some

__all__ = ["adjust_nonresponse", "trim_weights", "rescale_weights", "SENATE_TOTAL"]

#: SENWGT sums to this per country (IEA, [M] research/sampling.md §1.9).
SENATE_TOTAL = 500.0


def adjust_nonresponse(
    data: pd.DataFrame,
    *,
    weight: str,
    cell: str,
    responded: str,
    out: str = "w_nr",
    collapse: Mapping[object, object] | None = None,
) -> pd.DataFrame:
    """Spread the weight of non-respondents over the respondents of their cell.

    Within each cell, respondents get ``weight * sum(weight) / sum(weight of respondents)``
    and non-respondents 0, so the weighted total of every cell is preserved.

    Parameters
    ----------
    data
        One row per eligible unit (drop ineligible units first); not modified.
    weight
        Weight before the adjustment (use a column of ones for the IEA count ratio).
    cell
        Adjustment-cell column.
    responded
        Boolean column, True for respondents.
    out
        Name of the new weight column.
    collapse
        Optional ``{cell: merged_cell}`` map applied to ``cell`` first (collapsing).

    Returns
    -------
    pandas.DataFrame
        A copy of ``data`` with ``out`` added (0 for non-respondents).

    Raises
    ------
    KeyError
        A named column is missing.
    ValueError
        Non-boolean ``responded``, negative weights, or cells with no respondents (the
        message lists them: collapse them with a neighbouring cell).

    Notes
    -----
    Checked against: the cell totals are preserved and the factor equals the IEA ratio
    (s + r1 + r2 + nr) / (s + r1 + r2) with unit weights
    (``tests/test_weights.py::test_nonresponse_adjustment_preserves_cell_totals``).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"cell": ["a", "a", "a", "b"], "w": [1.0, 1.0, 2.0, 5.0],
    ...                    "ok": [True, False, True, True]})
    >>> adjust_nonresponse(df, weight="w", cell="cell", responded="ok")["w_nr"].tolist()
    [1.3333333333333333, 0.0, 2.6666666666666665, 5.0]
    """
    func = "adjust_nonresponse"
    check_columns(data, func, weight=weight, cell=cell, responded=responded)
    w = as_weight(data, weight, func)
    ok = as_flag(data, responded, func)
    cells = data[cell].map(lambda c: collapse.get(c, c)) if collapse else data[cell]
    codes, uniques = pd.factorize(cells, use_na_sentinel=False)
    total = np.bincount(codes, weights=w, minlength=len(uniques))
    resp = np.bincount(codes, weights=w * ok, minlength=len(uniques))
    empty = (resp <= 0) & (total > 0)
    if empty.any():
        raise ValueError(
            f"{func}: cells {some(uniques[empty], 'cells')} in column {cell!r} "
            "have no respondents; collapse them with a neighbouring cell "
            "(collapse={cell: neighbour}) before adjusting"
        )
    factor = np.divide(total, resp, out=np.ones_like(total), where=resp > 0)
    result = data.copy()
    result[out] = np.where(ok, w * factor[codes], 0.0)
    return result


def trim_weights(
    data: pd.DataFrame,
    *,
    weight: str,
    by: str | None = None,
    k: float = 4.0,
    out: str | None = None,
    max_iter: int = 100,
) -> pd.DataFrame:
    """Cap weights at ``k`` times the group median and give the excess to the other units.

    The cap is ``k * median(weight)`` within each ``by`` group (e.g. explicit stratum), fixed
    from the untrimmed weights. Weights above the cap are set to it and the excess is
    spread over the untrimmed units of the group in proportion to their weights; this is
    repeated until no weight exceeds the cap, so each group's total is preserved.

    Parameters
    ----------
    data
        One row per unit (e.g. student); not modified.
    weight
        Weight column to trim.
    by
        Group column (None: one group).
    k
        Cap as a multiple of the median (PISA: 4 within explicit stratum [M]).
    out
        Name of the trimmed column (default: ``weight`` is replaced).
    max_iter
        Largest number of trim-and-redistribute rounds.

    Returns
    -------
    pandas.DataFrame
        A copy of ``data`` with ``out`` (the trimmed weights).

    Raises
    ------
    ValueError
        ``k < 1``, or a group whose total exceeds ``n * cap`` (no trimming can hold it).

    Notes
    -----
    IEA TIMSS/PIRLS apply no routine trimming [M, research/sampling.md §1.9]; this follows
    the PISA/NAEP rule of a cap at a multiple of the stratum median [M, §2].
    Checked against: totals by group and the cap (``tests/test_weights.py::test_trim*``).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"w": [1.0, 2, 2, 2, 3, 12]})
    >>> trim_weights(df, weight="w", k=2)["w"].round(6).tolist()
    [2.0, 4.0, 4.0, 4.0, 4.0, 4.0]

    The cap is 2 x median 2 = 4; the total, 22, is kept.
    """
    func = "trim_weights"
    check_columns(data, func, weight=weight, by=by)
    if not k >= 1:
        raise ValueError(f"{func}: k must be at least 1 (k={k!r}); PISA uses 4")
    w = as_weight(data, weight, func)
    groups = pd.factorize(data[by], use_na_sentinel=False)[0] if by else np.zeros(len(w), int)
    trimmed = w.copy()
    for g in np.unique(groups):
        rows = np.flatnonzero(groups == g)
        trimmed[rows] = _trim_group(
            w[rows], k, max_iter, func, data[by].iloc[rows[0]] if by else "all"
        )
    result = data.copy()
    result[out or weight] = trimmed
    return result


def rescale_weights(weights: np.ndarray, total: float) -> np.ndarray:
    """Weights multiplied so they sum to ``total`` (SENWGT: 500, HOUWGT: sample size)."""
    return weights * (total / weights.sum())


def _trim_group(w: np.ndarray, k: float, max_iter: int, func: str, name: object) -> np.ndarray:
    cap = k * float(np.median(w))
    if w.sum() > cap * len(w) * (1 + 1e-12):
        raise ValueError(
            f"{func}: group {name!r} has total {w.sum():.6g} above n x cap "
            f"({len(w)} x {cap:.6g}); raise k"
        )
    out = w.copy()
    for _ in range(max_iter):
        over = out > cap * (1 + 1e-12)
        if not over.any():
            break
        excess = float((out[over] - cap).sum())
        out[over] = cap
        free = out < cap * (1 - 1e-12)
        out[free] += excess * out[free] / out[free].sum()
    return out
