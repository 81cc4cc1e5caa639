"""Frame review (stage ``00_frame``): register checks and the sampling frame.

The register is read as delivered (:func:`workbench.register.read_register` renames the
columns the parameters map; ``school_id`` and ``enrol_g6`` are the only ones required);
:func:`review_frame` returns a *new* frame of the target population (every school with grade-6
students and every column named in ``strata`` filled) and one row per finding, so that each
school left out is listed with its reason and the counts reconcile.

Examples
--------
>>> import pandas as pd
>>> register = pd.DataFrame({"school_id": ["a", "b", "b", "c"], "oblast": ["x"] * 4,
...                          "enrol_g6": [30, 25, 25, 0]})
>>> review = review_frame(register, strata=["oblast"])
>>> list(review.frame["school_id"]), list(review.checks["check"])
(['a', 'b'], ['duplicate_record', 'zero_enrolment'])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "FrameReview",
    "review_frame",
    "frame_summary",
    "composition",
    "tabulated",
    "size_groups",
    "CHECKS",
    "ID",
    "SIZE",
]

#: the two columns every register has (after the column map of ``data.register.columns``)
ID, SIZE = "school_id", "enrol_g6"
#: the register reader's row number: not part of a record (two identical rows are duplicates)
ROW = "register_row"

#: the first word of a total row's label (a register exported with its sums)
TOTAL_WORDS = r"^(итого|всего|жыйынтык|бардыгы|жалпы|total|sum)\b"

#: checks in the order they are applied, with the action taken
CHECKS = {
    "total_row": "not_a_school",
    "missing_id": "excluded",
    "duplicate_record": "kept_first",
    "conflicting_id": "excluded",
    "invalid_enrolment": "excluded",
    "zero_enrolment": "out_of_population",
    "missing_stratum": "excluded",
}


@dataclass(frozen=True)
class FrameReview:
    """Result of :func:`review_frame`.

    ``frame``: the sampling frame, ``school_id``, ``enrol_g6`` (whole numbers) and the
    register's other columns;
    ``checks``: ``school_id, check, column, value, action`` (and ``register_row``, as text,
    when the register has it) per finding;
    ``reconciliation``: ``step, schools, students`` from register to frame.
    """

    frame: pd.DataFrame
    checks: pd.DataFrame
    reconciliation: pd.DataFrame

    @property
    def coverage(self) -> float:
        """Percent of the register's grade-6 students (its total rows left out) that are in
        the frame."""
        steps = self.reconciliation.set_index("step")["students"]
        total = steps["register_records"] + steps.get("total_row", 0)
        return float(100 * self.frame[SIZE].sum() / total) if total else 0.0

    def summary(self) -> pd.DataFrame:
        """Findings per check: ``check, action, schools``, in :data:`CHECKS` order."""
        counts = self.checks.groupby("check", sort=False).size()
        rows = [(check, action, int(counts.get(check, 0))) for check, action in CHECKS.items()]
        return pd.DataFrame(rows, columns=["check", "action", "schools"])


def review_frame(
    register: pd.DataFrame, *, strata: Sequence[str] = (), min_enrolment: int = 1
) -> FrameReview:
    """Check a school register and derive the sampling frame.

    Parameters
    ----------
    register
        The register as read (workbench names); not modified.
    strata
        Register columns that must be filled for a school to be sampled (the design's strata
        and sort variables); any columns the register has.
    min_enrolment
        Schools with fewer grade-6 students are outside the target population.

    Returns
    -------
    FrameReview
        The frame, the findings and the reconciliation.

    Raises
    ------
    KeyError
        ``school_id``, ``enrol_g6`` or a column of ``strata`` is not in the register (the
        message says where to map or name it).
    """
    strata = list(strata)
    missing = [name for name in (ID, SIZE) if name not in register]
    if missing:
        raise KeyError(
            f"review_frame: the register has no column {missing[0]!r}; map the "
            f"register's own column to it under data.register.columns (its "
            f"columns are {_names(register)})"
        )
    unknown = [name for name in strata if name not in register]
    if unknown:
        raise KeyError(
            f"review_frame: stages.frame.strata (or the sample design's strata and "
            f"sort_by) name {unknown}, which the register does not have; name "
            f"columns it has: {_names(register)}"
        )
    data = register.copy()
    data[ID] = data[ID].astype("string").str.strip()
    data["enrolment"] = pd.to_numeric(data[SIZE].astype("string").str.strip(), errors="coerce")
    students = data["enrolment"].fillna(0).clip(lower=0)
    findings, keep = [], pd.Series(True, index=data.index)
    steps = [("register_records", len(data), students.sum())]
    for check, flag in _flags(data, register[SIZE], strata, min_enrolment):
        hit = flag & keep
        findings.append(_findings(data[hit], check, register.loc[hit], strata))
        steps.append((check, -int(hit.sum()), -students[hit].sum()))
        keep &= ~hit
    frame = data[keep].drop(columns=SIZE).rename(columns={"enrolment": SIZE})
    frame = frame[[ID, SIZE, *(c for c in frame.columns if c not in (ID, SIZE))]]
    frame = frame.reset_index(drop=True).astype({SIZE: int})
    steps.append(("frame_schools", len(frame), frame[SIZE].sum()))
    checks = pd.concat(findings, ignore_index=True)
    reconciliation = pd.DataFrame(steps, columns=["step", "schools", "students"])
    return FrameReview(frame, checks, reconciliation)


def frame_summary(
    frame: pd.DataFrame, by: str | list[str], *, size: str = "enrol_g6"
) -> pd.DataFrame:
    """Schools and grade-6 students by group, with shares and school size.

    Returns
    -------
    DataFrame
        ``<by>, schools, students, share_schools, share_students, mean_size, median_size``
        and a last ``total`` row.
    """
    by = [by] if isinstance(by, str) else list(by)
    table = (
        frame.groupby(by, observed=True)[size]
        .agg(schools="size", students="sum", mean_size="mean", median_size="median")
        .reset_index()
    )
    total = {
        **{column: "total" for column in by},
        "schools": len(frame),
        "students": frame[size].sum(),
        "mean_size": frame[size].mean(),
        "median_size": frame[size].median(),
    }
    table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    table["share_schools"] = 100 * table["schools"] / len(frame)
    table["share_students"] = 100 * table["students"] / frame[size].sum()
    return table[
        [*by, "schools", "students", "share_schools", "share_students", "mean_size", "median_size"]
    ]


def tabulated(frame: pd.DataFrame, columns: Sequence[str], *, most: int = 40) -> list[str]:
    """The columns worth a table: those of ``columns`` with at most ``most`` distinct values.

    Examples
    --------
    >>> f = pd.DataFrame({"school_id": ["a", "b"], "oblast": ["x", "x"]})
    >>> tabulated(f, ["oblast", "school_id"], most=1)
    ['oblast']
    """
    return [column for column in columns if frame[column].nunique() <= most]


def composition(frame: pd.DataFrame, columns: Sequence[str], *, size: str = SIZE) -> pd.DataFrame:
    """:func:`frame_summary` for each column, one below the other (``column, value, ...``),
    then one ``total`` row: the frame's composition by the columns the parameters name.

    Examples
    --------
    >>> f = pd.DataFrame({"oblast": ["x", "y", "y"], "enrol_g6": [10, 20, 30]})
    >>> composition(f, ["oblast"])[["column", "value", "schools", "students"]].values.tolist()
    [['oblast', 'x', 1, 10], ['oblast', 'y', 2, 50], ['total', 'total', 3, 60]]
    """
    parts = []
    for column in columns:
        table = frame_summary(frame, column, size=size)
        table = table[table[column] != "total"].rename(columns={column: "value"})
        parts.append(table.assign(column=column, value=table["value"].astype(str)))
    total = frame_summary(frame.assign(_all="total"), "_all", size=size).iloc[[0]]
    parts.append(total.rename(columns={"_all": "value"}).assign(column="total"))
    table = pd.concat(parts, ignore_index=True)
    return table[["column", "value", *(c for c in table.columns if c not in ("column", "value"))]]


def size_groups(
    frame: pd.DataFrame, columns: Sequence[str], *, most: int = 6, size: str = SIZE
) -> pd.DataFrame:
    """School sizes for the size figure: ``size`` and ``group``, the first of ``columns``
    with at most ``most`` values (no ``group`` column when none has); ``attrs["group"]``
    names that column.

    Examples
    --------
    >>> f = pd.DataFrame({"oblast": ["x", "y"], "enrol_g6": [10, 20]})
    >>> size_groups(f, ["oblast"]).attrs["group"]
    'oblast'
    """
    group = next((c for c in columns if frame[c].nunique() <= most), None)
    data = frame[[size]].copy()
    if group is not None:
        data["group"] = frame[group].astype(str).to_numpy()
    data.attrs["group"] = group
    return data


def _flags(data: pd.DataFrame, raw_enrolment: pd.Series, strata, min_enrolment: int):
    ids = data[ID]
    record = data.drop(columns=[ROW], errors="ignore")
    exact = record.duplicated(keep="first")
    same_id = ids.duplicated(keep=False) & ids.notna()
    enrolment = data["enrolment"]
    raw = raw_enrolment.astype("string").str.strip()
    invalid = (raw.notna() & (raw != "") & enrolment.isna()) | raw.isna() | (raw == "")
    invalid |= enrolment < 0
    invalid |= enrolment.notna() & (enrolment != np.floor(enrolment))
    missing = ids.isna() | (ids == "")
    yield "total_row", missing & _says_total(data)
    yield "missing_id", missing
    yield "duplicate_record", exact
    yield "conflicting_id", same_id & ~record.duplicated(keep=False)
    yield "invalid_enrolment", invalid.fillna(True).astype(bool)
    yield "zero_enrolment", enrolment < min_enrolment
    yield (
        "missing_stratum",
        _blank(data[strata]).any(axis=1) if strata else pd.Series(False, index=data.index),
    )


def _findings(hit: pd.DataFrame, check: str, raw: pd.DataFrame, strata) -> pd.DataFrame:
    if check in {"invalid_enrolment", "zero_enrolment"}:
        column, values = SIZE, raw[SIZE].astype("string")
    elif check == "missing_stratum":
        blank = _blank(hit[strata])
        column = pd.Series(
            [", ".join(row.index[row]) for _, row in blank.iterrows()],
            index=hit.index,
            dtype="string",
        )
        values = pd.Series("", index=hit.index)
    else:
        column, values = ID, hit[ID]
    table = pd.DataFrame(
        {
            "school_id": hit[ID],
            "check": check,
            "column": column,
            "value": values,
            "action": CHECKS[check],
        }
    ).astype({"column": "string", "value": "string"})
    if ROW in hit:
        table[ROW] = hit[ROW].astype("string")  # a row number, shown as written
    return table


def _says_total(data: pd.DataFrame) -> pd.Series:
    """Rows with a cell reading "total" (Итого, Всего, Жыйынтык, Бардыгы, Total, ...)."""
    text = (
        data.drop(columns=["enrolment"])
        .astype("string")
        .apply(lambda column: column.str.strip().str.lower().str.match(TOTAL_WORDS))
    )
    return text.fillna(False).astype(bool).any(axis=1)


def _blank(table: pd.DataFrame) -> pd.DataFrame:
    text = table.astype("string").apply(lambda column: column.str.strip())
    return (table.isna() | (text == "")).fillna(True).astype(bool)


def _names(table: pd.DataFrame, shown: int = 12) -> str:
    names = [str(c) for c in table.columns if c != ROW]
    more = f", ... ({len(names)} in all)" if len(names) > shown else ""
    return "[" + ", ".join(repr(n) for n in names[:shown]) + more + "]"
