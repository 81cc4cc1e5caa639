"""From a verified delivery to de-identified analysis tables (field-data stage).

Direct identifiers never leave this module's output: every column a schema flags as an
identifier is dropped, student and teacher IDs become keyed-hash pseudonyms, and the values
of identifier columns are masked in the issue list a report shows.
"""

from __future__ import annotations

import pandas as pd

from workbench.fielddata.booklets import score_booklets
from workbench.fielddata.deidentify import pseudonymize
from workbench.fielddata.returns import FieldIntake, field_schemas

__all__ = ["PSEUDONYMIZED", "clean_tables", "public_log", "public_issues", "identifier_values",
           "participation_inputs"]

#: ID columns replaced by pseudonyms (schools and classes are not persons)
PSEUDONYMIZED = ("IDSTUD", "IDTEACH")
_SOURCE = ["_source_file", "_source_row"]


def clean_tables(field: FieldIntake, items: pd.DataFrame, *, key: bytes) -> dict[str, pd.DataFrame]:
    """De-identified accepted rows of every kind, plus the scored booklets.

    Returns
    -------
    dict
        ``{kind: DataFrame}`` for every kind of :data:`~workbench.fielddata.returns.KINDS`
        (identifier and source columns dropped, :data:`PSEUDONYMIZED` columns hashed), and
        ``scored_responses``: ``IDSTUD, IDSCHOOL, IDCLASS, IDBOOK`` and one int8 column per
        item (0-2 scores; 6 not reached, 7 not administered, 9 omitted).
    """
    schemas = field_schemas(items)
    tables = {}
    for kind, result in field.results.items():
        data = result.accepted.drop(columns=[c for c in _SOURCE if c in result.accepted])
        data = data.drop(columns=[c for c in schemas[kind].identifiers if c in data])
        present = [c for c in PSEUDONYMIZED if c in data]
        tables[kind] = pseudonymize(data, columns=present, key=key) if present else data
    booklets = tables["booklets"]
    ids = booklets[["IDSTUD", "IDSCHOOL", "IDCLASS", "IDBOOK"]].reset_index(drop=True)
    scored = score_booklets(booklets.reset_index(drop=True), items)
    tables["scored_responses"] = pd.concat([ids, scored], axis=1)
    return tables


def public_log(field: FieldIntake) -> pd.DataFrame:
    """The intake log of a delivery with file names only (no local paths), for reports.

    Returns
    -------
    DataFrame
        ``kind`` and the intake log's columns (``file, sha256, ..., status, message``).
    """
    log = field.log()
    return log.assign(file=log["file"].map(_file_name))


def public_issues(field: FieldIntake, items: pd.DataFrame) -> pd.DataFrame:
    """The row problems of a delivery, safe to publish: values of identifier columns masked.

    Returns
    -------
    DataFrame
        ``kind, file (name only), row, column, value, reason``.
    """
    schemas = field_schemas(items)
    issues = field.issues()
    if issues.empty:
        return pd.DataFrame(columns=["kind", "file", "row", "column", "value", "reason"])
    secret = issues.apply(lambda r: r["column"] in schemas[r["kind"]].identifiers, axis=1)
    out = issues.assign(value=issues["value"].astype("string").where(~secret, "•••"),
                        file=issues["file"].map(_file_name))
    return out[["kind", "file", "row", "column", "value", "reason"]].reset_index(drop=True)


def identifier_values(field: FieldIntake, items: pd.DataFrame) -> dict[str, list[str]]:
    """Every identifier value seen in the delivery (accepted and quarantined rows), by column.

    For :func:`~workbench.fielddata.scan_for_identifiers`: none of them may appear in outputs.
    """
    schemas = field_schemas(items)
    values: dict[str, set] = {}
    for kind, result in field.results.items():
        for frame in (result.accepted, result.quarantined):
            for column in schemas[kind].identifiers:
                if column in frame:
                    found = frame[column].dropna().astype(str)
                    values.setdefault(column, set()).update(found[found.str.strip() != ""])
    return {column: sorted(found) for column, found in values.items()}


def participation_inputs(tables: dict[str, pd.DataFrame],
                         sample: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """School and class tables in the form :func:`participation_rates` takes.

    Parameters
    ----------
    tables
        :func:`clean_tables` output (``school_tracking``, ``class_tracking``).
    sample
        The drawn sample with ``IDSCHOOL`` and ``probability`` (sample design stage).

    Returns
    -------
    tuple of DataFrame
        schools: ``IDSCHOOL, stratum, role, replaces, participated, mos, weight``;
        classes: ``IDSCHOOL, IDCLASS, listed, excluded, assessed``.
    """
    track = tables["school_tracking"]
    probability = sample.set_index("IDSCHOOL")["probability"]
    roles = {0: "sampled", 1: "replacement_1", 2: "replacement_2"}
    schools = pd.DataFrame({
        "IDSCHOOL": track["IDSCHOOL"], "stratum": track["STRATUM"],
        "role": track["ROLE"].astype(int).map(roles),
        "replaces": track["REPLACES"].where(track["ROLE"].astype(int) != 0),
        "participated": track["PARTICIP"].astype(int) == 1, "mos": track["MOS"],
        "weight": 1 / track["IDSCHOOL"].map(probability)})
    cls = tables["class_tracking"]
    classes = pd.DataFrame({"IDSCHOOL": cls["IDSCHOOL"], "IDCLASS": cls["IDCLASS"],
                            "listed": cls["N_LISTED"], "excluded": cls["N_EXCLUDED"],
                            "assessed": cls["N_ASSESSED"]})
    return schools.reset_index(drop=True), classes.reset_index(drop=True)


def _file_name(path: object) -> str:
    return str(path).rsplit("/", 1)[-1]
