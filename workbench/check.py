"""Checks before work: every file a cycle's parameters name, in the order the cycle needs them.

``workbench check parameters/<cycle>.yaml`` calls :func:`check_inputs`: the register must exist,
be readable and have every column the parameters name (the design's strata and sort variables,
the frame's strata); then the inputs later steps wait for (returned class lists, instruments,
the field agency's delivery) are listed, and the first one missing is said in one sentence
naming the file and the key. :func:`producer` says which step makes a catalog table, for the
runner's message when a stage's input is missing.

Examples
--------
>>> from workbench.params import load_params
>>> from workbench.paths import PROJECT_ROOT
>>> params = load_params(PROJECT_ROOT / "parameters" / "sabat6-demo.yaml")
>>> producer("frame", params)
"stage 'frame' (00_frame.py)"
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from workbench.params import CycleParams, ParamsError, path_parameters, read_yaml
from workbench.paths import PROJECT_ROOT, data_dir, fieldwork_dir, inputs_dir, outputs_root
from workbench.stages import STAGES

__all__ = [
    "InputCheck",
    "RunRefused",
    "check_against_data",
    "check_cycle_owner",
    "check_inputs",
    "register_problems",
    "producer",
    "missing_input",
    "design_columns_named",
    "school_columns_named",
    "shown",
    "SCHOOL_COLUMNS",
]

#: the synthetic register's school columns, named by later stages' defaults
SCHOOL_COLUMNS = ("region", "locality", "language", "school_type")
#: catalog tables the data sources make before the stages (not written by a stage)
SOURCE_TABLES = {
    "register": "the school register",
    "items": "the item bank",
    "codebooks": "the questionnaire codebooks",
}


@dataclass
class InputCheck:
    """What :func:`check_inputs` found: ``found`` lines (key, file, what), ``errors`` (one line
    each: the cycle cannot run as it is) and ``waiting`` (inputs a later step waits for, in
    flow order: ``(key, sentence)``)."""

    found: list[tuple[str, str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    waiting: list[tuple[str, str]] = field(default_factory=list)

    @property
    def next_missing(self) -> str | None:
        """The first input missing, in one sentence (``None``: nothing is missing)."""
        return self.waiting[0][1] if self.waiting else None


def check_inputs(params: CycleParams, source: str = "parameters") -> InputCheck:
    """Check every file the parameters name, in flow order (register, class lists,
    instruments, delivery, others).

    Parameters
    ----------
    params
        The cycle's validated parameters.
    source
        How messages name the parameter file.

    Returns
    -------
    InputCheck
        Errors stop the cycle (``workbench check`` exits 2); waiting inputs are told.
    """
    report = InputCheck()
    _check_register(params, source, report)
    order = list(STAGES)  # the flow, whatever the file's order
    later = sorted(
        (item for item in path_parameters(params) if item[0] != "data.register.path"),
        key=lambda item: order.index(item[0].split(".")[1]),
    )
    instruments_done = False
    for key, path, marker in later:
        stage = key.split(".")[1]
        if stage == "field_data" and not instruments_done:
            _check_instruments(params, report)
            instruments_done = True
        if (
            params.data.source == "synthetic"
            and STAGES[stage].prepare
            and not path.exists()
            and not marker.get("created")
        ):
            report.found.append(
                (key, shown(path), f"the synthetic nation writes it before stage {stage!r} runs")
            )
            continue
        if stage == "sample_design" and key.endswith(".class_lists"):
            _check_class_lists(params, path, report)
            continue
        _check_path(params, key, path, marker, report)
    if not instruments_done:
        _check_instruments(params, report)
    return report


def register_problems(params: CycleParams, source: str = "parameters") -> list[str]:
    """What makes an existing register unusable for these parameters (unreadable, a mapped
    column absent, a stratum it lacks): one line each; ``[]`` also when there is no register
    file (the runner says that itself)."""
    if params.data.source != "register" or not _register_path(params).is_file():
        return []
    report = InputCheck()
    _check_register(params, source, report)
    return report.errors


def producer(entry: str, params: CycleParams | None = None) -> str:
    """Which step makes the catalog table ``entry``: a stage, or the data sources.

    Examples
    --------
    >>> producer("register").split(" (")[0]
    'the data preparation before the stages'
    """
    writer = next((s for s in STAGES.values() if entry in s.outputs), None)
    if writer is not None:
        return f"stage {writer.name!r} ({writer.notebook})"
    what = SOURCE_TABLES.get(entry, f"the table {entry!r}")
    if entry in ("items", "codebooks") and params is not None:
        origin = (
            f"{shown(inputs_dir(params.cycle) / 'instruments')}/instruments.yaml (or "
            ".xlsx), read before the first stage"
        )
    elif params is not None and params.data.source == "register":
        origin = f"data.register.path: {shown(_register_path(params))}"
    elif params is not None:
        origin = "the synthetic nation, data.source: synthetic"
    else:
        origin = "data.register.path, or the synthetic nation"
    return f"the data preparation before the stages ({what}: {origin})"


def missing_input(stage: str, entry: str, path: Path, params: CycleParams | None = None) -> str:
    """One sentence for a stage whose catalog input is missing: the input and the step that
    makes it.

    Examples
    --------
    >>> missing_input("sample_design", "frame", Path("outputs/x/data/frame.parquet"))
    "stage 'sample_design' needs 'frame' (outputs/x/data/frame.parquet), which stage 'frame' \
(00_frame.py) makes: run that stage first"
    """
    made_by = producer(entry, params)
    advice = (
        "run that stage first"
        if made_by.startswith("stage ")
        else "run the cycle without --stage so the sources are prepared"
    )
    return f"stage {stage!r} needs {entry!r} ({shown(path)}), which {made_by} makes: {advice}"


def design_columns_named(params: CycleParams) -> dict[str, list[str]]:
    """Register columns each parameter key names: ``{key: [columns]}`` (the frame's strata when
    given, the design's strata and sort variables)."""
    named = {}
    if (params.stages.get("frame") or {}).get("strata") is not None:  # else: the design's
        named["stages.frame.strata"] = list(params.stages["frame"]["strata"])
    if "sample_design" in params.stages:
        design = params.stage_params("sample_design")
        named["stages.sample_design.strata"] = list(design["strata"])
        named["stages.sample_design.sort_by"] = list(design["sort_by"])
    return named


def school_columns_named(params: CycleParams) -> dict[str, list[str]]:
    """The demo register's school columns (:data:`SCHOOL_COLUMNS`) that later stages name
    (report groups, model predictors, quasi-identifiers; their defaults name them): a real
    register must have them, or the parameters must name its own columns instead."""
    keys = {
        "results": ("groups", "regression", "indicators"),
        "release": ("quasi_identifiers", "suppress_order"),
    }
    named = {}
    for stage, fields in keys.items():
        if stage not in params.stages:
            continue
        given = params.stage_params(stage)
        for name in fields:
            values = list(given.get(name) or [])
            school = [v for v in values if v in SCHOOL_COLUMNS]
            if school:
                named[f"stages.{stage}.{name}"] = school
    return named


class RunRefused(RuntimeError):
    """The run cannot start: the cycle is being run, or its id belongs to another file."""


def check_cycle_owner(params_path: str | Path, params: CycleParams) -> None:
    """Refuse a cycle id that another file in ``parameters/`` names too.

    Raises
    ------
    RunRefused
        One sentence naming both files.
    """
    here = Path(params_path).resolve()
    for other in sorted((PROJECT_ROOT / "parameters").glob("*.y*ml")):
        if other.resolve() == here:
            continue
        try:
            raw = read_yaml(other)
        except ParamsError:
            continue
        if isinstance(raw, dict) and raw.get("cycle") == params.cycle:
            raise RunRefused(
                f"{shown(params_path)}: cycle: the cycle id {params.cycle!r} is "
                f"also used by {shown(other)}; each cycle needs its own id "
                "(outputs/<cycle>/ would be overwritten), so rename one of them"
            )


def check_against_data(params: CycleParams, source: str, *, stage: str | None = None) -> None:
    """Check stage parameters (of all stages, or of ``stage``) against the cycle's data when
    they exist (the item bank).

    Raises
    ------
    ParamsError
        ``<file>: stages.<stage>.exclude_items: ...`` naming the items not in the bank.
    """
    bank = data_dir(params.cycle) / "items.parquet"
    for name, given in params.stages.items():
        if stage is not None and name != stage:
            continue
        excluded = (given or {}).get("exclude_items") or []
        if not excluded or not bank.exists():
            continue
        import pandas as pd

        known = set(pd.read_parquet(bank, columns=["item_id"])["item_id"].astype(str))
        unknown = [item for item in excluded if str(item) not in known]
        if unknown:
            raise ParamsError(
                f"{source}: stages.{name}.exclude_items: {', '.join(unknown)} "
                f"{'is' if len(unknown) == 1 else 'are'} not in the item bank "
                f"({len(known)} items, e.g. {', '.join(sorted(known)[:3])}); "
                "check the item ids"
            )


def shown(path: Path) -> str:
    """A path as messages show it: under ``inputs/``, ``fieldwork/``, ``outputs/`` or the
    project when it lies there (wherever the environment moves those folders)."""
    path = Path(path).absolute()
    roots = (
        (inputs_dir("x").parent, "inputs/"),
        (fieldwork_dir("x").parent, "fieldwork/"),
        (outputs_root(), "outputs/"),
        (PROJECT_ROOT, ""),
    )
    for root, prefix in roots:
        if path.is_relative_to(root):
            return prefix + path.relative_to(root).as_posix()
    return str(path)


# ----------------------------------------------------------------------------- steps


def _register_path(params: CycleParams) -> Path:
    path = params.data.register_file.path
    return path if path.is_absolute() else PROJECT_ROOT / path


def _check_register(params: CycleParams, source: str, report: InputCheck) -> None:
    if params.data.source != "register":
        report.found.append(("data.source", "synthetic", "the synthetic nation makes the register"))
        return
    from workbench.register import RegisterError, read_register

    spec = params.data.register_file
    path = _register_path(params)
    if not path.is_file():
        report.errors.append(
            f"{source}: data.register.path: the register file {shown(path)} "
            "does not exist; put the department's register there (CSV or "
            "XLSX) or correct the path"
        )
        report.waiting.append(
            (
                "data.register.path",
                f"the school register {shown(path)} (data.register.path) is missing",
            )
        )
        return
    try:
        register = read_register(
            path,
            columns=spec.columns,
            sheet=spec.sheet,
            header_row=spec.header_row,
            shown=shown(path),
        )
    except RegisterError as err:
        report.errors.append(str(err))
        return
    columns = [c for c in register.columns if c != "register_row"]
    for key, names in {**design_columns_named(params), **school_columns_named(params)}.items():
        absent = [name for name in names if name not in columns]
        if absent:
            report.errors.append(
                f"{source}: {key}: {', '.join(repr(a) for a in absent)} "
                f"{'is not a column' if len(absent) == 1 else 'are not columns'} of the register "
                f"{shown(path)}; its columns are {', '.join(repr(c) for c in columns[:15])} "
                "(map a file column under data.register.columns, or name one of these)"
            )
    report.found.append(
        (
            "data.register.path",
            shown(path),
            f"{len(register)} records, columns {', '.join(columns[:8])}"
            f"{' ...' if len(columns) > 8 else ''}",
        )
    )


def _check_class_lists(params: CycleParams, folder: Path, report: InputCheck) -> None:
    key = "stages.sample_design.class_lists"
    try:
        from workbench.sampling.forms import waiting_for
    except ImportError:
        waiting_for = None
    if not folder.is_dir():
        report.waiting.append(
            (
                key,
                f"the folder {shown(folder)} ({key}) for the returned class "
                "lists does not exist; `workbench new-cycle` makes it",
            )
        )
        return
    waiting = waiting_for(params) if waiting_for is not None else []
    for wait_key, _, sentence in waiting:
        report.waiting.append((wait_key, sentence))
    if not waiting:
        report.found.append(
            (key, shown(folder), "class lists: none missing (or the schools are not sampled yet)")
        )


def _check_instruments(params: CycleParams, report: InputCheck) -> None:
    if params.data.source != "register" or "field_data" not in params.stages:
        return
    try:
        from workbench.instruments import InstrumentError, instruments_file, read_instruments
    except ImportError:
        return
    folder = inputs_dir(params.cycle) / "instruments"
    try:
        found = instruments_file(folder)
        if found is not None:
            read_instruments(folder, shown=f"{shown(folder)}/")
    except InstrumentError as err:
        report.errors.append(str(err))
        return
    if found is None:
        report.waiting.append(
            (
                "inputs/<cycle>/instruments",
                f"{shown(folder)}: no "
                "instruments.yaml or instruments.xlsx; the field-data stage "
                "needs the item bank (keys, maximum scores, blocks)",
            )
        )
    else:
        report.found.append(("instruments", shown(found), "the item bank and booklet design"))


def _check_path(
    params: CycleParams, key: str, path: Path, marker: dict, report: InputCheck
) -> None:
    stage, name = key.split(".")[1:3]
    model = STAGES[stage].params.model_fields[name]
    what = model.description or name
    kind = marker.get("kind", "file")
    present = path.is_dir() if kind == "folder" else path.is_file()
    if present:
        report.found.append((key, shown(path), what))
    elif not (marker.get("created") or marker.get("optional")):
        report.waiting.append(
            (
                key,
                f"the {kind} {shown(path)} ({key}: {what}) does not exist; "
                f"stage {stage!r} reads it",
            )
        )
