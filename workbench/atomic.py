"""Atomic file writes: every stage writes a temporary file, then renames it.

A reader never sees a half-written table, and a failed write leaves the old
file in place.

Examples
--------
>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
>>> _ = write_text(target, "hello")
>>> target.read_text()
'hello'
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["write_text", "write_json", "write_parquet", "write_with"]


def write_with(target: Path, writer: Callable[[Path], Any]) -> Path:
    """Call ``writer(tmp)`` on a temporary path beside ``target``, then rename it to ``target``."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}",
                               dir=target.parent)
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
