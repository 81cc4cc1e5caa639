"""Benchmark workbench.psychometrics (not a test).

Run from the repository root:  .venv/bin/python benchmarks/bench_psychometrics.py
Times CML Rasch (fit + itemfit) on 5,000 students x 60 items in a 6-block rotated booklet
design (each student takes 2 blocks: 2/3 of the cells NaN) and item_analysis on
150,000 x 60 (the same design, stacked). If ``Rscript`` with eRm is installed, times
``eRm::RM`` (with SEs) and ``person.parameter`` + ``itemfit`` on the same data and prints the
ratio and the largest difference in the estimates; without R that part is skipped.
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
from workbench.psychometrics import (  # noqa: E402
    calibrate,
    dif_table,
    item_analysis,
    measurement_invariance,
    rasch,
)


def booklet_responses(n: int, n_items: int = 60, blocks: int = 6, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=n)
    b = rng.normal(0, 1, n_items)
    x = (rng.random((n, n_items)) < 1 / (1 + np.exp(-(theta[:, None] - b)))).astype(float)
    booklet = rng.integers(0, blocks, n)
    block = np.repeat(np.arange(blocks), n_items // blocks)
    taken = (block == booklet[:, None]) | (block == (booklet[:, None] + 1) % blocks)
    return pd.DataFrame(np.where(taken, x, np.nan), columns=[f"R{j:02d}" for j in range(n_items)])


R_CODE = """
suppressMessages(library(eRm))
args <- commandArgs(TRUE)
x <- read.csv(args[1])
fit_s <- system.time(m <- RM(x))[["elapsed"]]
fit_t <- system.time(suppressWarnings(f <- itemfit(person.parameter(m))))[["elapsed"]]
write.csv(data.frame(beta = m$betapar, se = m$se.beta, infit = f$i.infitMSQ), args[2],
          row.names = FALSE)
cat(fit_s, fit_t, sprintf("%.10f", m$loglik), "\\n")
"""


def timed(label: str, fn) -> float:
    t0 = time.perf_counter()
    fn()
    seconds = time.perf_counter() - t0
    print(f"{label:<58s} {seconds:8.2f} s")
    return seconds


def against_erm(data: pd.DataFrame, fit_s: float, itemfit_s: float) -> None:
    """Time eRm on the same data; print the speed ratio and the largest differences."""
    if shutil.which("Rscript") is None:
        print("eRm: Rscript not available; skipped")
        return
    with tempfile.TemporaryDirectory() as tmp:
        script, source, result = (Path(tmp) / n for n in ("e.R", "d.csv", "r.csv"))
        script.write_text(R_CODE)
        data.to_csv(source, index=False)
        done = subprocess.run(
            ["Rscript", str(script), str(source), str(result)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            print(f"eRm failed: {done.stderr.strip()[-300:]}")
            return
        ref = pd.read_csv(result)
    r_fit, r_itemfit, r_loglik = (float(v) for v in done.stdout.split()[-3:])
    model = rasch(data)
    fit = model.itemfit()
    d_beta = np.max(np.abs(model.beta - ref["beta"]))
    d_se = np.max(np.abs(np.sqrt(np.diag(model.cov_beta)) - ref["se"]))
    d_infit = np.max(np.abs(fit["infit_msq"] - ref["infit"]))
    print(f"{'eRm::RM (with SEs), same data':<58s} {r_fit:8.2f} s   ratio {r_fit / fit_s:5.1f}x")
    print(
        f"{'eRm person.parameter + itemfit, same data':<58s} {r_itemfit:8.2f} s   "
        f"ratio {r_itemfit / itemfit_s:5.1f}x"
    )
    print(
        f"largest difference from eRm: beta {d_beta:.1e}, se {d_se:.1e}, infit {d_infit:.1e}; "
        f"log-likelihood ours - eRm's {model.loglik - r_loglik:+.1e} (eRm's nlm stops early)"
    )


if __name__ == "__main__":
    small = booklet_responses(5_000)
    fit_s = timed("rasch() CML, 5,000 x 60, booklet NA (fit + SEs)", lambda: rasch(small))
    model = rasch(small)
    itemfit_s = timed("RaschModel.itemfit(), 5,000 x 60", model.itemfit)
    against_erm(small, fit_s, itemfit_s)
    big = booklet_responses(150_000)
    timed("item_analysis(), 150,000 x 60, booklet NA", lambda: item_analysis(big))

    rng = np.random.default_rng(2)
    mixed = booklet_responses(5_000)
    two_point = mixed.columns[::5]
    extra = rng.random(mixed.shape) < 0.4
    mixed[two_point] = mixed[two_point] + (extra[:, ::5] & (mixed[two_point] == 1))
    timed(
        "calibrate() 2PL/GPCM MML, 5,000 x 60, booklet NA (with SEs)",
        lambda: calibrate(mixed, items=list(mixed.columns), model="2PL"),
    )
    timed(
        "calibrate() 2PL/GPCM MML, 5,000 x 60, booklet NA (no SEs)",
        lambda: calibrate(mixed, items=list(mixed.columns), model="2PL", se=False),
    )
    group = np.where(rng.random(5_000) < 0.3, "f", "r")
    booklet = (mixed.notna().to_numpy() @ (2 ** np.arange(60) % 7)).astype(int)
    timed(
        "dif_table() MH + IRT check, 5,000 x 60, one comparison",
        lambda: dif_table(small, booklet=booklet, comparisons={"g": (group, "f", "r")}),
    )
    f = rng.normal(size=6_000)
    likert = pd.DataFrame(
        {f"q{i}": np.clip(np.round(f + rng.normal(size=6_000)) + 2, 1, 4) for i in range(3)}
    )
    timed(
        "measurement_invariance() 3 items, 3 groups, 6,000 rows",
        lambda: measurement_invariance(
            likert, {"f": list(likert.columns)}, group=rng.choice(["a", "b", "c"], 6_000)
        ),
    )
