"""The cycle's analysis files and their codebook (stage: scaling, ``notebooks/50_scaling.py``).

Every published figure comes from one student file, ``student_results``: one row per assessed
student (``TOTWGT > 0`` and plausible values present) with IEA names, one gender coding
(``ITSEX``: 1 girl, 2 boy, missing stays missing), the reporting groups taken from the sample
and the frame, and the background questionnaires with every declared missing code turned into
a missing value. The kind of each missing value is kept in a parallel column
``<VAR>_MISSING`` (``omitted``, ``not_reached``, ``not_administered``, ``invalid``; ``<NA>``
when answered). ``school_results`` and ``teacher_results`` are linked by ``IDSCHOOL`` and
``IDCLASS``; :func:`codebook` documents every column of the three files in ky/ru/en.

The join of scores to weights and groups is done here once; designs are built from the file
with ``workbench.survey.RepDesign.iea``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from workbench.labels import LANGS, label, text_language
from workbench.scaling.groups import school_groups

__all__ = [
    "MISSING_KINDS",
    "GROUPS",
    "clean_missing",
    "student_background",
    "scaling_frame",
    "student_results",
    "school_results",
    "teacher_results",
    "codebook",
    "cycle_labels",
    "unlabelled",
    "value_labels",
    "with_value_labels",
    "join_log",
]

#: the kinds of missing value kept in ``<VAR>_MISSING`` (IEA: omitted, not reached, not
#: administered; ``invalid`` = a code outside the declared codes or range)
MISSING_KINDS = ("omitted", "not_reached", "not_administered", "invalid")
#: reporting groups of the analysis files (string codes)
GROUPS = ("region", "locality", "language", "school_type")
_KIND = {
    "omitted": "omitted",
    "not reached": "not_reached",
    "not_reached": "not_reached",
    "not administered": "not_administered",
    "not_administered": "not_administered",
    "invalid": "invalid",
}
_CODEBOOK = Path(__file__).resolve().parent / "codebook.yaml"
_IEA_DESIGN = ["TOTWGT", "JKZONE", "JKREP"]
_SCORES = ("EAP", "EAP_SE", "WLE", "WLE_SE")


# ----------------------------------------------------------------------------- missing codes
def clean_missing(table: pd.DataFrame, schema, *, columns=None) -> pd.DataFrame:
    """Turn a questionnaire's declared missing codes into NaN, keeping the kind alongside.

    Parameters
    ----------
    table
        Accepted field data (codes as delivered: ``9`` = omitted, ...); rows that are all
        blank (a questionnaire that did not come back, a student without a row after a left
        join) count as ``not_administered``.
    schema
        The table's :class:`workbench.fielddata.Schema` (its columns' ``codes``, ``min``,
        ``max`` and ``missing``).
    columns
        The columns to clean (default: every ``code``/``int``/``float`` column of the schema
        in ``table`` except the id columns).

    Returns
    -------
    DataFrame
        ``table`` with each cleaned column as ``float64`` (missing codes NaN) followed by its
        ``<VAR>_MISSING`` column (category of :data:`MISSING_KINDS`): the schema's
        meaning of the code (``omitted``, ``not_reached`` ...), ``not_administered`` for a
        blank, ``invalid`` for a value outside the declared codes or range.

    Checked against
    ---------------
    Hand-counted codes; ``tests/test_scaling_analysis.py``.

    Examples
    --------
    >>> from workbench.fielddata import Schema
    >>> s = Schema(name="q", columns=[{"name": "ASBG04", "type": "code",
    ...            "codes": [1, 2, 3, 4, 5], "missing": {9: "omitted"}}])
    >>> out = clean_missing(pd.DataFrame({"ASBG04": [1, 9, None, 7]}), s)
    >>> out["ASBG04"].tolist(), out["ASBG04_MISSING"].tolist()
    ([1.0, nan, nan, nan], [nan, 'omitted', 'not_administered', 'invalid'])
    """
    ids = set(getattr(schema, "id_columns", []) or []) | {
        "IDSTUD",
        "IDSCHOOL",
        "IDCLASS",
        "IDTEACH",
    }
    declared = {c.name: c for c in schema.columns}
    if columns is None:
        columns = [
            c.name
            for c in schema.columns
            if c.type in ("code", "int", "float")
            and c.name in table.columns
            and c.name not in ids
            and not c.identifier
        ]
    absent = [c for c in columns if c not in table.columns or c not in declared]
    if absent:
        raise KeyError(
            f"clean_missing: columns {absent} are not in the table or not declared "
            f"in schema {schema.name!r}; pass columns of the accepted "
            f"{schema.name} table."
        )
    out = table.copy()
    for name in columns:
        column = declared[name]
        values = pd.to_numeric(out[name].astype("object"), errors="coerce").astype(float)
        kind = pd.Series(pd.NA, index=out.index, dtype="object")
        for code, meaning in column.missing.items():
            kind[values == float(code)] = _KIND.get(str(meaning).strip().lower(), "invalid")
        kind[values.isna()] = "not_administered"
        valid = kind.isna()
        if column.type == "code" and column.codes:
            allowed = {float(c) for c in column.codes if _is_number(c)}
            kind[valid & ~values.isin(allowed)] = "invalid"
        else:
            low = -np.inf if column.min is None else column.min
            high = np.inf if column.max is None else column.max
            kind[valid & ((values < low) | (values > high))] = "invalid"
        out[name] = values.where(kind.isna())
        position = out.columns.get_loc(name) + 1
        out.insert(
            position, f"{name}_MISSING", pd.Categorical(kind, categories=list(MISSING_KINDS))
        )
    return out


def _is_number(value: object) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


# ----------------------------------------------------------------------------- the joins
def student_background(
    weights: pd.DataFrame,
    *,
    sample: pd.DataFrame,
    frame: pd.DataFrame,
    classes: pd.DataFrame,
    questionnaires: Mapping[str, pd.DataFrame] | None = None,
    scale_scores: pd.DataFrame | None = None,
    schemas: Mapping | None = None,
    groups: list[str] | tuple[str, ...] = (*GROUPS, "ITSEX"),
) -> pd.DataFrame:
    """Weights, gender, reporting groups and background of every weighted student.

    Parameters
    ----------
    weights
        The weights stage's ``weights`` (``IDSTUD, IDSCHOOL, IDCLASS, SEX, TOTWGT, JKZONE,
        JKREP, RWGT1..``); rows with ``TOTWGT > 0`` are kept.
    sample
        ``sample_schools`` (``IDSCHOOL, school_id``; a group the frame lacks is taken here).
    frame
        The reviewed ``frame`` (``school_id`` and the school-level groups, any names).
    classes
        ``class_tracking`` (``IDCLASS, CLASS_LANG``): when ``"language"`` is a group, the
        language of instruction of the student's class; the school's frame language where
        the class has none.
    questionnaires
        ``{kind: table}`` keyed by ``IDSTUD``, e.g. ``{"student_questionnaire": ...,
        "parent_questionnaire": ...}``; each is cleaned by :func:`clean_missing` with its
        field-data schema (a student without a row: ``not_administered``).
    scale_scores
        Optional background indices keyed by ``IDSTUD`` (``ASBGSLR``, ...).
    schemas
        ``{kind: Schema}`` (default: :func:`workbench.fielddata.field_schemas`).
    groups
        The cycle's reporting groups (``ITSEX`` and columns of the frame, e.g.
        ``["Район", "ITSEX"]``; default the demo's).

    Returns
    -------
    DataFrame
        ``IDSTUD, IDSCHOOL, IDCLASS, ITSEX, TOTWGT, JKZONE, JKREP, RWGT1..``, the school-level
        groups (default ``region, locality, language, school_type``), then the background
        columns with their ``<VAR>_MISSING``. ``ITSEX`` (nullable ``Int64``) is the tracking
        form's ``SEX``; where that is missing, a valid ``ASBG01`` of the student questionnaire (IEA
        practice); ``ASBG01`` itself is not carried (one gender coding). The IDs whose
        ``ITSEX`` came from ``ASBG01`` are in ``.attrs["itsex_from_questionnaire"]``.
    """
    _need(
        "student_background",
        "weights",
        weights,
        ["IDSTUD", "IDSCHOOL", "IDCLASS", "SEX", *_IEA_DESIGN],
    )
    school_level = _school_level(groups)
    _need("student_background", "sample", sample, ["IDSCHOOL", "school_id"])
    _need("student_background", "frame", frame, ["school_id"])
    _need(
        "student_background",
        "frame",
        frame,
        [g for g in school_level if g not in sample.columns],
    )
    if "language" in school_level:
        _need("student_background", "classes", classes, ["IDCLASS", "CLASS_LANG"])
    reps = _numbered(weights.columns, "RWGT")
    if not reps:
        raise KeyError(
            "student_background: weights has no replicate weights RWGT1, RWGT2, "
            "...; pass the weights stage's weights table."
        )
    out = weights.loc[
        weights["TOTWGT"] > 0, ["IDSTUD", "IDSCHOOL", "IDCLASS", "SEX", *_IEA_DESIGN, *reps]
    ].reset_index(drop=True)
    if out["IDSTUD"].duplicated().any():
        raise ValueError(
            f"student_background: weights has duplicated IDSTUD "
            f"({out.loc[out['IDSTUD'].duplicated(), 'IDSTUD'].iloc[0]!r}); "
            "rerun the weights stage."
        )
    schools = _school_groups(sample, frame, school_level)
    out = out.merge(schools, on="IDSCHOOL", how="left", validate="m:1")
    if "language" in school_level:
        class_lang = classes.drop_duplicates("IDCLASS").set_index("IDCLASS")["CLASS_LANG"]
        language = out["IDCLASS"].map(class_lang).astype("object")
        out["language"] = language.where(language.notna(), out["language"])
    out["ITSEX"] = pd.to_numeric(out.pop("SEX"), errors="coerce").astype("Int64")
    out.loc[~out["ITSEX"].isin([1, 2]), "ITSEX"] = pd.NA
    schemas = schemas or _schemas()
    from_questionnaire: list = []
    for kind, table in (questionnaires or {}).items():
        if table is None:
            continue
        if kind not in schemas:
            raise KeyError(
                f"student_background: no schema for questionnaire {kind!r}; kinds "
                f"are {', '.join(schemas)}."
            )
        _need("student_background", kind, table, ["IDSTUD"])
        own = [c for c in table.columns if c not in out.columns or c == "IDSTUD"]
        own = [c for c in own if c not in ("IDSCHOOL", "IDCLASS", "IDTEACH")]
        joined = out[["IDSTUD"]].merge(
            table[own].drop_duplicates("IDSTUD"), on="IDSTUD", how="left"
        )
        cleaned = clean_missing(joined, schemas[kind])
        if "ASBG01" in cleaned.columns:
            self_report = cleaned.pop("ASBG01")
            cleaned.pop("ASBG01_MISSING")
            fill = out["ITSEX"].isna() & self_report.isin([1.0, 2.0]).to_numpy()
            out.loc[fill, "ITSEX"] = self_report[fill].astype("Int64")
            from_questionnaire += out.loc[fill, "IDSTUD"].tolist()
        out = pd.concat([out, cleaned.drop(columns="IDSTUD")], axis=1)
    if scale_scores is not None:
        _need("student_background", "scale_scores", scale_scores, ["IDSTUD"])
        own = [c for c in scale_scores.columns if c not in out.columns or c == "IDSTUD"]
        out = out.merge(scale_scores[own].drop_duplicates("IDSTUD"), on="IDSTUD", how="left")
    front = ["IDSTUD", "IDSCHOOL", "IDCLASS", "ITSEX", *_IEA_DESIGN, *reps, *school_level]
    out = out[front + [c for c in out.columns if c not in front]]
    out.attrs["itsex_from_questionnaire"] = from_questionnaire  # counted by join_log
    return out


def scaling_frame(scored: pd.DataFrame, students: pd.DataFrame) -> pd.DataFrame:
    """The rows scaled: scored responses of the students in ``students`` (inner join).

    Parameters
    ----------
    scored
        ``scored_responses`` (``IDSTUD``, booklet and item columns).
    students
        :func:`student_background` (one row per weighted student).

    Returns
    -------
    DataFrame
        The ``students`` columns, then the scored item columns, one row per student with
        both a weight and a scored booklet (in the order of ``students``).

    Examples
    --------
    >>> s = pd.DataFrame({"IDSTUD": ["a", "b"], "TOTWGT": [1.0, 2.0]})
    >>> scaling_frame(pd.DataFrame({"IDSTUD": ["b", "c"], "R1": [1, 0]}), s).values.tolist()
    [['b', 2.0, 1]]
    """
    _need("scaling_frame", "scored", scored, ["IDSTUD"])
    _need("scaling_frame", "students", students, ["IDSTUD", "TOTWGT"])
    own = [c for c in scored.columns if c not in students.columns or c == "IDSTUD"]
    return students.merge(scored[own], on="IDSTUD", how="inner", validate="1:1")


def student_results(
    students: pd.DataFrame, scores: pd.DataFrame, *, pvs: list[str] | tuple[str, ...]
) -> pd.DataFrame:
    """The student analysis file: background joined once to the plausible values.

    Parameters
    ----------
    students
        :func:`student_background`.
    scores
        ``CycleScaling.students`` (``IDSTUD``, the PVs, ``EAP, EAP_SE, WLE, WLE_SE``).
    pvs
        The PV columns (``READ01..``).

    Returns
    -------
    DataFrame
        One row per assessed student (weight > 0, every PV present), the ``students``
        columns with the PVs inserted after the replicate weights and the EAP/WLE at the
        end of the IEA block.

    Examples
    --------
    >>> s = pd.DataFrame({"IDSTUD": ["a", "b"], "ITSEX": [1, 2], "TOTWGT": [1.0, 2.0],
    ...                   "RWGT1": [2.0, 2.0], "region": ["chui", "osh"]})
    >>> pv = pd.DataFrame({"IDSTUD": ["b", "a"], "READ01": [480.0, 520.0]})
    >>> student_results(s, pv, pvs=["READ01"]).columns.tolist()
    ['IDSTUD', 'ITSEX', 'TOTWGT', 'RWGT1', 'READ01', 'region']
    """
    pvs = list(pvs)
    _need("student_results", "scores", scores, ["IDSTUD", *pvs])
    _need("student_results", "students", students, ["IDSTUD", "TOTWGT"])
    extra = [c for c in _SCORES if c in scores.columns]
    kept = scores[["IDSTUD", *pvs, *extra]]
    kept = kept[kept[pvs].notna().all(axis=1)]
    out = students.merge(kept, on="IDSTUD", how="inner", validate="1:1")
    out = out[out["TOTWGT"] > 0].reset_index(drop=True)
    reps = _numbered(out.columns, "RWGT")
    anchor = reps[-1] if reps else "TOTWGT"
    head = list(students.columns[: students.columns.get_loc(anchor) + 1])
    order = head + pvs + extra + [c for c in students.columns if c not in head]
    return out[order]


def school_results(
    students: pd.DataFrame,
    *,
    sample: pd.DataFrame,
    frame: pd.DataFrame,
    questionnaire: pd.DataFrame | None = None,
    school_weights: pd.DataFrame | None = None,
    schema=None,
    groups: list[str] | tuple[str, ...] = (*GROUPS, "ITSEX"),
) -> pd.DataFrame:
    """The school analysis file: one row per school with assessed students.

    Returns
    -------
    DataFrame
        ``IDSCHOOL, SCHWGT`` (the school weight, if ``school_weights`` is given), the
        school-level ``groups`` as in the frame (default ``region, locality, language``
        (the school's language of instruction, e.g. ``multi``), ``school_type``), then the
        principal questionnaire with missing codes as NaN and ``<VAR>_MISSING`` (a school
        without a questionnaire: ``not_administered``). Linked to ``student_results`` by
        ``IDSCHOOL``.
    """
    _need("school_results", "students", students, ["IDSCHOOL"])
    ids = pd.DataFrame({"IDSCHOOL": pd.unique(students["IDSCHOOL"])})
    school_level = _school_level(groups)
    out = ids.merge(_school_groups(sample, frame, school_level), on="IDSCHOOL", how="left")
    if school_weights is not None:
        _need("school_results", "school_weights", school_weights, ["IDSCHOOL", "school_weight"])
        w = school_weights.drop_duplicates("IDSCHOOL").set_index("IDSCHOOL")["school_weight"]
        out.insert(1, "SCHWGT", out["IDSCHOOL"].map(w).astype(float))
    if questionnaire is not None:
        _need("school_results", "questionnaire", questionnaire, ["IDSCHOOL"])
        own = [c for c in questionnaire.columns if c not in out.columns or c == "IDSCHOOL"]
        joined = out[["IDSCHOOL"]].merge(
            questionnaire[own].drop_duplicates("IDSCHOOL"), on="IDSCHOOL", how="left"
        )
        cleaned = clean_missing(joined, schema or _schemas()["principal_questionnaire"])
        out = pd.concat([out, cleaned.drop(columns="IDSCHOOL")], axis=1)
    front = ["IDSCHOOL", *(["SCHWGT"] if "SCHWGT" in out else []), *school_level]
    return (
        out[front + [c for c in out.columns if c not in front]]
        .sort_values("IDSCHOOL")
        .reset_index(drop=True)
    )


def teacher_results(
    questionnaire: pd.DataFrame, *, students: pd.DataFrame, schema=None
) -> pd.DataFrame:
    """The teacher analysis file: the reading teachers of classes with assessed students.

    Returns
    -------
    DataFrame
        ``IDTEACH, IDSCHOOL, IDCLASS`` and the teacher questionnaire with missing codes as
        NaN and ``<VAR>_MISSING``; linked to ``student_results`` by ``IDCLASS``. Teachers
        of classes without assessed students are left out (:func:`join_log` counts them).
    """
    _need("teacher_results", "questionnaire", questionnaire, ["IDTEACH", "IDSCHOOL", "IDCLASS"])
    _need("teacher_results", "students", students, ["IDCLASS"])
    kept = questionnaire[questionnaire["IDCLASS"].isin(set(students["IDCLASS"]))]
    out = clean_missing(kept.reset_index(drop=True), schema or _schemas()["teacher_questionnaire"])
    front = ["IDTEACH", "IDSCHOOL", "IDCLASS"]
    return out[front + [c for c in out.columns if c not in front]]


def join_log(
    *,
    weights: pd.DataFrame,
    scored: pd.DataFrame,
    students: pd.DataFrame,
    results: pd.DataFrame,
    teachers: pd.DataFrame | None = None,
    teacher_results: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """How many rows each join kept and dropped: ``step, n, dropped``.

    Every student row that does not reach ``student_results`` is counted: no positive
    weight, no scored booklet, no plausible value; and teacher rows whose class has no
    assessed student. Two rows count ``ITSEX``: taken from the questionnaire (``ASBG01``)
    because the tracking form had no valid ``SEX``, and still missing.

    Examples
    --------
    >>> w = pd.DataFrame({"IDSTUD": ["a", "b", "c"], "TOTWGT": [1.0, 0.0, 1.0]})
    >>> s = w[w["TOTWGT"] > 0]
    >>> join_log(weights=w, scored=w.iloc[:2], students=s, results=s.iloc[:1])[
    ...     "dropped"].tolist()
    [0, 1, 1, 0]
    """
    weighted = set(students["IDSTUD"])
    booklets = set(scored["IDSTUD"])
    rows = [
        ("weights_rows", len(weights), 0),
        ("weighted_students", len(students), len(weights) - len(students)),
        ("weighted_with_booklet", len(weighted & booklets), len(weighted - booklets)),
        ("student_results", len(results), len(weighted & booklets) - len(results)),
    ]
    if "ITSEX" in results.columns:
        filled = set(students.attrs.get("itsex_from_questionnaire", ()))
        rows += [
            ("itsex_from_questionnaire", len(filled & set(results["IDSTUD"])), 0),
            ("itsex_missing", int(results["ITSEX"].isna().sum()), 0),
        ]
    if teachers is not None and teacher_results is not None:
        rows.append(("teacher_results", len(teacher_results), len(teachers) - len(teacher_results)))
    return pd.DataFrame(rows, columns=["step", "n", "dropped"])


# ----------------------------------------------------------------------------- codebook
def codebook(
    files: Mapping[str, pd.DataFrame],
    *,
    schemas: Mapping | None = None,
    groups: list[str] | tuple[str, ...] = GROUPS,
    codebooks: pd.DataFrame | None = None,
    language: str = "ru",
) -> pd.DataFrame:
    """One row per column of each analysis file: labels, type, value labels, missing codes.

    Parameters
    ----------
    files
        ``{"student_results": ..., "school_results": ..., "teacher_results": ...}``.
    schemas
        Field-data schemas (default :func:`workbench.fielddata.field_schemas`): the missing
        codes and types of the questionnaire variables.
    groups
        The school-level reporting groups (type ``group``, each code labelled).
    codebooks
        The cycle's questionnaire codebooks (catalog ``codebooks``: ``questionnaire, variable,
        label, code, code_label``), when present: a variable or code the package's labels
        (``workbench/scaling/codebook.yaml``) do not word gets the codebook's words, in the
        language they are written in (:func:`cycle_labels`; ``language``: the cycle's).
        A language without words shows the variable name or the code
        (:func:`unlabelled` counts them).

    Returns
    -------
    DataFrame
        ``variable, file, label_ky, label_ru, label_en, type, values_ky, values_ru,
        values_en`` (``"1 = girl; 2 = boy"``), ``missing_codes`` (``"9 = omitted"``, the
        codes of the field data, NaN in the file), ``n_valid``, ``n_missing`` and
        ``n_omitted, n_not_reached, n_not_administered, n_invalid`` (from
        ``<VAR>_MISSING``).

    Checked against
    ---------------
    Every column of every file has a row and three labels;
    ``tests/test_scaling_analysis.py``.
    """
    schemas = schemas or _schemas()
    declared = {}
    for kind in (
        "student_questionnaire",
        "parent_questionnaire",
        "principal_questionnaire",
        "teacher_questionnaire",
    ):
        if kind in schemas:
            declared.update({c.name: c for c in schemas[kind].columns})
    words = cycle_labels(codebooks, language)
    rows = []
    for file, table in files.items():
        for name in table.columns:
            described = _describe(name, table, declared.get(name), groups, words)
            rows.append({"variable": name, "file": file, **described})
    return pd.DataFrame(rows)


def pv_step_rows(reconciliation: pd.DataFrame) -> pd.DataFrame:
    """The rows of the reconciliation's ``plausible_values`` step: the students weighted but
    given no plausible values, with the reason
    (:func:`workbench.fielddata.plausible_values_step`).

    Examples
    --------
    >>> r = pd.DataFrame({"step": ["weights", "plausible_values"], "n": [3, 1]})
    >>> pv_step_rows(r)["n"].tolist()
    [1]
    """
    return reconciliation[reconciliation["step"] == "plausible_values"]


def missing_code_rows(book: pd.DataFrame) -> pd.DataFrame:
    """The codebook's missing codes, one row per variable and code, the meaning as a code
    (``omitted``, ...) that a report labels in its language (label ``missing_kind_<meaning>``).

    Parameters
    ----------
    book
        :func:`codebook` output (``missing_codes`` such as ``"9 = omitted; 8 = invalid"``).

    Returns
    -------
    DataFrame
        ``variable, file, missing_code, meaning, n_valid, n_omitted, n_not_reached,
        n_not_administered, n_invalid``; variables without missing codes are left out.

    Examples
    --------
    >>> b = pd.DataFrame({"variable": ["A", "B"], "file": "f",
    ...                   "missing_codes": ["9 = omitted; 8 = invalid", ""], "n_valid": [5, 6],
    ...                   "n_omitted": [1, 0], "n_not_reached": 0, "n_not_administered": 0,
    ...                   "n_invalid": [2, 0]})
    >>> missing_code_rows(b)[["variable", "missing_code", "meaning"]].values.tolist()
    [['A', '9', 'omitted'], ['A', '8', 'invalid']]
    """
    counts = ["n_valid", *(f"n_{kind}" for kind in MISSING_KINDS)]
    rows = [
        {
            "variable": row["variable"],
            "file": row["file"],
            "missing_code": code.strip(),
            "meaning": meaning.strip(),
            **{c: row[c] for c in counts},
        }
        for row in book.to_dict("records")
        for part in str(row["missing_codes"] or "").split(";")
        if "=" in part
        for code, meaning in [part.split("=", 1)]
    ]
    return pd.DataFrame(rows, columns=["variable", "file", "missing_code", "meaning", *counts])


def _describe(name: str, table: pd.DataFrame, column, groups, words: dict | None = None) -> dict:
    base = name.removesuffix("_MISSING") if name.endswith("_MISSING") else None
    entry = _entry(base or name, words)
    labels = {lang: entry.get("label", {}).get(lang) or name for lang in LANGS}
    if base:
        note = {"ky": "жок маанинин түрү", "ru": "вид пропуска", "en": "kind of missing value"}
        labels = {lang: f"{labels[lang]}: {note[lang]}" for lang in LANGS}
    number = re.search(r"(\d+)$", name)
    if entry.get("_family") and number:
        labels = {lang: f"{labels[lang]} {int(number.group(1))}" for lang in LANGS}
    values = _value_map(name, table, entry, base, groups)
    if column is not None and column.missing:  # missing codes are no values of the file
        declared_missing = {str(code) for code in column.missing}
        values = {c: w for c, w in values.items() if str(c) not in declared_missing}
    series = table[name]
    kinds = table[f"{name}_MISSING"] if f"{name}_MISSING" in table.columns else None
    counts = {f"n_{k}": int((kinds == k).sum()) if kinds is not None else 0 for k in MISSING_KINDS}
    return {
        **{f"label_{lang}": labels[lang] for lang in LANGS},
        "type": _type(name, series, column, base, groups),
        **{
            f"values_{lang}": "; ".join(
                f"{code} = {words[LANGS.index(lang)] or code}" for code, words in values.items()
            )
            for lang in LANGS
        },
        "missing_codes": "; ".join(f"{c} = {m}" for c, m in column.missing.items())
        if column is not None and column.missing
        else "",
        "n_valid": int(series.notna().sum()),
        "n_missing": int(series.isna().sum()),
        **counts,
    }


def _type(name: str, series: pd.Series, column, base: str | None, groups) -> str:
    if base:
        return "missing kind"
    if name.startswith("ID"):
        return "id"
    if name in groups:
        return "group"
    if name in ("TOTWGT", "SCHWGT") or re.fullmatch(r"RWGT\d+", name):
        return "weight"
    if name in ("JKZONE", "JKREP"):
        return "design"
    if re.fullmatch(r"READ\d+", name):
        return "plausible value"
    if name in _SCORES:
        return "score"
    if name == "ITSEX":
        return "code"
    if column is not None:
        return column.type
    return "float" if pd.api.types.is_float_dtype(series) else str(series.dtype)


def _value_map(name: str, table: pd.DataFrame, entry: dict, base: str | None, groups) -> dict:
    if base:
        return {k: tuple(label(f"missing_kind_{k}", lang) for lang in LANGS) for k in MISSING_KINDS}
    if name in groups:
        codes = sorted(str(v) for v in table[name].dropna().unique())
        return {c: tuple(label(c, lang) for lang in LANGS) for c in codes}
    return {code: tuple(words) for code, words in entry.get("values", {}).items()}


@cache
def _codebook_entries() -> dict:
    return yaml.safe_load(_CODEBOOK.read_text(encoding="utf-8"))


def _entry(name: str, words: dict | None = None) -> dict:
    """The package's labels of ``name`` (``codebook.yaml``), what they lack filled from the
    cycle's codebooks (``words``: :func:`cycle_labels`)."""
    entries = _codebook_entries()
    if name in entries:
        entry = entries[name]
    else:
        family = re.sub(r"\d+$", "#", name)
        entry = {**entries[family], "_family": True} if family != name and family in entries else {}
    given = (words or {}).get(name)
    if not given:
        return entry
    label_ = {lang: text for lang, text in given["label"].items() if text}
    label_.update(entry.get("label", {}))
    values = {_key(code): list(texts) for code, texts in given["values"].items()}
    for code, texts in entry.get("values", {}).items():
        own = values.get(_key(code), [None, None, None])
        values[_key(code)] = [texts[i] or own[i] for i in range(len(LANGS))]
    return {**entry, "label": label_, "values": values}


def _key(code: object) -> object:
    """A code as the package's labels key it: ``"1"`` and ``1`` are 1."""
    text_ = str(code).strip()
    return int(text_) if re.fullmatch(r"-?\d+", text_) else text_


def cycle_labels(codebooks: pd.DataFrame | None, language: str = "ru") -> dict:
    """The variable and value labels the cycle's questionnaire codebooks give, each in the
    language it is written in (:func:`workbench.labels.text_language`), told per variable
    (its label and code labels together: ``Ооба`` beside ``Үйдө китеп барбы`` is Kyrgyz);
    ``language``, the cycle's, is that of Cyrillic text without a Kyrgyz letter.

    Parameters
    ----------
    codebooks
        Catalog ``codebooks`` (``questionnaire, variable, label, code, code_label``, one row
        per code; :attr:`workbench.instruments.Instruments.codebooks`), or ``None``.

    Returns
    -------
    dict
        ``{variable: {"label": {lang: text}, "values": {code: [ky, ru, en]}}}``, ``None``
        where the codebook gives no words in a language.

    Examples
    --------
    >>> book = pd.DataFrame({"questionnaire": "student", "variable": "ASBG10",
    ...                      "label": "Есть компьютер", "code": ["1", "2"],
    ...                      "code_label": ["Да", "Нет"]})
    >>> words = cycle_labels(book, "ru")["ASBG10"]
    >>> words["label"], words["values"]
    ({'ru': 'Есть компьютер'}, {1: [None, 'Да', None], 2: [None, 'Нет', None]})
    """
    if codebooks is None or len(codebooks) == 0:
        return {}
    missing = [c for c in ("variable", "label", "code", "code_label") if c not in codebooks]
    if missing:
        raise KeyError(
            f"cycle_labels: the codebooks have no columns {missing}; pass the catalog's "
            "codebooks (questionnaire, variable, label, code, code_label)."
        )
    out: dict = {}
    for variable, rows in codebooks.groupby("variable", sort=False):
        texts = [str(t) for t in [*rows["label"], *rows["code_label"]] if _given(t)]
        whole = text_language(" ".join(texts), language)
        label_ = next((str(t) for t in rows["label"] if _given(t)), None)
        entry: dict = {"label": {}, "values": {}}
        if label_:
            entry["label"] = dict.fromkeys(_languages(label_, whole, language), label_)
        for code, words in zip(rows["code"], rows["code_label"], strict=True):
            if _given(code) and _given(words):
                texts_ = entry["values"].setdefault(_key(code), [None] * len(LANGS))
                for lang in _languages(str(words), whole, language):
                    texts_[LANGS.index(lang)] = texts_[LANGS.index(lang)] or str(words)
        out[str(variable)] = entry
    return out


def _languages(words: str, whole: tuple[str, ...], language: str) -> tuple[str, ...]:
    """The languages of one text of a variable whose texts together read as ``whole``: a text
    without letters reads in every language, Latin text is English, Cyrillic text is the
    variable's language."""
    own = text_language(words, language)
    if own == LANGS or own == ("en",) or whole == ("en",):
        return own
    return whole


def _given(value: object) -> bool:
    """A codebook cell that holds words (not ``None``, NaN, ``<NA>`` or blank)."""
    try:
        if pd.isna(value):
            return False
    except (TypeError, ValueError):
        return True
    return bool(str(value).strip())


def unlabelled(book: pd.DataFrame) -> pd.DataFrame:
    """How many variables of the analysis files' :func:`codebook` have no words in each
    language: ``report_language, unlabelled_variables`` (the variable's name shown for its
    label) and ``unlabelled_values`` (a coded variable with a code shown for its value label;
    the reporting groups' codes are the register's own names and not counted).

    Examples
    --------
    >>> b = pd.DataFrame({"variable": ["ASBG10", "ITSEX"], "type": "code",
    ...                   "label_ky": ["ASBG10", "Жынысы"], "label_ru": ["Есть компьютер", "Пол"],
    ...                   "label_en": ["ASBG10", "Sex"], "values_ky": ["1 = 1", "1 = кыз"],
    ...                   "values_ru": ["1 = Да", "1 = девочка"],
    ...                   "values_en": ["1 = 1", "1 = girl"]})
    >>> unlabelled(b).values.tolist()
    [['ky', 1, 1], ['ru', 0, 0], ['en', 1, 1]]
    """
    rows = []
    variables = book[~book["variable"].astype(str).str.endswith("_MISSING")]
    coded = variables[variables["type"] != "group"] if "type" in variables else variables
    for lang in LANGS:
        names = variables[f"label_{lang}"].astype(str) == variables["variable"].astype(str)
        values = coded[f"values_{lang}"].map(_codes_shown)
        rows.append((lang, int(names.sum()), int(values.sum())))
    columns = ["report_language", "unlabelled_variables", "unlabelled_values"]
    return pd.DataFrame(rows, columns=columns)


def _codes_shown(values: object) -> bool:
    """Whether a ``"1 = Да; 2 = 2"`` value-label text shows a code for its label."""
    pairs = [p.split(" = ", 1) for p in str(values or "").split("; ") if " = " in p]
    return any(code.strip() == words.strip() for code, words in pairs)


def value_labels(variable: str, lang: str, words: dict | None = None) -> dict:
    """The value labels of an analysis-file variable in ``lang`` (``{code: label}``), those the
    package lacks taken from the cycle's codebooks (``words``: :func:`cycle_labels`); a code
    without words in ``lang`` is left out (shown as it is).

    Examples
    --------
    >>> value_labels("ITSEX", "ru")
    {1: 'девочка', 2: 'мальчик'}
    >>> value_labels("ASBG10", "ru", {"ASBG10": {"label": {}, "values": {1: [None, "Да", None]}}})
    {1: 'Да'}
    """
    if lang not in LANGS:
        raise ValueError(f"value_labels: unknown language {lang!r}; use one of {', '.join(LANGS)}.")
    return {
        code: texts[LANGS.index(lang)]
        for code, texts in _entry(variable, words).get("values", {}).items()
        if texts[LANGS.index(lang)]
    }


def with_value_labels(table: pd.DataFrame, *, lang: str, columns=None) -> pd.DataFrame:
    """Replace codes by their labels in the columns that have value labels (for reports).

    Examples
    --------
    >>> t = pd.DataFrame({"ITSEX": [1.0, 2.0], "estimate": [510.0, 490.0]})
    >>> with_value_labels(t, lang="en")["ITSEX"].tolist()
    ['girl', 'boy']
    """
    out = table.copy()
    for name in columns or out.columns:
        labels = value_labels(name, lang)
        if labels:
            keyed = {float(k): v for k, v in labels.items()}
            out[name] = [
                keyed.get(float(v), v) if _is_number(v) and pd.notna(v) else v for v in out[name]
            ]
    return out


# ----------------------------------------------------------------------------- helpers
def _school_level(groups) -> list[str]:
    """The reporting groups that are school columns (:func:`workbench.scaling.school_groups`)."""
    return school_groups(groups)


def _school_groups(sample: pd.DataFrame, frame: pd.DataFrame, groups: list[str]) -> pd.DataFrame:
    """``IDSCHOOL`` and each group by name: from the frame, else from the sample."""
    from_frame = [g for g in groups if g in frame.columns]
    from_sample = [g for g in groups if g not in from_frame]
    schools = sample.drop_duplicates("IDSCHOOL")[["IDSCHOOL", "school_id", *from_sample]]
    extra = frame.drop_duplicates("school_id")[["school_id", *from_frame]]
    out = schools.merge(extra, on="school_id", how="left", validate="1:1")
    for column in groups:
        out[column] = out[column].astype("object")
    return out[["IDSCHOOL", *groups]]


def _numbered(columns, prefix: str) -> list[str]:
    found = [
        (int(m.group(1)), str(c)) for c in columns if (m := re.fullmatch(rf"{prefix}(\d+)", str(c)))
    ]
    return [c for _, c in sorted(found)]


def _need(function: str, name: str, table: pd.DataFrame, columns: list[str]) -> None:
    if not isinstance(table, pd.DataFrame):
        raise TypeError(
            f"{function}: {name} must be a DataFrame ({type(table).__name__} "
            f"given); read it from the catalog."
        )
    absent = [c for c in columns if c not in table.columns]
    if absent:
        raise KeyError(
            f"{function}: {name} has no columns {absent} (columns: "
            f"{list(table.columns)[:8]}...); pass the catalog's {name} table."
        )


def _schemas() -> dict:
    from workbench.fielddata import field_schemas

    return field_schemas()
