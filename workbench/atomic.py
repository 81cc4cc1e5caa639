"""Atomic file writes: every stage writes a temporary file, then renames it.

A reader never sees a half-written table, and a failed write leaves the old
file in place. :func:`hold_lock` keeps two processes from writing one folder at once.

Examples
--------
>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
>>> _ = write_text(target, "hello")
>>> target.read_text()
'hello'
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["write_text", "write_json", "write_parquet", "write_with", "hold_lock", "LockHeld"]


def write_with(target: Path, writer: Callable[[Path], Any]) -> Path:
    """Call ``writer(tmp)`` on a temporary path beside ``target``, then rename it to ``target``."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}", dir=target.parent
    )
    os.close(fd)
    try:
        writer(Path(tmp))
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return target


def write_text(target: Path, text: str) -> Path:
    """Write UTF-8 text atomically."""
    return write_with(target, lambda p: p.write_text(text, encoding="utf-8"))


def write_json(target: Path, obj: Any) -> Path:
    """Write JSON (UTF-8, indented, non-ASCII kept) atomically."""
    text = json.dumps(obj, ensure_ascii=False, indent=2, default=str)
    return write_text(target, text + "\n")


def write_parquet(target: Path, frame: pd.DataFrame) -> Path:
    """Write a DataFrame as Parquet (no index) atomically."""
    return write_with(target, lambda p: frame.to_parquet(p, index=False))


class LockHeld(RuntimeError):
    """Another live process holds the lock; ``holder`` is what it wrote in the lock file."""

    def __init__(self, holder: dict):
        super().__init__(f"lock held by {holder}")
        self.holder = holder


@contextlib.contextmanager
def hold_lock(path: Path, record: dict) -> Iterator[dict]:
    """Hold an exclusive lock on ``path`` (``flock``, released by the kernel if the process
    dies) with ``record`` written in it; yield what a previous holder that stopped without
    releasing it had written (``{}`` if none). The file is removed on release.

    Raises
    ------
    LockHeld
        Another process holds the lock.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> lock = pathlib.Path(tempfile.mkdtemp()) / "run.lock"
    >>> with hold_lock(lock, {"pid": 1}) as previous:
    ...     previous, lock.exists()
    ({}, True)
    >>> lock.exists()
    False
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _lock_record(fd)
            os.close(fd)
            raise LockHeld(holder) from None
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the holder removed the file as we opened it: try again
    try:
        previous = _lock_record(fd)
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(record).encode(), 0)
        yield previous
    finally:
        path.unlink(missing_ok=True)
        os.close(fd)


def _lock_record(fd: int) -> dict:
    try:
        record = json.loads(os.pread(fd, 4096, 0) or b"{}")
    except ValueError:
        return {}
    return record if isinstance(record, dict) else {}
