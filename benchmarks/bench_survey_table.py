"""The issue-5 benchmark: a PIRLS-sized table against R survey + mitools (not a test).

Run from the repository root:  .venv/bin/python benchmarks/bench_survey_table.py

The TIMSS 2011 reference file (4,668 students, 75 JK2 zones, 5 PVs) is given 9 "regions"
(zones 1-9, 10-18, ... so that regions are sets of whole zones, as real regions are sets of
strata) and the table is the mean of mathematics by region x gender (18 cells), with JK2
standard errors and Rubin's rules. Prints the best time of each engine, the speed ratio and
the largest difference of the estimates and standard errors (the claim: at least 20 times
faster, equal to 1e-8). R is optional: without Rscript only the Python time is printed.
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

R_CODE = r"""
suppressMessages({library(survey); library(mitools)})
args <- commandArgs(TRUE)
d <- read.csv(args[1])
des <- svrepdesign(data = d, weights = ~TOTWGT, repweights = "w_fstr[0-9]+", type = "JK2",
                   mse = TRUE, combined.weights = TRUE)
table <- function() {
  res <- lapply(paste0("ASMMAT", 1:5), function(v)
    svyby(as.formula(paste0("~", v)), ~region + female, des, svymean))
  MIcombine(lapply(res, coef), lapply(res, vcov))
}
times <- sapply(1:5, function(i) system.time(out <- table())[["elapsed"]])
out <- table()
write.csv(data.frame(cell = names(coef(out)), estimate = coef(out), se = sqrt(diag(vcov(out)))),
          args[2], row.names = FALSE)
cat(sprintf("%.6f\n", min(times)))
"""


def pirls_table() -> pd.DataFrame:
    data = pd.read_csv(REF)
    data["region"] = (data["JKZONE"] - 1) // 9 + 1
    return data


def python_table(data: pd.DataFrame) -> tuple[pd.DataFrame, float]:
    def run() -> pd.DataFrame:
        design = RepDesign(
            data, weight="TOTWGT", replicates="w_fstr*", method="JK2", pvs={"math": MATH}
        )
        return design.mean("math", by=["region", "female"])

    times = []
    for _ in range(20):
        start = time.perf_counter()
        table = run()
        times.append(time.perf_counter() - start)
    return table, min(times)


def r_table(data: pd.DataFrame) -> tuple[pd.DataFrame, float] | None:
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        script, source, result = (Path(tmp) / n for n in ("t.R", "d.csv", "r.csv"))
        script.write_text(R_CODE)
        data.to_csv(source, index=False)
        done = subprocess.run(
            ["Rscript", str(script), str(source), str(result)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            print(f"R survey failed: {done.stderr.strip()[-300:]}")
            return None
        table = pd.read_csv(result, dtype={"cell": str})
    return table, float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    if not REF.exists():
        sys.exit(f"bench_survey_table: reference file {REF} not found (../shared/reference).")
    data = pirls_table()
    ours, seconds = python_table(data)
    cells = ours["region"].nunique() * ours["female"].nunique()
    print(
        f"table: mean of 5 PVs by region x gender ({cells} cells), n={len(data)}, 75 JK2 replicates"
    )
    print(f"workbench RepDesign: {1000 * seconds:8.1f} ms (best of 20, design built each time)")
    theirs = r_table(data)
    if theirs is None:
        print("R survey + mitools: Rscript not available; skipped")
        return
    r, r_seconds = theirs
    key = r["cell"].str.extract(r"^(\d+)\.(\d+)$").astype(float)
    r = r.assign(region=key[0], female=key[1]).sort_values(["region", "female"])
    ours = ours.sort_values(["region", "female"])
    d_est = np.max(np.abs(ours["estimate"].to_numpy() - r["estimate"].to_numpy()))
    d_se = np.max(np.abs(ours["se"].to_numpy() - r["se"].to_numpy()))
    print(f"R survey + mitools:  {1000 * r_seconds:8.1f} ms (best of 5)")
    print(
        f"speed-up: {r_seconds / seconds:.0f}x; largest difference: estimate {d_est:.1e}, "
        f"se {d_se:.1e}"
    )


if __name__ == "__main__":
    main()
