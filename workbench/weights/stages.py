"""IEA three-stage sampling weights: schools, classes, students, and TOTWGT (stage: weights).

Evidence labels follow ``research/sampling.md`` §0: **[V]** verified in a retrieved source,
**[M]** from memory of the IEA technical reports, not re-verified.

* School base weight ``WGTFAC1 = 1 / probability`` (1 for certainty schools) [M §1.9]; a
  participating replacement takes the base weight from **its own** probability (IEA [M
  §1.4]; PISA gives it the original's, [V §1.4]: ``replacement_weight="original"``).
* School non-response adjustment ``WGTADJ1 = (s + r1 + r2 + nr) / (s + r1 + r2)`` within
  explicit strata (the non-response cells [V]), counting schools; a participating
  replacement counts for its original's slot [M §1.9].
* Class base weight ``WGTFAC2 = C_i / c_i``; adjustment ``WGTADJ2`` = sampled / participating
  classes within the school [M §1.9].
* Student base weight ``WGTFAC3 = 1`` (intact classes); adjustment ``WGTADJ3`` = eligible /
  assessed students within the class [V §1.9]. Within-school excluded students are out of
  the defined population: they count in neither term, so weights are not raised for them.
* ``TOTWGT`` is the product of the six factors; no post-stratification [V §1.9]. ``SENWGT``
  sums to 500 per country, ``HOUWGT`` to the number of assessed students [M §1.9].
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from workbench.weights._checks import as_flag, as_weight, check_columns, check_unique, some
from workbench.weights.adjust import SENATE_TOTAL, adjust_nonresponse, rescale_weights

__all__ = ["school_weights", "class_weights", "student_weights", "final_weights"]

_ROLES = ("sampled", "replacement_1", "replacement_2")


def school_weights(
    schools: pd.DataFrame,
    *,
    participated: str = "participated",
    eligible: str | None = None,
    cell: str = "stratum",
    collapse: Mapping[object, object] | None = None,
    id: str = "school_id",
    probability: str = "probability",
    role: str = "role",
    sampled_school: str = "sampled_school",
    replacement_weight: str = "own",
) -> pd.DataFrame:
    """School base weights and non-response adjustment, one row per participating school.

    Parameters
    ----------
    schools
        The output of :func:`workbench.sampling.select_schools` (sampled and replacement
        rows) with a boolean ``participated`` column; not modified.
    participated
        True for schools that took part (at most one school per sampled school's slot).
    eligible
        Optional boolean column; an ineligible original school (closed, no grade 6) drops
        out with its slot [M].
    cell
        Non-response cell column: the explicit stratum.
    collapse
        ``{cell: merged_cell}`` to collapse cells that have no participating school.
    id, probability, role, sampled_school
        Columns as :func:`~workbench.sampling.select_schools` names them.
    replacement_weight
        ``"own"`` (IEA: 1 / the replacement's probability) or ``"original"`` (PISA).

    Returns
    -------
    pandas.DataFrame
        The participating rows of ``schools`` with ``nr_cell`` (cell after collapsing),
        ``WGTFAC1`` (base weight), ``WGTADJ1`` (adjustment) and ``school_weight``
        (their product).

    Raises
    ------
    KeyError
        A named column is missing.
    ValueError
        Unknown roles, probabilities outside (0, 1], a slot with two participants, or a
        cell with no participating school (collapse it).

    Notes
    -----
    Checked against: sum of base weight x MOS over sampled schools equals the stratum MOS
    total under PPS; the adjustment preserves the number of eligible slots per cell
    (``tests/test_weights.py``).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"school_id": ["a", "b", "b1", "c"], "stratum": "x",
    ...     "role": ["sampled", "sampled", "replacement_1", "sampled"],
    ...     "sampled_school": ["a", "b", "b", "c"], "probability": [0.5, 0.25, 0.2, 1.0],
    ...     "participated": [True, False, True, False]})
    >>> school_weights(s)[["school_id", "WGTFAC1", "WGTADJ1", "school_weight"]]
      school_id  WGTFAC1  WGTADJ1  school_weight
    0         a      2.0      1.5            3.0
    1        b1      5.0      1.5            7.5
    """
    func = "school_weights"
    check_columns(
        schools,
        func,
        id=id,
        participated=participated,
        eligible=eligible,
        cell=cell,
        probability=probability,
        role=role,
        sampled_school=sampled_school,
    )
    if replacement_weight not in ("own", "original"):
        raise ValueError(
            f"{func}: replacement_weight must be 'own' or 'original' "
            f"({replacement_weight!r} given); IEA uses 'own'"
        )
    bad = ~schools[role].isin(_ROLES)
    if bad.any():
        raise ValueError(
            f"{func}: unknown roles {some(schools.loc[bad, role].unique(), 'roles')}"
            f" in column {role!r}; use {list(_ROLES)}"
        )
    prob = as_weight(schools, probability, func, positive=True)
    if (prob > 1 + 1e-12).any():
        raise ValueError(
            f"{func}: probabilities above 1 in column {probability!r} "
            f"({some(schools.loc[prob > 1, id])}); cap them at 1 (certainty)"
        )
    ok = as_flag(schools, participated, func)
    slots = _school_slots(
        schools,
        ok,
        func,
        id=id,
        role=role,
        sampled_school=sampled_school,
        eligible=eligible,
        cell=cell,
    )
    adjusted = adjust_nonresponse(
        slots, weight="one", cell=cell, responded="responded", out="WGTADJ1", collapse=collapse
    )
    out = schools.loc[ok].copy()
    slot = out[sampled_school]
    adj = adjusted.set_index(sampled_school)
    out["nr_cell"] = slot.map(
        adj[cell].map(lambda c: collapse.get(c, c)) if collapse else adj[cell]
    ).to_numpy()
    base = pd.Series(1.0 / prob, index=schools.index)
    if replacement_weight == "original":
        base = schools[sampled_school].map(pd.Series(1.0 / prob, index=schools[id].to_numpy()))
    out["WGTFAC1"] = base[ok].to_numpy(dtype=float)
    out["WGTADJ1"] = slot.map(adj["WGTADJ1"]).to_numpy(dtype=float)
    out["school_weight"] = out["WGTFAC1"] * out["WGTADJ1"]
    return out.reset_index(drop=True)


def class_weights(
    classes: pd.DataFrame,
    *,
    participated: str = "participated",
    id: str = "school_id",
    class_id: str = "class_id",
    n_classes: str = "n_classes",
    n_sampled: str = "n_sampled",
) -> pd.DataFrame:
    """Class base weights and within-school non-response adjustment.

    Parameters
    ----------
    classes
        Every sampled class of the participating schools (the output of
        :func:`workbench.sampling.select_classes`) with a boolean ``participated``.
    participated
        True for classes that took part (IEA: >= 50% of their students assessed [M]).
    id, class_id, n_classes, n_sampled
        School and class IDs, classes in the school and classes sampled there.

    Returns
    -------
    pandas.DataFrame
        The participating classes with ``WGTFAC2`` (= n_classes / n_sampled), ``WGTADJ2``
        (= sampled / participating classes of the school) and ``class_weight``.

    Raises
    ------
    ValueError
        Duplicate classes, n_sampled outside 1..n_classes, or a school with no
        participating class (the school did not participate: mark it in school_weights).

    Notes
    -----
    Checked against: hand figures in ``tests/test_weights.py::test_class_weights*``.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"school_id": ["a", "a", "b"], "class_id": [1, 2, 1],
    ...     "n_classes": [4, 4, 1], "n_sampled": [2, 2, 1], "participated": [True, False, True]})
    >>> class_weights(c)[["school_id", "WGTFAC2", "WGTADJ2", "class_weight"]]
      school_id  WGTFAC2  WGTADJ2  class_weight
    0         a      2.0      2.0           4.0
    1         b      1.0      1.0           1.0
    """
    func = "class_weights"
    check_columns(
        classes,
        func,
        id=id,
        class_id=class_id,
        n_classes=n_classes,
        n_sampled=n_sampled,
        participated=participated,
    )
    check_unique(classes, [id, class_id], func)
    total = as_weight(classes, n_classes, func, positive=True)
    taken = as_weight(classes, n_sampled, func, positive=True)
    if (taken > total).any():
        raise ValueError(
            f"{func}: {n_sampled!r} exceeds {n_classes!r} in schools "
            f"{some(classes.loc[taken > total, id].unique(), 'schools')}; "
            "check the class lists"
        )
    ok = as_flag(classes, participated, func)
    _check_some_respond(classes, ok, id, func, "classes", "school_weights (participated=False)")
    work = classes.assign(_one=1.0, _ok=ok)
    out = adjust_nonresponse(work, weight="_one", cell=id, responded="_ok", out="WGTADJ2")
    out = out.loc[ok].drop(columns=["_one", "_ok"])
    out.insert(len(out.columns) - 1, "WGTFAC2", (total / taken)[ok])
    out["class_weight"] = out["WGTFAC2"] * out["WGTADJ2"]
    return out.reset_index(drop=True)


def student_weights(
    students: pd.DataFrame,
    *,
    assessed: str = "assessed",
    excluded: str | None = None,
    id: str = "school_id",
    class_id: str = "class_id",
) -> pd.DataFrame:
    """Student base weight 1 and non-response adjustment within class.

    Parameters
    ----------
    students
        Every listed student of the participating classes; not modified.
    assessed
        True for students who took the test.
    excluded
        Optional boolean column of within-school exclusions; they are dropped before the
        adjustment (out of the defined population, so no weight is spread to others).
    id, class_id
        School and class IDs (the adjustment cell is the class [V]).

    Returns
    -------
    pandas.DataFrame
        The assessed students with ``WGTFAC3`` (1.0), ``WGTADJ3`` (= eligible / assessed
        in the class) and ``student_weight``.

    Raises
    ------
    ValueError
        An excluded student marked assessed, or a class with no assessed student (the
        class did not participate: mark it in class_weights).

    Notes
    -----
    Checked against: hand figures in ``tests/test_weights.py::test_student_weights*``.

    Examples
    --------
    >>> import pandas as pd
    >>> st = pd.DataFrame({"school_id": "a", "class_id": [1, 1, 1, 1],
    ...     "assessed": [True, True, True, False], "excluded": [False, False, False, True]})
    >>> student_weights(st, excluded="excluded")["WGTADJ3"].tolist()
    [1.0, 1.0, 1.0]
    """
    func = "student_weights"
    check_columns(students, func, id=id, class_id=class_id, assessed=assessed, excluded=excluded)
    ok = as_flag(students, assessed, func)
    data = students
    if excluded is not None:
        out_of = as_flag(students, excluded, func)
        if (ok & out_of).any():
            raise ValueError(
                f"{func}: students both assessed and excluded at rows "
                f"{some(students.index[ok & out_of])}; an excluded student "
                "is not assessed"
            )
        data, ok = students.loc[~out_of], ok[~out_of]
    key = pd.Series(list(zip(data[id], data[class_id], strict=True)), index=data.index)
    _check_some_respond(
        data.assign(_class=key),
        ok,
        "_class",
        func,
        "students",
        "class_weights (participated=False)",
    )
    work = data.assign(_class=key, _one=1.0, _ok=ok)
    out = adjust_nonresponse(work, weight="_one", cell="_class", responded="_ok", out="WGTADJ3")
    out = out.loc[ok].drop(columns=["_class", "_one", "_ok"])
    out.insert(len(out.columns) - 1, "WGTFAC3", 1.0)
    out["student_weight"] = out["WGTFAC3"] * out["WGTADJ3"]
    return out.reset_index(drop=True)


def final_weights(
    schools: pd.DataFrame,
    classes: pd.DataFrame,
    students: pd.DataFrame,
    *,
    id: str = "school_id",
    class_id: str = "class_id",
    senate_total: float = SENATE_TOTAL,
) -> pd.DataFrame:
    """TOTWGT = school x class x student weight, plus SENWGT and HOUWGT, one row per student.

    Parameters
    ----------
    schools, classes, students
        The outputs of :func:`school_weights`, :func:`class_weights` and
        :func:`student_weights`.
    id, class_id
        School and class IDs.
    senate_total
        Sum of SENWGT (IEA: 500 per country [M]).

    Returns
    -------
    pandas.DataFrame
        The student rows with ``WGTFAC1, WGTADJ1, WGTFAC2, WGTADJ2`` joined (plus the
        school's ``stratum``/``nr_cell`` when present), then ``TOTWGT``, ``SENWGT`` and
        ``HOUWGT``.

    Raises
    ------
    ValueError
        Students of a class or school that has no weight (not participating).

    Notes
    -----
    Checked against: with full response, TOTWGT sums by stratum to the frame enrolment in
    expectation (``tests/test_weights.py::test_totwgt*``).

    Examples
    --------
    >>> import pandas as pd
    >>> sch = pd.DataFrame({"school_id": ["a"], "WGTFAC1": [4.0], "WGTADJ1": [1.25]})
    >>> cls = pd.DataFrame({"school_id": ["a"], "class_id": [1], "WGTFAC2": [2.0],
    ...                     "WGTADJ2": [1.0]})
    >>> st = pd.DataFrame({"school_id": "a", "class_id": 1, "WGTFAC3": [1.0, 1.0],
    ...                    "WGTADJ3": [1.5, 1.5]})
    >>> final_weights(sch, cls, st)[["TOTWGT", "SENWGT", "HOUWGT"]]
       TOTWGT  SENWGT  HOUWGT
    0    15.0   250.0     1.0
    1    15.0   250.0     1.0
    """
    func = "final_weights"
    check_columns(schools, func, id=id, WGTFAC1="WGTFAC1", WGTADJ1="WGTADJ1")
    check_columns(classes, func, id=id, class_id=class_id, WGTFAC2="WGTFAC2", WGTADJ2="WGTADJ2")
    check_columns(students, func, id=id, class_id=class_id, WGTFAC3="WGTFAC3", WGTADJ3="WGTADJ3")
    check_unique(schools, [id], func)
    check_unique(classes, [id, class_id], func)
    keep = [id, *(c for c in ("stratum", "nr_cell") if c in schools and c not in students)]
    sch = schools[[*keep, "WGTFAC1", "WGTADJ1"]]
    cls = classes[[id, class_id, "WGTFAC2", "WGTADJ2"]]
    out = students.merge(cls, on=[id, class_id], how="left", validate="many_to_one")
    out = out.merge(sch, on=id, how="left", validate="many_to_one")
    factors = out[["WGTFAC1", "WGTADJ1", "WGTFAC2", "WGTADJ2", "WGTFAC3", "WGTADJ3"]]
    lost = factors.isna().any(axis=1).to_numpy()
    if lost.any():
        keys = out.loc[lost, [id, class_id]].drop_duplicates()
        raise ValueError(
            f"{func}: students in classes or schools with no weight "
            f"{some(keys.itertuples(index=False, name=None), 'classes')}; "
            "drop them or weight their class and school"
        )
    total = factors.to_numpy(dtype=float).prod(axis=1)
    out["TOTWGT"] = total
    out["SENWGT"] = rescale_weights(total, senate_total)
    out["HOUWGT"] = rescale_weights(total, float(len(total)))
    return out


def _school_slots(
    schools: pd.DataFrame,
    ok: np.ndarray,
    func: str,
    *,
    id: str,
    role: str,
    sampled_school: str,
    eligible: str | None,
    cell: str,
) -> pd.DataFrame:
    """One row per eligible sampled school's slot: cell, responded (original or replacement)."""
    part = schools.loc[ok, sampled_school]
    twice = part[part.duplicated()].unique()
    if len(twice):
        raise ValueError(
            f"{func}: more than one participating school for the sampled "
            f"schools {some(twice, 'slots')}; keep one participant per slot"
        )
    original = schools[role].to_numpy() == "sampled"
    if eligible is not None:
        original &= as_flag(schools, eligible, func)
    slots = schools.loc[original, [sampled_school, cell]].copy()
    slots["responded"] = slots[sampled_school].isin(set(part))
    slots["one"] = 1.0
    return slots.reset_index(drop=True)


def _check_some_respond(
    data: pd.DataFrame, ok: np.ndarray, group: str, func: str, units: str, fix: str
) -> None:
    """Raise when a group (school or class) has no responding unit."""
    any_ok = pd.Series(ok, index=data.index).groupby(data[group].to_numpy()).any()
    if not any_ok.all():
        raise ValueError(
            f"{func}: {some(any_ok.index[~any_ok.to_numpy()], 'groups')} have "
            f"no participating {units}; treat them as non-participating in "
            f"{fix} and drop their rows here"
        )
