"""A small synthetic school population for sampling tests and benchmarks (private).

Not the synthetic nation (``workbench.synth``): just enough structure (regions, urban/rural,
language, skewed enrolment, classes, clustered scores) to exercise the sampling code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

REGIONS = [
    "batken",
    "bishkek",
    "chui",
    "issyk_kul",
    "jalal_abad",
    "naryn",
    "osh_city",
    "osh",
    "talas",
]


def toy_nation(
    n_schools: int = 2400, *, seed: int = 0, icc: float = 0.35
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Frame (one row per school), classes and students (``school_id, class_id, score``)."""
    rng = np.random.default_rng(seed)
    region = rng.choice(REGIONS, n_schools)
    urban = rng.random(n_schools) < np.where(np.isin(region, ["bishkek", "osh_city"]), 0.9, 0.15)
    language = rng.choice(
        ["ky", "ru", "uz", "tj", "multi"], n_schools, p=[0.60, 0.11, 0.05, 0.01, 0.23]
    )
    enrol = np.maximum(
        np.round(rng.lognormal(np.where(urban, np.log(120), np.log(32)), 0.6)), 1
    ).astype(int)
    frame = pd.DataFrame(
        {
            "school_id": [f"S{i:05d}" for i in range(n_schools)],
            "region": region,
            "locality": np.where(urban, "urban", "rural"),
            "language": language,
            "school_type": rng.choice(
                ["general", "lyceum", "private"], n_schools, p=[0.75, 0.17, 0.08]
            ),
            "enrol_g6": enrol,
            "n_classes_g6": np.ceil(enrol / 30).astype(int),
        }
    )
    classes = _classes(frame)
    school_effect = np.where(urban, 25.0, -10.0) + rng.normal(
        0, 100 * np.sqrt(icc) * 0.9, n_schools
    )
    students = classes.loc[classes.index.repeat(classes["enrol"]), ["school_id", "class_id"]]
    srow = students["school_id"].str[1:].astype(int).to_numpy()
    class_effect = rng.normal(0, 15, len(classes))[classes.index.repeat(classes["enrol"])]
    noise = rng.normal(0, 100 * np.sqrt(1 - icc), len(students))
    students = students.assign(score=480 + school_effect[srow] + class_effect + noise)
    return frame, classes, students.reset_index(drop=True)


def _classes(frame: pd.DataFrame) -> pd.DataFrame:
    k = frame["n_classes_g6"].to_numpy()
    enrol = frame["enrol_g6"].to_numpy()
    school = np.repeat(np.arange(len(frame)), k)
    j = np.arange(k.sum()) - np.repeat(np.r_[0, np.cumsum(k)[:-1]], k)
    size = enrol[school] // k[school] + (j < (enrol % k)[school])
    return pd.DataFrame(
        {
            "school_id": frame["school_id"].to_numpy()[school],
            "class_id": [f"6{chr(65 + x)}" for x in j],
            "class_language": frame["language"].to_numpy()[school],
            "enrol": size,
        }
    )
