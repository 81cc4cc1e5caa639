"""The cycle runner: execute each stage notebook with papermill, render HTML, index.

``workbench run parameters/<cycle>.yaml [--stage NAME] [--force]`` (see
:mod:`workbench.cli`) calls :func:`run_cycle`.

The cache never lies: a stage is skipped only when its parameters, its code (the notebook and
every file of the ``workbench`` package), every input it reads (catalog tables, the base
cycle's tables, the field agency's delivery wherever the parameters point, the field-data
schemas, the pseudonymization key) are as recorded at its last successful run, *and* every
output it recorded (tables, notebook, HTML) is still there with its recorded SHA-256. The
stage line says why a stage ran or was skipped.

``outputs/<cycle>/run_state.json`` is rewritten (atomically) when a stage starts and when it
ends, so a killed run resumes at the stage it was in; leftovers of a killed run (temporary
files) are removed at the start of the next run. One run per cycle at a time: a second run
finds the lock ``outputs/<cycle>/run.lock`` held and stops with one line. A failing cell stops
the run with a message naming the stage and the cell; the failed notebook's HTML is kept, and
earlier stages' outputs stay as they were.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import json
import os
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
import nbformat
import papermill as pm

from workbench.atomic import LockHeld, hold_lock, write_json, write_text, write_with
from workbench.check import RunRefused, check_against_data, check_cycle_owner
from workbench.labels import cycle_title, label
from workbench.params import CycleParams, ParamsError, path_parameters
from workbench.paths import (
    PROJECT_ROOT,
    cycle_dir,
    data_dir,
    fieldwork_dir,
    inputs_dir,
    restricted_dir,
)
from workbench.provenance import build_manifest, code_files, file_sha256, new_run_id
from workbench.render import headlines_of, index_pages, notebook_html, stage_html_name
from workbench.sources import prepare_sources, sources_owner
from workbench.stages import Stage, load_cycle, stages_for

__all__ = [
    "run_cycle",
    "RunResult",
    "StageFailed",
    "RunRefused",
    "check_cycle_owner",
    "check_against_data",
]

NOTEBOOKS = PROJECT_ROOT / "notebooks"
#: stage parameters that only change how the reports read, not what a stage computes: left
#: out of the fingerprint (a change re-renders the reports, never reruns the stage)
RENDER_PARAMS = ("lang",)
#: what :func:`tempfile.mkstemp` in :mod:`workbench.atomic` names its temporary files
_LEFTOVER = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp(\..+)?$")


class StageFailed(RuntimeError):
    """A stage notebook failed; the message names the stage and the cell."""


@dataclass
class RunResult:
    """What a run did: ``statuses[stage]`` is ``ok``, ``skipped`` or ``failed``;
    ``reasons[stage]`` says why the stage ran or was skipped; ``rendered[stage]``: the languages
    its report was rendered in by this run (none when its pages were up to date)."""

    cycle: str
    statuses: dict[str, str] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    rendered: dict[str, list[str]] = field(default_factory=dict)
    index: Path | None = None
    error: str | None = None
    run_id: str | None = None

    @property
    def ok(self) -> bool:
        """True when no stage failed."""
        return self.error is None


def run_cycle(
    params_path: str | Path, *, stage: str | None = None, force: bool = False, echo=print
) -> RunResult:
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
        Statuses and reasons per stage, the index page, and the error message if a stage
        failed.

    Raises
    ------
    RunRefused
        Another run of the cycle holds its lock, or the cycle id is used by another
        parameter file.
    StageFailed
        A stage's inputs are missing (the message names the stage that writes them).
    """
    params_path = Path(params_path)
    params = load_cycle(params_path)  # any kind of cycle (workbench.stages.KINDS)
    say = echo or (lambda *_: None)
    names = _stages_to_run(params, stage)
    check_cycle_owner(params_path, params)
    run_id = new_run_id()
    _check_register(params, params_path)
    with _cycle_lock(params.cycle, run_id, say):
        _check_sources_owner(params_path, params)
        removed = _clean_leftovers(params)
        if removed:
            say(
                f"[cleanup] {params.cycle}: removed {len(removed)} leftover file(s) of an "
                f"interrupted run: {_listed(removed)}"
            )
        if _kind(params) == "sabat6" and prepare_sources(
            params, force=force, params_file=_shown(params_path)
        ):
            say(f"[sources] {params.cycle}: data sources prepared ({params.data.source})")
        state = _read_state(params.cycle)
        result = RunResult(cycle=params.cycle, run_id=run_id)
        for number, name in enumerate(names, start=1):
            started = time.perf_counter()
            try:
                status, error, reason = _run_stage(params, name, state, force, run_id, params_path)
            except (KeyboardInterrupt, SystemExit) as stop:
                state[name] = {
                    "status": "failed",
                    "run_id": run_id,
                    "error": f"interrupted ({type(stop).__name__}) inside this stage",
                }
                _save_state(params.cycle, state)
                raise
            result.statuses[name], result.reasons[name] = status, reason
            langs = (
                report_languages(params) if state.get(name, {}).get("rendered_by") == run_id else []
            )
            result.rendered[name] = langs
            shown = f"; re-rendered ({', '.join(langs)})" if langs else ""
            say(
                f"[{number}/{len(names)}] {name:<16} {label(status, 'en'):<10} "
                f"{time.perf_counter() - started:6.1f} s  "
                f"{cycle_dir(params.cycle) / 'html' / (name + '.html')}  ({reason}{shown})"
            )
            if error:
                result.error = error
                break
        result.index = _write_index(params, state, run_id)
        _save_state(params.cycle, state)
        if result.error is None and "results" in names:  # the publication (issue 13)
            from workbench.publish.render import render_after_run

            result.error = render_after_run(params, say)
        elif result.error is None and _kind(params) != "sabat6":  # its indicators
            from workbench.publish.database import build_results_db

            build_results_db()
    return result


def _stages_to_run(params: CycleParams, stage: str | None) -> list[str]:
    if stage is None:
        return list(params.stages)
    if stage not in params.stages:
        raise ValueError(
            f"run_cycle: stage {stage!r} is not listed in this cycle's parameters; "
            f"listed are {', '.join(params.stages)}"
        )
    return [stage]


def _run_stage(
    params: CycleParams, name: str, state: dict, force: bool, run_id: str, params_path: Path
) -> tuple[str, str | None, str]:
    spec = _stages(params)[name]
    if spec.prepare:
        _call(spec.prepare, params)
    stage_params = params.stage_params(name)
    check_against_data(params, _shown(params_path), stage=name)
    inputs, secret = _input_hashes(
        params.cycle,
        name,
        base_cycle=stage_params.get("base_cycle"),
        params=params,
        params_path=params_path,
    )
    computed = {k: v for k, v in stage_params.items() if k not in RENDER_PARAMS}
    current = {
        "params": computed,
        "inputs": {**inputs, **secret},
        "notebook": file_sha256(NOTEBOOKS / spec.notebook),
        "code": code_files(),
    }
    previous = state.get(name, {})
    skip, reason = _decide(params.cycle, previous, current, force)
    if skip:
        state[name] = {**previous, "status": "skipped", "reason": reason}
        _render_stage(params, name, state[name], run_id)
        _save_state(params.cycle, state)
        return "skipped", None, reason
    state[name] = {
        "status": "running",
        "run_id": run_id,
        "pid": os.getpid(),
        "started": _now(),
        "reason": reason,
    }
    _save_state(params.cycle, state)
    manifest = _public(
        build_manifest(params.model_dump(mode="json", by_alias=True), inputs=inputs, run_id=run_id)
    )
    write_json(cycle_dir(params.cycle) / "provenance" / f"{run_id}-{name}.json", manifest)
    executed, error, notebook_path = _execute(params.cycle, spec.notebook, stage_params)
    record = {
        "status": "failed" if error else "ok",
        "finished": manifest["started_utc"],
        "run_id": run_id,
        "headlines": headlines_of(executed),
        "error": error,
        "reason": reason,
    }
    if not error:
        for key, value in current["inputs"].items():  # files the stage itself created
            if value == "absent":
                current["inputs"][key] = _rehash(params, name, key) or "absent"
        current["inputs"] = {
            key: sha
            for key, sha in current["inputs"].items()
            if not (key.startswith("inputs/") and sha == "absent")
        }
        current["inputs"].update(_cycle_input_hashes(params.cycle, spec))
        record.update(current, outputs=_output_hashes(params.cycle, spec, [notebook_path]))
    state[name] = record
    _render_stage(params, name, record, run_id, executed=executed)
    _save_state(params.cycle, state)
    return ("failed", error, reason) if error else ("ok", None, reason)


def report_languages(params: CycleParams) -> list[str]:
    """The languages of the reports: ``report_languages``, else the cycle's ``language``;
    the cycle's language always first."""
    given = list(getattr(params, "report_languages", None) or []) or [params.language]
    return [params.language, *[x for x in given if x != params.language]]


def _render_stage(
    params: CycleParams,
    name: str,
    record: dict,
    run_id: str,
    executed: nbformat.NotebookNode | None = None,
) -> None:
    """Render the stage's technical report in each report language from its stored executed
    notebook (no kernel): ``html/<stage>.<lang>.html`` and ``html/<stage>.html`` (the cycle's
    language). Done only when the notebook, the rendering code, the texts, the languages or
    the title changed since the last rendering (``record["rendered"]``); a rendering is
    recorded as ``record["rendered_by"] = run_id``."""
    folder = cycle_dir(params.cycle)
    notebook_path = folder / "notebooks" / f"{Path(_stages(params)[name].notebook).stem}.ipynb"
    if executed is None and not notebook_path.is_file():
        return
    langs = report_languages(params)
    files = [folder / "html" / stage_html_name(name, x) for x in (None, *langs)]
    key = _render_key(params, notebook_path, langs)
    if record.get("rendered") == key and all(path.is_file() for path in files):
        return
    if executed is None:
        executed = nbformat.read(str(notebook_path), as_version=4)
    manifest_path = folder / "provenance" / f"{record.get('run_id')}-{name}.json"
    manifest = (
        json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.is_file() else {}
    )
    for lang, path in zip(langs, files[1:], strict=True):
        title = f"{cycle_title(params, lang)} · {label('stage_' + name, lang)}"
        page = notebook_html(
            executed, title=title, manifest=manifest, lang=lang, stage=name, languages=langs
        )
        write_text(path, page)
        if lang == params.language:  # html/<stage>.html: the cycle's language
            write_text(files[0], page)
    record["rendered"], record["rendered_by"] = key, run_id


def _render_key(params: CycleParams, notebook_path: Path, langs: list[str]) -> str:
    """What a stage's rendered pages depend on: its executed notebook, the package's code and
    texts, the languages and the title."""
    import hashlib

    digest = hashlib.sha256(json.dumps([langs, params.title, params.cycle]).encode())
    if notebook_path.is_file():
        digest.update(file_sha256(notebook_path).encode())
    for path_name, sha in sorted(_package_hashes().items()):
        digest.update(f"{path_name}\0{sha}\0".encode())
    return digest.hexdigest()


def _package_hashes() -> dict[str, str]:
    folder = PROJECT_ROOT / "workbench"
    return {
        path.relative_to(folder).as_posix(): file_sha256(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
        and path.suffix in (".py", ".yaml", ".yml", ".json")
        and "__pycache__" not in path.parts
    }


def _decide(cycle: str, previous: dict, current: dict, force: bool) -> tuple[bool, str]:
    """Skip the stage? And why (one phrase for the stage line)."""
    status = previous.get("status")
    if force:
        return False, "forced (--force)"
    if not previous:
        return False, "first run"
    if status == "running":
        return False, (
            f"interrupted: run {previous.get('run_id')} stopped inside this stage; running it again"
        )
    if status == "failed":
        return False, f"failed last time ({previous.get('error') or 'no message'})"
    if "outputs" not in previous:
        return False, "no record of its inputs and outputs (run by an older workbench)"
    reasons = []
    changed = _changed(previous.get("params", {}), current["params"])
    if changed:
        reasons.append(f"parameters changed: {_listed(changed)}")
    if previous.get("notebook") != current["notebook"]:
        reasons.append("notebook changed")
    changed = _changed(previous.get("inputs", {}), current["inputs"])
    if changed:
        reasons.append(f"inputs changed: {_listed(changed)}")
    changed = _changed(previous.get("code", {}), current["code"])
    if changed:
        reasons.append(f"code changed: {_listed(changed)}")
    missing, altered = [], []
    for key, sha in previous["outputs"].items():
        if key.startswith("html/"):  # rendered pages: re-rendered, never a reason to run
            continue
        path = cycle_dir(cycle) / key
        if sha != "absent" and not path.is_file():
            missing.append(key)
        elif sha != "absent" and file_sha256(path) != sha:
            altered.append(key)
    if missing:
        reasons.append(f"output missing: {_listed(missing)}")
    if altered:
        reasons.append(f"output changed since its run: {_listed(altered)}")
    if reasons:
        return False, "; ".join(reasons)
    kept = sum(sha != "absent" for sha in previous["outputs"].values())
    return True, (
        f"parameters, code and {len(current['inputs'])} inputs unchanged, "
        f"{kept} outputs as recorded by run {previous.get('run_id')}"
    )


def _changed(before: dict, after: dict) -> list[str]:
    """Keys whose values differ, are new (``+``) or are gone (``-``)."""
    keys = sorted(set(before) | set(after))
    return [
        (f"{key} (new)" if key not in before else f"{key} (removed)" if key not in after else key)
        for key in keys
        if before.get(key) != after.get(key)
    ]


def _listed(names: list[str], shown: int = 3) -> str:
    more = len(names) - shown
    return ", ".join(names[:shown]) + (f" and {more} more" if more > 0 else "")


def _execute(
    cycle: str, notebook: str, parameters: dict
) -> tuple[nbformat.NotebookNode, str | None, Path]:
    """Execute a notebook into ``outputs/<cycle>/notebooks/`` atomically; return it, the
    error and where it was written."""
    source = jupytext.read(NOTEBOOKS / notebook)
    source.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    target = cycle_dir(cycle) / "notebooks" / f"{Path(notebook).stem}.ipynb"
    error, holder = None, {}

    def execute(tmp: Path) -> None:
        nonlocal error
        src = tmp.with_suffix(".input.ipynb")
        nbformat.write(source, str(src))
        try:
            for attempt in (1, 2):  # a kernel that dies while starting (port taken) retried
                try:
                    pm.execute_notebook(
                        str(src),
                        str(tmp),
                        parameters=parameters,
                        kernel_name="python3",
                        language="python",
                        cwd=str(NOTEBOOKS),
                        progress_bar=sys.stderr.isatty(),
                        log_output=False,
                        iopub_timeout=120,
                        extra_arguments=["--IPKernelApp.log_level=ERROR"],
                    )
                    break
                except RuntimeError as err:
                    if attempt == 2 or "before replying to kernel_info" not in str(err):
                        raise
        except pm.PapermillExecutionError as err:
            error = (
                f"stage notebook {notebook} failed in cell {err.cell_index} "
                f"(In [{err.exec_count}]): {err.ename}: {err.evalue}"
            )
        except Exception as err:  # noqa: BLE001 - timeouts and kernel deaths are not papermill's
            error = f"stage notebook {notebook} stopped: {type(err).__name__}: {err}"
        finally:
            src.unlink(missing_ok=True)
        if tmp.stat().st_size:
            scrub_paths(tmp, notebook, target)
        holder["nb"] = nbformat.read(str(tmp), as_version=4) if tmp.stat().st_size else source

    write_with(target, execute)
    return holder["nb"], error, target


def scrub_paths(path: Path, notebook: str, target: Path) -> None:
    """Rewrite an executed notebook without absolute local paths: papermill's
    ``input_path``/``output_path`` name the project's files, and any other mention of the
    fieldwork, inputs, outputs or project folder (tracebacks, warnings) or of the home
    directory is made relative (``fieldwork/``, ``inputs/``, ``outputs/``, ``./``, ``~``)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    papermill = nb.get("metadata", {}).get("papermill", {})
    papermill.update(
        input_path=f"notebooks/{notebook}",
        output_path=f"outputs/{target.parent.parent.name}/notebooks/{target.name}",
    )
    path.write_text(
        relative_paths(json.dumps(nb, ensure_ascii=False, indent=1)) + "\n", encoding="utf-8"
    )


def _public(manifest: dict) -> dict:
    """The provenance manifest as published: no absolute local path (parameters may name
    files by absolute paths)."""
    return json.loads(relative_paths(json.dumps(manifest, ensure_ascii=False)))


def relative_paths(text: str) -> str:
    """``text`` (JSON or plain) with the fieldwork, inputs, outputs and project folders and the
    home directory written relative (``fieldwork``, ``inputs``, ``outputs``, ``.``, ``~``).

    >>> relative_paths(str(PROJECT_ROOT / "parameters" / "x.yaml"))
    './parameters/x.yaml'
    """
    from workbench.paths import inputs_dir, outputs_root

    roots = {
        str(fieldwork_dir("x").parent): "fieldwork",
        str(inputs_dir("x").parent): "inputs",
        str(outputs_root()): "outputs",
        str(PROJECT_ROOT): ".",
        str(Path.home()): "~",
    }
    for root in sorted(roots, key=len, reverse=True):
        if len(root) > 1:
            text = text.replace(json.dumps(root, ensure_ascii=False)[1:-1], roots[root])
    return text


def _input_hashes(
    cycle: str,
    name: str,
    *,
    base_cycle: str | None = None,
    params: CycleParams | None = None,
    params_path: Path | None = None,
) -> tuple[dict[str, str], dict[str, str]]:
    """SHA-256 of every file a stage reads: its catalog inputs, the base cycle's outputs a trend
    cycle links to, the project files it reads (schemas), and every file the stage parameters
    point to (the whole delivery folder, whatever the names). Returns the hashes shown in the
    provenance and those kept out of it (the pseudonymization key)."""
    spec = stages_for(_kind(params))[name]
    hashes, secret = {}, {}
    for entry in spec.inputs:
        path = _stored(cycle, entry)
        if not path.exists():
            from workbench.check import missing_input

            raise StageFailed(missing_input(name, entry, path, params))
        hashes[entry] = file_sha256(path)
    for entry in spec.base_inputs if base_cycle else ():
        path = data_dir(base_cycle) / f"{entry}.parquet"
        if not path.exists():
            raise StageFailed(
                f"stage {name!r} links to base cycle {base_cycle!r}, whose "
                f"{entry!r} ({path}) does not exist; run parameters/"
                f"{base_cycle}.yaml first"
            )
        hashes[f"{base_cycle}:{entry}"] = file_sha256(path)
    for folder in spec.package_inputs:
        for path in sorted((PROJECT_ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                hashes[path.relative_to(PROJECT_ROOT).as_posix()] = file_sha256(path)
    hashes.update(_cycle_input_hashes(cycle, spec))
    pointed = (
        [item for item in path_parameters(params) if item[0].startswith(f"stages.{name}.")]
        if params is not None and _kind(params) == "sabat6"
        else []
    )
    if spec.fieldwork and not pointed:
        pointed = [
            (f"stages.{name}.incoming", fieldwork_dir(cycle) / "incoming", {"kind": "folder"})
        ]
    source = _shown(params_path) if params_path else "parameters"
    for key, path, marker in pointed:
        short = key.rsplit(".", 1)[-1]
        target = secret if marker.get("secret") else hashes
        if marker.get("kind") == "folder":
            if not path.is_dir():
                raise StageFailed(
                    f"{source}: {key}: the folder {_shown(path)} does not exist; "
                    f"put the files stage {name!r} reads there"
                )
            target.update(
                {
                    f"{short}/{p.relative_to(path).as_posix()}": file_sha256(p)
                    for p in sorted(path.rglob("*"))
                    if p.is_file()
                }
            )
        elif path.is_file():
            target[short] = file_sha256(path)
        elif marker.get("created") or marker.get("optional"):
            target[short] = "absent"
        else:
            raise StageFailed(
                f"{source}: {key}: the file {_shown(path)} does not exist; put "
                "it there or correct the path"
            )
    return hashes, secret


def _kind(params) -> str:
    """The kind of cycle the parameters are of (:data:`workbench.stages.KINDS`)."""
    return getattr(params, "kind", "sabat6")


def _stages(params) -> dict[str, Stage]:
    """The stages of the parameters' kind of cycle."""
    return stages_for(_kind(params))


def _cycle_input_hashes(cycle: str, spec: Stage) -> dict[str, str]:
    """SHA-256 of the stage's ``input_files`` under ``inputs/<cycle>/`` (a folder: each of its
    files), keyed ``inputs/<path>``; ``absent`` for one not written yet."""
    hashes = {}
    for entry in spec.input_files:
        path = inputs_dir(cycle) / entry
        if path.is_dir():
            hashes.update(
                {
                    f"inputs/{p.relative_to(inputs_dir(cycle)).as_posix()}": file_sha256(p)
                    for p in sorted(path.rglob("*"))
                    if p.is_file()
                }
            )
        else:
            hashes[f"inputs/{entry}"] = file_sha256(path) if path.is_file() else "absent"
    return hashes


def _rehash(params: CycleParams, name: str, key: str) -> str | None:
    if _kind(params) != "sabat6":
        return None
    for full, path, _ in path_parameters(params):
        if full == f"stages.{name}.{key}" and path.is_file():
            return file_sha256(path)
    return None


def _output_hashes(cycle: str, spec: Stage, files: list[Path]) -> dict[str, str]:
    """SHA-256 of the stage's catalog outputs, its notebook and its HTML (``absent`` if the
    stage did not write one), by path under ``outputs/<cycle>/``."""
    folder = cycle_dir(cycle)
    paths = [_stored(cycle, entry) for entry in spec.outputs] + files
    return {
        p.relative_to(folder).as_posix(): file_sha256(p) if p.is_file() else "absent" for p in paths
    }


def _stored(cycle: str, entry: str) -> Path:
    """A stored table: ``data/<entry>.parquet``, or the restricted tier's copy when only that
    exists (a school-monitoring cycle keeps person-level tables there)."""
    path = data_dir(cycle) / f"{entry}.parquet"
    restricted = restricted_dir(cycle) / f"{entry}.parquet"
    return restricted if not path.exists() and restricted.exists() else path


def _call(target: str, params: CycleParams) -> None:
    """Call ``"module:function"`` with the cycle's parameters."""
    module, function = target.split(":")
    getattr(importlib.import_module(module), function)(params)


def _read_state(cycle: str) -> dict:
    path = cycle_dir(cycle) / "run_state.json"
    try:
        state = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except ValueError:
        return {}  # unreadable state: every stage reruns
    return state if isinstance(state, dict) else {}


def _save_state(cycle: str, state: dict) -> None:
    write_json(cycle_dir(cycle) / "run_state.json", state)


@contextlib.contextmanager
def _cycle_lock(cycle: str, run_id: str, say) -> Iterator[None]:
    """Hold ``outputs/<cycle>/run.lock`` while the run lasts (see :func:`workbench.atomic.
    hold_lock`); a lock left by a process that is gone is taken over, and said so."""
    record = {"pid": os.getpid(), "run_id": run_id, "started": _now()}
    try:
        with hold_lock(cycle_dir(cycle) / "run.lock", record) as previous:
            if previous.get("pid"):
                say(
                    f"[lock] {cycle}: took over the lock of process {previous['pid']} (run "
                    f"{previous.get('run_id', '?')}), which stopped without releasing it"
                )
            yield
    except LockHeld as held:
        holder = held.holder
        raise RunRefused(
            f"cycle {cycle!r} is being run by process {holder.get('pid', '?')} "
            f"(run {holder.get('run_id', '?')}, started "
            f"{holder.get('started', '?')}); one run per cycle at a time: wait "
            "for it to finish"
        ) from None


def _clean_leftovers(params: CycleParams) -> list[str]:
    """Remove the temporary files a killed run left (``.<name>.XXXXXXXX.tmp.*``) in
    ``outputs/<cycle>/`` and ``fieldwork/<cycle>/`` (never inside a delivery folder)."""
    delivery = (
        [path for _, path, marker in path_parameters(params) if marker.get("kind") == "folder"]
        if _kind(params) == "sabat6"
        else []
    )
    removed = []
    for root in (cycle_dir(params.cycle), fieldwork_dir(params.cycle)):
        if not root.is_dir():
            continue
        for path in sorted(root.rglob(".*")):
            if (
                path.is_file()
                and _LEFTOVER.match(path.name)
                and not any(path.is_relative_to(folder) for folder in delivery)
            ):
                path.unlink()
                removed.append(_shown(path))
    return removed


def _check_register(params: CycleParams, params_path: Path) -> None:
    """A register source must name a file that exists (one line naming file and key)."""
    if _kind(params) != "sabat6" or params.data.source != "register":
        return
    for key, path, _ in path_parameters(params):
        if key == "data.register.path" and not path.is_file():
            raise ParamsError(
                f"{_shown(params_path)}: {key}: the register file "
                f"{_shown(path)} does not exist; put it there or correct the path"
            )


def _check_sources_owner(params_path: Path, params: CycleParams) -> None:
    owner = sources_owner(params.cycle)
    if owner and owner != _shown(params_path):
        raise RunRefused(
            f"{_shown(params_path)}: cycle: outputs/{params.cycle}/ was made by "
            f"{owner}, not by this file; give this file its own cycle id, or "
            f"delete outputs/{params.cycle}/ to make the cycle afresh from it"
        )


def _shown(path: Path | str) -> str:
    """A path as the messages show it: relative to the project, ``outputs/`` or
    ``fieldwork/`` when it lies there."""
    from workbench.paths import outputs_root

    path = Path(path).absolute()
    fieldwork_root = fieldwork_dir("x").parent
    for root, prefix in (
        (PROJECT_ROOT, ""),
        (outputs_root(), "outputs/"),
        (fieldwork_root, "fieldwork/"),
    ):
        if path.is_relative_to(root):
            return prefix + path.relative_to(root).as_posix()
    return str(path)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _write_index(params: CycleParams, state: dict, run_id: str) -> Path:
    stages = []
    for name in params.stages:
        info = state.get(name, {"status": "not_run"})
        if info.get("status") == "running":
            info = {**info, "status": "failed", "error": "interrupted inside this stage"}
        if info.get("error"):  # a published page names no local folder
            info = {**info, "error": relative_paths(info["error"])}
        html_file = cycle_dir(params.cycle) / "html" / f"{name}.html"
        stages.append(
            {"name": name, **info, "html": f"html/{name}.html" if html_file.exists() else None}
        )
    manifest = _public(
        build_manifest(
            params.model_dump(mode="json", by_alias=True),
            inputs=_source_hashes(params.cycle),
            run_id=run_id,
        )
    )
    return index_pages(  # index.<lang>.html per report language; index.html: the first
        cycle_dir(params.cycle),
        titles={x: cycle_title(params, x) for x in report_languages(params)},
        cycle=params.cycle,
        stages=stages,
        manifest=manifest,
    )


def _source_hashes(cycle: str) -> dict[str, str]:
    folder = data_dir(cycle)
    return {
        path.name: file_sha256(path)
        for path in sorted(folder.glob("*"))
        if path.is_file() and not path.name.startswith(".")
    }
