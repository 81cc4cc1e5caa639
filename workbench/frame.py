"""Frame review (stage ``00_frame``): register checks and the sampling frame.

The register is read as delivered; :func:`review_frame` returns a *new* frame
of the target population (every school with grade-6 students and every
stratum variable filled) and one row per finding, so that each school left out
is listed with its reason and the counts reconcile.

Examples
--------
>>> import pandas as pd
>>> register = pd.DataFrame({"school_id": ["a", "b", "b", "c"], "region": ["x"] * 4,
...                          "locality": ["urban"] * 4, "language": ["ky"] * 4,
...                          "school_type": ["general"] * 4, "enrol_g6": [30, 25, 25, 0]})
>>> review = review_frame(register)
>>> list(review.frame["school_id"]), list(review.checks["check"])
(['a', 'b'], ['duplicate_record', 'zero_enrolment'])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.stages import FrameColumns

__all__ = ["FrameReview", "review_frame", "frame_summary", "crosstab", "CHECKS"]

#: checks in the order they are applied, with the action taken
CHECKS = {
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

    ``frame``: the sampling frame, role columns renamed to the standard names
    (``school_id, region, locality, language, school_type, enrol_g6``) and first,
    the register's other columns after them;
    ``checks``: ``school_id, check, column, value, action`` per finding;
    ``reconciliation``: ``step, schools, students`` from register to frame.
    """

    frame: pd.DataFrame
    checks: pd.DataFrame
    reconciliation: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        """Findings per check: ``check, action, schools``, in :data:`CHECKS` order."""
        counts = self.checks.groupby("check", sort=False).size()
        rows = [(check, action, int(counts.get(check, 0))) for check, action in CHECKS.items()]
        return pd.DataFrame(rows, columns=["check", "action", "schools"])


def review_frame(register: pd.DataFrame, *, columns: FrameColumns | dict | None = None,
                 strata: list[str] | tuple[str, ...] = ("region", "locality", "language"),
                 min_enrolment: int = 1) -> FrameReview:
    """Check a school register and derive the sampling frame.

    Parameters
    ----------
    register
        The register as delivered; not modified.
    columns
        Which register column plays each role (:class:`~workbench.stages.FrameColumns`).
    strata
        Roles that must be filled for a school to be sampled.
    min_enrolment
        Schools with fewer grade-6 students are outside the target population.

    Returns
    -------
    FrameReview
        The frame (standard column names), the findings and the reconciliation.

    Raises
    ------
    KeyError
        A column the parameters name is not in the register.
    """
    roles = FrameColumns.model_validate(columns or {}).model_dump()
    missing = [f"{role}={name!r}" for role, name in roles.items() if name not in register]
    if missing:
        raise KeyError(f"review_frame: the register has no column for {', '.join(missing)}; "
                       f"its columns are {list(register.columns)}. Set stages.frame.columns.")
    unknown = sorted(set(strata) - set(roles))
    if unknown:
        raise ValueError(f"review_frame: strata {unknown} are not frame roles; use {list(roles)}")
    data = register.rename(columns={v: k for k, v in roles.items()})
    data = data[[*roles, *(c for c in data.columns if c not in roles)]].copy()
    data["school_id"] = data["school_id"].astype("string").str.strip()
    data["enrolment"] = pd.to_numeric(data["enrolment"], errors="coerce")
    students = data["enrolment"].fillna(0).clip(lower=0)
    findings, keep = [], pd.Series(True, index=data.index)
    steps = [("register_records", len(data), students.sum())]
    for check, flag in _flags(data, register[roles["enrolment"]], strata, min_enrolment):
        hit = flag & keep
        findings.append(_findings(data[hit], check, roles, register.loc[hit], strata))
        steps.append((check, -int(hit.sum()), -students[hit].sum()))
        keep &= ~hit
    frame = data[keep].rename(columns={"enrolment": "enrol_g6"}).reset_index(drop=True)
    frame["enrol_g6"] = frame["enrol_g6"].astype(int)
    steps.append(("frame_schools", len(frame), frame["enrol_g6"].sum()))
    checks = pd.concat(findings, ignore_index=True)
    reconciliation = pd.DataFrame(steps, columns=["step", "schools", "students"])
    return FrameReview(frame, checks, reconciliation)


def frame_summary(frame: pd.DataFrame, by: str | list[str], *,
                  size: str = "enrol_g6") -> pd.DataFrame:
    """Schools and grade-6 students by group, with shares and school size.

    Returns
    -------
    DataFrame
        ``<by>, schools, students, share_schools, share_students, mean_size, median_size``
        and a last ``total`` row.
    """
    by = [by] if isinstance(by, str) else list(by)
    table = frame.groupby(by, observed=True)[size].agg(
        schools="size", students="sum", mean_size="mean", median_size="median").reset_index()
    total = {**{column: "total" for column in by}, "schools": len(frame),
             "students": frame[size].sum(), "mean_size": frame[size].mean(),
             "median_size": frame[size].median()}
    table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    table["share_schools"] = 100 * table["schools"] / len(frame)
    table["share_students"] = 100 * table["students"] / frame[size].sum()
    return table[[*by, "schools", "students", "share_schools", "share_students",
                  "mean_size", "median_size"]]


def crosstab(frame: pd.DataFrame, rows: str, columns: str) -> pd.DataFrame:
    """Number of schools by ``rows`` × ``columns``, with totals.

    Returns
    -------
    DataFrame
        ``<rows>``, one column per value of ``columns``, ``total``; a last ``total`` row.

    Examples
    --------
    >>> f = pd.DataFrame({"region": ["a", "a", "b"], "language": ["ky", "ru", "ky"]})
    >>> crosstab(f, "region", "language").to_dict("list")
    {'region': ['a', 'b', 'total'], 'ky': [1, 1, 2], 'ru': [1, 0, 1], 'total': [2, 1, 3]}
    """
    table = pd.crosstab(frame[rows], frame[columns], margins=True, margins_name="total")
    table.columns.name = None
    return table.reset_index().rename(columns={"index": rows})


def _flags(data: pd.DataFrame, raw_enrolment: pd.Series, strata, min_enrolment: int):
    ids = data["school_id"]
    exact = data.duplicated(keep="first")
    same_id = ids.duplicated(keep=False) & ids.notna()
    enrolment = data["enrolment"]
    invalid = (raw_enrolment.notna() & enrolment.isna()) | raw_enrolment.isna() | (enrolment < 0)
    invalid |= enrolment.notna() & (enrolment != np.floor(enrolment))
    yield "missing_id", ids.isna() | (ids == "")
    yield "duplicate_record", exact
    yield "conflicting_id", same_id & ~data.duplicated(keep=False)
    yield "invalid_enrolment", invalid
    yield "zero_enrolment", enrolment < min_enrolment
    yield "missing_stratum", _blank(data[list(strata)]).any(axis=1)


def _findings(hit: pd.DataFrame, check: str, roles: dict, raw: pd.DataFrame,
              strata) -> pd.DataFrame:
    if check in {"invalid_enrolment", "zero_enrolment"}:
        column, values = roles["enrolment"], raw[roles["enrolment"]].astype("string")
    elif check == "missing_stratum":
        blank = _blank(hit[list(strata)])
        column = pd.Series([", ".join(roles[r] for r in row.index[row]) for _, row in
                            blank.iterrows()], index=hit.index, dtype="string")
        values = pd.Series("", index=hit.index)
    else:
        column, values = roles["school_id"], hit["school_id"]
    return pd.DataFrame({"school_id": hit["school_id"], "check": check, "column": column,
                         "value": values, "action": CHECKS[check]}).astype(
                             {"column": "string", "value": "string"})


def _blank(table: pd.DataFrame) -> pd.DataFrame:
    text = table.astype("string").apply(lambda column: column.str.strip())
    return (table.isna() | (text == "")).fillna(True).astype(bool)
