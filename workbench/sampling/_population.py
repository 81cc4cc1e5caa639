"""Class-level population arrays and variance zones for simulate_design (private)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.sampling._design import Design
from workbench.sampling._validate import check_columns, some


@dataclass(frozen=True)
class Population:
    """Arrays indexed by design row (schools in sort order) or by class."""

    prob: np.ndarray  # school inclusion probability
    n_classes: np.ndarray  # classes in the school (float)
    take: np.ndarray  # classes drawn in the school
    take_max: int
    class_rows: np.ndarray  # (schools, max classes) class index, padded with 0
    sum_y: np.ndarray  # per class: sum of scores
    count: np.ndarray  # per class: number of students
    certain_rows: np.ndarray  # design rows of certainty schools
    cert_units: np.ndarray  # flat (certainty school, slot) indices of drawn classes
    n_covered: int  # students in the schools the design covers
    true_mean: float
    sd: float


def build_population(
    design: Design,
    frame: pd.DataFrame,
    students: pd.DataFrame,
    *,
    class_id: str,
    score: str,
    n_classes: int,
    large_mos: float | None,
    n_classes_large: int,
) -> Population:
    """Class totals of the scores, per-school class lists and the population truth."""
    id, func = design.id, "simulate_design"
    check_columns(students, {"id": [id], "class_id": [class_id], "score": [score]}, func)
    y = pd.to_numeric(students[score], errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(y).all():
        raise ValueError(
            f"{func}: missing scores in column {score!r} for students of schools "
            f"{some(students.loc[~np.isfinite(y), id].unique())}; "
            "the population needs every score"
        )
    stray = ~students[id].isin(frame[id]).to_numpy()
    if stray.any():
        raise ValueError(
            f"{func}: students of schools not in the frame "
            f"{some(students.loc[stray, id].unique())}; add them to the frame"
        )
    row = pd.Index(design.schools[id]).get_indexer(students[id])
    cov = row >= 0
    agg = (
        pd.DataFrame({"row": row[cov], "cls": students[class_id].to_numpy()[cov], "y": y[cov]})
        .groupby(["row", "cls"], sort=True)["y"]
        .agg(["sum", "size"])
        .reset_index()
    )
    n_schools = len(design.schools)
    per_school = np.bincount(agg["row"], minlength=n_schools)
    if (per_school == 0).any():
        raise ValueError(
            f"{func}: schools in the design with no students "
            f"{some(design.schools[id].to_numpy()[per_school == 0])}; "
            "drop them from the frame or set their size to 0"
        )
    return _assemble(design, agg, per_school, y, n_classes, large_mos, n_classes_large)


def _assemble(
    design: Design,
    agg: pd.DataFrame,
    per_school: np.ndarray,
    y: np.ndarray,
    n_classes: int,
    large_mos: float | None,
    n_classes_large: int,
) -> Population:
    rows = agg["row"].to_numpy()
    start = np.r_[0, np.cumsum(per_school)[:-1]]
    slot = np.arange(len(agg)) - start[rows]
    class_rows = np.zeros((len(per_school), per_school.max()), dtype=np.int64)
    class_rows[rows, slot] = np.arange(len(agg))
    mos = design.schools["mos"].to_numpy()
    wanted = np.full(len(mos), n_classes)
    if large_mos is not None:
        wanted = np.where(mos > large_mos, n_classes_large, n_classes)
    take = np.minimum(wanted, per_school)
    certain = np.flatnonzero(design.schools["certainty"].to_numpy())
    take_max = int(take.max())
    cert_units = np.flatnonzero(np.arange(take_max)[None, :] < take[certain][:, None])
    return Population(
        prob=design.schools["probability"].to_numpy(),
        n_classes=per_school.astype(float),
        take=take,
        take_max=take_max,
        class_rows=class_rows,
        sum_y=agg["sum"].to_numpy(dtype=float),
        count=agg["size"].to_numpy(dtype=float),
        certain_rows=certain,
        cert_units=cert_units,
        n_covered=int(agg["size"].sum()),
        true_mean=float(y.mean()),
        sd=float(y.std()),
    )


def variance_zones(design: Design, pop: Population, variance: str) -> np.ndarray:
    """Zone id per variance unit: non-certainty draws first, then certainty-school classes."""
    n_draw = design.strata["n_draw"].to_numpy()
    draw_h = np.repeat(np.arange(n_draw.size), n_draw)
    k = np.arange(draw_h.size) - np.repeat(np.r_[0, np.cumsum(n_draw)[:-1]], n_draw)
    size_h = n_draw[draw_h]
    local = (
        np.zeros_like(k)
        if variance == "stratified"
        else np.minimum(k // 2, np.maximum(size_h // 2 - 1, 0))
    )
    key = draw_h * (k.size + 1) + local
    single = np.flatnonzero(size_h == 1)
    if single.size > 1:
        group = np.minimum(np.arange(single.size) // 2, single.size // 2 - 1)
        key[single] = -1 - group  # collapsed strata: single draws pooled in pairs
    cert_school = pop.cert_units // max(pop.take_max, 1)
    key = np.r_[key, key.max(initial=0) + 1 + cert_school] if pop.cert_units.size else key
    return pd.factorize(key)[0]
