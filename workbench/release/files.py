"""Release files in IEA's form: names, codes, labels, user-missing codes, CSV and SPSS.

Each analysis file becomes an IEA-named file (PIRLS 2021 names its files
``ASG<country><cycle>`` for the student background and achievement file, ``ACG`` for the
school file, ``ATG`` for the teacher file, e.g. ``ASGKAZR5``): ``ASGKGZS1``, ``ACGKGZS1``,
``ATGKGZS1`` for Kyrgyzstan's (``KGZ``) Sabat-6 cycle 1 (``S1``, a parameter). Per tier
(``public``, ``restricted``) the release folder holds::

    release/<tier>/ASGKGZS1.csv            codes, user-missing codes as codes
    release/<tier>/ASGKGZS1_labels.csv     variable and value labels in ky, ru, en + missing
    release/<tier>/sav/ky/ASGKGZS1.sav     SPSS with Kyrgyz labels
    release/<tier>/sav/ru/ASGKGZS1.sav     ... Russian labels
    release/<tier>/sav/en/ASGKGZS1.sav     ... English labels (the third set)

An SPSS file holds one set of labels, so the data of the three ``.sav`` files are identical
and only their labels differ. Variable names are IEA's: IDs ``IDCNTRY, IDGRADE, IDSCHOOL,
IDCLASS, IDSTUD, IDTEACH``, weights ``TOTWGT, JKZONE, JKREP, RWGT1..`` (the full replicate
weights, so no tool has to rebuild them), plausible values ``ASRREA01..`` (PIRLS: overall
reading), questionnaire variables under their questionnaire names; the reporting groups
become coded variables ``REGION, LOCALITY, LANGINST, SCHTYPE`` with value labels; any other
group of the cycle (codebook type ``group``, e.g. a register's ``Район``) becomes a coded
variable named by :func:`group_variable` (``RAION``), labelled by its column's name.

Missing values follow IEA: ``9`` (``99``, ``999``: the width that no valid code reaches)
= omitted or invalid, ``6`` (``96``, ...) = not reached, both declared user-missing in the
``.sav``; not administered and values suppressed by disclosure control are system-missing
(blank in the CSV).

Examples
--------
>>> file_name("student_results", country="KGZ", cycle_code="S1")
'ASGKGZS1'
>>> missing_codes(4), missing_codes(6)
({'omitted': 9, 'invalid': 9, 'not_reached': 6}, {'omitted': 99, 'invalid': 99, 'not_reached': 96})
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.atomic import write_with
from workbench.labels import LANGS, label
from workbench.provenance import file_sha256

__all__ = [
    "IEA_PREFIX",
    "RENAME",
    "group_variable",
    "COUNTRY_CODES",
    "file_name",
    "missing_codes",
    "prepare",
    "write_release",
    "read_release",
    "parse_values",
]

#: IEA file prefixes (PIRLS: student background and achievement, school, teacher)
IEA_PREFIX = {"student_results": "ASG", "school_results": "ACG", "teacher_results": "ATG"}
#: workbench names → IEA-style release names (PVs: PIRLS overall reading ASRREA01..)
RENAME = {
    "region": "REGION",
    "locality": "LOCALITY",
    "language": "LANGINST",
    "school_type": "SCHTYPE",
}
#: ISO 3166 numeric codes (IEA's IDCNTRY) of the countries a cycle may name
COUNTRY_CODES = {"KGZ": 417, "KAZ": 398, "UZB": 860, "TJK": 762, "RUS": 643}
_GROUP_CODES = tuple(RENAME)
_LATIN = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяңөү",
        "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch  y  e iu ia ng o u".split(
            " "
        ),
        strict=True,
    )
)
_EXTRA_LABELS = {
    "IDCNTRY": ("Өлкөнүн коду (ISO 3166)", "Код страны (ISO 3166)", "Country ID (ISO 3166)"),
    "IDGRADE": ("Класс", "Класс", "Grade"),
}
_MISSING_WORDS = {
    "omitted": (
        "жооп берилген эмес же жараксыз",
        "пропуск или недопустимый ответ",
        "omitted or invalid",
    ),
    "not_reached": ("жетпей калган", "не достигнуто", "not reached"),
}


def file_name(file: str, *, country: str, cycle_code: str) -> str:
    """The IEA name of a release file (no extension): prefix + country + cycle code."""
    if file not in IEA_PREFIX:
        raise ValueError(
            f"file_name: unknown analysis file {file!r}; use one of {', '.join(IEA_PREFIX)}."
        )
    if not re.fullmatch(r"[A-Z]{3}", country) or not re.fullmatch(r"[A-Z0-9]{2}", cycle_code):
        raise ValueError(
            f"file_name: country must be 3 capital letters and cycle_code 2 "
            f"capital letters or digits ({country!r}, {cycle_code!r} given); e.g. "
            "KGZ and S1."
        )
    return f"{IEA_PREFIX[file]}{country}{cycle_code}"


def group_variable(name: str) -> str:
    """The release name of a reporting group: IEA's for the demo's groups, else the column's
    name transliterated to upper-case ASCII.

    Examples
    --------
    >>> group_variable("region"), group_variable("Район"), group_variable("Форма собств.")
    ('REGION', 'RAION', 'FORMA_SOBSTV')
    """
    if name in RENAME:
        return RENAME[name]
    latin = "".join(_LATIN.get(c, c) for c in str(name).lower())
    return re.sub(r"[^A-Za-z0-9]+", "_", latin).strip("_").upper() or "GROUP"


def missing_codes(max_code: float) -> dict[str, int]:
    """IEA missing codes for a variable whose largest valid code is ``max_code``."""
    width = 1
    while 10**width - 4 <= max_code:
        width += 1
    nines = 10**width - 1
    return {"omitted": nines, "invalid": nines, "not_reached": nines - 3}


def parse_values(text: object) -> dict:
    """``"1 = girl; 2 = boy"`` → ``{1: "girl", 2: "boy"}`` (string keys stay strings).

    Examples
    --------
    >>> parse_values("1 = girl; 2 = boy")
    {1: 'girl', 2: 'boy'}
    """
    out: dict = {}
    if not isinstance(text, str) or not text.strip():
        return out
    for part in text.split("; "):
        code, _, words = part.partition(" = ")
        code = code.strip()
        key = int(code) if re.fullmatch(r"-?\d+", code) else code
        out[key] = words.strip()
    return out


def prepare(
    table: pd.DataFrame,
    file: str,
    *,
    codebook: pd.DataFrame,
    country: str,
    grade: int = 6,
    groups: Mapping[str, Sequence[str]] | None = None,
) -> tuple[pd.DataFrame, dict]:
    """An analysis file (after disclosure control) as IEA codes, with its labels.

    Parameters
    ----------
    table
        ``student_results``, ``school_results`` or ``teacher_results`` (as released: its
        ``<VAR>_MISSING`` columns say which kind of missing each blank is).
    file
        Which of the three.
    codebook
        The scaling stage's ``codebook`` (labels in ky/ru/en, value labels).
    country
        ISO alpha-3 (``KGZ``): ``IDCNTRY`` gets its numeric code.
    groups
        Codes of each reporting group in a fixed order (so a code means the same region in
        every file and tier); default: the codes present, sorted.

    Returns
    -------
    (DataFrame, dict)
        Numeric data in IEA names and ``{"labels": {lang: {var: label}}, "values": {lang:
        {var: {code: label}}}, "missing": {var: [codes]}, "source": {var: analysis name}}``.

    Checked against
    ---------------
    The read-back ``.sav`` reproduces the national mean and SE of the results stage;
    ``tests/test_release.py`` and R ``haven`` (``tests/reference/release/``).
    """
    if country not in COUNTRY_CODES:
        raise ValueError(
            f"prepare: unknown country {country!r}; use one of "
            f"{', '.join(COUNTRY_CODES)} (ISO 3166 alpha-3)."
        )
    book = codebook[codebook["file"] == file].set_index("variable") if len(codebook) else None
    data = {
        "IDCNTRY": np.full(len(table), COUNTRY_CODES[country], dtype=float),
        "IDGRADE": np.full(len(table), float(grade)),
    }
    meta: dict = {
        "labels": {lang: {} for lang in LANGS},
        "values": {lang: {} for lang in LANGS},
        "missing": {},
        "source": {"IDCNTRY": "", "IDGRADE": ""},
    }
    for name, words in _EXTRA_LABELS.items():
        for i, lang in enumerate(LANGS):
            meta["labels"][lang][name] = words[i]
    for name in table.columns:
        if str(name).endswith("_MISSING"):
            continue
        series = table[name]
        entry = book.loc[name] if book is not None and name in book.index else None
        if isinstance(entry, pd.DataFrame):
            entry = entry.iloc[0]
        group = name in _GROUP_CODES or (entry is not None and entry.get("type") == "group")
        out_name = group_variable(name) if group else re.sub(r"^READ(\d+)$", r"ASRREA\1", str(name))
        for lang in LANGS:
            text = entry[f"label_{lang}"] if entry is not None else label(name, lang)
            meta["labels"][lang][out_name] = str(text)
        meta["source"][out_name] = name
        if group:
            codes = list(
                (groups or {}).get(name) or sorted(str(v) for v in series.dropna().unique())
            )
            absent = sorted({str(v) for v in series.dropna()} - set(codes))
            codes += absent
            number = {c: i + 1 for i, c in enumerate(codes)}
            data[out_name] = (
                series.map(lambda v, m=number: m.get(str(v)) if pd.notna(v) else np.nan)
                .astype(float)
                .to_numpy()
            )
            for lang in LANGS:
                meta["values"][lang][out_name] = {
                    float(i): label(c, lang) for c, i in number.items()
                }
            continue
        values = {
            lang: parse_values(entry[f"values_{lang}"]) if entry is not None else {}
            for lang in LANGS
        }
        numeric = pd.to_numeric(series, errors="coerce").astype(float)
        if series.notna().sum() != numeric.notna().sum():
            raise ValueError(
                f"prepare: {file}: column {name} holds text "
                f"({series.dropna().iloc[0]!r}); drop free text first "
                "(workbench.release.anonymity.drop_free_text)."
            )
        kinds = table.get(f"{name}_MISSING")
        if values["en"] and all(isinstance(k, int) for k in values["en"]):
            largest = max([*values["en"], *numeric.dropna().tolist()])
            codes = missing_codes(largest)
            if kinds is not None:
                for kind, code in codes.items():
                    numeric = numeric.where(~((kinds == kind) & numeric.isna()), float(code))
            declared = sorted({codes["omitted"], codes["not_reached"]})
            meta["missing"][out_name] = [float(c) for c in declared]
            for i, lang in enumerate(LANGS):
                labels = {float(k): v for k, v in values[lang].items()}
                labels[float(codes["omitted"])] = _MISSING_WORDS["omitted"][i]
                labels[float(codes["not_reached"])] = _MISSING_WORDS["not_reached"][i]
                meta["values"][lang][out_name] = labels
        data[out_name] = numeric.to_numpy()
    return pd.DataFrame(data), meta


def write_release(
    tables: Mapping[str, pd.DataFrame],
    folder: Path,
    *,
    tier: str,
    codebook: pd.DataFrame,
    country: str,
    cycle_code: str,
    grade: int = 6,
    groups: Mapping[str, Sequence[str]] | None = None,
) -> tuple[pd.DataFrame, dict[str, tuple[pd.DataFrame, dict]]]:
    """Write one tier's CSV, labels CSV and ky/ru/en ``.sav`` files (atomically).

    Returns the manifest ``tier, file, name, format, lang, path, rows, columns, sha256``
    (paths relative to ``folder``'s parent) and the prepared data with their labels.
    """
    import pyreadstat

    folder = Path(folder) / tier
    rows, prepared = [], {}
    for file, table in tables.items():
        name = file_name(file, country=country, cycle_code=cycle_code)
        data, meta = prepare(
            table, file, codebook=codebook, country=country, grade=grade, groups=groups
        )
        prepared[file] = (data, meta)
        csv = folder / f"{name}.csv"
        write_with(csv, lambda tmp, d=data: d.to_csv(tmp, index=False, encoding="utf-8"))
        labels = folder / f"{name}_labels.csv"
        write_with(
            labels,
            lambda tmp, m=meta, d=data: _labels_table(d, m).to_csv(
                tmp, index=False, encoding="utf-8"
            ),
        )
        targets = [("csv", "", csv), ("labels csv", "ky/ru/en", labels)]
        for lang in LANGS:
            sav = folder / "sav" / lang / f"{name}.sav"

            def write(tmp, d=data, m=meta, lang=lang):
                pyreadstat.write_sav(
                    d,
                    str(tmp),
                    column_labels=[m["labels"][lang].get(c, c) for c in d.columns],
                    variable_value_labels=m["values"][lang],
                    missing_ranges={c: v for c, v in m["missing"].items() if v},
                )

            write_with(sav, write)
            targets.append(("sav", lang, sav))
        for kind, lang, path in targets:
            rows.append(
                {
                    "tier": tier,
                    "file": file,
                    "name": name,
                    "format": kind,
                    "lang": lang,
                    "path": str(path.relative_to(folder.parent)),
                    "rows": len(data),
                    "columns": data.shape[1],
                    "sha256": file_sha256(path),
                }
            )
    return pd.DataFrame(rows), prepared


def read_release(path: str | Path) -> tuple[pd.DataFrame, object]:
    """Read a released ``.sav`` back: user-missing codes → NaN, workbench names restored.

    ``ASRREA01..`` → ``READ01..``, ``REGION`` → ``region`` (codes), ... so
    ``RepDesign.iea(df, scale="reading")`` reads it as it reads ``student_results``.
    Returns the frame and pyreadstat's metadata (labels, missing ranges).
    """
    import pyreadstat

    data, meta = pyreadstat.read_sav(str(path), user_missing=False)
    back = {v: k for k, v in RENAME.items()}
    data = data.rename(columns=lambda c: back.get(c) or re.sub(r"^ASRREA(\d+)$", r"READ\1", c))
    return data, meta


def _labels_table(data: pd.DataFrame, meta: dict) -> pd.DataFrame:
    rows = []
    for column in data.columns:
        rows.append(
            {
                "variable": column,
                "value": "",
                "missing": False,
                **{f"label_{lang}": meta["labels"][lang].get(column, column) for lang in LANGS},
            }
        )
        declared = set(meta["missing"].get(column, []))
        for code in meta["values"]["en"].get(column, {}):
            rows.append(
                {
                    "variable": column,
                    "value": _code(code),
                    "missing": code in declared,
                    **{
                        f"label_{lang}": meta["values"][lang][column].get(code, "")
                        for lang in LANGS
                    },
                }
            )
    return pd.DataFrame(
        rows, columns=["variable", "value", "label_ky", "label_ru", "label_en", "missing"]
    )


def _code(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
