"""Which reporting groups each exhibit uses (stage: results), from the cycle's groups.

The demo reports by region, locality, language, school type and sex; a real register may
have districts and no language or locality column. :func:`layout` decides once, from the
cycle's ``groups``, the areas compared with the nation and with each other, the groups of each
figure and which gaps cannot be shown; :func:`left_out_notes` says so in the report. Its
school-level groups are :func:`workbench.scaling.school_groups`, the scaling stage's rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workbench.report import Text, text
from workbench.scaling.groups import school_groups

__all__ = ["Layout", "layout", "left_out_notes"]

#: the gap comparisons that need a group column of their own (the sex gap always runs)
_GAP_COLUMNS = ("locality", "language")


@dataclass(frozen=True)
class Layout:
    """The groups of each exhibit.

    ``area``: compared with the nation and pair by pair (``region``, else the first school
    group); ``others``: the other groups of the distribution figure; ``benchmark_groups``: the
    groups of the benchmark figure (all but school type); ``locality``, ``language``: the gap
    columns (``None``: not a group of the cycle); ``left_out``: those gap columns missing.
    """

    area: str
    others: tuple[str, ...]
    benchmark_groups: tuple[str, ...]
    locality: str | None
    language: str | None
    left_out: tuple[str, ...]


def layout(groups: Sequence[str]) -> Layout:
    """The exhibits' groups for a cycle reporting by ``groups``.

    Raises
    ------
    ValueError
        If no group but sex is named (areas need a school-level group such as ``region``).

    Examples
    --------
    >>> plan = layout(["district", "school_type", "ITSEX"])
    >>> plan.area, plan.others, plan.locality, plan.left_out
    ('district', ('school_type', 'ITSEX'), None, ('locality', 'language'))
    >>> layout(["region", "locality", "language", "school_type", "ITSEX"]).benchmark_groups
    ('region', 'locality', 'language', 'ITSEX')
    """
    schools = school_groups(groups)  # one rule with the scaling stage
    if not schools:
        raise ValueError(
            f"results: the reporting groups {list(groups)} name no school-level group; add "
            "one (region, district, ...) to stages.results.groups in the cycle's parameters."
        )
    area = "region" if "region" in groups else schools[0]
    present = {c: (c if c in groups else None) for c in _GAP_COLUMNS}
    return Layout(
        area=area,
        others=tuple(g for g in groups if g != area),
        benchmark_groups=tuple(g for g in groups if g != "school_type"),
        locality=present["locality"],
        language=present["language"],
        left_out=tuple(c for c in _GAP_COLUMNS if present[c] is None),
    )


def left_out_notes(plan: Layout, *, lang: str) -> list[Text]:
    """One sentence per gap the cycle cannot show (``gaps_no_locality``, ...), for display.

    Examples
    --------
    >>> [t.key for t in left_out_notes(layout(["district", "ITSEX"]), lang="en")]
    ['gaps_no_locality', 'gaps_no_language']
    """
    return [text("results", f"gaps_no_{column}", lang=lang) for column in plan.left_out]
