"""Tables that describe a drawn sample for the sample-design report.

Serves the sample-design stage (``notebooks/10_sample_design.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["sample_summary", "composition", "sampling_fraction", "evaluation_population"]


def sample_summary(
    sample: pd.DataFrame,
    classes: pd.DataFrame,
    *,
    by: str | Sequence[str],
    id: str = "school_id",
    size: str = "enrol",
) -> pd.DataFrame:
    """Schools by role, certainty schools, classes and students per group, with a total row.

    Parameters
    ----------
    sample
        Output of :func:`~workbench.sampling.select_schools` (``role``, ``certainty``).
    classes
        Output of :func:`~workbench.sampling.select_classes`, with the class size ``size``.
    by
        Grouping columns of ``sample`` (e.g. the explicit strata).

    Returns
    -------
    DataFrame
        ``<by>, sampled, replacement_1, replacement_2, certainty_schools, sampled_classes,
        sampled_students``; the last row has ``total`` in the ``by`` columns.

    Examples
    --------
    >>> s = pd.DataFrame({"school_id": ["a", "b", "c"], "region": ["x", "x", "y"],
    ...                   "role": ["sampled", "replacement_1", "sampled"],
    ...                   "certainty": [True, False, False]})
    >>> c = pd.DataFrame({"school_id": ["a", "c"], "enrol": [20, 25]})
    >>> sample_summary(s, c, by="region")["sampled_students"].tolist()
    [20, 25, 45]
    """
    by = [by] if isinstance(by, str) else list(by)
    roles = pd.crosstab([sample[c] for c in by], sample["role"]).reindex(
        columns=["sampled", "replacement_1", "replacement_2"], fill_value=0
    )
    sampled = sample[sample["role"] == "sampled"]
    roles["certainty_schools"] = sampled.groupby(by)["certainty"].sum()
    school_group = sampled.set_index(id)[by]
    joined = classes.join(school_group, on=id)
    roles["sampled_classes"] = joined.groupby(by).size()
    roles["sampled_students"] = joined.groupby(by)[size].sum()
    table = roles.fillna(0).astype(int).reset_index()
    table.columns.name = None
    total = {**{c: "total" for c in by}, **table.drop(columns=by).sum().to_dict()}
    return pd.concat([table, pd.DataFrame([total])], ignore_index=True)


def composition(
    population: pd.DataFrame, sample: pd.DataFrame, *, by: str, size: str, sample_size: str
) -> pd.DataFrame:
    """Share (%) of students by group in the population and in the (unweighted) sample.

    Returns
    -------
    DataFrame
        ``<by>, population, sample, difference`` (percentage points).

    Examples
    --------
    >>> pop = pd.DataFrame({"g": ["a", "b"], "n": [60, 40]})
    >>> smp = pd.DataFrame({"g": ["a", "b"], "n": [5, 5]})
    >>> composition(pop, smp, by="g", size="n", sample_size="n")["difference"].tolist()
    [-10.0, 10.0]
    """
    share_pop = population.groupby(by)[size].sum() / population[size].sum() * 100
    share_smp = sample.groupby(by)[sample_size].sum() / sample[sample_size].sum() * 100
    table = pd.DataFrame({"population": share_pop, "sample": share_smp}).fillna(0.0)
    table["difference"] = table["sample"] - table["population"]
    return table.rename_axis(by).reset_index()


def sampling_fraction(
    frame: pd.DataFrame,
    classes: pd.DataFrame,
    *,
    rows: str,
    columns: str,
    id: str = "school_id",
    size: str = "enrol_g6",
    class_size: str = "enrol",
) -> pd.DataFrame:
    """Students in the sample as a percentage of the frame's students, ``rows`` × ``columns``.

    A grid ("map") of coverage by stratum; cells with no frame students are empty.

    Returns
    -------
    DataFrame
        ``<rows>`` then one column per value of ``columns`` (percent).

    Examples
    --------
    >>> f = pd.DataFrame({"school_id": ["a", "b"], "region": ["x", "x"],
    ...                   "locality": ["urban", "rural"], "enrol_g6": [100, 50]})
    >>> c = pd.DataFrame({"school_id": ["a"], "enrol": [25]})
    >>> sampling_fraction(f, c, rows="region", columns="locality").to_dict("list")
    {'region': ['x'], 'rural': [0.0], 'urban': [25.0]}
    """
    keys = frame.set_index(id)[[rows, columns]]
    sampled = classes.join(keys, on=id).groupby([rows, columns])[class_size].sum()
    total = frame.groupby([rows, columns])[size].sum()
    grid = (100 * sampled.reindex(total.index, fill_value=0) / total).unstack(columns)
    grid.columns.name = None
    return grid.reset_index()


def evaluation_population(
    frame: pd.DataFrame,
    classes: pd.DataFrame,
    students: pd.DataFrame | None = None,
    *,
    icc: float = 0.4,
    seed: int = 0,
    id: str = "school_id",
    class_id: str = "class_id",
    class_size: str = "enrol",
    score: str = "score",
) -> pd.DataFrame:
    """The population a design evaluation draws from: the real one if known, else simulated.

    With ``students`` (the synthetic nation knows every student's score) the students of the
    frame's schools are returned. Without (a real register), each class's students get a score
    ``500 + 100 * (u_school + e)`` with ``var(u) = icc`` and ``var(e) = 1 - icc``, so the
    evaluation shows the design's behaviour under the planning ICC.

    Returns
    -------
    DataFrame
        ``<id>, <class_id>, <score>``, one row per student of the frame's schools.

    Examples
    --------
    >>> f = pd.DataFrame({"school_id": ["a", "b"]})
    >>> c = pd.DataFrame({"school_id": ["a", "b"], "class_id": ["a1", "b1"], "enrol": [3, 2]})
    >>> evaluation_population(f, c, seed=1).shape
    (5, 3)
    """
    if students is not None:
        kept = students[students[id].isin(frame[id])]
        return kept[[id, class_id, score]].reset_index(drop=True)
    rng = np.random.default_rng(seed)
    rows = classes[classes[id].isin(frame[id])]
    rows = rows.loc[rows.index.repeat(rows[class_size])].reset_index(drop=True)
    school_codes, school_index = np.unique(rows[id].to_numpy(), return_inverse=True)
    effect = rng.normal(0.0, np.sqrt(icc), len(school_codes))[school_index]
    values = 500 + 100 * (effect + rng.normal(0.0, np.sqrt(1 - icc), len(rows)))
    return pd.DataFrame({id: rows[id], class_id: rows[class_id], score: values})
