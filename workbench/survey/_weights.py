"""The design's weights read in place: one row per weight (full sample first, then the
replicates), each a contiguous view of the frame's column, never a transposed copy.

A frame read from Parquet keeps its float columns in one block; the replicate columns are
then evenly spaced rows of that block and are held as one (R, n) view. Columns held apart
(``read_csv``) are held as one view each. The kernels walk the rows in chunks of
:data:`CHUNK` cases, so no (n, R+1) matrix is ever made.

Examples
--------
>>> import numpy as np
>>> import pandas as pd
>>> df = pd.DataFrame({"w": [1.0, 2.0, 3.0], "r1": [2.0, 0.0, 3.0], "r2": [0.0, 4.0, 3.0]})
>>> weights = Weights.from_frame(df, ["w", "r1", "r2"])
>>> weights.shape
(3, 3)
>>> weights.gather(np.array([2, 0]))
array([[3., 1.],
       [3., 2.],
       [3., 0.]])
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

__all__ = ["CHUNK", "Weights"]

#: cases per chunk in the kernels: 76 weights x 4,096 cases = 2.5 MB, a cache-sized block
CHUNK = 4096


class Weights:
    """Full-sample and replicate weights as ``parts``: (k_i, n) float64 arrays whose rows are
    the weights in order (row 0 of the first part is the full-sample weight)."""

    def __init__(self, parts: list[np.ndarray]) -> None:
        self.parts = parts
        self.starts = np.cumsum([0] + [p.shape[0] for p in parts])
        self.shape = (int(self.starts[-1]), parts[0].shape[1])

    @classmethod
    def from_frame(cls, data: pd.DataFrame, cols: list[str]) -> Weights:
        """Views of ``data[cols]`` as float64 (a column of another dtype is converted).

        A run of consecutive columns whose first and last are rows of one float64 block is
        read as one slice of the frame (a (k, n) view of the block); other columns one by one.
        """
        parts: list[np.ndarray] = []
        singles: list[np.ndarray] = []
        for lo, hi in _position_runs(data.columns, cols):
            if hi - lo > 2 and _rows_apart(_column(data, lo), _column(data, hi - 1), hi - lo - 1):
                parts.extend(_evenly_spaced_runs(singles) if singles else [])
                singles = []
                block = data.iloc[:, lo:hi].to_numpy(dtype=np.float64, na_value=np.nan)
                parts.append(np.ascontiguousarray(block.T))
            else:
                singles.extend(_column(data, at) for at in range(lo, hi))
        return cls(parts + (_evenly_spaced_runs(singles) if singles else []))

    @property
    def full(self) -> np.ndarray:
        """The full-sample weight, (n,)."""
        return self.parts[0][0]

    def full_only(self) -> Weights:
        """The full-sample weight alone, as a one-weight :class:`Weights`."""
        return Weights([self.parts[0][:1]])

    def column(self, r: int) -> np.ndarray:
        """Weight r (0: full sample, r: replicate r), (n,)."""
        i = int(np.searchsorted(self.starts, r, side="right")) - 1
        return self.parts[i][r - self.starts[i]]

    def extremes(self) -> tuple[np.ndarray, np.ndarray]:
        """Smallest and largest value of each weight, (R+1,) each (NaN if any is missing)."""
        low = np.concatenate([p.min(axis=1) for p in self.parts])
        high = np.concatenate([p.max(axis=1) for p in self.parts])
        return low, high

    def gather(
        self,
        index: np.ndarray | slice,
        out: np.ndarray | None = None,
        first: int = 0,
        count: int | None = None,
    ) -> np.ndarray:
        """Weights ``first .. first+count-1`` at the cases ``index``: (count, len(index)).

        ``out`` (C-contiguous, that shape) is filled and returned when given.
        """
        count = self.shape[0] - first if count is None else count
        size = len(range(*index.indices(self.shape[1]))) if isinstance(index, slice) else index.size
        if out is None:
            out = np.empty((count, size))
        for part, start in zip(self.parts, self.starts[:-1], strict=True):
            lo, hi = max(first, start), min(first + count, start + part.shape[0])
            if lo >= hi:
                continue
            rows, dest = part[lo - start : hi - start], out[lo - first : hi - first]
            if isinstance(index, slice):
                dest[...] = rows[:, index]
            else:
                np.take(rows, index, axis=1, out=dest, mode="clip")
        return out

    def take(self, rows: np.ndarray) -> np.ndarray:
        """All weights of the cases ``rows`` as an (len(rows), R+1) array (a transposed view of
        one (R+1, len(rows)) gather), for kernels that need every weight of every case."""
        return self.gather(rows).T

    def chunks(self, rows: np.ndarray) -> Iterator[tuple[slice, list[tuple[slice, np.ndarray]]]]:
        """Blocks of the cases ``rows`` (increasing): (positions in ``rows``, one
        ``(weights, (k_i, c) block)`` per part, ``weights`` the slice of the R+1 weights it holds).

        A run of consecutive cases is a view of each part (nothing copied: the full-sample weight
        and the replicates are summed apart); other cases are gathered into one buffer, reused,
        so each block is valid until the next one is produced.

        Examples
        --------
        >>> df = pd.DataFrame({"w": [1, 2, 3], "r": [0.0, 4, 3]})  # integer w: held apart
        >>> [[(w, b.tolist()) for w, b in blocks]
        ...  for _, blocks in Weights.from_frame(df, ["w", "r"]).chunks(np.array([0, 2]))]
        [[(slice(0, 1, None), [[1.0, 3.0]]), (slice(1, 2, None), [[0.0, 3.0]])]]
        """
        buffer = None
        for at in range(0, rows.size, CHUNK):
            part = rows[at : at + CHUNK]
            run = part[-1] - part[0] + 1 == part.size
            index = slice(int(part[0]), int(part[-1]) + 1) if run else part
            if not run and buffer is None:
                buffer = np.empty(self.shape[0] * min(CHUNK, rows.size))
            blocks = []
            bounds = zip(self.parts, self.starts[:-1], self.starts[1:], strict=True)
            for weights, start, stop in bounds:
                if run:
                    block = weights[:, index]
                else:
                    block = buffer[start * part.size : stop * part.size].reshape(-1, part.size)
                    np.take(weights, index, axis=1, out=block, mode="clip")
                blocks.append((slice(int(start), int(stop)), block))
            yield slice(at, at + part.size), blocks


def _column(data: pd.DataFrame, at: int) -> np.ndarray:
    """Column ``at`` of ``data`` as contiguous float64 (a view of a float64 column)."""
    values = data.iloc[:, at].to_numpy(dtype=np.float64, na_value=np.nan)
    return np.ascontiguousarray(values)


def _position_runs(columns: pd.Index, cols: list[str]) -> list[tuple[int, int]]:
    """Runs ``[lo, hi)`` of consecutive positions of ``cols`` in ``columns``, in their order.

    >>> _position_runs(pd.Index(["a", "w", "r1", "r2", "b"]), ["w", "r1", "r2", "a"])
    [(1, 4), (0, 1)]
    """
    runs: list[tuple[int, int]] = []
    for name in cols:
        at = columns.get_loc(name)
        if not isinstance(at, int):
            raise KeyError(
                f"RepDesign: weight column {name!r} appears more than once in the data; "
                "rename the copies so that each weight is read once."
            )
        if runs and runs[-1][1] == at:
            runs[-1] = (runs[-1][0], at + 1)
        else:
            runs.append((at, at + 1))
    return runs


def _evenly_spaced_runs(arrays: list[np.ndarray]) -> list[np.ndarray]:
    """Group consecutive 1-D arrays lying at a constant step in one buffer into (k, n) views."""
    parts, run = [], [arrays[0]]
    for arr in arrays[1:]:
        if _continues(run, arr):
            run.append(arr)
        else:
            parts.append(_as_block(run))
            run = [arr]
    parts.append(_as_block(run))
    return parts


def _address(arr: np.ndarray) -> int:
    return arr.__array_interface__["data"][0]


def _root(arr: np.ndarray) -> np.ndarray:
    while isinstance(arr.base, np.ndarray):
        arr = arr.base
    return arr


def _rows_apart(first: np.ndarray, last: np.ndarray, steps: int) -> bool:
    """Are ``first`` and ``last`` rows of one C-contiguous buffer, ``steps`` rows apart?"""
    root = _root(first)
    return (
        _root(last) is root
        and root.flags.c_contiguous
        and _address(last) - _address(first) == steps * first.nbytes
    )


def _continues(run: list[np.ndarray], arr: np.ndarray) -> bool:
    """Does ``arr`` sit in the buffer of ``run`` one step after its last array?"""
    root = _root(run[0])
    if _root(arr) is not root or not root.flags.c_contiguous:
        return False
    step = _address(run[1]) - _address(run[0]) if len(run) > 1 else _address(arr) - _address(run[0])
    return step >= arr.nbytes and _address(arr) - _address(run[-1]) == step


def _as_block(run: list[np.ndarray]) -> np.ndarray:
    """One (k, n) view of evenly spaced arrays (bounds checked by numpy), or the one row."""
    if len(run) == 1:
        return run[0][None, :]
    root = _root(run[0])
    step = _address(run[1]) - _address(run[0])
    return np.ndarray(
        (len(run), run[0].size),
        dtype=np.float64,
        buffer=root,
        offset=_address(run[0]) - _address(root),
        strides=(step, 8),
    )
