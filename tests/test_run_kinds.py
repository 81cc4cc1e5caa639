"""One runner for every kind of cycle (:data:`workbench.stages.KINDS`).

A teacher-education cycle (issue 16) runs through :func:`workbench.run.run_cycle` with the
Sabat-6 semantics: a second run skips every stage, a changed parameter reruns that stage only,
its indicators reach the results database. A toy kind registered by the test shows that
adding a kind needs only a registry entry, its stages and notebooks, and that ``input_files``
under ``inputs/<cycle>/`` are part of the cache.
"""

from __future__ import annotations

import re
import sys

import pytest
import yaml
from pydantic import BaseModel, ConfigDict

from tests.conftest import ROOT
from workbench.paths import cycle_dir, fieldwork_dir, inputs_dir

FROZEN_CODE = {"workbench/run.py": "0" * 64}  # others' edits never rerun the test stages


def test_every_kind_has_its_stages_notebooks_and_a_parameter_file_that_loads():
    from workbench.stages import KINDS, Stage, cycle_kind, load_cycle, stages_for

    files = {}
    for path in sorted((ROOT / "parameters").glob("*.yaml")):
        files.setdefault(cycle_kind(path), path)
    for kind in KINDS:
        stages = stages_for(kind)
        assert stages and all(isinstance(s, Stage) for s in stages.values()), kind
        for stage in stages.values():
            assert (ROOT / "notebooks" / stage.notebook).is_file(), stage.notebook
        params = load_cycle(files[kind])
        assert getattr(params, "kind", "sabat6") == kind
        first = next(iter(params.stages))
        assert {"cycle", "lang"} <= set(params.stage_params(first))


def test_an_unknown_kind_is_one_line_naming_the_known_ones(tmp_path, capsys):
    from workbench.cli import main

    path = tmp_path / "x.yaml"
    path.write_text("cycle: x\nkind: school_inspection\nstages: {}\n", encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "kind: unknown kind of cycle 'school_inspection'" in err
    assert "teacher_ed" in err and "Traceback" not in err


@pytest.fixture
def teacher_ed(outputs_root, tmp_path, monkeypatch, request):
    """A small teacher-education cycle (the 4-institution pilot of a 12-institution sector)."""
    import workbench.run

    monkeypatch.setattr(workbench.run, "code_files", lambda: dict(FROZEN_CODE))
    raw = yaml.safe_load((ROOT / "parameters" / "teacher-ed-pilot.yaml").read_text("utf-8"))
    raw["cycle"] = "te-" + re.sub(r"[^a-z0-9]+", "-", request.node.name.lower())[:30].strip("-")
    raw["report_languages"] = ["ky", "ru", "en"]
    raw["stages"]["t10_sector"]["institutions"] = 12
    raw["stages"]["t40_composite"]["n_draws"] = 20
    path = tmp_path / f"{raw['cycle']}.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.slow
def test_teacher_ed_runs_through_the_runner_cached_and_lands_in_the_database(teacher_ed):
    import duckdb

    from workbench.publish.database import db_path
    from workbench.run import run_cycle

    first = run_cycle(teacher_ed, echo=None)
    assert first.ok and set(first.statuses.values()) == {"ok"}, first.error
    cycle = first.cycle
    assert (cycle_dir(cycle) / "index.html").is_file()
    assert (cycle_dir(cycle) / "html" / "t30_indicators.html").is_file()
    assert list((cycle_dir(cycle) / "provenance").glob("*-t50_comparison.json"))

    second = run_cycle(teacher_ed, echo=None)
    assert set(second.statuses.values()) == {"skipped"}, second.reasons

    raw = yaml.safe_load(teacher_ed.read_text("utf-8"))  # t40 alone reads n_draws
    raw["stages"]["t40_composite"]["n_draws"] = 30
    teacher_ed.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    third = run_cycle(teacher_ed, echo=None)
    assert [s for s, v in third.statuses.items() if v == "ok"] == ["t40_composite"]
    assert "n_draws" in third.reasons["t40_composite"]

    con = duckdb.connect(str(db_path()), read_only=True)
    try:
        rows = con.execute(
            "SELECT count(*), count(DISTINCT institution), min(se) FROM "
            "teacher_ed_indicators WHERE cycle = ? AND source = 'survey'",
            [cycle],
        ).fetchall()[0]
        positions = con.execute(
            "SELECT count(*) FROM teacher_ed_composite WHERE cycle = ?", [cycle]
        ).fetchall()[0][0]
    finally:
        con.close()
    assert rows[0] > 0 and rows[1] == 4 and rows[2] > 0  # pilot: 2 per level, with SEs
    assert positions == 4

    from workbench.indicators.cycle import TABLES, open_catalog

    catalog = open_catalog(cycle)  # catalogs/teacher_ed.yaml: every stored table
    assert set(catalog) == {name for names in TABLES.values() for name in names}
    assert len(catalog.indicators.read()) > 0 and len(catalog.feedback.read()) > 0
    messages = " ".join(catalog.survey_log.read()["message"])
    assert "fieldwork/" in messages and str(fieldwork_dir(cycle).parent) not in messages


# --- a toy kind: the registry is all a new kind needs ------------------------------------

TOY = """# %% tags=["parameters"]
cycle = "x"  # cycle id
lang = "en"  # report language
factor = 2  # multiplies the input

# %%
import pandas as pd

from workbench.atomic import write_parquet
from workbench.paths import data_dir, inputs_dir

n = int((inputs_dir(cycle) / "counts" / "n.txt").read_text())
write_parquet(data_dir(cycle) / "toy.parquet", pd.DataFrame({"total": [n * factor]}))
"""


class ToyStage(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    factor: int = 2


class ToyCycle(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    cycle: str
    kind: str = "toy"
    title: str = ""
    language: str = "en"
    report_languages: list[str] = []
    stages: dict[str, dict | None]

    def stage_params(self, name: str) -> dict:
        return {
            "cycle": self.cycle,
            "lang": self.language,
            **ToyStage.model_validate(self.stages[name] or {}).model_dump(),
        }


def load_toy(path):
    return ToyCycle.model_validate(yaml.safe_load(open(path, encoding="utf-8")))


def test_a_new_kind_is_one_registry_entry_and_its_input_files_are_cached(
    outputs_root, tmp_path, monkeypatch
):
    import pandas as pd

    import workbench.run
    from workbench.stages import KINDS, CycleKind, Stage

    (tmp_path / "toy.py").write_text(TOY, encoding="utf-8")
    stages = {
        "toy": Stage(
            name="toy",
            notebook=str(tmp_path / "toy.py"),
            params=ToyStage,
            inputs=(),
            outputs=("toy",),
            input_files=("counts",),
        )
    }
    monkeypatch.setattr(sys.modules[__name__], "TOY_STAGES", stages, raising=False)
    monkeypatch.setitem(
        KINDS, "toy", CycleKind("toy", f"{__name__}:load_toy", f"{__name__}:TOY_STAGES")
    )
    monkeypatch.setattr(workbench.run, "code_files", lambda: dict(FROZEN_CODE))
    path = tmp_path / "toy-cycle.yaml"
    path.write_text("cycle: toy-cycle\nkind: toy\nstages: {toy: {factor: 3}}\n", "utf-8")
    counts = inputs_dir("toy-cycle") / "counts"
    counts.mkdir(parents=True)
    (counts / "n.txt").write_text("5", encoding="utf-8")

    from workbench.run import run_cycle

    assert run_cycle(path, echo=None).statuses == {"toy": "ok"}
    table = cycle_dir("toy-cycle") / "data" / "toy.parquet"
    assert pd.read_parquet(table)["total"].tolist() == [15]
    assert run_cycle(path, echo=None).statuses == {"toy": "skipped"}
    (counts / "n.txt").write_text("7", encoding="utf-8")  # an input under inputs/<cycle>/
    again = run_cycle(path, echo=None)
    assert again.statuses == {"toy": "ok"} and "counts/n.txt" in again.reasons["toy"]
    assert pd.read_parquet(table)["total"].tolist() == [21]
