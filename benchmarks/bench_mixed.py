"""Benchmark workbench.survey.mixed: weighted two-level model with 5 PVs (not a test).

Run from the repository root:  .venv/bin/python benchmarks/bench_mixed.py
Times ``mixed()`` (fit, fixed-effects table, variance table) on the TIMSS 2011 reference file
(4,668 students in 158 schools, 5 PVs, unweighted and weighted) and on a synthetic file of
5 PVs x 5,000 students x 200 schools with weights at both levels; if ``Rscript`` with lme4 is
available, times ``lmer(REML = FALSE)`` once per PV on the TIMSS file for comparison.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from workbench.survey import mixed  # noqa: E402

REF = ROOT.parent / "shared" / "reference" / "timss2011_g4_math.csv.gz"
MATH = {"math": [f"ASMMAT{i}" for i in range(1, 6)]}

R_CODE = r"""
suppressMessages(library(lme4))
d <- read.csv(gzfile(commandArgs(TRUE)[1])); d$IDSCHOOL <- d$IDSTUD %/% 10000
f <- function() lapply(paste0("ASMMAT", 1:5), function(v) {
  lmer(as.formula(paste(v, "~ female + books + factor(lang) + (1 | IDSCHOOL)")), d, REML = FALSE)
})
t <- sapply(1:3, function(i) system.time(f())[["elapsed"]])
cat(sprintf("R lme4     TIMSS (n=%d)  lmer per PV x 5, unweighted: %8.1f ms (best of 3)\n",
            nrow(d), 1000 * min(t)))
"""


def best_ms(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1000 * min(times)


def run(data: pd.DataFrame, formula: str, label: str, **kwargs) -> None:
    def fit():
        m = mixed(data, formula, **kwargs)
        m.table(), m.variance()

    print(f"Python     {label:<34} {best_ms(fit):8.1f} ms (best of 3)")


def main() -> None:
    timss = pd.read_csv(REF)
    timss["IDSCHOOL"] = timss["IDSTUD"] // 10000
    timss["SCHWGT"] = timss.groupby("IDSCHOOL")["TOTWGT"].transform("mean") / 20
    formula = "math ~ female + books + C(lang)"
    run(timss, formula, f"TIMSS (n={len(timss)}) unweighted", pvs=MATH)
    run(timss, formula, "TIMSS weighted TOTWGT/SCHWGT", pvs=MATH, weights=("TOTWGT", "SCHWGT"))

    rng = np.random.default_rng(3)
    school = np.repeat(np.arange(200), 25)
    data = pd.DataFrame(
        {
            "IDSCHOOL": school,
            "x": rng.normal(size=5000),
            "g": rng.integers(1, 5, 5000),
            "w": rng.uniform(1, 3, 5000),
            "sw": rng.uniform(1, 9, 200)[school],
        }
    )
    u = 40 * rng.normal(size=200)[school]
    for m in range(5):
        data[f"pv{m}"] = 500 + 10 * data["x"] + u + 60 * rng.normal(size=5000)
    run(
        data,
        "y ~ x + C(g)",
        "synthetic 5 PVs x 5,000 x 200 schools",
        pvs={"y": [f"pv{m}" for m in range(5)]},
        weights=("w", "sw"),
    )

    if shutil.which("Rscript"):
        out = subprocess.run(["Rscript", "-e", R_CODE, str(REF)], capture_output=True, text=True)
        print(out.stdout.strip() or f"R lme4     not run: {out.stderr.strip()[:200]}")


if __name__ == "__main__":
    main()
