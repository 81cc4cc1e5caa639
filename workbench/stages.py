"""The stages of a cycle: which notebook runs each, what it reads and writes.

The runner and the parameter validator both read this registry; adding a stage
means adding its notebook, its parameter model and one entry here.

Examples
--------
>>> STAGES["frame"].notebook
'00_frame.py'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = ["Stage", "STAGES", "FrameParams", "FrameColumns", "validate_stages"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FrameColumns(_Strict):
    """Names of the register's columns, so the stage runs on a register it has never seen."""

    school_id: str = "school_id"
    region: str = "region"
    locality: str = "locality"
    language: str = "language"
    school_type: str = "school_type"
    enrolment: str = "enrol_g6"


class FrameParams(_Strict):
    """Parameters of the frame review stage (``00_frame``)."""

    columns: FrameColumns = FrameColumns()
    strata: list[str] = Field(
        default=["region", "locality", "language"],
        description="frame roles (keys of 'columns') that must be filled for every school",
    )
    min_enrolment: int = Field(1, ge=1, description="schools with fewer grade-6 students are out")


@dataclass(frozen=True)
class Stage:
    """A stage: its notebook, its parameter model, the catalog entries it reads and writes."""

    name: str
    notebook: str
    params: type[BaseModel]
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]


STAGES: dict[str, Stage] = {
    "frame": Stage(
        name="frame",
        notebook="00_frame.py",
        params=FrameParams,
        inputs=("register",),
        outputs=("frame",),
    ),
}


def validate_stages(stages: dict[str, Any]) -> str | None:
    """Check that every stage is known and its parameters fit its model.

    Returns ``None`` when all is well, else one line naming ``stages.<name>.<key>`` and
    what was expected.
    """
    if not stages:
        return "stages: no stages listed; name at least one of " + ", ".join(STAGES)
    for name, given in stages.items():
        if name not in STAGES:
            return f"stages.{name}: unknown stage; known stages are {', '.join(STAGES)}"
        try:
            STAGES[name].params.model_validate(given or {})
        except ValidationError as err:
            first = err.errors()[0]
            key = ".".join(str(part) for part in (name, *first["loc"]))
            what = "unknown key (check its spelling)" if first["type"] == "extra_forbidden" \
                else first["msg"]
            if first["type"] not in {"extra_forbidden", "missing"}:
                what += f" (got {first['input']!r})"
            return f"stages.{key}: {what}"
    return None
