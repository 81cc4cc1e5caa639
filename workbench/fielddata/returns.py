"""A field agency's delivery: which files are which, and their intake in the right order.

Serves the field-data stage (``notebooks/20_field_data.py``). The delivery is a folder laid
out as :data:`LAYOUT` says (``tracking/``, ``booklets/``, ``questionnaires/``,
``reliability/``); each kind of file has its declared schema in ``schemas/<kind>.yaml``.
The tracking forms are read first: the classes and students they list are the IDs the other
files must refer to (``tracking.IDCLASS``, ``tracking.IDSTUD`` in the schemas).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from workbench.fielddata.booklets import booklet_schema
from workbench.fielddata.intake import IntakeResult, intake
from workbench.fielddata.schema import Schema, load_schema

__all__ = ["KINDS", "LAYOUT", "SCHEMA_DIR", "TRACKING", "FieldIntake", "field_schemas",
           "find_returns", "intake_returns"]

#: folder of the declared schemas, one ``<kind>.yaml`` per kind of return
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
#: the kinds of returned file, tracking forms first
KINDS = ("school_tracking", "class_tracking", "student_tracking", "booklets",
         "student_questionnaire", "teacher_questionnaire", "principal_questionnaire",
         "parent_questionnaire", "double_coding")
TRACKING = KINDS[:3]
#: the IDs a tracking form lists, which later files must refer to
_LISTS = {"class_tracking": "IDCLASS", "student_tracking": "IDSTUD"}
#: where each kind lies in a delivery folder (glob patterns)
LAYOUT = {
    "school_tracking": ["tracking/school_tracking.*"],
    "class_tracking": ["tracking/class_tracking.*"],
    "student_tracking": ["tracking/student_tracking.*"],
    "booklets": ["booklets/*"],
    "student_questionnaire": ["questionnaires/student_*"],
    "teacher_questionnaire": ["questionnaires/teacher*"],
    "principal_questionnaire": ["questionnaires/principal/*"],
    "parent_questionnaire": ["questionnaires/parent*"],
    "double_coding": ["reliability/*"],
}


@dataclass(frozen=True)
class FieldIntake:
    """The intake of a whole delivery: one :class:`IntakeResult` per kind.

    ``unmatched``: files of the folder that fit no kind of :data:`LAYOUT` (not read).
    """

    results: dict[str, IntakeResult]
    unmatched: list[Path] = field(default_factory=list)

    def log(self) -> pd.DataFrame:
        """One row per file: ``kind`` and the intake log's columns."""
        return pd.concat([r.log.assign(kind=k) for k, r in self.results.items()],
                         ignore_index=True)

    def issues(self) -> pd.DataFrame:
        """One row per problem found in a row: ``kind`` and the issue columns."""
        return pd.concat([r.issues.assign(kind=k) for k, r in self.results.items()],
                         ignore_index=True)

    def reconciliation(self) -> pd.DataFrame:
        """Rows ``read = accepted + quarantined`` per kind, with a ``total`` row."""
        rows = [(k, r.reconciliation.read, r.reconciliation.accepted,
                 r.reconciliation.quarantined) for k, r in self.results.items()]
        table = pd.DataFrame(rows, columns=["kind", "read", "accepted", "quarantined"])
        total = table.drop(columns="kind").sum().to_dict() | {"kind": "total"}
        return pd.concat([table, pd.DataFrame([total])], ignore_index=True)


def field_schemas(items: pd.DataFrame | None = None) -> dict[str, Schema]:
    """Load the declared schemas of every kind of return from :data:`SCHEMA_DIR`.

    Parameters
    ----------
    items
        Item bank; when given, the booklet schema gets one column per item.

    Returns
    -------
    dict
        ``{kind: Schema}`` for every kind in :data:`KINDS`.

    Examples
    --------
    >>> s = field_schemas()
    >>> s["student_questionnaire"].identifiers
    ['SURNAME', 'FIRST_NAME', 'PIN', 'BIRTHDATE']
    """
    schemas = {kind: load_schema(SCHEMA_DIR / f"{kind}.yaml") for kind in KINDS}
    if items is not None:
        schemas["booklets"] = booklet_schema(schemas["booklets"], items)
    return schemas


def find_returns(folder: str | Path) -> tuple[dict[str, list[Path]], list[Path]]:
    """The files of a delivery by kind, and the files that fit no kind.

    Raises
    ------
    FileNotFoundError
        The folder does not exist.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"find_returns: no delivery folder {folder}; put the field "
                                "agency's files there (layout: workbench.fielddata.LAYOUT)")
    by_kind = {kind: sorted({p for pattern in LAYOUT[kind] for p in folder.glob(pattern)
                             if p.is_file()}) for kind in KINDS}
    matched = {p for paths in by_kind.values() for p in paths}
    unmatched = sorted(p for p in folder.rglob("*") if p.is_file() and p not in matched)
    return by_kind, unmatched


def intake_returns(folder: str | Path, items: pd.DataFrame, *, sample_ids,
                   quarantine_dir: str | Path) -> FieldIntake:
    """Read and validate a whole delivery; quarantine bad rows; never touch the raw files.

    Parameters
    ----------
    folder
        The delivery folder (laid out as :data:`LAYOUT`).
    items
        Item bank (the booklet schema gets one column per item).
    sample_ids
        ``IDSCHOOL`` of every school in the sample (sampled and replacements).
    quarantine_dir
        Where the quarantined rows and the intake logs go, one ``<kind>`` file each. They hold
        raw rows with personal data, so this must not be under ``outputs/``.

    Returns
    -------
    FieldIntake
        Accepted rows, quarantined rows and logs per kind.
    """
    quarantine_dir = Path(quarantine_dir)
    if "outputs" in quarantine_dir.resolve().parts:
        raise ValueError(f"intake_returns: quarantine_dir {quarantine_dir} is under outputs/;"
                         " quarantined rows hold personal data, keep them in fieldwork/")
    by_kind, unmatched = find_returns(folder)
    schemas = field_schemas(items)
    known = {"sample.IDSCHOOL": list(sample_ids)}
    results = {}
    for kind in KINDS:
        results[kind] = _intake_kind(kind, by_kind, schemas, known, quarantine_dir)
        listed = _LISTS.get(kind)
        if listed:
            known[f"tracking.{listed}"] = results[kind].accepted[listed].tolist()
    return FieldIntake(results=results, unmatched=unmatched)


def _intake_kind(kind: str, by_kind: dict, schemas: dict, known: dict,
                 quarantine_dir: Path) -> IntakeResult:
    return intake(by_kind[kind], schemas[kind], known_ids=known,
                  quarantine_path=quarantine_dir / f"{kind}_quarantine.csv",
                  log_path=quarantine_dir / f"{kind}_log.csv")
