"""Read field returns (CSV, XLSX, SPSS .sav) for the field-data stage.

Every reader opens the raw file read-only (the bytes are read once, hashed, and parsed
from memory, so the file on disk is never touched) and returns a :class:`FieldFile` whose
``frame`` carries two extra columns:

``_source_file``
    the file name as given;
``_source_row``
    the row a person sees when opening the file: in CSV and XLSX the header is row 1,
    so the first data row is row 2; in a ``.sav`` file it is the SPSS case number (the
    row number in SPSS Data View, the first case is row 1).

CSV and XLSX cells are kept as text (typing happens in :func:`workbench.fielddata.validate`,
so a bad value can be quoted as it was written). ``.sav`` columns keep SPSS's numeric
types, user-defined missing values stay as codes (``user_missing=True``) and value labels
are kept in ``FieldFile.value_labels``.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.fielddata.errors import FieldDataError
from workbench.fielddata.messages import message
from workbench.fielddata.validate import INVISIBLE

__all__ = [
    "FieldFile",
    "read_field_file",
    "read_csv",
    "read_csv_chunks",
    "read_xlsx",
    "read_xlsx_chunks",
    "read_sav",
    "sha256_file",
]

_DELIMITERS = (",", ";")
_MERGE_RE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")


@dataclass(frozen=True, eq=False)
class FieldFile:
    """One raw field file as read: the frame plus what was learnt while reading it.

    Attributes
    ----------
    frame
        The data, one row per record, plus ``_source_file`` and ``_source_row``.
    path
        The file read.
    sha256
        Hex SHA-256 of the raw bytes (for the intake log and provenance).
    format
        ``"csv"``, ``"xlsx"`` or ``"sav"``.
    encoding
        Detected text encoding (``"utf-8"``, ``"utf-8-sig"``, ``"cp1251"``) or None.
    delimiter
        Detected CSV delimiter or None.
    value_labels
        SPSS value labels ``{column: {code: label}}`` (empty for CSV/XLSX).
    variable_labels
        SPSS variable labels ``{column: label}`` (empty for CSV/XLSX).
    notes
        What was assumed while reading (one line each, naming the file).
    """

    frame: pd.DataFrame
    path: Path
    sha256: str
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    value_labels: dict[str, dict] = field(default_factory=dict)
    variable_labels: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def n_rows(self) -> int:
        """Number of data rows read."""
        return len(self.frame)


def read_field_file(path: str | Path, *, sheet: str | None = None) -> FieldFile:
    """Read a CSV, XLSX or SPSS ``.sav`` field return, choosing the reader by extension.

    Parameters
    ----------
    path
        The raw file; opened read-only.
    sheet
        XLSX only: the sheet to read (default: the first).

    Returns
    -------
    FieldFile
        ``frame`` has the file's columns plus ``_source_file`` and ``_source_row``.

    Raises
    ------
    FieldDataError
        Unknown extension, missing or empty file, undecodable text, merged Excel header,
        truncated ``.sav`` and other whole-file problems.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "students.csv"
    >>> _ = p.write_bytes("IDSTUD;IDSCHOOL\\n1001;17\\n".encode("cp1251"))
    >>> ff = read_field_file(p)
    >>> ff.delimiter, ff.frame[["IDSTUD", "_source_row"]].values.tolist()
    (';', [['1001', 2]])
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, sheet=sheet)
    if suffix in (".sav", ".zsav"):
        return read_sav(path)
    if not suffix:
        raise FieldDataError(message("no_extension", path=path))
    code = "unknown_type_xls" if suffix == ".xls" else "unknown_type"
    raise FieldDataError(message(code, suffix=suffix, path=path))


def read_csv(path: str | Path) -> FieldFile:
    """Read a CSV field return: UTF-8 (with or without BOM) or Windows-1251, ``,`` or ``;``.

    The encoding is UTF-8 when the bytes decode as UTF-8, else Windows-1251 (the usual
    encoding of Excel's "CSV" on Russian-locale Windows); a file mixing both is refused,
    naming the first row of each. The delimiter is whichever of ``,`` and ``;`` splits the
    header line into more fields. Line ends may be LF, CRLF or CR only (old Mac exports).
    An empty extra field at the end of a row (a trailing delimiter) is ignored and noted;
    a non-empty one is refused. Fully blank trailing lines are dropped; blank lines inside
    the data are kept (validation quarantines them).

    Parameters
    ----------
    path
        The raw file; opened read-only.

    Returns
    -------
    FieldFile
        All cells as text (stripped of nothing; empty cells are ``""``); ``notes`` says what
        was assumed (CR-only line ends, trailing delimiters, invisible characters in the
        header).

    Raises
    ------
    FieldDataError
        Empty file, NUL bytes (UTF-16 or binary), bytes that are neither UTF-8 nor
        Windows-1251, mixed encodings, a header without data, duplicate or blank column
        names, a row with more fields than the header.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
    >>> _ = p.write_bytes(b"\\xef\\xbb\\xbfIDSTUD,AGE\\n1001,12\\n1002,13\\n")
    >>> ff = read_csv(p)
    >>> ff.encoding, list(ff.frame.columns), ff.frame["_source_row"].tolist()
    ('utf-8-sig', ['IDSTUD', 'AGE', '_source_file', '_source_row'], [2, 3])
    >>> _ = p.write_bytes(b"IDSTUD;AGE\\r1001;12;\\r")
    >>> ff = read_csv(p)
    >>> ff.frame[["IDSTUD", "AGE"]].values.tolist(), len(ff.notes)
    ([['1001', '12']], 2)
    """
    path = Path(path)
    data = _read_bytes(path, "read_csv")
    text, encoding = _decode(data, path)
    notes = []
    if "\r" in text and "\n" not in text:
        notes.append(message("note_cr_only", func="read_csv", name=path.name))
    first_line = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    delimiter = max(_DELIMITERS, key=first_line.count)
    header, width, note, _ = _csv_shape(io.StringIO(text, newline=""), delimiter, path)
    notes.extend([note] if note else [])
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            header=None,
            names=range(width),
            skiprows=1,
        )
    except pd.errors.ParserError as exc:  # pragma: no cover - _csv_shape found these first
        raise FieldDataError(message("cannot_parse", path=path, error=exc)) from None
    frame = frame.iloc[:, : len(header)]
    header, cleaned = _clean_header(header)
    notes.extend(_cleaned(c, "read_csv", path) for c in cleaned)
    frame.columns = header
    frame = _finish_frame(frame, header, path, first_row=2, func="read_csv")
    return FieldFile(
        frame,
        path,
        _sha256(data),
        "csv",
        encoding=encoding,
        delimiter=delimiter,
        notes=tuple(notes),
    )


def read_csv_chunks(path: str | Path, *, chunk_rows: int = 100_000) -> Iterator[FieldFile]:
    """Read a CSV field return in pieces of ``chunk_rows`` rows, in bounded memory.

    The same checks, notes and row numbers as :func:`read_csv`, but the file is streamed:
    one pass hashes the bytes and finds the encoding, one pass checks the rows' shape, then
    pandas parses ``chunk_rows`` rows at a time. Every chunk carries the whole file's
    ``sha256``, ``encoding``, ``delimiter`` and ``notes``. Whole-file problems raise before
    the first chunk. (A header with unnamed columns at its right edge is read whole.)

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
    >>> _ = p.write_bytes(b"IDSTUD;AGE\\n1001;12\\n1002;13\\n1003;11\\n\\n")
    >>> [c.frame["_source_row"].tolist() for c in read_csv_chunks(p, chunk_rows=2)]
    [[2, 3], [4]]
    """
    path = Path(path)
    digest, encoding, cr_only = _scan_bytes(path)
    with open(path, encoding=encoding, newline="") as fh:
        first_line = fh.readline().rstrip("\r\n")
        delimiter = max(_DELIMITERS, key=first_line.count)
        fh.seek(0)
        header, width, note, last = _csv_shape(fh, delimiter, path)
    if header and str(header[-1]).strip() == "":
        yield read_csv(path)
        return
    notes = [message("note_cr_only", func="read_csv", name=path.name)] if cr_only else []
    notes.extend([note] if note else [])
    header, cleaned = _clean_header(header)
    notes.extend(_cleaned(c, "read_csv", path) for c in cleaned)
    _check_header(header, path, "read_csv", None)
    if last < 2:
        raise FieldDataError(message("header_only", func="read_csv", path=path))
    with pd.read_csv(
        path,
        encoding=encoding,
        sep=delimiter,
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=False,
        header=None,
        names=range(width),
        skiprows=1,
        nrows=last - 1,
        chunksize=chunk_rows,
    ) as reader:
        for frame in reader:
            start = 2 + int(frame.index[0])
            frame = frame.iloc[:, : len(header)].reset_index(drop=True)
            frame.columns = header
            frame["_source_file"] = str(path)
            frame["_source_row"] = np.arange(start, start + len(frame), dtype=np.int64)
            yield FieldFile(
                frame,
                path,
                digest,
                "csv",
                encoding=encoding,
                delimiter=delimiter,
                notes=tuple(notes),
            )


def read_xlsx(path: str | Path, *, sheet: str | None = None) -> FieldFile:
    """Read an XLSX field return with openpyxl (read-only, cached values, not formulas).

    Row 1 must be the only header row. Merged cells in rows 1-2 and a header with blank
    names between named columns (a multi-row header) raise, naming the cells. Without
    ``sheet``, sheets that look like instructions (one column of text, or long sentences
    in the first rows) are skipped and the first data sheet is read (noted). A formula cell
    whose value Excel never saved (the file was written by a program, not Excel) is read as
    its formula text (``=B2*2``), so validation names the real cause.

    Parameters
    ----------
    path
        The raw workbook; parsed from an in-memory copy of its bytes.
    sheet
        Sheet name; default the first sheet (a warning names it when there are several).

    Returns
    -------
    FieldFile
        Cells as text: whole numbers without ``.0``, dates as ``YYYY-MM-DD``.

    Raises
    ------
    FieldDataError
        Not a readable workbook, unknown sheet, merged or multi-row header, no data rows.

    Examples
    --------
    >>> import tempfile, pathlib, openpyxl
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.xlsx"
    >>> wb = openpyxl.Workbook(); ws = wb.active
    >>> ws.append(["IDSTUD", "AGE"]); ws.append([1001, 12.0]); wb.save(p)
    >>> read_xlsx(p).frame[["IDSTUD", "AGE", "_source_row"]].values.tolist()
    [['1001', '12', 2]]
    """
    path = Path(path)
    data = _read_bytes(path, "read_xlsx")
    wb = _open_xlsx(data, path)
    notes: list[str] = []
    try:
        ws = _pick_sheet(wb, sheet, path, notes)
        has_formulas = _check_merged_header(ws, path)
        rows = list(ws.iter_rows(values_only=True))
    finally:
        wb.close()
    if has_formulas:
        rows = _formulas_without_values(data, ws.title, rows, path, notes)
    if not rows or all(_blank_cell(v) for v in rows[0]):
        raise FieldDataError(message("sheet_empty", sheet=ws.title, path=path))
    header = [_cell_text(v) for v in rows[0]]
    width = len(header)
    body = [tuple(r) + (None,) * (width - len(r)) for r in rows[1:]]
    frame = pd.DataFrame(body, columns=range(width), dtype=object)
    frame = frame.apply(lambda col: col.map(_cell_text)).astype(str) if len(frame) else frame
    frame.columns = header
    header, cleaned = _clean_header(header)
    notes.extend(_cleaned(c, "read_xlsx", path) for c in cleaned)
    frame.columns = header
    frame = _finish_frame(frame, header, path, first_row=2, func="read_xlsx", rows=rows)
    return FieldFile(frame, path, _sha256(data), "xlsx", notes=tuple(notes))


def read_xlsx_chunks(
    path: str | Path, *, sheet: str | None = None, chunk_rows: int = 100_000
) -> Iterator[FieldFile]:
    """Read an XLSX field return in pieces of ``chunk_rows`` rows (rows streamed from the
    sheet, never all held at once).

    The same checks, notes and row numbers as :func:`read_xlsx`, which reads the sheet whole
    when it holds formulas or a header with unnamed columns (those checks need every row).

    Examples
    --------
    >>> import tempfile, pathlib, openpyxl
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.xlsx"
    >>> wb = openpyxl.Workbook(); ws = wb.active; ws.append(["IDSTUD", "AGE"])
    >>> for i in range(3): ws.append([1001 + i, 12])
    >>> wb.save(p)
    >>> [c.frame["_source_row"].tolist() for c in read_xlsx_chunks(p, chunk_rows=2)]
    [[2, 3], [4]]
    """
    path = Path(path)
    data = _read_bytes(path, "read_xlsx")
    wb = _open_xlsx(data, path)
    notes: list[str] = []
    try:
        ws = _pick_sheet(wb, sheet, path, notes)
        rows = ws.iter_rows(values_only=True)
        first = next(rows, None)
        header = [_cell_text(v) for v in first or ()]
        if _check_merged_header(ws, path) or not header or any(h.strip() == "" for h in header):
            wb.close()
            yield read_xlsx(path, sheet=sheet)
            return
        header, cleaned = _clean_header(header)
        notes.extend(_cleaned(c, "read_xlsx", path) for c in cleaned)
        _check_header(header, path, "read_xlsx", None)
        digest, start, body, blank = _sha256(data), 2, [], []
        for number, row in enumerate(rows, start=2):
            cells = [_cell_text(v) for v in row] + [""] * (len(header) - len(row))
            if any(c.strip() for c in cells[len(header) :]):
                last = _col_letter(len(header) - 1)
                raise FieldDataError(
                    message("cells_right_of_header", row=number, column=last, path=path)
                )
            if all(c == "" for c in cells):
                blank.append(cells)  # kept only if a filled row follows
                continue
            body += blank + [cells]
            blank = []
            if len(body) >= chunk_rows:
                yield _xlsx_chunk(body, header, path, start, digest, notes)
                start, body = start + len(body), []
        if body:
            yield _xlsx_chunk(body, header, path, start, digest, notes)
        elif start == 2:
            raise FieldDataError(message("header_only", func="read_xlsx", path=path))
    finally:
        wb.close()


def _xlsx_chunk(
    body: list, header: list, path: Path, start: int, digest: str, notes: list[str]
) -> FieldFile:
    frame = pd.DataFrame([r[: len(header)] for r in body], columns=header).astype(str)
    frame["_source_file"] = str(path)
    frame["_source_row"] = np.arange(start, start + len(frame), dtype=np.int64)
    return FieldFile(frame, path, digest, "xlsx", notes=tuple(notes))


def _open_xlsx(data: bytes, path: Path):
    """The workbook, read-only with cached values; one sentence when it is not one."""
    import openpyxl

    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for bad files
        raise FieldDataError(message("not_xlsx", path=path, error=type(exc).__name__)) from None


def read_sav(path: str | Path) -> FieldFile:
    """Read an SPSS ``.sav``/``.zsav`` file with pyreadstat, keeping codes and labels.

    User-defined missing values stay as their codes (``user_missing=True``) and value
    labels are not applied; both are kept in the returned ``FieldFile``.

    Parameters
    ----------
    path
        The raw file; pyreadstat opens it read-only.

    Returns
    -------
    FieldFile
        ``_source_row`` is the SPSS case number; ``value_labels`` maps column -> code ->
        label.

    Raises
    ------
    FieldDataError
        Truncated or corrupt file, or a file with no cases.

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd, pyreadstat
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.sav"
    >>> pyreadstat.write_sav(pd.DataFrame({"IDSTUD": [1001.0], "SEX": [2.0]}), str(p),
    ...                      variable_value_labels={"SEX": {1.0: "boy", 2.0: "girl"}})
    >>> ff = read_sav(p)
    >>> ff.frame["_source_row"].tolist(), ff.value_labels["SEX"][2.0]
    ([1], 'girl')
    """
    import pyreadstat

    path = Path(path)
    data = _read_bytes(path, "read_sav")
    try:
        frame, meta = pyreadstat.read_sav(str(path), user_missing=True, apply_value_formats=False)
    except Exception as exc:  # ReadstatError / PyreadstatError for truncated, corrupt files
        error = str(exc).strip() or type(exc).__name__
        raise FieldDataError(message("sav_corrupt", path=path, error=error)) from None
    header = list(frame.columns)
    frame = _finish_frame(frame, header, path, first_row=1, func="read_sav")
    labels = dict(zip(meta.column_names, meta.column_labels or [], strict=False))
    return FieldFile(
        frame,
        path,
        _sha256(data),
        "sav",
        value_labels=dict(meta.variable_value_labels),
        variable_labels={k: v for k, v in labels.items() if v},
    )


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes, read in 1 MiB blocks.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"; _ = p.write_bytes(b"abc")
    >>> sha256_file(p)[:12]
    'ba7816bf8f01'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ----------------------------------------------------------------------------- helpers


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_bytes(path: Path, func: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise FieldDataError(message("not_found", func=func, path=path)) from None
    except IsADirectoryError:
        raise FieldDataError(message("a_folder", func=func, path=path)) from None
    if not data.strip(b" \t\r\n" + codecs.BOM_UTF8):
        raise FieldDataError(message("empty_file", func=func, path=path, bytes=len(data)))
    return data


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    if (
        data.startswith(codecs.BOM_UTF16_LE)
        or data.startswith(codecs.BOM_UTF16_BE)
        or b"\x00" in data[:4096]
    ):
        raise FieldDataError(message("nul_bytes", path=path))
    if data.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    else:
        encodings = ("utf-8", "cp1251")
    for enc in encodings:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as exc:
            error = exc
            continue
        if enc == "cp1251":
            _check_mixed_encoding(data, path)
        return text, enc
    _neither(path, error.start + (len(codecs.BOM_UTF8) if encodings == ("utf-8-sig",) else 0))


def _scan_bytes(path: Path) -> tuple[str, str, bool]:
    """One streamed pass: SHA-256, the encoding (as :func:`_decode` decides), CR-only ends."""
    digest, decoder = hashlib.sha256(), codecs.getincrementaldecoder("utf-8")()
    offset, content, cr, lf, bad_at, head = 0, False, False, False, None, b""
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                head = head or block[:4096]
                digest.update(block)
                content = content or bool(block.strip(b" \t\r\n" + codecs.BOM_UTF8))
                cr, lf = cr or b"\r" in block, lf or b"\n" in block
                if bad_at is None:
                    pending = len(decoder.getstate()[0])
                    try:
                        decoder.decode(block)
                    except UnicodeDecodeError as exc:
                        bad_at = max(offset + exc.start - pending, 0)
                offset += len(block)
    except FileNotFoundError:
        raise FieldDataError(message("not_found", func="read_csv", path=path)) from None
    except IsADirectoryError:
        raise FieldDataError(message("a_folder", func="read_csv", path=path)) from None
    if not content:
        raise FieldDataError(message("empty_file", func="read_csv", path=path, bytes=offset))
    if bad_at is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            bad_at = offset - 1
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
        _decode(head, path)
    cr_only = cr and not lf
    if head.startswith(codecs.BOM_UTF8):
        if bad_at is not None:
            _neither(path, bad_at)
        return digest.hexdigest(), "utf-8-sig", cr_only
    if bad_at is None:
        return digest.hexdigest(), "utf-8", cr_only
    _check_cp1251_lines(path)
    return digest.hexdigest(), "cp1251", cr_only


def _neither(path: Path, at: int) -> None:
    """Raise the 'neither UTF-8 nor Windows-1251' error for the byte at offset ``at``."""
    with open(path, "rb") as fh:
        before = fh.read(at)
        byte = fh.read(1) or b"\0"
    row = before.count(b"\n") + 1
    raise FieldDataError(message("bad_bytes", row=row, byte=byte[0], offset=at, path=path))


def _check_cp1251_lines(path: Path) -> None:
    """Streamed, line by line: refuse bytes Windows-1251 cannot decode, and a file whose
    rows are partly UTF-8 and partly Windows-1251."""
    utf8_row = other_row = None
    number = offset = 0
    with open(path, "rb") as fh:
        for raw in fh:
            start = offset
            for line in raw.rstrip(b"\r\n").split(b"\r"):
                number += 1
                if not line.isascii():
                    try:
                        line.decode("utf-8")
                        utf8_row = utf8_row or number
                    except UnicodeDecodeError:
                        other_row = other_row or number
                    try:
                        line.decode("cp1251")
                    except UnicodeDecodeError as exc:
                        _neither(path, start + exc.start)
                    if utf8_row and other_row:
                        _mixed(utf8_row, other_row, path)
                start += len(line) + 1
            offset += len(raw)


def _mixed(utf8_row: int, other_row: int, path: Path) -> None:
    raise FieldDataError(message("mixed_encodings", row=utf8_row, other=other_row, path=path))


def _check_mixed_encoding(data: bytes, path: Path) -> None:
    """Refuse a file whose rows are partly UTF-8 and partly Windows-1251 (two files pasted)."""
    utf8_row = other_row = None
    for number, line in enumerate(re.split(rb"\r\n|\r|\n", data), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_row = utf8_row or number
        except UnicodeDecodeError:
            other_row = other_row or number
        if utf8_row and other_row:
            _mixed(utf8_row, other_row, path)


def _csv_shape(
    lines: Iterable[str], delimiter: str, path: Path
) -> tuple[list[str], int, str | None, int]:
    """Header, the widest row's field count, a note on trailing delimiters, and the number of
    the last row that is not blank (1 when only the header is filled).

    ``lines`` is text opened with ``newline=""``. Raises when a row has more (non-empty)
    fields than the header.
    """
    reader = csv.reader(lines, delimiter=delimiter)
    header = next(reader)
    width = len(header)
    widest, trailing, first_trailing, last = width, 0, None, 1
    for number, row in enumerate(reader, start=2):
        if any(row):
            last = number
        if len(row) <= width:
            continue
        if any(cell.strip() for cell in row[width:]):
            raise FieldDataError(
                message(
                    "more_fields",
                    row=number,
                    width=width,
                    path=path,
                    fields=len(row),
                    delimiter=delimiter,
                )
            )
        trailing += 1
        first_trailing = first_trailing or number
        widest = max(widest, len(row))
    note = None
    if trailing:
        note = message(
            "note_trailing",
            rows=trailing,
            delimiter=delimiter,
            row=first_trailing,
            name=path.name,
        )
    return header, widest, note, last


def _clean_header(header: list) -> tuple[list, list[dict]]:
    """Header names without invisible characters; one note per name cleaned (its values,
    for :func:`_cleaned`)."""
    out, notes = [], []
    for i, name in enumerate(header):
        text = str(name)
        found = [
            f"U+{ord(ch):04X} {INVISIBLE[ch]}" for ch in dict.fromkeys(text) if ch in INVISIBLE
        ]
        if found:
            text = "".join(ch for ch in text if ch not in INVISIBLE)
            notes.append(
                {"letter": _col_letter(i), "header": text.strip(), "found": ", ".join(found)}
            )
        out.append(text if found else name)
    return out, notes


def _cleaned(values: dict, func: str, path: Path) -> str:
    """The note of a header name cleaned of invisible characters (see :func:`_clean_header`)."""
    return message("note_header_invisible", func=func, name=path.name, **values)


def _finish_frame(
    frame: pd.DataFrame,
    header: list,
    path: Path,
    *,
    first_row: int,
    func: str,
    rows: list | None = None,
) -> pd.DataFrame:
    """Check the header, drop trailing blank rows/columns, add the source columns."""
    frame = _drop_blank_trailing_columns(frame, header)
    header = list(frame.columns)
    _check_header(header, path, func, rows)
    text_only = all(pd.api.types.is_string_dtype(d) or d is np.dtype(object) for d in frame.dtypes)
    if len(frame) and text_only:
        blank = (frame == "").all(axis=1).to_numpy()
        keep = len(blank) - int(np.argmin(blank[::-1])) if not blank.all() else 0
        frame = frame.iloc[:keep]
    if len(frame) == 0:
        raise FieldDataError(message("header_only", func=func, path=path))
    frame = frame.reset_index(drop=True)
    frame["_source_file"] = str(path)
    frame["_source_row"] = np.arange(first_row, first_row + len(frame), dtype=np.int64)
    return frame


def _drop_blank_trailing_columns(frame: pd.DataFrame, header: list) -> pd.DataFrame:
    """Drop unnamed columns at the right edge whose cells are all blank (Excel leftovers)."""
    keep = len(header)
    while keep > 0 and str(header[keep - 1]).strip() == "":
        col = frame.iloc[:, keep - 1]
        if not (col.isna() | (col.astype(str).str.strip() == "")).all():
            break
        keep -= 1
    return frame.iloc[:, :keep]


def _check_header(header: list, path: Path, func: str, rows: list | None) -> None:
    names = [str(h).strip() for h in header]
    blank = [_col_letter(i) for i, h in enumerate(names) if h == ""]
    if blank:
        multi = (
            rows is not None
            and len(rows) > 1
            and all(isinstance(v, str) and v.strip() for v in rows[1])
        )
        code = "two_row_header" if multi else "unnamed_columns"
        raise FieldDataError(message(code, func=func, columns=", ".join(blank), path=path))
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in seen:
            first, second = _col_letter(seen[name]), _col_letter(i)
            raise FieldDataError(
                message(
                    "duplicate_column", func=func, name=name, first=first, second=second, path=path
                )
            )
        seen[name] = i


def _pick_sheet(wb, sheet: str | None, path: Path, notes: list[str]):
    if sheet is None:
        if len(wb.sheetnames) == 1:
            return wb.worksheets[0]
        skipped = [ws.title for ws in wb.worksheets if _looks_like_instructions(ws)]
        data = [ws for ws in wb.worksheets if ws.title not in skipped] or wb.worksheets
        if skipped:
            notes.append(
                message("note_sheet_skipped", sheet=data[0].title, name=path.name, skipped=skipped)
            )
        else:
            warnings.warn(
                message("note_first_sheet", sheet=data[0].title, path=path, sheets=wb.sheetnames),
                stacklevel=4,
            )
        return data[0]
    if sheet not in wb.sheetnames:
        raise FieldDataError(message("no_sheet", sheet=sheet, path=path, sheets=wb.sheetnames))
    return wb[sheet]


def _looks_like_instructions(ws) -> bool:
    """A sheet of prose: row 1 has at most one filled cell, or a cell of the first rows is a
    sentence (over 60 characters)."""
    head = list(ws.iter_rows(max_row=5, values_only=True))
    if not head:
        return True
    filled = [v for v in head[0] if not _blank_cell(v)]
    long = any(isinstance(v, str) and len(v) > 60 for row in head for v in row)
    return len(filled) <= 1 or long


def _formulas_without_values(
    data: bytes, title: str, rows: list, path: Path, notes: list[str]
) -> list:
    """Put the formula text where Excel saved no value (openpyxl gives None there)."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        formulas = list(wb[title].iter_rows(values_only=True))
    finally:
        wb.close()
    out, found = [], 0
    for values, texts in zip(rows, formulas, strict=False):
        row = list(values)
        for j, value in enumerate(row):
            text = texts[j] if j < len(texts) else None
            if value is None and isinstance(text, str) and text.startswith("="):
                row[j] = text
                found += 1
        out.append(tuple(row))
    if found:
        notes.append(message("note_formulas", cells=found, sheet=title, name=path.name))
    return out


def _check_merged_header(ws, path: Path) -> bool:
    """Raise if merged cells touch rows 1-2 (read from the sheet XML, streamed); return
    whether the sheet holds formulas."""
    get_source = getattr(ws, "_get_source", None)
    if get_source is None:  # pragma: no cover - openpyxl internals changed
        return True
    tail = b""
    formulas = False
    with get_source() as src:
        for block in iter(lambda: src.read(1 << 20), b""):
            chunk = tail + block
            formulas = formulas or re.search(rb"<(?:\w+:)?f[ >]", chunk) is not None
            for m in _MERGE_RE.finditer(chunk):
                c1, r1, c2, r2 = (g.decode() if g else g for g in m.groups())
                if int(r1) <= 2:
                    ref = f"{c1}{r1}:{c2}{r2}" if c2 else f"{c1}{r1}"
                    raise FieldDataError(
                        message(
                            "merged_header",
                            cells=ref,
                            sheet=ws.title,
                            row=r1,
                            column=c1,
                            path=path,
                        )
                    )
            tail = chunk[-200:]
    return formulas


def _blank_cell(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _col_letter(index: int) -> str:
    """0-based column index -> spreadsheet letter (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
