"""Benchmark RepDesign: mean by group with 5 PVs x 75 JK2 replicates (not a test).

Run from the repository root:  .venv/bin/python benchmarks/bench_survey.py
Times ``RepDesign.mean("math", by="female")`` (and a few other statistics) on the TIMSS 2011
reference file (4,668 rows) and on a 150,000-row file made by stacking copies of it; if
``Rscript`` with the survey and mitools packages is available, times R's equivalent
(``svyby(~PV, ~female, design, svymean)`` per PV + ``MIcombine``) on the same data.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from workbench.survey import RepDesign  # noqa: E402

REF = ROOT.parent / "shared" / "reference" / "timss2011_g4_math.csv.gz"
MATH = [f"ASMMAT{i}" for i in range(1, 6)]
BIG = 150_000

R_CODE = r"""
suppressMessages({library(survey); library(mitools)})
args <- commandArgs(TRUE)
d <- read.csv(gzfile(args[1])); big <- as.integer(args[2])
run <- function(data, label, reps) {
  des <- svrepdesign(data = data, weights = ~TOTWGT, repweights = "w_fstr[0-9]+",
                     type = "JK2", mse = TRUE, combined.weights = TRUE)
  f <- function() {
    res <- lapply(paste0("ASMMAT", 1:5), function(v) {
      svyby(as.formula(paste0("~", v)), ~female, des, svymean, na.rm = TRUE)
    })
    MIcombine(lapply(res, coef), lapply(res, vcov))
  }
  t <- sapply(1:reps, function(i) system.time(f())[["elapsed"]])
  cat(sprintf("R survey   %-22s mean by female, 5 PVs x 75 reps: %8.1f ms (best of %d)\n",
              label, 1000 * min(t), reps))
}
run(d, sprintf("TIMSS (n=%d)", nrow(d)), 3)
big_d <- d[rep(seq_len(nrow(d)), length.out = big), ]
run(big_d, sprintf("synthetic (n=%d)", big), 2)
"""


def best_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1000 * min(times)


def stacked(df: pd.DataFrame, n: int) -> pd.DataFrame:
    """n rows made of whole copies of df (same replicate structure, scaled-up sample)."""
    idx = np.resize(np.arange(len(df)), n)
    return df.iloc[idx].reset_index(drop=True)


def bench_python(df: pd.DataFrame, label: str, repeat: int) -> None:
    d = RepDesign(df, weight="TOTWGT", replicates="w_fstr*", method="JK2", pvs={"math": MATH})
    calls = {
        "mean by female": lambda: d.mean("math", by="female"),
        "quantile .1/.5/.9": lambda: d.quantile("math", [0.1, 0.5, 0.9], by="female"),
        "regress books+female": lambda: d.regress("math ~ books + female"),
        "logit migrant~books": lambda: d.logit("migrant ~ books + female"),
        "regress C(lang)*female": lambda: d.regress("math ~ C(lang) * female + books"),
        "r_squared books+female": lambda: d.r_squared("math ~ books + female"),
        "compare lang pairs (holm)": lambda: d.compare("math", by="lang"),
        "compare_to_total lang": lambda: d.compare_to_total("math", by="lang"),
    }
    build = best_ms(
        lambda: RepDesign(df, weight="TOTWGT", replicates="w_fstr*", pvs={"math": MATH}), repeat
    )
    print(f"Python     {label:<22} build design:                           {build:8.1f} ms")
    for name, fn in calls.items():
        ms = best_ms(fn, repeat)
        print(f"Python     {label:<22} {name + ', 5 PVs x 75 reps:':<40}{ms:8.1f} ms")


def bench_r() -> None:
    if shutil.which("Rscript") is None:
        print("R survey: Rscript not found; skipped.")
        return
    with tempfile.NamedTemporaryFile("w", suffix=".R", delete=False) as fh:
        fh.write(R_CODE)
    out = subprocess.run(
        ["Rscript", fh.name, str(REF), str(BIG)], capture_output=True, text=True, check=False
    )
    Path(fh.name).unlink()
    print(out.stdout.rstrip() or f"R survey failed: {out.stderr.strip()[-300:]}")


def main() -> None:
    if not REF.exists():
        sys.exit(f"bench_survey: reference file {REF} not found; it lives in ../shared/reference.")
    df = pd.read_csv(REF)
    bench_python(df, f"TIMSS (n={len(df)})", repeat=20)
    bench_python(stacked(df, BIG), f"synthetic (n={BIG})", repeat=5)
    bench_r()


if __name__ == "__main__":
    main()
