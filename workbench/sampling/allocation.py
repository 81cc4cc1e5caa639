"""What an allocation costs: the schools a minimum per stratum fixes, the design effect of the
unequal allocation, and the strata too small for replacements (sample-design report).

With a minimum of ``k`` schools per explicit stratum, many small strata take a large part of
the sample whatever their size (57 strata x 2 of 200 schools fixes 114). Students of
over-sampled strata then carry small weights and those of large strata large ones; Kish's
design effect of unequal weighting against the allocation proportional to enrolment (equal
student weights) is ``deff = n * sum_h W_h^2 / n_h`` (``W_h``: the stratum's share of
grade-6 students, ``n_h``: its schools), so the ``n`` schools count as ``n / deff``.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"stratum": ["a", "b", "c"], "n_schools": [90, 4, 3],
...                       "share": [0.9, 0.06, 0.04], "n": [6, 2, 2]})
>>> cost = allocation_cost(table, minimum=2, replacements=2)
>>> cost.fixed, round(cost.deff, 2), cost.short
(6, 1.38, ['c', 'b'])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["AllocationCost", "allocation_cost", "allocation_notes"]


@dataclass(frozen=True)
class AllocationCost:
    """``fixed`` schools reserved by the minimum of ``n`` over ``strata`` strata; ``deff``
    (Kish) of the allocation against proportional; ``short``: strata with fewer schools than
    their sampled schools and ``replacements`` replacements each, the most lacking first.
    """

    n: int
    strata: int
    minimum: int
    fixed: int
    deff: float
    replacements: int
    short: list[str]

    @property
    def fixed_share(self) -> float:
        """Share of the sample the minimum fixes."""
        return self.fixed / self.n if self.n else 0.0

    @property
    def n_effective(self) -> float:
        """Schools the sample is worth once the allocation's design effect is paid."""
        return self.n / self.deff


def allocation_cost(
    allocated: pd.DataFrame, *, minimum: int, replacements: int = 2
) -> AllocationCost:
    """The cost of an allocation table (:func:`~workbench.sampling.allocate`: ``stratum``,
    ``n_schools``, ``share`` of enrolment, ``n``).

    Strata given no school are left out of the design effect (their shares renormalized):
    they are a coverage problem, not a weighting one.

    Notes
    -----
    Checked against: Kish's ``n sum w^2 / (sum w)^2`` over student-level weights built in
    ``tests/test_register.py::test_allocation_design_effect_equals_kish_on_student_weights``.
    """
    count = allocated["n_schools"].to_numpy(dtype=int)
    n_h = allocated["n"].to_numpy(dtype=float)
    n = int(n_h.sum())
    taken = n_h > 0
    weight = allocated["share"].to_numpy(dtype=float)[taken]
    weight = weight / weight.sum() if weight.sum() else weight
    deff = float(n * np.sum(weight**2 / n_h[taken])) if n else 1.0
    need = n_h * (1 + replacements)
    lacking = np.flatnonzero((count < need) & taken)
    order = lacking[np.argsort(count[lacking] - need[lacking], kind="stable")]
    short = [str(s) for s in allocated["stratum"].to_numpy()[order]]
    return AllocationCost(
        n=n,
        strata=len(allocated),
        minimum=int(minimum),
        fixed=int(np.minimum(minimum, count).sum()),
        deff=deff,
        replacements=int(replacements),
        short=short,
    )


def allocation_notes(
    cost: AllocationCost, *, share: float = 0.5, lang: str = "en", shown: int = 12
) -> list:
    """Warnings of the sample-design report as :func:`workbench.report.text` paragraphs
    (``sample_design`` texts; numbers and stratum codes are formatted per report language):
    ``allocation_warning`` when the minimum fixes more than ``share`` of the sample,
    ``replacements_short`` naming the strata too small for their replacements (the first
    ``shown``). A notebook shows them with ``display(*notes)``.

    Examples
    --------
    >>> cost = AllocationCost(n=200, strata=57, minimum=2, fixed=114, deff=1.434,
    ...                       replacements=2, short=[])
    >>> print(allocation_notes(cost, lang="en")[0].data[:59])
    **Warning:** the minimum of 2 schools per stratum fixes 114
    """
    from workbench.report import term, text

    notes = []
    if cost.fixed_share > share:
        notes.append(
            text(
                "sample_design",
                "allocation_warning",
                lang=lang,
                minimum=cost.minimum,
                fixed=cost.fixed,
                n=cost.n,
                strata=cost.strata,
                share=100 * cost.fixed_share,
                deff=cost.deff,
                n_eff=cost.n_effective,
            )
        )
    if cost.short:
        more = f" … (+{len(cost.short) - shown})" if len(cost.short) > shown else ""
        notes.append(
            text(
                "sample_design",
                "replacements_short",
                lang=lang,
                replacements=cost.replacements,
                need=1 + cost.replacements,
                count=len(cost.short),
                strata=term(*cost.short[:shown]),
                more=more,
            )
        )
    return notes
