"""Run a teacher-education cycle (``kind: teacher_ed``): its stage notebooks with papermill,
each rendered to HTML with its provenance, and the cycle's index page.

The same outputs as the Sabat-6 runner (:mod:`workbench.run`) writes, with the same renderer
and provenance manifest: ``outputs/<cycle>/notebooks/<stage>.ipynb``, ``html/<stage>.html``,
``provenance/<run>-<stage>.json``, ``index.html``. Every listed stage is run (no cache yet);
with ``--stage`` the index lists the other stages' earlier reports as unchanged.

Command line::

    python -m workbench.indicators.run parameters/teacher-ed-demo.yaml [--stage t30_indicators]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import jupytext
import nbformat
import papermill as pm

from workbench.atomic import write_json, write_text, write_with
from workbench.indicators.params import TEACHER_ED_STAGES, load_teacher_ed, stage_parameters
from workbench.labels import label
from workbench.paths import PROJECT_ROOT, cycle_dir, data_dir
from workbench.provenance import build_manifest, file_sha256, new_run_id
from workbench.render import headlines_of, index_html, notebook_html

__all__ = ["run_teacher_ed", "main", "cycle_kind", "command"]

NOTEBOOKS = PROJECT_ROOT / "notebooks"


def run_teacher_ed(params_path: str | Path, *, stage: str | None = None,
                   echo: Callable[[str], None] | None = print) -> list[dict]:
    """Run the stages a teacher-education cycle file lists (or one of them).

    Returns
    -------
    list of dict
        One per stage run: ``name, status (ok | failed), error, html, headlines``. The run stops
        at the first failed stage.

    Raises
    ------
    ValueError
        The cycle file does not validate, or ``stage`` is not one of its stages.
    """
    params = load_teacher_ed(params_path)
    names = [s for s in TEACHER_ED_STAGES if s in params.stages]
    if stage is not None:
        if stage not in names:
            raise ValueError(f"run_teacher_ed: stage {stage!r} is not in {params_path} "
                             f"(stages: {', '.join(names)})")
        names = [stage]
    run_id, results = new_run_id(), []
    for name in names:
        given = stage_parameters(params, name)
        given.pop("year")
        inputs = {p.name: file_sha256(p) for p in sorted(data_dir(params.cycle).glob(
            "*.parquet"))} if data_dir(params.cycle).is_dir() else {}
        manifest = build_manifest(params.model_dump(mode="json"), inputs=inputs, run_id=run_id)
        write_json(cycle_dir(params.cycle) / "provenance" / f"{run_id}-{name}.json", manifest)
        executed, error = _execute(params.cycle, TEACHER_ED_STAGES[name][0], given)
        html_path = cycle_dir(params.cycle) / "html" / f"{name}.html"
        title = f"{params.title or params.cycle} · {label('stage_' + name, params.language)}"
        write_text(html_path, notebook_html(executed, title=title, manifest=manifest,
                                            lang=params.language))
        results.append({"name": name, "status": "failed" if error else "ok",
                        "finished": manifest["started_utc"], "error": error,
                        "html": f"html/{name}.html", "headlines": headlines_of(executed)})
        if echo:
            echo(f"{params.cycle}: {name}: {'failed: ' + error if error else 'done'}")
        if error:
            break
    ran = {r["name"]: r for r in results}
    listed = [ran.get(n) or {"name": n, "status": "skipped" if (
        cycle_dir(params.cycle) / "html" / f"{n}.html").is_file() else "not_run",
        "html": f"html/{n}.html" if (cycle_dir(params.cycle) / "html" / f"{n}.html").is_file()
        else None, "headlines": []} for n in TEACHER_ED_STAGES if n in params.stages]
    page = index_html(title=params.title or params.cycle, cycle=params.cycle,
                      lang=params.language, stages=listed,
                      manifest=build_manifest(params.model_dump(mode="json"), inputs={},
                                              run_id=run_id))
    write_text(cycle_dir(params.cycle) / "index.html", page)
    return results


def cycle_kind(params_path: str | Path) -> str:
    """The ``kind`` a cycle file declares (``sabat6`` when it names none or cannot be read:
    the Sabat-6 loader then gives its own message).

    Examples
    --------
    >>> cycle_kind(PROJECT_ROOT / "parameters" / "teacher-ed-demo.yaml")
    'teacher_ed'
    >>> cycle_kind(PROJECT_ROOT / "parameters" / "sabat6-demo.yaml")
    'sabat6'
    """
    import yaml

    try:
        raw = yaml.safe_load(Path(params_path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return "sabat6"
    kind = raw.get("kind") if isinstance(raw, dict) else None
    return str(kind) if kind else "sabat6"


def command(name: str, params_path: str | Path, *, stage: str | None = None) -> int:
    """``workbench check|run`` for a teacher-education cycle; the exit code (0 ok, 1 a stage
    failed, 2 the parameters cannot be used)."""
    try:
        if name == "check":
            params = load_teacher_ed(params_path)
            print(f"{params_path}: ok ({params.cycle}, stages: {', '.join(params.stages)})")
            return 0
        results = run_teacher_ed(params_path, stage=stage)
    except (ValueError, FileNotFoundError) as exc:
        print(f"workbench: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    print(f"index: {cycle_dir(load_teacher_ed(params_path).cycle) / 'index.html'}")
    return 0 if all(r["status"] == "ok" for r in results) else 1


def main(argv: list[str] | None = None) -> int:
    """Command line: run a teacher-education cycle; print one line per stage."""
    parser = argparse.ArgumentParser(prog="python -m workbench.indicators.run")
    parser.add_argument("params", help="parameters/<cycle>.yaml (kind: teacher_ed)")
    parser.add_argument("--stage", help="run only this stage")
    args = parser.parse_args(argv)
    return command("run", args.params, stage=args.stage)


def _execute(cycle: str, notebook: str, parameters: dict) -> tuple[nbformat.NotebookNode,
                                                                     str | None]:
    source = jupytext.read(NOTEBOOKS / notebook)
    source.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
    target = cycle_dir(cycle) / "notebooks" / f"{Path(notebook).stem}.ipynb"
    found: dict = {}

    def execute(tmp: Path) -> None:
        src = tmp.with_suffix(".input.ipynb")
        nbformat.write(source, str(src))
        try:
            pm.execute_notebook(str(src), str(tmp), parameters=parameters,
                                kernel_name="python3", language="python", cwd=str(NOTEBOOKS),
                                progress_bar=False, log_output=False,
                                extra_arguments=["--IPKernelApp.log_level=ERROR"])
        except pm.PapermillExecutionError as err:
            found["error"] = (f"stage notebook {notebook} failed in cell {err.cell_index}: "
                              f"{err.ename}: {err.evalue}")
        finally:
            src.unlink(missing_ok=True)
        if tmp.stat().st_size:
            from workbench.run import scrub_paths

            scrub_paths(tmp, notebook, target)
        found["nb"] = nbformat.read(str(tmp), as_version=4) if tmp.stat().st_size else source

    write_with(target, execute)
    return found["nb"], found.get("error")


if __name__ == "__main__":
    raise SystemExit(main())
