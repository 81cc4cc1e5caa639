"""The synthetic nation: the embedded default that makes the demo cycle real.

A seeded national register of general schools across Kyrgyzstan's 7 oblasts
and the cities of Bishkek and Osh, their grade-6 classes and students with a
latent reading ability, an item bank with known parameters, every student's
scored responses, and the truth (population means by subgroup, item
parameters, effects, intraclass correlation) written beside the data so tests
can check recovery.

Examples
--------
>>> nation = make_nation(seed=1, schools=120, items=24, blocks=4)
>>> sorted(nation.tables)
['classes', 'items', 'register', 'responses', 'students', 'truth_means']
>>> round(nation.truth["national_mean"])
500
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.atomic import write_json, write_parquet
from workbench.synth.items import MISSING_CODES, default_dif, make_items, make_responses
from workbench.synth.register import make_classes, make_register
from workbench.synth.students import AbilityModel, make_students
from workbench.synth.truth import population_truth, subgroup_means, to_score

__all__ = ["Nation", "make_nation", "MISSING_CODES", "AbilityModel"]


@dataclass
class Nation:
    """The synthetic nation's tables and its truth."""

    tables: dict[str, pd.DataFrame]
    truth: dict = field(default_factory=dict)

    def write(self, folder: Path) -> list[Path]:
        """Write every table as ``<name>.parquet`` and the truth as ``truth.json``."""
        folder = Path(folder)
        paths = [
            write_parquet(folder / f"{name}.parquet", table) for name, table in self.tables.items()
        ]
        paths.append(write_json(folder / "truth.json", self.truth))
        return paths


def make_nation(
    seed: int,
    schools: int = 2400,
    items: int = 60,
    blocks: int = 6,
    model: AbilityModel | None = None,
    mc_guessing: float = 0.0,
    dif: list[dict] | None = None,
) -> Nation:
    """Generate the whole nation from one seed.

    Parameters
    ----------
    seed
        Everything follows from it: the same seed gives the same nation.
    schools, items, blocks
        Register size, item-bank size and number of item blocks (passages).
    model
        Effects on ability (logits); default :class:`AbilityModel`.
    mc_guessing
        Lower asymptote of multiple-choice items (0: a 2PL model).
    dif
        Differential item functioning to plant: ``{item_id, variable, focal, shift}`` dicts
        (see :func:`workbench.synth.items.default_dif`); ``None`` plants the default three
        items (two by class language, one by gender), ``[]`` none. Written to
        ``truth['dif']``.

    Returns
    -------
    Nation
        ``tables``: register (with the realistic faults listed in ``truth['register_faults']``),
        classes, students (with ``theta`` and ``score``), items, responses, truth_means.
    """
    model = model or AbilityModel()
    rng = np.random.default_rng(seed)
    register = make_register(rng, schools)
    classes = make_classes(rng, register)
    students = make_students(rng, register, classes, model)
    mean, sd = float(students["theta"].mean()), float(students["theta"].std(ddof=0))
    students["score"] = to_score(students["theta"], mean, sd)
    bank = make_items(rng, items, blocks, mc_guessing)
    dif = default_dif(bank) if dif is None else list(dif)
    responses = make_responses(rng, students, bank, dif)
    faulty, faults = _with_register_faults(rng, register.drop(columns="class_languages"))
    truth = {
        "seed": seed,
        "scale": {
            "theta_mean": mean,
            "theta_sd": sd,
            "rule": "score = 500 + 100 * (theta - theta_mean) / theta_sd",
        },
        **population_truth(students, model.as_dict(), sd, MISSING_CODES),
        "n_schools": int((register["enrol_g6"] > 0).sum()),
        "register_faults": faults,
        "dif": [
            {
                **d,
                "focal": d["focal"] if isinstance(d["focal"], str) else int(d["focal"]),
                "shift": float(d["shift"]),
            }
            for d in dif
        ],
    }
    tables = {
        "register": faulty,
        "classes": classes,
        "students": students,
        "items": bank,
        "responses": responses,
        "truth_means": subgroup_means(students),
    }
    return Nation(tables=tables, truth=truth)


def _with_register_faults(
    rng: np.random.Generator, register: pd.DataFrame
) -> tuple[pd.DataFrame, dict]:
    """Add what real registers contain: exact duplicates, schools without grade 6, gaps."""
    duplicates = register.sample(3, random_state=rng.integers(1 << 31))
    closed = register.sample(12, random_state=rng.integers(1 << 31)).copy()
    closed["school_id"] = [f"99{k:04d}" for k in range(1, 13)]
    closed["enrol_g6"] = 0
    closed["n_classes_g6"] = 0
    faulty = pd.concat([register, duplicates, closed], ignore_index=True)
    gaps = faulty.loc[faulty["enrol_g6"] > 0].sample(2, random_state=rng.integers(1 << 31))
    faulty.loc[gaps.index, "locality"] = None
    faults = {
        "duplicated": sorted(duplicates["school_id"]),
        "zero_enrolment": sorted(closed["school_id"]),
        "missing_locality": sorted(faulty.loc[gaps.index, "school_id"]),
    }
    return faulty, faults
