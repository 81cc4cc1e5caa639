"""Parameters of a school/college internal monitoring cycle (``kind: school_monitoring``).

Each stage notebook (``notebooks/s10_district.py`` ... ``s50_plan.py``) receives ``cycle``,
``lang``, ``seed`` and its own parameters, validated by the models here.
:func:`load_school_monitoring` validates a whole cycle file (one-line errors naming the key).

Examples
--------
>>> from workbench.paths import PROJECT_ROOT
>>> p = load_school_monitoring(PROJECT_ROOT / "parameters" / "school-monitoring-demo.yaml")
>>> p.kind, p.stage("s40_development").years
('school_monitoring', 5)
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from workbench.indicators.params import read_bounded_yaml, validate_cycle

__all__ = [
    "DistrictParams",
    "IndicatorsParams",
    "AnalysisParams",
    "DevelopmentParams",
    "PlanParams",
    "Activity",
    "SchoolMonitoringCycle",
    "SCHOOL_STAGES",
    "load_school_monitoring",
    "stage_parameters",
    "DEFAULT_PLAN",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DistrictParams(_Strict):
    """Stage s10: the data of the schools and colleges and the two registers."""

    source: Literal["synthetic", "files"] = Field(
        "synthetic",
        description="synthetic: draw the district set (written to "
        "inputs/<cycle>/ first); files: read the files already there",
    )
    years: list[int] = Field(
        default=[2024, 2025, 2026],
        min_length=1,
        description="school years (by the calendar year they end in)",
    )
    as_of: date = Field(
        date(2026, 9, 1),
        description="reference date of the five-year rule and of the plan (1 September, 004 §7.3)",
    )
    schools_per_district: int = Field(
        6, ge=2, le=60, description="synthetic: schools per district (2 oblasts x 2 districts)"
    )
    teacher_columns: dict[str, str] = Field(
        default_factory=dict, description="teacher register: {file column: workbench name}"
    )
    course_columns: dict[str, str] = Field(
        default_factory=dict, description="course register: {file column: workbench name}"
    )

    @model_validator(mode="after")
    def _sorted_years(self) -> DistrictParams:
        if list(self.years) != sorted(set(self.years)):
            raise ValueError(f"years must be increasing and distinct (got {self.years})")
        return self


class IndicatorsParams(_Strict):
    """Stage s20: the indicators at every level."""

    school_framework: str = Field("school_internal", description="invariant part (schools)")
    college_framework: str = Field("college_internal", description="invariant part (colleges)")
    variable_parts: list[str] = Field(
        default=["variable_part.yaml"],
        description="schools' own parts: files under inputs/<cycle>/",
    )


class AnalysisParams(_Strict):
    """Stage s30: dynamic and comparative analysis."""

    size_bands: list[int] = Field(
        default=[300, 800],
        min_length=2,
        max_length=2,
        description="students: small below the first, large from the second",
    )
    similar_by: list[Literal["locality", "language", "size_band"]] = Field(
        default=["locality", "language", "size_band"], description="schools like it"
    )
    min_similar: int = Field(3, ge=1, description="fewer similar schools: no comparison")
    margin: float = Field(
        5.0, ge=0, description="exact indicators: a difference counts beyond this many points"
    )
    results: list[str] = Field(
        default=["R1", "R3"],
        min_length=1,
        description="an improving school improved on all of these",
    )
    level: float = Field(0.95, gt=0.5, lt=1, description="confidence level")


class DevelopmentParams(_Strict):
    """Stage s40: teachers' professional development (instruction 003)."""

    years: int = Field(
        5, ge=1, le=10, description="a course at least once every so many years (003 §13)"
    )
    soon_months: int = Field(12, ge=1, le=36, description="due within this many months: due soon")
    course_months: list[int] = Field(
        default=[9, 10, 11, 1, 2, 3, 4, 5],
        min_length=1,
        description="months with courses in the school year",
    )
    capacity_per_month: int = Field(40, ge=1, description="course places a month (all schools)")
    per_school_month: int = Field(3, ge=1, description="teachers a school can release a month")

    @model_validator(mode="after")
    def _months(self) -> DevelopmentParams:
        if any(not 1 <= m <= 12 for m in self.course_months):
            raise ValueError(f"course_months must be 1..12 (got {self.course_months})")
        return self


class Activity(_Strict):
    """One line of the yearly monitoring plan (004 §4.4, §5.4)."""

    direction: str = Field(description="a direction id of the framework")
    method: Literal["expert", "test", "survey", "rating", "observation", "statistics"]
    form: Literal["permanent", "periodic", "unplanned"]
    months: list[int] = Field(default_factory=list, description="empty: permanent or unplanned")
    responsible: Literal[
        "director",
        "deputy_director",
        "methodical_union",
        "class_teacher",
        "psychologist",
        "council",
    ]

    @model_validator(mode="after")
    def _months_of_form(self) -> Activity:
        if self.form == "periodic" and not self.months:
            raise ValueError("a periodic activity needs months")
        if any(not 1 <= m <= 12 for m in self.months):
            raise ValueError(f"months must be 1..12 (got {self.months})")
        return self


DEFAULT_PLAN = [
    {
        "direction": "results",
        "method": "test",
        "form": "periodic",
        "months": [10, 5],
        "responsible": "deputy_director",
    },
    {
        "direction": "results",
        "method": "statistics",
        "form": "periodic",
        "months": [1, 6],
        "responsible": "deputy_director",
    },
    {
        "direction": "results",
        "method": "survey",
        "form": "periodic",
        "months": [4],
        "responsible": "class_teacher",
    },
    {
        "direction": "process",
        "method": "observation",
        "form": "permanent",
        "months": [],
        "responsible": "methodical_union",
    },
    {
        "direction": "olympiads",
        "method": "statistics",
        "form": "periodic",
        "months": [12, 3],
        "responsible": "deputy_director",
    },
    {
        "direction": "innovation",
        "method": "expert",
        "form": "periodic",
        "months": [2],
        "responsible": "methodical_union",
    },
    {
        "direction": "support",
        "method": "expert",
        "form": "periodic",
        "months": [9],
        "responsible": "director",
    },
    {
        "direction": "upbringing",
        "method": "statistics",
        "form": "periodic",
        "months": [11, 4],
        "responsible": "deputy_director",
    },
    {
        "direction": "self_government",
        "method": "expert",
        "form": "periodic",
        "months": [3],
        "responsible": "council",
    },
    {
        "direction": "social_support",
        "method": "survey",
        "form": "periodic",
        "months": [11],
        "responsible": "psychologist",
    },
    {
        "direction": "health_safety",
        "method": "observation",
        "form": "permanent",
        "months": [],
        "responsible": "director",
    },
    {
        "direction": "health_safety",
        "method": "expert",
        "form": "unplanned",
        "months": [],
        "responsible": "director",
    },
]


class PlanParams(_Strict):
    """Stage s50: the yearly monitoring plan (004 §7.3: drawn up each 1 September)."""

    framework: str = Field("school_internal", description="directions of the plan")
    institution: str = Field(
        "", description="the school the plan is for (empty: a blank line for the school's name)"
    )
    languages: list[Literal["ky", "ru"]] = Field(
        default=["ky", "ru"], min_length=1, description="printed plan's languages"
    )
    activities: list[Activity] = Field(default=[Activity(**a) for a in DEFAULT_PLAN], min_length=1)


#: stage -> (notebook, parameter model)
SCHOOL_STAGES: dict[str, tuple[str, type[_Strict]]] = {
    "s10_district": ("s10_district.py", DistrictParams),
    "s20_indicators": ("s20_indicators.py", IndicatorsParams),
    "s30_analysis": ("s30_analysis.py", AnalysisParams),
    "s40_development": ("s40_development.py", DevelopmentParams),
    "s50_plan": ("s50_plan.py", PlanParams),
}


class SchoolMonitoringCycle(_Strict):
    """A school/college internal monitoring cycle file."""

    cycle: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    kind: Literal["school_monitoring"]
    title: str | dict[str, str] = ""
    year: int = Field(ge=2000, le=2100)
    language: Literal["ky", "ru", "en"]
    report_languages: list[Literal["ky", "ru", "en"]] = Field(default_factory=list)
    seed: int = Field(ge=0)
    suppress_below: int = Field(5, ge=0)
    stages: dict[str, dict | None]

    def stage(self, name: str) -> _Strict:
        """The validated parameters of one stage (defaults when the file leaves it empty)."""
        if name not in SCHOOL_STAGES:
            raise KeyError(
                f"SchoolMonitoringCycle.stage: unknown stage {name!r}; stages are "
                f"{list(SCHOOL_STAGES)}"
            )
        return SCHOOL_STAGES[name][1].model_validate(self.stages.get(name) or {})

    def stage_params(self, name: str) -> dict:
        """What the stage's notebook receives (the runner's interface for every kind)."""
        return stage_parameters(self, name)


#: stages publishing counts of people per school: they receive the cycle's ``suppress_below``
SUPPRESSING_STAGES = ("s20_indicators", "s40_development")


def stage_parameters(cycle: SchoolMonitoringCycle, stage: str) -> dict:
    """What a stage notebook receives: ``cycle, lang, seed`` then its own parameters (and
    ``suppress_below`` for :data:`SUPPRESSING_STAGES`)."""
    return {
        "cycle": cycle.cycle,
        "lang": cycle.language,
        "seed": cycle.seed,
        **cycle.stage(stage).model_dump(mode="json"),
        **({"suppress_below": cycle.suppress_below} if stage in SUPPRESSING_STAGES else {}),
    }


def load_school_monitoring(path: str | Path) -> SchoolMonitoringCycle:
    """Read and validate a school-monitoring cycle file.

    Raises
    ------
    ValueError
        One line naming the file and the key, e.g. ``parameters/x.yaml:
        stages.s40_development.capacity_per_month: Input should be greater than or equal to 1
        (got 0)``.
    """
    path = Path(path)
    where = f"load_school_monitoring: {path.name}"
    raw = read_bounded_yaml(path, where)
    return validate_cycle(
        SchoolMonitoringCycle, raw, SCHOOL_STAGES, first="s10_district", where=where
    )
