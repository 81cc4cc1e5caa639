"""Participation and exclusion rates with IEA annotations (field-data stage).

Evidence labels follow ``research/sampling.md`` §0: **[V]** verified in a retrieved source,
**[M]** from memory of the IEA technical reports (not re-verified), **[A]** an assumption
of this module (configurable).

* Thresholds 85% schools (before replacement, to be unannotated), 95% classes, 85% students,
  75% combined as the alternative, 50% floor of original schools; annotations ``†`` (met only
  after replacement), ``‡`` (nearly met after replacement), ``≡`` (not met); exclusions at
  most 5% of the target population, coverage notes ``2`` (90-95%) and ``3`` (< 90%) [V §1.7,
  §1.8].
* Weighted school rates use base weight x MOS; before replacement
  ``sum_{orig. participating} BW*MOS / sum_{eligible orig.} BW*MOS``; after replacement the
  participating replacements join the numerator and take their original's place in the
  denominator. Class and student rates are weighted by school x class weights within
  participating schools (the weighted class rate also by eligible students; the unweighted
  class rate counts classes). Overall = school x class x
  student. A class participates when >= 50% of its eligible students were assessed [M §1.5,
  §1.7].
* The "nearly met" (``‡``) thresholds are **[A]**: each threshold lowered by
  ``ParticipationStandards.nearly_margin`` (default 5 points). Take the real ones from the
  PIRLS 2021 international report, Appendix A.5, and set them here.
* Rates are compared unrounded [A]; annotations use the weighted rates [M].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.fielddata.messages import coded, message

__all__ = ["ParticipationStandards", "participation_rates", "annotate_participation", "ROLES"]

ROLES = ("sampled", "replacement_1", "replacement_2")
_RATES = [
    "school_before_replacement",
    "school_after_replacement",
    "class",
    "student",
    "overall_before_replacement",
    "overall_after_replacement",
    "exclusion_within_school",
    "exclusion_total",
]


@dataclass(frozen=True)
class ParticipationStandards:
    """IEA participation thresholds (proportions). See the module docstring for evidence.

    Examples
    --------
    >>> ParticipationStandards().school, ParticipationStandards(nearly_margin=0.1).nearly(0.85)
    (0.85, 0.75)
    """

    school: float = 0.85
    class_: float = 0.95
    student: float = 0.85
    overall: float = 0.75
    floor_original_schools: float = 0.50
    max_exclusion: float = 0.05
    coverage_note_3_above: float = 0.10
    nearly_margin: float = 0.05

    def nearly(self, threshold: float) -> float:
        """The [A] "nearly met" version of a threshold."""
        return round(threshold - self.nearly_margin, 10)


def participation_rates(
    schools: pd.DataFrame,
    classes: pd.DataFrame,
    *,
    by: str | None = None,
    school_exclusion_rate: float = 0.0,
    school: str = "IDSCHOOL",
    cls: str = "IDCLASS",
) -> pd.DataFrame:
    """School, class, student, overall participation and exclusion rates, tidy.

    Parameters
    ----------
    schools
        One row per sampled or replacement school: ``school`` id, ``stratum``, ``role`` (one
        of :data:`ROLES`), ``replaces`` (the sampled school a replacement stands for, empty
        for sampled schools), ``participated`` (bool), ``mos``, ``weight`` (base weight =
        1 / selection probability), optional ``eligible`` (bool, default True).
    classes
        One row per sampled class: ``school``, ``cls``, ``listed``, ``excluded`` (within-school
        exclusions) and ``assessed`` students, optional ``class_weight`` (default 1).
    by
        Optional column of ``schools`` (e.g. ``"stratum"``) to compute rates per group.
    school_exclusion_rate
        Share of the target population excluded at school level (from the frame); total
        exclusion = this + (1 - this) x within-school rate.
    school, cls
        Id column names.

    Returns
    -------
    pandas.DataFrame
        One row per (group x) rate x weighting: ``[by,] rate, weighting, estimate,
        numerator, denominator, n`` where ``rate`` is one of school_before_replacement,
        school_after_replacement, class, student, overall_before_replacement,
        overall_after_replacement, exclusion_within_school, exclusion_total; ``weighting`` is
        ``weighted`` or ``unweighted``; ``n`` counts schools, classes or students in the
        denominator (NaN for products).

    Raises
    ------
    KeyError
        A required column is missing.
    ValueError
        Unknown role, a replacement that does not point at a sampled school, an original and
        its replacement (or both replacements) both marked as participating.

    Notes
    -----
    Evidence: thresholds [V] (sampling.md §1.7-1.8); the weighted-rate formulas, the 50%
    class rule and using the all-school class/student rates in the before-replacement
    overall rate are [M]; ineligible (closed) schools leave every denominator [M].

    Checked against
    ---------------
    Hand-computed example in ``tests/test_fielddata_participation.py`` (no published
    figures reproduced yet).

    Examples
    --------
    >>> schools = pd.DataFrame({"IDSCHOOL": [1, 2, 3], "stratum": "A",
    ...     "role": ["sampled", "sampled", "replacement_1"], "replaces": [None, None, 2],
    ...     "participated": [True, False, True], "mos": 50.0, "weight": 2.0})
    >>> classes = pd.DataFrame({"IDSCHOOL": [1, 3], "IDCLASS": [11, 31],
    ...     "listed": [20, 20], "excluded": [0, 0], "assessed": [18, 20]})
    >>> r = participation_rates(schools, classes)
    >>> r.query("weighting == 'weighted'").set_index("rate")["estimate"].round(3).to_dict()
    ... # doctest: +NORMALIZE_WHITESPACE
    {'school_before_replacement': 0.5, 'school_after_replacement': 1.0, 'class': 1.0,
     'student': 0.95, 'overall_before_replacement': 0.475, 'overall_after_replacement': 0.95,
     'exclusion_within_school': 0.0, 'exclusion_total': 0.0}
    """
    schools = _check_schools(schools, school)
    classes = _check_classes(classes, school, cls)
    if by is None:
        return _rates(schools, classes, school, school_exclusion_rate)
    if by not in schools.columns:
        raise KeyError(
            f"participation_rates: by={by!r} is not a column of schools "
            f"({list(schools.columns)}); pass one of them"
        )
    parts = []
    for key, sub in schools.groupby(by, sort=True):
        sub_classes = classes[classes[school].isin(sub[school])]
        rates = _rates(sub, sub_classes, school, school_exclusion_rate)
        parts.append(rates.assign(**{by: key})[[by, *rates.columns]])
    return pd.concat(parts, ignore_index=True)


def annotate_participation(
    rates: pd.DataFrame, *, standards: ParticipationStandards | None = None
) -> pd.DataFrame:
    """IEA annotation of participation rates: meets, ``†``, ``‡`` or ``≡``, plus coverage note.

    Parameters
    ----------
    rates
        Output of :func:`participation_rates` (weighted rows are used).
    standards
        Thresholds; default :class:`ParticipationStandards`.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``[by,]`` the eight weighted rates as columns, then
        ``annotation`` (``""``, ``"†"``, ``"‡"``, ``"≡"``), ``meets_guidelines`` (bool, True
        only for ``""``), ``rule`` (which rule decided, in words), ``coverage_note``
        (``""``, ``"2"``, ``"3"``), ``exclusion_over_limit`` (bool), and the rule's ``code``
        and ``values`` (:func:`~workbench.fielddata.messages.coded`).

    Examples
    --------
    >>> rates = pd.DataFrame({"rate": _RATES, "weighting": "weighted",
    ...                       "estimate": [0.80, 0.90, 0.97, 0.90, 0.70, 0.79, 0.03, 0.06]})
    >>> a = annotate_participation(rates)
    >>> a[["annotation", "coverage_note"]].values.tolist(), a["rule"][0][:40]
    ([['†', '2']], 'after replacement: school 0.9 >= 0.85, c')
    """
    standards = standards or ParticipationStandards()
    weighted = rates[rates["weighting"] == "weighted"]
    keys = [
        c
        for c in weighted.columns
        if c not in ("rate", "weighting", "estimate", "numerator", "denominator", "n")
    ]
    if keys:
        wide = weighted.pivot_table(
            index=keys, columns="rate", values="estimate", sort=False
        ).reset_index()
    else:
        wide = weighted.set_index("rate")["estimate"].to_frame().T.reset_index(drop=True)
    missing = [r for r in _RATES if r not in wide.columns]
    if missing:
        raise KeyError(
            f"annotate_participation: rates {missing} are missing; pass the "
            "output of participation_rates"
        )
    decided = wide.apply(lambda row: _annotate(row, standards), axis=1, result_type="expand")
    wide = wide[[*keys, *_RATES]].reset_index(drop=True)
    wide.columns.name = None
    return pd.concat([wide, decided.reset_index(drop=True)], axis=1)


# ----------------------------------------------------------------------------- helpers


def _check_schools(schools: pd.DataFrame, school: str) -> pd.DataFrame:
    need = [school, "role", "replaces", "participated", "mos", "weight"]
    _need(schools, need, "schools")
    out = schools.copy()
    if "eligible" not in out.columns:
        out["eligible"] = True
    bad = sorted(set(out["role"]) - set(ROLES))
    if bad:
        raise ValueError(
            f"participation_rates: unknown role(s) {bad} in schools; use {list(ROLES)}"
        )
    out["participated"] = out["participated"].astype(bool)
    out["eligible"] = out["eligible"].astype(bool)
    orig = out[out["role"] == "sampled"]
    repl = out[out["role"] != "sampled"]
    stray = [_id(v) for v in repl.loc[~repl["replaces"].isin(orig[school]), school]]
    if stray:
        raise ValueError(
            f"participation_rates: replacement school(s) {stray[:5]} do not "
            "replace a sampled school in 'replaces'; give the sampled IDSCHOOL"
        )
    part = out[out["participated"]]
    slots = pd.concat([part.loc[part["role"] == "sampled", school], part["replaces"].dropna()])
    twice = sorted({_id(v) for v in slots[slots.duplicated()]})
    if twice:
        raise ValueError(
            f"participation_rates: sampled school(s) {twice[:5]} have more than "
            "one participating school (original or replacements); keep one"
        )
    return out


def _check_classes(classes: pd.DataFrame, school: str, cls: str) -> pd.DataFrame:
    _need(classes, [school, cls, "listed", "excluded", "assessed"], "classes")
    out = classes.copy()
    if "class_weight" not in out.columns:
        out["class_weight"] = 1.0
    eligible = out["listed"] - out["excluded"]
    if (eligible < 0).any() or (out["assessed"] > eligible).any():
        rows = out.index[(eligible < 0) | (out["assessed"] > eligible)].tolist()
        raise ValueError(
            f"participation_rates: classes rows {rows[:5]} have excluded > listed "
            "or assessed > listed - excluded; fix the class counts"
        )
    return out


def _id(value: object) -> object:
    """Ids for messages: whole floats (from a column holding None) shown as ints."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _need(frame: pd.DataFrame, cols: list[str], name: str) -> None:
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise KeyError(
            f"participation_rates: {name} lacks column(s) {missing} (columns: "
            f"{list(frame.columns)}); rename or add them"
        )


def _rates(
    schools: pd.DataFrame, classes: pd.DataFrame, school: str, school_excl: float
) -> pd.DataFrame:
    rows = _school_rates(schools, school)
    part_ids = schools.loc[schools["participated"] & schools["eligible"], school]
    c = classes[classes[school].isin(part_ids)].copy()
    w_school = schools.set_index(school)["weight"]
    c["w"] = c[school].map(w_school).to_numpy() * c["class_weight"]
    c["elig"] = c["listed"] - c["excluded"]
    c["part"] = (c["elig"] > 0) & (c["assessed"] >= 0.5 * c["elig"])
    pc = c["part"]
    rows.append(
        ("class", "weighted", (c["w"] * c["elig"])[pc].sum(), (c["w"] * c["elig"]).sum(), len(c))
    )
    rows.append(("class", "unweighted", float(pc.sum()), float(len(c)), len(c)))
    for weighting, w in (("weighted", c["w"]), ("unweighted", pd.Series(1.0, index=c.index))):
        rows.append(
            (
                "student",
                weighting,
                (w * c["assessed"])[pc].sum(),
                (w * c["elig"])[pc].sum(),
                int(c.loc[pc, "elig"].sum()),
            )
        )
        rows.append(
            (
                "exclusion_within_school",
                weighting,
                (w * c["excluded"]).sum(),
                (w * c["listed"]).sum(),
                int(c["listed"].sum()),
            )
        )
    out = pd.DataFrame(rows, columns=["rate", "weighting", "numerator", "denominator", "n"])
    with np.errstate(invalid="ignore", divide="ignore"):
        out["estimate"] = out["numerator"] / out["denominator"]
    return _add_products(out, school_excl)


def _school_rates(schools: pd.DataFrame, school: str) -> list[tuple]:
    orig = schools[(schools["role"] == "sampled") & schools["eligible"]]
    repl = schools[
        (schools["role"] != "sampled")
        & schools["participated"]
        & schools["replaces"].isin(orig.loc[~orig["participated"], school])
    ]
    unreplaced = orig[~orig["participated"] & ~orig[school].isin(repl["replaces"])]
    rows = []
    for weighting in ("weighted", "unweighted"):

        def size(d: pd.DataFrame, weighting: str = weighting) -> float:
            return float((d["weight"] * d["mos"]).sum()) if weighting == "weighted" else len(d)

        part_o = orig[orig["participated"]]
        rows.append(("school_before_replacement", weighting, size(part_o), size(orig), len(orig)))
        if weighting == "weighted":
            denominator = size(part_o) + size(repl) + size(unreplaced)
        else:
            denominator = len(orig)
        rows.append(
            (
                "school_after_replacement",
                weighting,
                size(part_o) + size(repl),
                denominator,
                len(orig),
            )
        )
    return rows


def _add_products(out: pd.DataFrame, school_excl: float) -> pd.DataFrame:
    est = out.set_index(["rate", "weighting"])["estimate"]
    extra = []
    for weighting in ("weighted", "unweighted"):
        cs = est[("class", weighting)] * est[("student", weighting)]
        for when in ("before_replacement", "after_replacement"):
            extra.append((f"overall_{when}", weighting, est[(f"school_{when}", weighting)] * cs))
        within = est[("exclusion_within_school", weighting)]
        extra.append(("exclusion_total", weighting, school_excl + (1 - school_excl) * within))
    more = pd.DataFrame(extra, columns=["rate", "weighting", "estimate"])
    out = pd.concat([out, more], ignore_index=True)
    out["rate"] = pd.Categorical(out["rate"], categories=_RATES, ordered=True)
    out = out.sort_values(["weighting", "rate"], ascending=[False, True], kind="stable")
    out["rate"] = out["rate"].astype(str)
    return out[["rate", "weighting", "estimate", "numerator", "denominator", "n"]].reset_index(
        drop=True
    )


def _annotate(row: pd.Series, s: ParticipationStandards) -> pd.Series:
    cls_, stu = row["class"], row["student"]

    def meets(when: str, margin: bool = False) -> str | None:
        f = s.nearly if margin else (lambda t: t)
        sch, overall = row[f"school_{when}"], row[f"overall_{when}"]
        rule = "rule_nearly" if margin else f"rule_{when.split('_')[0]}"
        when = when.split("_")[0]
        if sch >= f(s.school) and cls_ >= f(s.class_) and stu >= f(s.student):
            return message(
                rule,
                when=when,
                school=f"{sch:.3g}",
                school_min=f"{f(s.school):g}",
                klass=f"{cls_:.3g}",
                class_min=f"{f(s.class_):g}",
                student=f"{stu:.3g}",
                student_min=f"{f(s.student):g}",
            )
        if overall >= f(s.overall):
            return message(
                f"{rule}_combined",
                when=when,
                overall=f"{overall:.3g}",
                overall_min=f"{f(s.overall):g}",
            )
        return None

    if (rule := meets("before_replacement")) is not None:
        annotation = ""
    elif row["school_before_replacement"] < s.floor_original_schools:
        annotation, rule = (
            "≡",
            message(
                "rule_floor",
                school=f"{row['school_before_replacement']:.3g}",
                floor=f"{s.floor_original_schools:g}",
            ),
        )
    elif (rule := meets("after_replacement")) is not None:
        annotation = "†"
    elif (rule := meets("after_replacement", margin=True)) is not None:
        annotation = "‡"
    else:
        annotation, rule = "≡", message("rule_not_met")
    excl = row["exclusion_total"]
    note = "" if excl <= s.max_exclusion else ("3" if excl > s.coverage_note_3_above else "2")
    return pd.Series(
        {
            "annotation": annotation,
            "meets_guidelines": annotation == "",
            "rule": str(rule),
            "coverage_note": note,
            "exclusion_over_limit": bool(excl > s.max_exclusion),
            "code": coded(rule)[0],
            "values": coded(rule)[1],
        }
    )
