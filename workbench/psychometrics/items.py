"""Classical item statistics for the item-review stage (TIMSS/PIRLS item-statistics displays).

Difficulty (mean score / maximum), corrected point-biserial (item-rest), per-option
percentages and option point-biserials for multiple-choice items, and review flags.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from workbench.psychometrics._checks import score_matrix

__all__ = ["item_analysis", "distractor_analysis", "score_levels"]


def item_analysis(
    responses: pd.DataFrame,
    key: Mapping | pd.Series | None = None,
    *,
    max_score: Mapping | None = None,
    flag_p: tuple[float, float] = (0.2, 0.95),
    flag_rpb: float = 0.2,
) -> pd.DataFrame:
    """Per-item difficulty, corrected point-biserial and review flags.

    Parameters
    ----------
    responses
        Wide, one column per item: scores (0, 1, 2; NaN = not administered), or for the
        items named in ``key`` the raw options chosen (letters; NaN = not administered;
        any other non-missing value, e.g. an omit code, counts as a wrong option).
    key
        ``{item: correct option}`` for multiple-choice items given as raw letters.
    max_score
        ``{item: maximum score}``; default the observed maximum.
    flag_p, flag_rpb
        Flag items with ``p_value`` below ``flag_p[0]`` or above ``flag_p[1]``, and items
        with ``r_item_rest`` below ``flag_rpb``.

    Returns
    -------
    DataFrame
        ``item_id, n, max_score, mean_score, p_value, r_item_rest, flag_hard, flag_easy,
        flag_low_rpb, flag_distractor, flags``. ``p_value`` = mean score / maximum;
        ``r_item_rest`` = Pearson correlation of the item with the rest score (the student's
        percent score on the other items they were administered, so booklets of different
        length are comparable); ``flag_distractor``: a wrong option has a positive option
        point-biserial (only with ``key``); ``flags``: the raised flags joined by ``;``.

    Raises
    ------
    TypeError, ValueError
        Non-numeric unkeyed items, negative scores, keys naming absent items.

    Notes
    -----
    Checked against psych::alpha's ``r.drop`` (complete data, where the percent rest score is
    the rest score) in ``tests/test_psychometrics.py``.

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"a": [1, 1, 0, 1], "b": [1, 0, 0, 1], "c": [1, 1, 0, 0]})
    >>> item_analysis(x)[["item_id", "p_value"]].to_dict("list")
    {'item_id': ['a', 'b', 'c'], 'p_value': [0.75, 0.5, 0.5]}
    """
    scores = _score_with_key(responses, key, "item_analysis")
    x = score_matrix(scores, "item_analysis")
    m = _max_scores(x, scores.columns, max_score)
    rest = _rest_scores(x, m)
    n = (~np.isnan(x)).sum(axis=0)
    mean = np.nanmean(np.where(n > 0, x, 0), axis=0)
    r = np.array([_corr(x[:, j], rest[:, j]) for j in range(x.shape[1])])
    out = pd.DataFrame(
        {
            "item_id": [str(c) for c in scores.columns],
            "n": n,
            "max_score": m,
            "mean_score": mean,
            "p_value": mean / m,
            "r_item_rest": r,
        }
    )
    out["flag_hard"] = out["p_value"] < flag_p[0]
    out["flag_easy"] = out["p_value"] > flag_p[1]
    out["flag_low_rpb"] = ~(out["r_item_rest"] >= flag_rpb)
    out["flag_distractor"] = False
    if key is not None:
        opts = distractor_analysis(responses, key, max_score=max_score)
        bad = opts.loc[~opts["is_key"] & (opts["r_option_rest"] > 0), "item_id"].unique()
        out["flag_distractor"] = out["item_id"].isin(bad)
    names = ["flag_hard", "flag_easy", "flag_low_rpb", "flag_distractor"]
    out["flags"] = (
        out[names].apply(lambda row: ";".join(f[5:] for f in names if row[f]), axis=1).astype(str)
    )
    return out


def distractor_analysis(
    responses: pd.DataFrame, key: Mapping | pd.Series, *, max_score: Mapping | None = None
) -> pd.DataFrame:
    """Per-option percentages and option point-biserials of multiple-choice items.

    Parameters
    ----------
    responses, key, max_score
        As :func:`item_analysis`; only the items in ``key`` get option rows.

    Returns
    -------
    DataFrame
        ``item_id, option, is_key, n, proportion, r_option_rest``: ``n`` students choosing the
        option, ``proportion`` of those administered the item, ``r_option_rest`` the Pearson
        correlation of choosing it with the rest score (NaN for constant choices).

    Notes
    -----
    Checked by hand-computable cases in ``tests/test_psychometrics.py``.

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"q1": ["A", "B", "A", "C"], "q2": [1, 0, 1, 0], "q3": [1, 0, 0, 1]})
    >>> distractor_analysis(x, {"q1": "A"})[["option", "n"]].to_dict("list")
    {'option': ['A', 'B', 'C'], 'n': [2, 1, 1]}
    """
    scores = _score_with_key(responses, key, "distractor_analysis")
    x = score_matrix(scores, "distractor_analysis")
    rest = _rest_scores(x, _max_scores(x, scores.columns, max_score))
    rows = []
    for item, correct in dict(key).items():
        j = scores.columns.get_loc(item)
        raw = responses[item]
        given = raw.notna().to_numpy()
        for option in sorted(raw.dropna().unique().tolist(), key=str):
            chose = (raw == option).to_numpy(dtype=float)
            rows.append(
                {
                    "item_id": str(item),
                    "option": option,
                    "is_key": option == correct,
                    "n": int(chose.sum()),
                    "proportion": chose[given].mean(),
                    "r_option_rest": _corr(np.where(given, chose, np.nan), rest[:, j]),
                }
            )
    return pd.DataFrame(
        rows, columns=["item_id", "option", "is_key", "n", "proportion", "r_option_rest"]
    )


def score_levels(
    responses: pd.DataFrame, *, items=None, max_score: Mapping | None = None
) -> pd.DataFrame:
    """Score-level statistics of constructed-response items (share and rest score per level).

    Parameters
    ----------
    responses
        Wide scores (NaN = not administered), one column per item; the rest score uses all.
    items
        The items to report (default: every column).
    max_score
        ``{item: maximum score}``; default the observed maximum.

    Returns
    -------
    DataFrame
        ``item_id, score, n, proportion, mean_rest, r_level_rest, flag_order``: students at the
        level, their share, their mean percent rest score, the point-biserial of being at the
        level with the rest score; ``flag_order`` is True on every row of an item whose mean
        rest score does not rise with the score level (a partial-credit code that does not
        order students).

    Notes
    -----
    Checked by hand-computable cases in ``tests/test_psychometrics_validity.py``.

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"a": [0, 1, 2, 2], "b": [0, 0, 1, 1], "c": [0, 1, 1, 1]})
    >>> score_levels(x, items=["a"])[["score", "n"]].to_dict("list")
    {'score': [0, 1, 2], 'n': [1, 1, 2]}
    """
    x = score_matrix(responses, "score_levels")
    m = _max_scores(x, responses.columns, max_score)
    rest = _rest_scores(x, m)
    names = [str(c) for c in responses.columns]
    chosen = names if items is None else [str(i) for i in items]
    rows = []
    for item in chosen:
        j = names.index(item)
        given = ~np.isnan(x[:, j])
        for level in range(int(m[j]) + 1):
            at = np.where(given, (x[:, j] == level).astype(float), np.nan)
            sel = at == 1
            rows.append(
                {
                    "item_id": item,
                    "score": level,
                    "n": int(sel.sum()),
                    "proportion": float(np.nanmean(at)) if given.any() else np.nan,
                    "mean_rest": float(np.nanmean(rest[sel, j])) if sel.any() else np.nan,
                    "r_level_rest": _corr(at, rest[:, j]),
                }
            )
    out = pd.DataFrame(
        rows, columns=["item_id", "score", "n", "proportion", "mean_rest", "r_level_rest"]
    )
    order = out.groupby("item_id", sort=False)["mean_rest"].apply(
        lambda s: bool((s.dropna().diff().dropna() <= 0).any())
    )
    out["flag_order"] = out["item_id"].map(order).astype(bool)
    return out


def _score_with_key(responses: pd.DataFrame, key, fn: str) -> pd.DataFrame:
    if not isinstance(responses, pd.DataFrame):
        raise TypeError(
            f"{fn}: responses must be a pandas DataFrame (got "
            f"{type(responses).__name__}); pass one column per item"
        )
    if key is None:
        return responses
    key = dict(key)
    absent = [k for k in key if k not in responses.columns]
    if absent:
        raise KeyError(
            f"{fn}: key names items not in responses ({absent[:5]}); "
            f"columns are: {list(responses.columns)[:8]}"
        )
    scored = responses.copy()
    for item, correct in key.items():
        raw = responses[item]
        scored[item] = np.where(raw.isna(), np.nan, (raw == correct).astype(float))
    return scored


def _max_scores(x: np.ndarray, columns, given: Mapping | None) -> np.ndarray:
    observed = np.nanmax(np.where(np.isnan(x), 0, x), axis=0).astype(int)
    if given is None:
        return np.maximum(observed, 1)
    m = np.array([int(given.get(c, observed[j])) for j, c in enumerate(columns)])
    too_high = [str(c) for c, o, g in zip(columns, observed, m, strict=True) if o > g]
    if too_high:
        raise ValueError(
            f"item_analysis: items {too_high[:5]} have scores above their "
            "max_score; correct max_score or the scores"
        )
    return m


def _rest_scores(x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Percent score on the other administered items (n x I); NaN where none or not taken."""
    admin = ~np.isnan(x)
    total, top = np.nansum(x, axis=1), admin @ m
    filled = np.where(admin, x, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        rest = (total[:, None] - filled) / (top[:, None] - m[None, :] * admin)
    return np.where(admin & np.isfinite(rest), rest, np.nan)


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    ok = ~(np.isnan(a) | np.isnan(b))
    if ok.sum() < 3:
        return np.nan
    a, b = a[ok] - a[ok].mean(), b[ok] - b[ok].mean()
    denom = np.sqrt((a @ a) * (b @ b))
    return float(a @ b / denom) if denom > 0 else np.nan
