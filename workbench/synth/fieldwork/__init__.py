"""Simulated field returns for the demo cycle: what schools and the field agency send back.

Serves the field-data stage (``notebooks/20_fielddata.py``): from the synthetic nation and
the drawn sample, :func:`make_field_returns` plays out the fieldwork (refusals,
replacements, absences, exclusions, coding) and writes the returns in the formats and with
the faults real returns have, into a folder such as
:func:`workbench.paths.fieldwork_dir` (raw returns hold personal data: keep them outside
``outputs/``). What happened is returned as truth beside the list of files.

Files (under ``folder``; kind: path, format), declared in
``workbench/fielddata/schemas/<kind>.yaml`` (codes in that folder's ``README.md``):

* school_tracking: ``tracking/school_tracking.csv``, UTF-8 ``,``
* class_tracking: ``tracking/class_tracking.csv``, UTF-8 ``,``
* student_tracking: ``tracking/student_tracking.csv``, UTF-8 ``,``
* booklets: ``booklets/booklets_<region>.csv``, UTF-8 ``,`` or Windows-1251 ``;``
* student_questionnaire: ``questionnaires/student_<region>.csv``, as the booklets
* teacher_questionnaire: ``questionnaires/teacher.csv``, UTF-8 ``,``
* principal_questionnaire: ``questionnaires/principal/principal_<IDSCHOOL>.xlsx``, one per
  school
* parent_questionnaire: ``questionnaires/parent.sav``, SPSS with value labels
* double_coding: ``reliability/double_coding.csv``, UTF-8 ``,``
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.fielddata.booklets import booklet_schema
from workbench.fielddata.returns import KINDS, SCHEMA_DIR, field_schemas
from workbench.fielddata.schema import Schema, load_schema
from workbench.synth.fieldwork._booklets import booklet_answers, double_coding
from workbench.synth.fieldwork._faults import Return, fault_table, plant_faults
from workbench.synth.fieldwork._participation import (
    ROLE_CODES,
    participating_classes,
    school_ids,
    school_outcomes,
    student_outcomes,
)
from workbench.synth.fieldwork._people import (
    adult_names,
    birth_dates,
    person_names,
    personal_numbers,
    russian_spelling,
)
from workbench.synth.fieldwork._questionnaires import (
    parent_questionnaire,
    principal_questionnaire,
    student_questionnaire,
    teacher_questionnaire,
)
from workbench.synth.fieldwork._writers import (
    as_text,
    write_csv,
    write_empty,
    write_sav,
    write_xlsx,
)

__all__ = [
    "FieldReturns",
    "FieldworkRates",
    "make_field_returns",
    "field_schemas",
    "booklet_schema",
    "KINDS",
    "SCHEMA_DIR",
]

_CLASS_LETTERS = "АБВГДЕЖЗИКЛМН"


@dataclass(frozen=True)
class FieldworkRates:
    """How fieldwork goes (probabilities and sizes); the defaults are the demo's [A].

    Examples
    --------
    >>> FieldworkRates(refusal=0.1).absence
    0.05
    """

    refusal: float = 0.06  # sampled school refuses (rural, general school)
    urban_factor: float = 1.6  # ... times this in urban schools
    private_factor: float = 2.0  # ... times this in private schools
    replacement_willing: float = 0.7
    absence: float = 0.05  # student absent on test day (more if low ability)
    exclusion: float = 0.015  # student excluded within school (special needs)
    teacher_returned: float = 0.95
    parent_returned: float = 0.85
    double_per_item: int = 200  # responses re-coded per CR item (at least)
    double_share: float = 0.10  # ... or this share of them, whichever is larger
    double_agreement: float = 0.90  # exact agreement of the two coders
    cp1251_regions: tuple[str, ...] = ("chui", "issyk_kul")


@dataclass(frozen=True, eq=False)
class FieldReturns:
    """Files written by :func:`make_field_returns` and the truth of what happened.

    Attributes
    ----------
    folder
        Where the returns were written.
    files
        Every file written, in writing order.
    by_kind
        The files of each kind (keys: :data:`KINDS`).
    schools
        The sample (one row per sampled or replacement school) with ``IDSCHOOL``,
        ``REPLACES`` (IDSCHOOL of the sampled school, 0 for sampled ones), ``region``,
        ``p_refuse`` and ``PARTICIP`` (1 participated, 2 refused, 3 not contacted).
    classes
        Sampled classes of participating schools: ``school_id, class_id, IDSCHOOL, IDCLASS,
        class_language, enrol, drawn_in_field, n_listed, n_excluded, n_absent, n_assessed``.
    students
        Listed students: ``student_id, IDSCHOOL, IDCLASS, IDSTUD, IDBOOK, PARTICIP``
        (1 assessed, 2 absent, 3 excluded), ``EXCLUSION`` (1-4 or NA), ``theta`` and the
        identifiers written on the forms.
    faults
        One row per planted issue: ``fault, level (row|file), file, row, column, value,
        expected`` (a fragment of the reason the intake gives).
    items
        The item bank the booklets follow.
    """

    folder: Path
    files: list[Path]
    by_kind: dict[str, list[Path]]
    schools: pd.DataFrame
    classes: pd.DataFrame
    students: pd.DataFrame
    faults: pd.DataFrame
    items: pd.DataFrame = field(repr=False)

    @property
    def refused(self) -> list[str]:
        """``school_id`` of the sampled schools that refused."""
        s = self.schools
        return s.loc[(s["role"] == "sampled") & (s["PARTICIP"] == 2), "school_id"].tolist()

    @property
    def replacements_used(self) -> dict[str, str]:
        """``{sampled school_id: replacement school_id}`` for replacements that took part."""
        s = self.schools
        used = s[(s["role"] != "sampled") & (s["PARTICIP"] == 1)]
        return dict(zip(used["sampled_school"], used["school_id"], strict=True))

    def known_ids(self) -> dict[str, list[int]]:
        """Id sets for ``intake(known_ids=...)``: ``sample.IDSCHOOL``, ``tracking.IDCLASS``,
        ``tracking.IDSTUD`` (as the clean tracking forms list them)."""
        return {
            "sample.IDSCHOOL": self.schools["IDSCHOOL"].tolist(),
            "tracking.IDCLASS": self.classes["IDCLASS"].tolist(),
            "tracking.IDSTUD": self.students["IDSTUD"].tolist(),
        }

    def schemas(self) -> dict[str, Schema]:
        """The declared schema of each kind (booklets completed with this item bank)."""
        return field_schemas(self.items)


def make_field_returns(
    nation,
    sample_schools: pd.DataFrame,
    sample_classes: pd.DataFrame,
    folder: str | Path,
    *,
    seed: int,
    faults: bool = True,
    year: int = 2026,
    rates: FieldworkRates | None = None,
) -> FieldReturns:
    """Play out the fieldwork of a drawn sample and write the returns a field agency sends.

    Parameters
    ----------
    nation
        :class:`workbench.synth.Nation` (tables ``register, classes, students, items,
        responses``).
    sample_schools
        Output of :func:`workbench.sampling.select_schools` (sampled and replacement rows).
    sample_classes
        Output of :func:`workbench.sampling.select_classes` for the sampled schools; classes
        of replacement schools that take part are drawn here, as many as for the school
        they replace.
    folder
        Target folder (created); e.g. ``workbench.paths.fieldwork_dir(cycle) / "returns"``.
        Files already there that this call does not write are left alone, with a warning.
    seed
        Everything follows from it. The clean content does not depend on ``faults``.
    faults
        Plant the realistic faults listed in :attr:`FieldReturns.faults`.
    year
        Year of testing (birth dates, test dates).
    rates
        Fieldwork probabilities; default :class:`FieldworkRates`.

    Returns
    -------
    FieldReturns
        Files written and the truth (schools, classes, students, faults).

    Raises
    ------
    KeyError
        A required column is missing from the nation's tables or the sample.
    ValueError
        Sample schools not in the nation, or more sampled schools than IDSCHOOL can number.

    Notes
    -----
    Checked against: ``tests/test_fieldwork.py`` (the intake with the declared schemas
    quarantines exactly the planted row faults and rejects the planted file faults;
    re-scoring the clean booklets with the keys reproduces the nation's scored responses;
    tracking forms match the truth; same seed, same bytes).

    Examples
    --------
    >>> import tempfile
    >>> from workbench.synth import make_nation
    >>> from workbench.frame import review_frame
    >>> from workbench.sampling import select_schools, select_classes
    >>> nation = make_nation(5, schools=150, items=16, blocks=4)
    >>> frame = review_frame(nation.tables["register"]).frame
    >>> sample = select_schools(frame, n=12, strata="region", sort_by="enrol_g6", seed=1)
    >>> classes = select_classes(nation.tables["classes"], sample[sample.role == "sampled"],
    ...                          seed=1)
    >>> fr = make_field_returns(nation, sample, classes, tempfile.mkdtemp(), seed=3)
    >>> sorted(fr.by_kind)[:3]
    ['booklets', 'class_tracking', 'double_coding']
    >>> sorted(fr.faults["fault"].unique())[:3]
    ['blank_row', 'date_format', 'duplicate_row']
    """
    rates = rates or FieldworkRates()
    _check_inputs(nation, sample_schools, sample_classes)
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(9)]
    t = nation.tables
    schools = school_outcomes(streams[0], school_ids(sample_schools), t["register"], rates)
    region = t["register"].drop_duplicates("school_id").set_index("school_id")["region"]
    schools["region"] = schools["school_id"].map(region)
    classes = participating_classes(streams[1], schools, sample_classes, t["classes"])
    students = student_outcomes(streams[2], t["students"], classes, t["responses"], rates)
    students = _identities(streams[3], students, year)
    classes = _class_forms(streams[3], classes, students)
    returns = _tracking_returns(Path(folder), schools, classes, students, streams[4], year)
    returns += _test_returns(Path(folder), students, t, streams[5], rates)
    returns += _questionnaire_returns(
        Path(folder), schools, classes, students, t, streams[6], rates, year
    )
    if faults:
        plant_faults(streams[7], returns, t["items"])
    files = [_write(ret) for ret in returns]
    _warn_stale(Path(folder), files)
    by_kind = {kind: [r.path for r in returns if r.kind == kind] for kind in KINDS}
    return FieldReturns(
        Path(folder), files, by_kind, schools, classes, students, fault_table(returns), t["items"]
    )


# ----------------------------------------------------------------------------- steps


def _check_inputs(nation, sample_schools: pd.DataFrame, sample_classes: pd.DataFrame) -> None:
    need = {
        "register": ["school_id", "locality", "school_type", "enrol_g6"],
        "classes": ["school_id", "class_id", "class_language", "enrol"],
        "students": [
            "student_id",
            "school_id",
            "class_id",
            "region",
            "class_language",
            "female",
            "books",
            "theta",
        ],
        "items": ["item_id", "type", "max_score", "key"],
        "responses": ["student_id", "booklet"],
    }
    for name, cols in need.items():
        table = getattr(nation, "tables", {}).get(name)
        missing = [c for c in cols if table is None or c not in table.columns]
        if missing:
            raise KeyError(
                f"make_field_returns: nation table {name!r} lacks columns "
                f"{missing}; pass a Nation from workbench.synth.make_nation"
            )
    for what, frame, cols in (
        (
            "sample_schools",
            sample_schools,
            ["school_id", "stratum", "role", "sampled_school", "mos"],
        ),
        ("sample_classes", sample_classes, ["school_id", "class_id"]),
    ):
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise KeyError(
                f"make_field_returns: {what} lacks columns {missing} (columns: "
                f"{list(frame.columns)}); pass the output of workbench.sampling"
            )
    unknown = sorted(set(sample_schools["school_id"]) - set(nation.tables["register"]["school_id"]))
    if unknown:
        raise ValueError(
            f"make_field_returns: sampled schools not in the nation's register "
            f"({unknown[:5]}); draw the sample from this nation's frame"
        )
    if len(sample_schools) and sample_schools["role"].eq("sampled").sum() > 999:
        raise ValueError(
            "make_field_returns: more than 999 sampled schools "
            f"({int(sample_schools['role'].eq('sampled').sum())}); IDSCHOOL "
            "has 4 digits, so split the sample"
        )


def _identities(rng: np.random.Generator, students: pd.DataFrame, year: int) -> pd.DataFrame:
    """Names, birth dates and PINs of the listed students (Kyrgyz spelling)."""
    out = students.copy()
    female = out["female"].to_numpy()
    out["SURNAME"], out["FIRST_NAME"] = person_names(rng, female, out["class_language"].to_numpy())
    out["BIRTHDATE"] = birth_dates(rng, len(out), year).to_numpy()
    out["PIN"] = personal_numbers(rng, female, out["BIRTHDATE"])
    return out


def _class_forms(
    rng: np.random.Generator, classes: pd.DataFrame, students: pd.DataFrame
) -> pd.DataFrame:
    """Class names, teacher names and the counts of the class tracking form."""
    out = classes.copy()
    letters = [_CLASS_LETTERS[(k - 1) % len(_CLASS_LETTERS)] for k in out["class_number"]]
    out["CLASS_NAME"] = ["6" + a for a in letters]
    out["TEACHER_NAME"] = adult_names(rng, len(out), female_share=0.9)
    counts = pd.crosstab(students["IDCLASS"], students["PARTICIP"]).reindex(
        columns=[1, 2, 3], fill_value=0
    )
    by_class = counts.reindex(out["IDCLASS"], fill_value=0).to_numpy()
    out["n_assessed"], out["n_absent"], out["n_excluded"] = by_class.T
    out["n_listed"] = by_class.sum(axis=1)
    return out


def _tracking_returns(
    folder: Path,
    schools: pd.DataFrame,
    classes: pd.DataFrame,
    students: pd.DataFrame,
    rng: np.random.Generator,
    year: int,
) -> list[Return]:
    took_part = schools["PARTICIP"] == 1
    days = rng.integers(0, 45, len(schools)).astype("timedelta64[D]")
    school_form = pd.DataFrame(
        {
            "IDSCHOOL": schools["IDSCHOOL"],
            "SCHCODE": schools["school_id"],
            "REGION": schools["region"],
            "STRATUM": schools["stratum"],
            "ROLE": schools["role"].map(ROLE_CODES),
            "REPLACES": schools["REPLACES"].where(schools["REPLACES"] > 0),
            "MOS": schools["mos"].round().astype(int),
            "PARTICIP": schools["PARTICIP"],
            "TEST_DATE": pd.Series(np.datetime64(f"{year}-04-15") + days).where(took_part),
        }
    )
    class_form = classes.rename(
        columns={
            "class_language": "CLASS_LANG",
            "n_listed": "N_LISTED",
            "n_excluded": "N_EXCLUDED",
            "n_absent": "N_ABSENT",
            "n_assessed": "N_ASSESSED",
        }
    )[
        [
            "IDSCHOOL",
            "IDCLASS",
            "CLASS_NAME",
            "CLASS_LANG",
            "TEACHER_NAME",
            "N_LISTED",
            "N_EXCLUDED",
            "N_ABSENT",
            "N_ASSESSED",
        ]
    ]
    student_form = pd.DataFrame(
        {
            "IDSCHOOL": students["IDSCHOOL"],
            "IDCLASS": students["IDCLASS"],
            "IDSTUD": students["IDSTUD"],
            "STUDENT_NAME": students["SURNAME"] + " " + students["FIRST_NAME"],
            "SEX": np.where(students["female"] == 1, 1, 2),
            "EXCLUSION": students["EXCLUSION"],
            "PARTICIP": students["PARTICIP"],
            "IDBOOK": students["IDBOOK"].where(students["PARTICIP"] != 3),
        }
    )
    forms = {
        "school_tracking": school_form,
        "class_tracking": class_form,
        "student_tracking": student_form,
    }
    return [
        Return(kind, folder / "tracking" / f"{kind}.csv", as_text(frame))
        for kind, frame in forms.items()
    ]


def _test_returns(
    folder: Path,
    students: pd.DataFrame,
    tables: dict,
    rng: np.random.Generator,
    rates: FieldworkRates,
) -> list[Return]:
    """Booklets per region and the double-coding file."""
    items = tables["items"]
    assessed = students[students["PARTICIP"] == 1]
    codes = tables["responses"].set_index("student_id").loc[assessed["student_id"]]
    answers = booklet_answers(rng, codes.reset_index(drop=True), items)
    ids = assessed[["IDSCHOOL", "IDCLASS", "IDSTUD", "IDBOOK"]].reset_index(drop=True)
    booklets = pd.concat([as_text(ids), answers], axis=1)
    regions = assessed["region"].to_numpy()
    base = load_schema(SCHEMA_DIR / "booklets.yaml")
    out = [
        _regional(
            folder / "booklets" / f"booklets_{region}.csv",
            "booklets",
            booklets[regions == region],
            base,
            region in rates.cp1251_regions,
        )
        for region in pd.unique(regions)
    ]
    double = double_coding(
        rng,
        booklets,
        items,
        per_item=rates.double_per_item,
        share=rates.double_share,
        agreement=rates.double_agreement,
    )
    out.append(
        Return("double_coding", folder / "reliability" / "double_coding.csv", as_text(double))
    )
    return out


def _questionnaire_returns(
    folder: Path,
    schools: pd.DataFrame,
    classes: pd.DataFrame,
    students: pd.DataFrame,
    tables: dict,
    rng: np.random.Generator,
    rates: FieldworkRates,
    year: int,
) -> list[Return]:
    assessed = students[students["PARTICIP"] == 1].reset_index(drop=True)
    qdir = folder / "questionnaires"
    student_q = student_questionnaire(rng, assessed, year)
    base = load_schema(SCHEMA_DIR / "student_questionnaire.yaml")
    regions = assessed["region"].to_numpy()
    out = [
        _regional(
            qdir / f"student_{region}.csv",
            "student_questionnaire",
            student_q[regions == region],
            base,
            region in rates.cp1251_regions,
        )
        for region in pd.unique(regions)
    ]
    teacher = teacher_questionnaire(rng, classes, rates.teacher_returned)
    out.append(Return("teacher_questionnaire", qdir / "teacher.csv", as_text(teacher)))
    principal = principal_questionnaire(rng, schools[schools["PARTICIP"] == 1], tables["register"])
    out += [
        Return(
            "principal_questionnaire",
            qdir / "principal" / f"principal_{row.IDSCHOOL:04d}.xlsx",
            principal.iloc[[k]],
            fmt="xlsx",
        )
        for k, row in enumerate(principal.itertuples(index=False))
    ]
    parent = parent_questionnaire(rng, assessed, rates.parent_returned)
    out.append(Return("parent_questionnaire", qdir / "parent.sav", parent, fmt="sav"))
    return out


def _regional(path: Path, kind: str, frame: pd.DataFrame, schema: Schema, cp1251: bool) -> Return:
    """A regional file: UTF-8 with ``,``, or Windows-1251 with ``;``, Russian headers and
    Russian spellings of names and ``DD.MM.YYYY`` dates."""
    if not cp1251:
        return Return(kind, path, as_text(frame))
    text = as_text(frame, date_format="%d.%m.%Y")
    for col in ("SURNAME", "FIRST_NAME"):
        if col in text:
            text[col] = text[col].map(russian_spelling)
    aliases = {c.name: c.aliases[0] for c in schema.columns if c.aliases}
    header = [aliases.get(c, c) for c in text.columns]
    return Return(kind, path, text, encoding="cp1251", delimiter=";", header=header)


def _warn_stale(folder: Path, files: list[Path]) -> None:
    written = set(files)
    stale = sorted(
        str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and p not in written
    )
    if stale:
        warnings.warn(
            f"make_field_returns: {len(stale)} file(s) in {folder} were not written "
            f"by this call (e.g. {stale[:3]}) and are left as they were; write into "
            "an empty folder so that an intake over the folder reads this run only",
            stacklevel=3,
        )


def _write(ret: Return) -> Path:
    if ret.empty:
        return write_empty(ret.path)
    data = ret.data
    if ret.fmt == "xlsx":
        return write_xlsx(data, ret.path, title=ret.title)
    if ret.fmt == "sav":
        return _write_parent(data, ret.path)
    blank = [pos for pos, (fault, _, _) in ret.marked if fault == "blank_row"]
    return write_csv(
        data,
        ret.path,
        header=ret.header or list(data.columns),
        encoding=ret.encoding,
        delimiter=ret.delimiter,
        empty_lines=frozenset(blank) if ret.empty_lines else frozenset(),
    )


def _write_parent(frame: pd.DataFrame, path: Path) -> Path:
    schema = load_schema(SCHEMA_DIR / "parent_questionnaire.yaml")
    labels, missing = {}, {}
    for col in schema.columns:
        if col.code_labels or col.missing:
            labels[col.name] = {float(k): v for k, v in {**col.code_labels, **col.missing}.items()}
        if col.missing:
            missing[col.name] = [float(k) for k in col.missing]
    names = {
        "IDSCHOOL": "School ID",
        "IDSTUD": "Student ID",
        "ASBH01": "Respondent",
        "ASBH02": "Pre-school attendance",
        "ASBH03": "Books at home",
        "ASBH04": "Children's books at home",
        "ASBH05": "Highest parental education",
        "ASBH06A": "Read books with child",
        "ASBH06B": "Told stories",
        "ASBH06C": "Played word games",
    }
    return write_sav(frame, path, value_labels=labels, variable_labels=names, missing=missing)
