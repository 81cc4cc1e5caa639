"""Tables of the weighting report (stage ``30_weights``): weight distributions, adjustment
factors and the check that weights add up to the frame."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "weight_summary",
    "adjustment_summary",
    "totals_check",
    "share_check",
    "with_region",
    "with_frame_column",
    "class_count_sources",
    "zone_units",
    "reconciliation_changes",
]


def weight_summary(
    students: pd.DataFrame, *, by: str | None = None, weight: str = "TOTWGT"
) -> pd.DataFrame:
    """Distribution of a weight: N, sum, min, median, max, CV and Kish's weighting effect.

    Returns
    -------
    DataFrame
        ``[by,] n, sum_weights, min, median, max, cv, weighting_effect`` (1 + CV², the
        design effect due to unequal weights), a ``total`` row last when ``by`` is given.

    Examples
    --------
    >>> t = weight_summary(pd.DataFrame({"TOTWGT": [1.0, 1.0, 2.0, 4.0]}))
    >>> float(t["sum_weights"].iloc[0]), round(float(t["weighting_effect"].iloc[0]), 4)
    (8.0, 1.375)
    """
    groups = (
        [("total", students)]
        if by is None
        else [*students.groupby(by, sort=True), ("total", students)]
    )
    rows = [
        _describe(part[weight].to_numpy(float)) | ({by: key} if by else {}) for key, part in groups
    ]
    columns = ([by] if by else []) + [
        "n",
        "sum_weights",
        "min",
        "median",
        "max",
        "cv",
        "weighting_effect",
    ]
    return pd.DataFrame(rows)[columns]


def adjustment_summary(students: pd.DataFrame, *, by: str = "stratum") -> pd.DataFrame:
    """Mean base weights and non-response adjustment factors of the three stages, by group.

    Returns
    -------
    DataFrame
        ``<by>, schools, WGTFAC1, WGTADJ1, WGTFAC2, WGTADJ2, WGTADJ3`` (unweighted means over
        students; ``schools``: participating schools).
    """
    factors = ["WGTFAC1", "WGTADJ1", "WGTFAC2", "WGTADJ2", "WGTADJ3"]
    table = students.groupby(by)[factors].mean()
    table.insert(0, "schools", students.groupby(by)["IDSCHOOL"].nunique())
    return table.reset_index()


def totals_check(
    students: pd.DataFrame,
    frame: pd.DataFrame,
    *,
    by: str = "stratum",
    frame_by: list[str] | None = None,
    weight: str = "TOTWGT",
    size: str = "enrol_g6",
) -> pd.DataFrame:
    """Sum of weights against the frame's grade-6 enrolment, by group.

    Parameters
    ----------
    frame_by
        Frame columns whose values joined by ``/`` give the group (the explicit strata,
        e.g. ``["region", "locality"]``; ``[]``: one stratum, ``all``); default ``[by]``.

    Returns
    -------
    DataFrame
        ``<by>, frame_students, sum_weights, ratio`` and a ``total`` row.

    Examples
    --------
    >>> s = pd.DataFrame({"stratum": ["a", "a"], "TOTWGT": [40.0, 50.0]})
    >>> f = pd.DataFrame({"stratum": ["a"], "enrol_g6": [100]})
    >>> totals_check(s, f)["ratio"].tolist()
    [0.9, 0.9]
    """
    from workbench.sampling.strata import stratum_labels

    keys = stratum_labels(frame, [by] if frame_by is None else frame_by)
    table = pd.DataFrame(
        {
            "frame_students": frame.groupby(keys)[size].sum(),
            "sum_weights": students.groupby(by)[weight].sum(),
        }
    ).fillna(0.0)
    table.loc["total"] = table.sum()
    table["ratio"] = table["sum_weights"] / table["frame_students"]
    return table.rename_axis(by).reset_index()


def share_check(
    percent: pd.DataFrame, frame: pd.DataFrame, *, by: str, size: str = "enrol_g6"
) -> pd.DataFrame:
    """Weighted percentages (``RepDesign.percent`` output) against the frame's known shares.

    Returns
    -------
    DataFrame
        ``<by>, estimate, se, n, population, difference, z, covered`` (``covered``: the
        population share lies in the estimate's 95 % interval).

    Examples
    --------
    >>> est = pd.DataFrame({"category": ["a", "b"], "estimate": [61.0, 39.0],
    ...                     "se": [1.0, 1.0], "n": [100, 100]})
    >>> f = pd.DataFrame({"region": ["a", "b"], "enrol_g6": [60, 40]})
    >>> share_check(est, f, by="region")["covered"].tolist()
    [True, True]
    """
    population = 100 * frame.groupby(by)[size].sum() / frame[size].sum()
    table = percent.rename(columns={"category": by})[[by, "estimate", "se", "n"]].copy()
    table["population"] = table[by].map(population).to_numpy(float)
    table["difference"] = table["estimate"] - table["population"]
    table["z"] = table["difference"] / table["se"]
    table["covered"] = table["z"].abs() <= 1.959964
    return table


def _describe(w: np.ndarray) -> dict:
    cv = w.std(ddof=0) / w.mean()
    return {
        "n": len(w),
        "sum_weights": w.sum(),
        "min": w.min(),
        "median": np.median(w),
        "max": w.max(),
        "cv": cv,
        "weighting_effect": 1 + cv**2,
    }


def with_region(students: pd.DataFrame, school_tracking: pd.DataFrame) -> pd.DataFrame:
    """The weighted students with their school's ``REGION`` (school tracking form).

    Examples
    --------
    >>> s = pd.DataFrame({"IDSCHOOL": [1, 2], "TOTWGT": [1.0, 2.0]})
    >>> with_region(s, pd.DataFrame({"IDSCHOOL": [1, 2], "REGION": ["chui", "talas"]}))[
    ...     "REGION"].tolist()
    ['chui', 'talas']
    """
    return students.merge(school_tracking[["IDSCHOOL", "REGION"]], on="IDSCHOOL")


def with_frame_column(
    students: pd.DataFrame, sample: pd.DataFrame, frame: pd.DataFrame, column: str
) -> pd.DataFrame:
    """The weighted students with a register column of their school (``IDSCHOOL`` ->
    ``school_id`` by the sample, then the frame).

    Examples
    --------
    >>> s = pd.DataFrame({"IDSCHOOL": [10], "TOTWGT": [1.0]})
    >>> sample = pd.DataFrame({"IDSCHOOL": [10], "school_id": ["007"]})
    >>> with_frame_column(s, sample, pd.DataFrame({"school_id": ["007"], "Район": ["Ала"]}),
    ...                   "Район")["Район"].tolist()
    ['Ала']
    """
    school = students["IDSCHOOL"].map(sample.set_index("IDSCHOOL")["school_id"])
    return students.assign(**{column: school.map(frame.set_index("school_id")[column])})


def class_count_sources(classes: pd.DataFrame) -> dict[str, int]:
    """Schools by where their number of classes came from (``n_classes_from`` of
    :func:`workbench.weights.weighting_inputs`): ``class_list``, ``register``, ``tracked``.

    Examples
    --------
    >>> class_count_sources(pd.DataFrame({"IDSCHOOL": [1, 1, 2],
    ...                                   "n_classes_from": ["class_list"] * 2 + ["tracked"]}))
    {'class_list': 1, 'register': 0, 'tracked': 1}
    """
    per_school = classes.groupby("IDSCHOOL")["n_classes_from"].first()
    return {k: int((per_school == k).sum()) for k in ("class_list", "register", "tracked")}


def zone_units(zones: pd.DataFrame) -> pd.DataFrame:
    """How many schools each kind of jackknife unit holds: ``jk_unit, schools``.

    Examples
    --------
    >>> zone_units(pd.DataFrame({"jk_unit": ["pair", "pair", "odd"]})).values.tolist()
    [['pair', 2], ['odd', 1]]
    """
    return zones["jk_unit"].value_counts().rename_axis("jk_unit").rename("schools").reset_index()


def reconciliation_changes(reconciliation: pd.DataFrame) -> pd.DataFrame:
    """The rows of a reconciliation table that drop or add units (``change != "kept"``)."""
    return reconciliation[reconciliation["change"] != "kept"].reset_index(drop=True)
