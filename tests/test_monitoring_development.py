"""Teachers' professional development (instruction 003, issue 17): registers, the five-year
rule at its edges, compliance by level, lists and the proposed schedule.

Due dates and statuses are checked against the synthetic truth, which the generator computes
with its own calendar arithmetic (``date.replace``), not with the module's pandas offsets.
"""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.monitoring import development as dv
from workbench.monitoring.registers import RegisterFileError, read_courses, read_teachers
from workbench.synth.district import make_district, write_district

AS_OF = "2026-09-01"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    district = make_district(11)
    folder = tmp_path_factory.mktemp("district")
    write_district(district, folder)
    return district, folder


@pytest.fixture(scope="module")
def status(files):
    district, folder = files
    teachers = read_teachers(folder / "teachers.csv")
    courses, unknown = read_courses(folder / "courses.csv", teachers)
    assert unknown.empty
    return dv.teacher_status(teachers, courses, as_of=AS_OF)


def test_every_teacher_matches_the_truth(files, status):
    district, _ = files
    truth = pd.DataFrame(district.truth["teachers"]).T
    got = status.set_index("teacher_id").loc[truth.index]
    assert len(status) == len(truth)  # active teachers only, none lost
    assert (got["due"].dt.strftime("%Y-%m-%d") == truth["due"]).all()
    assert ((got["status"] == "overdue") == truth["overdue"].astype(bool)).all()


@pytest.mark.parametrize(
    ("case", "due", "state"),
    [
        ("exactly_five_years", "2026-09-01", "due_soon"),  # due on the day itself: still counts
        ("five_years_and_a_day", "2026-08-31", "overdue"),
        ("leap_day_course", "2029-02-28", "not_due"),
        ("hired_last_year", "2030-09-01", "not_due"),  # counted from the hiring date
        ("hired_six_years_ago_no_course", "2025-09-01", "overdue"),
        ("unfinished_course", "2024-06-01", "overdue"),  # a course without an end date
    ],
)
def test_five_year_rule_at_its_edges(files, status, case, due, state):
    district, _ = files
    row = status.set_index("teacher_id").loc[district.truth["edge_teachers"][case]]
    assert (
        row["due"].strftime("%Y-%m-%d")
        == due
        == district.truth["teachers"][district.truth["edge_teachers"][case]]["due"]
    )
    assert row["status"] == state


def test_planted_noncompliant_school_and_counts_reconcile(files, status):
    district, _ = files
    comp = dv.compliance(status, district.schools)
    schools = comp[comp["level"] == "school"].set_index("unit")
    assert schools["compliance"].idxmin() == district.truth["noncompliant_school"]
    for level, parent_level in (
        ("school", "district"),
        ("district", "oblast"),
        ("oblast", "nation"),
    ):
        child = (
            comp[comp["level"] == level]
            .groupby("parent")[["teachers", "overdue", "due_soon"]]
            .sum()
        )
        parent = comp[comp["level"] == parent_level].set_index("unit").loc[child.index]
        pd.testing.assert_frame_equal(
            child, parent[["teachers", "overdue", "due_soon"]], check_names=False
        )
    nation = comp[comp["level"] == "nation"].iloc[0]
    assert nation["teachers"] == len(status)
    assert nation["overdue"] == sum(t["overdue"] for t in district.truth["teachers"].values())


def test_union_lists_hold_pseudonyms_only(status):
    lists = dv.union_lists(status.assign(teacher_id="T" + status.index.astype(str)))
    assert "teacher_id" not in lists.columns
    assert set(lists["status"]) == {"overdue", "due_soon"}
    assert lists.groupby(["school_id", "methodical_union"]).size().sum() == len(lists)


def test_schedule_within_capacity(status):
    schedule, by_school = dv.propose_schedule(
        status, as_of=AS_OF, months=[9, 10, 11, 1, 2], capacity_per_month=30, per_school_month=2
    )
    per_month = schedule.dropna(subset=["month"]).groupby("month").size()
    assert per_month.max() <= 30
    assert schedule.dropna(subset=["month"]).groupby(["school_id", "month"]).size().max() <= 2
    needing = status[status["due"] < pd.Timestamp("2027-09-01")]
    assert len(schedule) == len(needing)  # everyone who needs a course
    placed = schedule["month"].notna()
    assert ((schedule["outcome"] == "unscheduled") == ~placed).all()
    ample, ok = dv.propose_schedule(
        status, as_of=AS_OF, months=list(range(1, 13)), capacity_per_month=500, per_school_month=50
    )
    assert ok["compliant_at_year_end"].all() and (ample["outcome"] != "unscheduled").all()
    assert (ample.loc[ample["due"] < pd.Timestamp(AS_OF), "outcome"] == "catch_up").all()
    tight, few = dv.propose_schedule(
        status, as_of=AS_OF, months=[10], capacity_per_month=5, per_school_month=1
    )
    assert (tight["outcome"] == "unscheduled").sum() == len(needing) - 5
    assert not few["compliant_at_year_end"].all()


# ----------------------------------------------------------------------------- bad files


def _write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


HEAD = "teacher_id,school_id,methodical_union,hired,status\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "1,S1,primary,2019-13-01,active\n",
            "teachers.csv, row 2, column hired: '2019-13-01' is not a date",
        ),
        (
            "1,S1,primary,01.09.2019,active\n2,,primary,01.09.2019,active\n",
            "teachers.csv, row 3, column school_id: empty",
        ),
        (
            "1,S1,primary,01.09.2019,active\n1,S2,primary,01.09.2019,active\n",
            "teachers.csv, row 3, column teacher_id: teacher '1' is listed twice",
        ),
        (
            "1,S1,primary,01.09.2019,retired\n",
            "teachers.csv, row 2, column status: 'retired' is not one of active, left",
        ),
        (
            "1,S1,primary,x,active\n2,S1,primary,y,active\n",
            r"row 2, column hired: 'x' is not a date .*\(and 1 more problem\(s\) in this file\)",
        ),
    ],
)
def test_bad_teacher_register_gets_one_clear_line(tmp_path, body, message):
    with pytest.raises(RegisterFileError, match=message):
        read_teachers(_write(tmp_path, "teachers.csv", HEAD + body))


def test_missing_column_and_file(tmp_path):
    path = _write(tmp_path, "teachers.csv", "teacher_id,school_id,hired,status\n1,S1,x,y\n")
    with pytest.raises(RegisterFileError, match="teachers.csv: no column 'methodical_union'"):
        read_teachers(path)
    with pytest.raises(RegisterFileError, match="nothere.csv: no such file"):
        read_teachers(tmp_path / "nothere.csv")


def test_exports_in_cp1251_with_semicolons_and_xlsx_are_read(tmp_path):
    text = "ИНН;Мектеп;МБ;Иште баштаган;Абалы\n1;S1;тилдер;01.09.2019;active\n"
    cols = {
        "ИНН": "teacher_id",
        "Мектеп": "school_id",
        "МБ": "methodical_union",
        "Иште баштаган": "hired",
        "Абалы": "status",
    }
    t = read_teachers(_write(tmp_path, "t.csv", text, "cp1251"), columns=cols)
    assert (
        t.loc[0, "methodical_union"] == "тилдер" and str(t.loc[0, "hired"].date()) == "2019-09-01"
    )
    xlsx = tmp_path / "t.xlsx"
    pd.DataFrame(
        {
            "teacher_id": ["1"],
            "school_id": ["S1"],
            "methodical_union": ["m"],
            "hired": ["2019-09-01"],
            "status": ["active"],
        }
    ).to_excel(xlsx, index=False)
    assert read_teachers(xlsx)["file_row"].tolist() == [2]


def test_bad_course_register_and_unknown_teachers(tmp_path):
    teachers = read_teachers(
        _write(tmp_path, "teachers.csv", HEAD + "1,S1,primary,01.09.2019,active\n")
    )
    head = "teacher_id,course_code,start_date,end_date\n"
    with pytest.raises(
        RegisterFileError,
        match="courses.csv, row 2, column end_date: 2021-01-01 is before start_date 2021-02-01",
    ):
        read_courses(
            _write(tmp_path, "courses.csv", head + "1,K,2021-02-01,2021-01-01\n"), teachers
        )
    courses, unknown = read_courses(
        _write(tmp_path, "courses.csv", head + "1,K,2021-01-01,2021-01-10\n9,K,,2021-01-10\n"),
        teachers,
    )
    assert courses["teacher_id"].tolist() == ["1"] and unknown["file_row"].tolist() == [3]
