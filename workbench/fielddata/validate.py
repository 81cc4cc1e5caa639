"""Validate a field return against its declared :class:`~workbench.fielddata.schema.Schema`.

Whole-file problems (missing required columns, unknown columns when the schema says
``extra_columns="error"``, two headers mapping to one column) raise
:class:`~workbench.fielddata.errors.FieldDataError`. Row problems never raise: the row is
quarantined with the file, row, column, value and reason, and the counts are reconciled
(rows read = rows accepted + rows quarantined; a mismatch raises ``RuntimeError``).

All checks are vectorized column by column; Python only touches the (usually few) rows that
fail, to word their reasons.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.fielddata import blocks
from workbench.fielddata.blocks import (
    above_reason,
    below_reason,
    blank_reason,
    code_reason,
    not_a,
)
from workbench.fielddata.blocks import is_number as _is_number
from workbench.fielddata.blocks import to_float as _to_float
from workbench.fielddata.errors import FieldDataError
from workbench.fielddata.messages import coded, message, with_cause
from workbench.fielddata.schema import Column, Schema

__all__ = [
    "Reconciliation",
    "ValidationResult",
    "validate",
    "ISSUE_COLUMNS",
    "CODED",
    "diagnose",
    "normalize_id",
]

ISSUE_COLUMNS = ["file", "row", "column", "value", "reason"]
#: beside ``reason`` in the issues: its code and values (JSON), see :mod:`.messages`
CODED = ["code", "values"]
_SOURCE = ["_source_file", "_source_row"]
_FORMULA = r"^=\s*[A-Za-z_$(]"
#: characters people cannot see: zero-width, byte-order mark, no-break spaces
INVISIBLE = {
    "\u200b": "zero-width space",
    "\u200c": "zero-width non-joiner",
    "\u200d": "zero-width joiner",
    "\u2060": "word joiner",
    "\ufeff": "byte-order mark",
    "\u00a0": "no-break space",
    "\u202f": "narrow no-break space",
    "\u00ad": "soft hyphen",
}
#: letters that look like digits (Cyrillic and Latin), typed where a number belongs
LOOK_ALIKE = {
    "О": "0",
    "о": "0",
    "O": "0",
    "o": "0",
    "З": "3",
    "з": "3",
    "б": "6",
    "І": "1",
    "і": "1",
    "l": "1",
    "I": "1",
    "Ӏ": "1",
}


@dataclass(frozen=True)
class Reconciliation:
    """Row counts of one validation; constructing it checks ``read == accepted + quarantined``.

    Examples
    --------
    >>> Reconciliation(read=10, accepted=8, quarantined=2)
    Reconciliation(read=10, accepted=8, quarantined=2)
    >>> Reconciliation(read=10, accepted=8, quarantined=1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    RuntimeError: Reconciliation: rows read (10) != accepted (8) + quarantined (1); ...
    """

    read: int
    accepted: int
    quarantined: int

    def __post_init__(self) -> None:
        if self.read != self.accepted + self.quarantined:
            raise RuntimeError(
                f"Reconciliation: rows read ({self.read}) != accepted ({self.accepted}) + "
                f"quarantined ({self.quarantined}); this is a bug in workbench.fielddata, "
                "please report it"
            )


@dataclass(frozen=True, eq=False)
class ValidationResult:
    """What :func:`validate` returns.

    Attributes
    ----------
    accepted
        Rows that passed, typed (``Int64``, ``Float64``, ``str``, ``datetime64``), declared
        columns first, then undeclared ones as read, then ``_source_file``, ``_source_row``.
    quarantined
        Rows that failed, as read (text), led by ``file, row, column, value, reason``
        (several problems in one row are joined with ``"; "``).
    issues
        One row per problem: ``file, row, column, value, reason, code, values`` (the
        reason's code and values, :func:`~workbench.fielddata.messages.coded`).
    reconciliation
        Counts read/accepted/quarantined (checked when built).
    warnings
        Messages about things assumed (unknown columns kept, mixed date formats).
    """

    accepted: pd.DataFrame
    quarantined: pd.DataFrame
    issues: pd.DataFrame
    reconciliation: Reconciliation
    warnings: tuple[str, ...] = ()


def validate(
    frame: pd.DataFrame, schema: Schema, *, known_ids: Mapping[str, Iterable] | None = None
) -> ValidationResult:
    """Check a field return against its schema; accept good rows and quarantine the rest.

    Parameters
    ----------
    frame
        As returned in ``FieldFile.frame`` (text cells, or SPSS numbers). Headers are matched
        to the schema by name, alias, then case-insensitively. If ``_source_row`` is absent,
        rows are numbered as in a CSV with a header (first data row = 2).
    schema
        The declared table.
    known_ids
        Sets of known ids keyed by the names used in ``Column.references`` (e.g.
        ``{"sample.IDSCHOOL": sample["IDSCHOOL"]}``).

    Returns
    -------
    ValidationResult
        ``accepted``, ``quarantined``, ``issues`` (``file, row, column, value, reason``),
        ``reconciliation`` and ``warnings``.

    Raises
    ------
    FieldDataError
        Missing required columns, undeclared columns when ``extra_columns="error"``, two
        headers naming one column.
    KeyError
        A column references a key absent from ``known_ids``.

    Examples
    --------
    >>> from workbench.fielddata.schema import Schema
    >>> s = Schema(name="students", unique=[["IDSTUD"]], columns=[
    ...     {"name": "IDSTUD", "type": "int"},
    ...     {"name": "IDSCHOOL", "type": "int", "references": "sample"},
    ...     {"name": "SEX", "type": "code", "codes": [1, 2], "missing": {9: "omitted"}}])
    >>> df = pd.DataFrame({"IDSTUD": ["1001", "1002", "1002", "1004"],
    ...                    "IDSCHOOL": ["17", "17", "17", "99"], "SEX": ["1", "9", "2", "7"]})
    >>> r = validate(df, s, known_ids={"sample": [17]})
    >>> r.accepted["IDSTUD"].tolist(), r.reconciliation
    ([1001], Reconciliation(read=4, accepted=1, quarantined=3))
    >>> r.issues[["row", "column", "reason"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [[5, 'IDSCHOOL', 'IDSCHOOL not in sample'],
     [5, 'SEX', 'SEX code not allowed (allowed: 1, 2; missing: 9)'],
     [3, 'IDSTUD', 'duplicate IDSTUD 1002 (rows 3, 4)'],
     [4, 'IDSTUD', 'duplicate IDSTUD 1002 (rows 3, 4)']]
    """
    known_ids = dict(known_ids or {})
    frame, notes = _prepare(frame, schema)
    n = len(frame)
    typed: dict[str, pd.Series] = {}
    issues: list[pd.DataFrame] = []
    blank_row = _blank_rows(frame, schema)
    if blank_row.any():
        issues.append(
            _issues(
                frame,
                blank_row,
                "",
                pd.Series("", index=frame.index),
                message("blank_row"),
            )
        )
    grouped = _check_groups(frame, schema, ~blank_row)
    for col in schema.columns:
        if col.name not in frame.columns:
            continue
        if col.name in grouped:
            values, col_issues, note = grouped[col.name]
        else:
            values, col_issues, note = _check_column(frame, col, ~blank_row)
        typed[col.name] = values
        issues.extend(col_issues)
        notes.extend([note] if note else [])
        if col.references is not None:
            issues.extend(_check_reference(frame, col, values, known_ids, ~blank_row))
    for key in schema.unique:
        issues.extend(_check_unique(frame, key, typed, ~blank_row))
    issues_df = _concat_issues(issues)
    bad = np.zeros(n, dtype=bool)
    bad[issues_df["_pos"].to_numpy()] = True
    accepted = _accepted_frame(frame, typed, schema, bad)
    quarantined = _quarantined_frame(frame, issues_df, bad)
    recon = Reconciliation(read=n, accepted=len(accepted), quarantined=len(quarantined))
    for note in notes:
        warnings.warn(note, stacklevel=2)
    return ValidationResult(
        accepted,
        quarantined,
        issues_df[ISSUE_COLUMNS + CODED].reset_index(drop=True),
        recon,
        tuple(notes),
    )


# ----------------------------------------------------------------------------- preparation


def _prepare(frame: pd.DataFrame, schema: Schema) -> tuple[pd.DataFrame, list[str]]:
    """Number rows, map headers to schema names, check required and unknown columns."""
    frame = frame.reset_index(drop=True)
    if "_source_row" not in frame.columns:
        frame = frame.assign(_source_row=np.arange(2, len(frame) + 2, dtype=np.int64))
    if "_source_file" not in frame.columns:
        frame = frame.assign(_source_file="<frame>")
    file = _file_label(frame)
    frame = frame.rename(columns=_header_map(frame, schema, file))
    data_cols = [c for c in frame.columns if c not in _SOURCE]
    declared = {c.name for c in schema.columns}
    missing = [c.name for c in schema.columns if c.required and c.name not in frame.columns]
    if missing:
        one = len(data_cols) == 1 and any(ch in str(data_cols[0]) for ch in "|\t;,")
        raise FieldDataError(
            message(
                "missing_columns_one" if one else "missing_columns",
                columns=missing,
                file=file,
                read=f"{data_cols[:12]}{' ...' if len(data_cols) > 12 else ''}",
            )
        )
    extra = [c for c in data_cols if c not in declared]
    notes = []
    if extra and schema.extra_columns == "error":
        raise FieldDataError(
            message("undeclared_columns", columns=extra, file=file, schema=schema.name)
        )
    if extra and schema.extra_columns == "warn":
        notes.append(message("note_undeclared", columns=extra, file=file, schema=schema.name))
    return frame, notes


def _header_map(frame: pd.DataFrame, schema: Schema, file: str) -> dict[str, str]:
    exact = {c.name: c.name for c in schema.columns}
    alias = {a.strip().casefold(): c.name for c in schema.columns for a in c.aliases}
    folded = {c.name.casefold(): c.name for c in schema.columns}
    mapping: dict[str, str] = {}
    for header in frame.columns:
        if header in _SOURCE:
            continue
        h = str(header).strip()
        name = exact.get(h) or alias.get(h.casefold()) or folded.get(h.casefold()) or h
        if name in mapping.values():
            first = next(k for k, v in mapping.items() if v == name)
            raise FieldDataError(
                message("same_column_twice", first=first, second=header, name=name, file=file)
            )
        mapping[header] = name
    return mapping


def _file_label(frame: pd.DataFrame) -> str:
    files = pd.unique(frame["_source_file"].astype(str))
    return files[0] if len(files) == 1 else f"{len(files)} files: {', '.join(files[:3])}"


def _blank_rows(frame: pd.DataFrame, schema: Schema) -> np.ndarray:
    """Rows with every cell empty; the text columns stripped in one pass."""
    cols = [c for c in frame.columns if c not in _SOURCE]
    text = [c for c in cols if _is_text(frame[c])]
    blank = np.ones(len(frame), dtype=bool)
    if text and len(frame):
        flat = _text(pd.concat([frame[c] for c in text], ignore_index=True)) == ""
        blank &= flat.to_numpy(bool).reshape(len(text), len(frame)).all(axis=0)
    for c in cols:
        if c not in text:
            blank &= frame[c].isna().to_numpy()
    return blank


def _blank(series: pd.Series) -> pd.Series:
    if _is_text(series):
        return _text(series) == ""
    return series.isna()


def _text(raw: pd.Series) -> pd.Series:
    """Cells as stripped text, missing as ``""``."""
    if not pd.api.types.is_string_dtype(raw.dtype) or raw.dtype == object:
        raw = raw.astype(object).where(raw.notna(), "").astype(str)
    return raw.fillna("").str.strip()


def _is_text(series: pd.Series) -> bool:
    return series.dtype == object or pd.api.types.is_string_dtype(series.dtype)


def _display(series: pd.Series) -> pd.Series:
    """Values as a person would read them in the file (``1001.0`` -> ``'1001'``)."""
    if pd.api.types.is_float_dtype(series.dtype):
        whole = series.notna() & (series % 1 == 0)
        out = series.astype(object).where(series.notna(), "")
        out[whole] = series[whole].astype("int64").astype(str)
        return out.astype(str)
    return series.astype(object).where(series.notna(), "").astype(str)


# ----------------------------------------------------------------------------- column checks


def _check_column(
    frame: pd.DataFrame, col: Column, live: np.ndarray
) -> tuple[pd.Series, list[pd.DataFrame], str | None]:
    """Type one column; return typed values, issue frames and an optional note."""
    raw = frame[col.name]
    blank = _blank(raw).to_numpy() & live
    checks: list[tuple[np.ndarray, str]] = []
    if not col.allow_blank:
        checks.append((blank, blank_reason(col)))
    note = None
    if col.type == "str" or (col.type == "code" and not _numeric_codes(col)):
        values, bad = _check_text(raw, col)
        checks.append((bad & live, code_reason(col)))
    elif col.type == "date":
        values, bad, note = _check_date(raw, col, frame)
        formats = " or ".join(col.date_formats)
        checks.append((bad & live, message("not_a_date", column=col.name, formats=formats)))
    else:
        values, more = _check_number(raw, col)
        checks.extend((mask & live, reason) for mask, reason in more)
    if col.type == "str":
        formula = _text(raw).str.match(_FORMULA).to_numpy(bool)
        checks.append((formula & live, message("formula_no_value", column=col.name)))
    return values, _found(frame, col, checks), note


def _check_groups(frame: pd.DataFrame, schema: Schema, live: np.ndarray) -> dict[str, tuple]:
    """The columns read as text that share a rule with others, checked one group at a time
    (:mod:`~workbench.fielddata.blocks`): ``{name: (values, issues, None)}``."""
    cols = [c for c in schema.columns if c.name in frame.columns and blocks.rule(c)]
    text = set(blocks.text_columns(frame, [c.name for c in cols]))
    groups: dict[tuple, list[Column]] = {}
    for col in cols:
        if col.name in text:
            groups.setdefault(blocks.rule(col), []).append(col)
    out = {}
    for members in groups.values():
        codes, texts = blocks.decode(frame[[c.name for c in members]])
        numeric = members[0].type != "code" or _numeric_codes(members[0])
        checked = blocks.check_group(codes, texts, members, live, frame.index, numeric)
        for col, (values, checks) in zip(members, checked, strict=True):
            out[col.name] = (values, _found(frame, col, checks), None)
    return out


def _found(frame: pd.DataFrame, col: Column, checks: list) -> list[pd.DataFrame]:
    """The issues of one column's ``(mask, reason)`` checks, each with the cell's real cause
    (:func:`diagnose`, once per distinct value)."""
    shown = None
    found = []
    for mask, reason in checks:
        if mask.any():
            shown = _display(frame[col.name]) if shown is None else shown
            issue = _issues(frame, mask, col.name, shown, reason)
            said = {v: with_cause(reason, diagnose(v)) for v in issue["value"].unique()}
            issue["reason"] = issue["value"].map({v: str(m) for v, m in said.items()})
            issue["values"] = issue["value"].map({v: coded(m)[1] for v, m in said.items()})
            found.append(issue)
    return found


def _check_text(raw: pd.Series, col: Column) -> tuple[pd.Series, np.ndarray]:
    text = _text(raw)
    values = text.where(text != "").astype("str")
    if col.type != "code":
        return values, np.zeros(len(raw), dtype=bool)
    allowed = [str(c) for c in [*col.codes, *col.missing]]
    bad = (text != "") & ~text.isin(allowed)
    return values, bad.to_numpy()


def _check_number(raw: pd.Series, col: Column) -> tuple[pd.Series, list]:
    if _is_text(raw):
        text = _text(raw)
        if col.type == "float":
            text = text.str.replace(r"^(-?\d+),(\d+)$", r"\1.\2", regex=True)
        num = _to_float(text)
        not_num = (text != "") & num.isna()
    else:
        num = pd.to_numeric(raw, errors="coerce")
        not_num = raw.notna() & num.isna()
    num = num.astype("float64")
    checks = [(not_num.to_numpy(), not_a(col))]
    if col.type in ("int", "code"):
        checks.append(((num.notna() & (num % 1 != 0)).to_numpy(), not_a(col)))
    miss = num.isin([float(k) for k in col.missing if _is_number(k)])
    if col.type == "code":
        allowed = num.isin([float(c) for c in col.codes]) | miss
        checks.append(((num.notna() & ~allowed).to_numpy(), code_reason(col)))
    if col.min is not None:
        checks.append(
            (
                ((num < col.min) & ~miss).to_numpy(),
                below_reason(col),
            )
        )
    if col.max is not None:
        checks.append(
            (
                ((num > col.max) & ~miss).to_numpy(),
                above_reason(col),
            )
        )
    if col.type == "float":
        return num.astype("Float64"), checks
    whole = num.where(num % 1 == 0)
    return whole.astype("Int64"), checks


def _check_date(
    raw: pd.Series, col: Column, frame: pd.DataFrame
) -> tuple[pd.Series, np.ndarray, str | None]:
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        return raw, np.zeros(len(raw), dtype=bool), None
    if not _is_text(raw) or (raw.dtype == object and raw.map(lambda v: hasattr(v, "year")).any()):
        parsed = pd.to_datetime(raw, errors="coerce")
        return parsed, (raw.notna() & parsed.isna()).to_numpy(), None
    text = _text(raw)
    parsed = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
    used = {}
    for fmt in col.date_formats:
        this = pd.to_datetime(text, format=fmt, errors="coerce").astype("datetime64[us]")
        new = parsed.isna() & this.notna()
        used[fmt] = int(new.sum())
        parsed = parsed.where(~new, this)
    miss = text.isin([str(k) for k in col.missing])
    bad = ((text != "") & parsed.isna() & ~miss).to_numpy()
    note = None
    if sum(v > 0 for v in used.values()) > 1:
        counts = ", ".join(f"{v} as {k}" for k, v in used.items() if v)
        note = message("note_date_formats", column=col.name, file=_file_label(frame), counts=counts)
    return parsed, bad, note


def _check_reference(
    frame: pd.DataFrame,
    col: Column,
    values: pd.Series,
    known_ids: Mapping[str, Iterable],
    live: np.ndarray,
) -> list[pd.DataFrame]:
    if col.references not in known_ids:
        raise KeyError(
            f"validate: column {col.name!r} references {col.references!r} but "
            f"known_ids has no such key (keys: {sorted(known_ids)}); pass "
            f"known_ids={{{col.references!r}: <ids>}}"
        )
    known = pd.Series(list(known_ids[col.references]))
    if pd.api.types.is_numeric_dtype(values.dtype):
        known = pd.to_numeric(known, errors="coerce")
    else:
        known = known.astype(str)
    miss = values.isin([k for k in col.missing])
    bad = (values.notna() & ~values.isin(known) & ~miss).fillna(False).to_numpy(bool) & live
    if not bad.any():
        return []
    return [_issues(frame, bad, col.name, _display(frame[col.name]), _not_in(col))]


def _not_in(col: Column) -> str:
    """The reason of an ID not among the known ones: ``IDSCHOOL not in sample.IDSCHOOL``."""
    where, _, listed = str(col.references).partition(".")
    if listed and where in ("sample", "tracking", "sector"):
        return message(f"not_in_{where}", column=col.name, listed=listed)
    return message("not_in_list", column=col.name, list=col.references)


def _check_unique(
    frame: pd.DataFrame, key: list[str], typed: dict[str, pd.Series], live: np.ndarray
) -> list[pd.DataFrame]:
    if not all(k in typed for k in key):
        return []
    keys = pd.DataFrame(
        {
            k: normalize_id(
                _display(frame[k]),
                numeric=typed[k].dtype.kind in "iufc"
                or str(typed[k].dtype) in ("Int64", "Float64"),
            )
            for k in key
        }
    )
    complete = live & (keys != "").all(axis=1).to_numpy()
    dup = complete & keys.duplicated(keep=False).to_numpy()
    if not dup.any():
        return []
    sub = keys[dup].assign(_row=_row_labels(frame)[dup])
    label = sub[key].agg("+".join, axis=1)
    rows = sub.groupby(label, sort=False)["_row"].agg(", ".join)
    said = [
        message("duplicate", key="+".join(key), id=one, rows=rows[one]) for one in label.unique()
    ]
    shown = pd.Series("", index=frame.index)
    shown[dup] = label
    out = _issues(frame, dup, "+".join(key), shown, "")
    out["reason"] = label.map({m.values["id"]: str(m) for m in said}).to_numpy()
    out["code"] = "duplicate"
    out["values"] = label.map({m.values["id"]: coded(m)[1] for m in said}).to_numpy()
    return [out]


def _row_labels(frame: pd.DataFrame) -> pd.Series:
    rows = frame["_source_row"].astype(str)
    if frame["_source_file"].nunique() > 1:
        return frame["_source_file"].astype(str) + ":" + rows
    return rows


# ----------------------------------------------------------------------------- assembling


def _issues(
    frame: pd.DataFrame, mask: np.ndarray, column: str, shown: pd.Series, reason: str
) -> pd.DataFrame:
    pos = np.flatnonzero(mask)
    code, values = coded(reason)
    return pd.DataFrame(
        {
            "_pos": pos,
            "file": frame["_source_file"].to_numpy()[pos],
            "row": frame["_source_row"].to_numpy()[pos],
            "column": column,
            "value": shown.to_numpy()[pos],
            "reason": str(reason),
            "code": code,
            "values": values,
        }
    )


def _concat_issues(issues: list[pd.DataFrame]) -> pd.DataFrame:
    if not issues:
        empty = {
            "_pos": pd.Series(dtype="int64"),
            "file": pd.Series(dtype="str"),
            "row": pd.Series(dtype="int64"),
            "column": pd.Series(dtype="str"),
            "value": pd.Series(dtype="str"),
            "reason": pd.Series(dtype="str"),
            "code": pd.Series(dtype="str"),
            "values": pd.Series(dtype="str"),
        }
        return pd.DataFrame(empty)
    out = pd.concat(issues, ignore_index=True)
    text = {"file": "str", "column": "str", "value": "str", "reason": "str"}
    return out.astype(text | {"code": "str", "values": "str"})


def _accepted_frame(
    frame: pd.DataFrame, typed: dict[str, pd.Series], schema: Schema, bad: np.ndarray
) -> pd.DataFrame:
    declared = [c.name for c in schema.columns if c.name in typed]
    extra = [c for c in frame.columns if c not in typed and c not in _SOURCE]
    out = pd.DataFrame(
        {
            **{c: typed[c] for c in declared},
            **{c: frame[c] for c in extra},
            **{c: frame[c] for c in _SOURCE},
        }
    )
    return out.loc[~bad].reset_index(drop=True)


def _quarantined_frame(frame: pd.DataFrame, issues: pd.DataFrame, bad: np.ndarray) -> pd.DataFrame:
    if not bad.any():
        return pd.DataFrame(columns=ISSUE_COLUMNS + [c for c in frame.columns])
    by_row = issues.groupby("_pos", sort=True).agg(
        file=("file", "first"),
        row=("row", "first"),
        column=("column", lambda s: "; ".join(dict.fromkeys(s))),
        value=("value", "; ".join),
        reason=("reason", "; ".join),
    )
    raw = frame.iloc[by_row.index.to_numpy()].reset_index(drop=True)
    return pd.concat([by_row.reset_index(drop=True), raw], axis=1)


def _numeric_codes(col: Column) -> bool:
    return all(_is_number(c) for c in col.codes or [])


def diagnose(value: object) -> str:
    """The real cause of a cell that failed: invisible or look-alike characters, a formula.

    Returns ``""`` when nothing special is seen. The text never repeats the value itself
    (only character positions and code points), so it is safe to publish.

    Examples
    --------
    >>> diagnose("12\u200b60")
    'invisible character U+200B zero-width space at character 3'
    >>> diagnose("126О0101")
    "look-alike letter 'О' (U+041E CYRILLIC CAPITAL LETTER O) at character 4 where a digit belongs"
    >>> diagnose("=B2*2"), diagnose("Айгерим Асанова")[:32], diagnose("7")
    ('an Excel formula with no saved value', 'text (15 characters with letters', '')
    """
    import unicodedata

    text = "" if value is None else str(value)
    if re.match(_FORMULA, text.strip()):
        return message("cause_formula")
    hidden = [
        (i, ch)
        for i, ch in enumerate(text, start=1)
        if ch in INVISIBLE or unicodedata.category(ch) in ("Cf", "Cc")
    ]
    if hidden:
        i, ch = hidden[0]
        what = INVISIBLE.get(ch, unicodedata.name(ch, "control character").lower())
        code = f"U+{ord(ch):04X}"
        if len(hidden) > 1:
            return message("cause_invisible_more", code=code, what=what, at=i, more=len(hidden) - 1)
        return message("cause_invisible", code=code, what=what, at=i)
    letters = [(i, ch) for i, ch in enumerate(text, start=1) if ch.isalpha()]
    digits = sum(ch.isdigit() for ch in text)
    if letters and len(letters) <= 2 and digits and all(ch in LOOK_ALIKE for _, ch in letters):
        i, ch = letters[0]
        return message(
            "cause_look_alike",
            letter=ch,
            code=f"U+{ord(ch):04X}",
            name=unicodedata.name(ch, "?"),
            at=i,
        )
    if len(letters) > 2:
        return message("cause_text", length=len(text))
    odd = [ch for ch in text if ch.isdigit() and not ch.isascii()]
    if odd:
        return message(
            "cause_digit", code=f"U+{ord(odd[0]):04X}", name=unicodedata.name(odd[0], "?")
        )
    return ""


def normalize_id(values: pd.Series, *, numeric: bool = True) -> pd.Series:
    """IDs as compared for uniqueness: invisible characters removed, Unicode NFKC, look-alike
    letters read as digits, stripped, case-folded; numeric IDs without leading zeros.

    Examples
    --------
    >>> normalize_id(pd.Series(["012600101", " 12600101\u200b", "126ОО1О1", "x"])).tolist()
    ['12600101', '12600101', '12600101', 'x']
    """
    import unicodedata

    def one(text: str) -> str:
        text = "".join(ch for ch in str(text) if ch not in INVISIBLE)
        text = unicodedata.normalize("NFKC", text).strip()
        if numeric:
            mapped = "".join(LOOK_ALIKE.get(ch, ch) for ch in text)
            if mapped.isdigit():
                return mapped.lstrip("0") or "0"
            return text.casefold()
        return text.casefold()

    return values.astype(str).map(one)
