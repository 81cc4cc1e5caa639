"""Speed ratios against R survey + mitools in one run (issue 19): first call, design included.

Run from the repository root:  .venv/bin/python benchmarks/bench_survey_ratios.py [times]
[--before DIR] (``--help``). ``--before`` times a second checkout of the engine (a directory
holding an earlier ``workbench/``, e.g. ``git archive <commit> workbench | tar -x -C DIR``)
in the same run, so before and after share the machine's load.

On the TIMSS 2011 reference file (4,668 students, PIRLS-sized: 75 JK2 zones, 5 PVs) and on
``times`` stacked copies of it (default 50), four statistics with plausible values, each
timed from a fresh design to the result (``RepDesign(...)`` + the first call of the statistic
in a new Python process; ``svrepdesign`` + the statistic per PV + ``MIcombine`` in R):
mean of mathematics by gender, percentage at or above 475 by gender, the 10th/50th/90th
percentiles, and the regression ``math ~ female + books``. Reading the file is not timed in
either engine. Prints both times and the ratio; targets: >= 30x (n=4,668), >= 20x (50x).
R is optional: without Rscript (survey, mitools) only the Python times are printed.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REF = ROOT.parent / "shared" / "reference" / "timss2011_g4_math.csv.gz"
STATS = ("mean", "percent", "percentiles", "regression")
TARGETS = {1: 30, 50: 20}

PY_CODE = r"""
import sys, time
import pandas as pd
from workbench.survey import RepDesign
data = pd.read_parquet(sys.argv[1])
stat = sys.argv[2]
MATH = [f"ASMMAT{i}" for i in range(1, 6)]
start = time.perf_counter()
d = RepDesign(data, weight="TOTWGT", replicates="w_fstr*", method="JK2", pvs={"math": MATH})
if stat == "mean":
    d.mean("math", by="female")
elif stat == "percent":
    d.percent_at_or_above("math", [475], by="female")
elif stat == "percentiles":
    d.quantile("math", [0.1, 0.5, 0.9])
else:
    d.regress("math ~ female + books")
print(time.perf_counter() - start)
"""

R_CODE = r"""
suppressMessages({library(survey); library(mitools)})
args <- commandArgs(TRUE)
d <- read.csv(args[1])
pvs <- paste0("ASMMAT", 1:5)
for (v in pvs) d[[paste0("at_", v)]] <- as.numeric(d[[v]] >= 475)
design <- function() svrepdesign(data = d, weights = ~TOTWGT, repweights = "w_fstr[0-9]+",
                                 type = "JK2", mse = TRUE, combined.weights = TRUE)
stats <- list(
  mean = function(des) lapply(pvs, function(v)
    svyby(as.formula(paste0("~", v)), ~female, des, svymean)),
  percent = function(des) lapply(pvs, function(v)
    svyby(as.formula(paste0("~at_", v)), ~female, des, svymean)),
  percentiles = function(des) lapply(pvs, function(v)
    svyquantile(as.formula(paste0("~", v)), des, c(0.1, 0.5, 0.9), qrule = "math",
                interval.type = "quantile")),
  regression = function(des) lapply(pvs, function(v)
    svyglm(as.formula(paste0(v, " ~ female + books")), des)))
for (name in names(stats)) {
  t <- system.time({
    res <- stats[[name]](design())
    if (name == "percentiles") {
      MIcombine(lapply(res, coef), lapply(res, function(r) diag(SE(r)^2)))
    } else {
      MIcombine(lapply(res, coef), lapply(res, vcov))
    }
  })[["elapsed"]]
  cat(sprintf("%s %.6f\n", name, t))
}
"""


def stacked(times: int):
    import pandas as pd

    data = pd.read_csv(REF)
    data = pd.concat([data] * times, ignore_index=True) if times > 1 else data
    return data[data["books"].notna()].reset_index(drop=True)


def python_seconds(source: Path, stat: str, repeats: int = 3, root: Path = ROOT) -> float:
    """Best of ``repeats`` fresh processes (the machine may be shared), importing the
    engine from ``root``."""
    times = []
    for _ in range(repeats):
        done = subprocess.run(
            [sys.executable, "-c", PY_CODE, str(source), stat],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        )
        times.append(float(done.stdout.strip().splitlines()[-1]))
    return min(times)


def r_seconds(source: Path, script: Path) -> dict[str, float] | None:
    if shutil.which("Rscript") is None:
        return None
    done = subprocess.run(
        ["Rscript", str(script), str(source)], capture_output=True, text=True, check=False
    )
    if done.returncode:
        print(f"R survey failed: {done.stderr.strip()[-300:]}")
        return None
    return {line.split()[0]: float(line.split()[1]) for line in done.stdout.splitlines()}


def main(big: int = 50, before: Path | None = None) -> None:
    if not REF.exists():
        sys.exit(f"bench_survey_ratios: reference file {REF} not found (../shared/reference).")
    if before is not None and not (before / "workbench" / "survey").is_dir():
        sys.exit(f"bench_survey_ratios: --before {before} holds no workbench/survey package.")
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "r.R"
        script.write_text(R_CODE)
        for times in (1, big):
            data = stacked(times)
            parquet, csv = Path(tmp) / "d.parquet", Path(tmp) / "d.csv"
            data.to_parquet(parquet)
            data.to_csv(csv, index=False)
            ours = {stat: python_seconds(parquet, stat) for stat in STATS}
            earlier = (
                {stat: python_seconds(parquet, stat, root=before) for stat in STATS}
                if before is not None
                else None
            )
            theirs = r_seconds(csv, script)
            target = TARGETS.get(times, 20)
            print(
                f"n={len(data):,} ({times}x TIMSS 2011 g4), 75 JK2 replicates, 5 PVs; "
                f"first call, design included; target >= {target}x"
            )
            for stat in STATS:
                line = f"  {stat:<12} workbench {1000 * ours[stat]:9.1f} ms"
                if theirs is not None:
                    ratio = theirs[stat] / ours[stat]
                    line += (
                        f" | R survey {1000 * theirs[stat]:10.1f} ms | {ratio:6.1f}x"
                        f" {'ok' if ratio >= target else 'BELOW TARGET'}"
                    )
                if earlier is not None:
                    line += f" | before {1000 * earlier[stat]:9.1f} ms"
                    if theirs is not None:
                        line += f" {theirs[stat] / earlier[stat]:6.1f}x"
                print(line, flush=True)
            if theirs is None:
                print("  R survey + mitools: not run (no Rscript, or R failed); skipped")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("times", nargs="?", type=int, default=50, help="stacked copies (50)")
    parser.add_argument(
        "--before", type=Path, help="directory with an earlier workbench/ to time beside"
    )
    args = parser.parse_args()
    main(args.times, args.before)
