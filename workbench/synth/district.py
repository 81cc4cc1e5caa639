"""A synthetic district set for internal school and college monitoring, with its truth.

Two oblasts, two districts each, a few schools per district (urban and rural, Kyrgyz and
Russian language of instruction, small to large) with three school years of class and school
data, two colleges per oblast with study groups, a teacher register and a course history in
the shape of an export of the national teacher information system, and one school's own
(variable-part) table. What was planted is written beside the data (:attr:`District.truth`):

* ``improving_school``: its results rise every year (about 8 test points a year);
* ``noncompliant_school``: most of its teachers' last course is more than five years old;
* ``edge_teachers``: the five-year rule at its edges (a course exactly five years before the
  reference date, one day more, a leap-day course, a teacher hired last year, an unfinished
  course), each with the due date and status the rule gives, computed here on its own
  (calendar arithmetic with ``date.replace``), not by the monitoring code;
* ``teachers``: every teacher's due date and status on the reference date.

Examples
--------
>>> d = make_district(1)
>>> sorted(d.schools["oblast"].unique()), d.classes["year"].nunique()
(['chui', 'naryn'], 3)
>>> d.truth["improving_school"] in set(d.schools["school_id"])
True
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["District", "make_district", "write_district", "plus_years", "UNIONS"]

#: methodical unions (МБ / МО) of a school
UNIONS = ("primary", "languages", "math_science", "humanities", "arts_pe")
_DISTRICTS = {"chui": ("chui_d1", "chui_d2"), "naryn": ("naryn_d1", "naryn_d2")}
_FIRST = (
    "Айгүл",
    "Бакыт",
    "Гүлнара",
    "Нурлан",
    "Жылдыз",
    "Айбек",
    "Ольга",
    "Ирина",
    "Самат",
    "Чолпон",
    "Татьяна",
    "Эрмек",
)
_LAST = (
    "Асанова",
    "Токтогулов",
    "Иванова",
    "Садыкова",
    "Мамытов",
    "Петрова",
    "Жумабеков",
    "Осмонова",
)


def plus_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February -> 28 February).

    Examples
    --------
    >>> plus_years(date(2020, 2, 29), 5), plus_years(date(2021, 9, 1), 5)
    (datetime.date(2025, 2, 28), datetime.date(2026, 9, 1))
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True, eq=False)
class District:
    """The synthetic set (``year`` is the calendar year a school year ends in).

    Attributes
    ----------
    schools, colleges
        Static attributes: ``school_id, district, oblast, locality, language`` /
        ``college_id, oblast``.
    classes, groups
        One row per class (study group) and year: ``students, assessed, good_marks, passing,
        tested, test_mean, test_sd``.
    school_years, college_years
        One row per institution and year: the administrative and survey counts.
    teachers, courses
        The registers as exported (text dates, national ids, names).
    own
        School ``truth["own_school"]``'s own table for its variable part.
    truth
        What was planted (see the module docstring).
    """

    schools: pd.DataFrame
    classes: pd.DataFrame
    school_years: pd.DataFrame
    colleges: pd.DataFrame
    groups: pd.DataFrame
    college_years: pd.DataFrame
    teachers: pd.DataFrame
    courses: pd.DataFrame
    own: pd.DataFrame
    truth: dict


def make_district(
    seed: int,
    *,
    years: tuple[int, ...] = (2024, 2025, 2026),
    as_of: date = date(2026, 9, 1),
    schools_per_district: int = 6,
) -> District:
    """Draw the district set; ``as_of`` is the reference date of the five-year rule."""
    rng = np.random.default_rng([seed, 17])
    schools = _schools(rng, schools_per_district)
    ids = schools["school_id"].tolist()
    improving, noncompliant, edge_school = ids[1], ids[-2], ids[2]
    effect = dict(zip(ids, rng.normal(0, 0.6, len(ids)), strict=True))
    effect[improving] = -0.8
    classes, school_years = [], []
    for t, year in enumerate(years):
        for row in schools.itertuples():
            u = effect[row.school_id] + (0.55 * t if row.school_id == improving else 0.0)
            classes.append(_classes(rng, row.school_id, row.students, year, u))
            school_years.append(_school_year(rng, row, year, u))
    colleges = pd.DataFrame(
        {"college_id": ["C01", "C02", "C03", "C04"], "oblast": ["chui", "chui", "naryn", "naryn"]}
    )
    groups, college_years = [], []
    for year in years:
        for row in colleges.itertuples():
            u = rng.normal(0, 0.4)
            groups.append(_groups(rng, row.college_id, year, u))
            college_years.append(_college_year(rng, row.college_id, year, u))
    teachers, courses, truth_teachers, edges = _registers(
        rng, schools, as_of, noncompliant, edge_school
    )
    school_years = pd.DataFrame(school_years)
    counts = teachers[teachers["status"] == "active"].groupby("school_id").size()
    school_years["teachers"] = school_years["school_id"].map(counts).astype(int)
    for col, p in (("teachers_innovation", 0.25), ("teachers_published", 0.15)):
        school_years[col] = rng.binomial(school_years["teachers"], p)
    own = pd.DataFrame(
        {
            "year": list(years),
            "school_id": ids[0],
            "readers": [40, 52, 61],
            "readers_surveyed": [120, 118, 125],
        }
    )
    truth = {
        "improving_school": improving,
        "noncompliant_school": noncompliant,
        "edge_school": edge_school,
        "own_school": ids[0],
        "as_of": as_of.isoformat(),
        "years": list(years),
        "effects": {k: round(float(v), 3) for k, v in effect.items()},
        "edge_teachers": edges,
        "teachers": truth_teachers,
    }
    return District(
        schools,
        pd.concat(classes, ignore_index=True),
        school_years,
        colleges,
        pd.concat(groups, ignore_index=True),
        pd.DataFrame(college_years),
        teachers,
        courses,
        own,
        truth,
    )


def write_district(district: District, folder: Path) -> list[Path]:
    """Write the set as the files a real cycle would receive (CSV, UTF-8) plus
    ``truth.json``, the own school's variable part and its table; returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in (f.name for f in fields(District) if f.name != "truth"):  # its tables
        path = folder / f"{name}.csv"
        getattr(district, name).to_csv(path, index=False, encoding="utf-8")
        written.append(path)
    path = folder / "truth.json"
    path.write_text(json.dumps(district.truth, ensure_ascii=False, indent=1), encoding="utf-8")
    part = folder / "variable_part.yaml"
    part.write_text(_VARIABLE_PART.format(school=district.truth["own_school"]), encoding="utf-8")
    return [*written, path, part]


_VARIABLE_PART = """variable_part: reading club of the school
institution: {school}
version: "2026.1"
indicators:
  - id: V1
    in_direction: upbringing
    name: {{ky: "Мектептин окуу клубуна катышкан окуучулардын үлүшү",
           ru: "Доля учащихся, посещающих школьный читательский клуб",
           en: "Share of students in the school's reading club"}}
    compute: {{kind: ratio, table: own, numerator: readers, denominator: readers_surveyed,
              multiplier: 100}}
    uncertainty: binomial
    unit: percent
    direction: higher_better
"""


def _schools(rng: np.random.Generator, per_district: int) -> pd.DataFrame:
    rows = []
    for o, (oblast, districts) in enumerate(_DISTRICTS.items()):
        for d, district in enumerate(districts):
            for k in range(per_district):
                urban = k < 2 if oblast == "chui" else k < 1
                language = "ru" if (oblast == "chui" and k in (0, 3)) else "ky"
                students = int(rng.integers(650, 1300) if urban else rng.integers(120, 600))
                rows.append(
                    {
                        "school_id": f"S{o + 1}{d + 1}{k + 1:02d}",
                        "district": district,
                        "oblast": oblast,
                        "locality": "urban" if urban else "rural",
                        "language": language,
                        "students": students,
                    }
                )
    return pd.DataFrame(rows)


def _expit(x: float) -> float:
    return float(1 / (1 + np.exp(-x)))


def _classes(
    rng: np.random.Generator, school: str, students: int, year: int, u: float
) -> pd.DataFrame:
    parallel = max(1, round(students / 11 / 27))
    size = students / (11 * parallel)
    rows = []
    for grade in range(2, 12):
        for letter in "абвг"[:parallel]:
            n = max(5, int(rng.normal(size, 2)))
            tested = int(rng.binomial(n, 0.92)) if grade in (4, 9) else 0
            rows.append(
                {
                    "year": year,
                    "school_id": school,
                    "class_id": f"{grade}{letter}",
                    "grade": grade,
                    "students": n,
                    "assessed": n,
                    "good_marks": int(rng.binomial(n, _expit(-0.1 + 0.6 * u))),
                    "passing": int(rng.binomial(n, _expit(3.2 + 0.6 * u))),
                    "tested": tested,
                    "test_mean": round(52 + 8 * u + rng.normal(0, 2), 2) if tested else np.nan,
                    "test_sd": round(rng.uniform(13, 17), 2) if tested else np.nan,
                }
            )
    return pd.DataFrame(rows)


def _school_year(rng: np.random.Generator, row, year: int, u: float) -> dict:
    n = row.students
    surveyed = int(rng.integers(60, 120))
    parents = int(rng.integers(40, 80))
    lessons = int(rng.integers(20, 40))
    rooms = max(8, n // 40)
    needed = int(rng.integers(5, 30))
    support = int(rng.binomial(needed, _expit(1.5 + 0.3 * u)))
    participants = int(rng.poisson(n * 0.08 * np.exp(0.3 * u)))
    return {
        "year": year,
        "school_id": row.school_id,
        "students": n,
        "parents_surveyed": parents,
        "parents_satisfied": int(rng.binomial(parents, _expit(1.0 + 0.5 * u))),
        "lessons_observed": lessons,
        "lessons_good": int(rng.binomial(lessons, _expit(0.6 + 0.5 * u))),
        "students_surveyed": surveyed,
        "students_satisfied": int(rng.binomial(surveyed, _expit(1.1 + 0.4 * u))),
        "students_safe": int(rng.binomial(surveyed, _expit(2.0 + 0.3 * u))),
        "olympiad_participants": participants,
        "olympiad_winners": int(rng.binomial(participants, 0.12)),
        "rooms": rooms,
        "rooms_equipped": int(rng.binomial(rooms, 0.7)),
        "textbooks_needed": n * 8,
        "textbooks_available": int(n * 8 * rng.uniform(0.75, 1)),
        "club_students": int(rng.binomial(n, 0.35)),
        "council_active": int(rng.random() < 0.8),
        "organisation_students": int(rng.binomial(n, 0.2)),
        "support_needed": needed,
        "support_given": support,
        "safety_ok": int(rng.random() < 0.85),
    }


def _groups(rng: np.random.Generator, college: str, year: int, u: float) -> pd.DataFrame:
    rows = []
    for g in range(int(rng.integers(6, 12))):
        n = int(rng.integers(15, 30))
        tested = int(rng.binomial(n, 0.9))
        rows.append(
            {
                "year": year,
                "college_id": college,
                "group_id": f"G{g + 1:02d}",
                "students": n,
                "assessed": n,
                "good_marks": int(rng.binomial(n, _expit(-0.2 + 0.6 * u))),
                "passing": int(rng.binomial(n, _expit(2.8 + 0.6 * u))),
                "tested": tested,
                "test_mean": round(50 + 8 * u + rng.normal(0, 3), 2),
                "test_sd": round(rng.uniform(12, 18), 2),
            }
        )
    return pd.DataFrame(rows)


def _college_year(rng: np.random.Generator, college: str, year: int, u: float) -> dict:
    lessons, subjects, graduates = (
        int(rng.integers(20, 40)),
        int(rng.integers(30, 60)),
        int(rng.integers(60, 150)),
    )
    teachers, rooms = int(rng.integers(30, 70)), int(rng.integers(20, 40))
    return {
        "year": year,
        "college_id": college,
        "lessons_observed": lessons,
        "lessons_good": int(rng.binomial(lessons, _expit(0.5 + 0.5 * u))),
        "subjects": subjects,
        "subjects_with_materials": int(rng.binomial(subjects, 0.85)),
        "graduates": graduates,
        "graduates_employed": int(rng.binomial(graduates, _expit(0.4 + 0.5 * u))),
        "teachers": teachers,
        "teachers_research": int(rng.binomial(teachers, 0.3)),
        "rooms": rooms,
        "rooms_equipped": int(rng.binomial(rooms, 0.75)),
    }


def _registers(
    rng: np.random.Generator,
    schools: pd.DataFrame,
    as_of: date,
    noncompliant: str,
    edge_school: str,
):
    """Teacher register, course register, each teacher's truth, the edge cases."""
    teachers, courses, truth = [], [], {}
    serial = 0

    def add(
        school: str,
        hired: date,
        completed: list[date],
        *,
        unfinished: date | None = None,
        status: str = "active",
    ) -> str:
        nonlocal serial
        serial += 1
        tid = f"{21000000 + serial * 37:08d}"
        teachers.append(
            {
                "teacher_id": tid,
                "full_name": f"{rng.choice(_LAST)} {rng.choice(_FIRST)}",
                "school_id": school,
                "methodical_union": UNIONS[serial % len(UNIONS)],
                "position": "teacher",
                "hired": hired.strftime("%d.%m.%Y"),
                "status": status,
            }
        )
        for k, end in enumerate(completed):
            courses.append(
                {
                    "teacher_id": tid,
                    "course_code": f"PK-{end.year}-{k + 1}",
                    "hours": 72,
                    "start_date": (end - timedelta(days=11)).isoformat(),
                    "end_date": end.isoformat(),
                    "certificate_no": f"C{serial:05d}{k}",
                }
            )
        if unfinished:
            courses.append(
                {
                    "teacher_id": tid,
                    "course_code": f"PK-{unfinished.year}-x",
                    "hours": 72,
                    "start_date": unfinished.isoformat(),
                    "end_date": "",
                    "certificate_no": "",
                }
            )
        last = max(completed, default=None)
        due = plus_years(last or hired, 5)
        if status == "active":
            truth[tid] = {
                "school_id": school,
                "last_course": last.isoformat() if last else None,
                "due": due.isoformat(),
                "overdue": due < as_of,
            }
        return tid

    for row in schools.itertuples():
        for _ in range(max(8, row.students // 15)):
            hired = as_of - timedelta(days=int(rng.integers(400, 9000)))
            gap_years = (
                rng.uniform(2.0, 9.0) if row.school_id == noncompliant else rng.uniform(0.1, 5.3)
            )
            last = as_of - timedelta(days=int(gap_years * 365.25))
            earlier = last - timedelta(days=int(rng.integers(1500, 1900)))
            completed = [d for d in (earlier, last) if d >= hired]
            add(row.school_id, hired, completed or [last])
        add(
            row.school_id,
            as_of - timedelta(days=4000),
            [as_of - timedelta(days=3000)],
            status="left",
        )
    five = plus_years(as_of, -5)
    edges = {
        "exactly_five_years": add(edge_school, date(2010, 8, 20), [five]),
        "five_years_and_a_day": add(edge_school, date(2010, 8, 20), [five - timedelta(days=1)]),
        "leap_day_course": add(edge_school, date(2012, 8, 20), [date(2024, 2, 29)]),
        "hired_last_year": add(edge_school, plus_years(as_of, -1), []),
        "hired_six_years_ago_no_course": add(edge_school, plus_years(as_of, -6), []),
        "unfinished_course": add(
            edge_school, date(2009, 8, 20), [date(2019, 6, 1)], unfinished=date(2026, 3, 1)
        ),
    }
    return pd.DataFrame(teachers), pd.DataFrame(courses), truth, edges
