"""Declared schemas for field returns (field-data stage).

A :class:`Schema` lists the columns a return must (or may) have, with their type, allowed
codes or range, missing-value codes, aliases (e.g. Cyrillic headers), the id columns,
uniqueness keys and references to ids that must exist in another table (IDSCHOOL must be in
the school sample). Schemas are plain pydantic models, so they can be written in Python or
loaded from YAML with :func:`load_schema`.

YAML shorthand: a column entry whose ``name`` is a list declares several columns that share
everything else (40 item columns in one entry).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

__all__ = ["Column", "Schema", "load_schema"]

ColumnType = Literal["int", "float", "str", "code", "date"]


class Column(BaseModel):
    """One declared column.

    Attributes
    ----------
    name
        Canonical name (IEA name where one exists: ``IDSTUD``, ``IDSCHOOL``).
    type
        ``int``, ``float``, ``str``, ``code`` (a code set) or ``date``.
    required
        The column must be present in the file (else the whole file is rejected).
    allow_blank
        Blank cells are accepted (as missing) instead of quarantined.
    codes
        ``code`` columns: allowed codes, as a list or a ``{code: label}`` mapping.
    min, max
        ``int``/``float`` columns: inclusive range (missing codes are exempt).
    missing
        Missing-value codes accepted besides ``codes``/the range, ``{code: meaning}``, e.g.
        ``{9: "omitted", 8: "not reached"}``. Kept as codes in the accepted frame.
    aliases
        Other header spellings mapped to ``name`` (e.g. ``"ИД ученика"``).
    date_formats
        ``date`` columns: accepted ``strftime`` formats, tried in order.
    references
        Name of a set of known ids this column must belong to (a key of ``known_ids`` in
        :func:`workbench.fielddata.validate`), e.g. ``"sample.IDSCHOOL"``.
    identifier
        A direct identifier (name, birth date, personal number): dropped by
        :func:`workbench.fielddata.deidentify`.

    Examples
    --------
    >>> Column(name="SEX", type="code", codes={1: "girl", 2: "boy"}, missing={9: "omitted"})
    Column(name='SEX', type='code', codes=[1, 2], missing={9: 'omitted'})
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    type: ColumnType = "str"
    required: bool = True
    allow_blank: bool = False
    codes: list[int | str] | None = None
    code_labels: dict[int | str, str] = Field(default_factory=dict, repr=False)
    min: float | None = None
    max: float | None = None
    missing: dict[int | str, str] = Field(default_factory=dict)
    aliases: list[str] = Field(default_factory=list, repr=False)
    date_formats: list[str] = Field(default_factory=lambda: ["%Y-%m-%d", "%d.%m.%Y"], repr=False)
    references: str | None = None
    identifier: bool = False

    def __repr_args__(self):  # short repr: only what differs from the defaults
        for key, value in super().__repr_args__():
            if key in ("name", "type") or value != type(self).model_fields[key].get_default(
                call_default_factory=True
            ):
                yield key, value

    @model_validator(mode="before")
    @classmethod
    def _split_code_labels(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("codes"), dict):
            data = dict(data)
            data["code_labels"] = data["codes"]
            data["codes"] = list(data["codes"])
        return data

    @model_validator(mode="after")
    def _check_consistency(self) -> Column:
        if self.type == "code" and not self.codes:
            raise ValueError(
                f"Column: code column {self.name!r} has no codes; list them "
                "in codes= (or use type='int' with min/max)"
            )
        if self.type not in ("int", "float") and (self.min is not None or self.max is not None):
            raise ValueError(
                f"Column: min/max given for {self.type} column {self.name!r}; "
                "use them with int or float columns only"
            )
        return self


class Schema(BaseModel):
    """A declared table: its columns, id columns, uniqueness keys and unknown-column policy.

    Attributes
    ----------
    name
        Table name used in messages (``"students"``).
    columns
        The declared columns.
    id_columns
        Columns identifying a row (pseudonymized later; quoted in quarantine messages).
    unique
        Uniqueness keys, each a list of columns; rows sharing a key are all quarantined.
    extra_columns
        What to do with columns not declared: ``"warn"`` (keep, warn), ``"ignore"`` (keep
        silently) or ``"error"`` (reject the file).

    Examples
    --------
    >>> s = Schema(name="students", id_columns=["IDSTUD"], unique=[["IDSTUD"]],
    ...            columns=[{"name": "IDSTUD", "type": "int"},
    ...                     {"name": ["R01", "R02"], "type": "code", "codes": [0, 1]}])
    >>> [c.name for c in s.columns]
    ['IDSTUD', 'R01', 'R02']
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    columns: list[Column]
    id_columns: list[str] = Field(default_factory=list)
    unique: list[list[str]] = Field(default_factory=list)
    extra_columns: Literal["warn", "ignore", "error"] = "warn"

    @model_validator(mode="before")
    @classmethod
    def _expand_column_lists(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("columns"), list):
            return data
        expanded = []
        for col in data["columns"]:
            if isinstance(col, dict) and isinstance(col.get("name"), list):
                expanded.extend({**col, "name": n} for n in col["name"])
            else:
                expanded.append(col)
        return {**data, "columns": expanded}

    @model_validator(mode="after")
    def _check_names(self) -> Schema:
        names = [c.name for c in self.columns]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(
                f"Schema {self.name!r}: columns declared twice {dupes}; declare each once"
            )
        used = (
            set(self.id_columns).union(*map(set, self.unique))
            if self.unique
            else set(self.id_columns)
        )
        unknown = sorted(used - set(names))
        if unknown:
            raise ValueError(
                f"Schema {self.name!r}: id/unique columns {unknown} are not "
                f"declared; add them to columns (declared: {names})"
            )
        return self

    def column(self, name: str) -> Column:
        """The declared column called ``name`` (KeyError naming the choices otherwise)."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(
            f"Schema.column: no column {name!r} in schema {self.name!r}; "
            f"columns are {[c.name for c in self.columns]}"
        )

    @property
    def identifiers(self) -> list[str]:
        """Names of the columns flagged as direct identifiers."""
        return [c.name for c in self.columns if c.identifier]


def load_schema(path: str | Path) -> Schema:
    """Load a :class:`Schema` from a YAML file.

    Parameters
    ----------
    path
        YAML file with the keys of :class:`Schema`.

    Returns
    -------
    Schema

    Raises
    ------
    ValueError
        Unreadable YAML or a schema that does not validate; the message names the file and
        the offending key.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "students.yaml"
    >>> _ = p.write_text('''
    ... name: students
    ... id_columns: [IDSTUD]
    ... columns:
    ...   - {name: IDSTUD, type: int}
    ...   - {name: IDSCHOOL, type: int, references: sample.IDSCHOOL}
    ...   - {name: [R01, R02], type: code, codes: [0, 1], missing: {9: omitted}}
    ... ''', encoding="utf-8")
    >>> load_schema(p).column("R02").missing
    {9: 'omitted'}
    """
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"load_schema: cannot read YAML ({path}): {exc}; fix the file") from None
    if not isinstance(raw, dict):
        raise ValueError(
            f"load_schema: expected a mapping at the top level ({path}, got "
            f"{type(raw).__name__}); write 'name:', 'columns:' keys"
        )
    try:
        return Schema.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise ValueError(
            f"load_schema: invalid schema at {where!r}: {first['msg']} ({path}); fix that key"
        ) from None
