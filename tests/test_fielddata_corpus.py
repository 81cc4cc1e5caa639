"""The malformed-file corpus: every bad return gets a clear, one-line, located message.

The corpus is generated at test time (deterministically) into a temporary folder rather
than committed as binaries. Each entry says what must happen: a whole-file
``FieldDataError`` whose message matches, or the rows, columns and reasons that must be
quarantined while the counts reconcile.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd
import pyreadstat
import pytest

from workbench import fielddata as fd

KNOWN = {"sample.IDSCHOOL": [17, 18]}
HEADER = ["IDSTUD", "IDSCHOOL", "IDCLASS", "SEX", "BIRTHDATE", "R01", "R02", "R03", "AGE"]
SCHEMA = fd.Schema(
    name="students",
    id_columns=["IDSTUD", "IDSCHOOL", "IDCLASS"],
    unique=[["IDSTUD"]],
    columns=[
        {"name": "IDSTUD", "type": "int", "min": 1, "aliases": ["ИД ученика"]},
        {
            "name": "IDSCHOOL",
            "type": "int",
            "references": "sample.IDSCHOOL",
            "aliases": ["Код школы"],
        },
        {"name": "IDCLASS", "type": "int", "aliases": ["Класс"]},
        {
            "name": "SEX",
            "type": "code",
            "codes": {1: "girl", 2: "boy"},
            "missing": {9: "omitted"},
            "aliases": ["Пол"],
        },
        {"name": "BIRTHDATE", "type": "date", "identifier": True, "aliases": ["Дата рождения"]},
        {
            "name": ["R01", "R02", "R03"],
            "type": "code",
            "codes": [0, 1, 2],
            "missing": {9: "omitted", 8: "not reached"},
        },
        {
            "name": "AGE",
            "type": "float",
            "min": 9,
            "max": 16,
            "required": False,
            "allow_blank": True,
            "aliases": ["Возраст"],
        },
        {"name": "NAME", "type": "str", "required": False, "identifier": True, "aliases": ["ФИО"]},
    ],
)


def good_rows(n: int = 8) -> list[list[str]]:
    """n valid student rows (as text), deterministic."""
    return [
        [
            str(1001 + i),
            "17" if i % 2 else "18",
            "1701" if i % 2 else "1801",
            str(1 + i % 2),
            f"2013-0{1 + i % 9}-1{i % 10}",
            str(i % 3),
            str((i + 1) % 3),
            "9" if i == 3 else str((i + 2) % 3),
            f"{11 + i % 3}.5",
        ]
        for i in range(n)
    ]


def csv_text(rows: list[list[str]], header: list[str] = HEADER, sep: str = ",") -> str:
    return "\n".join(sep.join(r) for r in [header, *rows]) + "\n"


def with_cell(row: int, column: str, value: str, n: int = 8) -> list[list[str]]:
    """good_rows with one cell changed; ``row`` is the file row (header = 1)."""
    rows = good_rows(n)
    rows[row - 2][HEADER.index(column)] = value
    return rows


@dataclass
class Case:
    """One corpus file and what must happen when it is taken in."""

    name: str
    make: object  # bytes, or a callable(path) that writes the file
    error: str | None = None  # regex the FieldDataError message must match
    quarantined: list[tuple[int, str, str]] = field(default_factory=list)  # row, column, reason
    read: int | None = None
    warns: str | None = None


def _xlsx(rows: list[list[object]], merge: str | None = None):
    def make(path: Path) -> None:
        wb = openpyxl.Workbook()
        wb.properties.created = wb.properties.modified = dt.datetime(2025, 5, 1)
        ws = wb.active
        for r in rows:
            ws.append(r)
        if merge:
            ws.merge_cells(merge)
        wb.save(path)

    return make


def _sav(truncate: bool = False):
    def make(path: Path) -> None:
        rows = good_rows(5)
        df = pd.DataFrame(rows, columns=HEADER)
        for c in HEADER:
            if c != "BIRTHDATE":
                df[c] = pd.to_numeric(df[c])
        df["BIRTHDATE"] = pd.to_datetime(df["BIRTHDATE"]).dt.date
        df.loc[2, "SEX"] = 7.0  # case 3: code not allowed
        pyreadstat.write_sav(
            df,
            str(path),
            variable_value_labels={"SEX": {1.0: "girl", 2.0: "boy", 9.0: "omitted"}},
            missing_ranges={"SEX": [9.0]},
        )
        if truncate:
            data = path.read_bytes()
            path.write_bytes(data[: len(data) // 2])

    return make


CP1251_HEADER = [
    "ИД ученика",
    "Код школы",
    "Класс",
    "Пол",
    "Дата рождения",
    "R01",
    "R02",
    "R03",
    "Возраст",
    "ФИО",
]
cp_rows = [
    r[:8] + [r[8].replace(".", ",")] + [f"Айгуль Тестова{i}"] for i, r in enumerate(good_rows(4))
]
cp_rows[1][4] = "01.02.2013"  # a second date format in the same column

CASES = [
    Case("empty.csv", b"", error=r"file is empty \(.*empty\.csv"),
    Case("blank_only.csv", b"\r\n\r\n  \r\n", error=r"file is empty"),
    Case("header_only.csv", csv_text([]).encode(), error=r"header only.*header_only\.csv"),
    Case(
        "undecodable.csv",
        csv_text(good_rows(3)).encode()[:-20] + b"\x98\xff,1\n",
        error=r"row 4 has bytes that are neither UTF-8 nor Windows-1251.*undecodable\.csv",
    ),
    Case("utf16.csv", csv_text(good_rows(2)).encode("utf-16"), error=r"NUL bytes.*utf16\.csv"),
    Case(
        "missing_column.csv",
        csv_text([r[:1] + r[2:] for r in good_rows()], [HEADER[0], *HEADER[2:]]).encode(),
        error=r"missing required column\(s\) \['IDSCHOOL'\] in row 1 \(.*missing_column\.csv",
    ),
    Case(
        "wrong_delimiter.csv",
        csv_text(good_rows(), sep="\t").encode(),
        error=r"missing required column.*wrong_delimiter\.csv.*delimiter must be",
    ),
    Case(
        "ragged.csv",
        csv_text(good_rows()).replace("\n1003,", "\n1003,99,", 1).encode(),
        error=r"row 4 has more fields than the header \(9\) \(.*ragged\.csv",
    ),
    Case(
        "duplicate_header.csv",
        csv_text(good_rows(), [*HEADER[:-1], "SEX"]).encode(),
        error=r"duplicate column name 'SEX' in row 1, columns D and I \(.*duplicate_header",
    ),
    Case(
        "merged_header.xlsx",
        _xlsx([["Student", None, *HEADER[2:]], *good_rows(3)], "A1:B1"),
        error=r"merged header cells A1:B1 .*row 1, column A.*merged_header\.xlsx",
    ),
    Case(
        "two_row_header.xlsx",
        _xlsx([["Student", None, None, "Answers", *[None] * 5], HEADER, *good_rows(3)]),
        error=r"two-row header.*row 1, column\(s\) B, C.*two_row_header\.xlsx",
    ),
    Case("not_really.xlsx", b"IDSTUD,IDSCHOOL\n1,2\n", error=r"not a readable \.xlsx.*not_r"),
    Case("truncated.sav", _sav(truncate=True), error=r"truncated or corrupt \(.*truncated\.sav"),
    Case("returns.dat", csv_text(good_rows()).encode(), error=r"unknown file type '\.dat'"),
    Case("old_format.xls", b"\xd0\xcf\x11\xe0", error=r"unknown file type '\.xls'.*as \.xlsx"),
    Case(
        "duplicate_ids.csv",
        csv_text(with_cell(9, "IDSTUD", "1003", 9)).encode(),
        read=9,
        quarantined=[
            (4, "IDSTUD", "duplicate IDSTUD 1003 (rows 4, 9)"),
            (9, "IDSTUD", "duplicate IDSTUD 1003 (rows 4, 9)"),
        ],
    ),
    Case(
        "out_of_range_codes.csv",
        csv_text(with_cell(3, "SEX", "7")).encode(),
        read=8,
        quarantined=[(3, "SEX", "SEX code not allowed (allowed: 1, 2; missing: 9)")],
    ),
    Case(
        "item_code.csv",
        csv_text(with_cell(5, "R02", "5")).encode(),
        read=8,
        quarantined=[(5, "R02", "R02 code not allowed (allowed: 0, 1, 2; missing: 9, 8)")],
    ),
    Case(
        "unknown_school.csv",
        csv_text(with_cell(6, "IDSCHOOL", "999")).encode(),
        read=8,
        quarantined=[(6, "IDSCHOOL", "IDSCHOOL not in sample.IDSCHOOL")],
    ),
    Case(
        "non_numeric.csv",
        csv_text(with_cell(2, "AGE", "twelve")).encode(),
        read=8,
        quarantined=[(2, "AGE", "AGE is not a number")],
    ),
    Case(
        "age_out_of_range.csv",
        csv_text(with_cell(7, "AGE", "31")).encode(),
        read=8,
        quarantined=[(7, "AGE", "AGE above maximum 16")],
    ),
    Case(
        "fractional_id.csv",
        csv_text(with_cell(8, "IDSTUD", "1007.5")).encode(),
        read=8,
        quarantined=[(8, "IDSTUD", "IDSTUD is not a whole number")],
    ),
    Case(
        "blank_required.csv",
        csv_text(with_cell(4, "IDCLASS", " ")).encode(),
        read=8,
        quarantined=[(4, "IDCLASS", "IDCLASS is blank (a value is required)")],
    ),
    Case(
        "mixed_dates.csv",
        csv_text(with_cell(3, "BIRTHDATE", "14.05.2013"))
        .replace("2013-04-13", "04/13/2013")
        .encode(),
        read=8,
        warns="mixes date formats",
        quarantined=[(5, "BIRTHDATE", "BIRTHDATE not a date in format %Y-%m-%d or %d.%m.%Y")],
    ),
    Case(
        "blank_rows.csv",
        csv_text(good_rows(4)).replace("\n1003", "\n,,,,,,,,\n\n1003").encode() + b"\n\n,,,\n",
        read=6,
        quarantined=[(4, "", "blank row (all cells empty)"), (5, "", "blank row")],
    ),
    Case(
        "extra_columns.csv",
        csv_text([[*r, "x"] for r in good_rows()], [*HEADER, "NOTE"]).encode(),
        read=8,
        warns=r"undeclared column\(s\) \['NOTE'\]",
    ),
    Case("bom_utf8.csv", b"\xef\xbb\xbf" + csv_text(good_rows()).encode(), read=8),
    Case(
        "cyrillic_cp1251.csv",
        csv_text(cp_rows, CP1251_HEADER, sep=";").encode("cp1251"),
        read=4,
        warns="mixes date formats",
    ),
    Case("good.xlsx", _xlsx([HEADER, *[[int(r[0]), *r[1:]] for r in good_rows()]]), read=8),
    Case(
        "good_with_bad_code.sav", _sav(), read=5, quarantined=[(3, "SEX", "SEX code not allowed")]
    ),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("malformed")
    for case in CASES:
        path = root / case.name
        if callable(case.make):
            case.make(path)
        else:
            path.write_bytes(case.make)
    return root


def test_corpus_has_at_least_twenty_malformed_files():
    bad = [c for c in CASES if c.error or c.quarantined or c.warns]
    assert len(bad) >= 20


@pytest.mark.parametrize("case", [c for c in CASES if c.error], ids=lambda c: c.name)
def test_bad_file_raises_one_line_fielddata_error_naming_the_file(corpus, case):
    path = corpus / case.name
    with pytest.raises(fd.FieldDataError, match=case.error) as info:
        raw = fd.read_field_file(path)
        fd.validate(raw.frame, SCHEMA, known_ids=KNOWN)
    exc = info.value
    assert "\n" not in str(exc)
    assert case.name in str(exc)
    # no traceback beyond the FieldDataError: no chained cause or visible context
    assert exc.__cause__ is None and (exc.__context__ is None or exc.__suppress_context__)


@pytest.mark.parametrize("case", [c for c in CASES if not c.error], ids=lambda c: c.name)
def test_row_problems_are_quarantined_with_file_row_column_and_counts_reconcile(corpus, case):
    path = corpus / case.name
    raw = fd.read_field_file(path)
    if case.warns:
        with pytest.warns(UserWarning, match=case.warns):
            result = fd.validate(raw.frame, SCHEMA, known_ids=KNOWN)
    else:
        result = fd.validate(raw.frame, SCHEMA, known_ids=KNOWN)
    rec = result.reconciliation
    assert rec.read == case.read == len(raw.frame)
    assert rec.accepted + rec.quarantined == rec.read
    assert len(result.accepted) == rec.accepted
    expected = {(row, col) for row, col, _ in case.quarantined}
    found = set(zip(result.issues["row"], result.issues["column"], strict=True))
    assert found == expected
    for row, col, reason in case.quarantined:
        hit = result.issues[(result.issues["row"] == row) & (result.issues["column"] == col)]
        assert hit["reason"].str.startswith(reason).all(), hit["reason"].tolist()
        assert (hit["file"] == str(path)).all()
    assert rec.quarantined == len({r for r, _, _ in case.quarantined})


def test_reading_never_changes_the_raw_files(corpus):
    def digest(p: Path) -> str:
        return hashlib.sha256(p.read_bytes()).hexdigest()

    before = {p.name: (digest(p), p.stat().st_mtime_ns) for p in corpus.iterdir()}
    for case in CASES:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fd.validate(fd.read_field_file(corpus / case.name).frame, SCHEMA, known_ids=KNOWN)
        except fd.FieldDataError:
            pass
    after = {p.name: (digest(p), p.stat().st_mtime_ns) for p in corpus.iterdir()}
    assert after == before


def test_intake_of_the_whole_corpus_logs_every_file_and_writes_a_quarantine(corpus, tmp_path):
    paths = [corpus / c.name for c in CASES]
    with pytest.warns(UserWarning):
        result = fd.intake(
            paths,
            SCHEMA,
            known_ids=KNOWN,
            quarantine_path=tmp_path / "q.csv",
            log_path=tmp_path / "log.csv",
        )
    log = pd.read_csv(tmp_path / "log.csv", keep_default_na=False)
    assert len(log) == len(CASES)
    rejected = log[log["status"] == "rejected"]
    assert set(Path(f).name for f in rejected["file"]) == {c.name for c in CASES if c.error}
    assert rejected.apply(lambda r: Path(r["file"]).name in r["message"], axis=1).all()
    assert (log["rows_read"] == log["rows_accepted"] + log["rows_quarantined"]).all()
    assert log.loc[log["file"].str.endswith("good.xlsx"), "sha256"].str.len().item() == 64
    q = pd.read_csv(tmp_path / "q.csv", keep_default_na=False, dtype=str)
    assert list(q.columns[:5]) == ["file", "row", "column", "value", "reason"]
    assert len(q) == result.reconciliation.quarantined == log["rows_quarantined"].sum()
    dup = q[q["file"].str.endswith("duplicate_ids.csv") & q["row"].isin(["4", "9"])]
    assert dup["reason"].tolist() == ["duplicate IDSTUD 1003 (rows 4, 9)"] * 2
    # the corpus files reuse the same students: across files they are quarantined too,
    # each naming every file and row that holds the student
    across = q[q["reason"].str.contains("across files")]
    assert len(across) and across["reason"].str.count(" row ").ge(2).all()
    assert not result.accepted["IDSTUD"].duplicated().any()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_cp1251_file_with_cyrillic_headers_is_decoded_and_typed(corpus):
    raw = fd.read_field_file(corpus / "cyrillic_cp1251.csv")
    assert (raw.encoding, raw.delimiter) == ("cp1251", ";")
    with pytest.warns(UserWarning, match="mixes date formats"):
        result = fd.validate(raw.frame, SCHEMA, known_ids=KNOWN)
    acc = result.accepted
    assert acc["NAME"].iloc[0] == "Айгуль Тестова0"
    assert acc["AGE"].tolist() == [11.5, 12.5, 13.5, 11.5]  # decimal comma read
    assert acc["BIRTHDATE"].iloc[1] == pd.Timestamp("2013-02-01")


def test_sav_keeps_value_labels_and_spss_missing_codes(corpus):
    raw = fd.read_field_file(corpus / "good_with_bad_code.sav")
    assert raw.value_labels["SEX"][9.0] == "omitted"
    assert raw.frame["_source_row"].tolist() == [1, 2, 3, 4, 5]
    result = fd.validate(raw.frame, SCHEMA, known_ids=KNOWN)
    assert result.accepted["R03"].tolist().count(9) == 1  # user-missing 9 kept as a code
    assert str(result.accepted["IDSTUD"].dtype) == "Int64"
