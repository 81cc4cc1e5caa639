"""Realistic faults planted in the returns, each recorded so tests can check the intake.

Row faults (the intake must quarantine exactly these rows): a duplicated booklet row, a
booklet of a school not in the sample, a wrong letter ``E``, an out-of-range scoring code,
an out-of-range questionnaire code, a birth date in another format, two blank rows.
File faults (the intake must reject the file with a clear message): an empty principal
questionnaire and one whose header sits under a merged title row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["Return", "plant_faults", "fault_table", "UNKNOWN_SCHOOL", "FAULT_COLUMNS"]

#: IDSCHOOL of the booklet that comes from a school outside the sample
UNKNOWN_SCHOOL = 9990
FAULT_COLUMNS = ["fault", "level", "file", "row", "column", "value", "expected"]
_EXPECTED = {
    "duplicate_row": "duplicate IDSTUD",
    "unknown_school": "not in sample.IDSCHOOL",
    "unknown_student": "not in tracking.IDSTUD",
    "wrong_letter": "code not allowed",
    "out_of_range_code": "code not allowed",
    "date_format": "not a date",
    "blank_row": "blank row",
    "empty_file": "file is empty",
    "merged_header": "merged header cells",
}


@dataclass
class Return:
    """One file to write: its kind, path, content (text cells unless XLSX/SAV) and layout."""

    kind: str
    path: Path
    frame: pd.DataFrame
    encoding: str = "utf-8"
    delimiter: str = ","
    header: list[str] | None = None
    fmt: str = "csv"
    title: str | None = None
    empty: bool = False
    empty_lines: bool = False
    marks: list[tuple[str, str]] = field(default_factory=list)
    issues: dict[int, tuple[tuple[str, str, str], ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.frame = self.frame.reset_index(drop=True)
        if "_mark" not in self.frame:
            self.frame["_mark"] = 0

    @property
    def data(self) -> pd.DataFrame:
        """The content without the bookkeeping column."""
        return self.frame.drop(columns="_mark")

    @property
    def marked(self) -> list[tuple[int, tuple[str, str, str]]]:
        """``(position, (fault, column, value))`` of every planted row issue."""
        marks = self.frame["_mark"].to_numpy()
        return [
            (int(pos), issue)
            for pos in np.flatnonzero(marks)
            for issue in self.issues[int(marks[pos])]
        ]


def plant_faults(rng: np.random.Generator, returns: list[Return], items: pd.DataFrame) -> None:
    """Plant every fault in place (frames get rows changed or inserted, marked in ``_mark``).

    ``items`` (the item bank) tells which constructed-response items are worth one point: a
    ``20`` there is the out-of-range code a coder typically writes.
    """
    booklets = _pick(returns, "booklets", "utf-8")
    if booklets is not None:
        _duplicate_row(rng, booklets)
        _unknown_school(rng, booklets)
        _wrong_letter(rng, booklets)
        one_point = items.loc[(items["type"] == "CR") & (items["max_score"] == 1), "item_id"]
        _out_of_range_item(rng, booklets, list(one_point))
    other_booklets = _pick(returns, "booklets", "cp1251", avoid=booklets) or booklets
    if other_booklets is not None:
        _blank_row(rng, other_booklets, "blank_row")
    questionnaire = _pick(returns, "student_questionnaire", "utf-8")
    if questionnaire is not None:
        _set_value(rng, questionnaire, "BIRTHDATE", "date_format", _other_date_format)
        _blank_row(rng, questionnaire, "blank_line")
    other_q = _pick(returns, "student_questionnaire", "cp1251", avoid=questionnaire)
    if (other_q or questionnaire) is not None:
        _set_value(rng, other_q or questionnaire, "ASBG04", "out_of_range_code", lambda v: "7")
    principals = [r for r in returns if r.kind == "principal_questionnaire"]
    if len(principals) >= 2:
        first, second = rng.choice(len(principals), 2, replace=False)
        principals[first].title = "Мектеп директорунун анкетасы / Анкета директора школы"
        principals[first].marks.append(("merged_header", ""))
        principals[second].empty = True
        principals[second].marks.append(("empty_file", ""))


def fault_table(returns: list[Return]) -> pd.DataFrame:
    """One row per expected issue: ``fault, level, file, row, column, value, expected``.

    Row faults have the file row a person sees (header = row 1); file faults have no row.
    """
    rows = []
    for ret in returns:
        for fault, value in ret.marks:
            rows.append((fault, "file", str(ret.path), pd.NA, "", value, _EXPECTED[fault]))
        for pos, (fault, column, value) in ret.marked:
            rows.append((fault, "row", str(ret.path), pos + 2, column, value, _EXPECTED[fault]))
    out = pd.DataFrame(rows, columns=FAULT_COLUMNS)
    return out.astype({"row": "Int64"}).sort_values(["file", "row", "column"], ignore_index=True)


# ----------------------------------------------------------------------------- row faults


def _pick(
    returns: list[Return], kind: str, encoding: str, avoid: Return | None = None
) -> Return | None:
    """The largest file of a kind, preferring ``encoding``."""
    pool = [r for r in returns if r.kind == kind and r is not avoid and len(r.frame) >= 4]
    preferred = [r for r in pool if r.encoding == encoding] or pool
    return max(preferred, key=lambda r: len(r.frame)) if preferred else None


def _clean_rows(ret: Return) -> np.ndarray:
    return np.flatnonzero(ret.frame["_mark"].to_numpy() == 0)


def _mark(ret: Return, pos: int, *issues: tuple[str, str, str]) -> None:
    token = len(ret.issues) + 1
    ret.issues[token] = issues
    ret.frame.at[pos, "_mark"] = token


def _duplicate_row(rng: np.random.Generator, ret: Return) -> None:
    pos = int(rng.choice(_clean_rows(ret)))
    copy = ret.frame.iloc[[pos]].copy()
    ret.frame = pd.concat([ret.frame, copy], ignore_index=True)
    value = ret.frame.at[pos, "IDSTUD"]
    for p in (pos, len(ret.frame) - 1):
        _mark(ret, p, ("duplicate_row", "IDSTUD", value))


def _unknown_school(rng: np.random.Generator, ret: Return) -> None:
    pos = int(rng.choice(_clean_rows(ret)))
    row = ret.frame.iloc[[pos]].copy()
    idclass = UNKNOWN_SCHOOL * 100 + 1
    row[["IDSCHOOL", "IDCLASS", "IDSTUD"]] = [
        str(UNKNOWN_SCHOOL),
        str(idclass),
        str(idclass * 100 + 1),
    ]
    at = int(rng.integers(1, len(ret.frame)))
    ret.frame = pd.concat([ret.frame.iloc[:at], row, ret.frame.iloc[at:]], ignore_index=True)
    _mark(
        ret,
        at,
        ("unknown_school", "IDSCHOOL", str(UNKNOWN_SCHOOL)),
        ("unknown_student", "IDSTUD", str(idclass * 100 + 1)),
    )


def _wrong_letter(rng: np.random.Generator, ret: Return) -> None:
    letters = ret.frame.isin(list("ABCD"))
    _replace_cell(rng, ret, letters, "wrong_letter", "E")


def _out_of_range_item(rng: np.random.Generator, ret: Return, one_point: list[str]) -> None:
    """``20`` in a 1-point item (``30`` when the bank has none)."""
    cr = ret.frame.isin(["10", "70", "79"])
    if one_point:
        cr = cr[one_point]
    _replace_cell(rng, ret, cr, "out_of_range_code", "20" if one_point else "30")


def _replace_cell(
    rng: np.random.Generator, ret: Return, candidates: pd.DataFrame, fault: str, value: str
) -> None:
    clean = np.zeros(len(ret.frame), dtype=bool)
    clean[_clean_rows(ret)] = True
    rows, cols = np.nonzero(candidates.to_numpy() & clean[:, None])
    if len(rows) == 0:  # nothing to spoil in this file (tiny sample): plant nothing
        return
    k = int(rng.integers(len(rows)))
    column = candidates.columns[cols[k]]
    ret.frame.at[rows[k], column] = value
    _mark(ret, int(rows[k]), (fault, column, value))


def _set_value(rng: np.random.Generator, ret: Return, column: str, fault: str, change) -> None:
    pos = int(rng.choice(_clean_rows(ret)))
    value = change(ret.frame.at[pos, column])
    ret.frame.at[pos, column] = value
    _mark(ret, pos, (fault, column, value))


def _other_date_format(text: str) -> str:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return pd.to_datetime(text, format=fmt).strftime("%m/%d/%Y")
        except ValueError:
            continue
    return "05/14/2013"


def _blank_row(rng: np.random.Generator, ret: Return, style: str) -> None:
    at = int(rng.integers(2, len(ret.frame) - 1))
    blank = pd.DataFrame({c: [""] for c in ret.frame.columns}).assign(_mark=0)
    ret.frame = pd.concat([ret.frame.iloc[:at], blank, ret.frame.iloc[at:]], ignore_index=True)
    _mark(ret, at, ("blank_row", "", ""))
    ret.empty_lines = ret.empty_lines or style == "blank_line"
