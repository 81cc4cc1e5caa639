"""The cache never lies, a killed run resumes, two runs of one cycle never overlap.

Three tiny test stages (``t_a`` -> ``t_b`` -> ``t_c``, each a one-row Parquet table built
from its upstream table) run through the real runner and papermill; ``t_b`` waits while a
"hold" file exists, so a run can be caught inside it, killed, or raced by a second run.
The faults are planted by the tests: a killed process, a deleted or truncated output, a
changed parameter upstream, a second concurrent run.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from tests.conftest import ROOT
from workbench.paths import cycle_dir, data_dir, inputs_dir

NOTEBOOK = """# %% tags=["parameters"]
cycle = "x"  # cycle id
lang = "en"  # report language
seed = 1  # the cycle's seed
entry = "t_a"  # table written
read = ""  # table read
value = 1  # a number the table carries
hold = ""  # wait while this file exists

# %%
import pathlib
import time

import pandas as pd

from workbench.atomic import write_parquet
from workbench.paths import data_dir

upstream = int(pd.read_parquet(data_dir(cycle) / f"{read}.parquet")["total"].iloc[0]) if read else 0

# %%
while hold and pathlib.Path(hold).exists():
    time.sleep(0.05)

# %%
write_parquet(data_dir(cycle) / f"{entry}.parquet", pd.DataFrame({"total": [upstream + value]}))
"""


class _Fake(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    value: int = 1
    hold: str = ""


class FakeA(_Fake):
    entry: str = "t_a"
    read: str = ""


class FakeB(_Fake):
    entry: str = "t_b"
    read: str = "t_a"


class FakeC(_Fake):
    entry: str = "t_c"
    read: str = "t_b"


#: the package's code as the test runs see it: other work on the package during a test must
#: not rerun the test stages (a change of code is planted explicitly where tested)
FROZEN_CODE = {"workbench/run.py": "0" * 64}


def fake_stages(folder: Path) -> dict:
    """The test stages, as entries of :data:`workbench.stages.STAGES` (notebooks in
    ``folder``)."""
    from workbench.stages import Stage

    return {
        name: Stage(
            name=name,
            notebook=str(folder / f"{name}.py"),
            params=model,
            inputs=inputs,
            outputs=(name,),
        )
        for name, model, inputs in (
            ("t_a", FakeA, ()),
            ("t_b", FakeB, ("t_a",)),
            ("t_c", FakeC, ("t_b",)),
        )
    }


def register(folder: str) -> None:
    """Add the test stages to the registry and freeze the code (the subprocess runs)."""
    import workbench.run
    from workbench.stages import STAGES

    STAGES.update(fake_stages(Path(folder)))
    workbench.run.code_files = lambda: dict(FROZEN_CODE)


@pytest.fixture
def cycle(outputs_root, tmp_path, monkeypatch, request):
    """A cycle of the three test stages with a tiny register; returns its parameter file."""
    import yaml

    import workbench.run
    from workbench.stages import STAGES

    name = "t-" + re.sub(r"[^a-z0-9]+", "-", request.node.name.lower())[:40].strip("-")
    for stage in ("t_a", "t_b", "t_c"):
        (tmp_path / f"{stage}.py").write_text(NOTEBOOK, encoding="utf-8")
    for key, stage in fake_stages(tmp_path).items():
        monkeypatch.setitem(STAGES, key, stage)
    monkeypatch.setattr(workbench.run, "code_files", lambda: dict(FROZEN_CODE))
    register_file = inputs_dir(name) / "register.csv"
    register_file.parent.mkdir(parents=True, exist_ok=True)
    register_file.write_text("school_id,enrol_g6\n1,20\n2,30\n", encoding="utf-8")
    hold = tmp_path / "hold"
    raw = {
        "cycle": name,
        "year": 2026,
        "language": "en",
        "seed": 7,
        "data": {"source": "register", "register": {"path": str(register_file)}},
        "stages": {"t_a": {}, "t_b": {"hold": str(hold)}, "t_c": {}},
    }
    params = tmp_path / f"{name}.yaml"
    params.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return params


def run(params: Path, **kwargs):
    from workbench.run import run_cycle

    lines: list[str] = []
    result = run_cycle(params, echo=lines.append, **kwargs)
    return result, lines


def start(params: Path) -> subprocess.Popen:
    """``workbench run`` in its own process group, with the test stages registered."""
    code = (
        "import sys; from tests.test_run_resume import register; "
        f"register({str(params.parent)!r}); "
        f"from workbench.cli import main; sys.exit(main(['run', {str(params)!r}]))"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def wait_inside(params: Path, stage: str, process: subprocess.Popen, timeout: float = 90):
    """Wait until the run in ``process`` is inside ``stage`` (its state says ``running``)."""
    state_file = cycle_dir(params.stem) / "run_state.json"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        if state_file.exists():
            state = json.loads(state_file.read_text(encoding="utf-8"))
            if state.get(stage, {}).get("status") == "running":
                time.sleep(1.0)  # let the kernel start and the notebook tmp exist
                return state
        time.sleep(0.1)
    raise AssertionError(f"the run never reached stage {stage}")


def leftovers(name: str) -> list[Path]:
    return [p for p in cycle_dir(name).rglob(".*") if ".tmp" in p.name]


def test_rerun_skips_only_what_is_provably_unchanged(cycle):
    name = cycle.stem
    first, _ = run(cycle)
    assert first.statuses == {"t_a": "ok", "t_b": "ok", "t_c": "ok"}
    assert set(first.reasons.values()) == {"first run"}
    again, lines = run(cycle)
    assert again.statuses == {"t_a": "skipped", "t_b": "skipped", "t_c": "skipped"}, lines
    assert "unchanged" in lines[0] and "outputs as recorded by run" in lines[0]
    # A deleted output reruns its stage, and says so; same bytes again leave t_b alone.
    (data_dir(name) / "t_a.parquet").unlink()
    result, _ = run(cycle)
    assert result.statuses == {"t_a": "ok", "t_b": "skipped", "t_c": "skipped"}
    assert result.reasons["t_a"] == "output missing: data/t_a.parquet"
    # A truncated output too.
    table = data_dir(name) / "t_c.parquet"
    table.write_bytes(table.read_bytes()[:40])
    result, _ = run(cycle)
    assert result.statuses == {"t_a": "skipped", "t_b": "skipped", "t_c": "ok"}
    assert result.reasons["t_c"] == "output changed since its run: data/t_c.parquet"
    # A deleted report (HTML) is rendered again from the stored notebook; nothing reruns.
    (cycle_dir(name) / "html" / "t_b.html").unlink()
    again, _ = run(cycle)
    assert again.statuses["t_b"] == "skipped" and again.rendered["t_b"]
    assert (cycle_dir(name) / "html" / "t_b.html").is_file()


def test_a_stage_whose_upstream_reran_with_new_results_reruns(cycle, monkeypatch):
    import pandas as pd
    import yaml

    import workbench.run

    name = cycle.stem
    run(cycle)
    raw = yaml.safe_load(cycle.read_text(encoding="utf-8"))
    raw["stages"]["t_a"] = {"value": 5}
    cycle.write_text(yaml.safe_dump(raw), encoding="utf-8")
    result, _ = run(cycle)
    assert result.statuses == {"t_a": "ok", "t_b": "ok", "t_c": "ok"}
    assert result.reasons == {
        "t_a": "parameters changed: value",
        "t_b": "inputs changed: t_a",
        "t_c": "inputs changed: t_b",
    }
    assert pd.read_parquet(data_dir(name) / "t_c.parquet")["total"].iloc[0] == 5 + 1 + 1
    # A change of the package's code reruns every stage, naming the file.
    monkeypatch.setattr(
        workbench.run, "code_files", lambda: {**FROZEN_CODE, "workbench/run.py": "1" * 64}
    )
    result = run(cycle, stage="t_c")[0]
    assert result.reasons == {"t_c": "code changed: workbench/run.py"}


def test_killed_run_resumes_in_the_stage_it_was_in_and_cleans_up(cycle):
    name = cycle.stem
    hold = cycle.parent / "hold"
    hold.touch()
    process = start(cycle)
    state = wait_inside(cycle, "t_b", process)
    assert state["t_a"]["status"] == "ok"  # recorded as it finished
    killed_run = state["t_b"]["run_id"]
    os.killpg(process.pid, signal.SIGKILL)  # the runner and its kernel
    process.wait(timeout=30)
    assert leftovers(name), "the killed run should have left its temporary notebook"
    assert (cycle_dir(name) / "run.lock").exists()
    hold.unlink()
    result, lines = run(cycle)
    assert result.statuses == {"t_a": "skipped", "t_b": "ok", "t_c": "ok"}
    assert result.reasons["t_b"].startswith(
        f"interrupted: run {killed_run} stopped inside this stage"
    )
    assert result.reasons["t_c"] == "first run"
    assert any(
        line.startswith(f"[lock] {name}: took over the lock of process {process.pid}")
        for line in lines
    ), lines
    assert any(line.startswith(f"[cleanup] {name}: removed") for line in lines), lines
    assert not leftovers(name)
    assert not (cycle_dir(name) / "run.lock").exists()
    state = json.loads((cycle_dir(name) / "run_state.json").read_text(encoding="utf-8"))
    assert {state[s]["status"] for s in ("t_b", "t_c")} == {"ok"}


def test_second_concurrent_run_is_refused_in_one_line(cycle):
    name = cycle.stem
    hold = cycle.parent / "hold"
    hold.touch()
    first = start(cycle)
    try:
        wait_inside(cycle, "t_b", first)
        second = start(cycle)
        out, err = second.communicate(timeout=60)
        assert second.returncode == 3
        assert err.strip() == (
            f"workbench: cycle {name!r} is being run by process {first.pid} "
            f"(run {err.split('(run ')[1].split(',')[0]}, started "
            f"{err.split('started ')[1].split(')')[0]}); one run per cycle "
            "at a time: wait for it to finish"
        )
    finally:
        hold.unlink(missing_ok=True)
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    state = json.loads((cycle_dir(name) / "run_state.json").read_text(encoding="utf-8"))
    assert {state[s]["status"] for s in ("t_a", "t_b", "t_c")} == {"ok"}  # not overwritten
    again, _ = run(cycle)  # the lock was released
    assert set(again.statuses.values()) == {"skipped"}


def test_run_ids_are_unique_and_each_stage_keeps_its_manifest(cycle):
    from workbench.provenance import new_run_id

    ids = {new_run_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert re.fullmatch(r"\d{8}T\d{6}\.\d{6}Z-\d+", next(iter(ids)))
    run(cycle)
    run(cycle, force=True)
    manifests = sorted((cycle_dir(cycle.stem) / "provenance").glob("*.json"))
    assert len(manifests) == 6  # 2 runs x 3 stages, none overwritten
    assert len({m.name.rsplit("-", 1)[0] for m in manifests}) == 2


def test_a_second_parameter_file_for_the_same_cycle_is_refused(cycle, tmp_path):
    from workbench.params import load_params
    from workbench.run import RunRefused
    from workbench.sources import prepare_sources, sources_owner

    prepare_sources(load_params(cycle), params_file=str(cycle))
    assert sources_owner(cycle.stem) == str(cycle)
    other = tmp_path / "another.yaml"
    other.write_text(cycle.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(RunRefused) as err:
        run(other)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(
        f"{other}: cycle: outputs/{cycle.stem}/ was made by {cycle}, not by this file"
    )
