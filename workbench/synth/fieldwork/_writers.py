"""Write returns as field agencies deliver them: CSV (UTF-8 or Windows-1251 with ``;``),
XLSX (optionally with a merged title row above the header) and SPSS ``.sav``.

Every writer is byte-deterministic: XLSX zip entries and document properties get a fixed
timestamp, and the ``.sav`` header's creation date and time are set to a fixed value, so
the same seed gives files with the same SHA-256 (the intake log and the run cache rely on
file hashes). Files are written atomically (temporary file, then rename).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pandas as pd

from workbench.fielddata.quarantine import atomic_write

__all__ = ["write_csv", "write_xlsx", "write_sav", "write_empty", "as_text"]

_FIXED = dt.datetime(2026, 1, 1)
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)
_W3CDTF = re.compile(rb">\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<")


def as_text(frame: pd.DataFrame, *, date_format: str = "%Y-%m-%d") -> pd.DataFrame:
    """Cells as written in a CSV: whole numbers without ``.0``, dates in ``date_format``,
    missing as ``""``.

    Examples
    --------
    >>> df = pd.DataFrame({"a": [1.0, None], "d": pd.to_datetime(["2013-05-14", None])})
    >>> as_text(df, date_format="%d.%m.%Y").values.tolist()
    [['1', '14.05.2013'], ['', '']]
    """
    out = {}
    for col in frame.columns:
        s = frame[col]
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            out[col] = s.dt.strftime(date_format).fillna("")
        elif pd.api.types.is_float_dtype(s.dtype):
            whole = s.notna() & (s % 1 == 0)
            text = s.astype(object).where(s.notna(), "").astype(str)
            text[whole] = s[whole].astype("int64").astype(str)
            out[col] = text
        else:
            out[col] = s.astype(object).where(s.notna(), "").astype(str)
    return pd.DataFrame(out, index=frame.index)


def write_csv(
    frame: pd.DataFrame,
    path: Path,
    *,
    header: list[str],
    encoding: str = "utf-8",
    delimiter: str = ",",
    empty_lines: frozenset[int] = frozenset(),
) -> Path:
    """Write a text frame; rows at positions in ``empty_lines`` become empty lines.

    Windows-1251 files get ``\\r\\n`` line ends (Excel on Windows), UTF-8 files ``\\n``.
    """
    newline = "\r\n" if encoding == "cp1251" else "\n"
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    for pos, row in enumerate(frame.itertuples(index=False, name=None)):
        if pos in empty_lines:
            buf.write(newline)
        else:
            writer.writerow(row)
    data = buf.getvalue().encode(encoding)
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))


def write_xlsx(
    frame: pd.DataFrame, path: Path, *, title: str | None = None, sheet: str = "data"
) -> Path:
    """Write one sheet; with ``title``, a title row merged across the columns goes above the
    header (as a school's own Excel form often has)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    if title is not None:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=frame.shape[1])
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False, name=None):
        ws.append([None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in row])
    wb.properties.created = wb.properties.modified = _FIXED
    raw = io.BytesIO()
    wb.save(raw)
    data = _fixed_zip_times(raw.getvalue())
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))


def write_sav(
    frame: pd.DataFrame,
    path: Path,
    *,
    value_labels: dict[str, dict],
    variable_labels: dict[str, str],
    missing: dict[str, list],
) -> Path:
    """Write an SPSS ``.sav`` with value labels, variable labels and user-missing codes."""
    import pyreadstat

    def write(tmp: Path) -> None:
        pyreadstat.write_sav(
            frame,
            str(tmp),
            variable_value_labels=value_labels,
            column_labels=[variable_labels.get(c) for c in frame.columns],
            missing_ranges=missing,
        )
        _fix_sav_timestamp(tmp)

    return atomic_write(path, write)


def write_empty(path: Path) -> Path:
    """A zero-byte file (an upload that failed)."""
    return atomic_write(path, lambda tmp: tmp.write_bytes(b""))


def _fixed_zip_times(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps 'modified' on save
                content = _W3CDTF.sub(b">2026-01-01T00:00:00Z<", content)
            dst.writestr(fixed, content)
    return out.getvalue()


def _fix_sav_timestamp(path: Path) -> None:
    """Overwrite the header's creation date (9 bytes at offset 92) and time (8 bytes at 101)."""
    data = bytearray(path.read_bytes())
    if data[:4] not in (b"$FL2", b"$FL3"):
        return
    data[92:101] = b"01 Jan 26"
    data[101:109] = b"00:00:00"
    path.write_bytes(bytes(data))
