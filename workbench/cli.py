"""Command line: ``workbench run parameters/<cycle>.yaml [--stage NAME] [--force]``.

Also ``workbench new-cycle NAME`` (:mod:`workbench.newcycle`: a commented parameter file and the
input folders), ``workbench check parameters/<cycle>.yaml`` (:mod:`workbench.check`: every file
the parameters name, in flow order, and the next missing input), ``workbench archive <cycle>``
and ``workbench verify-archive <bundle>`` (:mod:`workbench.release.archive`).

Errors print one line (no traceback) and exit non-zero: 1 a stage failed, 2 the parameters
or a file they name cannot be used, 3 the run was refused (the cycle is being run by another
process, or its id belongs to another parameter file).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``workbench`` command and of ``python -m workbench``."""
    parser = argparse.ArgumentParser(prog="workbench", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run a monitoring cycle's stages")
    run.add_argument("params", help="the cycle's parameter file, parameters/<cycle>.yaml")
    run.add_argument("--stage", help="run only this stage")
    run.add_argument("--force", action="store_true", help="rerun unchanged stages too")
    check = commands.add_parser(
        "check",
        help="validate a parameter file and every file it "
        "names (columns too); say the next missing input",
    )
    check.add_argument("params")
    start = commands.add_parser(
        "new-cycle",
        help="write parameters/NAME.yaml (commented) and "
        "the input folders inputs/NAME/ with templates and a README",
    )
    start.add_argument("name", help="the cycle id, e.g. sabat6-2027")
    start.add_argument("--year", type=int, help="year of the main study (default: this year)")
    start.add_argument("--language", default="ky", help="report language: ky, ru or en")
    start.add_argument("--parameters", help="folder of the parameter file (default: parameters/)")
    bundle = commands.add_parser("archive", help="write a cycle's dated, checksummed archive")
    bundle.add_argument("cycle")
    bundle.add_argument("--params", help="the cycle's parameter file (default: found by id)")
    bundle.add_argument("--out", help="folder of the bundle (default: outputs/archives)")
    verify = commands.add_parser("verify-archive", help="check an archive's checksums")
    verify.add_argument("bundle")
    render = commands.add_parser(
        "render",
        help="render the analytical report, the site and the "
        "results database from stored tables (workbench.publish)",
    )
    render.add_argument("params", help="the cycle's parameter file, parameters/<cycle>.yaml")
    render.add_argument(
        "--lang",
        nargs="+",
        choices=("ky", "ru", "en"),
        help="report languages (default: report_languages of the file)",
    )
    render.add_argument("--no-pdf", action="store_true", help="no PDF, no screenshots")
    args = parser.parse_args(argv)
    if args.command == "new-cycle":  # workbench.newcycle
        return _new_cycle(args)
    if args.command == "render":  # workbench.publish.render
        from workbench.publish.render import run_command as render_command

        return render_command(args)
    if args.command in ("archive", "verify-archive"):  # workbench.release.archive
        from workbench.release.archive import run_command

        return run_command(args)
    from workbench.stages import cycle_kind

    try:
        kind = cycle_kind(args.params)
    except ValueError as err:
        print(f"workbench: {_message(err)}", file=sys.stderr)
        return 2
    if kind != "sabat6":  # the other kinds of cycle (workbench.stages.KINDS), one runner
        return _other_kind(args)

    if args.command == "check":  # without the runner (papermill, nbconvert, jupytext)
        return _check(args.params)
    from workbench.params import ParamsError, load_params
    from workbench.run import StageFailed

    def run() -> int:
        if _columns_wrong(load_params(args.params), args.params):  # checks before work
            return 2
        return _run(args)

    return _guarded(run, ParamsError, StageFailed)


def _check(source: str) -> int:
    """``workbench check`` of a Sabat-6 cycle: parameters, cycle id, item bank, then files."""
    from workbench.check import check_against_data, check_cycle_owner
    from workbench.params import ParamsError, load_params

    def check() -> int:
        params = load_params(source)
        check_cycle_owner(source, params)
        check_against_data(params, source)
        return _check_files(params, source)

    return _guarded(check, ParamsError)


def _other_kind(args) -> int:
    """``workbench check|run`` for a cycle of another kind than Sabat-6 (teacher_ed,
    school_monitoring): the same runner, the same lines and exit codes."""
    from workbench.check import check_cycle_owner
    from workbench.stages import load_cycle

    def check_or_run() -> int:
        params = load_cycle(args.params)
        check_cycle_owner(args.params, params)
        if args.command != "check":
            return _run(args)
        print(
            f"{args.params}: parameters ok ({params.cycle}, {params.kind}, stages: "
            f"{', '.join(params.stages)})"
        )
        return 0

    if args.command == "check":  # without the runner, as for a Sabat-6 cycle
        return _guarded(check_or_run)
    from workbench.run import StageFailed

    return _guarded(check_or_run, StageFailed)


def _run(args) -> int:
    """Run the cycle's stages (``workbench run``, any kind of cycle): the index page's path,
    exit 1 when a stage failed (its error on one line)."""
    from workbench.run import run_cycle

    signal.signal(signal.SIGTERM, _stop)  # a terminated run records where it stopped
    result = run_cycle(args.params, stage=args.stage, force=args.force)
    print(f"index: {result.index}")
    if result.error:
        print(f"workbench: {result.error}", file=sys.stderr)
        return 1
    return 0


def _guarded(work: Callable[[], int], *errors: type[Exception]) -> int:
    """The exit code of ``work()``, or of what stopped it, said on one line (no traceback): 3
    the run was refused (the cycle is being run, or its id is another file's), 2 the
    parameters or a file they name cannot be used (``ValueError``, ``KeyError``, ``OSError``
    and the ``errors`` given: ``ParamsError``, the runner's ``StageFailed``).

    Examples
    --------
    >>> _guarded(lambda: 0), _guarded(lambda: {}["no such key"])
    (0, 2)
    """
    from workbench.check import RunRefused

    try:
        return work()
    except RunRefused as err:
        print(f"workbench: {_message(err)}", file=sys.stderr)
        return 3
    except (*errors, ValueError, KeyError, OSError) as err:
        print(f"workbench: {_message(err)}", file=sys.stderr)
        return 2


def _check_files(params, source: str) -> int:
    """``workbench check``: the files the parameters name, in flow order (exit 2 on an error)."""
    from workbench.check import check_inputs

    report = check_inputs(params, source)
    print(f"{source}: parameters ok ({params.cycle}, stages: {', '.join(params.stages)})")
    for key, path, what in report.found:
        print(f"  ok  {key}: {path} ({what})")
    for error in report.errors:
        print(f"workbench: {error}", file=sys.stderr)
    if report.next_missing:
        print(f"next missing input: {report.next_missing}")
    return 2 if report.errors else 0


def _columns_wrong(params, source: str) -> bool:
    """Before a run: a register the parameters cannot use (its columns, its format) stops the
    run at once, in the words of ``workbench check``."""
    from workbench.check import register_problems

    problems = register_problems(params, source)
    for problem in problems:
        print(f"workbench: {problem}", file=sys.stderr)
    return bool(problems)


def _new_cycle(args) -> int:
    from pathlib import Path

    from workbench.newcycle import NewCycleError, new_cycle

    try:
        made = new_cycle(
            args.name,
            year=args.year,
            language=args.language,
            parameters=Path(args.parameters) if args.parameters else None,
        )
    except (NewCycleError, OSError) as err:
        print(f"workbench: {_message(err)}", file=sys.stderr)
        return 2
    print(f"wrote {made.params} (fill data.register, then: workbench check {made.params})")
    print(
        f"made {made.inputs}/ (register/, class_lists/, instruments/, README.md: what goes "
        f"where) and {made.fieldwork / 'incoming'}/ for the field agency's delivery"
    )
    return 0


def _message(err: Exception) -> str:
    """One line: the message; for an operating-system error, the file and what went wrong
    (never a bare error number)."""
    if isinstance(err, OSError):
        number = err.args[0] if len(err.args) == 1 and isinstance(err.args[0], int) else None
        reason = err.strerror or (os.strerror(number) if number is not None else None)
        if reason:
            where = f"{err.filename}: " if err.filename else ""
            return f"{where}{reason}"
    text = err.args[0] if err.args else type(err).__name__
    return " ".join(str(text).split())


def _stop(signum, frame) -> None:
    raise SystemExit(128 + signum)
