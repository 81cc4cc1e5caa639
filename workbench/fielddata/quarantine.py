"""Write quarantine files and the intake log, atomically (field-data stage).

Every file is written to a temporary file in the target folder and then moved into place
with :func:`os.replace`, so a reader never sees a half-written file and an interrupted run
leaves the previous version intact.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from workbench.fielddata.validate import ISSUE_COLUMNS, ValidationResult

__all__ = ["atomic_write", "write_quarantine", "write_intake_log", "LOG_COLUMNS"]

LOG_COLUMNS = [
    "file",
    "sha256",
    "format",
    "encoding",
    "rows_read",
    "rows_accepted",
    "rows_quarantined",
    "status",
    "message",
    "code",
    "values",
]


def atomic_write(path: str | Path, write: Callable[[Path], object]) -> Path:
    """Write ``path`` through ``write(tmp_path)`` then ``os.replace`` it into place.

    Parameters
    ----------
    path
        Final file; its folder is created if needed.
    write
        Callable that writes the whole content to the temporary path it is given.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "out" / "note.txt"
    >>> _ = atomic_write(p, lambda tmp: tmp.write_text("done", encoding="utf-8"))
    >>> p.read_text(encoding="utf-8"), [f.name for f in p.parent.iterdir()]
    ('done', ['note.txt'])
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_quarantine(quarantined: ValidationResult | pd.DataFrame, path: str | Path) -> Path:
    """Write quarantined rows to a UTF-8 CSV, one row per quarantined record.

    Parameters
    ----------
    quarantined
        A :class:`ValidationResult` (its ``quarantined`` frame is written) or such a frame.
    path
        Target CSV (written atomically).

    Returns
    -------
    Path
        The CSV has ``file, row, column, value, reason`` first, then the record as read.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> q = pd.DataFrame({"file": ["a.csv"], "row": [4], "column": ["SEX"], "value": ["7"],
    ...                   "reason": ["SEX code not allowed (allowed: 1, 2)"], "SEX": ["7"]})
    >>> p = write_quarantine(q, pathlib.Path(tempfile.mkdtemp()) / "quarantine.csv")
    >>> p.read_text(encoding="utf-8").splitlines()[1]
    'a.csv,4,SEX,7,"SEX code not allowed (allowed: 1, 2)",7'
    """
    frame = quarantined.quarantined if isinstance(quarantined, ValidationResult) else quarantined
    missing = [c for c in ISSUE_COLUMNS if c not in frame.columns]
    if missing:
        raise KeyError(
            f"write_quarantine: columns {missing} are missing (columns: "
            f"{list(frame.columns)[:10]}); pass ValidationResult.quarantined"
        )
    frame = frame.loc[:, ~frame.columns.duplicated()]
    return atomic_write(path, lambda tmp: frame.to_csv(tmp, index=False, encoding="utf-8"))


def write_intake_log(log: pd.DataFrame, path: str | Path) -> Path:
    """Write the intake log (one row per file) to a UTF-8 CSV, atomically.

    Parameters
    ----------
    log
        Frame with :data:`LOG_COLUMNS` (as made by :func:`workbench.fielddata.intake`); a log
        of before the ``code`` and ``values`` columns is written with them empty.
    path
        Target CSV.

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> log = pd.DataFrame([dict(file="a.csv", sha256="ab", format="csv", encoding="utf-8",
    ...     rows_read=3, rows_accepted=2, rows_quarantined=1, status="partly quarantined",
    ...     message="", code="", values="")])
    >>> p = write_intake_log(log, pathlib.Path(tempfile.mkdtemp()) / "intake_log.csv")
    >>> pd.read_csv(p)["rows_read"].tolist()
    [3]
    """
    log = log.assign(**{c: "" for c in ("code", "values") if c not in log})
    missing = [c for c in LOG_COLUMNS if c not in log.columns]
    if missing:
        raise KeyError(
            f"write_intake_log: columns {missing} are missing (columns: "
            f"{list(log.columns)}); build the log with fielddata.intake"
        )
    out = log[LOG_COLUMNS]
    return atomic_write(path, lambda tmp: out.to_csv(tmp, index=False, encoding="utf-8"))
