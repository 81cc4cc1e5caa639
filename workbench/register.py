"""Read a school register as the department delivers it (CSV, XLSX or Parquet).

Only two columns are required: a school id and the grade-6 enrolment. The parameter file maps
the register's own column names once (``data.register.columns``: file column -> workbench
name); every other column keeps its name and can be named as a stratum, a sort variable or a
report group. An Excel sheet may have title rows above the header and a header of several rows
with merged cells: the header is found as the first row (of the first 30) that holds every
mapped column, and a column under a merged cell is named by its header rows joined with
``" / "`` (``"Pupils / grade 6"``); a name that is one unique part of such a header
(``"grade 6"``) is accepted too. Cells are kept as text (a school id ``"0012"`` stays so);
``register_row`` is the row a person sees when opening the file.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "register.csv"
>>> _ = p.write_text("\\ufeffКод;Область;6 класс\\n0012;Чуй;31\\n", encoding="utf-8")
>>> r = read_register(p, columns={"Код": "school_id", "6 класс": "enrol_g6"})
>>> r.to_dict("records")
[{'school_id': '0012', 'Область': 'Чуй', 'enrol_g6': '31', 'register_row': 2}]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

__all__ = ["read_register", "RegisterError", "REQUIRED", "HEADER_SEARCH"]

#: workbench names every register must have (after the column map)
REQUIRED = {"school_id": "the school's id", "enrol_g6": "the grade-6 enrolment"}
#: rows of a sheet searched for the header
HEADER_SEARCH = 30
_DEPTHS = (1, 2, 3)


class RegisterError(ValueError):
    """A register file that cannot be used; the message is one line naming file and column."""


def read_register(
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = None,
    sheet: str | int | None = None,
    header_row: int | None = None,
    shown: str | None = None,
) -> pd.DataFrame:
    """Read a register and rename its columns by the map.

    Parameters
    ----------
    path
        CSV (UTF-8 with or without BOM, or Windows-1251; ``,`` or ``;``), XLSX or Parquet.
    columns
        ``{file column: workbench name}``; ``school_id`` and ``enrol_g6`` must be among the
        names after it.
    sheet
        XLSX: sheet name or 0-based position (default: the first).
    header_row
        XLSX: the header's first row (1 = the top row); default: found.
    shown
        How messages name the file (default: its name).

    Returns
    -------
    DataFrame
        The file's columns (mapped ones renamed) as text, plus ``register_row``.

    Raises
    ------
    RegisterError
        One line: the file, the sheet, the column and what to do.
    """
    path = Path(path)
    columns = dict(columns or {})
    shown = shown or path.name
    names, body, rows = _read_table(path, columns, sheet, header_row, shown)
    frame = _mapped(names, body, rows, columns, shown)
    missing = [name for name in REQUIRED if name not in frame.columns]
    if missing:
        found = _some([c for c in frame.columns if c != "register_row"])
        hint = "; ".join(f'"<its column>": {name} for {REQUIRED[name]}' for name in missing)
        raise RegisterError(
            f"{shown}: no column is mapped to {' and '.join(missing)}; add "
            f"{hint} under data.register.columns (the file's columns are "
            f"{found})"
        )
    return frame


# ----------------------------------------------------------------------------- readers


def _read_table(path: Path, columns: dict, sheet, header_row, shown: str):
    """``(names, body rows, file row numbers)`` of a CSV, XLSX or Parquet register."""
    if not path.is_file():
        raise RegisterError(
            f"{shown}: the register file does not exist; put it there or correct data.register.path"
        )
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return _read_csv(path, shown)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, columns, sheet, header_row, shown)
    if suffix == ".parquet":
        table = pd.read_parquet(path)
        body = [[_text(v) for v in row] for row in table.itertuples(index=False)]
        return [str(c) for c in table.columns], body, list(range(1, len(table) + 1))
    raise RegisterError(
        f"{shown}: unknown register format {path.suffix!r}; save it as CSV (UTF-8), XLSX or Parquet"
    )


def _read_csv(path: Path, shown: str):
    from workbench.fielddata.errors import FieldDataError
    from workbench.fielddata.readers import read_csv

    try:
        read = read_csv(path)
    except FieldDataError as err:
        message = str(err).replace(str(path), shown).removeprefix("read_csv: ")
        raise RegisterError(f"{shown}: {message}") from None
    frame = read.frame
    names = [c for c in frame.columns if c not in ("_source_file", "_source_row")]
    return names, frame[names].to_numpy().tolist(), frame["_source_row"].tolist()


def _read_xlsx(path: Path, columns: dict, sheet, header_row, shown: str):
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as err:  # noqa: BLE001 - any unreadable workbook gets one line
        raise RegisterError(
            f"{shown}: not a readable Excel workbook ({type(err).__name__}); "
            "open it in Excel and save it again as .xlsx"
        ) from None
    sheets = book.sheetnames
    if sheet is None:
        sheet = 0
    if isinstance(sheet, int) and not 0 <= sheet < len(sheets):
        raise RegisterError(
            f"{shown}: data.register.sheet: there is no sheet {sheet} (0 is the "
            f"first); the sheets are {sheets}"
        )
    if isinstance(sheet, str) and sheet not in sheets:
        raise RegisterError(
            f"{shown}: data.register.sheet: no sheet {sheet!r}; the sheets are {sheets}"
        )
    ws = book.worksheets[sheet] if isinstance(sheet, int) else book[sheet]
    grid = [[_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    width = max((len(row) for row in grid), default=0)
    grid = [row + [""] * (width - len(row)) for row in grid]
    _fill_merged(ws, grid)
    spans = {}  # a header cell merged down spans its rows
    for merged in ws.merged_cells.ranges:
        rows = merged.max_row - merged.min_row + 1
        spans[merged.min_row - 1] = max(spans.get(merged.min_row - 1, 1), rows)
    wanted = list(columns) or list(REQUIRED)
    start, depth = _find_header(grid, wanted, header_row, spans, f"{shown}: sheet {ws.title!r}")
    names = _header_names(grid[start : start + depth])
    numbers = range(start + depth + 1, len(grid) + 1)
    kept = [(n, grid[n - 1]) for n in numbers if any(cell != "" for cell in grid[n - 1])]
    return names, [row for _, row in kept], [n for n, _ in kept]


def _fill_merged(ws, grid: list[list[str]]) -> None:
    """Give every cell of a merged range the value of its top-left cell."""
    for merged in ws.merged_cells.ranges:
        value = grid[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                grid[r - 1][c - 1] = value


def _find_header(
    grid, wanted: list[str], header_row: int | None, spans: dict[int, int], where: str
) -> tuple[int, int]:
    """0-based first row and depth of the header holding every wanted name: its first row
    holds one of them (or the heading of a joined one); a header whose cells are merged down
    is at least as deep as they are."""
    starts = [header_row - 1] if header_row else range(min(HEADER_SEARCH, len(grid)))
    heads = {name.split(" / ")[0] for name in wanted}
    for start in starts:
        if not header_row and not heads & set(grid[start]):  # the header starts with one
            continue
        for depth in (d for d in _DEPTHS if d >= spans.get(start, 1)):
            rows = grid[start : start + depth]
            if len(rows) == depth and not _unresolved(wanted, _header_names(rows)):
                return start, depth
    if header_row:
        names = _header_names(grid[header_row - 1 : header_row]) if len(grid) >= header_row else []
        missing = _unresolved(wanted, names)
        raise RegisterError(
            f"{where}: row {header_row} (data.register.header_row) has no "
            f"column {missing[0]!r}; its cells are {_some(names)}"
        )
    first = next((row for row in grid if any(row)), [])
    raise RegisterError(
        f"{where}: no header row in the first {HEADER_SEARCH} rows holds the "
        f"mapped columns {_some(wanted)}; the first filled row reads "
        f"{_some(first)}. Correct data.register.columns, or set "
        "data.register.header_row"
    )


def _header_names(rows: list[list[str]]) -> list[str]:
    """One name per column: the header rows' distinct parts joined by ' / '."""
    if not rows:
        return []
    names = []
    for index, parts in enumerate(zip(*rows, strict=True)):
        kept = [p for i, p in enumerate(parts) if p and (i == 0 or p != parts[i - 1])]
        names.append(" / ".join(kept) or f"column {_letter(index)}")
    return names


def _resolve(name: str, names: list[str]) -> int | None:
    """Position of a wanted column: its full name, else a unique part of a joined name."""
    if names.count(name) == 1:
        return names.index(name)
    if name in names:
        return None
    partial = [i for i, full in enumerate(names) if name in full.split(" / ")]
    return partial[0] if len(partial) == 1 else None


def _unresolved(wanted: list[str], names: list[str]) -> list[str]:
    return [name for name in wanted if _resolve(name, names) is None]


def _mapped(names: list[str], body: list, rows: list, columns: dict, shown: str) -> pd.DataFrame:
    """The table with mapped columns renamed; one line for a missing or ambiguous column."""
    names = list(names)
    for source in columns:
        position = _resolve(source, names)
        if position is None:
            twice = names.count(source) > 1
            problem = "is there twice" if twice else "is not in the file"
            raise RegisterError(
                f"{shown}: column {source!r} (data.register.columns) {problem}; "
                f"the file's columns are {_some(names)}"
            )
        names[position] = source
    renamed = [columns.get(name, name) for name in names]
    twice = sorted({n for n in renamed if renamed.count(n) > 1 and n in columns.values()})
    if twice:
        raise RegisterError(
            f"{shown}: two columns would be named {twice[0]!r} (data.register."
            "columns maps one file column onto another's name); rename one"
        )
    renamed = _numbered(renamed)
    frame = pd.DataFrame(body, columns=renamed, dtype="string")
    frame["register_row"] = pd.array(rows, dtype="int64")
    return frame


def _numbered(names: list[str]) -> list[str]:
    """Names made unique: a second ``"Итого"`` becomes ``"Итого (2)"``."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def _text(value: object) -> str:
    """A cell as text: whole numbers without '.0', dates as ISO, empty as ''."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def _some(values: list[str], shown: int = 12) -> str:
    values = [v for v in values if v != ""]
    more = f", ... ({len(values)} in all)" if len(values) > shown else ""
    return "[" + ", ".join(repr(v) for v in values[:shown]) + more + "]"


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
