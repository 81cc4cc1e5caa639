"""Cycle parameters: load and validate ``parameters/<cycle>.yaml``.

A cycle file names the cycle, its year, the language of its reports, the seed,
where its data come from, and the stages to run with each stage's parameters.
A wrong file gets a one-line :class:`ParamsError` naming the key and what was
expected.

Examples
--------
>>> from workbench.paths import PROJECT_ROOT
>>> p = load_params(PROJECT_ROOT / "parameters" / "sabat6-demo.yaml")
>>> p.cycle, p.language, list(p.stages)
('sabat6-demo', 'ky', ['frame', 'sample_design', 'field_data', 'weights', 'validity', 'scaling'])
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from workbench.stages import STAGES, validate_stages

__all__ = ["CycleParams", "DataSource", "ParamsError", "load_params", "parse_params"]


class ParamsError(ValueError):
    """A cycle parameter file that cannot be used; the message is one line."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TrendSource(_Strict):
    """A trend cycle's synthetic nation: the base cycle's register and item bank, a new
    population of students with a planted change (:func:`workbench.synth.trend.make_trend_nation`).
    """

    base_cycle: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$",
                            description="id of the base cycle: parameters/<base_cycle>.yaml")
    change: float = Field(12.0, ge=-100, le=100,
                          description="planted change of the national mean, points")
    gap_change: float = Field(-10.0, ge=-100, le=100,
                              description="planted change of the urban effect, points")
    common_share: float = Field(0.6, gt=0, le=1,
                                description="share of the base bank's blocks kept (trend items)")


class SyntheticSource(_Strict):
    """Size of the synthetic nation (defaults: the national scale)."""

    schools: int = Field(2400, ge=50, le=10000, description="schools in the register")
    items: int = Field(60, ge=12, le=200, description="reading items in the bank")
    blocks: int = Field(6, ge=2, le=20, description="item blocks (passages) of the bank")
    trend: TrendSource | None = Field(None, description="a later cycle of a base cycle's "
                                      "nation (same register, planted change, common items)")


class RegisterSource(_Strict):
    """A real school register delivered as a file (CSV, XLSX or Parquet)."""

    path: Path
    sheet: str | int | None = None
    columns: dict[str, str] = Field(default_factory=dict, description="file column -> our name")


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
    title: str = ""
    year: int = Field(ge=2000, le=2100)
    language: Literal["ky", "ru", "en"]
    seed: int = Field(ge=0)
    suppress_below: int = Field(10, ge=0, description="public tables hide cells with fewer cases")
    data: DataSource = DataSource()
    stages: dict[str, dict[str, Any] | None]

    def stage_params(self, name: str) -> dict[str, Any]:
        """The parameters a stage notebook receives: cycle-wide ones, then the stage's own."""
        model = STAGES[name].params.model_validate(self.stages.get(name) or {})
        return {"cycle": self.cycle, "lang": self.language, "seed": self.seed,
                "suppress_below": self.suppress_below,
                **model.model_dump(mode="json")}


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
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ParamsError(f"{path}: no such parameter file") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        problem = getattr(err, "problem", None) or "not valid YAML"
        raise ParamsError(f"{path}{where}: YAML syntax error: {problem}") from None
    return parse_params(raw, source=str(path))


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
    return params


def _one_line(err: ValidationError, source: str) -> str:
    first = err.errors()[0]
    key = ".".join(str(part) for part in first["loc"]) or "(top level)"
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "missing":
        message = "required key is missing"
    elif first["type"] == "extra_forbidden":
        message = "unknown key (check its spelling)"
    elif "input" in first and first["type"] not in {"missing"}:
        message += f" (got {first['input']!r})"
    more = len(err.errors()) - 1
    suffix = f" [and {more} more problem{'s' if more > 1 else ''}]" if more else ""
    return f"{source}: {key}: {message}{suffix}"
