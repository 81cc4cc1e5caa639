"""Input checks shared by the weighting functions (private).

Messages follow STYLE.md: ``<function>: <what is wrong> (<what was given>); <what to do>``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

_SHOW = 5


def some(values: Iterable[object], noun: str = "rows") -> str:
    """Name the first few values and the count, e.g. ``['a', 'b', …] (7 rows)``."""
    values = [v.item() if isinstance(v, np.generic) else v for v in values]
    shown = ", ".join(repr(v) for v in values[:_SHOW])
    more = ", …" if len(values) > _SHOW else ""
    return f"[{shown}{more}] ({len(values)} {noun})"


def check_frame(data: object, func: str, name: str = "data") -> None:
    """Raise TypeError unless ``data`` is a DataFrame."""
    if not isinstance(data, pd.DataFrame):
        raise TypeError(
            f"{func}: {name} must be a pandas DataFrame ({type(data).__name__} "
            "given); wrap it with pd.DataFrame(...)"
        )


def check_columns(data: pd.DataFrame, func: str, **columns: str | None) -> None:
    """Raise KeyError naming each argument whose column the frame lacks."""
    check_frame(data, func)
    missing = {
        arg: col for arg, col in columns.items() if col is not None and col not in data.columns
    }
    if missing:
        named = ", ".join(f"{arg}={col!r}" for arg, col in missing.items())
        shown = ", ".join(map(str, list(data.columns)[:12]))
        raise KeyError(
            f"{func}: no column named by {named} (columns are: {shown}); "
            "pass the frame's own column names"
        )


def as_flag(data: pd.DataFrame, column: str, func: str) -> np.ndarray:
    """A boolean column as a numpy bool array; missing or non-boolean values raise."""
    values = data[column]
    bad = ~values.isin([True, False, 0, 1]) | values.isna()
    if bad.any():
        raise ValueError(
            f"{func}: column {column!r} must be True/False "
            f"(found {some(values[bad].unique(), 'values')}); code it as bool"
        )
    return values.astype(bool).to_numpy()


def as_weight(data: pd.DataFrame, column: str, func: str, *, positive: bool = False) -> np.ndarray:
    """A weight or probability column as float; missing, negative or infinite values raise."""
    values = pd.to_numeric(data[column], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values <= 0 if positive else values < 0)
    if bad.any():
        what = "positive" if positive else "non-negative"
        raise ValueError(
            f"{func}: column {column!r} must be finite and {what} "
            f"(bad at rows {some(data.index[bad])}); fix or drop those rows"
        )
    return values


def check_unique(data: pd.DataFrame, columns: list[str], func: str) -> None:
    """Raise ValueError when the key ``columns`` is duplicated."""
    dup = data.duplicated(columns, keep=False)
    if dup.any():
        keys = data.loc[dup, columns].drop_duplicates().itertuples(index=False, name=None)
        raise ValueError(
            f"{func}: duplicate keys {columns} {some(keys, 'keys')}; each unit must appear once"
        )
