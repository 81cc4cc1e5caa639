"""Cycle parameters: load and validate ``parameters/<cycle>.yaml``.

A cycle file names the cycle, its year, the language of its reports, the seed,
where its data come from, and the stages to run with each stage's parameters.
A wrong file gets a one-line :class:`ParamsError` naming the file, the key and what was
expected. The file is read with bounds: at most :data:`MAX_BYTES`, UTF-8 text, no key twice in
one mapping, and YAML aliases that would expand to more than :data:`MAX_NODES` values are
refused (an "alias bomb" fails at once). File paths the parameters name (the register, the
field agency's delivery, the pseudonymization key) must lie in the cycle's folders --
``fieldwork/<cycle>/``, ``inputs/<cycle>/`` or ``parameters/`` -- unless the file says
``allow_outside: true``.

Examples
--------
>>> from workbench.paths import PROJECT_ROOT
>>> p = load_params(PROJECT_ROOT / "parameters" / "sabat6-demo.yaml")
>>> p.cycle, p.language, list(p.stages)[:3]
('sabat6-demo', 'ky', ['frame', 'sample_design', 'field_data'])
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from workbench.paths import PROJECT_ROOT, fieldwork_dir, inputs_dir
from workbench.stages import CYCLE_ID_RULE, STAGES, validate_stages

__all__ = [
    "CycleParams",
    "DataSource",
    "ParamsError",
    "load_params",
    "parse_params",
    "read_yaml",
    "path_parameters",
    "MAX_BYTES",
    "MAX_NODES",
]

#: the synthetic nation's reporting groups (its register has these columns)
DEMO_GROUPS = ("region", "locality", "language", "school_type", "ITSEX")
#: largest parameter file read (bytes)
MAX_BYTES = 256 * 1024
#: most values a parameter file may hold once its YAML aliases are expanded
MAX_NODES = 20_000
#: deepest nesting of mappings and lists in a parameter file
MAX_DEPTH = 50


class ParamsError(ValueError):
    """A cycle parameter file that cannot be used; the message is one line."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TrendSource(_Strict):
    """A trend cycle's synthetic nation: the base cycle's register and item bank, a new
    population of students with a planted change (:func:`workbench.synth.trend.make_trend_nation`).
    """

    base_cycle: str = Field(
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
        description="id of the base cycle: parameters/<base_cycle>.yaml",
    )
    change: float = Field(
        12.0, ge=-100, le=100, description="planted change of the national mean, points"
    )
    gap_change: float = Field(
        -10.0, ge=-100, le=100, description="planted change of the urban effect, points"
    )
    common_share: float = Field(
        0.6, gt=0, le=1, description="share of the base bank's blocks kept (trend items)"
    )


class SyntheticSource(_Strict):
    """Size of the synthetic nation (defaults: the national scale)."""

    schools: int = Field(2400, ge=50, le=10000, description="schools in the register")
    items: int = Field(60, ge=12, le=200, description="reading items in the bank")
    blocks: int = Field(6, ge=2, le=20, description="item blocks (passages) of the bank")
    trend: TrendSource | None = Field(
        None,
        description="a later cycle of a base cycle's "
        "nation (same register, planted change, common items)",
    )


class RegisterSource(_Strict):
    """A school register delivered as a file (CSV, XLSX or Parquet), read by
    :func:`workbench.register.read_register`: its column map is the only one of the cycle."""

    path: Path = Field(
        description="the register file, relative to the project folder (inputs/<cycle>/...)"
    )
    sheet: str | int | None = Field(None, description="XLSX sheet: name or position (0: first)")
    header_row: int | None = Field(
        None,
        ge=1,
        le=1000,
        description="XLSX: first row of the "
        "header (None: the first row holding every mapped column)",
    )
    columns: dict[str, str] = Field(
        default_factory=dict,
        description="file column -> workbench "
        "name; school_id and enrol_g6 are required, other columns "
        "keep their names unless mapped",
    )


class DataSource(_Strict):
    """Where a cycle's data come from."""

    source: Literal["synthetic", "register"] = "synthetic"
    synthetic: SyntheticSource = SyntheticSource()
    register_file: RegisterSource | None = Field(None, alias="register")

    @model_validator(mode="after")
    def _register_given(self) -> DataSource:
        if self.source == "register" and self.register_file is None:
            raise ValueError("source 'register' needs a 'register:' section with its path")
        return self


class CycleParams(_Strict):
    """One monitoring cycle, as described by its YAML file."""

    cycle: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="cycle id")
    title: str | dict[Literal["ky", "ru", "en"], str] = Field(
        "", description="the cycle's title: one text, or one per language {ky: .., ru: .., en: ..}"
    )
    year: int = Field(ge=2000, le=2100)
    language: Literal["ky", "ru", "en"]
    report_languages: list[Literal["ky", "ru", "en"]] = Field(
        default_factory=list,
        description="languages of the analytical report, rendered from "
        "stored tables (empty: the cycle's language); changing them reruns no stage",
    )
    seed: int = Field(ge=0)
    suppress_below: int = Field(10, ge=0, description="public tables hide cells with fewer cases")
    data: DataSource = DataSource()
    allow_outside: bool = Field(
        False,
        description="let file paths point outside the cycle's "
        "folders (fieldwork/<cycle>/, inputs/<cycle>/, parameters/)",
    )
    stages: dict[str, dict[str, Any] | None]

    def stage_params(self, name: str) -> dict[str, Any]:
        """The parameters a stage notebook receives: cycle-wide ones, then the stage's own."""
        model = STAGES[name].params.model_validate(self.stages.get(name) or {})
        own = model.model_dump(mode="json")
        if name == "frame" and own.get("strata") is None:
            own["strata"] = self.design_columns()
        given = self.stages.get(name) or {}
        if name == "weights":
            own["strata"] = self._design().strata if "sample_design" in self.stages else []
        if name == "validity":
            own["dif_language"] = "language" in self.report_groups()
        if name == "scaling":
            own["groups"] = self.report_groups()
        if name == "results":
            groups = self.report_groups()
            own["groups"] = groups
            if "indicators" not in given:
                own["indicators"] = {k: v for k, v in own["indicators"].items() if k in groups}
            if "regression" not in given:
                own["regression"] = [
                    x for x in own["regression"] if x in groups or x not in DEMO_GROUPS
                ]
        if name == "release" and "quasi_identifiers" not in given:
            own["quasi_identifiers"] = self.report_groups()
        return {
            "cycle": self.cycle,
            "lang": self.language,
            "seed": self.seed,
            "suppress_below": self.suppress_below,
            **own,
        }

    def report_groups(self) -> list[str]:
        """Columns the results are reported by and the release protects: the results stage's
        ``groups`` when the file names them, else the demo's groups (:data:`DEMO_GROUPS`) for
        the synthetic nation, else the sample design's explicit strata and the student's sex
        (``ITSEX``): nothing the register does not have.

        Examples
        --------
        >>> p = parse_params({"cycle": "x", "year": 2026, "language": "ru", "seed": 1,
        ...     "allow_outside": True,  # the doctest does not depend on $WORKBENCH_INPUTS
        ...     "data": {"source": "register", "register": {"path": "r.csv"}},
        ...     "stages": {"sample_design": {"strata": ["Район"]}}})
        >>> p.report_groups()
        ['Район', 'ITSEX']
        """
        given = (self.stages.get("results") or {}).get("groups")
        if given:
            return list(given)
        if self.data.source == "synthetic":
            return list(DEMO_GROUPS)
        strata = self._design().strata if "sample_design" in self.stages else []
        return [*strata, "ITSEX"]

    def design_columns(self) -> list[str]:
        """Register columns the sample design names (explicit strata, then sort variables
        other than the enrolment), each once: what the frame requires to be filled."""
        if "sample_design" not in self.stages:
            return []
        design = self._design()
        return [c for c in dict.fromkeys([*design.strata, *design.sort_by]) if c != "enrol_g6"]

    def _design(self):
        """The sample design stage's parameters (defaults when it names none)."""
        return STAGES["sample_design"].params.model_validate(self.stages.get("sample_design") or {})


def load_params(path: str | Path) -> CycleParams:
    """Read and validate a cycle YAML file.

    Parameters
    ----------
    path
        ``parameters/<cycle>.yaml``.

    Returns
    -------
    CycleParams
        The validated, frozen parameters.

    Raises
    ------
    ParamsError
        One line naming the file, the key and what was expected.
    """
    return parse_params(read_yaml(path), source=str(path))


def read_yaml(path: str | Path) -> Any:
    """Read a parameter file's YAML with bounds (size, text, aliases, depth, duplicate keys).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "dup.yaml"
    >>> _ = p.write_text("seed: 1\\nseed: 2\\n")
    >>> read_yaml(p)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    workbench.params.ParamsError: ...dup.yaml: seed: the key is given twice (lines 1 and 2)...
    """
    path = Path(path)
    data = _read_bytes(path)
    if b"\x00" in data:
        raise ParamsError(
            f"{path}: not a text file (it holds NUL bytes); a parameter file is YAML text in UTF-8"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ParamsError(
            f"{path}: not UTF-8 text (byte 0x{data[err.start]:02x} at offset "
            f"{err.start}); save the file as UTF-8"
        ) from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_tree(node, path)
        return loader.construct_document(node)
    except yaml.reader.ReaderError as err:
        raise ParamsError(
            f"{path}: character {err.character!r} at offset {err.position} is not "
            "allowed in YAML text; remove it"
        ) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        problem = getattr(err, "problem", None) or "not valid YAML"
        raise ParamsError(f"{path}{where}: YAML syntax error: {problem}") from None
    except RecursionError:
        raise ParamsError(
            f"{path}: mappings and lists nested too deeply (more than {MAX_DEPTH} levels)"
        ) from None
    finally:
        loader.dispose()


def path_parameters(params: CycleParams) -> list[tuple[str, Path, dict]]:
    """Every file path the parameters name, resolved: ``(key, path, marker)`` tuples.

    ``key`` is ``data.register.path`` or ``stages.<stage>.<field>``; ``marker`` is the field's
    ``json_schema_extra`` (``path``: the folder it is relative to, ``kind``: ``file`` or
    ``folder``).
    """
    found = []
    if params.data.register_file is not None:
        found.append(
            (
                "data.register.path",
                _under(PROJECT_ROOT, params.data.register_file.path),
                {"path": "project", "kind": "file"},
            )
        )
    for name, given in params.stages.items():
        model = STAGES[name].params.model_validate(given or {})
        for field_name, info in type(model).model_fields.items():
            marker = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            value = getattr(model, field_name)
            if marker.get("path") and value is not None:
                base = {
                    "fieldwork": fieldwork_dir(params.cycle),
                    "inputs": inputs_dir(params.cycle),
                }.get(marker["path"], PROJECT_ROOT)
                found.append((f"stages.{name}.{field_name}", _under(base, value), marker))
    return found


def parse_params(raw: Any, *, source: str = "<parameters>") -> CycleParams:
    """Validate an already-parsed mapping (see :func:`load_params`)."""
    if not isinstance(raw, dict):
        kind = type(raw).__name__
        raise ParamsError(f"{source}: expected a mapping of keys at the top, got {kind}")
    try:
        params = CycleParams.model_validate(raw)
    except ValidationError as err:
        raise ParamsError(_one_line(err, source)) from None
    problem = validate_stages(params.stages)
    if problem:
        raise ParamsError(f"{source}: {problem}")
    if not params.allow_outside:
        _confine(params, source)
    return params


def _confine(params: CycleParams, source: str) -> None:
    """Refuse file paths outside ``fieldwork/<cycle>/``, ``inputs/<cycle>/`` and ``parameters/``."""
    roots = (fieldwork_dir(params.cycle), inputs_dir(params.cycle), PROJECT_ROOT / "parameters")
    for key, path, _ in path_parameters(params):
        if not any(path.is_relative_to(root.resolve()) for root in roots):
            given = _given(params, key)
            raise ParamsError(
                f"{source}: {key}: {given!r} points outside the cycle's folders "
                f"(fieldwork/{params.cycle}/, inputs/{params.cycle}/, parameters/); put the "
                "file there, or set allow_outside: true at the top of the parameter file"
            )


def _given(params: CycleParams, key: str) -> str:
    if key == "data.register.path":
        return str(params.data.register_file.path)
    _, stage, field_name = key.split(".", 2)
    return str((params.stages.get(stage) or {}).get(field_name))


def _under(base: Path, value: str | Path) -> Path:
    """``base / value`` resolved (``..`` and symbolic links followed; absolute values kept)."""
    return (Path(base) / Path(str(value)).expanduser()).resolve()


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise ParamsError(f"{path}: is a folder, not a parameter file")
        if size > MAX_BYTES:
            raise ParamsError(
                f"{path}: the file has {size:,} bytes; a parameter file has at most {MAX_BYTES:,}"
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise ParamsError(f"{path}: no such parameter file") from None
    except PermissionError:
        raise ParamsError(
            f"{path}: the parameter file cannot be read (permission denied)"
        ) from None
    except OSError as err:
        raise ParamsError(
            f"{path}: the parameter file cannot be read ({err.strerror or type(err).__name__})"
        ) from None


def _check_tree(node: yaml.Node, path: Path) -> None:
    """Bound the expanded size and depth of a composed YAML tree; refuse duplicate keys."""
    sizes: dict[int, int] = {}
    if _expanded(node, sizes, set(), 0, path) > MAX_NODES:
        raise ParamsError(
            f"{path}: the YAML expands to more than {MAX_NODES:,} values "
            "(aliases such as *name repeat their anchor's content); write the "
            "values out or remove the aliases"
        )
    _duplicates(node, (), path)


def _expanded(node: yaml.Node, sizes: dict, open_: set, depth: int, path: Path) -> int:
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in open_:
        raise ParamsError(
            f"{path} line {node.start_mark.line + 1}: an alias refers to the "
            "mapping or list that contains it; remove the alias"
        )
    if depth > MAX_DEPTH:
        raise ParamsError(
            f"{path} line {node.start_mark.line + 1}: mappings and lists nested "
            f"too deeply (more than {MAX_DEPTH} levels)"
        )
    open_.add(key)
    total = 1
    if isinstance(node, yaml.SequenceNode):
        children = node.value
    elif isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    else:
        children = []
    for child in children:
        total += _expanded(child, sizes, open_, depth + 1, path)
        if total > MAX_NODES:
            break
    open_.discard(key)
    sizes[key] = total
    return total


def _duplicates(node: yaml.Node, where: tuple, path: Path) -> None:
    if isinstance(node, yaml.SequenceNode):
        for number, child in enumerate(node.value):
            _duplicates(child, (*where, str(number)), path)
    elif isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            name = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
            line = key_node.start_mark.line + 1
            if key_node.tag != "tag:yaml.org,2002:merge" and isinstance(key_node, yaml.ScalarNode):
                if name in seen:
                    key = ".".join((*where, name))
                    raise ParamsError(
                        f"{path}: {key}: the key is given twice (lines "
                        f"{seen[name]} and {line}); keep one"
                    )
                seen[name] = line
            _duplicates(value_node, (*where, name), path)


def _one_line(err: ValidationError, source: str) -> str:
    first = err.errors()[0]
    key = ".".join(str(part) for part in first["loc"]) or "(top level)"
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "string_pattern_mismatch" and key.endswith("cycle"):
        message = f"{CYCLE_ID_RULE} (got {first['input']!r})"
    elif first["type"] == "missing":
        message = "required key is missing"
    elif first["type"] == "extra_forbidden":
        message = "unknown key (check its spelling)"
    elif "input" in first and first["type"] not in {"missing"}:
        message += f" (got {_short(first['input'])})"
    more = len(err.errors()) - 1
    suffix = f" [and {more} more problem{'s' if more > 1 else ''}]" if more else ""
    return f"{source}: {key}: {message}{suffix}"


def _short(value: Any) -> str:
    """``repr`` of a given value, cut to 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
