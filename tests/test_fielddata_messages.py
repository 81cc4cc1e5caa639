"""Honest messages: each planted file fault is named by its real cause, file, row and column.

Planted faults: trailing delimiters (they used to shift every column silently), CR-only
line ends, a byte-order mark inside the header, mixed UTF-8 / Windows-1251 rows, Excel
formulas without saved values, an instruction sheet before the data sheet, and a large
file whose report shows counts by reason with a few examples, not every row.
"""

from __future__ import annotations

import warnings

import numpy as np
import openpyxl
import pandas as pd
import pytest

from workbench import fielddata as fd

SCHEMA = fd.Schema(
    name="students",
    unique=[["IDSTUD"]],
    columns=[
        {"name": "IDSTUD", "type": "int"},
        {"name": "IDSCHOOL", "type": "int"},
        {"name": "SEX", "type": "code", "codes": [1, 2]},
    ],
)


def test_trailing_delimiters_are_ignored_without_shifting_columns(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"IDSTUD,IDSCHOOL,SEX\n1001,17,1,\n1002,17,2,\n")
    ff = fd.read_field_file(path)
    # the planted truth: IDSTUD 1001 and 1002 in school 17 (not shifted one column left)
    assert ff.frame[["IDSTUD", "IDSCHOOL", "SEX"]].values.tolist() == [
        ["1001", "17", "1"],
        ["1002", "17", "2"],
    ]
    assert any("2 row(s) end with an extra ','" in n and "row 2" in n for n in ff.notes)


def test_a_row_with_a_filled_extra_field_is_refused_naming_the_row(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"IDSTUD,IDSCHOOL,SEX\n1001,17,1\n1002,17,2,x\n")
    with pytest.raises(fd.FieldDataError, match=r"row 3 has more fields than the header \(3\)"):
        fd.read_field_file(path)


def test_cr_only_line_ends_are_read_as_rows_with_file_row_numbers(tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes(b"IDSTUD;IDSCHOOL;SEX\r1001;17;1\r1002;17;7\r")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = fd.intake([path], SCHEMA)
    assert result.accepted["IDSTUD"].tolist() == [1001]
    assert result.issues[["row", "column"]].values.tolist() == [[3, "SEX"]]
    assert "CR only" in result.log["message"].item()


def test_byte_order_mark_inside_the_header_is_removed_and_noted(tmp_path):
    path = tmp_path / "glued.csv"
    path.write_bytes("IDSTUD,\ufeffIDSCHOOL,SEX\n1001,17,1\n".encode())
    ff = fd.read_field_file(path)
    assert "IDSCHOOL" in ff.frame.columns
    assert any("U+FEFF byte-order mark" in n and "column B" in n for n in ff.notes)


def test_mixed_encodings_are_refused_naming_a_row_of_each(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes("IDSTUD,NAME\n1001,Айгерим\n".encode() + "1002,Бакыт\n".encode("cp1251"))
    with pytest.raises(fd.FieldDataError, match=r"mixed encodings: row 2 is UTF-8 but row 3"):
        fd.read_field_file(path)


def test_formula_without_saved_value_is_named_as_such(tmp_path):
    path = tmp_path / "formulas.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["IDSTUD", "IDSCHOOL", "SEX"])
    ws.append([1001, 17, 1])
    ws.append(["=A2+1", 17, 2])  # openpyxl saves formulas without a cached value
    wb.save(path)
    result = fd.intake([path], SCHEMA)
    issue = result.issues.set_index("row").loc[3]
    assert issue["column"] == "IDSTUD"
    assert issue["reason"].endswith("an Excel formula with no saved value")
    assert "formula cell(s)" in result.log["message"].item()


def test_instruction_sheet_before_the_data_is_skipped_and_noted(tmp_path):
    path = tmp_path / "with_instructions.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Инструкция"
    ws.append(["Толтуруу боюнча көрсөтмө: ар бир окуучу үчүн бир сап, баш сапты өзгөртпөңүз."])
    data = wb.create_sheet("data")
    data.append(["IDSTUD", "IDSCHOOL", "SEX"])
    data.append([1001, 17, 1])
    wb.save(path)
    ff = fd.read_field_file(path)
    assert ff.frame["IDSTUD"].tolist() == ["1001"]
    assert any("skipped ['Инструкция']" in n for n in ff.notes)


def test_cyrillic_letters_in_a_number_are_named_not_just_not_a_number():
    df = pd.DataFrame(
        {
            "IDSTUD": ["1001", "1О02", "Асанова Айгерим"],
            "IDSCHOOL": ["17", "17", "17"],
            "SEX": ["1", "2", "1"],
        }
    )
    issues = fd.validate(df, SCHEMA).issues.set_index("row")["reason"]
    assert "look-alike letter 'О' (U+041E CYRILLIC CAPITAL LETTER O) at character 2" in issues[3]
    assert "a name or a shifted column" in issues[4]
    assert "Асанова" not in issues[4]  # the reason never quotes the value


def test_no_break_space_around_a_number_is_accepted():
    df = pd.DataFrame({"IDSTUD": ["1001\u00a0"], "IDSCHOOL": ["17"], "SEX": ["1"]})
    assert fd.validate(df, SCHEMA).accepted["IDSTUD"].tolist() == [1001]


def test_large_file_report_counts_by_reason_with_a_few_examples(tmp_path):
    n = 200_000
    rng = np.random.default_rng(5)
    sex = rng.choice(["1", "2", "7"], size=n)
    frame = pd.DataFrame(
        {"IDSTUD": np.arange(100_000, 100_000 + n).astype(str), "IDSCHOOL": "17", "SEX": sex}
    )
    path = tmp_path / "big.csv"
    frame.to_csv(path, index=False)
    result = fd.intake([path], SCHEMA)
    bad = int((sex == "7").sum())
    assert result.reconciliation.quarantined == bad
    issues = result.issues.assign(kind="students", file="big.csv")
    summary = fd.issue_summary(issues, sample=3)
    assert summary[["column", "n"]].values.tolist() == [["SEX", bad]]
    first = np.flatnonzero(sex == "7")[:3] + 2
    assert summary["examples"].item() == ", ".join(f"big.csv row {r}" for r in first)
