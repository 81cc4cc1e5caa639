"""Timing of workbench.scaling: MML calibration on 5,000 x 60 (rotated booklets) and
plausible values (latent regression + 5 PVs) for 150,000 students.

Run: ``.venv/bin/python benchmarks/bench_scaling.py``
"""

from __future__ import annotations

import time

import numpy as np

import workbench.synth as synth
from workbench.scaling import calibrate, latent_regression, plausible_values

KW = {"omitted": "missing", "not_reached": "missing"}


def main() -> None:
    nation = synth.make_nation(seed=5, schools=2400, items=60, blocks=6)
    students, responses = nation.tables["students"], nation.tables["responses"]
    data = responses.join(students[["female", "books"]])
    sample = data.sample(5000, random_state=1)
    for se in (False, True):
        start = time.perf_counter()
        cal = calibrate(sample, items=nation.tables["items"]["item_id"], se=se, **KW)
        print(f"calibrate 5,000 x 60 (6 blocks, se={se}): {time.perf_counter() - start:.2f} s "
              f"({cal.iterations} EM cycles)")
    big = data.sample(150_000, replace=len(data) < 150_000, random_state=2)
    start = time.perf_counter()
    model = latent_regression(big, items=cal, covariates=["female", "books"], **KW)
    middle = time.perf_counter()
    pv = plausible_values(model, n_pv=5, seed=1)
    end = time.perf_counter()
    print(f"latent regression 150,000 students: {middle - start:.2f} s "
          f"({model.iterations} EM cycles); 5 PVs: {end - middle:.2f} s; "
          f"total {end - start:.2f} s; PV SD {np.mean(pv.iloc[:, 1:].std()):.3f}")


if __name__ == "__main__":
    main()
