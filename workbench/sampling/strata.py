"""Explicit strata, allocation of schools to strata, serpentine sorting and school exclusions.

Serves the sample-design stage (``notebooks/10_sample_design.py``): the frame is split into
explicit strata, the school sample is shared out among them, and the frame is sorted within
strata (implicit stratification) before PPS systematic selection.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from workbench.sampling._validate import as_list, check_frame, some

__all__ = ["allocate", "serpentine_sort", "school_exclusions", "SMALL_STRATUM"]

#: Stratum label given to very small schools under ``small_rule="stratum"``.
SMALL_STRATUM = "small_schools"
_ALLOCATIONS = ("proportional", "equal")


def allocate(
    frame: pd.DataFrame,
    n: int,
    *,
    strata: str | Sequence[str] = (),
    size: str = "enrol_g6",
    id: str = "school_id",
    allocation: str | Mapping[str, int] = "proportional",
    minimum: int = 0,
) -> pd.DataFrame:
    """Share ``n`` schools among the explicit strata.

    ``allocation="proportional"`` shares in proportion to the stratum's total ``size``
    (enrolment), ``"equal"`` gives each stratum the same share, and a mapping
    ``{stratum label: n_h}`` fixes the numbers. With ``minimum=k`` every stratum gets at
    least ``k`` schools (oversampling small groups such as Uzbek- or Tajik-medium schools)
    and the rest is shared by the rule. No stratum gets more than its school count. The
    real-valued shares ``clip(lambda * w_h, min(k, N_h), N_h)`` (``lambda`` solved so that
    they sum to ``n``) are rounded by the largest-remainder method, ties going to the
    stratum listed first, so the integers sum to ``n``.

    Parameters
    ----------
    frame
        School frame, one row per school.
    n
        Total number of schools to sample.
    strata
        Frame columns whose combinations are the explicit strata (none: one stratum).
    size
        Measure-of-size column (grade enrolment).
    id
        School ID column.
    allocation
        ``"proportional"`` (to enrolment), ``"equal"``, or a mapping stratum label -> n_h.
    minimum
        Smallest number of schools per stratum (capped at the stratum's school count).

    Returns
    -------
    pandas.DataFrame
        One row per stratum: the ``strata`` columns, ``stratum`` (the values joined by
        ``"/"``), ``n_schools``, ``mos`` (total size), ``share`` (of total size), ``n``.

    Raises
    ------
    KeyError
        A named column is not in the frame, or a mapping names an unknown stratum.
    ValueError
        Duplicate IDs, missing or negative sizes, ``n`` or ``minimum`` infeasible, or a
        stratum with fewer schools than its fixed allocation.

    Notes
    -----
    Checked against: hand-computed largest-remainder allocations
    (``tests/test_sampling.py::test_allocation_*``).

    Examples
    --------
    >>> import pandas as pd
    >>> from workbench.sampling import allocate
    >>> frame = pd.DataFrame({"school_id": list("abcdefg"),
    ...                       "language": ["ky"] * 5 + ["uz"] * 2,
    ...                       "enrol_g6": [90, 80, 70, 60, 50, 20, 10]})
    >>> allocate(frame, 4, strata="language")[["stratum", "n_schools", "n"]]
      stratum  n_schools  n
    0      ky          5  4
    1      uz          2  0
    >>> allocate(frame, 4, strata="language", minimum=2)["n"].tolist()
    [2, 2]
    """
    strata = as_list(strata)
    mos = check_frame(frame, id=id, size=size, func="allocate", strata=strata)
    work = frame[strata].copy() if strata else pd.DataFrame(index=frame.index)
    work["stratum"] = stratum_labels(frame, strata).to_numpy()
    work["mos"] = mos
    table = _stratum_table(work, strata)
    table["n"] = allocation_counts(
        table,
        n,
        allocation=allocation,
        minimum=minimum,
        func="allocate",
        ids=(frame[id], work["stratum"]),
    )
    return table


def serpentine_sort(
    frame: pd.DataFrame, *, by: str | Sequence[str], within: str | Sequence[str] = ()
) -> pd.DataFrame:
    """Sort a frame in serpentine order (implicit stratification).

    Within each group of ``within`` (the explicit strata), the first ``by`` column is
    ascending; each further column runs ascending and descending in turn over the
    consecutive groups of the columns before it, so neighbours across a group boundary are
    alike. Ties keep their frame order.

    Parameters
    ----------
    frame
        Any frame.
    by
        Sort keys, outermost first (e.g. ``["locality", "school_type", "enrol_g6"]``).
    within
        Columns sorted ascending before ``by`` (explicit strata).

    Returns
    -------
    pandas.DataFrame
        The rows of ``frame`` in serpentine order, with a RangeIndex.

    Notes
    -----
    Checked against: a hand-sorted frame
    (``tests/test_sampling.py::test_serpentine_sort_alternates``).

    Examples
    --------
    >>> import pandas as pd
    >>> from workbench.sampling import serpentine_sort
    >>> f = pd.DataFrame({"region": ["a", "a", "b", "b", "a", "b"], "mos": [1, 2, 3, 4, 5, 6]})
    >>> serpentine_sort(f, by=["region", "mos"])["mos"].tolist()
    [1, 2, 5, 6, 4, 3]
    """
    by, within = as_list(by), as_list(within)
    missing = [c for c in by + within if c not in frame.columns]
    if missing:
        raise KeyError(
            f"serpentine_sort: the frame has no column(s) {missing}; "
            f"pass the frame's own column names (columns are: {list(frame.columns)})"
        )
    return frame.iloc[serpentine_order(frame, by, within)].reset_index(drop=True)


def school_exclusions(
    frame: pd.DataFrame,
    *,
    size: str = "enrol_g6",
    id: str = "school_id",
    small_mos: float | None = None,
    small_rule: str = "exclude",
    exclude: Sequence[object] = (),
) -> pd.DataFrame:
    """Count school-level exclusions against the target population's enrolment.

    Two kinds are counted: schools listed in ``exclude`` (e.g. special-needs schools) and,
    under ``small_rule="exclude"``, very small schools with ``size < small_mos`` (IEA
    practice excludes schools with MOS below about 3-5). Under ``small_rule="stratum"`` the
    small schools stay in the population (in a stratum of their own) and count 0 here.
    The shares are of the total ``size`` of the frame; IEA allows at most 5% exclusions in
    all (school-level plus within-school), which :func:`select_schools` enforces.

    Parameters
    ----------
    frame
        School frame.
    size
        Measure-of-size column.
    id
        School ID column.
    small_mos
        Schools with ``size`` below this are "very small" (``None``: no rule).
    small_rule
        ``"exclude"`` or ``"stratum"``.
    exclude
        IDs of schools excluded for other reasons.

    Returns
    -------
    pandas.DataFrame
        Rows ``reason`` = ``"listed"``, ``"small"``, ``"total"`` with ``n_schools``,
        ``enrolment`` and ``share`` (of the frame's total size).

    Raises
    ------
    ValueError
        Unknown IDs in ``exclude``, an unknown ``small_rule``, or the frame checks.

    Notes
    -----
    Checked against: hand counts
    (``tests/test_sampling.py::test_exclusions_count_against_enrolment``).

    Examples
    --------
    >>> import pandas as pd
    >>> from workbench.sampling import school_exclusions
    >>> f = pd.DataFrame({"school_id": ["a", "b", "c", "d"], "enrol_g6": [2, 48, 40, 10]})
    >>> school_exclusions(f, small_mos=3, exclude=["d"])
       reason  n_schools  enrolment  share
    0  listed          1       10.0   0.10
    1   small          1        2.0   0.02
    2   total          2       12.0   0.12
    """
    mos = check_frame(frame, id=id, size=size, func="school_exclusions")
    listed, small = exclusion_masks(
        frame,
        mos,
        id=id,
        small_mos=small_mos,
        small_rule=small_rule,
        exclude=exclude,
        func="school_exclusions",
    )
    rows = []
    for reason, mask in [("listed", listed), ("small", small & ~listed), ("total", listed | small)]:
        rows.append(
            {
                "reason": reason,
                "n_schools": int(mask.sum()),
                "enrolment": float(mos[mask].sum()),
                "share": float(mos[mask].sum() / mos.sum()) if mos.sum() else 0.0,
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- helpers


def stratum_labels(frame: pd.DataFrame, strata: list[str]) -> pd.Series:
    """One string label per row: the strata values joined by '/' (``"all"`` without strata)."""
    if not strata:
        return pd.Series("all", index=frame.index, dtype=object)
    parts = [frame[c].astype(str).to_numpy(dtype=object) for c in strata]
    label = parts[0]
    for part in parts[1:]:
        label = label + "/" + part
    return pd.Series(label, index=frame.index, dtype=object)


def _stratum_table(work: pd.DataFrame, strata: list[str]) -> pd.DataFrame:
    """Per-stratum school count and total size, strata in sorted label order."""
    labels = work["stratum"].to_numpy(dtype=object)
    uniq, first, inv = np.unique(labels, return_index=True, return_inverse=True)
    mos = np.bincount(inv, weights=work["mos"].to_numpy(dtype=float), minlength=len(uniq))
    table = work.iloc[first][strata].reset_index(drop=True) if strata else pd.DataFrame()
    table["stratum"] = uniq.astype(object)
    table["n_schools"] = np.bincount(inv, minlength=len(uniq))
    table["mos"] = mos
    table["share"] = mos / mos.sum() if mos.sum() else 0.0
    return table


def allocation_counts(
    table: pd.DataFrame,
    n: int,
    *,
    allocation: str | Mapping[str, int],
    minimum: int,
    func: str,
    ids: tuple[pd.Series, pd.Series],
) -> np.ndarray:
    """Integer allocation per row of a stratum table (``stratum``, ``n_schools``, ``mos``)."""
    count = table["n_schools"].to_numpy(dtype=int)
    if isinstance(allocation, Mapping):
        return _fixed_allocation(table, allocation, func, ids)
    if allocation not in _ALLOCATIONS:
        raise ValueError(
            f"{func}: unknown allocation {allocation!r}; use one of "
            f"{list(_ALLOCATIONS)} or a mapping stratum -> number of schools"
        )
    if isinstance(n, bool) or int(n) != n or not 0 < n <= count.sum():
        raise ValueError(
            f"{func}: n must be a whole number from 1 to the {count.sum()} schools "
            f"in the frame (n={n!r}); lower n"
        )
    low = np.minimum(int(minimum), count)
    if low.sum() > n:
        raise ValueError(
            f"{func}: minimum={minimum} per stratum needs {low.sum()} schools over "
            f"{len(count)} strata but n={n}; raise n, lower minimum or merge strata"
        )
    weight = (
        table["mos"].to_numpy(dtype=float) if allocation == "proportional" else np.ones(len(count))
    )
    return _largest_remainder(_clipped_shares(weight, low, count, n), count, n)


def _fixed_allocation(
    table: pd.DataFrame, allocation: Mapping[str, int], func: str, ids: tuple[pd.Series, pd.Series]
) -> np.ndarray:
    unknown = [k for k in allocation if k not in set(table["stratum"])]
    if unknown:
        raise KeyError(
            f"{func}: allocation names unknown strata {unknown} (strata are "
            f"{list(table['stratum'])[:10]}); use the stratum labels"
        )
    wanted = table["stratum"].map(lambda s: int(allocation.get(s, 0))).to_numpy()
    short = table.loc[wanted > table["n_schools"], "stratum"].tolist()
    if short:
        school_ids, labels = ids
        named = some(school_ids[labels.isin(short).to_numpy()])
        raise ValueError(
            f"{func}: strata {short} have fewer schools than their allocation "
            f"({dict((s, allocation[s]) for s in short)}; their schools: {named}); "
            "lower the allocation or merge the stratum with a neighbour"
        )
    return wanted


def _clipped_shares(weight: np.ndarray, low: np.ndarray, high: np.ndarray, n: int) -> np.ndarray:
    """Real shares clip(lam * weight, low, high) summing to n (lam found by bisection)."""
    lo, hi = 0.0, 1.0
    while np.clip(hi * weight, low, high).sum() < n:
        hi *= 2.0
    for _ in range(120):
        mid = (lo + hi) / 2
        if np.clip(mid * weight, low, high).sum() < n:
            lo = mid
        else:
            hi = mid
    return np.clip(hi * weight, low, high)


def _largest_remainder(share: np.ndarray, cap: np.ndarray, n: int) -> np.ndarray:
    out = np.floor(share + 1e-9).astype(int)
    remainder = np.where(out < cap, share - out, -np.inf)
    order = np.argsort(-remainder, kind="stable")
    out[order[: n - out.sum()]] += 1
    return out


def serpentine_order(frame: pd.DataFrame, by: list[str], within: list[str]) -> np.ndarray:
    """Row positions of ``frame`` in serpentine order (see :func:`serpentine_sort`)."""

    def codes(col: str) -> np.ndarray:
        return pd.factorize(frame[col], sort=True)[0].astype(np.int64)

    fixed = [codes(c) for c in within]
    signed: list[np.ndarray] = []
    tie = np.arange(len(frame))
    for j, col in enumerate(by):
        code = codes(col)
        if j > 0:
            order = np.lexsort([tie, *reversed(fixed + signed)])
            keys = np.column_stack(fixed + signed)[order]
            changed = np.r_[True, (keys[1:] != keys[:-1]).any(axis=1)]
            run = np.cumsum(changed) - 1
            if fixed:
                parent = np.column_stack(fixed)[order]
                new_parent = np.r_[True, (parent[1:] != parent[:-1]).any(axis=1)]
                run = run - np.maximum.accumulate(np.where(new_parent, run, 0))
            parity = np.empty(len(frame), dtype=np.int64)
            parity[order] = run % 2
            code = np.where(parity == 1, -code, code)
        signed.append(code)
    return np.lexsort([tie, *reversed(fixed + signed)])


def exclusion_masks(
    frame: pd.DataFrame,
    mos: np.ndarray,
    *,
    id: str,
    small_mos: float | None,
    small_rule: str,
    exclude: Sequence[object],
    func: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks (listed, small) over the frame's rows."""
    if small_rule not in ("exclude", "stratum"):
        raise ValueError(f"{func}: unknown small_rule {small_rule!r}; use 'exclude' or 'stratum'")
    exclude = list(exclude)
    unknown = [x for x in exclude if x not in set(frame[id])]
    if unknown:
        raise ValueError(
            f"{func}: exclude lists IDs not in column {id!r}: {some(unknown)}; "
            "check the IDs against the frame"
        )
    listed = frame[id].isin(exclude).to_numpy()
    small = np.zeros(len(frame), dtype=bool)
    if small_mos is not None and small_rule == "exclude":
        small = mos < small_mos
    return listed, small


def warn_zero_size(
    frame: pd.DataFrame, mos: np.ndarray, *, id: str, size: str, func: str
) -> np.ndarray:
    """Mask of schools kept (size > 0), warning about those dropped."""
    zero = mos == 0
    if zero.any():
        warnings.warn(
            f"{func}: dropped schools with {size}=0 {some(frame.loc[zero, id])}; "
            "assumed they have no students in the target grade",
            stacklevel=3,
        )
    return ~zero
