"""Internal-monitoring frameworks: the invariant part shared by all, each institution's
variable part beside it (regulation 002 §2.15-2.16, 004 §3).

The invariant part is a packaged file (``workbench/frameworks/school_internal.yaml``,
``college_internal.yaml``): the hierarchy, the tables and the directions with their
indicators. A school's own indicators live in a separate variable-part file that names the
institution and uses only its own table ``own``; :func:`load_variable_part` validates it
against the invariant part without changing it. Both refuse a wrong file with one line
naming the file and the key (:class:`workbench.indicators.FrameworkError`).

Examples
--------
>>> fw = load_monitoring_framework("school_internal")
>>> len(fw.directions), fw.hierarchy[:2], fw.indicator("R3").uncertainty
(9, ['class', 'school'], 'test')
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from workbench.indicators.framework import (
    FRAMEWORKS_DIR,
    FrameworkError,
    Words,
    check_kind_fields,
    check_threshold_side,
)
from workbench.indicators.params import first_error, read_bounded_yaml

__all__ = [
    "MonitoringFramework",
    "VariablePart",
    "MonitoringIndicator",
    "Direction",
    "load_monitoring_framework",
    "load_variable_part",
    "FrameworkError",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Compute(_Strict):
    """How an indicator is computed from the rows of one table (see the file's header)."""

    kind: Literal["ratio", "mean", "flag"]
    table: str
    numerator: str | None = None
    denominator: str | None = None
    multiplier: float = 1.0
    value: str | None = None
    weight: str | None = None
    sd: str | None = None
    column: str | None = None

    @model_validator(mode="after")
    def _fields_of_kind(self) -> Compute:
        need = {
            "ratio": ("numerator", "denominator"),
            "mean": ("value", "weight"),
            "flag": ("column",),
        }
        return check_kind_fields(self, need)

    def columns(self) -> list[str]:
        """The table columns the indicator reads."""
        names = (self.numerator, self.denominator, self.value, self.weight, self.sd, self.column)
        return [c for c in names if c]


class MonitoringIndicator(_Strict):
    """One indicator (invariant or variable)."""

    id: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    name: Words
    aspect: Literal["goals", "results", "process", "conditions"] | None = None
    compute: Compute
    uncertainty: Literal["none", "binomial", "test"]
    unit: Literal["percent", "score_0_100", "per_100", "count"]
    direction: Literal["higher_better", "lower_better"]
    target: float | None = None
    threshold: float | None = None

    @model_validator(mode="after")
    def _consistent(self) -> MonitoringIndicator:
        if self.uncertainty == "test" and (self.compute.kind != "mean" or not self.compute.sd):
            raise ValueError("uncertainty 'test' needs compute.kind 'mean' with an sd column")
        if self.uncertainty == "binomial" and self.compute.kind != "ratio":
            raise ValueError("uncertainty 'binomial' needs compute.kind 'ratio'")
        return check_threshold_side(self)

    def row(self, part: str, direction: str, section: str, lang: str) -> dict:
        """The indicator's row of a framework table (:meth:`MonitoringFramework.table`)."""
        return {
            "part": part,
            "direction": direction,
            "section": section,
            "indicator": self.id,
            "name": getattr(self.name, lang),
            "unit": self.unit,
            "uncertainty": self.uncertainty,
            "target": self.target,
            "threshold": self.threshold,
        }


class Direction(_Strict):
    """A monitoring direction (002 §2.15; 004 §3.3)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    section: str
    name: Words
    indicators: list[MonitoringIndicator] = Field(min_length=1)


class MonitoringFramework(_Strict):
    """The invariant part: hierarchy (lowest level first), tables (table -> level of its
    rows) and directions."""

    framework: str
    version: str = Field(min_length=1)
    institution: Literal["school", "college"]
    source: str = ""
    hierarchy: list[str] = Field(min_length=3)
    tables: dict[str, str]
    directions: list[Direction] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> MonitoringFramework:
        if self.institution not in self.hierarchy or self.hierarchy[-1] != "nation":
            raise ValueError(
                f"hierarchy {self.hierarchy} must contain {self.institution!r} "
                "and end with 'nation'"
            )
        for table, level in self.tables.items():
            if level not in self.hierarchy[: self.hierarchy.index(self.institution) + 1]:
                raise ValueError(
                    f"tables.{table}: level {level!r} must be the institution or "
                    f"below it in {self.hierarchy}"
                )
        ids = [i.id for d in self.directions for i in d.indicators]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"indicator ids used twice {dupes}; give each a unique id")
        for di, d in enumerate(self.directions):
            for ii, ind in enumerate(d.indicators):
                if ind.compute.table not in self.tables:
                    raise ValueError(
                        f"directions.{di}.indicators.{ii}.compute.table: unknown "
                        f"table {ind.compute.table!r}; tables are "
                        f"{sorted(self.tables)}"
                    )
                if (
                    ind.compute.kind == "flag"
                    and self.tables[ind.compute.table] != self.institution
                ):
                    raise ValueError(
                        f"directions.{di}.indicators.{ii}: a flag is read from "
                        f"the {self.institution}s' table"
                    )
        return self

    @property
    def indicators(self) -> list[MonitoringIndicator]:
        """Every invariant indicator, in file order."""
        return [i for d in self.directions for i in d.indicators]

    def indicator(self, indicator_id: str) -> MonitoringIndicator:
        """The indicator with this id (KeyError naming the ids otherwise)."""
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(
            f"MonitoringFramework.indicator: no indicator {indicator_id!r}; ids "
            f"are {[i.id for i in self.indicators]}"
        )

    def direction_of(self) -> dict[str, str]:
        """``{indicator id: direction id}``."""
        return {i.id: d.id for d in self.directions for i in d.indicators}

    def table(self, lang: str = "en") -> pd.DataFrame:
        """One row per indicator: ``part, direction, section, indicator, name, unit,
        uncertainty, target, threshold``."""
        return pd.DataFrame(
            [
                i.row("invariant", d.id, d.section, lang)
                for d in self.directions
                for i in d.indicators
            ]
        )


class VariableIndicator(MonitoringIndicator):
    """An institution's own indicator: it names the direction it belongs to."""

    direction_id: str = Field(alias="in_direction")


class VariablePart(_Strict):
    """One institution's own indicators (002 §2.16), computed from its table ``own``."""

    variable_part: str
    institution: str = Field(min_length=1)
    version: str = Field(min_length=1)
    indicators: list[VariableIndicator] = Field(min_length=1)

    def table(self, lang: str = "en") -> pd.DataFrame:
        """Like :meth:`MonitoringFramework.table`, with ``part = variable``."""
        return pd.DataFrame([i.row("variable", i.direction_id, "", lang) for i in self.indicators])


def load_monitoring_framework(source: str | Path) -> MonitoringFramework:
    """Load and validate an invariant part (a packaged name or a YAML path).

    Raises
    ------
    FrameworkError
        One line: the file, the key (dotted path) and what was expected.

    Examples
    --------
    >>> load_monitoring_framework("college_internal").hierarchy
    ['group', 'college', 'oblast', 'nation']
    """
    path, raw = _read(source, "load_monitoring_framework")
    return _validate(MonitoringFramework, raw, path, "load_monitoring_framework")


def load_variable_part(source: str | Path, framework: MonitoringFramework) -> VariablePart:
    """Load an institution's variable part and check it against the invariant part.

    Its indicators must read the table ``own`` only, have ids the invariant part does not
    use (``V`` first, so they never shadow a shared one) and belong to one of its
    directions. The invariant part is not changed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "own.yaml"
    >>> _ = p.write_text('''variable_part: reading club
    ... institution: S0101
    ... version: "1"
    ... indicators:
    ...   - {id: R1, in_direction: results, name: {ky: a, ru: b, en: c},
    ...      compute: {kind: ratio, table: own, numerator: a, denominator: b},
    ...      uncertainty: none, unit: percent, direction: higher_better}
    ... ''', encoding="utf-8")
    >>> try:
    ...     load_variable_part(p, load_monitoring_framework("school_internal"))
    ... except FrameworkError as e:
    ...     print(str(e).split(": ", 2)[2])
    indicators.0.id: 'R1' is an invariant indicator; a variable indicator's id starts with V
    """
    path, raw = _read(source, "load_variable_part")
    part = _validate(VariablePart, raw, path, "load_variable_part")
    shared = {i.id for i in framework.indicators}
    directions = [d.id for d in framework.directions]
    for n, ind in enumerate(part.indicators):
        where = f"load_variable_part: {path.name}: indicators.{n}"
        if ind.id in shared or not ind.id.startswith("V"):
            raise FrameworkError(
                f"{where}.id: {ind.id!r} is an invariant indicator; a "
                "variable indicator's id starts with V"
                if ind.id in shared
                else f"{where}.id: {ind.id!r} must start with V"
            )
        if ind.direction_id not in directions:
            raise FrameworkError(
                f"{where}.in_direction: unknown direction "
                f"{ind.direction_id!r}; directions are {directions}"
            )
        if ind.compute.table != "own":
            raise FrameworkError(
                f"{where}.compute.table: a variable indicator reads the "
                f"institution's own table 'own' (got {ind.compute.table!r})"
            )
    ids = [i.id for i in part.indicators]
    if len(set(ids)) != len(ids):
        raise FrameworkError(f"load_variable_part: {path.name}: indicator ids used twice")
    return part


def _read(source: str | Path, who: str) -> tuple[Path, object]:
    path = Path(source)
    if path.suffix not in (".yaml", ".yml"):
        path = FRAMEWORKS_DIR / f"{source}.yaml"
    if not path.is_file():
        raise FrameworkError(
            f"{who}: no framework file {path.name}; packaged frameworks are "
            f"{sorted(p.stem for p in FRAMEWORKS_DIR.glob('*.yaml'))}"
        )
    return path, read_bounded_yaml(path, f"{who}: {path.name}", FrameworkError)


def _validate(model: type[BaseModel], raw: object, path: Path, who: str):
    if not isinstance(raw, dict):
        raise FrameworkError(f"{who}: {path.name}: expected a mapping of keys")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise FrameworkError(f"{who}: {path.name}: {first_error(exc)}") from None
