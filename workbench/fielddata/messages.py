"""The intake's messages in the reports' languages: a code and values, said per language.

The intake log and the command line keep each message in English (stable, what the tests
read); a report shows it in its language. :func:`explain` finds the message's code and
values with the patterns of ``workbench/texts/field_data_messages.yaml`` (one entry per
message: the English pattern and its wording in ky, ru, en); :func:`say` words it;
:func:`in_languages` gives a table column as ``<column>_ky``, ``_ru``, ``_en`` for
``wb.report.table(..., localized=(column,))``. A message no pattern knows keeps its English
text on English pages and is named as "another problem, see the intake log" on the others.

Examples
--------
>>> say("R210 code not allowed (allowed: A, B, C, D; missing: 9)", "ru")
'R210: недопустимый код (допустимы: A, B, C, D; пропуск: 9)'
>>> explain("read_xlsx: file is empty (principal/p_1.xlsx, 0 bytes); ask the region again")
('empty_file', {'bytes': '0'})
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from workbench.labels import LANGS, label

__all__ = ["MESSAGES", "explain", "say", "in_languages", "issue_rows"]

#: where the patterns and their wording live
MESSAGES = Path(__file__).resolve().parents[1] / "texts" / "field_data_messages.yaml"
_CAUSE = "cause_"


@cache
def _catalog() -> dict[str, dict]:
    entries = yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))
    return {code: {**e, "regex": re.compile(e["pattern"])} for code, e in entries.items()}


def _match(message: str, *, causes: bool) -> tuple[str, dict]:
    for code, entry in _catalog().items():
        if code == "other" or code.startswith(_CAUSE) != causes:
            continue
        found = entry["regex"].match(message)
        if found:
            values = {k: v for k, v in found.groupdict().items() if v is not None}
            if "formats" in values:  # date formats, not words: "%Y-%m-%d or %d.%m.%Y"
                values["formats"] = values["formats"].replace(" or ", ", ")
            if "suffix" in values:  # a file type, as its name: XLS
                values["suffix"] = values["suffix"].upper()
            return code, values
    return "other", {"message": message}


def explain(message: str) -> tuple[str, dict]:
    """The code of an intake message and its values (``("other", {"message": ...})`` when no
    pattern knows it); a row problem with a cause (``"...: look-alike letter ..."``) gives the
    problem's code with the cause's code and values under ``cause``.

    Examples
    --------
    >>> explain("IDSTUD not in tracking.IDSTUD")
    ('not_in_tracking', {'column': 'IDSTUD', 'listed': 'IDSTUD'})
    """
    message = " ".join(str(message).split())
    for at in [m.start() for m in re.finditer(": ", message)]:
        cause = _match(message[at + 2 :], causes=True)
        head = _match(message[:at], causes=False) if cause[0] != "other" else cause
        if head[0] != "other":
            return head[0], {**head[1], "cause": cause}
    return _match(message, causes=False)


def say(message: str, lang: str) -> str:
    """An intake message in ``lang`` (ky, ru or en); notes joined by `` | `` each said; an
    empty message stays empty.

    Examples
    --------
    >>> say("blank row (all cells empty)", "ky")
    'бош сап (бардык уячалар бош)'
    """
    if pd.isna(message) or not str(message).strip():
        return ""
    if " | " in str(message):
        return " | ".join(say(part, lang) for part in str(message).split(" | "))
    code, values = explain(message)
    shown = _word(code, values, lang)
    if "cause" in values:
        shown += ": " + _word(*values["cause"], lang)
    return shown


def _word(code: str, values: dict, lang: str) -> str:
    shown = {k: _value(k, v, lang) for k, v in values.items() if k != "cause"}
    return _catalog()[code][lang].format(**shown)


def _value(name: str, value: str, lang: str) -> str:
    """A value of a message as shown: columns by their labels (``respondent_id``: "Код
    респондента"; IEA names stay), lists of columns unquoted, decimals per language."""
    if name in ("column", "key"):
        return "+".join(label(part, lang) for part in value.split("+"))
    if name == "columns":
        names = [n.strip().strip("'\"") for n in value.strip("[]").split(",") if n.strip()]
        return ", ".join(label(n, lang) for n in names)
    return _number(value, lang)


def _number(value: str, lang: str) -> str:
    """A decimal of a message in the language's convention (``0,93`` in ky and ru)."""
    return value.replace(".", ",") if lang != "en" and re.fullmatch(r"\d+\.\d+", value) else value


def in_languages(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """``table`` with ``column`` (English intake messages) replaced by ``<column>_ky``,
    ``<column>_ru`` and ``<column>_en``, for ``wb.report.table(..., localized=(column,))``.

    Examples
    --------
    >>> t = in_languages(pd.DataFrame({"reason": ["blank row (all cells empty)"]}), "reason")
    >>> t.columns.tolist(), t["reason_ru"][0]
    (['reason_ky', 'reason_ru', 'reason_en'], 'пустая строка (все ячейки пусты)')
    """
    at = table.columns.get_loc(column)
    out = table.drop(columns=column)
    for i, lang in enumerate(LANGS):
        out.insert(at + i, f"{column}_{lang}", table[column].map(lambda m, x=lang: say(m, x)))
    return out


def issue_rows(summary: pd.DataFrame) -> pd.DataFrame:
    """The row problems of :func:`~workbench.fielddata.issue_summary` for a report: reasons in
    each language (``reason_ky``, ...) and the example rows as ``file: row, row`` (no words).

    Examples
    --------
    >>> s = pd.DataFrame({"kind": "booklets", "column": "R1", "n": 3,
    ...                   "reason": "R1 code not allowed (allowed: A, B)",
    ...                   "examples": ["b.csv row 2, b.csv row 9, c.csv row 4"]})
    >>> issue_rows(s)["examples"][0]
    'b.csv: 2, 9; c.csv: 4'
    """
    return in_languages(summary.assign(examples=summary["examples"].map(_rows)), "reason")


def _rows(examples: str) -> str:
    by_file: dict[str, list[str]] = {}
    for where in str(examples).split(", "):
        file, _, row = where.rpartition(" row ")
        by_file.setdefault(file, []).append(row)
    return "; ".join(f"{file}: {', '.join(rows)}" for file, rows in by_file.items())
