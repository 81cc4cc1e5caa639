"""Design quality of the reporting domains on the demo design (issue 12, item 8).

Run: ``.venv/bin/python benchmarks/bench_design_domains.py [reps] [workers]`` (default 1,000
samples on 2 local Dask workers). Draws samples of the synthetic nation (the demo's seed)
through the project's chain - selection of 200 schools in region x locality strata, classes,
weights with full response, JK2 zones and replicates, estimation - and prints bias,
empirical SE, mean JK2 SE and the coverage of 95 % intervals (normal as IEA reports; t with
the domain's zones as df; t with the replicate finite-population correction) for the
national mean, every oblast and language, and the girls - boys and urban - rural gaps.
"""

from __future__ import annotations

import sys
import time

import pandas as pd

from workbench.frame import review_frame
from workbench.sampling import simulate_domains, summarize_domains
from workbench.sampling._chain import Population, truth_values
from workbench.synth import make_nation

DEMO = dict(
    n_schools=200,
    strata=["region", "locality"],
    sort_by=["language", "school_type", "enrol_g6"],
    minimum=2,
    small_mos=8,
    classes_per_school=1,
    large_mos=150,
    classes_large=2,
)
COLUMNS = [
    "domain",
    "group",
    "n_schools",
    "bias",
    "empirical_se",
    "mean_se",
    "se_ratio",
    "se_ratio_fpc",
    "df",
    "coverage_normal",
    "coverage_t",
    "coverage_t_fpc",
    "verdict",
]


def main(reps: int = 1000, workers: int = 2) -> None:
    nation = make_nation(20261124, schools=2400, items=6, blocks=2)
    frame = review_frame(nation.tables["register"]).frame
    classes, students = nation.tables["classes"], nation.tables["students"]
    start = time.perf_counter()
    sims = simulate_domains(
        frame, classes, students, reps=reps, seed=20261124 + 3, client=None, workers=workers, **DEMO
    )
    seconds = time.perf_counter() - start
    table = summarize_domains(sims, truth_values(Population(frame, classes, students)))
    mc = (0.95 * 0.05 / reps) ** 0.5
    print(
        f"demo design, {reps} samples, {workers} workers: {seconds:.0f} s; "
        f"Monte Carlo SE of a coverage rate {100 * mc:.2f} points"
    )
    with pd.option_context(
        "display.width", 200, "display.max_columns", 20, "display.float_format", "{:.3f}".format
    ):
        print(table[COLUMNS].to_string(index=False))


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
