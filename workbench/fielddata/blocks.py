"""Columns that share one rule checked in one pass (issue 19.1: validation across columns).

A return has dozens of item and questionnaire columns with the same codes; checking them one
by one repeats the same pandas work per column. Here the text cells of a whole frame are
decoded once (:func:`decode`: each cell a number pointing at its distinct stripped text), the
distinct texts are parsed once, and every column of a group with the same rule
(:func:`rule`) gets its masks from one 2-D operation. The masks, reasons, typed values and
order are those of :func:`workbench.fielddata.validate._check_column`, which still checks
columns this module does not take (dates, free text, columns not read as text).

Examples
--------
>>> frame = pd.DataFrame({"R1": ["1", "7", " 2"], "R2": ["9", "1", ""]})
>>> codes, texts = decode(frame)
>>> texts.tolist(), codes.tolist()
(['1', '7', '2', '9', '', ''], [[0, 3], [1, 0], [2, 4]])
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.fielddata.messages import message
from workbench.fielddata.schema import Column

__all__ = [
    "NUMBER",
    "decode",
    "rule",
    "text_columns",
    "check_group",
    "blank_reason",
    "not_a",
    "code_reason",
    "below_reason",
    "above_reason",
    "is_number",
    "to_float",
]

#: a plain number as text (what a numeric cell may hold)
NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_WHAT = {"int": "not_whole_number", "float": "not_number", "code": "not_code"}


def text_columns(frame: pd.DataFrame, names: list[str]) -> list[str]:
    """The columns of ``names`` that hold only text (or nothing): they can be decoded."""
    return [
        c
        for c in names
        if (frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c].dtype))
        and pd.api.types.infer_dtype(frame[c], skipna=True) in ("string", "empty")
    ]


def decode(block: pd.DataFrame) -> tuple[np.ndarray, pd.Series]:
    """Each cell as the position of its stripped text among the block's distinct texts.

    Returns ``codes`` (rows × columns) and ``texts`` (the distinct texts, stripped; missing
    cells point at a last ``""``), so that ``texts[codes[:, j]]`` is column ``j`` as text.
    """
    flat = pd.concat([block[c] for c in block.columns], ignore_index=True)
    codes, distinct = flat.factorize()
    codes = np.where(codes < 0, len(distinct), codes).reshape(block.shape, order="F")
    texts = pd.Series([*distinct, ""], dtype=object).astype(str).str.strip()
    return codes, texts


def rule(col: Column) -> tuple | None:
    """What makes two columns checkable together (``None``: checked one by one).

    Examples
    --------
    >>> a, b = Column(name="R1", type="code", codes=[0, 1]), Column(name="R2", type="code",
    ...                                                          codes=[0, 1])
    >>> rule(a) == rule(b), rule(Column(name="D", type="date"))
    (True, None)
    """
    if col.type not in ("int", "float", "code"):
        return None
    return (
        col.type,
        tuple(col.codes or ()),
        tuple(col.missing),
        col.min,
        col.max,
        col.allow_blank,
    )


def check_group(
    codes: np.ndarray,
    texts: pd.Series,
    cols: list[Column],
    live: np.ndarray,
    index: pd.Index,
    numeric: bool,
) -> list[tuple[pd.Series, list[tuple[np.ndarray, str]]]]:
    """Typed values and ``(mask, reason)`` checks of each column of one group, in the order
    of :func:`~workbench.fielddata.validate._check_column`.

    ``codes``: the group's columns of :func:`decode` (rows × columns); ``numeric``: the
    codes are numbers (else text codes compared as text).
    """
    first = cols[0]
    blank = (texts == "").to_numpy()[codes]
    if numeric:
        values, more = _numbers(codes, texts, first, index)
    else:
        values, more = _text_codes(codes, texts, first, index)
    out = []
    for j, col in enumerate(cols):
        checks = [] if col.allow_blank else [(blank[:, j] & live, blank_reason(col))]
        checks += [(mask[:, j] & live, reason(col)) for mask, reason in more]
        out.append((values[j], checks))
    return out


def _text_codes(codes, texts, col, index):
    shown = texts.where(texts != "").astype("str").to_numpy()
    allowed = [str(c) for c in [*col.codes, *col.missing]]
    bad = ((texts != "") & ~texts.isin(allowed)).to_numpy()[codes]
    values = [pd.Series(shown[codes[:, j]], index=index) for j in range(codes.shape[1])]
    return values, [(bad, code_reason)] if col.type == "code" else []


def _numbers(codes, texts, col, index):
    if col.type == "float":
        texts = texts.str.replace(r"^(-?\d+),(\d+)$", r"\1.\2", regex=True)
    parsed = to_float(texts)
    not_num = ((texts != "") & parsed.isna()).to_numpy()[codes]
    num = parsed.to_numpy(dtype="float64")[codes]
    given = ~np.isnan(num)
    miss = np.isin(num, [float(k) for k in col.missing if is_number(k)])
    checks = [(not_num, not_a)]
    if col.type in ("int", "code"):
        checks.append((given & (num % 1 != 0), not_a))
    if col.type == "code":
        allowed = np.isin(num, [float(c) for c in col.codes]) | miss
        checks.append((given & ~allowed, code_reason))
    if col.min is not None:
        checks.append(((num < col.min) & ~miss, below_reason))
    if col.max is not None:
        checks.append(((num > col.max) & ~miss, above_reason))
    values = []
    for j in range(num.shape[1]):
        series = pd.Series(num[:, j], index=index)
        values.append(
            series.astype("Float64")
            if col.type == "float"
            else series.where(series % 1 == 0).astype("Int64")
        )
    return values, checks


def blank_reason(col: Column) -> str:
    """The reason of a blank cell in a column that requires a value."""
    return message("blank_required", column=col.name)


def not_a(col: Column) -> str:
    """The reason of a cell that is not a number of the column's type."""
    return message(_WHAT[col.type], column=col.name)


def code_reason(col: Column) -> str:
    """The reason of a code not allowed (``""`` for a column that is not a code)."""
    if col.type != "code":
        return ""
    allowed = ", ".join(map(str, col.codes))
    if col.missing:
        return message(
            "code_not_allowed_missing", column=col.name, allowed=allowed, missing=_missing(col)
        )
    return message("code_not_allowed", column=col.name, allowed=allowed)


def below_reason(col: Column) -> str:
    if col.missing:
        return message(
            "below_minimum_missing", column=col.name, limit=f"{col.min:g}", missing=_missing(col)
        )
    return message("below_minimum", column=col.name, limit=f"{col.min:g}")


def above_reason(col: Column) -> str:
    if col.missing:
        return message(
            "above_maximum_missing", column=col.name, limit=f"{col.max:g}", missing=_missing(col)
        )
    return message("above_maximum", column=col.name, limit=f"{col.max:g}")


def _missing(col: Column) -> str:
    return ", ".join(map(str, col.missing))


def is_number(value: object) -> bool:
    """``value`` reads as a number (a code such as ``9``, not ``"A"``)."""
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def to_float(text: pd.Series) -> pd.Series:
    """Parse stripped text as numbers; anything not a plain number becomes NaN (vectorized)."""
    ok = text.str.fullmatch(NUMBER).fillna(False).astype(bool)
    return text.where(ok).astype("float64")
