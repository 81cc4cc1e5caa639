"""The cycle runner: execute each stage notebook with papermill, render HTML, index.

``workbench run parameters/<cycle>.yaml [--stage NAME] [--force]`` (see
:mod:`workbench.cli`) calls :func:`run_cycle`. A stage whose parameters,
inputs and code are unchanged since its last successful run is skipped. A
failing cell stops the run with a message naming the stage and the cell; the
failed notebook's HTML is kept, and earlier stages' outputs stay as they were.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
import nbformat
import papermill as pm

from workbench.atomic import write_json, write_text, write_with
from workbench.labels import label
from workbench.params import CycleParams, load_params
from workbench.paths import PROJECT_ROOT, cycle_dir, data_dir, fieldwork_dir
from workbench.provenance import build_manifest, code_sha256, file_sha256
from workbench.render import headlines_of, index_html, notebook_html
from workbench.sources import prepare_sources
from workbench.stages import STAGES

__all__ = ["run_cycle", "RunResult", "StageFailed"]

NOTEBOOKS = PROJECT_ROOT / "notebooks"


class StageFailed(RuntimeError):
    """A stage notebook failed; the message names the stage and the cell."""


@dataclass
class RunResult:
    """What a run did: ``statuses[stage]`` is ``ok``, ``skipped`` or ``failed``."""

    cycle: str
    statuses: dict[str, str] = field(default_factory=dict)
    index: Path | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when no stage failed."""
        return self.error is None


def run_cycle(params_path: str | Path, *, stage: str | None = None, force: bool = False,
              echo=print) -> RunResult:
    """Run a cycle's stages in order (or only ``stage``).

    Parameters
    ----------
    params_path
        ``parameters/<cycle>.yaml``.
    stage
        Run only this stage (its inputs must exist).
    force
        Run even unchanged stages, and remake the data sources.
    echo
        Where the one line per stage goes (``None`` for silence).

    Returns
    -------
    RunResult
        Statuses per stage, the index page, and the error message if a stage failed.
    """
    params = load_params(params_path)
    say = echo or (lambda *_: None)
    names = _stages_to_run(params, stage)
    if prepare_sources(params, force=force):
        say(f"[sources] {params.cycle}: data sources prepared ({params.data.source})")
    state = _read_state(params.cycle)
    result = RunResult(cycle=params.cycle)
    for number, name in enumerate(names, start=1):
        started = time.perf_counter()
        status, error = _run_stage(params, name, state, force)
        result.statuses[name] = status
        say(f"[{number}/{len(names)}] {name:<16} {label(status, 'en'):<10} "
            f"{time.perf_counter() - started:6.1f} s  "
            f"{cycle_dir(params.cycle) / 'html' / (name + '.html')}")
        if error:
            result.error = error
            break
    result.index = _write_index(params, state)
    write_json(cycle_dir(params.cycle) / "run_state.json", state)
    return result


def _stages_to_run(params: CycleParams, stage: str | None) -> list[str]:
    if stage is None:
        return list(params.stages)
    if stage not in params.stages:
        raise ValueError(f"run_cycle: stage {stage!r} is not listed in this cycle's parameters; "
                         f"listed are {', '.join(params.stages)}")
    return [stage]


def _run_stage(params: CycleParams, name: str, state: dict, force: bool) -> tuple[str, str | None]:
    spec = STAGES[name]
    if spec.prepare:
        _call(spec.prepare, params)
    stage_params = params.stage_params(name)
    inputs = _input_hashes(params.cycle, name, base_cycle=stage_params.get("base_cycle"))
    fingerprint = _fingerprint(stage_params, inputs, NOTEBOOKS / spec.notebook)
    previous = state.get(name, {})
    html_path = cycle_dir(params.cycle) / "html" / f"{name}.html"
    if (not force and previous.get("fingerprint") == fingerprint
            and previous.get("status") in {"ok", "skipped"} and html_path.exists()):
        state[name] = {**previous, "status": "skipped"}
        return "skipped", None
    manifest = build_manifest(params.model_dump(mode="json", by_alias=True), inputs=inputs)
    write_json(cycle_dir(params.cycle) / "provenance" / f"{manifest['run_id']}-{name}.json",
               manifest)
    executed, error = _execute(params.cycle, spec.notebook, stage_params)
    title = f"{params.title or params.cycle} · {label('stage_' + name, params.language)}"
    write_text(html_path, notebook_html(executed, title=title, manifest=manifest,
                                        lang=params.language))
    state[name] = {"fingerprint": None if error else fingerprint,
                   "status": "failed" if error else "ok",
                   "finished": manifest["started_utc"], "run_id": manifest["run_id"],
                   "headlines": headlines_of(executed), "error": error}
    return ("failed", error) if error else ("ok", None)


def _execute(cycle: str, notebook: str, parameters: dict) -> tuple[nbformat.NotebookNode,
                                                                     str | None]:
    """Execute a notebook into ``outputs/<cycle>/notebooks/`` atomically; return it and error."""
    source = jupytext.read(NOTEBOOKS / notebook)
    source.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
    target = cycle_dir(cycle) / "notebooks" / notebook.replace(".py", ".ipynb")
    error, holder = None, {}

    def execute(tmp: Path) -> None:
        nonlocal error
        src = tmp.with_suffix(".input.ipynb")
        nbformat.write(source, str(src))
        try:
            pm.execute_notebook(str(src), str(tmp), parameters=parameters, kernel_name="python3",
                                language="python", cwd=str(NOTEBOOKS),
                                progress_bar=sys.stderr.isatty(), log_output=False,
                                extra_arguments=["--IPKernelApp.log_level=ERROR"])
        except pm.PapermillExecutionError as err:
            error = (f"stage notebook {notebook} failed in cell {err.cell_index} "
                     f"(In [{err.exec_count}]): {err.ename}: {err.evalue}")
        except Exception as err:  # noqa: BLE001 - timeouts and kernel deaths are not papermill's
            error = f"stage notebook {notebook} stopped: {type(err).__name__}: {err}"
        finally:
            src.unlink(missing_ok=True)
        holder["nb"] = nbformat.read(str(tmp), as_version=4) if tmp.stat().st_size else source

    write_with(target, execute)
    return holder["nb"], error


def _input_hashes(cycle: str, name: str, *, base_cycle: str | None = None) -> dict[str, str]:
    """SHA-256 of every file a stage reads: its catalog inputs, the delivery folder, and the
    base cycle's outputs a trend cycle links to."""
    hashes = {}
    for entry in STAGES[name].inputs:
        path = data_dir(cycle) / f"{entry}.parquet"
        if not path.exists():
            writer = next((s.name for s in STAGES.values() if entry in s.outputs), "sources")
            raise StageFailed(f"stage {name!r} needs {entry!r} ({path}), which stage "
                              f"{writer!r} writes; run that stage first")
        hashes[entry] = file_sha256(path)
    for entry in STAGES[name].base_inputs if base_cycle else ():
        path = data_dir(base_cycle) / f"{entry}.parquet"
        if not path.exists():
            raise StageFailed(f"stage {name!r} links to base cycle {base_cycle!r}, whose "
                              f"{entry!r} ({path}) does not exist; run parameters/"
                              f"{base_cycle}.yaml first")
        hashes[f"{base_cycle}:{entry}"] = file_sha256(path)
    if STAGES[name].fieldwork:
        incoming = fieldwork_dir(cycle) / "incoming"
        if not incoming.is_dir():
            raise StageFailed(f"stage {name!r} reads the field agency's delivery from "
                              f"{incoming}, which does not exist; put the returned files there")
        hashes.update({f"incoming/{p.relative_to(incoming).as_posix()}": file_sha256(p)
                       for p in sorted(incoming.rglob("*")) if p.is_file()})
    return hashes


def _call(target: str, params: CycleParams) -> None:
    """Call ``"module:function"`` with the cycle's parameters."""
    module, function = target.split(":")
    getattr(importlib.import_module(module), function)(params)


def _fingerprint(stage_params: dict, inputs: dict, notebook: Path) -> str:
    spec = {"params": stage_params, "inputs": inputs, "code": code_sha256(),
            "notebook": hashlib.sha256(notebook.read_bytes()).hexdigest()}
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()


def _read_state(cycle: str) -> dict:
    path = cycle_dir(cycle) / "run_state.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _write_index(params: CycleParams, state: dict) -> Path:
    stages = []
    for name in params.stages:
        info = state.get(name, {"status": "not_run"})
        html_file = cycle_dir(params.cycle) / "html" / f"{name}.html"
        stages.append({"name": name, **info,
                       "html": f"html/{name}.html" if html_file.exists() else None})
    manifest = build_manifest(params.model_dump(mode="json", by_alias=True),
                              inputs=_source_hashes(params.cycle))
    page = index_html(title=params.title or params.cycle, cycle=params.cycle,
                      lang=params.language, stages=stages, manifest=manifest)
    return write_text(cycle_dir(params.cycle) / "index.html", page)


def _source_hashes(cycle: str) -> dict[str, str]:
    folder = data_dir(cycle)
    return {path.name: file_sha256(path) for path in sorted(folder.glob("*"))
            if path.is_file() and not path.name.startswith(".")}
