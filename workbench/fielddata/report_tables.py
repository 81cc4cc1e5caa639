"""What the field-data stage shows and keeps, built from the intake: headline counts, the
files not read, the participation headline rates, the rule that decided the IEA annotation,
and the stage's tables saved for the catalog (:func:`save_tables`).

Serves ``notebooks/20_field_data.py``, so that the notebook only calls and displays. Tables
hold codes and numbers; messages are given in every language (``<column>_ky``, ``_ru``,
``_en``, see :mod:`workbench.fielddata.messages`) for ``wb.report.table(localized=...)``.

Examples
--------
>>> log = pd.DataFrame({"kind": ["booklets", ""], "folder": ["booklets", ""],
...                     "file": ["b.csv", "notes.txt"], "fate": ["read", "unexpected"],
...                     "reason": ["", "fits no kind of the layout"]})
>>> files_not_read(log)[["file", "reason_ru"]].values.tolist()
[['notes.txt', 'не соответствует ни одному виду файлов поставки']]
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from workbench import catalog
from workbench.fielddata.clean import PSEUDONYMIZED
from workbench.fielddata.messages import in_languages
from workbench.fielddata.returns import FieldIntake, field_schemas

__all__ = [
    "intake_headlines",
    "files_not_read",
    "participation_headlines",
    "annotation_rows",
    "identifier_columns",
    "pseudonymized_columns",
    "save_tables",
    "messages_from_text",
]


def intake_headlines(field: FieldIntake, log: pd.DataFrame) -> dict[str, int]:
    """Files received, rows read and quarantined, files not read (``log``: the audit).

    Examples
    --------
    >>> from workbench.fielddata.intake import IntakeResult
    >>> from workbench.fielddata.validate import Reconciliation
    >>> empty = pd.DataFrame()
    >>> one = IntakeResult(empty, empty, empty, empty, Reconciliation(10, 8, 2))
    >>> log = pd.DataFrame({"fate": ["read", "rejected", "unexpected"]})
    >>> intake_headlines(FieldIntake(results={"booklets": one}), log)
    {'files_received': 3, 'rows_read': 10, 'rows_quarantined': 2, 'files_rejected': 2}
    """
    total = field.reconciliation().iloc[-1]
    return {
        "files_received": len(log),
        "rows_read": int(total["read"]),
        "rows_quarantined": int(total["quarantined"]),
        "files_rejected": int((log["fate"] != "read").sum()),
    }


def files_not_read(log: pd.DataFrame) -> pd.DataFrame:
    """The files of the audit that were not read (rejected or unexpected), with the reason in
    each language, worded from its code and values: ``kind, folder, file, fate, reason_ky,
    reason_ru, reason_en`` (``attrs["from_text"]``: reasons with no code, read from their
    English text, see :func:`~workbench.fielddata.messages.in_languages`)."""
    coded = [c for c in ("code", "values") if c in log]  # an audit of before: none
    shown = log.loc[log["fate"] != "read", ["kind", "folder", "file", "fate", "reason", *coded]]
    return in_languages(shown.reset_index(drop=True), "reason")


def participation_headlines(rates: pd.DataFrame) -> dict[str, float]:
    """The weighted school (before replacement) and student participation rates, in %.

    Examples
    --------
    >>> rates = pd.DataFrame({"rate": ["school_before_replacement", "student"] * 2,
    ...                       "weighting": ["weighted"] * 2 + ["unweighted"] * 2,
    ...                       "estimate": [0.9, 0.95, 0.8, 0.85]})
    >>> participation_headlines(rates)
    {'school_participation': 90.0, 'student_participation': 95.0}
    """
    weighted = rates[rates["weighting"] == "weighted"].set_index("rate")["estimate"]
    return {
        "school_participation": 100 * float(weighted["school_before_replacement"]),
        "student_participation": 100 * float(weighted["student"]),
    }


def annotation_rows(summary: pd.DataFrame) -> pd.DataFrame:
    """The IEA annotation of :func:`~workbench.fielddata.annotate_participation` with the rule
    that decided it in each language: ``annotation, meets_guidelines, rule_ky, rule_ru,
    rule_en, coverage_note``.

    Examples
    --------
    >>> s = pd.DataFrame({"annotation": ["≡"], "meets_guidelines": [False],
    ...                   "rule": ["guidelines not met before or after replacement"],
    ...                   "coverage_note": [""]})
    >>> annotation_rows(s)["rule_ky"].item()
    'талаптар алмаштырууга чейин да, кийин да аткарылган жок'
    """
    columns = ["annotation", "meets_guidelines", "rule", "coverage_note"]
    columns += [c for c in ("code", "values") if c in summary]  # the rule's, when given
    return in_languages(summary[columns].reset_index(drop=True), "rule")


def messages_from_text(*tables: pd.DataFrame) -> dict[str, int]:
    """How the messages of the page's tables were worded (from
    :func:`~workbench.fielddata.messages.in_languages`): ``coded`` from their code, ``n`` read
    back from their English text (no code), ``unknown`` of those not recognised at all.

    Examples
    --------
    >>> log = pd.DataFrame({"kind": "", "folder": "", "file": ["a.csv", "b.txt"],
    ...                     "fate": "unexpected", "reason": ["fits no kind of the layout", "?"]})
    >>> messages_from_text(files_not_read(log))
    {'coded': 0, 'n': 2, 'unknown': 1}
    """
    n = sum(t.attrs.get("from_text", 0) for t in tables)
    said = sum(len(t) - t.attrs.get("blank", 0) for t in tables)
    return {"coded": said - n, "n": n, "unknown": sum(t.attrs.get("unknown", 0) for t in tables)}


def identifier_columns() -> list[str]:
    """The columns the schemas mark as identifiers (dropped before publication), sorted.

    Examples
    --------
    >>> "SURNAME" in identifier_columns()
    True
    """
    return sorted({c for schema in field_schemas().values() for c in schema.identifiers})


def pseudonymized_columns() -> list[str]:
    """The ID columns of persons published as pseudonyms.

    Examples
    --------
    >>> pseudonymized_columns()
    ['IDSTUD', 'IDTEACH']
    """
    return list(PSEUDONYMIZED)


def save_tables(cycle: str, tables: dict[str, pd.DataFrame]) -> list[Path]:
    """Save each table where its catalog entry (the dict's key) reads it; the paths written."""
    return [catalog.save(cycle, name, table) for name, table in tables.items()]
