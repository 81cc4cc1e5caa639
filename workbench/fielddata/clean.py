"""From a verified delivery to de-identified analysis tables (field-data stage).

Direct identifiers never leave this module's output: every column a schema flags as an
identifier is dropped, student and teacher IDs become keyed-hash pseudonyms, and the values
of identifier columns are masked in the issue list a report shows.
"""

from __future__ import annotations

import json

import pandas as pd

from workbench.fielddata.booklets import score_booklets
from workbench.fielddata.deidentify import _id_text, looks_personal, pseudonymize
from workbench.fielddata.returns import FieldIntake, field_schemas, public_text

__all__ = [
    "PSEUDONYMIZED",
    "clean_tables",
    "public_log",
    "public_issues",
    "identifier_values",
    "participation_inputs",
    "issue_summary",
    "assert_no_identifiers",
    "findings_summary",
]

#: ID columns replaced by pseudonyms (schools and classes are not persons)
PSEUDONYMIZED = ("IDSTUD", "IDTEACH")
_SOURCE = ["_source_file", "_source_row"]


def clean_tables(
    field: FieldIntake,
    items: pd.DataFrame,
    *,
    key: bytes,
    cycle: str | None = None,
    link_across_cycles: bool = False,
) -> dict[str, pd.DataFrame]:
    """De-identified accepted rows of every kind, plus the scored booklets.

    Parameters
    ----------
    field
        The delivery's intake.
    items
        The item bank.
    key
        The pseudonymization key (:func:`~workbench.fielddata.load_key`).
    cycle
        The cycle id: part of what is hashed, so the same student gets another pseudonym in
        another cycle (no linkage across cycles without the key and the cycle ids).
    link_across_cycles
        Hash without the cycle id, so cycles sharing the key share pseudonyms (a panel).

    Returns
    -------
    dict
        ``{kind: DataFrame}`` for every kind of :data:`~workbench.fielddata.returns.KINDS`
        (identifier and source columns dropped, :data:`PSEUDONYMIZED` columns hashed), and
        ``scored_responses``: ``IDSTUD, IDSCHOOL, IDCLASS, IDBOOK`` and one int8 column per
        item (0-2 scores; 6 not reached, 7 not administered, 9 omitted).
    """
    schemas = field_schemas(items, field.codebooks)
    scope = None if link_across_cycles else cycle
    tables = {}
    for kind, result in field.results.items():
        data = result.accepted.drop(columns=[c for c in _SOURCE if c in result.accepted])
        data = data.drop(columns=[c for c in schemas[kind].identifiers if c in data])
        present = [c for c in PSEUDONYMIZED if c in data]
        tables[kind] = (
            pseudonymize(data, columns=present, key=key, cycle=scope) if present else data
        )
    booklets = tables["booklets"]
    ids = booklets[["IDSTUD", "IDSCHOOL", "IDCLASS", "IDBOOK"]].reset_index(drop=True)
    scored = score_booklets(booklets.reset_index(drop=True), items)
    tables["scored_responses"] = pd.concat([ids, scored], axis=1)
    return tables


def public_log(field: FieldIntake) -> pd.DataFrame:
    """The audit of a delivery for reports: every file and its fate, no local paths.

    Returns
    -------
    DataFrame
        :meth:`FieldIntake.audit`: ``folder, file`` (inside the delivery), ``kind, fate,
        status, rows_read, rows_accepted, rows_quarantined, reason``; one row per file
        under the delivery (read, rejected or unexpected).
    """
    return field.audit()


def public_issues(field: FieldIntake, items: pd.DataFrame) -> pd.DataFrame:
    """The row problems of a delivery, safe to publish.

    The content of a cell is never shown when it lies in an identifier column (names,
    birth dates, personal numbers), an ID column of persons (:data:`PSEUDONYMIZED`) or a
    free-text column, nor when it looks like personal data (a phone number, a personal
    number, a name); ``<hidden: ...>`` says why instead. Reasons quoting a key are masked
    the same way; file names are paths inside the delivery.

    Returns
    -------
    DataFrame
        ``kind, file, row, column, value, reason, code, values`` (the reason's code and
        values, :func:`~workbench.fielddata.messages.coded`, masked the same way).
    """
    columns = ["kind", "file", "row", "column", "value", "reason", "code", "values"]
    schemas = field_schemas(items, field.codebooks)
    issues = field.issues()
    if issues.empty:
        return pd.DataFrame(columns=columns)
    why = issues.apply(
        lambda r: _hidden_because(r["column"], r["value"], schemas[r["kind"]]), axis=1
    )
    value = issues["value"].astype("string").where(why == "", "<hidden: " + why + ">")
    reason = (
        issues["reason"]
        .astype(str)
        .where(
            why == "",
            issues["reason"]
            .astype(str)
            .str.replace(r"^duplicate (\S+) (.+?) \(", r"duplicate \1 <hidden> (", regex=True),
        )
    )
    values = issues["values"].astype(str).where(why == "", issues["values"].map(_hide_id))
    out = issues.assign(
        value=value,
        reason=reason.map(lambda t: public_text(t, field.folder)),
        values=values.map(lambda t: public_text(t, field.folder)),
        file=issues["file"].map(field._relative),
    )
    return out[columns].reset_index(drop=True)


def _hide_id(values: str) -> str:
    """The values of a message with the ID it quotes (a duplicate's) hidden."""
    if not values:
        return values
    parsed = json.loads(values)
    if isinstance(parsed, dict) and "id" in parsed:
        parsed["id"] = "<hidden>"
    return json.dumps(parsed, ensure_ascii=False)


def issue_summary(issues: pd.DataFrame, *, sample: int = 3) -> pd.DataFrame:
    """Row problems counted by kind, column and reason, with a few example rows each.

    A file with a million bad rows gives a few lines here, not a million.

    Parameters
    ----------
    issues
        :func:`public_issues` output.
    sample
        Example rows kept per reason.

    Returns
    -------
    DataFrame
        ``kind, column, reason, n, examples`` (``file row`` of the first ``sample`` rows), and
        the reason's ``code`` and ``values`` (its first row's) when ``issues`` has them.

    Examples
    --------
    >>> i = pd.DataFrame({"kind": "booklets", "file": "b.csv", "row": [2, 3, 9],
    ...                   "column": "R101", "value": "E",
    ...                   "reason": "R101 code not allowed (allowed: A, B, C, D)"})
    >>> issue_summary(i, sample=2)[["n", "examples"]].values.tolist()
    [[3, 'b.csv row 2, b.csv row 3']]
    """
    cols = ["kind", "column", "reason", "n", "examples"]
    if issues.empty:
        return pd.DataFrame(columns=cols)
    general = (
        issues["reason"].astype(str).str.replace(r"\s*\((?:rows?|[^)]*row)[^)]*\)", "", regex=True)
    )
    where = issues["file"].astype(str) + " row " + issues["row"].astype(str)
    frame = issues.assign(reason=general, _where=where)
    grouped = frame.groupby(["kind", "column", "reason"], sort=False)
    out = grouped.size().rename("n").reset_index()
    out["examples"] = grouped["_where"].agg(lambda s: ", ".join(s.head(sample))).to_numpy()
    coded = [c for c in ("code", "values") if c in issues]
    for c in coded:
        out[c] = grouped[c].first().to_numpy()
    cols = [*cols, *coded]
    return out.sort_values("n", ascending=False, kind="stable")[cols].reset_index(drop=True)


def identifier_values(field: FieldIntake, items: pd.DataFrame) -> dict[str, list[str]]:
    """Every value that must never appear in outputs, by kind of value.

    Values of the columns the schemas mark as identifiers (accepted and quarantined rows),
    raw IDs of persons (``IDSTUD``; published tables carry pseudonyms) and the text of
    any cell that failed validation in an ID column (a name shifted into ``IDSTUD``).
    For :func:`~workbench.fielddata.scan_for_identifiers`: none may appear in outputs.
    """
    schemas = field_schemas(items, field.codebooks)
    values: dict[str, set] = {}
    for kind, result in field.results.items():
        for frame in (result.accepted, result.quarantined):
            for column in schemas[kind].identifiers:
                if column in frame:
                    found = frame[column].dropna().astype(str)
                    values.setdefault(column, set()).update(found[found.str.strip() != ""])
            if "IDSTUD" in frame:
                raw = _id_text(frame["IDSTUD"]).dropna()
                values.setdefault("raw IDSTUD", set()).update(raw[raw.str.len() >= 6])
        bad = result.issues[
            result.issues["column"].isin(schemas[kind].id_columns + list(PSEUDONYMIZED))
        ]
        text = bad["value"].astype(str)
        values.setdefault("failed ID cell", set()).update(text[text.str.contains(r"[^\W\d_]")])
    return {column: sorted(found) for column, found in values.items() if found}


def findings_summary(findings: pd.DataFrame) -> pd.DataFrame:
    """Identifier-scan findings counted by output file and kind of value: ``file, kind, n``.

    Examples
    --------
    >>> f = pd.DataFrame({"file": ["a.html"] * 3, "location": ["line 1", "line 2", "line 9"],
    ...                   "kind": "phone number", "match": "13 chars"})
    >>> findings_summary(f).values.tolist()
    [['a.html', 'phone number', 3]]
    """
    if findings.empty:
        return pd.DataFrame(columns=["file", "kind", "n"])
    return findings.groupby(["file", "kind"]).size().rename("n").reset_index()


def assert_no_identifiers(findings: pd.DataFrame) -> None:
    """Fail the stage when the identifier scan found anything; name the files, not values.

    Raises
    ------
    ValueError
        One line naming each output file (and the kind of value) where personal data was
        found.

    Examples
    --------
    >>> assert_no_identifiers(pd.DataFrame(columns=["file", "location", "kind", "match"]))
    >>> assert_no_identifiers(pd.DataFrame({"file": ["data/x.parquet"], "location": ["c"],
    ...                                     "kind": ["PIN"], "match": ["…"]}))
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: assert_no_identifiers: personal data found in outputs: data/x.parquet (PIN); ...
    """
    if findings.empty:
        return
    where = findings.groupby("file", sort=True)["kind"].agg(
        lambda k: ", ".join(sorted(set(map(str, k))))
    )
    listed = "; ".join(f"{f} ({k})" for f, k in where.items())
    raise ValueError(
        f"assert_no_identifiers: personal data found in outputs: {listed}; "
        "remove it from those outputs (the values are in the delivery, not "
        "here) and rerun the stage"
    )


def participation_inputs(
    tables: dict[str, pd.DataFrame], sample: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
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
    schools = pd.DataFrame(
        {
            "IDSCHOOL": track["IDSCHOOL"],
            "stratum": track["STRATUM"],
            "role": track["ROLE"].astype(int).map(roles),
            "replaces": track["REPLACES"].where(track["ROLE"].astype(int) != 0),
            "participated": track["PARTICIP"].astype(int) == 1,
            "mos": track["MOS"],
            "weight": 1 / track["IDSCHOOL"].map(probability),
        }
    )
    cls = tables["class_tracking"]
    classes = pd.DataFrame(
        {
            "IDSCHOOL": cls["IDSCHOOL"],
            "IDCLASS": cls["IDCLASS"],
            "listed": cls["N_LISTED"],
            "excluded": cls["N_EXCLUDED"],
            "assessed": cls["N_ASSESSED"],
        }
    )
    return schools.reset_index(drop=True), classes.reset_index(drop=True)


def _file_name(path: object) -> str:
    return str(path).rsplit("/", 1)[-1]


def _hidden_because(column: str, value: object, schema) -> str:
    """Why a failed cell must not be shown (``""``: it may be shown)."""
    names = str(column).split("+")
    declared = {c.name: c for c in schema.columns}
    if any(n in schema.identifiers or n in PSEUDONYMIZED for n in names):
        return "identifier column"
    if any(n in declared and declared[n].type == "str" for n in names):
        return "free-text column"
    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    if looks_personal(text):
        return "looks like personal data"
    return ""
