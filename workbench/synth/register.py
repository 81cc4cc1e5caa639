"""The synthetic school register: schools with grade-6 enrolment, and their classes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.synth.geography import REGIONS

__all__ = ["make_register", "make_classes"]

_CLASS_MAX = {"urban": 32, "rural": 25}


def make_register(rng: np.random.Generator, schools: int = 2400) -> pd.DataFrame:
    """Draw the register: one row per school.

    Returns
    -------
    DataFrame
        ``school_id, region, district, locality, language, school_type, enrol_g6,
        n_classes_g6, class_languages`` (``class_languages`` lists the languages of the
        school's grade-6 classes, ``"ky+ru"``).
    """
    scale = schools / sum(r.schools for r in REGIONS)
    parts = [
        _region_schools(rng, region, max(3, round(region.schools * scale))) for region in REGIONS
    ]
    frame = pd.concat(parts, ignore_index=True)
    frame["n_classes_g6"] = _class_counts(frame)
    frame["class_languages"] = [
        _class_languages(rng, lang, uz, n)
        for lang, uz, n in zip(
            frame["language"], frame.pop("teaches_uzbek"), frame["n_classes_g6"], strict=True
        )
    ]
    return frame


def make_classes(rng: np.random.Generator, frame: pd.DataFrame) -> pd.DataFrame:
    """Split each school's grade-6 enrolment into its classes.

    Returns
    -------
    DataFrame
        ``school_id, class_id, class_language, enrol`` (one row per grade-6 class).
    """
    rows = []
    for school in frame.itertuples(index=False):
        languages = school.class_languages.split("+") if school.n_classes_g6 else []
        sizes = _split(rng, school.enrol_g6, len(languages))
        for k, (lang, size) in enumerate(zip(languages, sizes, strict=True), start=1):
            rows.append((school.school_id, f"{school.school_id}{k:02d}", lang, size))
    return pd.DataFrame(rows, columns=["school_id", "class_id", "class_language", "enrol"])


def _region_schools(rng: np.random.Generator, region, n: int) -> pd.DataFrame:
    urban = rng.random(n) < region.urban
    langs, shares = zip(*region.language.items(), strict=True)
    language = rng.choice(langs, size=n, p=np.asarray(shares) / sum(shares))
    median = np.where(urban, 170.0 if region.urban == 1 else 120.0, 34.0)
    sigma = np.where(urban, 0.45, 0.6)
    enrol = np.maximum(3, np.round(median * np.exp(sigma * rng.standard_normal(n)))).astype(int)
    u = rng.random(n)
    lyceum_share = region.lyceum * np.where(urban, 2.0, 0.9)
    school_type = np.where(
        u < region.private * np.where(urban, 1.5, 0.9),
        "private",
        np.where(rng.random(n) < lyceum_share, "lyceum", "general"),
    )
    districts = max(2, n // 40)
    return pd.DataFrame(
        {
            "school_id": [f"{region.number:02d}{k:04d}" for k in range(1, n + 1)],
            "region": region.code,
            "district": [f"{region.code}-{d:02d}" for d in rng.integers(1, districts + 1, n)],
            "locality": np.where(urban, "urban", "rural"),
            "language": language,
            "school_type": school_type,
            "enrol_g6": enrol,
            "teaches_uzbek": (language == "multi") & (rng.random(n) < region.uzbek_in_multi),
        }
    )


def _class_counts(frame: pd.DataFrame) -> np.ndarray:
    cap = frame["locality"].map(_CLASS_MAX).to_numpy()
    return np.ceil(frame["enrol_g6"].to_numpy() / cap).astype(int)


def _class_languages(rng: np.random.Generator, language: str, uzbek: bool, n: int) -> str:
    if language != "multi":
        return "+".join([language] * n)
    pool = ["ky", "ru", "uz"] if uzbek else ["ky", "ru"]
    chosen = pool[:n] + list(rng.choice(["ky", "ky", "ru"], size=max(0, n - len(pool))))
    return "+".join(sorted(chosen))


def _split(rng: np.random.Generator, total: int, parts: int) -> list[int]:
    if parts == 0:
        return []
    weights = rng.uniform(0.8, 1.2, parts)
    sizes = np.floor(total * weights / weights.sum()).astype(int)
    sizes[: total - sizes.sum()] += 1
    return sizes.tolist()
