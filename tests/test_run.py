"""The runner, end to end: the demo cycle through papermill to HTML reviewers can read."""

from __future__ import annotations

import json
import re
import shutil

import pytest
import yaml

from tests.conftest import DEMO
from workbench.paths import cycle_dir
from workbench.run import StageFailed, run_cycle


def test_demo_writes_index_notebook_and_html(demo_run):
    folder = cycle_dir("sabat6-demo")
    assert set(demo_run.statuses.values()) == {"ok"}
    assert list(demo_run.statuses)[:6] == [
        "frame",
        "sample_design",
        "field_data",
        "weights",
        "validity",
        "scaling",
    ]  # later stages may follow
    assert set(demo_run.reasons.values()) == {"first run"}
    assert (folder / "index.html").exists()
    assert (folder / "notebooks" / "00_frame.ipynb").exists()
    assert (folder / "html" / "frame.html").exists()
    assert (folder / "html" / "sample_design.html").exists()
    assert not list((folder / "notebooks").glob(".*tmp*")), "temporary files left behind"


@pytest.mark.parametrize(
    "stage", ["frame", "sample_design", "field_data", "weights", "validity", "scaling"]
)
def test_html_report_hides_code_and_shows_figures_and_provenance(demo_run, stage):
    page = (cycle_dir("sabat6-demo") / "html" / f"{stage}.html").read_text(encoding="utf-8")
    assert "import workbench" not in page and "wb.report" not in page
    assert not re.search(r"class=\"[^\"]*jp-InputArea", page)
    assert page.count("data:image/png;base64") >= 1
    assert "sapat-provenance" in page and "sha256" in page
    assert re.search(r"[0-9a-f]{40}", page), "git commit missing from provenance"
    assert "Stage 00 · sampling" not in page and "Stage 10 · sample" not in page  # notes cells
    assert "Stage 20 · field" not in page and "Stage 30 · weights" not in page
    assert "PosixPath" not in page


def test_index_links_every_stage_with_status_and_headlines(demo_run):
    page = (cycle_dir("sabat6-demo") / "index.html").read_text(encoding="utf-8")
    assert 'href="html/frame.html"' in page
    state = json.loads((cycle_dir("sabat6-demo") / "run_state.json").read_text())
    keys = [h["key"] for h in state["frame"]["headlines"]]
    assert keys == ["register_records", "frame_schools", "enrolment", "frame_coverage"]
    frame_schools = next(h for h in state["frame"]["headlines"] if h["key"] == "frame_schools")
    assert frame_schools["text"] in page


def test_provenance_manifest_records_parameters_inputs_packages_commit(demo_run):
    manifests = sorted((cycle_dir("sabat6-demo") / "provenance").glob("*-frame.json"))
    manifest = json.loads(manifests[-1].read_text())
    assert manifest["parameters"]["cycle"] == "sabat6-demo"
    assert set(manifest["inputs"]) == {"register"}
    assert len(manifest["inputs"]["register"]) == 64
    assert manifest["packages"]["pandas"] and manifest["git_commit"]


def test_rerun_skips_the_unchanged_stage_and_force_reruns(demo_run, monkeypatch):
    import workbench.run

    state = json.loads((cycle_dir("sabat6-demo") / "run_state.json").read_text())
    code = state["frame"]["code"]  # the package as the demo run saw it (others may
    monkeypatch.setattr(workbench.run, "code_files", lambda: dict(code))  # edit it meanwhile)
    again = run_cycle(DEMO, echo=None)
    same = [name for name in again.statuses if state[name].get("code") == code]
    assert "frame" in same and {again.statuses[name] for name in same} == {"skipped"}
    assert "unchanged" in again.reasons["frame"]
    forced = run_cycle(DEMO, stage="frame", force=True, echo=None)
    assert forced.statuses == {"frame": "ok"}


def small_cycle(name: str) -> dict:
    """The demo parameters with another cycle id and a small nation (fast)."""
    raw = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    raw["cycle"] = name
    raw["data"]["synthetic"]["schools"] = 200
    raw["stages"] = {"frame": raw["stages"]["frame"]}  # the first stage only
    return raw


def test_changed_parameters_rerun_the_stage(demo_run, tmp_path):
    raw = small_cycle("demo-changed")
    params = tmp_path / "demo-changed.yaml"
    params.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    assert run_cycle(params, echo=None).statuses == {"frame": "ok"}
    raw["stages"]["frame"]["min_enrolment"] = 5
    params.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    assert run_cycle(params, echo=None).statuses == {"frame": "ok"}
    assert run_cycle(params, echo=None).statuses == {"frame": "skipped"}


def test_failing_cell_names_stage_and_cell_and_keeps_html(demo_run, tmp_path):
    raw = small_cycle("demo-broken")
    params = tmp_path / "demo-broken.yaml"
    params.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    assert run_cycle(params, echo=None).ok
    sources = cycle_dir("demo-broken") / "data" / "register.parquet"
    before = sources.read_bytes()
    raw["stages"]["frame"]["strata"] = ["no_such_column"]
    params.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    result = run_cycle(params, echo=None)
    assert result.statuses == {"frame": "failed"}
    assert re.search(r"00_frame\.py failed in cell \d+ \(In \[\d+\]\): KeyError", result.error)
    page = (cycle_dir("demo-broken") / "html" / "frame.html").read_text(encoding="utf-8")
    assert "no_such_column" in page
    assert sources.read_bytes() == before
    index = (cycle_dir("demo-broken") / "index.html").read_text(encoding="utf-8")
    assert "class='failed'" in index


def test_stage_without_its_inputs_is_told_which_stage_writes_them(demo_run, tmp_path):
    raw = small_cycle("demo-noinput")
    params = tmp_path / "demo-noinput.yaml"
    params.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    run_cycle(params, echo=None)
    (cycle_dir("demo-noinput") / "data" / "register.parquet").unlink()
    (cycle_dir("demo-noinput") / "data" / "sources.json").unlink()
    shutil.rmtree(cycle_dir("demo-noinput") / "html")
    again = run_cycle(params, echo=None)
    # the sources are remade byte for byte, so the frame's inputs are unchanged: skipped, and
    # its deleted pages rendered again from the stored notebook (no rerun)
    assert (cycle_dir("demo-noinput") / "data" / "register.parquet").is_file()
    assert again.statuses == {"frame": "skipped"}
    assert (cycle_dir("demo-noinput") / "html" / "frame.html").is_file()
    with pytest.raises(ValueError, match="stage 'weights' is not listed"):
        run_cycle(params, stage="weights", echo=None)
    assert issubclass(StageFailed, RuntimeError)


def test_sample_design_stage_writes_its_catalog_entries(demo_run):
    from workbench.catalog import open_catalog
    from workbench.params import load_params

    cat = open_catalog("sabat6-demo")
    stage = load_params(DEMO).stages["sample_design"]
    sample = cat.sample_schools.read()
    assert (sample["role"] == "sampled").sum() == stage["n_schools"]
    assert sample["school_id"].is_unique
    classes = cat.sample_classes.read()
    assert set(classes["school_id"]) == set(sample.loc[sample["role"] == "sampled", "school_id"])
    evaluation = cat.design_evaluation.read().set_index("estimator")
    assert evaluation.loc["hajek", "reps"] == stage["evaluation_reps"]
    mc = evaluation.loc["hajek", "coverage_mc_se"]
    assert abs(evaluation.loc["hajek", "coverage"] - 0.95) < 4 * mc + 0.02


def test_field_data_stage_reconciles_and_leaks_no_personal_data(demo_run):
    import workbench as wb
    from workbench.paths import fieldwork_dir, outputs_root

    cat = wb.open_catalog("sabat6-demo")
    log = cat.intake_log.read()
    assert (log["rows_read"] == log["rows_accepted"] + log["rows_quarantined"]).all()
    assert not log["file"].str.contains("/").any()  # no local paths in outputs
    assert set(log["status"]) <= {"accepted", "partly quarantined", "rejected"}
    scored = cat.scored_responses.read()
    assert scored["IDSTUD"].is_unique and len(scored) > 3000
    students = cat.student_tracking.read()
    assert {"STUDENT_NAME", "BIRTHDATE", "PIN"}.isdisjoint(students.columns)
    assert not str(students["IDSTUD"].iloc[0]).isdigit()  # pseudonymized
    assert "outputs" not in fieldwork_dir("sabat6-demo").parts
    # Independently of the stage's own check: every identifier of the raw delivery.
    items = cat.items.read()
    field = wb.fielddata.intake_returns(
        fieldwork_dir("sabat6-demo") / "incoming",
        items,
        sample_ids=cat.sample_schools.read()["IDSCHOOL"],
        quarantine_dir=fieldwork_dir("sabat6-demo") / "check",
    )
    values = wb.fielddata.identifier_values(field, items)
    assert len(values["PIN"]) > 3000 and len(values["STUDENT_NAME"]) > 100
    findings = wb.fielddata.scan_for_identifiers(outputs_root(), values)
    assert findings.empty, findings.head()


def test_a_trend_stage_hashes_its_base_cycle_and_needs_it(outputs_root):
    import pandas as pd

    from workbench.paths import data_dir
    from workbench.run import _input_hashes
    from workbench.stages import STAGES

    for entry in STAGES["scaling"].inputs:
        path = data_dir("trend-x") / f"{entry}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        pd.DataFrame({"a": [1]}).to_parquet(path)
    with pytest.raises(StageFailed, match=r"base cycle 'base-x'.*run parameters/base-x.yaml"):
        _input_hashes("trend-x", "scaling", base_cycle="base-x")
    for entry in STAGES["scaling"].base_inputs:
        (data_dir("base-x") / f"{entry}.parquet").parent.mkdir(parents=True, exist_ok=True)
        pd.DataFrame({"b": [2]}).to_parquet(data_dir("base-x") / f"{entry}.parquet")
    hashes, _ = _input_hashes("trend-x", "scaling", base_cycle="base-x")
    based = {f"base-x:{entry}" for entry in STAGES["scaling"].base_inputs}
    assert {"base-x:scale_constants"} <= based <= set(hashes)
    assert not based & set(_input_hashes("trend-x", "scaling")[0])
