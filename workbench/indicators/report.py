"""Report tables and figures of the teacher-education monitoring stages (t10-t50).

Only presentation: every figure shown here was computed by :mod:`.compute`,
:mod:`.composite` or :mod:`.compare`. Words come from ``workbench/texts/teacher_ed.yaml`` and
``labels_teacher_ed.yaml``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from workbench.indicators.framework import Framework
from workbench.labels import label

__all__ = [
    "shown",
    "indicator_names",
    "sector_summary",
    "institution_table",
    "problem_files",
    "most_moved",
    "positions_figure",
    "cohorts_figure",
    "cohort_table",
    "change_summary",
    "comparison_summary",
    "flagged_rates",
]


def shown(table: pd.DataFrame) -> pd.DataFrame:
    """The table with ``year`` and ``cohort`` as text, so reports print 2026, not 2 026."""
    out = table.copy()
    for col in ("year", "cohort"):
        if col in out.columns:
            out[col] = out[col].astype(str)
    return out


def indicator_names(framework: Framework, lang: str) -> pd.DataFrame:
    """The framework as a report table: ``group, indicator, name, source, unit, direction,
    target, threshold, level`` with names in ``lang``."""
    t = framework.table(lang)
    return t.drop(columns=["group"]).rename(columns={"group_name": "group"})


def sector_summary(
    indicators: pd.DataFrame, framework: Framework, lang: str, *, year: int
) -> pd.DataFrame:
    """Per indicator over institutions: ``indicator, name, institutions, mean, minimum,
    maximum, below_threshold, flagged``.

    Examples
    --------
    >>> from workbench.indicators.framework import load_framework
    >>> ind = pd.DataFrame({"year": 2026, "level": "institution", "institution": [1, 2],
    ...                     "indicator": "ST1", "estimate": [10.0, 40.0], "flags": ["", ""]})
    >>> sector_summary(ind, load_framework("teacher_education"), "en", year=2026)[
    ...     ["mean", "below_threshold"]].to_dict("records")
    [{'mean': 25.0, 'below_threshold': 1}]
    """
    d = indicators[(indicators["level"] == "institution") & (indicators["year"] == year)]
    rows = []
    for ind, g in d.groupby("indicator", sort=False):
        spec = framework.indicator(ind)
        est = g["estimate"].dropna()
        below = (
            (est < spec.threshold) if spec.direction == "higher_better" else (est > spec.threshold)
        )
        rows.append(
            {
                "indicator": ind,
                "name": getattr(spec.name, lang),
                "institutions": len(est),
                "mean": est.mean() if len(est) else np.nan,
                "minimum": est.min() if len(est) else np.nan,
                "maximum": est.max() if len(est) else np.nan,
                "below_threshold": int(below.sum()) if spec.threshold is not None else 0,
                "flagged": int((g["flags"].fillna("") != "").sum()),
            }
        )
    return pd.DataFrame(rows)


def institution_table(
    indicators: pd.DataFrame, *, year: int, institutions=None, level: str = "institution"
) -> pd.DataFrame:
    """Indicators of some institutions: ``institution, programme, indicator, estimate, se,
    ci_lower, ci_upper, n, response_rate, flags``."""
    d = indicators[(indicators["level"] == level) & (indicators["year"] == year)]
    if institutions is not None:
        d = d[d["institution"].isin(list(institutions))]
    cols = [
        "institution",
        "programme",
        "indicator",
        "estimate",
        "se",
        "ci_lower",
        "ci_upper",
        "n",
        "response_rate",
        "flags",
    ]
    out = d[cols].sort_values(["institution", "programme", "indicator"], ignore_index=True)
    return out if level == "programme" else out.drop(columns="programme")


def scale_table(scales: pd.DataFrame) -> pd.DataFrame:
    """The scale validation as a report table: the reasons as codes (``problems``, labelled
    in each language), not the English ``reason``."""
    return shown(scales.drop(columns="reason"))


def invariance_table(invariance: pd.DataFrame) -> pd.DataFrame:
    """The invariance tests as a report table (the English ``note`` left to the stored table;
    ``level`` says ``not tested``)."""
    return shown(invariance.drop(columns="note").rename(columns={"across": "invariance_across"}))


def problem_files(log: pd.DataFrame) -> pd.DataFrame:
    """The intake log's files that were not accepted whole: ``year, respondent, file,
    rows_read, rows_accepted, rows_quarantined, status, message``."""
    bad = shown(log[log["status"] != "accepted"])
    return bad[
        [
            "year",
            "respondent",
            "file",
            "rows_read",
            "rows_accepted",
            "rows_quarantined",
            "status",
            "message",
        ]
    ].reset_index(drop=True)


def flagged_rates(rates: pd.DataFrame, *, year: int) -> pd.DataFrame:
    """Response rates with a flag, of one year."""
    d = rates[(rates["year"] == year) & (rates["flags"] != "")]
    return d.drop(columns="year").reset_index(drop=True)


def most_moved(positions: pd.DataFrame, *, top: int = 10) -> pd.DataFrame:
    """The institutions whose rank moves most over the alternatives (``span``)."""
    d = positions.assign(span=positions["rank_max"] - positions["rank_min"])
    return (
        d.sort_values("span", ascending=False)
        .head(top)[
            [
                "institution",
                "name",
                "level",
                "rank",
                "rank_min",
                "rank_max",
                "rank_p05",
                "rank_p95",
                "span",
            ]
        ]
        .reset_index(drop=True)
    )


def positions_figure(positions: pd.DataFrame, lang: str):
    """Each institution's rank as a range: 5-95 % of the Monte Carlo draws (thick), min-max
    over the alternatives (thin), the nominal rank (dot); ordered by median rank."""
    d = positions.sort_values("rank_median").reset_index(drop=True)
    y = np.arange(len(d))
    fig, ax = plt.subplots(figsize=(8, max(3.0, 0.18 * len(d) + 1)))
    ax.hlines(y, d["rank_min"], d["rank_max"], color="#bbbbbb", lw=1)
    ax.hlines(y, d["rank_p05"], d["rank_p95"], color="#4c72b0", lw=4)
    ax.plot(d["rank"], y, "o", color="#dd8452", ms=4)
    ax.set_yticks(y, d["name"].fillna(d["institution"].astype(str)), fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel(label("rank_position", lang))
    ax.xaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    plt.close(fig)
    return fig


def cohort_table(cohorts: pd.DataFrame) -> pd.DataFrame:
    """The sector's cohorts wide: ``cohort, graduates`` and one column per month."""
    d = cohorts[cohorts["institution"] == 0]
    wide = d.pivot(index="cohort", columns="months", values="employed_teaching")
    wide.columns = [f"employed_{m}m" for m in wide.columns]
    grads = d.groupby("cohort")["graduates"].first()
    return shown(wide.assign(graduates=grads).reset_index())


def cohorts_figure(cohorts: pd.DataFrame, lang: str):
    """Employment in teaching at 6/12/18 months, one line per cohort (the sector)."""
    d = cohorts[(cohorts["institution"] == 0) & cohorts["employed_teaching"].notna()]
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
    plt.close(fig)
    return fig


def change_summary(change: pd.DataFrame) -> pd.DataFrame:
    """Institution-level verdicts per indicator: ``indicator, improved, declined,
    no significant change``."""
    d = change[change["level"] == "institution"]
    if d.empty:
        return pd.DataFrame(columns=["indicator"])
    out = d.groupby(["indicator", "verdict"]).size().unstack(fill_value=0)
    return out.reset_index().rename_axis(columns=None)


def comparison_summary(comparison: pd.DataFrame) -> pd.DataFrame:
    """Verdicts per indicator and reference: ``indicator, reference, above, below,
    not different``."""
    out = comparison.groupby(["indicator", "reference", "verdict"]).size().unstack(fill_value=0)
    return out.reset_index().rename_axis(columns=None)
