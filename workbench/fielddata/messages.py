"""The intake's messages: made from a code and values where they are raised, said per language.

Where the intake finds a problem it calls :func:`message` with the problem's code and values;
the English text (the intake log's, the command line's; stable, what the tests read) comes
from that code's ``log`` template in ``workbench/texts/field_data_messages.yaml`` (its ``en``
when it has none), and the :class:`Message` keeps the code and values. The tables the reports
read carry them beside the text, in a ``code`` and a ``values`` (JSON) column
(:func:`coded`); a report words a message from them (:func:`say_coded`), in ky, ru or en.

A message with no code (an old log, a message not yet made by :func:`message`) is read back
from its English text with the ``pattern`` of each entry (:func:`explain`, the fallback);
:func:`in_languages` counts those in the table's ``attrs["from_text"]``. One the patterns do
not know keeps its English text on English pages and is named "another problem, see the
intake log" on the others (``attrs["unknown"]``).

Examples
--------
>>> m = message("code_not_allowed", column="R210", allowed="A, B, C, D")
>>> str(m), m.code
('R210 code not allowed (allowed: A, B, C, D)', 'code_not_allowed')
>>> m.values
{'column': 'R210', 'allowed': 'A, B, C, D'}
>>> say_coded(*coded(m), "ru")
'R210: недопустимый код (допустимы: A, B, C, D)'
>>> say("R210 code not allowed (allowed: A, B, C, D; missing: 9)", "ru")
'R210: недопустимый код (допустимы: A, B, C, D; пропуск: 9)'
>>> explain("read_xlsx: file is empty (principal/p_1.xlsx, 0 bytes); ask the region again")
('empty_file', {'bytes': '0'})
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from workbench.labels import LANGS, label

__all__ = [
    "MESSAGES",
    "Message",
    "message",
    "with_cause",
    "coded",
    "joined",
    "explain",
    "say",
    "say_coded",
    "in_languages",
    "issue_rows",
]

#: where the templates, patterns and their wording live
MESSAGES = Path(__file__).resolve().parents[1] / "texts" / "field_data_messages.yaml"
_CAUSE = "cause_"
#: how the intake joins several messages in one cell: notes of a file, problems of a row
_JOINS = (" | ", "; ")


@cache
def _catalog() -> dict[str, dict]:
    entries = yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))
    return {code: {**e, "regex": re.compile(e["pattern"])} for code, e in entries.items()}


class Message(str):
    """An intake message: its English text, and the ``code`` and ``values`` it was made from.

    Examples
    --------
    >>> m = Message("blank row (all cells empty)", "blank_row", {})
    >>> m == "blank row (all cells empty)", m.code
    (True, 'blank_row')
    """

    code: str
    values: dict

    def __new__(cls, text: str, code: str, values: dict) -> Message:
        made = super().__new__(cls, text)
        made.code, made.values = code, values
        return made


def message(code: str, /, **values: object) -> Message:
    """The message ``code`` with ``values``: its English text from the code's template.

    Raises ``KeyError`` (naming the YAML) for a code the YAML does not have.

    Examples
    --------
    >>> message("not_in_sample", column="IDSCHOOL", listed="IDSCHOOL")
    'IDSCHOOL not in sample.IDSCHOOL'
    """
    entry = _catalog().get(code)
    if entry is None:
        raise KeyError(f"message: no code {code!r} in {MESSAGES.name}; add it there")
    return Message(entry.get("log", entry["en"]).format(**values), code, values)


def with_cause(problem: str, cause: str) -> str:
    """A row problem and the cause seen in its cell, ``"<problem>: <cause>"``; the cause's
    code and values go under the problem's ``cause`` value. ``cause`` empty: the problem.

    Examples
    --------
    >>> m = with_cause(message("not_number", column="AGE"), message("cause_formula"))
    >>> str(m)
    'AGE is not a number: an Excel formula with no saved value'
    >>> m.values
    {'column': 'AGE', 'cause': ['cause_formula', {}]}
    """
    if not cause:
        return problem
    text = f"{problem}: {cause}"
    if not isinstance(problem, Message) or not isinstance(cause, Message):
        return text
    return Message(text, problem.code, {**problem.values, "cause": [cause.code, cause.values]})


def coded(text: object) -> tuple[str, str]:
    """The ``code`` and ``values`` (JSON) columns of a message: ``("", "")`` for text with no
    code. Several messages joined (:func:`joined`) give their codes joined the same way and
    their values as a JSON list.

    Examples
    --------
    >>> coded(message("blank_required", column="SEX"))
    ('blank_required', '{"column": "SEX"}')
    >>> coded("some text")
    ('', '')
    """
    if isinstance(text, Message):
        return text.code, _json(text.values)
    return "", ""


def joined(parts: Iterable[str], sep: str = " | ") -> str:
    """Messages joined by ``sep`` (the notes of a file read); a :class:`Message` (codes joined
    by ``sep``, values a list) when every part has a code.

    Examples
    --------
    >>> coded(joined([message("blank_row"), message("not_code", column="SEX")]))
    ('blank_row | not_code', '[{}, {"column": "SEX"}]')
    """
    parts = list(parts)
    text = sep.join(parts)
    if not parts or not all(isinstance(p, Message) for p in parts):
        return text
    if len(parts) == 1:
        return parts[0]
    return Message(text, sep.join(p.code for p in parts), [p.values for p in parts])


def _json(values: object) -> str:
    return json.dumps(values, ensure_ascii=False, default=str)


def _match(message: str, *, causes: bool) -> tuple[str, dict]:
    for code, entry in _catalog().items():
        if code == "other" or code.startswith(_CAUSE) != causes:
            continue
        found = entry["regex"].match(message)
        if found:
            return code, {k: v for k, v in found.groupdict().items() if v is not None}
    return "other", {"message": message}


def explain(message: str) -> tuple[str, dict]:
    """The code of an English intake message and its values, read from its text by the
    patterns (the fallback for a message with no code; ``("other", {"message": ...})`` when no
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
    """An intake message with no code in ``lang`` (ky, ru or en), read from its English text
    (:func:`explain`); notes joined by `` | `` each said; an empty message stays empty.

    Examples
    --------
    >>> say("blank row (all cells empty)", "ky")
    'бош сап (бардык уячалар бош)'
    """
    if pd.isna(message) or not str(message).strip():
        return ""
    if " | " in str(message):
        return " | ".join(say(part, lang) for part in str(message).split(" | "))
    return _said(*explain(message), lang)


def say_coded(code: object, values: object, lang: str, text: object = "") -> str:
    """A message in ``lang`` from its ``code`` and ``values`` (JSON, as :func:`coded` gives
    them); a message with no code is read from its English ``text`` (:func:`say`).

    Examples
    --------
    >>> say_coded("not_in_list", '{"column": "IDCLASS", "list": "classes"}', "ky")
    'IDCLASS: белгилүү маанилердин тизмесинде жок'
    >>> say_coded("", "", "ru", "IDSCHOOL not in sample.IDSCHOOL")
    'IDSCHOOL нет в списке выборки'
    """
    if not _has_code(code):
        return say(text, lang)
    parsed = json.loads(str(values)) if _has_code(values) else {}
    for sep in _JOINS:
        if sep in str(code):
            codes = str(code).split(sep)
            return sep.join(_said(c, v, lang) for c, v in zip(codes, parsed, strict=True))
    return _said(str(code), parsed, lang)


def _has_code(value: object) -> bool:
    return not (value is None or (not isinstance(value, str) and pd.isna(value))) and bool(
        str(value).strip()
    )


def _said(code: str, values: dict, lang: str) -> str:
    shown = _word(code, values, lang)
    if values.get("cause"):
        shown += ": " + _word(*values["cause"], lang)
    return shown


def _word(code: str, values: dict, lang: str) -> str:
    shown = {k: _value(k, v, lang) for k, v in values.items() if k != "cause"}
    return _catalog()[code][lang].format(**shown)


def _value(name: str, value: object, lang: str) -> str:
    """A value of a message as shown: columns by their labels (``respondent_id``: "Код
    респондента"; IEA names stay), lists of columns unquoted, date formats as a list, a file
    type as its name (``XLS``), decimals per language."""
    if name in ("column", "key"):
        return "+".join(label(part, lang) for part in str(value).split("+"))
    if name == "columns":
        if isinstance(value, str):
            value = [n.strip().strip("'\"") for n in value.strip("[]").split(",") if n.strip()]
        return ", ".join(label(str(n), lang) for n in value)
    if name == "formats":  # date formats, not words: "%Y-%m-%d, %d.%m.%Y"
        return ", ".join(value) if isinstance(value, list) else str(value).replace(" or ", ", ")
    if name == "suffix":  # a file type, as its name: XLS
        return str(value).lstrip(".").upper()
    return _number(str(value), lang)


def _number(value: str, lang: str) -> str:
    """A decimal of a message in the language's convention (``0,93`` in ky and ru)."""
    return value.replace(".", ",") if lang != "en" and re.fullmatch(r"\d+\.\d+", value) else value


def in_languages(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """``table`` with ``column`` (intake messages) replaced by ``<column>_ky``, ``<column>_ru``
    and ``<column>_en``, for ``wb.report.table(..., localized=(column,))``.

    Each message is worded from the table's ``code`` and ``values`` columns (dropped from the
    result); a message with no code is read from its English text. The result's
    ``attrs["from_text"]`` counts the messages read from their text, ``attrs["unknown"]`` those
    no pattern knew either (shown as "another problem" on ky and ru pages), ``attrs["blank"]``
    the empty ones.

    Examples
    --------
    >>> t = in_languages(pd.DataFrame({"reason": ["blank row (all cells empty)"]}), "reason")
    >>> t.columns.tolist(), t["reason_ru"][0]
    (['reason_ky', 'reason_ru', 'reason_en'], 'пустая строка (все ячейки пусты)')
    >>> t.attrs
    {'from_text': 1, 'unknown': 0, 'blank': 0}
    """
    code = table["code"] if "code" in table else pd.Series("", index=table.index)
    values = table["values"] if "values" in table else pd.Series("", index=table.index)
    texts = table[column]
    blank = texts.isna() | (texts.astype(str).str.strip() == "")
    from_text = ~code.map(_has_code) & ~blank
    unknown = texts[from_text].map(lambda m: any(_unknown(p) for p in str(m).split(" | ")))
    at = table.columns.get_loc(column)
    out = table.drop(columns=[column, *[c for c in ("code", "values") if c in table]])
    at -= sum(table.columns.get_loc(c) < at for c in ("code", "values") if c in table)
    rows = list(zip(code, values, texts, strict=True))
    for i, lang in enumerate(LANGS):
        shown = [say_coded(c, v, lang, t) for c, v, t in rows]
        out.insert(at + i, f"{column}_{lang}", pd.Series(shown, index=table.index, dtype=object))
    out.attrs = {
        "from_text": int(from_text.sum()),
        "unknown": int(unknown.astype(bool).sum()),
        "blank": int(blank.sum()),
    }
    return out


def _unknown(text: str) -> bool:
    return explain(text)[0] == "other"


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
