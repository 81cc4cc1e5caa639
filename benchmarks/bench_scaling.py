"""Timing of workbench.scaling: MML calibration on 5,000 x 60 (rotated booklets) and
plausible values (latent regression + 5 PVs) for 150,000 students.

Run: ``.venv/bin/python benchmarks/bench_scaling.py``
"""

from __future__ import annotations

import time

import numpy as np

import workbench.synth as synth
from workbench.psychometrics import calibrate
from workbench.scaling import (
    conditioning_variables,
    latent_regression,
    plausible_values,
    scale_cycle,
)

KW = {"omitted": "missing", "not_reached": "missing"}


def main() -> None:
    nation = synth.make_nation(seed=5, schools=2400, items=60, blocks=6)
    students, responses = nation.tables["students"], nation.tables["responses"]
    data = responses.join(students[["female", "books"]])
    sample = data.sample(5000, random_state=1)
    for se in (False, True):
        start = time.perf_counter()
        cal = calibrate(sample, items=nation.tables["items"]["item_id"], se=se, **KW)
        print(
            f"calibrate 5,000 x 60 (6 blocks, se={se}): {time.perf_counter() - start:.2f} s "
            f"({cal.iterations} EM cycles)"
        )
    big = data.sample(150_000, replace=len(data) < 150_000, random_state=2)
    start = time.perf_counter()
    model = latent_regression(big, items=cal, covariates=["female", "books"], **KW)
    middle = time.perf_counter()
    pv = plausible_values(model, n_pv=5, seed=1)
    end = time.perf_counter()
    print(
        f"latent regression 150,000 students: {middle - start:.2f} s "
        f"({model.iterations} EM cycles); 5 PVs: {end - middle:.2f} s; "
        f"total {end - start:.2f} s; PV SD {np.mean(pv.iloc[:, 1:].std()):.3f}"
    )

    stage_case(nation)


def stage_case(nation: synth.Nation) -> None:
    """The stage's target: 5 PVs for 5,000 students with a ~20-variable conditioning model."""
    students, responses = nation.tables["students"], nation.tables["responses"]
    idx = np.sort(np.random.default_rng(3).choice(len(students), 5000, replace=False))
    frame = (
        responses.iloc[idx]
        .reset_index(drop=True)
        .join(students.iloc[idx].reset_index(drop=True).drop(columns="student_id"))
    )
    frame = frame.assign(IDSTUD=frame["student_id"], TOTWGT=1.0)
    cond = conditioning_variables(
        frame,
        direct=["female", "region", "locality", "class_language", "school_type"],
        background=["books"],
        share=1.0,
        id="IDSTUD",
    )
    start = time.perf_counter()
    cond_model = latent_regression(
        frame.join(cond.data[list(cond.columns)]),
        items=nation.tables["items"].assign(
            model=np.where(nation.tables["items"]["max_score"] == 2, "GPCM", "2PL")
        ),
        covariates=list(cond.columns),
        weight="TOTWGT",
        omitted="wrong",
        not_reached="missing",
    )
    plausible_values(cond_model, n_pv=5, seed=1)
    middle = time.perf_counter()
    scale_cycle(frame, cond, items=nation.tables["items"], seed=1)
    end = time.perf_counter()
    print(
        f"5 PVs, 5,000 students, {len(cond.columns)} conditioning variables: "
        f"{middle - start:.2f} s ({cond_model.iterations} EM cycles)   (target: under 30 s)"
    )
    print(
        f"scale_cycle (calibration + population model + 5 PVs + EAP + WLE), 5,000 "
        f"students: {end - middle:.2f} s"
    )


if __name__ == "__main__":
    main()
