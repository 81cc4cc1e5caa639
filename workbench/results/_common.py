"""Shared pieces of the results exhibits (stage: results): groups, stacking, inference, labels.

Every exhibit is a tidy table with one row per reporting group (and statistic): ``group_var``
(``"all"`` for the nation), ``group`` (the group's code as text), the statistic's key
columns, ``estimate, se, ci_lower, ci_upper, df, n, n_schools``; the reporting rules
(:mod:`workbench.results.rules`) add ``flags``; :mod:`workbench.results.labelling` adds
``label_ky, label_ru, label_en``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "GROUPS",
    "GROUP_CODES",
    "NATIONAL",
    "SCHOOL",
    "stack",
    "inference",
    "group_code",
]

#: the reporting groups of a Sabat-6 cycle (columns of ``student_results``)
GROUPS: tuple[str, ...] = ("region", "locality", "language", "school_type", "ITSEX")
#: codes shown for numeric group columns (ITSEX: 1 = girl, 2 = boy)
GROUP_CODES: dict[str, dict[object, str]] = {"ITSEX": {1: "girl", 2: "boy"}}
#: ``group_var`` and ``group`` of the national row
NATIONAL = "all"
#: school identifier column (for ``n_schools``)
SCHOOL = "IDSCHOOL"


def group_code(group_var: str, value: object) -> str:
    """The code of one group as text: ``ITSEX`` 1 -> ``girl``; 2.0 -> ``"2"``; else ``str``.

    Examples
    --------
    >>> group_code("ITSEX", 1), group_code("ITSEX", "2"), group_code("books", 3.0)
    ('girl', 'boy', '3')
    """
    codes = GROUP_CODES.get(group_var, {})
    if codes and isinstance(value, str) and value.lstrip("-").isdigit():
        value = int(value)
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)
    if isinstance(value, (np.integer,)):
        value = int(value)
    return codes.get(value, str(value))


def stack(
    design,
    fn: Callable[[object, str | None], pd.DataFrame],
    groups: Sequence[str],
    *,
    variable: str,
) -> pd.DataFrame:
    """The nation and every reporting group, one table: ``group_var, group`` then ``fn``'s.

    ``fn(design, by)`` returns a RepDesign table (``by`` is ``None`` for the nation). Adds
    ``n_schools``: the schools with at least one case of ``variable`` in the group.
    """
    parts = []
    for group_var in [None, *groups]:
        table = fn(design, group_var)
        if group_var is None:
            keys = pd.Series([NATIONAL] * len(table), index=table.index)
        else:
            keys = table.pop(group_var).map(lambda v, g=group_var: group_code(g, v))
        table.insert(0, "group", keys.astype(str).to_numpy())
        table.insert(0, "group_var", group_var or NATIONAL)
        parts.append(table)
    out = pd.concat(parts, ignore_index=True)
    schools = school_counts(design, groups, variable=variable)
    return out.merge(schools, on=["group_var", "group"], how="left")


def school_counts(design, groups: Sequence[str], *, variable: str) -> pd.DataFrame:
    """``group_var, group, n_schools``: schools with a case of ``variable`` in each group."""
    data = design.data
    if SCHOOL not in data.columns:
        rows = [{"group_var": NATIONAL, "group": NATIONAL, "n_schools": np.nan}]
        return pd.DataFrame(rows)
    cols = design.pvs.get(variable, [variable])
    used = (
        data[cols].notna().all(axis=1)
        if set(cols) <= set(data.columns)
        else pd.Series(True, index=data.index)
    )
    rows = [
        {
            "group_var": NATIONAL,
            "group": NATIONAL,
            "n_schools": int(data.loc[used, SCHOOL].nunique()),
        }
    ]
    for group_var in groups:
        counts = data.loc[used].groupby(group_var, observed=True)[SCHOOL].nunique()
        rows += [
            {"group_var": group_var, "group": group_code(group_var, k), "n_schools": int(v)}
            for k, v in counts.items()
        ]
    out = pd.DataFrame(rows)
    out["n_schools"] = out["n_schools"].astype("Int64")
    return out


def inference(
    table: pd.DataFrame, *, level: float = 0.95, df: float | None = None, p_value: bool = True
) -> pd.DataFrame:
    """Make sure a table has ``df, ci_lower, ci_upper, p_value`` (H0: estimate = 0).

    Columns the estimation engine already returned are kept as they are (``p_value=False``:
    no p-value is added, for statistics where H0: 0 means nothing). A missing ``df``
    is filled with ``df`` (``None``: infinite, a normal interval); intervals use the t
    quantile with the row's df.

    Examples
    --------
    >>> t = inference(pd.DataFrame({"estimate": [10.0], "se": [5.0]}), df=30)
    >>> t[["ci_lower", "ci_upper"]].round(3).iloc[0].tolist(), round(float(t["p_value"][0]), 4)
    ([-0.211, 20.211], 0.0546)
    """
    if not 0 < level < 1:
        raise ValueError(f"inference: level must lie between 0 and 1 ({level!r}); use 0.95.")
    out = table.copy()
    if "df" not in out.columns:
        out["df"] = np.inf if df is None else float(df)
    dof = out["df"].astype(float).fillna(np.inf).to_numpy()
    est, se = out["estimate"].to_numpy(float), out["se"].to_numpy(float)
    crit = stats.t.ppf(0.5 + level / 2, dof)
    if "ci_lower" not in out.columns or "ci_upper" not in out.columns:
        out["ci_lower"], out["ci_upper"] = est - crit * se, est + crit * se
    if p_value and "p_value" not in out.columns:
        with np.errstate(divide="ignore", invalid="ignore"):
            out["p_value"] = 2 * stats.t.sf(np.abs(est / se), dof)
    return out
