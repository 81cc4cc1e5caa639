"""Students of the synthetic nation and their latent reading ability.

Ability (in logits) is a two-level model: a school part (region, urban,
school type, class language, a random school effect) plus a student part
(gender, books at home, a residual). The default variances give a
between-school intraclass correlation of about 0.40.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from workbench.synth.geography import REGIONS

__all__ = ["AbilityModel", "make_students", "BOOKS_SHARES"]

#: shares of books-at-home categories 1 (0-10) .. 5 (more than 200)
BOOKS_SHARES = {
    "urban": (0.10, 0.22, 0.35, 0.18, 0.15),
    "rural": (0.25, 0.35, 0.28, 0.08, 0.04),
}


@dataclass(frozen=True)
class AbilityModel:
    """Effects on latent reading ability, in logits (the truth a recovery test checks)."""

    urban: float = 0.30
    lyceum: float = 0.30
    private: float = 0.20
    female: float = 0.22
    books: float = 0.12  # per category, centred on category 3
    language: dict[str, float] = field(
        default_factory=lambda: {"ky": 0.0, "ru": 0.15, "uz": -0.15, "tj": -0.20}
    )
    school_sd: float = 0.52  # random school effect
    student_sd: float = 0.74  # student residual

    def as_dict(self) -> dict:
        """The effects as a plain dictionary (for the truth file)."""
        return asdict(self)


def make_students(
    rng: np.random.Generator,
    frame: pd.DataFrame,
    classes: pd.DataFrame,
    model: AbilityModel | None = None,
) -> pd.DataFrame:
    """One row per grade-6 student of the nation, with background and latent ability.

    Returns
    -------
    DataFrame
        ``student_id, school_id, class_id, region, locality, school_type, class_language,
        female, books, theta``.
    """
    model = model or AbilityModel()
    schools = frame.set_index("school_id")
    school_part = _school_part(rng, schools, model)
    rows = classes.loc[classes.index.repeat(classes["enrol"])].reset_index(drop=True)
    within = rows.groupby("class_id").cumcount() + 1
    students = pd.DataFrame(
        {
            "student_id": rows["class_id"] + within.map("{:02d}".format),
            "school_id": rows["school_id"],
            "class_id": rows["class_id"],
        }
    )
    for column in ("region", "locality", "school_type"):
        students[column] = students["school_id"].map(schools[column])
    students["class_language"] = rows["class_language"]
    n = len(students)
    students["female"] = (rng.random(n) < 0.49).astype("int8")
    students["books"] = _books(rng, students["locality"].to_numpy())
    theta = (
        students["school_id"].map(school_part).to_numpy()
        + students["class_language"].map(model.language).to_numpy()
        + model.female * (students["female"].to_numpy() - 0.49)
        + model.books * (students["books"].to_numpy() - 3)
        + rng.normal(0.0, model.student_sd, n)
    )
    students["theta"] = theta
    return students


def _school_part(rng: np.random.Generator, schools: pd.DataFrame, model: AbilityModel) -> pd.Series:
    region_effect = schools["region"].map({r.code: r.effect for r in REGIONS})
    fixed = (
        region_effect
        + model.urban * (schools["locality"] == "urban")
        + model.lyceum * (schools["school_type"] == "lyceum")
        + model.private * (schools["school_type"] == "private")
    )
    return fixed + rng.normal(0.0, model.school_sd, len(schools))


def _books(rng: np.random.Generator, locality: np.ndarray) -> np.ndarray:
    books = np.empty(len(locality), dtype="int8")
    for place, shares in BOOKS_SHARES.items():
        mask = locality == place
        books[mask] = rng.choice(np.arange(1, 6), size=mask.sum(), p=shares)
    return books
