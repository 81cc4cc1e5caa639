"""Read in chunks, a CSV says and yields the same as read whole (every planted whole-file
fault gives the same one-line message; rows and row numbers are the same)."""

from __future__ import annotations

import codecs

import pytest

from workbench.fielddata import FieldDataError, read_csv
from workbench.fielddata.readers import read_csv_chunks

CASES = {
    "bom": codecs.BOM_UTF8 + b"ID,A\n1,2\n",
    "cr_only": b"ID;A\r1;2\r3;4;\r",
    "cp1251": "ID;NAME\n1;Айгерим\n".encode("cp1251"),
    "mixed": "ID;NAME\n1;Айгерим\n".encode() + "2;Асан\n".encode("cp1251"),
    "neither": b"ID;A\n1;\x98\n",
    "bom_neither": codecs.BOM_UTF8 + b"ID;A\n1;\xff\n",
    "empty": b"",
    "blank_lines": b"  \n\n",
    "header_only": b"ID,A\n\n,\n",
    "nul": b"I\x00D\x00",
    "utf16": codecs.BOM_UTF16_LE + "ID,A\n".encode("utf-16-le"),
    "too_wide": b"ID,A\n1,2,3\n",
    "trailing_delimiter": b"ID,A\n1,2,\n3,4\n",
    "duplicate_column": b"ID,ID\n1,2\n",
    "blank_name": b"ID,,A\n1,2,3\n",
    "blank_right_column": b"ID,A,\n1,2,\n",
    "invisible_in_header": "ID\u200b,A\n1,2\n".encode(),
    "blank_inside": b"ID,A\n1,2\n\n3,4\n\n",
}


def _outcome(read):
    try:
        files = read()
    except FieldDataError as exc:
        return "error", str(exc)
    files = files if isinstance(files, list) else [files]
    rows = [r for f in files for r in f.frame.drop(columns="_source_file").values.tolist()]
    return "read", rows, files[0].encoding, files[0].delimiter, files[0].notes


@pytest.mark.parametrize("case", sorted(CASES))
def test_chunks_match_the_whole_file(tmp_path, case):
    path = tmp_path / f"{case}.csv"
    path.write_bytes(CASES[case])
    whole = _outcome(lambda: read_csv(path))
    assert _outcome(lambda: list(read_csv_chunks(path, chunk_rows=1))) == whole


def test_a_bad_byte_after_a_bom_is_placed_in_its_file_row(tmp_path):
    path = tmp_path / "b.csv"
    path.write_bytes(CASES["bom_neither"])
    with pytest.raises(FieldDataError, match=r"row 2 .* \(byte 0xff at offset 10\)"):
        read_csv(path)


def _xlsx(path, rows, *, formula=False, merge=None, sheets=()):
    import openpyxl

    wb = openpyxl.Workbook()
    for title, text in sheets:
        wb.active.title = title
        wb.active.append([text])
        wb.create_sheet("data")
        wb.active = 1
    ws = wb.active
    for row in rows:
        ws.append(row)
    if formula:
        ws["B3"] = "=A3*2"
    if merge:
        ws.merge_cells(merge)
    wb.save(path)


XLSX = {
    "plain": {"rows": [["ID", "A"], [1, 2], [3, 4.0], [5, None]]},
    "blank_rows": {"rows": [["ID", "A"], [1, 2], [None, None], [3, 4], [None, None]]},
    "header_only": {"rows": [["ID", "A"]]},
    "empty": {"rows": []},
    "formula": {"rows": [["ID", "A"], [1, 2], [3, None]], "formula": True},
    "merged_header": {"rows": [["ID", "A"], [1, 2]], "merge": "A1:B1"},
    "stray_cell": {"rows": [["ID", "A"], [1, 2, "x"]]},
    "blank_name": {"rows": [["ID", None, "B"], [1, 2, 3]]},
    "duplicate_column": {"rows": [["ID", "ID"], [1, 2]]},
    "instructions": {
        "rows": [["ID", "A"], [1, 2]],
        "sheets": [("Read me", "Fill in one row per student, see the manual.")],
    },
    "invisible_in_header": {"rows": [["ID\u200b", "A"], [1, 2]]},
}


@pytest.mark.parametrize("case", sorted(XLSX))
def test_xlsx_chunks_match_the_whole_sheet(tmp_path, case):
    from workbench.fielddata import read_xlsx
    from workbench.fielddata.readers import read_xlsx_chunks

    path = tmp_path / f"{case}.xlsx"
    _xlsx(path, **XLSX[case])
    whole = _outcome(lambda: read_xlsx(path))
    assert _outcome(lambda: list(read_xlsx_chunks(path, chunk_rows=1))) == whole
