"""The stages of a school-monitoring cycle (``kind: school_monitoring``), one call per cell.

``s10`` draws the synthetic district set into ``inputs/<cycle>/`` (or finds the real files
there) and reads it through the same doors a real export goes through; ``s20`` computes the
indicators at every level; ``s30`` the dynamic and comparative analyses; ``s40`` teachers'
professional development; ``s50`` the yearly plan. Public tables go to
``outputs/<cycle>/data/<name>.parquet``; the :data:`RESTRICTED` ones (a row per teacher under a
pseudonym, or per-school teacher counts before suppression) to the restricted-use tier
``outputs/<cycle>/release/restricted/<name>.parquet`` (:func:`workbench.paths.restricted_dir`),
never to ``data/`` or a page. Teachers appear only under pseudonyms (the key is kept in
``fieldwork/<cycle>/keys/``, never in outputs).

Examples
--------
>>> table_path("demo", "pd_status").parent.name, table_path("demo", "pd_compliance").parent.name
('restricted', 'data')
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd

from workbench.atomic import write_parquet, write_text
from workbench.monitoring import analysis, development, plan, registers
from workbench.monitoring.framework import load_monitoring_framework, load_variable_part
from workbench.monitoring.rollup import (
    ROLLUP_COLUMNS,
    multipliers,
    rollup,
    suppress_teacher_counts,
    teacher_indicators,
)
from workbench.paths import cycle_dir, data_dir, fieldwork_dir, inputs_dir, restricted_dir

__all__ = [
    "save",
    "load",
    "table_path",
    "current_year",
    "reference_date",
    "planted",
    "shown_unit",
    "district_stage",
    "indicator_stage",
    "analysis_stage",
    "development_stage",
    "plan_stage",
    "TABLES",
    "RESTRICTED",
    "INPUT_FILES",
    "DATABASE_TABLES",
]

#: the tables a cycle writes, by stage
TABLES = {
    "s10_district": [
        "schools",
        "classes",
        "school_years",
        "colleges",
        "groups",
        "college_years",
        "teachers",
        "courses",
        "own",
        "register_notes",
        "school_planted",
        "school_cycle_info",
    ],
    "s20_indicators": ["school_indicators", "school_indicators_full", "framework_parts"],
    "s30_analysis": ["school_dynamic", "school_comparison", "school_improving"],
    "s40_development": [
        "pd_status",
        "pd_compliance",
        "pd_lists",
        "pd_schedule",
        "pd_schedule_schools",
    ],
    "s50_plan": ["monitoring_plan"],
}
#: the tables kept in the restricted-use tier (``release/restricted/``), not in ``data/``:
#: a row per teacher (pseudonymised registers, statuses, lists, schedule) or per-school counts
#: of teachers before small-cell suppression (the school and college data by year, the
#: indicators before :func:`.rollup.suppress_teacher_counts`)
RESTRICTED = (
    "school_years",
    "college_years",
    "teachers",
    "courses",
    "school_indicators_full",
    "pd_status",
    "pd_lists",
    "pd_schedule",
)
#: the tables the results database loads (each with a ``cycle`` column added)
DATABASE_TABLES = (
    "school_indicators",
    "school_dynamic",
    "school_comparison",
    "pd_compliance",
    "pd_schedule_schools",
)
#: the files a cycle reads from inputs/<cycle>/ (CSV)
INPUT_FILES = (
    "schools",
    "classes",
    "school_years",
    "colleges",
    "groups",
    "college_years",
    "teachers",
    "courses",
    "own",
)


def table_path(cycle: str, name: str) -> Path:
    """Where table ``name`` is stored: ``release/restricted/`` for :data:`RESTRICTED`, else
    ``data/``."""
    folder = restricted_dir(cycle) if name in RESTRICTED else data_dir(cycle)
    return folder / f"{name}.parquet"


def save(cycle: str, name: str, table: pd.DataFrame) -> Path:
    """Write the table atomically where :func:`table_path` says (a restricted table's stale
    public copy from an earlier version is removed)."""
    if name in RESTRICTED:
        (data_dir(cycle) / f"{name}.parquet").unlink(missing_ok=True)
    return write_parquet(table_path(cycle, name), table.reset_index(drop=True))


def load(cycle: str, name: str) -> pd.DataFrame:
    """Read a table an earlier stage wrote (a clear message if that stage has not run)."""
    path = table_path(cycle, name)
    if not path.is_file():
        stage = next((s for s, names in TABLES.items() if name in names), "?")
        raise FileNotFoundError(
            f"load: no table {name!r} for cycle {cycle!r}; run stage {stage} first"
        )
    return pd.read_parquet(path)


def current_year(cycle: str) -> int:
    """The last school year of the cycle's data (stage s10)."""
    return int(load(cycle, "school_cycle_info")["year"].max())


def reference_date(cycle: str) -> str:
    """The reference date of the five-year rule and the plan (stage s10), ``YYYY-MM-DD``."""
    return str(load(cycle, "school_cycle_info")["as_of"].iloc[0])


def planted(cycle: str, what: str) -> str:
    """A planted unit of the synthetic set (empty for real data)."""
    table = load(cycle, "school_planted")
    return str(table.loc[table["what"] == what, "unit"].iloc[0])


def shown_unit(cycle: str, what: str) -> str:
    """The school a report shows in detail: the planted one, else the first school."""
    return planted(cycle, what) or str(load(cycle, "schools")["school_id"].iloc[0])


def district_stage(
    cycle: str,
    *,
    seed: int,
    source: str,
    years: list[int],
    as_of: str,
    schools_per_district: int,
    teacher_columns: dict | None = None,
    course_columns: dict | None = None,
) -> pd.DataFrame:
    """Stage s10: the data and the registers. Returns a summary: ``level, units, rows``."""
    folder = inputs_dir(cycle)
    if source == "synthetic":
        from workbench.synth.district import make_district, write_district

        district = make_district(
            seed,
            years=tuple(years),
            as_of=date.fromisoformat(as_of),
            schools_per_district=schools_per_district,
        )
        write_district(district, folder)
    tables = {
        name: _csv(folder, name) for name in INPUT_FILES if name not in ("teachers", "courses")
    }
    teachers = registers.read_teachers(folder / "teachers.csv", columns=teacher_columns)
    courses, unknown = registers.read_courses(
        folder / "courses.csv", teachers, columns=course_columns
    )
    key = _key(cycle)
    teachers = _pseudonymous(teachers, key, cycle)
    courses = _pseudonymous(courses, key, cycle)
    for name, table in tables.items():
        save(cycle, name, table)
    save(cycle, "teachers", teachers.drop(columns="file_row"))
    save(cycle, "courses", courses.drop(columns="file_row"))
    save(
        cycle,
        "register_notes",
        pd.DataFrame(
            {
                "note": ["courses_read", "courses_unknown_teacher", "teachers_read"],
                "n": [len(courses), len(unknown), len(teachers)],
            }
        ),
    )
    truth = folder / "truth.json"
    planted = json.loads(truth.read_text(encoding="utf-8")) if source == "synthetic" else {}
    save(cycle, "school_cycle_info", pd.DataFrame({"year": list(years), "as_of": str(as_of)}))
    save(
        cycle,
        "school_planted",
        pd.DataFrame(
            {
                "what": ["improving_school", "noncompliant_school", "edge_school"],
                "unit": [
                    planted.get(k, "")
                    for k in ("improving_school", "noncompliant_school", "edge_school")
                ],
            }
        ),
    )
    return pd.DataFrame(
        {
            "level": ["school", "class", "college", "group", "teacher", "course"],
            "units": [
                tables["schools"]["school_id"].nunique(),
                len(tables["classes"]),
                tables["colleges"]["college_id"].nunique(),
                len(tables["groups"]),
                len(teachers),
                len(courses),
            ],
        }
    )


def indicator_stage(
    cycle: str,
    *,
    school_framework: str,
    college_framework: str,
    variable_parts: list[str],
    suppress_below: int = 0,
) -> pd.DataFrame:
    """Stage s20: every indicator at every level (schools and colleges) and each school's
    variable part; one tidy table (``part, framework`` + roll-up columns): whole in the
    restricted tier (``school_indicators_full``) and published as ``school_indicators`` with
    the teacher counts of units with fewer than ``suppress_below`` teachers hidden
    (:func:`.rollup.suppress_teacher_counts`, column ``suppressed``)."""
    fw_s = load_monitoring_framework(school_framework)
    fw_c = load_monitoring_framework(college_framework)
    schools = load(cycle, "schools")
    school_rows = rollup(
        fw_s, {"classes": load(cycle, "classes"), "schools": load(cycle, "school_years")}, schools
    )
    college_rows = rollup(
        fw_c,
        {"groups": load(cycle, "groups"), "colleges": load(cycle, "college_years")},
        load(cycle, "colleges"),
    )
    parts = [
        school_rows.assign(part="invariant", framework=fw_s.framework),
        college_rows.assign(part="invariant", framework=fw_c.framework),
    ]
    described = [
        fw_s.table().assign(framework=fw_s.framework),
        fw_c.table().assign(framework=fw_c.framework),
    ]
    own = _csv(inputs_dir(cycle), "own")
    for name in variable_parts:
        part = load_variable_part(inputs_dir(cycle) / name, fw_s)
        mine = own[own["school_id"] == part.institution]
        rows = _variable(part, mine)
        parts.append(rows.assign(part="variable", framework=fw_s.framework))
        described.append(
            part.table().assign(framework=fw_s.framework, institution=part.institution)
        )
    table = pd.concat(parts, ignore_index=True)[["part", "framework", *ROLLUP_COLUMNS]]
    save(cycle, "school_indicators_full", table)
    people = teacher_indicators(fw_s) + teacher_indicators(fw_c)
    save(
        cycle,
        "school_indicators",
        suppress_teacher_counts(table, indicators=people, min_n=suppress_below),
    )
    save(cycle, "framework_parts", pd.concat(described, ignore_index=True))
    return (
        table.groupby(["framework", "part", "level"], sort=False)
        .agg(indicators=("indicator", "nunique"), units=("unit", "nunique"), rows=("value", "size"))
        .reset_index()
    )


def analysis_stage(
    cycle: str,
    *,
    size_bands: list[int],
    similar_by: list[str],
    min_similar: int,
    margin: float,
    results: list[str],
    level: float,
) -> dict[str, pd.DataFrame]:
    """Stage s30: dynamic analysis (schools and colleges) and comparative analysis of the
    last year (schools vs district and similar schools; colleges vs oblast), from the whole
    roll-up; a change or comparison of a cell the published ``school_indicators`` hides shows
    no values (:func:`.analysis.suppress_changes`, :func:`.analysis.compare_published`)."""
    table = load(cycle, "school_indicators_full")
    hidden = analysis.hidden_cells(load(cycle, "school_indicators"))
    fws = {f: load_monitoring_framework(f) for f in table["framework"].unique()}
    inv = table[table["part"] == "invariant"]
    dirs = {i.id: i.direction for fw in fws.values() for i in fw.indicators}
    changes = pd.concat(
        [
            analysis.dynamic(
                inv[inv["framework"] == f], at_level=fw.institution, directions=dirs, level=level
            ).assign(framework=f)
            for f, fw in fws.items()
        ],
        ignore_index=True,
    )
    changes = analysis.suppress_changes(changes, hidden)
    year = int(table["year"].max())
    schools = load(cycle, "schools")
    schools["size_band"] = analysis.size_band(schools["students"], size_bands)
    mult = {k: v for fw in fws.values() for k, v in multipliers(fw.indicators).items()}
    comparison = []
    for f, fw in fws.items():
        units = schools if fw.institution == "school" else load(cycle, "colleges")
        parent = fw.hierarchy[fw.hierarchy.index(fw.institution) + 1]
        comparison.append(
            analysis.compare_published(
                inv[inv["framework"] == f],
                hidden,
                units,
                year=year,
                institution=fw.institution,
                parent=parent,
                multipliers=mult,
                min_similar=min_similar,
                margin=margin,
                level=level,
                similar_by=similar_by if fw.institution == "school" else [],
            ).assign(framework=f)
        )
    comparison = pd.concat(comparison, ignore_index=True)
    improving = analysis.improving_units(
        changes[changes["framework"] == "school_internal"], results
    )
    save(cycle, "school_dynamic", changes)
    save(cycle, "school_comparison", comparison)
    save(cycle, "school_improving", improving)
    return {"dynamic": changes, "comparison": comparison, "improving": improving}


def development_stage(
    cycle: str,
    *,
    years: int,
    soon_months: int,
    course_months: list[int],
    capacity_per_month: int,
    per_school_month: int,
    suppress_below: int = 0,
) -> dict[str, pd.DataFrame]:
    """Stage s40: each teacher's status, compliance by level (published with fewer than
    ``suppress_below`` teachers hidden: :func:`.development.suppress_compliance`), the lists per
    methodical union and the proposed schedule (teachers only under their pseudonyms)."""
    as_of = reference_date(cycle)
    status = development.teacher_status(
        load(cycle, "teachers"),
        load(cycle, "courses"),
        as_of=as_of,
        years=years,
        soon_months=soon_months,
    )
    comp = development.suppress_compliance(
        development.compliance(status, load(cycle, "schools")), min_n=suppress_below
    )
    lists = development.union_lists(status)
    schedule, by_school = development.propose_schedule(
        status,
        as_of=as_of,
        months=course_months,
        capacity_per_month=capacity_per_month,
        per_school_month=per_school_month,
    )
    out = {
        "pd_status": status,
        "pd_compliance": comp,
        "pd_lists": lists,
        "pd_schedule": schedule.rename(columns={"teacher_id": "teacher"}),
        "pd_schedule_schools": development.suppress_schools(by_school, comp),
    }
    for name, t in out.items():
        save(cycle, name, t)
    return out


def plan_stage(
    cycle: str, *, framework: str, institution: str, languages: list[str], activities: list[dict]
) -> pd.DataFrame:
    """Stage s50: the plan table and the printable plan in each of ``languages``
    (``outputs/<cycle>/plan/plan_<lang>.html``)."""
    fw = load_monitoring_framework(framework)
    as_of = reference_date(cycle)
    table = plan.plan_table(activities, fw)
    save(cycle, "monitoring_plan", table)
    for lang in languages:
        write_text(
            cycle_dir(cycle) / "plan" / f"plan_{lang}.html",
            plan.plan_html(
                table, fw, lang=lang, as_of=date.fromisoformat(as_of), institution=institution
            ),
        )
    return table


def _variable(part, rows: pd.DataFrame) -> pd.DataFrame:
    """A school's variable indicators at the school level only (they are its own)."""
    from workbench.monitoring.framework import MonitoringFramework

    fw = MonitoringFramework(
        framework="variable",
        version=part.version,
        institution="school",
        hierarchy=["school", "district", "oblast", "nation"],
        tables={"own": "school"},
        directions=[
            {
                "id": "own",
                "section": "",
                "name": part.indicators[0].name,
                "indicators": [i.model_dump(exclude={"direction_id"}) for i in part.indicators],
            }
        ],
    )
    units = pd.DataFrame({"school_id": [part.institution], "district": "", "oblast": ""})
    out = rollup(fw, {"own": rows}, units)
    return out[out["level"] == "school"]


def _csv(folder: Path, name: str) -> pd.DataFrame:
    path = folder / f"{name}.csv"
    if not path.is_file():
        raise FileNotFoundError(
            f"district_stage: no {name}.csv in inputs/{folder.name}/; "
            "put the file there or set s10_district.source: synthetic"
        )
    return pd.read_csv(
        path,
        dtype={
            "school_id": str,
            "college_id": str,
            "class_id": str,
            "group_id": str,
            "district": str,
            "oblast": str,
        },
    )


def _key(cycle: str) -> bytes:
    from workbench.fielddata.deidentify import load_key

    return load_key(fieldwork_dir(cycle) / "keys" / "teachers.key", create=True)


def _pseudonymous(data: pd.DataFrame, key: bytes, cycle: str) -> pd.DataFrame:
    from workbench.fielddata.deidentify import pseudonymize

    out = pseudonymize(data, columns=["teacher_id"], key=key, length=10, cycle=cycle)
    out["teacher_id"] = "T" + out["teacher_id"].str.upper()  # an id on ky/ru pages, not a word
    return out
