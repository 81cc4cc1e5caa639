"""Benchmark workbench.psychometrics (not a test).

Run from the repository root:  .venv/bin/python benchmarks/bench_psychometrics.py
Times CML Rasch (fit + itemfit) on 5,000 students x 60 items in a 6-block rotated booklet
design (each student takes 2 blocks: 2/3 of the cells NaN) and item_analysis on
150,000 x 60 (the same design, stacked).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from workbench.psychometrics import (  # noqa: E402
    dif_table,
    item_analysis,
    measurement_invariance,
    rasch,
)
from workbench.scaling import calibrate  # noqa: E402


def booklet_responses(n: int, n_items: int = 60, blocks: int = 6, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=n)
    b = rng.normal(0, 1, n_items)
    x = (rng.random((n, n_items)) < 1 / (1 + np.exp(-(theta[:, None] - b)))).astype(float)
    booklet = rng.integers(0, blocks, n)
    block = np.repeat(np.arange(blocks), n_items // blocks)
    taken = (block == booklet[:, None]) | (block == (booklet[:, None] + 1) % blocks)
    return pd.DataFrame(np.where(taken, x, np.nan), columns=[f"R{j:02d}" for j in range(n_items)])


def timed(label: str, fn) -> None:
    t0 = time.perf_counter()
    fn()
    print(f"{label:<58s} {time.perf_counter() - t0:8.2f} s")


if __name__ == "__main__":
    small = booklet_responses(5_000)
    timed("rasch() CML, 5,000 x 60, booklet NA (fit + SEs)", lambda: rasch(small))
    model = rasch(small)
    timed("RaschModel.itemfit(), 5,000 x 60", model.itemfit)
    big = booklet_responses(150_000)
    timed("item_analysis(), 150,000 x 60, booklet NA", lambda: item_analysis(big))

    rng = np.random.default_rng(2)
    mixed = booklet_responses(5_000)
    two_point = mixed.columns[::5]
    extra = rng.random(mixed.shape) < 0.4
    mixed[two_point] = mixed[two_point] + (extra[:, ::5] & (mixed[two_point] == 1))
    timed("calibrate() 2PL/GPCM MML, 5,000 x 60, booklet NA (with SEs)",
          lambda: calibrate(mixed, items=list(mixed.columns), model="2PL"))
    timed("calibrate() 2PL/GPCM MML, 5,000 x 60, booklet NA (no SEs)",
          lambda: calibrate(mixed, items=list(mixed.columns), model="2PL", se=False))
    group = np.where(rng.random(5_000) < 0.3, "f", "r")
    booklet = (mixed.notna().to_numpy() @ (2 ** np.arange(60) % 7)).astype(int)
    timed("dif_table() MH + IRT check, 5,000 x 60, one comparison",
          lambda: dif_table(small, booklet=booklet, comparisons={"g": (group, "f", "r")}))
    f = rng.normal(size=6_000)
    likert = pd.DataFrame({f"q{i}": np.clip(np.round(f + rng.normal(size=6_000)) + 2, 1, 4)
                           for i in range(3)})
    timed("measurement_invariance() 3 items, 3 groups, 6,000 rows",
          lambda: measurement_invariance(likert, {"f": list(likert.columns)},
                                         group=rng.choice(["a", "b", "c"], 6_000)))
