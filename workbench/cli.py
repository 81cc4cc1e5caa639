"""Command line: ``workbench run parameters/<cycle>.yaml [--stage NAME] [--force]``.

Errors print one line (no traceback) and exit non-zero.
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``workbench`` command and of ``python -m workbench``."""
    parser = argparse.ArgumentParser(prog="workbench", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run a monitoring cycle's stages")
    run.add_argument("params", help="the cycle's parameter file, parameters/<cycle>.yaml")
    run.add_argument("--stage", help="run only this stage")
    run.add_argument("--force", action="store_true", help="rerun unchanged stages too")
    check = commands.add_parser("check", help="validate a parameter file and stop")
    check.add_argument("params")
    args = parser.parse_args(argv)

    from workbench.params import ParamsError, load_params
    from workbench.run import StageFailed, run_cycle

    try:
        if args.command == "check":
            params = load_params(args.params)
            print(f"{args.params}: ok ({params.cycle}, stages: {', '.join(params.stages)})")
            return 0
        result = run_cycle(args.params, stage=args.stage, force=args.force)
    except (ParamsError, StageFailed, ValueError, KeyError, FileNotFoundError) as err:
        print(f"workbench: {_message(err)}", file=sys.stderr)
        return 2
    print(f"index: {result.index}")
    if result.error:
        print(f"workbench: {result.error}", file=sys.stderr)
        return 1
    return 0


def _message(err: Exception) -> str:
    text = err.args[0] if err.args else str(err)
    return str(text)
