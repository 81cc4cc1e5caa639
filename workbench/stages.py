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
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

__all__ = [
    "Stage",
    "STAGES",
    "CycleKind",
    "KINDS",
    "cycle_kind",
    "stages_for",
    "load_cycle",
    "FrameParams",
    "SampleDesignParams",
    "FieldDataParams",
    "FIELD_TABLES",
    "WeightsParams",
    "ValidityParams",
    "ScalingParams",
    "ResultsParams",
    "validate_stages",
    "CYCLE_ID_RULE",
    "DesignStudyParams",
    "ReleaseParams",
]

#: a cycle id in plain words (the pattern ``^[a-z0-9][a-z0-9_-]*$``)
CYCLE_ID_RULE = (
    "a cycle id is lower-case Latin letters, digits, '-' and '_', starting with a letter or digit"
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FrameParams(_Strict):
    """Parameters of the frame review stage (``00_frame``).

    The register's columns are named once, in ``data.register.columns``; here columns are
    named by their workbench names (``school_id``, ``enrol_g6`` and the register's others).
    """

    strata: list[str] | None = Field(
        default=None,
        description="register columns that must be filled for every school, "
        "also tabulated in the report (None: the sample design's strata and sort variables)",
    )
    min_enrolment: int = Field(1, ge=1, description="schools with fewer grade-6 students are out")

    @model_validator(mode="before")
    @classmethod
    def _column_map_moved(cls, given: Any) -> Any:
        if isinstance(given, dict) and "columns" in given:
            raise ValueError(
                "the register's column map is given once, under data.register."
                "columns (file column -> workbench name); remove stages.frame."
                "columns"
            )
        return given


class ClassSampling(_Strict):
    """How many intact classes each sampled school gives (equal probability within school)."""

    per_school: int = Field(1, ge=1)
    large_mos: int | None = Field(150, ge=1, description="schools above this MOS are large")
    per_large_school: int = Field(2, ge=1)


class Planning(_Strict):
    """Assumptions of the sample-size planning table."""

    icc: list[float] = Field(default=[0.3, 0.4, 0.5], min_length=1)
    class_size: list[float] = Field(default=[20, 25], min_length=1)
    n_eff: float = Field(400, gt=0, description="target effective sample size")


class SampleDesignParams(_Strict):
    """Parameters of the sample design stage (``10_sample_design``)."""

    n_schools: int = Field(200, ge=2)
    strata: list[str] = Field(
        default=[], description="explicit strata: register columns (none: one stratum)"
    )
    sort_by: list[str] = Field(
        default=["enrol_g6"],
        description="implicit stratification (serpentine sort): register columns, outermost first",
    )
    allocation: Literal["proportional", "equal"] = "proportional"
    minimum: int = Field(2, ge=0, description="schools per explicit stratum at least")
    warn_minimum_share: float = Field(
        0.5,
        gt=0,
        le=1,
        description="warn when the minimum per stratum places more than this share of the schools",
    )
    small_mos: int | None = Field(8, ge=1, description="very small schools: MOS below this")
    small_rule: Literal["exclude", "stratum"] = "exclude"
    exclusion_limit: float = Field(0.05, gt=0, le=0.2)
    replacements: int = Field(2, ge=0, le=2)
    classes: ClassSampling = ClassSampling()
    planning: Planning = Planning()
    evaluation_reps: int = Field(
        1000, ge=50, le=20000, description="simulated samples of the design evaluation"
    )
    domain_reps: int = Field(
        200,
        ge=20,
        le=20000,
        description="samples of the domain "
        "evaluation through the real chain (selection, weights, JK2)",
    )
    class_lists: str = Field(
        "class_lists",
        description="the class lists the sampled schools return: folder under inputs/<cycle>/",
        json_schema_extra={"path": "inputs", "kind": "folder"},
    )


#: de-identified tables the field-data stage writes, one per kind of return (+ scores)
FIELD_TABLES = (
    "school_tracking",
    "class_tracking",
    "student_tracking",
    "booklets",
    "scored_responses",
    "student_questionnaire",
    "teacher_questionnaire",
    "principal_questionnaire",
    "parent_questionnaire",
    "double_coding",
)


class FieldDataParams(_Strict):
    """Parameters of the field-data stage (``20_field_data``)."""

    incoming: str = Field(
        "incoming",
        description="delivery folder under fieldwork/<cycle>/",
        json_schema_extra={"path": "fieldwork", "kind": "folder"},
    )
    key_file: str = Field(
        "pseudonym.key",
        description="pseudonymization key, fieldwork/<cycle>/",
        json_schema_extra={"path": "fieldwork", "kind": "file", "created": True, "secret": True},
    )
    link_across_cycles: bool = Field(
        False,
        description="hash IDs without the cycle id, so "
        "cycles sharing the key share pseudonyms (a panel)",
    )


class WeightsParams(_Strict):
    """Parameters of the weighting stage (``30_weights``)."""

    trim: float | None = Field(None, gt=1, description="cap TOTWGT at this x stratum median")
    odd: Literal["across", "split"] = Field(
        "across", description="odd strata: pair across strata, or split the leftover school (IEA)"
    )
    replicates: int = Field(75, ge=2, le=75, description="JK2 replicate weights")


class ValidityParams(_Strict):
    """Parameters of the validity-studies stage (``40_validity``)."""

    flag_p: list[float] = Field(
        default=[0.2, 0.95],
        min_length=2,
        max_length=2,
        description="items easier or harder than this are flagged",
    )
    flag_rpb: float = Field(0.2, description="items with a lower corrected point-biserial")
    agreement_target: float = Field(0.85, gt=0, le=1, description="exact coder agreement")
    kappa_target: float = Field(0.7, gt=0, le=1, description="Cohen's kappa of the coders")
    drop_rpb: float = Field(0.1, description="drop items with a lower corrected point-biserial")
    drop_rmsd: float = Field(0.15, gt=0, description="drop items with a larger IRT misfit (RMSD)")
    fit_range: list[float] = Field(
        default=[0.8, 1.2],
        min_length=2,
        max_length=2,
        description="review items with infit/outfit outside",
    )
    model: Literal["2PL", "pirls", "1PL"] = Field(
        "2PL", description="IRT model of the calibration (dichotomous; GPCM for CR)"
    )
    language_focal: str = Field("ru", description="language of instruction compared (DIF)")
    language_reference: str = Field("ky", description="reference language of instruction")

    @field_validator("flag_p")
    @classmethod
    def _flag_p_ordered(cls, value: list[float]) -> list[float]:
        if not (0 <= value[0] < value[1] <= 1):
            raise ValueError("must be two proportions [low, high] with 0 <= low < high <= 1")
        return value

    @field_validator("fit_range")
    @classmethod
    def _fit_range_ordered(cls, value: list[float]) -> list[float]:
        if not (0 < value[0] < value[1]):
            raise ValueError("must be [low, high] with 0 < low < high (mean-square fit)")
        return value


class ScalingParams(_Strict):
    """Parameters of the scaling stage (``50_scaling``)."""

    n_pv: int = Field(5, ge=1, le=20, description="plausible values per student")
    cuts: list[float] = Field(
        default=[400, 475, 550, 625],
        min_length=1,
        description="benchmarks (cut scores) on the reporting scale",
    )
    exclude_items: list[str] = Field(default=[], description="items left out of scaling")
    model: Literal["2PL", "3PL", "1PL", "pirls"] = Field(
        "2PL", description="item model: 2PL/GPCM, 3PL, 1PL/PCM or pirls (MC 3PL, CR 2PL/GPCM)"
    )
    questionnaire: list[str] = Field(
        default=["ASBG03", "LANGHOME", "ASBG04", "ASBR01A", "ASBR01B", "ASBR01C"],
        description="student-questionnaire columns summarized by principal components",
    )
    components_share: float = Field(
        0.9,
        gt=0,
        le=1,
        description="keep the principal components explaining this share of their variance ...",
    )
    max_components: int = Field(10, ge=0, le=50, description="... but at most this many")
    base_cycle: str | None = Field(
        None,
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
        description="trend cycle: link to this cycle's scale "
        "(None: this cycle sets the scale, mean 500, SD 100)",
    )
    linking: Literal["stocking_lord", "mean_sigma", "mean_mean"] = Field(
        "stocking_lord", description="common-item linking method of a trend cycle"
    )

    @field_validator("cuts")
    @classmethod
    def _cuts_increasing(cls, value: list[float]) -> list[float]:
        if any(b <= a for a, b in zip(value, value[1:], strict=False)):
            raise ValueError("cut scores must be strictly increasing")
        return value

    @field_validator("exclude_items")
    @classmethod
    def _exclude_once(cls, value: list[str]) -> list[str]:
        twice = sorted({item for item in value if value.count(item) > 1})
        if twice:
            raise ValueError(f"items listed twice: {', '.join(twice)}")
        return value


class ResultsParams(_Strict):
    """Parameters of the results stage (``60_results``)."""

    groups: list[str] = Field(
        default=["region", "locality", "language", "school_type", "ITSEX"],
        min_length=1,
        description="reporting groups of the exhibits",
    )
    percentiles: list[int] = Field(
        default=[5, 25, 50, 75, 95],
        min_length=1,
        description="percentiles of the distribution exhibit",
    )
    background: list[str] = Field(
        default=[
            "ASBG04",
            "LANGHOME",
            "ASBH02",
            "ACBG07",
            "ACBG08",
            "ATBG04",
            "ASBGSLR",
            "ASBGHRL",
        ],
        description="background variables shown by category (student, school, teacher file)",
    )
    indicators: dict[str, str] = Field(
        default={"ITSEX": "2", "locality": "rural", "language": "ky", "school_type": "general"},
        description="0/1 indicators of each group against its reference, for the models",
    )
    regression: list[str] = Field(
        default=["ITSEX", "locality", "language", "school_type", "ASBG04"],
        min_length=1,
        description="predictors of the regression and two-level model (a group: its indicators)",
    )
    adjust: Literal["holm", "bh", "bonferroni"] = Field(
        "holm", description="multiple-comparison adjustment beside the IEA unadjusted rule"
    )
    max_se: float = Field(10.0, gt=0, description="flag score estimates with a larger SE")
    max_cv: float = Field(0.3, gt=0, description="flag percentages with a larger CV")
    answered: float = Field(
        85.0,
        gt=0,
        le=100,
        description="IEA share of students who must have answered a background variable",
    )
    base_cycle: str | None = Field(
        None,
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
        description="trend: the base cycle whose results are compared",
    )
    pirls_file: str | None = Field(
        None,
        description="PIRLS 2021 table; None: ../shared/reference/pirls2021_reading.csv",
        json_schema_extra={"path": "project", "kind": "file", "optional": True},
    )
    pirls_countries: list[str] = Field(
        default=[], description="PIRLS participants shown (empty: all)"
    )
    neighbours: list[str] = Field(
        default=[
            "Kazakhstan",
            "Uzbekistan",
            "Russian Federation",
            "Georgia",
            "Azerbaijan",
            "Turkey",
        ],
        description="PIRLS participants highlighted",
    )
    linked_to_pirls: bool = Field(False, description="is the cycle's scale linked to PIRLS?")
    country: str = Field("Kyrgyzstan (Sabat-6)", description="name of this cycle's row")


class StudyDesign(_Strict):
    """One candidate design of a design study (``15_design_study``)."""

    name: str | None = Field(None, description="label in the tables (default: D1, D2, ...)")
    n_schools: int = Field(200, ge=2)
    classes_per_school: int = Field(1, ge=1)
    large_mos: int | None = Field(150, ge=1)
    classes_large: int = Field(2, ge=1)
    strata: list[str] = Field(default=["region", "locality"])
    sort_by: list[str] = Field(default=["language", "school_type", "enrol_g6"])
    allocation: Literal["proportional", "equal"] = "proportional"
    minimum: int = Field(2, ge=0)
    oversample: dict[str, float] = Field(
        default={}, description="language -> factor (>= 1) on the measure of size of its schools"
    )
    small_mos: int | None = Field(8, ge=1)
    small_rule: Literal["exclude", "stratum"] = "exclude"
    exclusion_limit: float = Field(0.05, gt=0, le=0.2)


class StudyTargets(_Strict):
    """Precision targets of a design study."""

    se_national: float = Field(3.0, gt=0)
    se_region: float = Field(8.0, gt=0)
    coverage: list[float] = Field(default=[0.93, 0.97], min_length=2, max_length=2)
    interval: Literal["normal", "t", "t_fpc"] = "t_fpc"


class DesignStudyParams(_Strict):
    """Parameters of the design-study stage (``15_design_study``)."""

    grid: list[StudyDesign] = Field(default=[StudyDesign()], min_length=1)
    reps: int = Field(200, ge=2, le=100000, description="simulated samples per design")
    batch: int = Field(25, ge=1, description="samples per Dask task")
    workers: int = Field(2, ge=1, le=512, description="local Dask worker processes")
    scheduler: str | None = Field(None, description="Dask scheduler address (None: local)")
    targets: StudyTargets = StudyTargets()
    icc: float = Field(0.4, gt=0, lt=1, description="ICC of simulated scores (real register)")


class ReleaseRecode(_Strict):
    """One global recoding step of disclosure control (applied while k is not reached)."""

    variable: str
    map: dict[str, str] = Field(min_length=1, description="code -> coarser code")


class ReleaseParams(_Strict):
    """Parameters of the release stage (``80_release``): files, disclosure, register."""

    release_id: str = Field(
        "v1",
        pattern=r"^[A-Za-z0-9._-]{1,40}$",
        description="this release; IDs are re-keyed per release",
    )
    country: str = Field("KGZ", pattern=r"^[A-Z]{3}$", description="ISO alpha-3 (IDCNTRY)")
    cycle_code: str = Field(
        "S1", pattern=r"^[A-Z0-9]{2}$", description="cycle in IEA file names (PIRLS 2021: R5)"
    )
    grade: int = Field(6, ge=1, le=12)
    k: int = Field(10, ge=2, le=1000, description="k-anonymity of the public student file")
    k_schools: int = Field(3, ge=2, le=100, description="k-anonymity of the public school file")
    quasi_identifiers: list[str] = Field(
        default=["region", "locality", "language", "school_type", "ITSEX"], min_length=1
    )
    recodes: list[ReleaseRecode] = Field(default=[], description="global recoding steps")
    suppress_order: list[str] | None = Field(
        None, description="local suppression order (None: quasi_identifiers reversed)"
    )
    free_text: list[str] = Field(default=[], description="more columns dropped as free text")
    restricted_only: list[str] = Field(
        default=["EAP", "EAP_SE", "WLE", "WLE_SE"],
        description="variables of the restricted files only",
    )
    recommendations: str | None = Field(
        None,
        description="register file (None: parameters/recommendations/<cycle>.yaml)",
        json_schema_extra={"path": "project", "kind": "file", "optional": True},
    )
    base_cycle: str | None = Field(
        None,
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
        description="previous cycle: its recommendations' indicators before and after",
    )
    max_se: float = Field(10.0, gt=0, description="method proposals: domains with a larger SE")
    agreement_target: float = Field(
        0.85, gt=0, le=1, description="method proposals: coder agreement target"
    )


@dataclass(frozen=True)
class Stage:
    """A stage: its notebook, its parameter model, the catalog entries it reads and writes.

    ``fieldwork``: the stage also reads the delivery folder ``fieldwork/<cycle>/incoming``
    (its files are hashed as inputs). ``prepare``: ``"module:function"`` the runner calls with
    the cycle's parameters before the stage (the demo's synthetic field returns).
    ``base_inputs``: catalog entries of the cycle named by the stage parameter ``base_cycle``
    (a trend cycle's scaling reads the base cycle's scale), hashed as inputs too.
    ``package_inputs``: folders of the project (``workbench/fielddata/schemas``) whose files the
    stage reads, hashed as inputs. ``input_files``: files or folders under ``inputs/<cycle>/``
    the stage reads, hashed as inputs (``absent`` while a ``prepare`` has not written them).
    Stage parameters that name files carry
    ``json_schema_extra={"path": "fieldwork", "kind": "folder"|"file"}``: the runner hashes the
    files there as inputs and the parameter check keeps them in the cycle's folders.
    """

    name: str
    notebook: str
    params: type[BaseModel]
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    fieldwork: bool = False
    prepare: str | None = None
    base_inputs: tuple[str, ...] = ()
    package_inputs: tuple[str, ...] = ()
    input_files: tuple[str, ...] = ()


STAGES: dict[str, Stage] = {
    "frame": Stage(
        name="frame",
        notebook="00_frame.py",
        params=FrameParams,
        inputs=("register",),
        outputs=("frame", "frame_checks"),
    ),
    "sample_design": Stage(
        name="sample_design",
        notebook="10_sample_design.py",
        params=SampleDesignParams,
        inputs=("frame",),
        outputs=("sample_schools", "sample_classes", "sample_allocation", "design_evaluation"),
        # one stage that waits: schools drawn and listing forms written, then it stops until
        # the class lists are back in inputs/<cycle>/class_lists (the demo's are written here)
        prepare="workbench.synth.demo_returns:prepare_demo_class_lists",
    ),
    "design_study": Stage(
        name="design_study",
        notebook="15_design_study.py",
        params=DesignStudyParams,
        inputs=("frame", "classes"),
        outputs=("design_study", "design_study_domains"),
    ),
    "field_data": Stage(
        name="field_data",
        notebook="20_field_data.py",
        params=FieldDataParams,
        inputs=("sample_schools", "items", "codebooks"),
        outputs=FIELD_TABLES
        + (
            "participation",
            "participation_summary",
            "intake_log",
            "intake_issues",
            "reconciliation",
        ),
        fieldwork=True,
        prepare="workbench.synth.demo_returns:prepare_demo_returns",
        package_inputs=("workbench/fielddata/schemas",),
    ),
    "weights": Stage(
        name="weights",
        notebook="30_weights.py",
        params=WeightsParams,
        inputs=(
            "sample_schools",
            "sample_classes",
            "frame",
            "school_tracking",
            "class_tracking",
            "student_tracking",
            "scored_responses",
            "reconciliation",
        ),
        outputs=("weights", "school_weights", "jk_zones", "weights_reconciliation"),
    ),
    "validity": Stage(
        name="validity",
        notebook="40_validity.py",
        params=ValidityParams,
        inputs=(
            "items",
            "scored_responses",
            "booklets",
            "student_tracking",
            "class_tracking",
            "student_questionnaire",
            "double_coding",
            "weights",
        ),
        outputs=(
            "item_statistics",
            "item_verdicts",
            "item_calibration",
            "dif_results",
            "scale_scores",
            "coder_agreement",
        ),
    ),
    "scaling": Stage(
        name="scaling",
        notebook="50_scaling.py",
        params=ScalingParams,
        inputs=(
            "items",
            "scored_responses",
            "item_verdicts",
            "weights",
            "scale_scores",
            "student_tracking",
            "class_tracking",
            "student_questionnaire",
            "school_tracking",
            "sample_schools",
            "frame",
            "parent_questionnaire",
            "principal_questionnaire",
            "teacher_questionnaire",
            "school_weights",
            "weights_reconciliation",
            "codebooks",
        ),
        outputs=(
            "plausible_values",
            "scale_constants",
            "proficiency_levels",
            "population_model",
            "linking",
            "student_results",
            "school_results",
            "teacher_results",
            "codebook",
        ),
        base_inputs=("scale_constants", "student_results"),
    ),
    "results": Stage(
        name="results",
        notebook="60_results.py",
        params=ResultsParams,
        inputs=(
            "student_results",
            "school_results",
            "teacher_results",
            "codebook",
            "linking",
            "proficiency_levels",
        ),
        outputs=(
            "results_distribution",
            "results_benchmarks",
            "results_gaps",
            "results_regions",
            "results_region_pairs",
            "results_context",
            "results_regression",
            "results_variance",
            "results_trend",
            "results_international",
            "results_rules",
        ),
        base_inputs=("student_results",),
    ),
    "release": Stage(
        name="release",
        notebook="80_release.py",
        params=ReleaseParams,
        inputs=(
            "student_results",
            "school_results",
            "teacher_results",
            "codebook",
            "results_distribution",
            "participation",
            "participation_summary",
            "sample_allocation",
            "scale_constants",
            "proficiency_levels",
            "item_verdicts",
            "dif_results",
            "coder_agreement",
            "linking",
        ),
        outputs=(
            "release_files",
            "release_disclosure",
            "release_check",
            "release_codebook",
            "recommendations",
            "recommendations_followup",
            "method_proposals",
        ),
        package_inputs=("workbench/texts",),  # its documents are written in three languages
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
            what = (
                "unknown key (check its spelling)"
                if first["type"] == "extra_forbidden"
                else first["msg"].removeprefix("Value error, ")
            )
            if first["type"] == "string_pattern_mismatch" and key.endswith("cycle"):
                what = CYCLE_ID_RULE
            if first["type"] not in {"extra_forbidden", "missing"}:
                shown = repr(first["input"])
                what += f" (got {shown if len(shown) <= 60 else shown[:57] + '...'})"
            return f"stages.{key}: {what}"
    return None


@dataclass(frozen=True)
class CycleKind:
    """A kind of cycle the one runner runs: its file loader and its stages, each named as
    ``"module:attribute"`` (resolved when first needed: no import cycles).

    ``loader(path)`` returns the validated parameters (attributes ``cycle, kind, title,
    language, report_languages, stages`` and the method ``stage_params(name)``: what the
    notebook receives) or raises ``ValueError`` with one line. ``stages`` is a
    ``dict[str, Stage]`` in running order.
    """

    name: str
    loader: str
    stages: str


#: every kind of cycle: adding one is an entry here, its ``Stage`` dict and its notebooks
KINDS: dict[str, CycleKind] = {
    "sabat6": CycleKind("sabat6", "workbench.params:load_params", "workbench.stages:STAGES"),
    "teacher_ed": CycleKind(
        "teacher_ed",
        "workbench.indicators.params:load_teacher_ed",
        "workbench.indicators.stages:TEACHER_ED_STAGES",
    ),
    "school_monitoring": CycleKind(
        "school_monitoring",
        "workbench.monitoring.params:load_school_monitoring",
        "workbench.monitoring.stages:SCHOOL_MONITORING_STAGES",
    ),
}


def _resolve(target: str) -> Any:
    import importlib

    module, name = target.split(":")
    return getattr(importlib.import_module(module), name)


def stages_for(kind: str) -> dict[str, Stage]:
    """The stages of a kind of cycle, in running order.

    Examples
    --------
    >>> list(stages_for("teacher_ed"))[0], stages_for("sabat6") is STAGES
    ('t10_sector', True)
    """
    if kind not in KINDS:
        raise ValueError(
            f"stages_for: unknown kind of cycle {kind!r}; known kinds are {', '.join(KINDS)}"
        )
    return _resolve(KINDS[kind].stages)


def cycle_kind(path: Any) -> str:
    """The ``kind`` a cycle file declares (``sabat6`` when it names none, or when it cannot be
    read: the Sabat-6 loader then says why).

    Examples
    --------
    >>> from workbench.paths import PROJECT_ROOT
    >>> cycle_kind(PROJECT_ROOT / "parameters" / "teacher-ed-demo.yaml")
    'teacher_ed'
    >>> cycle_kind(PROJECT_ROOT / "parameters" / "sabat6-demo.yaml")
    'sabat6'

    Raises
    ------
    ValueError
        ``<file>: kind: unknown kind 'x'; known kinds are sabat6, teacher_ed, ...``.
    """
    from workbench.params import ParamsError, read_yaml

    try:
        raw = read_yaml(path)
    except ParamsError:
        return "sabat6"
    kind = raw.get("kind") if isinstance(raw, dict) else None
    if kind is None:
        return "sabat6"
    if kind not in KINDS:
        raise ValueError(
            f"{path}: kind: unknown kind of cycle {kind!r}; known kinds are {', '.join(KINDS)}"
        )
    return str(kind)


def load_cycle(path: Any) -> Any:
    """Read and validate a cycle file of any kind (:data:`KINDS`), by its ``kind:``."""
    return _resolve(KINDS[cycle_kind(path)].loader)(path)
