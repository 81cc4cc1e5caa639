"""The pages of the two other kinds of cycle (teacher-education, school monitoring), run once
through the runner: no English on a ky or ru page, figures per language with alt text, the
school tables served by their catalog, small cells of pd_compliance hidden in the database and
on the pages.

References: the page scan of tests/test_languages.py (``leaks``); the catalog against
:data:`workbench.monitoring.cycle.TABLES`; suppression against counts recomputed here from the
stored teacher statuses (pd_status) and the cycle's ``suppress_below`` rule (n < threshold
hidden, n = threshold shown, the lone hidden sibling's smallest neighbour hidden too).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
import yaml

from tests.conftest import ROOT
from tests.test_languages import leaks
from workbench.paths import cycle_dir

#: the school cycle's threshold in this test: hides S2104 (11 teachers) and S2205 (10), shows
#: S2206 (12, the edge) -- it is hidden only as the complement of S2205
SUPPRESS_BELOW = 12


def _run(params: dict, folder):
    from workbench.run import run_cycle

    path = folder / f"{params['cycle']}.yaml"
    path.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    result = run_cycle(path, echo=None)
    assert result.ok, result.error
    return result


@pytest.fixture(scope="module")
def runs(outputs_root, tmp_path_factory):
    """Each kind's cycle run once through the runner: the teacher-education pilot on a
    12-institution sector (20 draws) and the school monitoring demo (``suppress_below: 12``);
    a kind whose run fails is reported by its own tests only."""
    folder = tmp_path_factory.mktemp("pages")
    teacher = yaml.safe_load((ROOT / "parameters" / "teacher-ed-pilot.yaml").read_text("utf-8"))
    teacher["cycle"] = "te-pages"
    teacher["report_languages"] = ["ky", "ru", "en"]
    teacher["stages"]["t10_sector"]["institutions"] = 12
    teacher["stages"]["t40_composite"]["n_draws"] = 20
    school = yaml.safe_load(
        (ROOT / "parameters" / "school-monitoring-demo.yaml").read_text("utf-8")
    )
    school["cycle"] = "sm-pages"
    school["suppress_below"] = SUPPRESS_BELOW
    results = {}
    for params in (school, teacher):
        try:
            results[params["kind"]] = _run(params, folder)
        except AssertionError as error:
            results[params["kind"]] = error
    return results


def _ok(runs: dict, kind: str):
    """The run of ``kind``, failing the test when its cycle did not run."""
    if isinstance(runs[kind], AssertionError):
        raise runs[kind]
    return runs[kind]


def _pages(cycle: str) -> dict[str, str]:
    root = cycle_dir(cycle)
    paths = [*(root / "html").glob("*.html"), *(root / "plan").glob("*.html")]
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(paths)}


def _lang(name: str) -> str:
    return re.split(r"[._]", name.removesuffix(".html"))[-1]


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["teacher_ed", "school_monitoring"])
def test_every_stage_page_exists_in_every_language(runs, kind):
    run = _ok(runs, kind)
    pages = _pages(run.cycle)
    for stage in run.statuses:
        assert {f"{stage}.{lang}.html" for lang in ("ky", "ru", "en")} <= set(pages), stage


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["teacher_ed", "school_monitoring"])
def test_no_english_leaks_into_a_kyrgyz_or_russian_page(runs, kind):
    run = _ok(runs, kind)
    found = {
        name: leaks(page, _lang(name))
        for name, page in _pages(run.cycle).items()
        if _lang(name) in ("ky", "ru")
    }
    assert len(found) >= 2 * len(run.statuses)
    leaking = {name: sorted(set(words))[:20] for name, words in found.items() if words}
    assert not leaking, leaking


@pytest.mark.slow
def test_analysis_figures_are_drawn_per_language_with_alt_text(runs):
    pages = _pages(_ok(runs, "school_monitoring").cycle)
    figures = {}
    for lang, word in (("ky", "Сызыктуу"), ("ru", "Линейная"), ("en", "Line chart")):
        page = pages[f"s30_analysis.{lang}.html"]
        tags = re.findall(r'<img [^>]*class="sapat-figure"[^>]*>', page)
        images = [
            (re.search(r'alt="([^"]*)"', t)[1], re.search(r'src="([^"]*)"', t)[1]) for t in tags
        ]
        assert len(images) == 2, lang
        assert images[0][0].startswith(word) and "S1102" in images[0][0]
        assert all(src.startswith("data:image/png;base64,") for _, src in images)
        figures[lang] = [src for _, src in images]
    assert len({src for srcs in figures.values() for src in srcs}) == 6  # each language drawn


@pytest.mark.slow
def test_every_catalog_entry_reads_the_stored_table(runs):
    from workbench.monitoring.catalog import open_catalog
    from workbench.monitoring.cycle import TABLES, load

    cycle = _ok(runs, "school_monitoring").cycle
    catalog = open_catalog(cycle)
    assert set(catalog) == {name for names in TABLES.values() for name in names}
    for stage, names in TABLES.items():
        for name in names:
            assert catalog[name].metadata["stage"] == stage
            pd.testing.assert_frame_equal(catalog[name].read(), load(cycle, name))


def _expected_hidden(status: pd.DataFrame, schools: pd.DataFrame) -> dict[str, str]:
    """The schools the rule hides, from the teacher statuses (independent of the package)."""
    per_school = status.groupby("school_id").size()
    return _hidden_by_rule(per_school, schools.set_index("school_id")["district"])


@pytest.mark.slow
def test_small_cells_of_pd_compliance_are_hidden_in_the_database_and_pages(runs):
    import duckdb

    from workbench.monitoring.cycle import load
    from workbench.publish.database import db_path

    cycle = _ok(runs, "school_monitoring").cycle
    status = load(cycle, "pd_status")
    hidden = _expected_hidden(status, load(cycle, "schools"))
    assert hidden == {
        "S2104": "small_cell",
        "S2103": "complementary",
        "S2205": "small_cell",
        "S2206": "complementary",
    }
    with duckdb.connect(str(db_path()), read_only=True) as db:
        rows = db.execute(
            "SELECT unit, teachers, overdue, compliance, suppressed FROM pd_compliance "
            "WHERE cycle = ? AND level = 'school'",
            [cycle],
        ).df()
        plan = db.execute(
            "SELECT school_id, catch_up FROM pd_schedule_schools WHERE cycle = ?", [cycle]
        ).df()
    rows = rows.set_index("unit")
    assert rows.loc[rows["suppressed"] != "", "suppressed"].to_dict() == hidden
    assert rows.loc[list(hidden), ["overdue", "compliance"]].isna().all().all()
    assert rows.loc[list(hidden), "teachers"].notna().all()  # n kept: readers see why
    shown = rows[rows["suppressed"] == ""]
    overdue = status[status["status"] == "overdue"].groupby("school_id").size()
    assert (shown["overdue"] == overdue.reindex(shown.index, fill_value=0)).all()
    assert plan.set_index("school_id").loc[list(hidden), "catch_up"].isna().all()
    listed = set(load(cycle, "pd_lists").query("school_id == 'S2205'")["teacher"])
    assert listed  # the planted school has overdue teachers: its list is not published
    for lang, words in (("ru", "мало учителей: скрыто"), ("ky", "мугалимдер аз: жашырылды")):
        page = _pages(cycle)[f"s40_development.{lang}.html"]
        row = re.search(r"<tr>(?:(?!</tr>).)*>S2205<(?:(?!</tr>).)*</tr>", page, re.S)
        assert row and words in row.group(0)
        assert not listed & set(re.findall(r"T\w{10}", page))


@pytest.mark.slow
def test_teacher_counts_behind_i1_and_i2_are_hidden_in_the_database_and_pages(runs):
    """The per-school teacher counts of I1 and I2 (numerators: teachers in innovative work,
    who published) follow the rule of pd_compliance, recomputed here from the schools'
    number of teachers in the (restricted) yearly data."""
    import duckdb

    from workbench.labels import label
    from workbench.monitoring.cycle import load
    from workbench.publish.database import db_path

    cycle = _ok(runs, "school_monitoring").cycle
    years = load(cycle, "school_years")
    schools = load(cycle, "schools")
    expected = {}
    for year, g in years.groupby("year"):
        per_school = g.set_index("school_id")["teachers"]
        found = _hidden_by_rule(per_school, schools.set_index("school_id")["district"])
        expected.update({(s, int(year)): why for s, why in found.items()})
    assert {s for s, _ in expected} == {"S2104", "S2103", "S2205", "S2206"}
    with duckdb.connect(str(db_path()), read_only=True) as db:
        rows = db.execute(
            "SELECT unit, year, indicator, numerator, denominator, value, suppressed "
            "FROM school_indicators WHERE cycle = ? AND level = 'school' "
            "AND indicator IN ('I1', 'I2')",
            [cycle],
        ).df()
        compared = db.execute(
            "SELECT unit, position, value FROM school_comparison WHERE cycle = ? "
            "AND indicator = 'I1'",
            [cycle],
        ).df()
        changes = db.execute(
            "SELECT unit, assessment, change FROM school_dynamic WHERE cycle = ? "
            "AND indicator = 'I1'",
            [cycle],
        ).df()
    for ind, g in rows.groupby("indicator"):
        got = {(r.unit, int(r.year)): r.suppressed for r in g.itertuples() if r.suppressed != ""}
        assert got == expected, ind
    hidden = rows[rows["suppressed"] != ""]
    assert hidden[["numerator", "value"]].isna().all().all()
    teachers = years.set_index(["school_id", "year"])["teachers"]
    assert (
        hidden["denominator"].to_numpy()
        == teachers.loc[list(zip(hidden["unit"], hidden["year"], strict=True))].to_numpy()
    ).all()  # n kept: readers see why
    shown = rows[rows["suppressed"] == ""]
    assert shown[["numerator", "value"]].notna().all().all()
    units = {s for s, _ in expected}
    assert set(compared.loc[compared["unit"].isin(units), "position"]) == {"suppressed"}
    assert compared.loc[compared["unit"].isin(units), "value"].isna().all()
    assert "suppressed" not in set(compared.loc[~compared["unit"].isin(units), "position"])
    assert set(changes.loc[changes["unit"].isin(units), "assessment"]) == {"suppressed"}
    pages = _pages(cycle)
    for lang, word in (("ru", "мало учителей: скрыто"), ("ky", "мугалимдер аз: жашырылды")):
        tables = pages[f"s20_indicators.{lang}.html"].split("<table")
        counted = [t for t in tables if word in re.findall(r"<th[^>]*>([^<]*)</th>", t)]
        assert len(counted) == 1, lang  # the count of hidden values, by indicator and level
        rows = [
            re.findall(r"<td[^>]*>([^<]*)</td>", r)
            for r in re.findall(r"<tr>(?:(?!</tr>).)*</tr>", counted[0], re.S)
        ]
        school = [
            r for r in rows if r and r[0] == label("ind_I1", lang) and r[1] == label("school", lang)
        ]
        # 2 small schools and 2 complements in each of the 3 years; 24 x 3 - 12 shown
        assert [r[-3:] for r in school] == [["6", "6", "60"]], (lang, rows)
        assert "release/restricted/" in pages[f"s10_district.{lang}.html"]
        assert "release/restricted/" in pages[f"s40_development.{lang}.html"]
    data = cycle_dir(cycle) / "data"
    assert not [p.name for p in data.glob("pd_status*")] + [p.name for p in data.glob("teach*")]


def _hidden_by_rule(per_school: pd.Series, district: pd.Series) -> dict[str, str]:
    """The schools the rule hides, from their number of teachers (independent of the
    package): fewer than the threshold, and the smallest neighbour of a lone hidden one."""
    hidden = {s: "small_cell" for s, n in per_school.items() if n < SUPPRESS_BELOW}
    for d in district.unique():
        mine = [s for s in per_school.index if district[s] == d]
        small = [s for s in mine if s in hidden]
        if len(small) == 1:
            others = [s for s in mine if s not in hidden]
            hidden[min(others, key=lambda s: per_school[s])] = "complementary"
    return hidden


@pytest.mark.slow
def test_years_are_shown_as_years(runs):
    pages = _pages(_ok(runs, "school_monitoring").cycle)
    for name in ("s20_indicators.ru.html", "s30_analysis.ky.html", "s30_analysis.ru.html"):
        assert not re.search("20[\u202f\u00a0]2[0-9]", pages[name]), name  # not 2\u202f026
        assert "2026" in pages[name], name


def _compliance(teachers: list[int], parents: list[str]) -> pd.DataFrame:
    overdue = [1] * len(teachers)
    return pd.DataFrame(
        {
            "level": "school",
            "unit": [f"S{k}" for k in range(len(teachers))],
            "parent": parents,
            "teachers": teachers,
            "compliant": [n - 1 for n in teachers],
            "overdue": overdue,
            "due_soon": 0,
            "compliance": [100 * (n - 1) / n for n in teachers],
        }
    )


def test_suppression_at_its_edge_and_its_complement():
    from workbench.monitoring.development import suppress_compliance

    # d1: 4 (< 5) hidden, 5 (= 5) shown but hidden as the complement (the smaller of 5 and 9);
    # d2: two small schools hide each other, 30 shown; d3: nothing small, nothing hidden
    t = _compliance([4, 5, 9, 3, 2, 30, 5, 6], ["d1", "d1", "d1", "d2", "d2", "d2", "d3", "d3"])
    out = suppress_compliance(t, min_n=5)
    assert out["suppressed"].tolist() == [
        "small_cell",
        "complementary",
        "",
        "small_cell",
        "small_cell",
        "",
        "",
        "",
    ]
    shown = out["suppressed"] == ""
    assert out.loc[~shown, ["compliant", "overdue", "due_soon", "compliance"]].isna().all().all()
    assert (out.loc[shown, "overdue"] == 1).all() and (out["teachers"] == t["teachers"]).all()
    assert (suppress_compliance(t, min_n=0)["suppressed"] == "").all()
    with pytest.raises(ValueError, match="suppress_below"):
        suppress_compliance(t, min_n=-1)
