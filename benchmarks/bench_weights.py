"""Benchmark workbench.weights: TOTWGT and 75 JK2 replicates (not a test).

Run from the repository root:  .venv/bin/python benchmarks/bench_weights.py
Builds a synthetic sample (schools with a sampling table, one or two classes each, 25
students a class, ~8% school and ~6% student non-response) and times every step from school
base weights to the 75 half replicates: a ~4,500-student sample (165 schools) and a
census-size table of ~150,000 students (5,850 schools).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from workbench import weights as W  # noqa: E402


def make_sample(n_schools: int, seed: int = 1) -> tuple[pd.DataFrame, ...]:
    rng = np.random.default_rng(seed)
    ids = np.array([f"s{i:05d}" for i in range(n_schools)])
    schools = pd.DataFrame(
        {
            "school_id": ids,
            "stratum": rng.choice(list("abcdefghij"), n_schools),
            "role": "sampled",
            "sampled_school": ids,
            "probability": rng.uniform(0.05, 1.0, n_schools),
            "sort_order": rng.permutation(n_schools) + 1,
            "certainty": False,
            "participated": rng.random(n_schools) > 0.08,
        }
    )
    part = schools.loc[schools["participated"], "school_id"].to_numpy()
    n_cls = rng.choice([1, 2], len(part), p=[0.8, 0.2])
    school_of_class = np.repeat(part, n_cls)
    classes = pd.DataFrame(
        {
            "school_id": school_of_class,
            "class_id": np.concatenate([np.arange(k) for k in n_cls]),
            "n_classes": np.repeat(n_cls + 2, n_cls),
            "n_sampled": np.repeat(n_cls, n_cls),
            "participated": True,
        }
    )
    students = classes[["school_id", "class_id"]].loc[classes.index.repeat(25)]
    students = students.reset_index(drop=True)
    students["assessed"] = rng.random(len(students)) > 0.06
    return schools, classes, students


def weigh(schools: pd.DataFrame, classes: pd.DataFrame, students: pd.DataFrame) -> pd.DataFrame:
    sw = W.school_weights(schools)
    cw = W.class_weights(classes)
    st = W.student_weights(students)
    fw = W.final_weights(sw, cw, st)
    fw = W.assign_zones(fw, W.jackknife_zones(sw, certainty=None))
    return W.jk2_replicates(fw)


def main() -> None:
    for label, n_schools in (("sample", 165), ("census-size", 5850)):
        tables = make_sample(n_schools)
        best = []
        for _ in range(3):
            start = time.perf_counter()
            out = weigh(*tables)
            best.append(time.perf_counter() - start)
        reps = sum(c.startswith("RWGT") for c in out.columns)
        print(
            f"{label:>12}: {len(out):>7,} students, {n_schools:,} schools, {reps} "
            f"replicates: best of 3 {min(best):.3f} s"
        )


if __name__ == "__main__":
    main()
