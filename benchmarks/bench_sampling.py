"""Benchmark workbench.sampling on a national-size synthetic population.

Run: ``.venv/bin/python benchmarks/bench_sampling.py``. Prints the time to select a national
sample (200 of 2,400 schools, 18 explicit strata, serpentine sort, replacements, classes) and
the time for a 1,000-sample design evaluation on ~150,000 students (target: under a minute on
2 cores).
"""

from __future__ import annotations

import os
import time

import pandas as pd

from workbench import sampling as ws
from workbench.sampling._toy import toy_nation

DESIGN = dict(
    n=200, strata=["region", "locality"], sort_by=["language", "school_type", "enrol_g6"], minimum=2
)


def _best_of(k: int, func) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(k):
        start = time.perf_counter()
        out = func()
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> None:
    frame, classes, students = toy_nation(2400, seed=1)
    print(
        f"population: {len(frame):,} schools, {len(classes):,} classes, "
        f"{len(students):,} students; {os.cpu_count()} CPUs"
    )
    t_sel, sample = _best_of(5, lambda: ws.select_schools(frame, seed=20, **DESIGN))
    sampled = sample[sample["role"] == "sampled"]
    t_cls, cls = _best_of(5, lambda: ws.select_classes(classes, sampled, large_mos=80, seed=2))
    print(
        f"select_schools: {t_sel * 1000:.1f} ms ({len(sampled)} sampled, "
        f"{len(sample) - len(sampled)} replacements)"
    )
    print(f"select_classes: {t_cls * 1000:.1f} ms ({len(cls)} classes)")
    start = time.perf_counter()
    ev = ws.evaluate_design(frame, students, reps=1000, seed=3, large_mos=80, **DESIGN)
    t_ev = time.perf_counter() - start
    print(f"evaluate_design, 1,000 samples: {t_ev:.2f} s")
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(
            ev[
                [
                    "estimator",
                    "bias",
                    "empirical_se",
                    "mean_se",
                    "deff",
                    "coverage",
                    "coverage_mc_se",
                    "n_students",
                ]
            ]
            .round(3)
            .to_string(index=False)
        )


if __name__ == "__main__":
    main()
