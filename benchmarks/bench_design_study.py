"""Design study throughput: simulated samples per second, in one process and on Dask.

Run: ``.venv/bin/python benchmarks/bench_design_study.py``. On the synthetic nation (2,400
schools), with the demo design (200 schools, region x locality strata): samples per second
in this process (``client="sync"``) and on a local Dask cluster of 1 and 2 worker processes;
then how the time grows with the number of samples R and with the number of designs in the
grid. Figures only: nothing is asserted.
"""

from __future__ import annotations

import os
import time

from workbench.frame import review_frame
from workbench.sampling import design_study
from workbench.synth import make_nation

DEMO = {"n_schools": 200}


def _time(grid, reps, **kw) -> float:
    start = time.perf_counter()
    design_study(grid, reps=reps, seed=1, progress=False, **kw)
    return time.perf_counter() - start


def main() -> None:
    nation = make_nation(20261124, schools=2400, items=6, blocks=2)
    data = {
        "frame": review_frame(nation.tables["register"]).frame,
        "classes": nation.tables["classes"],
        "students": nation.tables["students"],
    }
    print(
        f"synthetic nation: {len(data['frame']):,} schools, {len(data['students']):,} "
        f"students; {os.cpu_count()} CPUs"
    )
    reps = 40
    for label, kw in (
        ("one process (sync)", {"client": "sync"}),
        ("Dask, 1 worker", {"workers": 1}),
        ("Dask, 2 workers", {"workers": 2}),
    ):
        seconds = _time([DEMO], reps, batch=5, **data, **kw)
        note = " (cluster start included)" if "Dask" in label else ""
        print(
            f"{label:>20}: {reps} samples in {seconds:6.1f} s = {reps / seconds:5.2f} "
            f"samples/s{note}",
            flush=True,
        )
    print("growth with R (Dask, 2 workers, 1 design):")
    for r in (20, 40, 80):
        seconds = _time([DEMO], r, workers=2, batch=5, **data)
        print(f"  R={r:4d}: {seconds:6.1f} s  ({r / seconds:5.2f} samples/s)")
    print("growth with the grid (Dask, 2 workers, R=20):")
    for size in (1, 2, 4):
        grid = [{"n_schools": 150 + 25 * i} for i in range(size)]
        seconds = _time(grid, 20, workers=2, batch=5, **data)
        print(f"  {size} designs: {seconds:6.1f} s  ({20 * size / seconds:5.2f} samples/s)")


if __name__ == "__main__":
    main()
