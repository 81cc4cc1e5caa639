"""Figures of the teacher-education reports (stages ``t40_composite``, ``t50_comparison``),
drawn in any report language; words from ``label()`` in ``lang``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.labels import label

__all__ = ["positions", "cohorts"]


def positions(data: pd.DataFrame, *, lang: str):
    """Each institution's rank as a range: 5-95 % of the Monte Carlo draws (thick), min-max
    over the alternatives (thin), the nominal rank (dot); ordered by median rank.

    ``data``: the composite positions (``institution, name, rank, rank_min, rank_max,
    rank_p05, rank_p95, rank_median``).
    """
    import matplotlib.pyplot as plt

    d = data.sort_values("rank_median").reset_index(drop=True)
    ranks = ["rank", "rank_min", "rank_max", "rank_p05", "rank_p95"]
    d[ranks] = d[ranks].astype(float)  # whole ranks (Int64, NA without a score) to plot
    y = np.arange(len(d))
    fig, ax = plt.subplots(figsize=(8, max(3.0, 0.18 * len(d) + 1)))
    ax.hlines(y, d["rank_min"], d["rank_max"], color="#bbbbbb", lw=1)
    ax.hlines(y, d["rank_p05"], d["rank_p95"], color="#0072B2", lw=4)
    ax.plot(d["rank"], y, "o", color="#D55E00", ms=4)
    ax.set_yticks(y, d["name"].fillna(d["institution"].astype(str)), fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel(label("rank_position", lang))
    ax.xaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    return fig


def cohorts(data: pd.DataFrame, *, lang: str):
    """Employment in teaching at 6/12/18 months, one line per cohort (the sector).

    ``data``: the employment cohorts (``institution`` 0 = the sector, ``cohort, months,
    employed_teaching``).
    """
    import matplotlib.pyplot as plt

    d = data[(data["institution"] == 0) & data["employed_teaching"].notna()]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for cohort, g in d.groupby("cohort"):
        ax.plot(g["months"], g["employed_teaching"], "o-", label=str(cohort))
    ax.set(
        xlabel=label("months", lang),
        ylabel=label("employed_teaching", lang),
        xticks=[6, 12, 18],
        ylim=(0, 100),
    )
    ax.legend(title=label("cohort", lang))
    fig.tight_layout()
    return fig
