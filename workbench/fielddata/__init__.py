"""Field data: ingest, validate, quarantine, participation, de-identification.

The field-data stage of a cycle (``notebooks/20_field_data.py``) reads a whole delivery with
:func:`intake_returns`, scores the booklets and de-identifies with :func:`clean_tables`.
File by file::

    from workbench import fielddata as fd
    schema = fd.load_schema("parameters/schemas/students.yaml")
    result = fd.intake(paths, schema, known_ids={"sample.IDSCHOOL": sample["IDSCHOOL"]},
                       quarantine_path=out / "quarantine.csv", log_path=out / "intake_log.csv")
    rates = fd.participation_rates(schools, classes)
    fd.annotate_participation(rates)

A CSV or XLSX file is read and validated in chunks (``intake(chunk_rows=...)``), so a
million-row return is taken in in bounded memory; the report counts problems by reason
with a few example rows (:func:`issue_summary`).

Modules: :mod:`.readers` (CSV/XLSX/SAV), :mod:`.schema`, :mod:`.validate`,
:mod:`.quarantine` (atomic writing, intake log), :mod:`.intake` (the batch call),
:mod:`.participation`, :mod:`.deidentify`, :mod:`.booklets` (codes, scoring),
:mod:`.returns` (a delivery's layout and intake), :mod:`.clean` (de-identified tables),
:mod:`.quality` (report tables), :mod:`.consistency` (checks across files),
:mod:`.reconciliation` (who drops out between stages, and why), :mod:`.messages` (the
intake's messages in the reports' languages), :mod:`.report_tables` (what the stage shows).
"""

from workbench.fielddata.booklets import score_booklets
from workbench.fielddata.clean import (
    assert_no_identifiers,
    clean_tables,
    findings_summary,
    identifier_values,
    issue_summary,
    participation_inputs,
    public_issues,
    public_log,
)
from workbench.fielddata.consistency import CHECKS, check_consistency
from workbench.fielddata.deidentify import (
    DIRECT_IDENTIFIERS,
    drop_identifiers,
    load_key,
    pseudonymize,
    scan_for_identifiers,
)
from workbench.fielddata.errors import FieldDataError
from workbench.fielddata.intake import IntakeResult, intake, quarantine_rows
from workbench.fielddata.messages import in_languages, issue_rows
from workbench.fielddata.participation import (
    ParticipationStandards,
    annotate_participation,
    participation_rates,
)
from workbench.fielddata.quality import item_missing, rates_table
from workbench.fielddata.quarantine import atomic_write, write_intake_log, write_quarantine
from workbench.fielddata.readers import (
    FieldFile,
    read_csv,
    read_csv_chunks,
    read_field_file,
    read_sav,
    read_xlsx,
    read_xlsx_chunks,
    sha256_file,
)
from workbench.fielddata.reconciliation import (
    add_step,
    check_reconciliation,
    plausible_values_step,
    reconcile_intake,
    reconciliation_flow,
    reconciliation_table,
)
from workbench.fielddata.report_tables import (
    annotation_rows,
    files_not_read,
    identifier_columns,
    intake_headlines,
    messages_from_text,
    participation_headlines,
    pseudonymized_columns,
    save_tables,
)
from workbench.fielddata.returns import KINDS, FieldIntake, field_schemas, intake_returns
from workbench.fielddata.schema import Column, Schema, load_schema
from workbench.fielddata.validate import Reconciliation, ValidationResult, validate

__all__ = [
    "DIRECT_IDENTIFIERS",
    "Column",
    "FieldDataError",
    "FieldFile",
    "IntakeResult",
    "ParticipationStandards",
    "Reconciliation",
    "Schema",
    "ValidationResult",
    "annotate_participation",
    "atomic_write",
    "drop_identifiers",
    "intake",
    "load_key",
    "load_schema",
    "participation_rates",
    "pseudonymize",
    "read_csv",
    "read_csv_chunks",
    "read_xlsx_chunks",
    "read_field_file",
    "read_sav",
    "read_xlsx",
    "scan_for_identifiers",
    "sha256_file",
    "validate",
    "write_intake_log",
    "write_quarantine",
    "score_booklets",
    "clean_tables",
    "identifier_values",
    "participation_inputs",
    "public_issues",
    "public_log",
    "item_missing",
    "rates_table",
    "KINDS",
    "FieldIntake",
    "field_schemas",
    "intake_returns",
    "CHECKS",
    "check_consistency",
    "quarantine_rows",
    "add_step",
    "check_reconciliation",
    "reconcile_intake",
    "plausible_values_step",
    "reconciliation_flow",
    "reconciliation_table",
    "issue_summary",
    "assert_no_identifiers",
    "findings_summary",
    "in_languages",
    "issue_rows",
    "annotation_rows",
    "messages_from_text",
    "files_not_read",
    "identifier_columns",
    "intake_headlines",
    "participation_headlines",
    "pseudonymized_columns",
    "save_tables",
]
