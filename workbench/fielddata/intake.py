"""Take in a batch of field returns: read, validate, quarantine, log (field-data stage).

:func:`intake` is the one call a notebook makes per table: every file is read and
validated; a file with a whole-file problem is *rejected* (logged with its one-line
message, the batch goes on); row problems are quarantined. Counts reconcile per file and
for the batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.fielddata.errors import FieldDataError
from workbench.fielddata.messages import coded, joined, message
from workbench.fielddata.quarantine import LOG_COLUMNS, write_intake_log, write_quarantine
from workbench.fielddata.readers import (
    FieldFile,
    read_csv_chunks,
    read_field_file,
    read_xlsx_chunks,
    sha256_file,
)
from workbench.fielddata.schema import Schema
from workbench.fielddata.validate import (
    CODED,
    ISSUE_COLUMNS,
    Reconciliation,
    ValidationResult,
    normalize_id,
    validate,
)

__all__ = ["IntakeResult", "intake", "quarantine_rows"]

_SOURCE = ["_source_file", "_source_row"]


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
        One row per problem: ``file, row, column, value, reason, code, values`` (the
        reason's code and values, :func:`~workbench.fielddata.messages.coded`).
    log
        One row per file: :data:`~workbench.fielddata.quarantine.LOG_COLUMNS` (the
        ``message`` with its ``code`` and ``values``).
    reconciliation
        Batch counts over files that were read (rejected files count in the log only).
    """

    accepted: pd.DataFrame
    quarantined: pd.DataFrame
    issues: pd.DataFrame
    log: pd.DataFrame
    reconciliation: Reconciliation


def intake(
    paths: Iterable[str | Path],
    schema: Schema,
    *,
    known_ids: Mapping[str, Iterable] | None = None,
    quarantine_path: str | Path | None = None,
    log_path: str | Path | None = None,
    chunk_rows: int = 100_000,
) -> IntakeResult:
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
    chunk_rows
        CSV and XLSX files are read and validated this many rows at a time (bounded memory: a
        million-row file never exists as text in memory at once); keys repeated across
        chunks are quarantined as within one piece.

    Returns
    -------
    IntakeResult
        ``log`` status is ``accepted``, ``partly quarantined``, ``all quarantined`` or
        ``rejected`` (a whole-file problem, or a file with the same bytes as one read before;
    ``message`` says which). Rows whose key (``Schema.unique``, after
    :func:`~workbench.fielddata.validate.normalize_id`: leading zeros, look-alike letters,
    invisible characters) repeats in another file are quarantined, naming both sources.

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
    seen: dict[str, Path] = {}
    for path in paths:
        entry, result = _intake_one(Path(path), schema, known_ids, seen, chunk_rows)
        log.append(entry)
        if result is not None:
            accepted.append(result.accepted)
            quarantined.append(result.quarantined)
            issues.append(result.issues)
    log_df = pd.DataFrame(log, columns=LOG_COLUMNS)
    acc = _concat(accepted, [c.name for c in schema.columns] + _SOURCE)
    quar = _concat(quarantined, ISSUE_COLUMNS)
    recon = Reconciliation(
        read=int(log_df["rows_read"].sum()), accepted=len(acc), quarantined=len(quar)
    )
    result = IntakeResult(acc, quar, _concat(issues, ISSUE_COLUMNS + CODED), log_df, recon)
    result = _unique_across_files(result, schema)
    if quarantine_path is not None:
        write_quarantine(result.quarantined, quarantine_path)
    if log_path is not None:
        write_intake_log(result.log, log_path)
    return result


def quarantine_rows(result: IntakeResult, mask, *, column: str, reason, value=None) -> IntakeResult:
    """Move accepted rows to quarantine after a check across files; the counts stay right.

    Parameters
    ----------
    result
        An intake result.
    mask
        Boolean, one per accepted row: the rows to quarantine.
    column
        The column the problem is in (as issues name it).
    reason
        One reason for all, or one per accepted row (a Series of ``object`` dtype keeps each
        :func:`~workbench.fielddata.messages.message`'s code and values).
    value
        The cell shown in the issue (default: the accepted value of ``column``).

    Returns
    -------
    IntakeResult
        Accepted rows without those, quarantined and issues with them, the log's per-file
        counts and statuses updated.

    Examples
    --------
    >>> s = Schema(name="t", columns=[{"name": "ID", "type": "int"}])
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "a.csv").write_text("ID\\n1\\n2\\n")
    >>> r = intake([d / "a.csv"], s)
    >>> r = quarantine_rows(r, r.accepted["ID"] == 2, column="ID", reason="checked elsewhere")
    >>> r.reconciliation, r.log["status"].tolist()
    (Reconciliation(read=2, accepted=1, quarantined=1), ['partly quarantined'])
    """
    acc = result.accepted
    mask = pd.Series(mask, index=acc.index).fillna(False).astype(bool).to_numpy()
    if not mask.any():
        return result
    moved = acc.loc[mask]
    reasons = (
        pd.Series(reason, index=acc.index, dtype=object)[mask]
        if not isinstance(reason, str)
        else pd.Series([reason] * len(moved), index=moved.index, dtype=object)
    )
    said = [coded(r) for r in reasons]
    if value is None:
        shown = (
            moved[column].astype(object).where(moved[column].notna(), "").astype(str)
            if column in moved
            else pd.Series("", index=moved.index)
        )
    else:
        shown = pd.Series(value, index=acc.index)[mask].astype(str)
    new_issues = pd.DataFrame(
        {
            "file": moved["_source_file"].astype(str).to_numpy(),
            "row": moved["_source_row"].to_numpy(),
            "column": column,
            "value": shown.to_numpy(),
            "reason": reasons.astype(str).to_numpy(),
            "code": [c for c, _ in said],
            "values": [v for _, v in said],
        }
    )
    record = moved.drop(columns=[c for c in ISSUE_COLUMNS if c in moved]).astype(object)
    new_quar = pd.concat(
        [new_issues[ISSUE_COLUMNS].reset_index(drop=True), record.reset_index(drop=True)], axis=1
    )
    quar = _concat([result.quarantined, new_quar], ISSUE_COLUMNS)
    issues = _concat([result.issues, new_issues], ISSUE_COLUMNS + CODED)
    log = result.log.copy()
    per_file = new_issues["file"].value_counts()
    hit = log["file"].isin(per_file.index)
    log.loc[hit, "rows_accepted"] -= log.loc[hit, "file"].map(per_file).astype(int)
    log.loc[hit, "rows_quarantined"] += log.loc[hit, "file"].map(per_file).astype(int)
    log.loc[hit, "status"] = "partly quarantined"
    log.loc[hit & (log["rows_accepted"] == 0), "status"] = "all quarantined"
    kept = acc.loc[~mask].reset_index(drop=True)
    recon = Reconciliation(
        read=result.reconciliation.read, accepted=len(kept), quarantined=len(quar)
    )
    return IntakeResult(kept, quar, issues, log, recon)


def _unique_across_files(result: IntakeResult, schema: Schema) -> IntakeResult:
    """Quarantine accepted rows whose (normalised) key repeats in another file."""
    acc = result.accepted
    if acc.empty or acc["_source_file"].nunique() < 2:
        return result
    for key in schema.unique:
        if not all(k in acc for k in key):
            continue
        norm = pd.DataFrame(
            {
                k: normalize_id(
                    acc[k].astype(object).where(acc[k].notna(), ""),
                    numeric=schema.column(k).type != "str",
                )
                for k in key
            }
        )
        label = norm[key[0]]
        for k in key[1:]:
            label = label + "+" + norm[k]
        dup = label.duplicated(keep=False) & (norm != "").all(axis=1)
        files = acc.groupby(label)["_source_file"].transform("nunique")
        dup &= files > 1
        if not dup.any():
            continue
        where = acc["_source_file"].map(_name) + " row " + acc["_source_row"].astype(str)
        sources = where[dup].groupby(label[dup]).agg(", ".join)
        said = {
            one: message("duplicate_across_files", key="+".join(key), sources=found)
            for one, found in sources.items()
        }
        reason = pd.Series([said.get(one, "") for one in label], index=acc.index, dtype=object)
        result = quarantine_rows(result, dup, column="+".join(key), reason=reason, value=label)
        acc = result.accepted
    return result


def _intake_one(
    path: Path, schema: Schema, known_ids: dict, seen: dict[str, Path], chunk_rows: int
) -> tuple[dict, object]:
    entry = {
        "file": str(path),
        "sha256": "",
        "format": path.suffix.lower().lstrip("."),
        "encoding": "",
        "rows_read": 0,
        "rows_accepted": 0,
        "rows_quarantined": 0,
    }
    if path.is_file():
        digest = sha256_file(path)
        entry["sha256"] = digest
        if digest in seen and path.stat().st_size:
            said = message("delivered_twice", other=_name(seen[digest]), name=path.name)
            return _logged(entry, "rejected", said), None
        seen.setdefault(digest, path)
    try:
        raw, result = _read_and_validate(path, schema, known_ids, chunk_rows)
        entry.update(sha256=raw.sha256, format=raw.format, encoding=raw.encoding or "")
    except FieldDataError as exc:
        return _logged(entry, "rejected", exc.args[0] if exc.args else str(exc)), None
    except (ValueError, TypeError, KeyError, OSError, IndexError) as exc:
        said = message("unreadable", name=path.name, error=type(exc).__name__)
        return _logged(entry, "rejected", said), None
    rec = result.reconciliation
    status = "accepted" if rec.quarantined == 0 else "partly quarantined"
    if rec.accepted == 0:
        status = "all quarantined"
    entry.update(rows_read=rec.read, rows_accepted=rec.accepted, rows_quarantined=rec.quarantined)
    return _logged(entry, status, joined([*raw.notes, *result.warnings])), result


def _logged(entry: dict, status: str, said: str) -> dict:
    """A log row: ``status``, the ``message`` and its ``code`` and ``values``."""
    code, values = coded(said)
    return {**entry, "status": status, "message": str(said), "code": code, "values": values}


def _read_and_validate(
    path: Path, schema: Schema, known_ids: dict, chunk_rows: int
) -> tuple[FieldFile, ValidationResult]:
    """Read one file (CSV and XLSX in chunks) and validate it piece by piece."""
    chunks = {
        ".csv": read_csv_chunks,
        ".txt": read_csv_chunks,
        ".xlsx": read_xlsx_chunks,
        ".xlsm": read_xlsx_chunks,
    }.get(path.suffix.lower())
    if chunks is None:
        raw = read_field_file(path)
        return raw, validate(raw.frame, schema, known_ids=known_ids)
    first, parts = None, []
    for raw in chunks(path, chunk_rows=chunk_rows):
        first = first or raw
        parts.append(validate(raw.frame, schema, known_ids=known_ids))
    if len(parts) == 1:
        return first, parts[0]
    return first, _unique_across_chunks(parts, schema)


def _unique_across_chunks(parts: list[ValidationResult], schema: Schema) -> ValidationResult:
    """Join the chunks of one file; quarantine accepted rows whose key repeats in another
    chunk (worded as within one piece: ``duplicate IDSTUD 1002 (rows 3, 200004)``)."""
    chunk = np.repeat(np.arange(len(parts)), [len(p.accepted) for p in parts])
    acc = pd.concat([p.accepted for p in parts], ignore_index=True)
    parts[:] = [replace(p, accepted=p.accepted.iloc[:0]) for p in parts]  # free the pieces
    quar = [p.quarantined for p in parts]
    issues = [p.issues for p in parts]
    bad = np.zeros(len(acc), dtype=bool)
    for key in schema.unique:
        if not all(k in acc for k in key):
            continue
        label = _key_label(acc, key, schema)
        held = _quarantined_keys(parts, key, schema)  # bad rows count as in validate
        every = pd.DataFrame(
            {
                "label": pd.concat([label, held["label"]], ignore_index=True),
                "chunk": np.concatenate([chunk, held["chunk"].to_numpy()]),
                "row": pd.concat([acc["_source_row"], held["row"]], ignore_index=True).astype(
                    "int64"
                ),
            }
        )
        every = every[every["label"].notna()]
        spread = every.groupby("label")["chunk"].nunique()
        dup = (label.map(spread).fillna(1).to_numpy() > 1) & ~bad
        if not dup.any():
            continue
        shared = every[every["label"].isin(set(label[dup]))]
        rows = shared.sort_values("row").astype({"row": str}).groupby("label")["row"].agg(", ".join)
        shown = label[dup].map(_shown_key)
        said = [
            message("duplicate", key="+".join(key), id=one, rows=rows[whole])
            for one, whole in zip(shown, label[dup], strict=True)
        ]
        moved = acc.loc[dup]
        found = pd.DataFrame(
            {
                "file": moved["_source_file"].astype(str).to_numpy(),
                "row": moved["_source_row"].to_numpy(),
                "column": "+".join(key),
                "value": shown.to_numpy(),
                "reason": [str(m) for m in said],
            }
        )
        issues.append(found.assign(code="duplicate", values=[coded(m)[1] for m in said]))
        record = moved.astype(object).reset_index(drop=True)
        quar.append(pd.concat([found, record], axis=1))
        bad |= dup
    accepted = acc.loc[~bad].reset_index(drop=True) if bad.any() else acc
    del acc
    quarantined = _concat(quar, ISSUE_COLUMNS).reset_index(drop=True)
    recon = Reconciliation(
        read=sum(p.reconciliation.read for p in parts),
        accepted=len(accepted),
        quarantined=len(quarantined),
    )
    notes = tuple(dict.fromkeys(n for p in parts for n in p.warnings))
    issues = _concat(issues, ISSUE_COLUMNS + CODED)
    return ValidationResult(accepted, quarantined, issues, recon, notes)


def _quarantined_keys(
    parts: list[ValidationResult], key: list[str], schema: Schema
) -> pd.DataFrame:
    """Normalised keys of the quarantined rows of each chunk (``label, chunk, row``)."""
    frames = []
    for i, part in enumerate(parts):
        q = part.quarantined
        if q.empty or not all(k in q for k in key):
            continue
        label = _key_label(q, key, schema)
        frames.append(pd.DataFrame({"label": label, "chunk": i, "row": q["row"]}))
    if not frames:
        return pd.DataFrame(
            {
                "label": pd.Series(dtype=object),
                "chunk": pd.Series(dtype=int),
                "row": pd.Series(dtype=object),
            }
        )
    return pd.concat(frames, ignore_index=True)


def _key_label(frame: pd.DataFrame, key: list[str], schema: Schema) -> pd.Series:
    """Normalised key per row (NaN when a part is blank). One whole-number column stays
    numeric (no million strings); otherwise text through
    :func:`~workbench.fielddata.validate.normalize_id`, parts joined with ``+``."""
    if len(key) == 1 and schema.column(key[0]).type == "int":
        values = frame[key[0]]
        if not pd.api.types.is_integer_dtype(values.dtype):
            values = normalize_id(values.astype(object).where(values.notna(), ""))
        return pd.to_numeric(values, errors="coerce").astype("float64")
    label = None
    for k in key:
        values = frame[k]
        part = normalize_id(
            values.astype(object).where(values.notna(), ""), numeric=schema.column(k).type != "str"
        )
        part = part.where(part != "")
        label = part if label is None else label + "+" + part
    return label


def _shown_key(label: object) -> str:
    return f"{label:.0f}" if isinstance(label, float) else str(label)


def _name(path: object) -> str:
    return Path(str(path)).name


def _concat(frames: list[pd.DataFrame], columns: list[str] | None = None) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns or []})
    if len(frames) == 1:  # no copy of a million-row table
        return frames[0].reset_index(drop=True)
    return pd.concat(frames, ignore_index=True)
