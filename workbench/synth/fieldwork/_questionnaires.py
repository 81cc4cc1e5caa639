"""Questionnaire returns: student, teacher, principal (school) and parent (home).

Answers follow the nation's truth where it has one (sex, books at home, class language,
ability for reading attitudes) and are drawn otherwise. Item nonresponse is coded as
omitted (``9``; ``99``/``9999``/``999`` for numbers); a questionnaire that did not come back
has no row (teachers) or blank answers (parents: SPSS system-missing).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.synth.fieldwork._people import (
    adult_names,
    birth_dates,
    person_names,
    personal_numbers,
)

__all__ = [
    "student_questionnaire",
    "teacher_questionnaire",
    "principal_questionnaire",
    "parent_questionnaire",
    "LANGHOME_CODES",
]

LANGHOME_CODES = {"ky": 1, "ru": 2, "uz": 3, "tj": 4}
_OMIT = 0.02


def student_questionnaire(
    rng: np.random.Generator, assessed: pd.DataFrame, year: int
) -> pd.DataFrame:
    """One row per assessed student: ids, names, PIN, birth date, background, attitudes.

    Returns
    -------
    pandas.DataFrame
        ``IDSCHOOL, IDCLASS, IDSTUD, SURNAME, FIRST_NAME, PIN, BIRTHDATE`` (datetime),
        ``ASBG01`` (1 girl, 2 boy), ``ASBG03`` (test language at home 1-4), ``LANGHOME``
        (1 ky, 2 ru, 3 uz, 4 tj, 5 other), ``ASBG04`` (books 1-5), ``ASBR01A-C`` (1-4).
    """
    n = len(assessed)
    female = assessed["female"].to_numpy()
    language = assessed["class_language"].to_numpy()
    surname, first = person_names(rng, female, language)
    birth = birth_dates(rng, n, year)
    home = np.where(
        rng.random(n) < 0.85, pd.Series(language).map(LANGHOME_CODES), rng.choice([1, 2, 3, 5], n)
    )
    z = (assessed["theta"] - assessed["theta"].mean()).to_numpy()
    out = pd.DataFrame(
        {
            "IDSCHOOL": assessed["IDSCHOOL"].to_numpy(),
            "IDCLASS": assessed["IDCLASS"].to_numpy(),
            "IDSTUD": assessed["IDSTUD"].to_numpy(),
            "SURNAME": surname,
            "FIRST_NAME": first,
            "PIN": personal_numbers(rng, female, birth),
            "BIRTHDATE": birth.to_numpy(),
            "ASBG01": np.where(female == 1, 1, 2),
            "ASBG03": np.where(
                home == pd.Series(language).map(LANGHOME_CODES).to_numpy(),
                rng.choice([1, 2], n, p=[0.7, 0.3]),
                rng.choice([3, 4], n),
            ),
            "LANGHOME": home.astype(int),
            "ASBG04": assessed["books"].to_numpy().astype(int),
        }
    )
    for k, letter in enumerate("ABC"):
        out[f"ASBR01{letter}"] = _likert(rng, -(0.5 + 0.2 * k) * z, 4)
    return _omit(rng, out, [c for c in out if c.startswith("ASB")], 9)


def teacher_questionnaire(
    rng: np.random.Generator, classes: pd.DataFrame, returned: float
) -> pd.DataFrame:
    """One row per returned teacher questionnaire (the reading teacher of a sampled class).

    Returns
    -------
    pandas.DataFrame
        ``IDSCHOOL, IDCLASS, IDTEACH, TEACHER_NAME, ATBG01`` (years teaching, 99 omitted),
        ``ATBG02`` (1 female, 2 male), ``ATBG03`` (age group 1-6), ``ATBG04`` (education
        1-5), ``ATBR01`` (hours of reading instruction a week; 99 omitted).
    """
    n = len(classes)
    age = rng.choice(np.arange(1, 7), n, p=[0.06, 0.12, 0.25, 0.27, 0.22, 0.08])
    years = np.clip(np.round((age - 1) * 6 + rng.uniform(0, 6, n)), 0, 45).astype(int)
    out = pd.DataFrame(
        {
            "IDSCHOOL": classes["IDSCHOOL"].to_numpy(),
            "IDCLASS": classes["IDCLASS"].to_numpy(),
            "IDTEACH": classes["IDCLASS"].to_numpy(),
            "TEACHER_NAME": classes["TEACHER_NAME"],
            "ATBG01": years,
            "ATBG02": np.where(rng.random(n) < 0.85, 1, 2),
            "ATBG03": age,
            "ATBG04": rng.choice(np.arange(1, 6), n, p=[0.03, 0.12, 0.6, 0.22, 0.03]),
            "ATBR01": np.round(rng.choice([3.0, 4.0, 4.5, 5.0, 6.0], n), 1),
        }
    )
    out = _omit(rng, out, ["ATBG02", "ATBG03", "ATBG04"], 9)
    out = _omit(rng, out, ["ATBG01", "ATBR01"], 99)
    keep = rng.random(n) < returned
    return out[keep].reset_index(drop=True)


def principal_questionnaire(
    rng: np.random.Generator, schools: pd.DataFrame, register: pd.DataFrame
) -> pd.DataFrame:
    """One row per participating school, from its principal.

    Returns
    -------
    pandas.DataFrame
        ``IDSCHOOL, PRINCIPAL_NAME, PHONE, ACBG01`` (total enrolment; 9999 omitted),
        ``ACBG03`` (share of disadvantaged students 1-4), ``ACBG05`` (community 1-5),
        ``ACBG07`` (school library 1 yes, 2 no), ``ACBG08`` (computers for students; 999).
    """
    n = len(schools)
    info = register.drop_duplicates("school_id").set_index("school_id")
    enrol = schools["school_id"].map(info["enrol_g6"]).to_numpy()
    urban = schools["school_id"].map(info["locality"]).eq("urban").to_numpy()
    out = pd.DataFrame(
        {
            "IDSCHOOL": schools["IDSCHOOL"].to_numpy(),
            "PRINCIPAL_NAME": adult_names(rng, n, female_share=0.6),
            "PHONE": [
                f"+996 {p} {k:03d} {m:03d}"
                for p, k, m in zip(
                    rng.choice(["555", "700", "772", "312"], n),
                    rng.integers(0, 1000, n),
                    rng.integers(0, 1000, n),
                    strict=True,
                )
            ],
            "ACBG01": np.minimum(np.round(enrol * rng.uniform(8.5, 11.5, n)), 9000).astype(int),
            "ACBG03": np.where(urban, rng.choice([1, 2, 3], n), rng.choice([2, 3, 4], n)),
            "ACBG05": np.where(urban, rng.choice([1, 2], n), rng.choice([4, 5], n)),
            "ACBG07": np.where(rng.random(n) < 0.9, 1, 2),
            "ACBG08": np.round(enrol / rng.uniform(4, 15, n)).astype(int),
        }
    )
    out = _omit(rng, out, ["ACBG03", "ACBG05", "ACBG07"], 9)
    return _omit(rng, _omit(rng, out, ["ACBG01"], 9999), ["ACBG08"], 999)


def parent_questionnaire(
    rng: np.random.Generator, assessed: pd.DataFrame, returned: float
) -> pd.DataFrame:
    """One row per assessed student; blank (NaN) answers when the parents did not answer.

    Returns
    -------
    pandas.DataFrame
        ``IDSCHOOL, IDSTUD, ASBH01`` (respondent 1 mother, 2 father, 3 other), ``ASBH02``
        (pre-school years 1-4), ``ASBH03`` (books at home 1-5), ``ASBH04`` (children's books
        1-5), ``ASBH05`` (highest parental education 1-6), ``ASBH06A-C`` (early literacy
        activities 1 often, 2 sometimes, 3 never); floats, 9 = omitted.
    """
    n = len(assessed)
    books = assessed["books"].to_numpy().astype(int)
    z = (assessed["theta"] - assessed["theta"].mean()).to_numpy()
    out = pd.DataFrame(
        {
            "IDSCHOOL": assessed["IDSCHOOL"].to_numpy(),
            "IDSTUD": assessed["IDSTUD"].to_numpy(),
            "ASBH01": rng.choice([1, 2, 3], n, p=[0.7, 0.22, 0.08]),
            "ASBH02": _likert(rng, 0.6 * z, 4),
            "ASBH03": np.clip(books + rng.choice([-1, 0, 0, 0, 1], n), 1, 5),
            "ASBH04": np.clip(books + rng.choice([-1, 0, 0, 1], n), 1, 5),
            "ASBH05": _likert(rng, 0.8 * z, 6),
        }
    )
    for k, letter in enumerate("ABC"):
        out[f"ASBH06{letter}"] = _likert(rng, -(0.4 + 0.1 * k) * z, 3)
    items = [c for c in out if c.startswith("ASBH")]
    out = _omit(rng, out, items, 9).astype({c: "float64" for c in out})
    out.loc[rng.random(n) >= returned, items] = np.nan
    return out


def _likert(rng: np.random.Generator, shift: np.ndarray, k: int) -> np.ndarray:
    """Ordered categories 1..k from a latent normal shifted by ``shift``."""
    latent = shift + rng.normal(0, 1, len(shift))
    cuts = np.linspace(-1.2, 1.2, k - 1)
    return (np.searchsorted(cuts, latent) + 1).astype(int)


def _omit(
    rng: np.random.Generator, frame: pd.DataFrame, columns: list[str], code: int
) -> pd.DataFrame:
    out = frame.copy()
    for col in columns:
        out.loc[rng.random(len(out)) < _OMIT, col] = code
    return out
