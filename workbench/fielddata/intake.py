"""Take in a batch of field returns: read, validate, quarantine, log (field-data stage).

:func:`intake` is the one call a notebook makes per table: every file is read and
validated; a file with a whole-file problem is *rejected* (logged with its one-line
message, the batch goes on); row problems are quarantined. Counts reconcile per file and
for the batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from workbench.fielddata.errors import FieldDataError
from workbench.fielddata.quarantine import LOG_COLUMNS, write_intake_log, write_quarantine
from workbench.fielddata.readers import read_field_file, sha256_file
from workbench.fielddata.schema import Schema
from workbench.fielddata.validate import ISSUE_COLUMNS, Reconciliation, validate

__all__ = ["IntakeResult", "intake"]


@dataclass(frozen=True, eq=False)
class IntakeResult:
    """Result of :func:`intake`.

    Attributes
    ----------
    accepted
        Accepted rows of all files, typed, with ``_source_file`` and ``_source_row``.
    quarantined
        Quarantined rows of all files (``file, row, column, value, reason`` + the record).
    issues
        One row per problem: ``file, row, column, value, reason``.
    log
        One row per file: :data:`~workbench.fielddata.quarantine.LOG_COLUMNS`.
    reconciliation
        Batch counts over files that were read (rejected files count in the log only).
    """

    accepted: pd.DataFrame
    quarantined: pd.DataFrame
    issues: pd.DataFrame
    log: pd.DataFrame
    reconciliation: Reconciliation


def intake(paths: Iterable[str | Path], schema: Schema, *,
           known_ids: Mapping[str, Iterable] | None = None,
           quarantine_path: str | Path | None = None,
           log_path: str | Path | None = None) -> IntakeResult:
    """Read and validate field returns; write the quarantine file and the intake log.

    Parameters
    ----------
    paths
        Raw files (CSV, XLSX, SAV); never modified.
    schema
        Declared table all files must follow.
    known_ids
        Id sets for ``Column.references`` (see :func:`~workbench.fielddata.validate`).
    quarantine_path, log_path
        Where to write the quarantine CSV and the intake log CSV (atomically); None skips.

    Returns
    -------
    IntakeResult
        ``log`` status is ``accepted``, ``partly quarantined``, ``all quarantined`` or
        ``rejected`` (a whole-file problem; ``message`` says which).

    Examples
    --------
    >>> import tempfile, pathlib, warnings
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.csv").write_text("IDSTUD,AGE\\n1,12\\n2,x\\n", encoding="utf-8")
    >>> _ = (d / "b.csv").write_text("", encoding="utf-8")
    >>> s = Schema(name="students", columns=[{"name": "IDSTUD", "type": "int"},
    ...                                      {"name": "AGE", "type": "int"}])
    >>> r = intake([d / "a.csv", d / "b.csv"], s)
    >>> r.log[["rows_read", "rows_accepted", "rows_quarantined", "status"]].values.tolist()
    [[2, 1, 1, 'partly quarantined'], [0, 0, 0, 'rejected']]
    """
    known_ids = dict(known_ids or {})
    accepted, quarantined, issues, log = [], [], [], []
    for path in paths:
        entry, result = _intake_one(Path(path), schema, known_ids)
        log.append(entry)
        if result is not None:
            accepted.append(result.accepted)
            quarantined.append(result.quarantined)
            issues.append(result.issues)
    log_df = pd.DataFrame(log, columns=LOG_COLUMNS)
    acc = _concat(accepted)
    quar = _concat(quarantined, ISSUE_COLUMNS)
    recon = Reconciliation(read=int(log_df["rows_read"].sum()), accepted=len(acc),
                           quarantined=len(quar))
    if quarantine_path is not None:
        write_quarantine(quar, quarantine_path)
    if log_path is not None:
        write_intake_log(log_df, log_path)
    return IntakeResult(acc, quar, _concat(issues, ISSUE_COLUMNS), log_df, recon)


def _intake_one(path: Path, schema: Schema, known_ids: dict) -> tuple[dict, object]:
    entry = {"file": str(path), "sha256": "", "format": path.suffix.lower().lstrip("."),
             "encoding": "", "rows_read": 0, "rows_accepted": 0, "rows_quarantined": 0}
    try:
        raw = read_field_file(path)
        entry.update(sha256=raw.sha256, format=raw.format, encoding=raw.encoding or "")
        result = validate(raw.frame, schema, known_ids=known_ids)
    except FieldDataError as exc:
        if path.is_file():
            entry["sha256"] = sha256_file(path)
        return {**entry, "status": "rejected", "message": str(exc)}, None
    rec = result.reconciliation
    status = "accepted" if rec.quarantined == 0 else "partly quarantined"
    if rec.accepted == 0:
        status = "all quarantined"
    entry.update(rows_read=rec.read, rows_accepted=rec.accepted,
                 rows_quarantined=rec.quarantined, status=status,
                 message=" | ".join(result.warnings))
    return entry, result


def _concat(frames: list[pd.DataFrame], columns: list[str] | None = None) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=columns or [])
    return pd.concat(frames, ignore_index=True)
