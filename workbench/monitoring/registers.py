"""Reading the teacher register and the course register (instruction 003), in the shape an
export of the national teacher information system has: CSV (UTF-8 with or without BOM, or
Windows-1251; ``,`` or ``;``) or XLSX, one row per teacher / per course taken.

A file that cannot be used raises :class:`RegisterFileError` with one line naming the file,
the row as a spreadsheet shows it (the header is row 1) and the column, plus how many more
problems the file has. Courses of teachers the register does not know are not dropped
silently: :func:`read_courses` returns them apart for the report.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "teachers.csv"
>>> _ = p.write_text("teacher_id;school_id;methodical_union;hired;status\\n"
...                  "1;S1;primary;01.09.2019;active\\n2;S1;primary;2019-13-01;active\\n",
...                  encoding="utf-8")
>>> try:
...     read_teachers(p)
... except RegisterFileError as e:
...     print(e)
teachers.csv, row 3, column hired: '2019-13-01' is not a date (write YYYY-MM-DD or DD.MM.YYYY)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import pandas as pd

__all__ = [
    "read_teachers",
    "read_courses",
    "RegisterFileError",
    "TEACHER_COLUMNS",
    "COURSE_COLUMNS",
    "STATUSES",
]

#: required columns (workbench names) and what they hold
TEACHER_COLUMNS = {
    "teacher_id": "the teacher's id in the information system",
    "school_id": "the school's id",
    "methodical_union": "the methodical union",
    "hired": "the date the teacher started at the school",
    "status": "active or left",
}
COURSE_COLUMNS = {
    "teacher_id": "the teacher's id",
    "course_code": "the course's code",
    "end_date": "the date the course was completed (empty: not completed)",
}
STATUSES = ("active", "left")
_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S")


class RegisterFileError(ValueError):
    """A register file that cannot be used; the message is one line (file, row, column)."""


def read_teachers(path: str | Path, *, columns: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The teacher register: the required columns (after the ``{file column: workbench
    name}`` map) with ``hired`` as a date, plus ``file_row``; other columns are dropped
    (names are never carried on).

    Raises
    ------
    RegisterFileError
        Missing file or column, an empty id, a bad date or status, a teacher listed twice.
    """
    path = Path(path)
    data = _read(path, columns, TEACHER_COLUMNS)
    problems = _empty(data, path, ["teacher_id", "school_id", "methodical_union", "hired"])
    data["hired"], bad = _dates(data, "hired", path)
    problems += bad
    wrong = data[~data["status"].str.strip().str.lower().isin(STATUSES)]
    problems += [
        f"{path.name}, row {r.file_row}, column status: {r.status!r} is not one of "
        f"{', '.join(STATUSES)}"
        for r in wrong.itertuples()
    ]
    data["status"] = data["status"].str.strip().str.lower()
    dupes = data[data["teacher_id"].duplicated(keep="first")]
    problems += [
        f"{path.name}, row {r.file_row}, column teacher_id: teacher {r.teacher_id!r} "
        "is listed twice (keep one row per teacher)"
        for r in dupes.itertuples()
    ]
    _raise(problems)
    return data[[*TEACHER_COLUMNS, "file_row"]]


def read_courses(
    path: str | Path, teachers: pd.DataFrame, *, columns: Mapping[str, str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The course register: ``teacher_id, course_code, start_date, end_date, file_row``
    (dates as dates; ``end_date`` empty = not completed).

    Returns
    -------
    (courses, unknown)
        The courses of teachers in ``teachers``, and those of teachers it does not list.

    Raises
    ------
    RegisterFileError
        Missing file or column, an empty id, a bad date, an end before the start.
    """
    path = Path(path)
    data = _read(path, columns, COURSE_COLUMNS)
    if "start_date" not in data.columns:
        data["start_date"] = ""
    problems = _empty(data, path, ["teacher_id", "course_code"])
    data["end_date"], bad = _dates(data, "end_date", path)
    problems += bad
    data["start_date"], bad = _dates(data, "start_date", path)
    problems += bad
    backwards = data[
        data["end_date"].notna()
        & data["start_date"].notna()
        & (data["end_date"] < data["start_date"])
    ]
    problems += [
        f"{path.name}, row {r.file_row}, column end_date: {r.end_date:%Y-%m-%d} is "
        f"before start_date {r.start_date:%Y-%m-%d}"
        for r in backwards.itertuples()
    ]
    _raise(problems)
    data = data[["teacher_id", "course_code", "start_date", "end_date", "file_row"]]
    known = data["teacher_id"].isin(set(teachers["teacher_id"]))
    return data[known].reset_index(drop=True), data[~known].reset_index(drop=True)


def _read(path: Path, columns: Mapping[str, str] | None, required: dict) -> pd.DataFrame:
    if not path.is_file():
        raise RegisterFileError(
            f"{path.name}: no such file ({path.parent.name}/{path.name}); "
            "put the export there or fix the path in the parameters"
        )
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            data = pd.read_excel(path, dtype=str, keep_default_na=False)
        else:
            data = _read_csv(path)
    except (ValueError, OSError) as exc:
        raise RegisterFileError(
            f"{path.name}: cannot be read as a table "
            f"({str(exc).splitlines()[0]}); save it as CSV or XLSX"
        ) from None
    data = data.rename(columns=lambda c: str(c).strip()).rename(columns=dict(columns or {}))
    missing = [c for c in required if c not in data.columns]
    if missing:
        shown = ", ".join(repr(c) for c in list(data.columns)[:12])
        raise RegisterFileError(
            f"{path.name}: no column {missing[0]!r} ({required[missing[0]]});"
            f" the file's columns are {shown}; rename it or map it in the "
            "parameters"
        )
    if data.empty:
        raise RegisterFileError(f"{path.name}: the file has a header but no rows")
    data = data.fillna("").astype(str)
    for c in data.columns:
        data[c] = data[c].str.strip()
    data["file_row"] = range(2, len(data) + 2)
    return data


def _read_csv(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1251")
    first = text.splitlines()[0] if text.strip() else ""
    sep = ";" if first.count(";") > first.count(",") else ","
    from io import StringIO

    return pd.read_csv(StringIO(text), sep=sep, dtype=str, keep_default_na=False)


def _empty(data: pd.DataFrame, path: Path, cols: list[str]) -> list[str]:
    return [
        f"{path.name}, row {row}, column {c}: empty; every row needs it"
        for c in cols
        for row in data.loc[data[c] == "", "file_row"]
    ]


def _dates(data: pd.DataFrame, col: str, path: Path):
    values, problems = [], []
    for text, row in zip(data[col], data["file_row"], strict=True):
        day = _date(text)
        if day is None and text:
            problems.append(
                f"{path.name}, row {row}, column {col}: {text!r} is not a date "
                "(write YYYY-MM-DD or DD.MM.YYYY)"
            )
        values.append(day)
    return pd.to_datetime(pd.Series(values, index=data.index, dtype="object")), problems


def _date(text: str):
    for fmt in _FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def _raise(problems: list[str]) -> None:
    if problems:
        more = (
            f" (and {len(problems) - 1} more problem(s) in this file)" if len(problems) > 1 else ""
        )
        raise RegisterFileError(problems[0] + more)
