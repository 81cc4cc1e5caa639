"""``workbench new-cycle NAME``: a commented parameter file and the empty input folders.

Writes ``parameters/NAME.yaml`` (register source, column-map placeholders, the stages up to
weights) and ``inputs/NAME/`` with ``register/`` (a template), ``class_lists/``,
``instruments/`` (templates when :mod:`workbench.instruments` provides them) and a README of
what goes where; ``fieldwork/NAME/incoming/`` is made for the field agency's delivery. Nothing
is overwritten: an existing parameter file or a non-empty input folder stops it.

Examples
--------
>>> import tempfile, pathlib
>>> made = new_cycle("x-2026", parameters=pathlib.Path(tempfile.mkdtemp()),
...                  inputs=pathlib.Path(tempfile.mkdtemp()) / "x-2026",
...                  fieldwork=pathlib.Path(tempfile.mkdtemp()) / "x-2026")
>>> sorted(p.name for p in made.inputs.iterdir())
['README.md', 'class_lists', 'instruments', 'register']
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from workbench.paths import PROJECT_ROOT, fieldwork_dir, inputs_dir
from workbench.stages import CYCLE_ID_RULE

__all__ = ["NewCycle", "new_cycle", "NewCycleError", "TEMPLATES", "INPUT_FOLDERS"]

TEMPLATES = Path(__file__).parent / "templates"
#: folders of inputs/<cycle>/ (the field agency's delivery goes to fieldwork/<cycle>/incoming/)
INPUT_FOLDERS = ("register", "class_lists", "instruments")
_CYCLE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class NewCycleError(ValueError):
    """The cycle cannot be started as asked; one line."""


@dataclass(frozen=True)
class NewCycle:
    """What :func:`new_cycle` wrote: the parameter file and the input folder."""

    params: Path
    inputs: Path
    fieldwork: Path


def new_cycle(
    name: str,
    *,
    year: int | None = None,
    language: str = "ky",
    parameters: Path | None = None,
    inputs: Path | None = None,
    fieldwork: Path | None = None,
) -> NewCycle:
    """Write the parameter file and the input folders of a new cycle.

    Parameters
    ----------
    name
        The cycle id (lower-case Latin letters, digits, ``-``, ``_``).
    year
        Year of the main study (default: this year).
    language
        Report language: ``ky``, ``ru`` or ``en``.
    parameters, inputs, fieldwork
        Where to write (default: ``parameters/``, ``inputs/NAME/``, ``fieldwork/NAME/``).

    Raises
    ------
    NewCycleError
        A wrong id or language, or files that are already there (never overwritten).
    """
    if not _CYCLE_ID.match(name or ""):
        raise NewCycleError(
            f"new-cycle: {name!r} is not a cycle id: {CYCLE_ID_RULE} (e.g. sabat6-2027)"
        )
    if language not in ("ky", "ru", "en"):
        raise NewCycleError(f"new-cycle: --language {language!r}: use ky, ru or en")
    params = (parameters or PROJECT_ROOT / "parameters") / f"{name}.yaml"
    inputs = inputs or inputs_dir(name)
    fieldwork = fieldwork or fieldwork_dir(name)
    if params.exists():
        raise NewCycleError(
            f"new-cycle: {_shown(params)} already exists; it is never "
            "overwritten: choose another cycle id or edit that file"
        )
    if inputs.is_dir() and any(inputs.iterdir()):
        raise NewCycleError(
            f"new-cycle: {_shown(inputs)} already holds files; they are never "
            "overwritten: choose another cycle id or move them"
        )
    register = inputs / "register" / "register.xlsx"
    values = {
        "cycle": name,
        "year": year or dt.date.today().year,
        "language": language,
        "seed": secrets.randbelow(10**8),
        "inputs": _shown(inputs),
        "register_path": _shown(register),
    }
    for folder in INPUT_FOLDERS:
        (inputs / folder).mkdir(parents=True, exist_ok=True)
    (fieldwork / "incoming").mkdir(parents=True, exist_ok=True)
    _write(inputs / "README.md", _fill("inputs_README.md", values))
    _write(
        inputs / "register" / "register_template.csv",
        (TEMPLATES / "register_template.csv").read_text(encoding="utf-8"),
    )
    _instrument_templates(inputs / "instruments")
    params.parent.mkdir(parents=True, exist_ok=True)
    _write(params, _fill("cycle.yaml", values))
    return NewCycle(params=params, inputs=inputs, fieldwork=fieldwork)


def _fill(template: str, values: dict) -> str:
    return (TEMPLATES / template).read_text(encoding="utf-8").format(**values)


def _write(path: Path, text: str) -> None:
    with open(path, "x", encoding="utf-8") as out:  # "x": never overwrite
        out.write(text)


def _instrument_templates(folder: Path) -> None:
    """The instruments' templates, when :mod:`workbench.instruments` provides them."""
    try:
        from workbench.instruments import write_templates
    except ImportError:
        return
    write_templates(folder)


def _shown(path: Path) -> str:
    """Relative to the project when it lies there (the parameter file's paths are)."""
    path = Path(path).absolute()
    return (
        path.relative_to(PROJECT_ROOT).as_posix()
        if path.is_relative_to(PROJECT_ROOT)
        else str(path)
    )
