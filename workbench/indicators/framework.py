"""The indicator framework of institution monitoring, as validated data (concept 000, §5.3.2).

A framework is a versioned YAML file (``workbench/frameworks/<name>.yaml``): questionnaire
scales (respondent type, items) and groups of indicators, each with its source (survey or
administrative), how it is computed, unit, direction, target, threshold and the levels it is
reported at (institution, programme), named in ky and ru with an English gloss. Adding an
indicator is editing the file; :func:`load_framework` refuses a wrong file with one line
naming the key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from workbench.indicators.params import first_error, read_bounded_yaml

__all__ = [
    "Framework",
    "Indicator",
    "Group",
    "Scale",
    "Compute",
    "FrameworkError",
    "load_framework",
    "framework_path",
    "RESPONDENTS",
]

RESPONDENTS = ("students", "graduates", "employers", "staff")
FRAMEWORKS_DIR = Path(__file__).resolve().parents[1] / "frameworks"


class FrameworkError(ValueError):
    """An indicator framework that cannot be used; the message is one line."""


def check_kind_fields(compute, need: dict[str, tuple[str, ...]]):
    """``compute`` (a model with ``kind``) if it gives every field its kind needs
    (``need``: kind -> fields), else ``ValueError`` naming the missing ones.

    >>> from types import SimpleNamespace
    >>> check_kind_fields(SimpleNamespace(kind="mean", value=None), {"mean": ("value",)})
    Traceback (most recent call last):
    ValueError: kind 'mean' needs value
    """
    missing = [f for f in need[compute.kind] if getattr(compute, f) is None]
    if missing:
        raise ValueError(f"kind {compute.kind!r} needs {', '.join(missing)}")
    return compute


def check_threshold_side(indicator):
    """``indicator`` (with ``direction, target, threshold``) unless its threshold lies beyond
    its target for its direction (above it when higher is better, below it when lower is).

    >>> from types import SimpleNamespace
    >>> check_threshold_side(SimpleNamespace(direction="lower_better", target=5, threshold=2))
    Traceback (most recent call last):
    ValueError: threshold 2 is on the wrong side of target 5 for direction 'lower_better'
    """
    target, threshold = indicator.target, indicator.threshold
    if target is not None and threshold is not None:
        higher = indicator.direction == "higher_better"
        if threshold > target if higher else threshold < target:
            raise ValueError(
                f"threshold {threshold} is on the wrong side of target {target} for "
                f"direction {indicator.direction!r}"
            )
    return indicator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Words(_Strict):
    """A name in the report languages (ky and ru as the concept words it, en as a gloss)."""

    ky: str = Field(min_length=1)
    ru: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Scale(_Strict):
    """A questionnaire scale: who answers it and its Likert items."""

    respondent: Literal["students", "graduates", "employers", "staff"]
    shared_with: list[Literal["students", "graduates", "employers", "staff"]] = Field(
        default_factory=list, description="other respondent types answering the same items"
    )
    items: list[str] = Field(min_length=3)
    name: Words


class Compute(_Strict):
    """How an indicator is computed (see the framework file's header for the kinds)."""

    kind: Literal["scale_mean", "admin_share", "admin_ratio"]
    respondent: Literal["students", "graduates", "employers", "staff"] | None = None
    scale: str | None = None
    table: Literal["institutions", "programmes", "staff", "enrolment", "destinations"] | None = None
    column: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    multiplier: float = 1.0

    @model_validator(mode="after")
    def _fields_of_kind(self) -> Compute:
        need = {
            "scale_mean": ("respondent", "scale"),
            "admin_share": ("table", "column"),
            "admin_ratio": ("table", "numerator", "denominator"),
        }
        return check_kind_fields(self, need)


class Indicator(_Strict):
    """One indicator of the framework."""

    id: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    name: Words
    source: Literal["survey", "admin"]
    compute: Compute
    unit: Literal["percent", "score_0_100", "ratio", "count"]
    direction: Literal["higher_better", "lower_better"]
    target: float | None = None
    threshold: float | None = None
    level: list[Literal["institution", "programme"]] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Indicator:
        survey = self.compute.kind == "scale_mean"
        if survey != (self.source == "survey"):
            raise ValueError(
                f"source {self.source!r} does not match compute.kind {self.compute.kind!r}"
            )
        return check_threshold_side(self)


class Group(_Strict):
    """An indicator group of §5.3.2."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Words
    indicators: list[Indicator] = Field(min_length=1)


class Framework(_Strict):
    """A versioned indicator framework.

    Examples
    --------
    >>> fw = load_framework("teacher_education")
    >>> fw.version, len(fw.groups), fw.indicator("EM1").compute.column
    ('2026.1', 6, 'teaching_12m')
    """

    framework: str
    version: str = Field(min_length=1)
    source: str = ""
    scales: dict[str, Scale]
    groups: list[Group] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> Framework:
        ids = [i.id for g in self.groups for i in g.indicators]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"indicator ids used twice {dupes}; give each a unique id")
        gids = [g.id for g in self.groups]
        if len(set(gids)) != len(gids):
            raise ValueError(f"group ids used twice ({gids}); give each a unique id")
        for gi, g in enumerate(self.groups):
            for ii, ind in enumerate(g.indicators):
                c = ind.compute
                if c.kind != "scale_mean":
                    continue
                where = f"groups.{gi}.indicators.{ii}.compute.scale"
                if c.scale not in self.scales:
                    raise ValueError(
                        f"{where}: unknown scale {c.scale!r}; scales are {sorted(self.scales)}"
                    )
                if self.scales[c.scale].respondent != c.respondent:
                    raise ValueError(
                        f"{where}: scale {c.scale!r} is answered by "
                        f"{self.scales[c.scale].respondent}, not {c.respondent}"
                    )
        return self

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator with this id (KeyError naming the ids otherwise)."""
        for g in self.groups:
            for ind in g.indicators:
                if ind.id == indicator_id:
                    return ind
        raise KeyError(
            f"Framework.indicator: no indicator {indicator_id!r}; ids are "
            f"{[i.id for g in self.groups for i in g.indicators]}"
        )

    def table(self, lang: str = "en") -> pd.DataFrame:
        """One row per indicator: ``group, indicator, name, source, unit, direction, target,
        threshold, level`` (names in ``lang``)."""
        rows = [
            {
                "group": g.id,
                "group_name": getattr(g.name, lang),
                "indicator": i.id,
                "name": getattr(i.name, lang),
                "source": i.source,
                "unit": i.unit,
                "direction": i.direction,
                "target": i.target,
                "threshold": i.threshold,
                "level": "/".join(i.level),
            }
            for g in self.groups
            for i in g.indicators
        ]
        return pd.DataFrame(rows)

    def group_of(self) -> dict[str, str]:
        """``{indicator id: group id}``."""
        return {i.id: g.id for g in self.groups for i in g.indicators}


def framework_path(name: str) -> Path:
    """The packaged framework file ``workbench/frameworks/<name>.yaml``."""
    return FRAMEWORKS_DIR / f"{name}.yaml"


def load_framework(source: str | Path) -> Framework:
    """Load and validate an indicator framework.

    Parameters
    ----------
    source
        A packaged framework name (``"teacher_education"``) or a path to a YAML file.

    Returns
    -------
    Framework

    Raises
    ------
    FrameworkError
        One line: the file, the key (dotted path) and what was expected.

    Notes
    -----
    Checked against the six groups of concept 000 §5.3.2 (``tests/test_indicators.py``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "bad.yaml"
    >>> text = framework_path("teacher_education").read_text(encoding="utf-8")
    >>> _ = p.write_text(text.replace("direction: lower_better", "direction: down"), "utf-8")
    >>> try:
    ...     load_framework(p)
    ... except FrameworkError as e:
    ...     print(str(e).split(": ", 2)[2][:60])
    groups.2.indicators.2.direction: Input should be 'higher_bet
    """
    path = Path(source)
    if path.suffix not in (".yaml", ".yml"):
        path = framework_path(str(source))
    if not path.is_file():
        known = sorted(p.stem for p in FRAMEWORKS_DIR.glob("*.yaml"))
        raise FrameworkError(
            f"load_framework: no framework file ({path}); packaged frameworks are {known}"
        )
    raw = read_bounded_yaml(path, f"load_framework: {path}", FrameworkError)
    if not isinstance(raw, dict):
        raise FrameworkError(
            f"load_framework: {path}: expected a mapping with framework, version, scales, groups"
        )
    try:
        return Framework.model_validate(raw)
    except ValidationError as exc:
        raise FrameworkError(f"load_framework: {path}: {first_error(exc)}") from None
