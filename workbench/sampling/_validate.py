"""Input checks shared by the sampling functions (private).

Every check raises before anything is drawn, with the message form of STYLE.md:
``<function>: <what is wrong> (<what was given>); <what to do>``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

_SHOW = 5


def some(values: Iterable[object], noun: str = "schools") -> str:
    """Name the first few values and the count, e.g. ``['s1', 's2', …] (7 schools)``."""
    values = list(values)
    shown = ", ".join(repr(v) for v in values[:_SHOW])
    more = ", …" if len(values) > _SHOW else ""
    return f"[{shown}{more}] ({len(values)} {noun})"


def as_list(columns: str | Sequence[str] | None) -> list[str]:
    """A column argument as a list: ``None`` -> ``[]``, ``"a"`` -> ``["a"]``."""
    if columns is None:
        return []
    if isinstance(columns, str):
        return [columns]
    return list(columns)


def check_columns(frame: pd.DataFrame, columns: dict[str, list[str]], func: str) -> None:
    """Raise KeyError naming each argument whose column(s) the frame lacks."""
    missing = {arg: [c for c in cols if c not in frame.columns] for arg, cols in columns.items()}
    missing = {arg: cols for arg, cols in missing.items() if cols}
    if missing:
        named = "; ".join(f"{arg}={cols}" for arg, cols in missing.items())
        shown = ", ".join(map(str, list(frame.columns)[:12]))
        raise KeyError(
            f"{func}: the frame has no column(s) named by {named} (columns are: {shown}); "
            "pass the frame's own column names"
        )


def check_ids(frame: pd.DataFrame, id: str, func: str) -> None:
    """Raise ValueError when school IDs are missing or duplicated."""
    ids = frame[id]
    if ids.isna().any():
        rows = list(frame.index[ids.isna()])
        raise ValueError(
            f"{func}: column {id!r} has missing IDs at rows {some(rows, 'rows')}; "
            "give every school an ID"
        )
    dup = ids[ids.duplicated(keep=False)].unique()
    if len(dup):
        raise ValueError(
            f"{func}: duplicate IDs in column {id!r}: {some(dup)}; "
            "each school must appear once in the frame"
        )


def check_size(frame: pd.DataFrame, size: str, id: str, func: str) -> np.ndarray:
    """Return the size column as float; raise on missing, non-numeric or negative values."""
    values = pd.to_numeric(frame[size], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        raise ValueError(
            f"{func}: missing or non-numeric {size!r} for schools "
            f"{some(frame.loc[bad, id])}; fill in the measure of size or drop these schools"
        )
    if (values < 0).any():
        raise ValueError(
            f"{func}: negative {size!r} for schools {some(frame.loc[values < 0, id])}; "
            "correct the measure of size"
        )
    return values


def check_frame(
    frame: pd.DataFrame, *, id: str, size: str, func: str, **columns: list[str]
) -> np.ndarray:
    """Columns, IDs and size together; returns the size column as float."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{func}: frame must be a pandas DataFrame (got {type(frame).__name__})")
    check_columns(frame, {"id": [id], "size": [size], **columns}, func)
    check_ids(frame, id, func)
    check_strata_values(frame, columns.get("strata", []), id, func)
    return check_size(frame, size, id, func)


def check_strata_values(frame: pd.DataFrame, strata: list[str], id: str, func: str) -> None:
    """Raise ValueError when a stratification column has missing values."""
    for col in strata:
        gap = frame[col].isna().to_numpy()
        if gap.any():
            raise ValueError(
                f"{func}: missing {col!r} (a stratum column) for schools "
                f"{some(frame.loc[gap, id])}; fill it in before stratifying"
            )
