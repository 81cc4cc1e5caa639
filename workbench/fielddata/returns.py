"""A field agency's delivery: which files are which, and their intake in the right order.

Serves the field-data stage (``notebooks/20_field_data.py``). The delivery is a folder laid
out as :data:`LAYOUT` says (``tracking/``, ``booklets/``, ``questionnaires/``,
``reliability/``); each kind of file has its declared schema in ``schemas/<kind>.yaml``.
The tracking forms are read first: the classes and students they list are the IDs the other
files must refer to (``tracking.IDCLASS``, ``tracking.IDSTUD`` in the schemas).
"""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from workbench.fielddata.booklets import booklet_schema
from workbench.fielddata.consistency import check_consistency
from workbench.fielddata.intake import IntakeResult, intake
from workbench.fielddata.messages import Message, coded, message
from workbench.fielddata.quarantine import write_intake_log, write_quarantine
from workbench.fielddata.schema import Column, Schema, load_schema
from workbench.fielddata.validate import normalize_id

__all__ = [
    "KINDS",
    "LAYOUT",
    "SCHEMA_DIR",
    "TRACKING",
    "FieldIntake",
    "QUESTIONNAIRES",
    "apply_codebooks",
    "field_schemas",
    "find_returns",
    "intake_returns",
    "public_text",
]

#: folder of the declared schemas, one ``<kind>.yaml`` per kind of return
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
#: the kinds of returned file, tracking forms first
KINDS = (
    "school_tracking",
    "class_tracking",
    "student_tracking",
    "booklets",
    "student_questionnaire",
    "teacher_questionnaire",
    "principal_questionnaire",
    "parent_questionnaire",
    "double_coding",
)
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

    ``unmatched``: files of the folder that fit no kind of :data:`LAYOUT` (not read), with
    the reason in ``unexpected``; ``folder``: the delivery folder; ``checks``: the checks
    across files (:func:`~workbench.fielddata.consistency.check_consistency`), one row each;
    ``codebooks``: the questionnaire codebooks the delivery was validated with.
    """

    results: dict[str, IntakeResult]
    unmatched: list[Path] = field(default_factory=list)
    folder: Path | None = None
    unexpected: dict[Path, str] = field(default_factory=dict)
    checks: pd.DataFrame | None = None
    codebooks: pd.DataFrame | None = None

    def log(self) -> pd.DataFrame:
        """One row per file: ``kind`` and the intake log's columns."""
        return pd.concat([r.log.assign(kind=k) for k, r in self.results.items()], ignore_index=True)

    def issues(self) -> pd.DataFrame:
        """One row per problem found in a row: ``kind`` and the issue columns."""
        return pd.concat(
            [r.issues.assign(kind=k) for k, r in self.results.items()], ignore_index=True
        )

    def reconciliation(self) -> pd.DataFrame:
        """Rows ``read = accepted + quarantined`` per kind, with a ``total`` row."""
        rows = [
            (k, r.reconciliation.read, r.reconciliation.accepted, r.reconciliation.quarantined)
            for k, r in self.results.items()
        ]
        table = pd.DataFrame(rows, columns=["kind", "read", "accepted", "quarantined"])
        total = table.drop(columns="kind").sum().to_dict() | {"kind": "total"}
        return pd.concat([table, pd.DataFrame([total])], ignore_index=True)

    def audit(self) -> pd.DataFrame:
        """One row per file under the delivery and its fate: read, rejected or unexpected.

        Returns
        -------
        DataFrame
            ``folder`` (inside the delivery, ``""`` at its top), ``file`` (the name),
            ``kind``, ``fate`` (``read``,
            ``rejected``, ``unexpected``), ``status`` (the intake log's), ``rows_read,
            rows_accepted, rows_quarantined``, ``reason`` with its ``code`` and ``values``
            (:func:`~workbench.fielddata.messages.coded`; no local path in either). Every
            file found on disk has exactly one row.
        """
        log = self.log()
        rows = pd.DataFrame(
            {
                "file": log["file"].map(self._relative),
                "kind": log["kind"],
                "fate": log["status"].map(lambda s: "rejected" if s == "rejected" else "read"),
                "status": log["status"],
                "rows_read": log["rows_read"],
                "rows_accepted": log["rows_accepted"],
                "rows_quarantined": log["rows_quarantined"],
                "reason": log["message"].fillna("").map(self._public_text),
                "code": log["code"].fillna("") if "code" in log else "",
                "values": log["values"].fillna("").map(self._public_text)
                if "values" in log
                else "",
            }
        )
        reasons = [self.unexpected.get(p, message("layout_no_kind")) for p in self.unmatched]
        extra = pd.DataFrame(
            {
                "file": [self._relative(p) for p in self.unmatched],
                "kind": "",
                "fate": "unexpected",
                "status": "not read",
                "rows_read": 0,
                "rows_accepted": 0,
                "rows_quarantined": 0,
                "reason": [str(r) for r in reasons],
                "code": [coded(r)[0] for r in reasons],
                "values": [coded(r)[1] for r in reasons],
            }
        )
        out = pd.concat([rows, extra], ignore_index=True) if len(extra) else rows
        where = out["file"].str.rpartition("/")
        out = out.assign(folder=where[0], file=where[2])
        out = out[["folder", *[c for c in out.columns if c != "folder"]]]
        return out.astype({"rows_read": int, "rows_accepted": int, "rows_quarantined": int})

    def _relative(self, path: object) -> str:
        path = Path(str(path))
        if self.folder is not None:
            try:
                return path.resolve().relative_to(Path(self.folder).resolve()).as_posix()
            except ValueError:
                pass
        return path.name

    def _public_text(self, message: str) -> str:
        """A message without local paths: the delivery folder's files as relative paths."""
        return public_text(message, self.folder)


def public_text(message: str, folder: str | Path | None = None) -> str:
    """A message with every absolute path replaced by the path inside ``folder`` (or the
    file name), so it can be published.

    Examples
    --------
    >>> public_text("read_csv: file is empty (/srv/fw/demo/incoming/tracking/a.csv, 0 bytes)",
    ...             "/srv/fw/demo/incoming")
    'read_csv: file is empty (tracking/a.csv, 0 bytes)'
    """
    text = str(message)
    if folder is not None:
        for root in {str(Path(folder)), str(Path(folder).resolve())}:
            text = text.replace(root.rstrip("/") + "/", "")
    return _ABSOLUTE.sub(lambda m: Path(m.group(0)).name, text)


_ABSOLUTE = re.compile(r"(?<![\w.])(?:/[^\s/(),;:'\"]+)+/?[^\s(),;:'\"]*")
_SYSTEM_FILES = re.compile(r"^(?:\..*|~\$.*|thumbs\.db|desktop\.ini)$", re.IGNORECASE)


def field_schemas(
    items: pd.DataFrame | None = None, codebooks: pd.DataFrame | None = None
) -> dict[str, Schema]:
    """Load the declared schemas of every kind of return from :data:`SCHEMA_DIR`.

    Parameters
    ----------
    items
        Item bank; when given, the booklet schema gets one column per item.
    codebooks
        The instruments' questionnaire codebooks (``questionnaire, variable, label, code,
        code_label``, :attr:`workbench.instruments.Instruments.codebooks`); when given, they
        set the codes of the questionnaires' variables (:func:`apply_codebooks`).

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
    if codebooks is not None and not codebooks.empty:
        schemas = apply_codebooks(schemas, codebooks)
    return schemas


#: the questionnaire names a codebook may use, and the kind of return each is
QUESTIONNAIRES = {
    "student": "student_questionnaire",
    "teacher": "teacher_questionnaire",
    "principal": "principal_questionnaire",
    "school": "principal_questionnaire",
    "parent": "parent_questionnaire",
} | {kind: kind for kind in KINDS if kind.endswith("_questionnaire")}


def apply_codebooks(schemas: dict[str, Schema], codebooks: pd.DataFrame) -> dict[str, Schema]:
    """The schemas with the codebooks' codes: a declared column gets the codebook's codes and
    labels (its missing codes kept); a variable not declared becomes an optional code column,
    its codebook label an alias. A variable without codes is left as declared (or added as
    optional text).

    Raises
    ------
    ValueError
        A questionnaire name not in :data:`QUESTIONNAIRES`.

    Examples
    --------
    >>> book = pd.DataFrame({"questionnaire": "student", "variable": "ASBG01",
    ...                      "label": "Sex", "code": ["1", "2", "3", "9"],
    ...                      "code_label": ["girl", "boy", "other", None]})
    >>> out = apply_codebooks(field_schemas(), book)
    >>> out["student_questionnaire"].column("ASBG01").codes
    [1, 2, 3]
    """
    schemas = dict(schemas)
    for (name, variable), rows in codebooks.groupby(["questionnaire", "variable"], sort=False):
        kind = QUESTIONNAIRES.get(str(name).strip().lower())
        if kind is None:
            raise ValueError(
                f"codebooks: unknown questionnaire {name!r} (variable {variable}); use one "
                f"of {', '.join(sorted(set(QUESTIONNAIRES) - set(KINDS)))}"
            )
        schema = schemas[kind]
        names = [c.name for c in schema.columns]
        coded = rows[rows["code"].astype(str).str.strip() != ""]
        labels = {_code(c): t for c, t in zip(coded["code"], coded["code_label"], strict=True)}
        if variable in names:
            column = schema.column(variable)
            if labels:
                column = _recoded(column, labels)
            columns = [column if c.name == variable else c for c in schema.columns]
        else:
            label = rows["label"].dropna()
            columns = [*schema.columns, _new_column(variable, labels, label)]
        schemas[kind] = schema.model_copy(update={"columns": columns})
    return schemas


def _code(text) -> int | str:
    text = str(text).strip()
    return int(text) if re.fullmatch(r"-?\d+", text) else text


def _recoded(column: Column, labels: dict) -> Column:
    missing = {str(m) for m in column.missing}
    kept = {c: t for c, t in labels.items() if str(c) not in missing}
    old = {str(c): t for c, t in column.code_labels.items()}
    named = {c: t if isinstance(t, str) else old.get(str(c)) for c, t in kept.items()}
    return Column.model_validate(
        column.model_dump()
        | {
            "type": "code",
            "codes": list(kept),
            "code_labels": {c: t for c, t in named.items() if t is not None},
            "min": None,
            "max": None,
        }
    )


def _new_column(variable: str, labels: dict, label: pd.Series) -> Column:
    aliases = [str(label.iloc[0])] if len(label) and str(label.iloc[0]) != variable else []
    if not labels:
        return Column(name=variable, type="str", required=False, allow_blank=True, aliases=aliases)
    return Column(
        name=variable,
        type="code",
        required=False,
        allow_blank=True,
        codes={c: t if isinstance(t, str) else str(c) for c, t in labels.items()},
        aliases=aliases,
    )


def find_returns(folder: str | Path) -> tuple[dict[str, list[Path]], list[Path]]:
    """The files of a delivery by kind, and the files that fit no kind.

    Names are matched to :data:`LAYOUT` ignoring case (``Tracking/Student_Tracking.CSV``
    is the student tracking form); a pattern's folders must match exactly (a file one folder
    deeper fits no kind). Hidden, lock and system files (``.DS_Store``, ``~$x.xlsx``) fit no
    kind.

    Raises
    ------
    FileNotFoundError
        The folder does not exist.
    """
    by_kind, unexpected = _sort_delivery(folder)
    return by_kind, sorted(unexpected)


def _sort_delivery(folder: str | Path) -> tuple[dict[str, list[Path]], dict[Path, str]]:
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(
            f"find_returns: no delivery folder {folder.name}; put the "
            "field agency's files there (layout: "
            "workbench.fielddata.LAYOUT)"
        )
    by_kind: dict[str, list[Path]] = {kind: [] for kind in KINDS}
    unexpected: dict[Path, str] = {}
    folders = sorted({pattern.split("/")[0] + "/" for pats in LAYOUT.values() for pattern in pats})
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        parts = path.relative_to(folder).parts
        if _SYSTEM_FILES.match(parts[-1]):
            unexpected[path] = message("system_file")
            continue
        kind = next((k for k in KINDS for pattern in LAYOUT[k] if _fits(parts, pattern)), None)
        if kind is not None:
            by_kind[kind].append(path)
        elif len(parts) == 1:
            unexpected[path] = message("outside_folders", folders=", ".join(folders))
        elif parts[0].lower() + "/" not in folders:
            unexpected[path] = message(
                "unexpected_folder", folder=parts[0], folders=", ".join(folders)
            )
        else:
            unexpected[path] = message("fits_no_kind", folder=parts[0])
    return by_kind, unexpected


def _fits(parts: tuple[str, ...], pattern: str) -> bool:
    wanted = pattern.lower().split("/")
    return len(parts) == len(wanted) and all(
        fnmatch.fnmatchcase(part.lower(), want) for part, want in zip(parts, wanted, strict=True)
    )


def intake_returns(
    folder: str | Path,
    items: pd.DataFrame,
    *,
    sample_ids,
    quarantine_dir: str | Path,
    codebooks: pd.DataFrame | None = None,
) -> FieldIntake:
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
    codebooks
        The questionnaire codebooks of the cycle's instruments (:func:`field_schemas`); the
        package's declared codes when not given.

    Returns
    -------
    FieldIntake
        Accepted rows, quarantined rows and logs per kind.
    """
    quarantine_dir = Path(quarantine_dir)
    if "outputs" in quarantine_dir.resolve().parts:
        raise ValueError(
            f"intake_returns: quarantine_dir {quarantine_dir.name} is under "
            "outputs/; quarantined rows hold personal data, keep them in "
            "fieldwork/"
        )
    by_kind, unexpected = _sort_delivery(folder)
    schemas = field_schemas(items, codebooks)
    known = {"sample.IDSCHOOL": list(sample_ids)}
    results = {}
    for kind in KINDS:
        results[kind] = intake(by_kind[kind], schemas[kind], known_ids=known)
        listed = _LISTS.get(kind)
        if listed:
            known[f"tracking.{listed}"] = results[kind].accepted[listed].dropna().tolist()
    results = _explain_missing_tracking(results)
    results = _explain_quarantined_tracking(results)
    results, checks = check_consistency(results, items)
    for kind, result in results.items():
        write_quarantine(result.quarantined, quarantine_dir / f"{kind}_quarantine.csv")
        write_intake_log(result.log, quarantine_dir / f"{kind}_log.csv")
    return FieldIntake(
        results=results,
        unmatched=sorted(unexpected),
        folder=Path(folder),
        unexpected=unexpected,
        checks=checks,
        codebooks=codebooks,
    )


def _explain_missing_tracking(results: dict[str, IntakeResult]) -> dict[str, IntakeResult]:
    """Say why every row was quarantined when a tracking form was rejected or is missing."""
    out = dict(results)
    for kind, listed in _LISTS.items():
        if len(results[kind].accepted):
            continue
        what = results[kind].log["status"].tolist()
        why = (
            "was rejected"
            if "rejected" in what
            else ("had no valid row" if what else "is missing from the delivery")
        )
        old = message("not_in_tracking", column=listed, listed=listed)
        new = message("tracking_not_checked", column=listed, form=kind.replace("_", " "), why=why)
        for other, result in out.items():
            issues = _said_as(result.issues, result.issues["code"] == old.code, old, new)
            quar = result.quarantined
            if len(quar):
                quar = quar.assign(
                    reason=quar["reason"].astype(str).str.replace(old, new, regex=False)
                )
            out[other] = IntakeResult(
                result.accepted, quar, issues, result.log, result.reconciliation
            )
    return out


def _explain_quarantined_tracking(results: dict[str, IntakeResult]) -> dict[str, IntakeResult]:
    """Say so when a row refers to an ID whose own tracking row was quarantined."""
    out = dict(results)
    for kind, listed in _LISTS.items():
        quar = results[kind].quarantined
        if quar.empty or listed not in quar:
            continue
        gone = set(normalize_id(quar[listed].astype(str)))
        old = message("not_in_tracking", column=listed, listed=listed)
        new = message("tracking_row_quarantined", column=listed, form=kind.replace("_", " "))
        for other, result in out.items():
            if other == kind or result.issues.empty:
                continue
            issues = result.issues
            hit = (issues["reason"] == old) & normalize_id(issues["value"].astype(str)).isin(gone)
            if not hit.any():
                continue
            issues = _said_as(issues, hit, old, new)
            q = result.quarantined
            keys = set(
                zip(result.issues.loc[hit, "file"], result.issues.loc[hit, "row"], strict=True)
            )
            rows = pd.Series(list(zip(q["file"], q["row"], strict=True)), index=q.index)
            mine = rows.isin(keys)
            q = q.assign(
                reason=q["reason"]
                .astype(str)
                .where(~mine, q["reason"].astype(str).str.replace(old, new, regex=False))
            )
            out[other] = IntakeResult(result.accepted, q, issues, result.log, result.reconciliation)
    return out


def _said_as(issues: pd.DataFrame, hit: pd.Series, old: str, new: str) -> pd.DataFrame:
    """``issues`` with the problem ``old`` said as ``new`` in the rows ``hit`` whose reason
    starts with it: text, code and values (the cause seen in the cell kept)."""
    hit = hit & issues["reason"].astype(str).str.startswith(old)
    if not hit.any():
        return issues
    out = issues.copy()
    out.loc[hit, "reason"] = new + out.loc[hit, "reason"].astype(str).str[len(old) :]
    cause = out.loc[hit, "values"].map(lambda v: json.loads(v).get("cause") if v else None)
    out.loc[hit, "code"] = new.code
    out.loc[hit, "values"] = [
        coded(Message(new, new.code, {**new.values, "cause": c} if c else new.values))[1]
        for c in cause
    ]
    return out
