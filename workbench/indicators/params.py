"""Parameters of the teacher-education monitoring stages (a cycle of ``kind: teacher_ed``).

Each stage notebook (``notebooks/t10_sector.py`` ... ``t50_comparison.py``) receives the
cycle-wide ``cycle``, ``lang``, ``seed`` and its own parameters, validated by the models here.
:func:`load_teacher_ed` validates a whole cycle file on its own (one-line errors naming the
key), for use before the runner knows the kind.

Examples
--------
>>> from workbench.paths import PROJECT_ROOT
>>> p = load_teacher_ed(PROJECT_ROOT / "parameters" / "teacher-ed-pilot.yaml")
>>> p.kind, p.stage("t10_sector").pilot_per_level
('teacher_ed', 2)
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from workbench.params import ParamsError, read_yaml

__all__ = [
    "SectorParams",
    "SurveysParams",
    "IndicatorsParams",
    "CompositeParams",
    "ComparisonParams",
    "TeacherEdCycle",
    "STAGE_MODELS",
    "validate_cycle",
    "read_bounded_yaml",
    "first_error",
    "load_teacher_ed",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SectorParams(_Strict):
    """Stage t10 (sector and delivery): the synthetic sector and which institutions take part."""

    institutions: int = Field(80, ge=8, le=500, description="institutions in the sector")
    years: list[int] = Field(
        default=[2025, 2026],
        min_length=1,
        description="monitoring years (the last is the cycle's year)",
    )
    pilot_per_level: int | None = Field(
        None,
        ge=1,
        le=10,
        description="pilot: institutions per level (concept 000 §7: 2); None = all",
    )
    faults: bool = Field(True, description="plant faults in the survey delivery")

    @model_validator(mode="after")
    def _sorted_years(self) -> SectorParams:
        if list(self.years) != sorted(set(self.years)):
            raise ValueError(f"years must be increasing and distinct (got {self.years})")
        return self


class SurveysParams(_Strict):
    """Stage t20 (survey intake and scale validation)."""

    min_alpha: float = Field(0.7, gt=0, lt=1, description="scales need Cronbach's alpha >= this")
    min_cfi: float = Field(0.9, gt=0, le=1, description="one-factor CFA: CFI at least")
    max_rmsea: float = Field(0.08, gt=0, lt=1, description="one-factor CFA: RMSEA at most")
    focal: str = Field("ru", description="DIF and invariance: this respondent language ...")
    reference: str = Field("ky", description="... against this one")
    dif_classes: list[Literal["B", "C"]] = Field(
        default=["C"], min_length=1, description="ETS classes that drop an item"
    )
    min_group: int = Field(
        100,
        ge=10,
        description="DIF and invariance across language need "
        "this many complete answers per language (else: not tested)",
    )


class IndicatorsParams(_Strict):
    """Stage t30 (indicators with their uncertainty)."""

    framework: str = Field("teacher_education", description="workbench/frameworks/<name>.yaml")
    min_n: int = Field(10, ge=2, description="flag survey indicators with fewer respondents")
    min_rate: float = Field(0.2, ge=0, le=1, description="flag response rates below this")
    ci: float = Field(0.95, gt=0.5, lt=1, description="confidence level")


class Alternatives(_Strict):
    """The alternatives the sensitivity analysis runs through."""

    normalisations: list[Literal["minmax", "zscore", "rank"]] = ["minmax", "zscore", "rank"]
    weightings: list[Literal["equal_groups", "equal_indicators", "custom"]] = [
        "equal_groups",
        "equal_indicators",
    ]
    aggregations: list[Literal["arithmetic", "geometric"]] = ["arithmetic", "geometric"]


class CompositeParams(_Strict):
    """Stage t40 (composite index and its sensitivity analysis)."""

    normalisation: Literal["minmax", "zscore", "rank"] = "minmax"
    weighting: Literal["equal_groups", "equal_indicators", "custom"] = "equal_groups"
    aggregation: Literal["arithmetic", "geometric"] = "arithmetic"
    custom_weights: dict[str, float] = Field(
        default_factory=dict, description="group -> weight (weighting: custom)"
    )
    alternatives: Alternatives = Alternatives()
    n_draws: int = Field(500, ge=10, le=20000, description="Monte Carlo draws")
    weight_concentration: float = Field(
        20.0,
        gt=0,
        description="Dirichlet concentration of the drawn weights (larger: closer to nominal)",
    )
    top_share: float = Field(0.25, gt=0, lt=1, description="share called the top group")

    @model_validator(mode="after")
    def _custom_given(self) -> CompositeParams:
        if self.weighting == "custom" and not self.custom_weights:
            raise ValueError("weighting 'custom' needs custom_weights (group: weight)")
        return self


class ComparisonParams(_Strict):
    """Stage t50 (comparison with sector and peers, change, employment cohorts)."""

    peer: Literal["level", "oblast"] = Field("level", description="peer groups")
    alpha: float = Field(0.05, gt=0, lt=0.5, description="significance level")


#: stage -> (notebook, parameter model); the runner's entries: :mod:`.stages`
STAGE_MODELS: dict[str, tuple[str, type[_Strict]]] = {
    "t10_sector": ("t10_sector.py", SectorParams),
    "t20_surveys": ("t20_surveys.py", SurveysParams),
    "t30_indicators": ("t30_indicators.py", IndicatorsParams),
    "t40_composite": ("t40_composite.py", CompositeParams),
    "t50_comparison": ("t50_comparison.py", ComparisonParams),
}


class TeacherEdCycle(_Strict):
    """A teacher-education monitoring cycle file (``stages``: stage -> its parameters)."""

    cycle: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    kind: Literal["teacher_ed"]
    title: str | dict[Literal["ky", "ru", "en"], str] = Field(
        "", description="one text, or one per language {ky: .., ru: .., en: ..}"
    )
    year: int = Field(ge=2000, le=2100)
    language: Literal["ky", "ru", "en"]
    report_languages: list[Literal["ky", "ru", "en"]] = Field(
        default_factory=list,
        description="languages the reports are rendered in (empty: the "
        "cycle's language); changing them reruns no stage",
    )
    seed: int = Field(ge=0)
    suppress_below: int = Field(5, ge=0)
    stages: dict[str, dict | None]

    def stage(self, name: str) -> _Strict:
        """The validated parameters of one stage (defaults when the file leaves it empty)."""
        if name not in STAGE_MODELS:
            raise KeyError(
                f"TeacherEdCycle.stage: unknown stage {name!r}; stages are {list(STAGE_MODELS)}"
            )
        return STAGE_MODELS[name][1].model_validate(self.stages.get(name) or {})

    def stage_params(self, name: str) -> dict:
        """What the stage notebook receives (the runner's call): ``cycle, lang, seed`` then the
        stage's own parameters."""
        return {
            "cycle": self.cycle,
            "lang": self.language,
            "seed": self.seed,
            **self.stage(name).model_dump(mode="json"),
        }


def load_teacher_ed(path: str | Path) -> TeacherEdCycle:
    """Read and validate a teacher-education cycle file.

    Raises
    ------
    ValueError
        One line naming the file and the key, e.g.
        ``parameters/x.yaml: stages.t40_composite.n_draws: Input should be greater than or
        equal to 10 (got 3)``.
    """
    path = Path(path)
    where = f"load_teacher_ed: {path}"
    raw = read_bounded_yaml(path, where)
    return validate_cycle(TeacherEdCycle, raw, STAGE_MODELS, first="t10_sector", where=where)


def read_bounded_yaml(path: Path, where: str, error: type[ValueError] = ValueError):
    """A cycle or framework file's YAML read by :func:`workbench.params.read_yaml` (bounded:
    size, aliases, depth, keys given twice); its one-line message starts with ``where`` (the
    caller and the file as the caller names it) and is raised as ``error``.

    >>> read_bounded_yaml(Path("no-such.yaml"), "load_x: no-such.yaml")
    Traceback (most recent call last):
    ValueError: load_x: no-such.yaml: no such parameter file
    """
    try:
        return read_yaml(path)
    except ParamsError as exc:
        raise error(f"{where}{str(exc).removeprefix(str(path))}") from None


def validate_cycle(model, raw, stage_models: dict, *, first: str, where: str):
    """Validate a cycle file's content read as ``raw`` against ``model``: known stages, each
    stage's parameters, and ``year`` the last of the ``first`` stage's years; every error is one
    line starting with ``where`` (the caller and the file) and naming the key.

    >>> validate_cycle(TeacherEdCycle, {"cycle": 3}, STAGE_MODELS, first="t10_sector",
    ...                where="x.yaml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: x.yaml: ...
    """
    prefix: tuple = ()
    try:
        cycle = model.model_validate(raw)
        unknown = sorted(set(cycle.stages) - set(stage_models))
        if unknown:
            raise ValueError(
                f"{where}: stages: unknown stage(s) {unknown}; stages are {list(stage_models)}"
            )
        for name in cycle.stages:
            prefix = ("stages", name)
            cycle.stage(name)
        years = cycle.stage(first).years
        if years[-1] != cycle.year:
            raise ValueError(
                f"{where}: year: {cycle.year} must be the last of stages.{first}.years ({years})"
            )
        return cycle
    except ValidationError as exc:
        raise ValueError(f"{where}: {first_error(exc, prefix)}") from None


def first_error(exc: ValidationError, prefix: tuple = ()) -> str:
    """The first error of a validation as one line: ``key: message (got value)``, the key
    dotted and led by ``prefix``; a mapping or list given is not repeated.

    >>> try:
    ...     SectorParams(institutions=3)
    ... except ValidationError as exc:
    ...     print(first_error(exc, ("stages", "t10_sector")))
    stages.t10_sector.institutions: Input should be greater than or equal to 8 (got 3)
    """
    err = exc.errors()[0]
    key = ".".join(str(p) for p in (*prefix, *err["loc"])) or "(top level)"
    got = "" if isinstance(err.get("input"), dict | list) else f" (got {err['input']!r})"
    return f"{key}: {err['msg'].removeprefix('Value error, ')}{got}"
