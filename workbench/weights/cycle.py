"""A cycle's weights from its field data: the glue between the tracking forms and the
weighting steps (stage ``30_weights``).

:func:`cycle_weights` takes the drawn sample, the three tracking forms and the frame, and
returns every assessed student's final weight with its jackknife zone and replicate weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.weights.adjust import trim_weights
from workbench.weights.replicates import jk2_replicates
from workbench.weights.stages import class_weights, final_weights, school_weights, student_weights
from workbench.weights.zones import assign_zones, jackknife_zones

__all__ = ["CycleWeights", "cycle_weights", "weighting_inputs", "reconcile_weights", "CLASS_RULE"]

#: IEA: a class took part when at least half of its eligible students were assessed [M]
CLASS_RULE = 0.5
_IDS = {"id": "IDSCHOOL", "class_id": "IDCLASS"}


@dataclass(frozen=True)
class CycleWeights:
    """``students``: one row per assessed student (IDs, factors, TOTWGT, SENWGT, HOUWGT,
    JKZONE, JKREP, replicates); ``schools``: participating schools with their factors;
    ``classes``: participating classes; ``zones``: the jackknife zone of every school."""

    students: pd.DataFrame
    schools: pd.DataFrame
    classes: pd.DataFrame
    zones: pd.DataFrame


def weighting_inputs(
    sample: pd.DataFrame,
    school_tracking: pd.DataFrame,
    class_tracking: pd.DataFrame,
    student_tracking: pd.DataFrame,
    frame: pd.DataFrame,
    *,
    listed: pd.DataFrame | None = None,
    n_classes: str = "n_classes_g6",
):
    """The school, class and student tables the weighting steps take, from the field forms.

    A school's number of grade-6 classes comes from its returned class list (``listed``: the
    sample design's ``sample_classes``, ``IDSCHOOL, n_classes``), else from the frame's
    ``n_classes`` column when the register has one, else it is the number of classes tracked;
    ``n_classes_from`` says which (``class_list``, ``register``, ``tracked``).

    Returns
    -------
    tuple of DataFrame
        schools (the sample with ``participated`` and ``slot``, the IDSCHOOL of the sampled
        school whose place it takes), classes (``IDSCHOOL, IDCLASS, n_classes, n_sampled,
        n_classes_from, participated``), students (``IDSCHOOL, IDCLASS, IDSTUD, assessed,
        excluded``).

    Examples
    --------
    >>> sample = pd.DataFrame({"IDSCHOOL": [1, 2], "school_id": ["a", "b"],
    ...                        "role": "sampled", "REPLACES": 0})
    >>> schools = pd.DataFrame({"IDSCHOOL": [1, 2], "PARTICIP": [1, 1]})
    >>> classes = pd.DataFrame({"IDSCHOOL": [1, 2], "IDCLASS": [101, 201], "N_LISTED": 20,
    ...                         "N_EXCLUDED": 0, "N_ASSESSED": 18})
    >>> students = pd.DataFrame({"IDSCHOOL": [1], "IDCLASS": [101], "PARTICIP": [1]})
    >>> listed = pd.DataFrame({"IDSCHOOL": [1], "n_classes": [3]})
    >>> _, c, _ = weighting_inputs(sample, schools, classes, students,
    ...                            pd.DataFrame({"school_id": ["a", "b"]}), listed=listed)
    >>> c[["n_classes", "n_classes_from"]].values.tolist()
    [[3, 'class_list'], [1, 'tracked']]
    """
    status = school_tracking.set_index("IDSCHOOL")["PARTICIP"].astype(int)
    schools = sample.assign(
        participated=sample["IDSCHOOL"].map(status).eq(1).to_numpy(),
        slot=sample["IDSCHOOL"].where(sample["role"] == "sampled", sample["REPLACES"]),
    )
    school = class_tracking["IDSCHOOL"]
    from_list = _per_school(listed, "n_classes", school)
    from_register = pd.Series(float("nan"), index=school.index)
    if n_classes in frame.columns:
        counts = pd.to_numeric(frame.set_index("school_id")[n_classes], errors="coerce")
        register_id = schools.set_index("IDSCHOOL")["school_id"]
        from_register = school.map(register_id).map(counts).astype(float)
    classes = class_tracking.assign(
        n_sampled=class_tracking.groupby("IDSCHOOL")["IDCLASS"].transform("size"),
        n_classes_from=np.select(
            [from_list.notna(), from_register.notna()], ["class_list", "register"], "tracked"
        ),
        participated=class_tracking["N_ASSESSED"]
        >= CLASS_RULE * (class_tracking["N_LISTED"] - class_tracking["N_EXCLUDED"]),
    )
    known = from_list.fillna(from_register)
    classes["n_classes"] = known.where(known >= classes["n_sampled"], classes["n_sampled"])
    classes["n_classes"] = classes["n_classes"].astype(int)
    code = student_tracking["PARTICIP"].astype(int)
    students = student_tracking.assign(assessed=code.eq(1), excluded=code.eq(3))
    return schools, classes, students


def cycle_weights(
    sample: pd.DataFrame,
    school_tracking: pd.DataFrame,
    class_tracking: pd.DataFrame,
    student_tracking: pd.DataFrame,
    frame: pd.DataFrame,
    *,
    listed: pd.DataFrame | None = None,
    trim: float | None = None,
    odd: str = "across",
    replicates: int = 75,
    prefix: str = "RWGT",
) -> CycleWeights:
    """Final and replicate weights of every assessed student of a cycle.

    Parameters
    ----------
    sample
        The drawn sample (sample-design stage) with ``IDSCHOOL`` and ``REPLACES``.
    school_tracking, class_tracking, student_tracking
        The verified tracking forms (field-data stage).
    frame
        The sampling frame (its ``n_classes_g6``, when the register has it, is used for
        schools without a returned class list).
    listed
        The sample design's ``sample_classes``: each school's classes from its class list.
    trim
        Cap TOTWGT at ``trim`` times the stratum median (None: no trimming).
    odd, replicates, prefix
        Jackknife options: odd-stratum rule, number of JK2 replicates, replicate prefix.

    Returns
    -------
    CycleWeights
        Students, schools, classes and zones.

    Examples
    --------
    See ``notebooks/30_weights.py`` and ``tests/test_weights_cycle.py``.
    """
    schools, classes, students = weighting_inputs(
        sample, school_tracking, class_tracking, student_tracking, frame, listed=listed
    )
    by_school = school_weights(schools, id="IDSCHOOL", sampled_school="slot")
    taking_part = classes[classes["IDSCHOOL"].isin(by_school["IDSCHOOL"])]
    by_class = class_weights(taking_part, **_IDS)
    listed = students[students["IDCLASS"].isin(by_class["IDCLASS"])]
    by_student = student_weights(listed, assessed="assessed", excluded="excluded", **_IDS)
    weights = final_weights(by_school, by_class, by_student, **_IDS)
    if trim:
        weights = trim_weights(weights, weight="TOTWGT", by="stratum", k=trim, out="TOTWGT")
    zones = jackknife_zones(by_school, id="IDSCHOOL", odd=odd)
    weights = assign_zones(weights, zones, **_IDS)
    weights = jk2_replicates(weights, zones=replicates, prefix=prefix)
    return CycleWeights(students=weights, schools=by_school, classes=by_class, zones=zones)


def reconcile_weights(
    reconciliation: pd.DataFrame,
    weights: CycleWeights,
    school_tracking: pd.DataFrame,
    class_tracking: pd.DataFrame,
    student_tracking: pd.DataFrame,
    scored: pd.DataFrame,
) -> pd.DataFrame:
    """Append the ``weighted`` step to the field-data reconciliation, with reasons.

    Parameters
    ----------
    reconciliation
        The field-data stage's table (:func:`workbench.fielddata.reconcile_intake`).
    weights
        :func:`cycle_weights` output.
    school_tracking, class_tracking, student_tracking
        The verified tracking forms (de-identified).
    scored
        Scored responses (``IDSTUD``): the students with an accepted booklet.

    Returns
    -------
    DataFrame
        The table with ``weighted`` rows for schools, classes and students: who lost their
        weight and why (school or class not taking part, class below the 50 % rule, class
        missing from the class tracking form), and assessed students weighted without a
        booklet (``weighted_without_booklet``).
    """
    from workbench.fielddata.reconciliation import add_step

    st = student_tracking
    assessed = st.loc[st["PARTICIP"].astype(int) == 1]
    before = assessed.loc[assessed["IDSTUD"].isin(scored["IDSTUD"]), "IDSTUD"]
    part = school_tracking.loc[school_tracking["PARTICIP"].astype(int) == 1, "IDSCHOOL"]
    tracked_classes = set(class_tracking["IDCLASS"])
    weighted_classes = set(weights.classes["IDCLASS"])
    why = pd.Series("unexplained", index=assessed.index, dtype=object)
    why[~assessed["IDSCHOOL"].isin(part)] = "school_not_participating"
    why[assessed["IDSCHOOL"].isin(part) & ~assessed["IDCLASS"].isin(tracked_classes)] = (
        "class_not_tracked"
    )
    why[assessed["IDCLASS"].isin(tracked_classes) & ~assessed["IDCLASS"].isin(weighted_classes)] = (
        "class_below_half_assessed"
    )
    reasons = dict(zip(assessed["IDSTUD"], why, strict=True))
    out = add_step(
        reconciliation,
        level="student",
        step="weighted",
        before=before,
        after=weights.students["IDSTUD"],
        reasons=reasons,
        added="weighted_without_booklet",
    )
    ct = class_tracking
    in_part = ct[ct["IDSCHOOL"].isin(part) & (ct["N_ASSESSED"].fillna(0) > 0)]
    out = add_step(
        out,
        level="class",
        step="weighted",
        before=in_part["IDCLASS"],
        after=weights.classes["IDCLASS"],
        reasons=dict.fromkeys(in_part["IDCLASS"], "class_below_half_assessed"),
    )
    return add_step(
        out,
        level="school",
        step="weighted",
        before=part,
        after=weights.schools["IDSCHOOL"],
        reasons=dict.fromkeys(part, "no_class_weighted"),
    )


def _per_school(table: pd.DataFrame | None, column: str, school: pd.Series) -> pd.Series:
    """``table[column]`` of each school in ``school`` (NaN where the table has no row)."""
    if table is None or table.empty:
        return pd.Series(float("nan"), index=school.index)
    values = table.groupby("IDSCHOOL")[column].first()
    return school.map(values).astype(float)
