"""The prepared first-stage design shared by select_schools and evaluate_design (private).

Preparing = checks, exclusions, strata, allocation, serpentine sort and probabilities; drawing
= PPS systematic selection for many random starts at once (one row of starts per sample).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.sampling._validate import as_list, check_frame, some
from workbench.sampling.probabilities import pps_probabilities
from workbench.sampling.strata import (
    SMALL_STRATUM,
    _stratum_table,
    allocation_counts,
    exclusion_masks,
    serpentine_order,
    stratum_labels,
    warn_zero_size,
)


@dataclass(frozen=True)
class Design:
    """Sorted frame (``schools``) and per-stratum table (``strata``) of a first-stage design."""

    schools: pd.DataFrame  # id, strata..., stratum, mos, probability, certainty, sort_order, h
    strata: pd.DataFrame  # stratum, n_schools, mos, share, n, n_certain, n_draw
    id: str
    strata_columns: list[str]


def prepare_design(
    frame: pd.DataFrame,
    *,
    n: int,
    strata: str | Sequence[str] = (),
    size: str = "enrol_g6",
    sort_by: str | Sequence[str] = (),
    id: str = "school_id",
    allocation: str | Mapping[str, int] = "proportional",
    minimum: int = 0,
    small_mos: float | None = None,
    small_rule: str = "exclude",
    exclude: Sequence[object] = (),
    exclusion_limit: float = 0.05,
    on_exceed: str = "raise",
    func: str = "select_schools",
) -> Design:
    """Check the frame and build the sorted design with probabilities (nothing drawn)."""
    strata, sort_by = as_list(strata), as_list(sort_by)
    mos = check_frame(frame, id=id, size=size, func=func, strata=strata, sort_by=sort_by)
    if on_exceed not in ("raise", "warn"):
        raise ValueError(f"{func}: unknown on_exceed {on_exceed!r}; use 'raise' or 'warn'")
    keep = warn_zero_size(frame, mos, id=id, size=size, func=func)
    listed, small = exclusion_masks(
        frame, mos, id=id, small_mos=small_mos, small_rule=small_rule, exclude=exclude, func=func
    )
    _check_budget(
        frame, mos, listed, small, id=id, limit=exclusion_limit, on_exceed=on_exceed, func=func
    )
    keep &= ~(listed | small)
    columns = list(dict.fromkeys([id, *strata, *sort_by]))
    work = frame.loc[keep, columns].reset_index(drop=True)
    work["mos"] = mos[keep]
    work["stratum"] = stratum_labels(work, strata).to_numpy()
    tiny = np.zeros(len(work), dtype=bool)
    if small_mos is not None and small_rule == "stratum":
        tiny = work["mos"].to_numpy() < small_mos
        work.loc[tiny, "stratum"] = SMALL_STRATUM
    table = _stratum_table(work[["stratum", "mos"]], [])
    table["n"] = allocation_counts(
        table, n, allocation=allocation, minimum=minimum, func=func, ids=(work[id], work["stratum"])
    )
    work = work.iloc[serpentine_order(work, sort_by, ["stratum"])].reset_index(drop=True)
    return _with_probabilities(work, table, id=id, strata=strata)


def _with_probabilities(
    work: pd.DataFrame, table: pd.DataFrame, *, id: str, strata: list[str]
) -> Design:
    h = table["stratum"].reset_index().set_index("stratum")["index"]
    work["h"] = h.loc[work["stratum"]].to_numpy()
    prob = np.zeros(len(work))
    hcode = work["h"].to_numpy()
    equal = (work["stratum"] == SMALL_STRATUM).to_numpy()
    mos = np.where(equal, 1.0, work["mos"].to_numpy())
    for k, n_h in enumerate(table["n"].to_numpy()):
        rows = np.flatnonzero(hcode == k)
        prob[rows] = pps_probabilities(mos[rows], int(n_h))
    work["probability"] = prob
    work["certainty"] = prob >= 1.0
    work["sort_order"] = np.arange(1, len(work) + 1)
    table["n_certain"] = np.bincount(hcode[prob >= 1.0], minlength=len(table))
    table["n_draw"] = table["n"] - table["n_certain"]
    return Design(schools=work, strata=table, id=id, strata_columns=strata)


def _check_budget(
    frame: pd.DataFrame,
    mos: np.ndarray,
    listed: np.ndarray,
    small: np.ndarray,
    *,
    id: str,
    limit: float,
    on_exceed: str,
    func: str,
) -> None:
    excluded = listed | small
    total = mos.sum()
    share = mos[excluded].sum() / total if total else 0.0
    if share <= limit:
        return
    message = (
        f"{func}: school-level exclusions are {share:.1%} of enrolment, over the "
        f"{limit:.0%} limit (small schools {some(frame.loc[small & ~listed, id])}, "
        f"listed {some(frame.loc[listed, id])}); lower small_mos, use "
        "small_rule='stratum', or exclude fewer schools"
    )
    if on_exceed == "raise":
        raise ValueError(message)
    warnings.warn(message, stacklevel=3)


def draw_plan(design: Design) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Arrays for :func:`systematic_draws`: cum, noncertain rows, draw offsets, draw strata."""
    schools, table = design.schools, design.strata
    rows = np.flatnonzero(~schools["certainty"].to_numpy())
    hcode = schools["h"].to_numpy()[rows]
    prob = schools["probability"].to_numpy()[rows]
    n_draw = table["n_draw"].to_numpy()
    offset = np.r_[0, np.cumsum(n_draw)[:-1]].astype(float)
    cum = np.zeros(len(rows))
    for k in range(len(table)):
        idx = np.flatnonzero(hcode == k)
        if idx.size:
            c = np.cumsum(prob[idx])
            c = np.minimum(c, n_draw[k])
            c[-1] = n_draw[k]
            cum[idx] = offset[k] + c
    draw_h = np.repeat(np.arange(len(table)), n_draw)
    draw_k = np.arange(draw_h.size) - np.repeat(offset, n_draw)
    return cum, rows, offset[draw_h] + draw_k, draw_h


def systematic_draws(design: Design, starts: np.ndarray) -> np.ndarray:
    """Rows of ``design.schools`` drawn by PPS systematic sampling, one sample per row of
    ``starts`` (random starts in (0, 1], shape (samples, strata)); certainty schools excluded.
    """
    cum, rows, base, draw_h = draw_plan(design)
    points = base[None, :] + starts[:, draw_h]
    return rows[np.searchsorted(cum, points, side="left")]
