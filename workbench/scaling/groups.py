"""The cycle's reporting groups in the scaling stage: which enter the population model
directly, which table comes first (and carries the trend), which follow.

The student's sex (``ITSEX``) is a student-level group; the others (``region``, ``locality``,
``language``, ``school_type`` or a real cycle's own names) are school-level groups.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["school_groups", "direct_groups", "first_group", "other_groups", "mean_tables"]

#: the student-level group (IEA name of the student's sex)
STUDENT_GROUP = "ITSEX"
#: a school-level group described in tables but not entered in the population model
NOT_CONDITIONED = ("school_type",)


def school_groups(groups: Sequence[str]) -> list[str]:
    """The school-level groups, in the cycle's order.

    Examples
    --------
    >>> school_groups(["region", "ITSEX", "locality"])
    ['region', 'locality']
    """
    return [g for g in groups if g != STUDENT_GROUP]


def direct_groups(groups: Sequence[str]) -> list[str]:
    """The groups entered as dummies in the population model: the student's sex and every
    school-level group but the school type (so their PV means and gaps are unbiased).

    Examples
    --------
    >>> direct_groups(["region", "locality", "school_type", "ITSEX"])
    ['ITSEX', 'region', 'locality']
    """
    return [STUDENT_GROUP, *(g for g in school_groups(groups) if g not in NOT_CONDITIONED)]


def first_group(groups: Sequence[str]) -> str:
    """The group of the first table and of the trend: ``locality`` when the cycle has it,
    else its first school-level group.

    Examples
    --------
    >>> first_group(["region", "locality"]), first_group(["district", "ITSEX"])
    ('locality', 'district')
    """
    return "locality" if "locality" in groups else school_groups(groups)[0]


def other_groups(groups: Sequence[str]) -> list[str]:
    """The school-level groups shown after the first, the school type left out.

    Examples
    --------
    >>> other_groups(["region", "locality", "language", "school_type", "ITSEX"])
    ['region', 'language']
    """
    first = first_group(groups)
    return [g for g in school_groups(groups) if g != first and g not in NOT_CONDITIONED]


def mean_tables(
    design, by: Sequence[str], *, variable: str, lang: str, suppress_below: int | None = None
) -> list:
    """One report table of the mean of ``variable`` per group variable in ``by``
    (``wb.report.table`` of ``design.mean(variable, by=...)``, SEs with 2 decimals)."""
    from workbench.report import table

    return [
        table(
            design.mean(variable, by=column),
            lang=lang,
            digits={"se": 2},
            suppress_below=suppress_below,
        )
        for column in by
    ]
