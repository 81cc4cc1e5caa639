"""The school-monitoring stages end to end (issue 17) in a temporary project: the planted
cases are found in the stored tables, no teacher's id or name reaches the outputs, the plan
pages are written, the database tables exist."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from workbench.monitoring import cycle as mc
from workbench.monitoring.params import SCHOOL_STAGES, load_school_monitoring, stage_parameters
from workbench.paths import PROJECT_ROOT

CYCLE = "school-monitoring-demo"


def _stored(root) -> set[tuple[str, str]]:
    """The tables stored under ``outputs/<cycle>/``: ``(folder, name)``."""
    cycle = root / "outputs" / CYCLE
    return {(p.parent.relative_to(cycle).as_posix(), p.stem) for p in cycle.rglob("*.parquet")}


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    """The five stages run in a temporary project; with the tables each stage wrote."""
    root = tmp_path_factory.mktemp("school")
    written = {}
    with pytest.MonkeyPatch.context() as mp:
        for var, sub in (
            ("WORKBENCH_OUTPUTS", "outputs"),
            ("WORKBENCH_INPUTS", "inputs"),
            ("WORKBENCH_FIELDWORK", "fieldwork"),
        ):
            mp.setenv(var, str(root / sub))
        p = load_school_monitoring(PROJECT_ROOT / "parameters" / f"{CYCLE}.yaml")

        def given(stage):
            out = stage_parameters(p, stage)
            return {k: v for k, v in out.items() if k not in ("cycle", "lang", "seed")}

        calls = {
            "s10_district": lambda: mc.district_stage(CYCLE, seed=p.seed, **given("s10_district")),
            "s20_indicators": lambda: mc.indicator_stage(CYCLE, **given("s20_indicators")),
            "s30_analysis": lambda: mc.analysis_stage(CYCLE, **given("s30_analysis")),
            "s40_development": lambda: mc.development_stage(CYCLE, **given("s40_development")),
            "s50_plan": lambda: mc.plan_stage(CYCLE, **given("s50_plan")),
        }
        for stage, call in calls.items():
            before = _stored(root)
            call()
            written[stage] = _stored(root) - before
        tables = {name: mc.load(CYCLE, name) for names in mc.TABLES.values() for name in names}
        yield root, tables, written


@pytest.fixture(scope="module")
def ran(staged):
    return staged[:2]


def test_each_stage_writes_the_tables_it_declares(staged):
    """TABLES (what the catalog and the runner go by) against the files each stage wrote:
    the public ones in data/, the RESTRICTED ones (a row per teacher, teacher counts before
    suppression) in the restricted tier only."""
    root, _, written = staged
    assert set(written) == set(mc.TABLES)
    for stage, names in mc.TABLES.items():
        expected = {("release/restricted" if n in mc.RESTRICTED else "data", n) for n in names}
        assert written[stage] == expected, stage
    assert "own" in mc.TABLES["s10_district"]  # the school's own data (variable part)
    public = {n for folder, n in _stored(root) if folder == "data"}
    for name in ("pd_status", "pd_lists", "pd_schedule", "teachers", "courses"):
        assert name not in public, name
        assert "teacher_id" in mc.load(CYCLE, name) or "teacher" in mc.load(CYCLE, name)


def test_planted_cases_are_found_in_the_stored_tables(ran):
    root, t = ran
    truth = json.loads((root / "inputs" / CYCLE / "truth.json").read_text("utf-8"))
    assert t["school_improving"]["unit"].iloc[0] == truth["improving_school"]
    comp = t["pd_compliance"]
    schools = comp[comp["level"] == "school"].set_index("unit")
    assert schools["compliance"].idxmin() == truth["noncompliant_school"]
    assert comp.loc[comp["level"] == "nation", "overdue"].iloc[0] == sum(
        v["overdue"] for v in truth["teachers"].values()
    )
    assert t["pd_schedule_schools"]["compliant_at_year_end"].all()  # the demo's capacity


def test_no_teacher_id_or_name_in_the_outputs(ran):
    root, _ = ran
    register = pd.read_csv(root / "inputs" / CYCLE / "teachers.csv", dtype=str)
    ids, names = set(register["teacher_id"]), set(register["full_name"])
    seen = []
    for path in (root / "outputs").rglob("*"):
        if path.suffix == ".parquet":
            text = pd.read_parquet(path).astype(str).to_csv()
        elif path.suffix == ".html":
            text = path.read_text("utf-8")
        else:
            continue
        seen.append(path.name)
        assert not ids & set(re.findall(r"\w+", text)), path.name
        assert not any(n in text for n in names), path.name
    assert "pd_lists.parquet" in seen and "plan_ky.html" in seen
    assert not list((root / "outputs").rglob("*.key"))


def test_variable_part_is_kept_apart(ran):
    _, t = ran
    ind = t["school_indicators"]
    own = ind[ind["part"] == "variable"]
    assert set(own["indicator"]) == {"V1"} and set(own["level"]) == {"school"}
    assert own["unit"].nunique() == 1
    assert "V1" not in set(ind.loc[ind["part"] == "invariant", "indicator"])
    parts = t["framework_parts"]
    assert set(parts.loc[parts["part"] == "variable", "indicator"]) == {"V1"}


def test_plan_pages_and_database_tables(ran):
    root, t = ran
    for lang in ("ky", "ru"):
        assert (root / "outputs" / CYCLE / "plan" / f"plan_{lang}.html").is_file()
    assert set(mc.DATABASE_TABLES) <= set(t)
    assert len(t["monitoring_plan"]) == 12


@pytest.mark.parametrize("stage", list(SCHOOL_STAGES))
def test_stage_notebooks_are_thin_and_take_their_parameters(stage):
    import ast

    import jupytext

    from tests.test_notebooks import logic_in

    notebook = jupytext.read(PROJECT_ROOT / "notebooks" / SCHOOL_STAGES[stage][0])
    found = [f for c in notebook.cells if c.cell_type == "code" for f in logic_in(c.source)]
    assert not found
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    names = {node.targets[0].id for node in ast.parse(tagged[0].source).body}
    assert {"cycle", "lang", *SCHOOL_STAGES[stage][1].model_fields} <= names
