"""Report tables and figures of the teacher-education monitoring stages (t10-t50).

Only presentation: every figure shown here was computed by :mod:`.compute`,
:mod:`.composite` or :mod:`.compare`. Words come from ``workbench/texts/teacher_ed.yaml`` and
``labels_teacher_ed.yaml``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.indicators.framework import Framework
from workbench.labels import LANGS
from workbench.report import split_table

__all__ = [
    "shown",
    "indicator_names",
    "sector_summary",
    "institution_table",
    "problem_files",
    "most_moved",
    "cohort_table",
    "change_summary",
    "comparison_summary",
    "flagged_rates",
    "scale_tables",
]


def shown(table: pd.DataFrame) -> pd.DataFrame:
    """The table with ``year`` and ``cohort`` as text, so reports print 2026, not 2 026."""
    out = table.copy()
    for col in ("year", "cohort"):
        if col in out.columns:
            out[col] = out[col].astype(str)
    return out


def indicator_names(framework: Framework) -> pd.DataFrame:
    """The framework as a report table: ``group_<lang>, indicator, name_<lang>, source, unit,
    direction, target, threshold, level`` with group and indicator names in ky, ru and en
    (shown with ``wb.report.table(..., localized=("group", "name"))``)."""
    words = {lang: framework.table(lang) for lang in LANGS}
    rest = words["en"].drop(columns=["group", "group_name", "indicator", "name"])
    return pd.concat(
        [
            pd.DataFrame({f"group_{lang}": words[lang]["group_name"] for lang in LANGS}),
            words["en"][["indicator"]],
            pd.DataFrame({f"name_{lang}": words[lang]["name"] for lang in LANGS}),
            rest,
        ],
        axis=1,
    )


def sector_summary(indicators: pd.DataFrame, framework: Framework, *, year: int) -> pd.DataFrame:
    """Per indicator over institutions: ``indicator, name_ky, name_ru, name_en, institutions,
    mean, minimum, maximum, below_threshold, flagged`` (names shown with
    ``localized=("name",)``).

    Examples
    --------
    >>> from workbench.indicators.framework import load_framework
    >>> ind = pd.DataFrame({"year": 2026, "level": "institution", "institution": [1, 2],
    ...                     "indicator": "ST1", "estimate": [10.0, 40.0], "flags": ["", ""]})
    >>> sector_summary(ind, load_framework("teacher_education"), year=2026)[
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
                **{f"name_{lang}": getattr(spec.name, lang) for lang in LANGS},
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


#: The scale validation (:func:`scale_table`, 15 columns, wider than a page at 1280 px in ky
#: and ru) as two tables keyed by year, scale and respondent: the reliability, then the model
#: fit, invariance and the decision (:func:`scale_tables`).
SCALE_KEYS = ("year", "scale", "respondent")
SCALE_FIT = ("cfi", "rmsea", "invariance", "invariance_respondents", "status", "problems")


def scale_tables(scales: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`scale_table` as two tables that fit a page 1280 px wide (9 columns each instead
    of 15): the key (:data:`SCALE_KEYS`) with the answers, items and reliability (``n,
    n_items, items_used, alpha, alpha_lower, omega`` and any other column), then the key
    with :data:`SCALE_FIT`. Together they hold every cell of :func:`scale_table`.

    Examples
    --------
    >>> s = pd.DataFrame({"scale": ["trust"], "respondent": ["students"], "n": [900],
    ...                   "alpha": [0.81], "cfi": [0.99], "status": ["used"],
    ...                   "reason": ["ok"], "problems": [""], "year": [2026]})
    >>> reliability, fit = scale_tables(s)
    >>> reliability.columns.tolist(), fit.columns.tolist()
    (['year', 'scale', 'respondent', 'n', 'alpha'], ['year', 'scale', 'respondent', 'cfi', \
'status', 'problems'])
    """
    return split_table(scale_table(scales), SCALE_KEYS, SCALE_FIT)


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


def cohort_table(cohorts: pd.DataFrame) -> pd.DataFrame:
    """The sector's cohorts wide: ``cohort, graduates`` and one column per month."""
    d = cohorts[cohorts["institution"] == 0]
    wide = d.pivot(index="cohort", columns="months", values="employed_teaching")
    wide.columns = [f"employed_{m}m" for m in wide.columns]
    grads = d.groupby("cohort")["graduates"].first()
    return shown(wide.assign(graduates=grads).reset_index())


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
