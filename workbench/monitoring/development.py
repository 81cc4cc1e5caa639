"""Teachers' professional development (instruction 003): the five-year rule, compliance,
the lists for methodical unions and a proposed schedule for the next school year.

The rule (§13: a course "once every five years") as computed here:

* a teacher's **due date** is five calendar years after the last *completed* course (a
  course with no end date does not count); a teacher with no completed course is counted
  from the day they were hired, so a teacher hired last year is not overdue;
* a course completed on 29 February is due on 28 February five years later;
* on the reference date ``as_of`` a teacher is **overdue** when the due date is *before*
  ``as_of``; a course completed exactly five years before ``as_of`` is due on ``as_of`` itself
  and still counts (the five years are used up that day, not exceeded), one day more is
  overdue; **due soon** when the due date falls within ``soon_months`` after ``as_of``.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"teacher_id": ["a", "b"], "school_id": "S1", "methodical_union": "m",
...                   "hired": pd.to_datetime(["2010-09-01", "2025-09-01"]), "status": "active"})
>>> c = pd.DataFrame({"teacher_id": ["a"], "course_code": "K", "start_date": pd.NaT,
...                   "end_date": pd.to_datetime(["2021-09-01"])})
>>> s = teacher_status(t, c, as_of="2026-09-01")
>>> s[["teacher_id", "due", "status"]].astype(str).values.tolist()
[['a', '2026-09-01', 'due_soon'], ['b', '2030-09-01', 'not_due']]
"""

from __future__ import annotations

import pandas as pd

from workbench.disclosure import hidden_with_complements

__all__ = [
    "teacher_status",
    "compliance",
    "suppress_compliance",
    "suppress_schools",
    "union_lists",
    "propose_schedule",
    "STATUSES",
    "OUTCOMES",
]

#: a teacher's status on the reference date
STATUSES = ("overdue", "due_soon", "not_due")
#: why a compliance row shows no counts (``suppressed``): too few teachers, or hidden with a
#: small sibling so that the parent's total cannot give the small row by subtraction
SUPPRESSED = ("small_cell", "complementary")
#: what the proposed schedule does for a teacher
OUTCOMES = ("catch_up", "on_time", "late", "unscheduled")


def teacher_status(
    teachers: pd.DataFrame,
    courses: pd.DataFrame,
    *,
    as_of: str | pd.Timestamp,
    years: int = 5,
    soon_months: int = 12,
) -> pd.DataFrame:
    """Each active teacher's last completed course, due date and status on ``as_of``.

    Returns
    -------
    DataFrame
        ``teacher_id, school_id, methodical_union, hired, last_course, courses, due,
        days_overdue, status`` (one row per active teacher, ordered by school and id).
    """
    as_of = pd.Timestamp(as_of)
    active = teachers[teachers["status"] == "active"].copy()
    done = courses[courses["end_date"].notna() & (courses["end_date"] <= as_of)]
    last = done.groupby("teacher_id")["end_date"].agg(["max", "size"])
    active["last_course"] = active["teacher_id"].map(last["max"])
    active["courses"] = active["teacher_id"].map(last["size"]).fillna(0).astype(int)
    start = active["last_course"].fillna(active["hired"])
    active["due"] = start + pd.DateOffset(years=years)
    active["days_overdue"] = (as_of - active["due"]).dt.days.clip(lower=0)
    soon = as_of + pd.DateOffset(months=soon_months)
    active["status"] = "not_due"
    active.loc[active["due"] < soon, "status"] = "due_soon"
    active.loc[active["due"] < as_of, "status"] = "overdue"
    cols = [
        "teacher_id",
        "school_id",
        "methodical_union",
        "hired",
        "last_course",
        "courses",
        "due",
        "days_overdue",
        "status",
    ]
    return active[cols].sort_values(["school_id", "teacher_id"], ignore_index=True)


def compliance(
    status: pd.DataFrame,
    units: pd.DataFrame,
    *,
    levels: tuple[str, ...] = ("school_id", "district", "oblast"),
) -> pd.DataFrame:
    """Compliance with the five-year rule per school, district, oblast and the nation.

    Returns
    -------
    DataFrame
        ``level, unit, parent, teachers, compliant, overdue, due_soon, compliance`` (%
        compliant = not overdue); the counts of a level sum to its parent's.
    """
    s = status.merge(units[list(levels)].drop_duplicates(), on="school_id", how="left")
    s["nation"] = "nation"
    chain = [*levels, "nation"]
    parts = []
    for n, key in enumerate(chain):
        parent = chain[n + 1] if n + 1 < len(chain) else None
        by = [key, parent] if parent else [key]
        g = s.groupby(by, sort=True)["status"]
        part = pd.DataFrame(
            {
                "teachers": g.size(),
                "overdue": g.apply(lambda x: (x == "overdue").sum()),
                "due_soon": g.apply(lambda x: (x == "due_soon").sum()),
            }
        )
        part = part.reset_index().rename(
            columns={key: "unit", parent: "parent"} if parent else {key: "unit"}
        )
        if not parent:
            part["parent"] = ""
        part["level"] = key.removesuffix("_id")
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["compliant"] = out["teachers"] - out["overdue"]
    out["compliance"] = 100 * out["compliant"] / out["teachers"]
    return out[
        ["level", "unit", "parent", "teachers", "compliant", "overdue", "due_soon", "compliance"]
    ]


def suppress_compliance(table: pd.DataFrame, *, min_n: int) -> pd.DataFrame:
    """The published compliance table: a row with fewer than ``min_n`` teachers (the cycle's
    ``suppress_below``) keeps ``teachers`` but shows no ``compliant, overdue, due_soon,
    compliance`` (``suppressed: small_cell``); when it is the only hidden row among its
    siblings (same level and parent), the sibling with the fewest teachers is hidden too
    (``complementary``), so the parent's total minus the others never reveals it.

    Examples
    --------
    >>> t = pd.DataFrame({"level": ["school", "school", "school", "district"],
    ...     "unit": ["A", "B", "C", "d"], "parent": ["d", "d", "d", "o"],
    ...     "teachers": [4, 30, 20, 54], "compliant": [3, 28, 19, 50],
    ...     "overdue": [1, 2, 1, 4], "due_soon": [0, 5, 2, 7],
    ...     "compliance": [75.0, 93.3, 95.0, 92.6]})
    >>> s = suppress_compliance(t, min_n=5)
    >>> s["suppressed"].tolist(), s["overdue"].tolist()
    (['small_cell', '', 'complementary', ''], [<NA>, 2, <NA>, 4])
    """
    out = table.copy()
    out["suppressed"] = hidden_with_complements(
        out,
        count="teachers",
        siblings=["level", "parent"],
        min_n=min_n,
        caller="suppress_compliance",
    )
    shown = out["suppressed"] == ""
    for column in ("compliant", "overdue", "due_soon"):
        out[column] = out[column].astype("Int64").where(shown)  # counts stay integers
    out["compliance"] = out["compliance"].astype(float).where(shown)
    return out


def suppress_schools(table: pd.DataFrame, compliance: pd.DataFrame) -> pd.DataFrame:
    """Another per-school table of teacher counts with the schools hidden in the published
    ``compliance`` (:func:`suppress_compliance`) hidden too (``suppressed`` as there; every
    count column blanked), so that it cannot give back what compliance hides.

    Examples
    --------
    >>> comp = pd.DataFrame({"level": "school", "unit": ["A", "B"],
    ...                      "suppressed": ["small_cell", ""]})
    >>> t = pd.DataFrame({"school_id": ["A", "B"], "catch_up": [1, 2]})
    >>> suppress_schools(t, comp).values.tolist()
    [['A', <NA>, 'small_cell'], ['B', 2, '']]
    """
    schools = compliance[compliance["level"] == "school"].set_index("unit")["suppressed"]
    out = table.copy()
    out["suppressed"] = out["school_id"].map(schools).fillna("")
    shown = out["suppressed"] == ""
    for column in out.columns:
        if pd.api.types.is_bool_dtype(out[column]):
            out[column] = out[column].astype("boolean").where(shown)
        elif pd.api.types.is_integer_dtype(out[column]):
            out[column] = out[column].astype("Int64").where(shown)
    return out


def union_lists(status: pd.DataFrame) -> pd.DataFrame:
    """Overdue and soon-due teachers by school and methodical union, for the unions'
    schedules (003 §14). ``teacher_id`` must already be a pseudonym (the cycle replaces the
    register's ids when it reads it); it is shown as ``teacher``.

    Returns
    -------
    DataFrame
        ``school_id, methodical_union, teacher, status, due, days_overdue`` (overdue first,
        then by due date).
    """
    s = status[status["status"].isin(["overdue", "due_soon"])].copy()
    s["teacher"] = s["teacher_id"]
    s["_order"] = s["status"].map({"overdue": 0, "due_soon": 1})
    s = s.sort_values(["school_id", "methodical_union", "_order", "due", "teacher"])
    return s[
        ["school_id", "methodical_union", "teacher", "status", "due", "days_overdue"]
    ].reset_index(drop=True)


def propose_schedule(
    status: pd.DataFrame,
    *,
    as_of: str | pd.Timestamp,
    months: list[int],
    capacity_per_month: int,
    per_school_month: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A course month in the school year from ``as_of`` for every teacher who is overdue or
    falls due within that year, within the capacity.

    Teachers are placed by due date (the longest overdue first) in the earliest course month
    with a free place overall (``capacity_per_month``) and at their school
    (``per_school_month``, so a school keeps its lessons covered). An overdue teacher placed
    is ``catch_up``; one placed by the due date ``on_time``, after it ``late``; one who finds
    no place is ``unscheduled``.

    Returns
    -------
    (schedule, by_school)
        ``teacher_id, school_id, methodical_union, due, month, outcome`` (:data:`OUTCOMES`)
        and per school ``teachers_needing``, one count per outcome and
        ``compliant_at_year_end`` (every teacher placed: after their course no one is overdue).
    """
    as_of = pd.Timestamp(as_of)
    end = as_of + pd.DateOffset(years=1)
    slots = [pd.Timestamp(as_of.year + (m < as_of.month), m, 1) for m in months]
    slots = sorted(s for s in slots if as_of <= s < end)
    need = status[status["due"] < end].sort_values(["due", "teacher_id"])
    free = {s: capacity_per_month for s in slots}
    at_school: dict[tuple[str, pd.Timestamp], int] = {}
    rows = []
    for r in need.itertuples():
        slot = next(
            (
                s
                for s in slots
                if free[s] > 0 and at_school.get((r.school_id, s), 0) < per_school_month
            ),
            None,
        )
        if slot is not None:
            free[slot] -= 1
            at_school[(r.school_id, slot)] = at_school.get((r.school_id, slot), 0) + 1
        outcome = (
            "unscheduled"
            if slot is None
            else "catch_up"
            if r.due < as_of
            else "late"
            if slot + pd.offsets.MonthEnd(0) > r.due
            else "on_time"
        )
        rows.append(
            {
                "teacher_id": r.teacher_id,
                "school_id": r.school_id,
                "methodical_union": r.methodical_union,
                "due": r.due,
                "month": slot,
                "outcome": outcome,
            }
        )
    schedule = pd.DataFrame(
        rows, columns=["teacher_id", "school_id", "methodical_union", "due", "month", "outcome"]
    )
    counts = (
        pd.crosstab(schedule["school_id"], schedule["outcome"]) if len(schedule) else pd.DataFrame()
    )
    by_school = pd.DataFrame({"school_id": sorted(status["school_id"].unique())})
    for col in OUTCOMES:
        by_school[col] = (
            by_school["school_id"].map(counts[col] if col in counts else {}).fillna(0).astype(int)
        )
    by_school.insert(1, "teachers_needing", by_school[list(OUTCOMES)].sum(axis=1))
    by_school["compliant_at_year_end"] = by_school["unscheduled"] == 0
    return schedule, by_school
