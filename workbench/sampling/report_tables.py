"""Small tables and numbers the sample-design report shows (``notebooks/10_sample_design.py``),
so that the notebook stays parameters, calls and displays.

Examples
--------
>>> s = pd.DataFrame({"role": ["sampled", "replacement_1", "sampled"],
...                   "certainty": [True, False, False]})
>>> sample_counts(s)
{'sampled': 2, 'replacements': 1, 'certainty': 1}
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

__all__ = [
    "in_percent",
    "sample_counts",
    "absent_columns",
    "two_strata",
    "hajek_estimates",
    "mc_se",
    "language_composition",
    "coverage_shares",
    "evaluation_classes",
    "evaluation_views",
    "EVALUATION_ACCURACY",
    "EVALUATION_COVERAGE",
]

#: The design evaluation (:func:`~workbench.sampling.summarize_simulations`, 15 columns, wider
#: than a page at 1280 px in ky and ru) as two tables: the estimates' accuracy and sample size,
#: then the standard errors and the intervals' coverage. ``empirical_se`` is in both: the
#: second table's ``se_ratio`` is ``mean_se / empirical_se``.
EVALUATION_ACCURACY = (
    "estimator",
    "true_mean",
    "mean_estimate",
    "bias",
    "empirical_se",
    "rmse",
    "deff",
    "n_schools",
    "n_students",
)
EVALUATION_COVERAGE = (
    "estimator",
    "empirical_se",
    "mean_se",
    "se_ratio",
    "coverage",
    "coverage_mc_se",
    "level",
    "reps",
)


def in_percent(table: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """``table`` with shares (0-1) in ``columns`` as percent.

    >>> in_percent(pd.DataFrame({"share": [0.25]}), "share")["share"].tolist()
    [25.0]
    """
    return table.assign(**{c: 100 * table[c] for c in columns})


def sample_counts(sample: pd.DataFrame) -> dict[str, int]:
    """Sampled schools, replacement schools and certainty schools among the sampled."""
    sampled = sample["role"] == "sampled"
    return {
        "sampled": int(sampled.sum()),
        "replacements": int((~sampled).sum()),
        "certainty": int(sample.loc[sampled, "certainty"].sum()),
    }


def absent_columns(frame: pd.DataFrame, columns: Sequence[str]) -> list[str]:
    """The ``columns`` the frame does not have (a real register need not have them).

    >>> absent_columns(pd.DataFrame({"region": []}), ["region", "language"])
    ['language']
    """
    return [c for c in columns if c not in frame.columns]


def two_strata(strata: Sequence[str]) -> list[str]:
    """The two explicit strata of the coverage figures (rows x columns), else ``[]``.

    >>> two_strata(["region", "locality"]), two_strata(["district"])
    (['region', 'locality'], [])
    """
    return list(strata) if len(strata) == 2 else []


def hajek_estimates(simulations: pd.DataFrame) -> pd.DataFrame:
    """The Hájek estimates of the simulated samples and the true mean (for the histogram)."""
    rows = simulations[simulations["estimator"] == "hajek"]
    return rows[["estimate", "true_mean"]].reset_index(drop=True)


def mc_se(reps: int, level: float = 0.95) -> float:
    """Monte Carlo standard error of a coverage rate ``level`` estimated from ``reps`` samples.

    >>> round(mc_se(200), 4)
    0.0154
    """
    return (level * (1 - level) / reps) ** 0.5


def language_composition(population: pd.DataFrame, sampled: pd.DataFrame) -> pd.DataFrame | None:
    """Students by class language in the population and the sampled classes
    (:func:`~workbench.sampling.composition`); ``None`` when the lists give no language."""
    from workbench.sampling.summaries import composition

    if "class_language" not in population or not sampled["class_language"].notna().any():
        return None
    return composition(population, sampled, by="class_language", size="enrol", sample_size="enrol")


def coverage_shares(frame: pd.DataFrame, sampled: pd.DataFrame, by: str) -> pd.DataFrame:
    """Share of students by ``by`` (a frame column) in the population and in the sampled
    classes: :func:`~workbench.sampling.composition` of the frame and the classes."""
    from workbench.sampling.summaries import composition

    with_group = sampled.merge(frame[["school_id", by]], on="school_id")
    return composition(frame, with_group, by=by, size="enrol_g6", sample_size="enrol")


def evaluation_classes(classes: pd.DataFrame | None, frame: pd.DataFrame) -> pd.DataFrame:
    """Classes of the population the design evaluation simulates: the synthetic nation's own
    when the cycle has them (its truth), else classes as planning assumes them from the frame
    (:func:`~workbench.sampling.classes.assumed_classes`)."""
    from workbench.sampling.classes import assumed_classes

    return assumed_classes(frame) if classes is None else classes


def evaluation_views(evaluation: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The design evaluation as two tables that fit a page 1280 px wide (9 and 8 columns
    instead of 15): :data:`EVALUATION_ACCURACY` and :data:`EVALUATION_COVERAGE`, one row per
    estimator each. Together they hold every column of ``evaluation``; a column of neither
    (a newer summary's) goes to the first table, so nothing is left out.

    Examples
    --------
    >>> e = pd.DataFrame({c: [1.0] for c in EVALUATION_ACCURACY + EVALUATION_COVERAGE[2:]})
    >>> accuracy, coverage = evaluation_views(e.assign(estimator="hajek"))
    >>> accuracy.shape[1], coverage.shape[1], coverage.columns[:3].tolist()
    (9, 8, ['estimator', 'empirical_se', 'mean_se'])
    """
    second = [c for c in EVALUATION_COVERAGE if c in evaluation.columns]
    first = [c for c in evaluation.columns if c in EVALUATION_ACCURACY or c not in second]
    first = ["estimator", *(c for c in first if c != "estimator")]
    return (
        evaluation[first].reset_index(drop=True),
        evaluation[second].reset_index(drop=True),
    )
