"""First-stage selection of schools: stratified PPS systematic sampling with replacements.

Serves the sample-design stage (``notebooks/10_sample_design.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from workbench.sampling._design import Design, prepare_design, systematic_draws

__all__ = ["select_schools"]

_ROLES = ("sampled", "replacement_1", "replacement_2")


def select_schools(
    frame: pd.DataFrame,
    *,
    n: int,
    strata: str | Sequence[str] = (),
    size: str = "enrol_g6",
    sort_by: str | Sequence[str] = (),
    replacements: int = 2,
    seed: int | np.random.Generator | None = None,
    id: str = "school_id",
    allocation: str | Mapping[str, int] = "proportional",
    minimum: int = 0,
    small_mos: float | None = None,
    small_rule: str = "exclude",
    exclude: Sequence[object] = (),
    exclusion_limit: float = 0.05,
    on_exceed: str = "raise",
) -> pd.DataFrame:
    """Draw a stratified PPS systematic sample of schools with two replacements each.

    1. Schools with ``size == 0`` are dropped (with a warning); schools in ``exclude`` and,
       under ``small_rule="exclude"``, schools with ``size < small_mos`` are excluded. Their
       enrolment must stay within ``exclusion_limit`` (5%) of the total, else ValueError
       (``on_exceed="warn"``: a warning). Under ``small_rule="stratum"`` the small schools
       form one stratum ``"small_schools"`` sampled with equal probabilities.
    2. Explicit strata are the combinations of the ``strata`` columns; ``n`` is allocated
       among them by :func:`allocate` rules (``allocation``, ``minimum``).
    3. Within each stratum the frame is sorted in serpentine order by ``sort_by``
       (implicit stratification); ties keep their frame order.
    4. Probabilities come from :func:`pps_probabilities` (certainty schools iterated out);
       the certainty schools are taken, and the others by systematic sampling on the
       cumulated probabilities with one random start in (0, 1] per stratum.
    5. Replacements, IEA convention: the school just after a sampled school in the sorted
       stratum is its first replacement, the school just before it its second. A neighbour
       that is sampled, already a replacement, or outside the stratum is not used, so that
       slot stays empty (first replacements are assigned before second ones).

    Parameters
    ----------
    frame
        School frame, one row per school.
    n
        Total number of schools to sample.
    strata
        Columns whose combinations are the explicit strata (e.g. region, locality, language).
    size
        Measure of size (MOS), e.g. grade-6 enrolment.
    sort_by
        Implicit stratifiers, outermost first; put ``size`` last to sort by MOS too.
    replacements
        Replacements per sampled school: 0, 1 or 2.
    seed
        Seed or generator; the same seed and frame give the same sample.
    id
        School ID column.
    allocation, minimum
        Allocation rule (``"proportional"``, ``"equal"`` or a mapping) and minimum per stratum.
    small_mos, small_rule
        Very small schools (``size < small_mos``): ``"exclude"`` or a separate ``"stratum"``.
    exclude
        IDs of other excluded schools (counted against the limit).
    exclusion_limit, on_exceed
        Largest share of enrolment excluded at school level; ``"raise"`` or ``"warn"``.

    Returns
    -------
    pandas.DataFrame
        One row per sampled school and per replacement, grouped by sampled school:
        ``id``, the ``strata`` columns, ``stratum``, ``role`` (``"sampled"``,
        ``"replacement_1"``, ``"replacement_2"``), ``sampled_school`` (the ID of the sampled
        school the row belongs to), ``probability`` (the school's own inclusion probability;
        base weight = 1 / probability), ``certainty``, ``sort_order`` (position in the
        sorted frame, from 1) and ``mos``.

    Raises
    ------
    KeyError
        A column named by the parameters is missing.
    ValueError
        Duplicate IDs, missing or negative sizes, infeasible allocation, a stratum with
        fewer schools than its allocation, or exclusions above the limit.

    Notes
    -----
    Checked against: selection frequencies over 4,000 seeded draws equal the probabilities
    (chi-square), probabilities equal R ``sampling::inclusionprobabilities``
    (``tests/test_sampling.py``).

    Examples
    --------
    >>> import pandas as pd
    >>> from workbench.sampling import select_schools
    >>> frame = pd.DataFrame({
    ...     "school_id": [f"s{i:02d}" for i in range(16)],
    ...     "locality": ["urban", "rural"] * 8,
    ...     "enrol_g6": [320, 12, 150, 20, 95, 25, 80, 30, 70, 35, 60, 40, 50, 45, 45, 60]})
    >>> s = select_schools(frame, n=4, strata="locality", size="enrol_g6",
    ...                    sort_by="enrol_g6", seed=3)
    >>> s[["school_id", "stratum", "role", "sampled_school", "probability"]].round(3)
      school_id stratum           role sampled_school  probability
    0       s15   rural        sampled            s15        0.225
    1       s13   rural  replacement_2            s15        0.169
    2       s08   urban        sampled            s08        0.255
    3       s06   urban  replacement_1            s08        0.291
    4       s10   urban  replacement_2            s08        0.218
    5       s02   urban        sampled            s02        0.545
    6       s04   urban  replacement_2            s02        0.345
    7       s00   urban        sampled            s00        1.000

    The largest urban school is a certainty school; ``s02``'s first replacement would be
    ``s00``, which is sampled, so that slot stays empty.
    """
    if replacements not in (0, 1, 2):
        raise ValueError(
            f"select_schools: replacements must be 0, 1 or 2 "
            f"(replacements={replacements!r}); IEA uses 2"
        )
    design = prepare_design(
        frame,
        n=n,
        strata=strata,
        size=size,
        sort_by=sort_by,
        id=id,
        allocation=allocation,
        minimum=minimum,
        small_mos=small_mos,
        small_rule=small_rule,
        exclude=exclude,
        exclusion_limit=exclusion_limit,
        on_exceed=on_exceed,
        func="select_schools",
    )
    rng = np.random.default_rng(seed)
    starts = 1.0 - rng.random((1, len(design.strata)))
    drawn = systematic_draws(design, starts)[0]
    sampled = np.zeros(len(design.schools), dtype=bool)
    sampled[drawn] = True
    sampled |= design.schools["certainty"].to_numpy()
    return _sample_table(design, sampled, replacements)


def _sample_table(design: Design, sampled: np.ndarray, replacements: int) -> pd.DataFrame:
    """Tidy output: sampled schools and their replacements, grouped by sampled school."""
    schools = design.schools
    owner, role = _assign_replacements(schools["h"].to_numpy(), sampled, replacements)
    rows = np.flatnonzero(role >= 0)
    out = schools.iloc[rows][[design.id, *design.strata_columns, "stratum"]].copy()
    out["role"] = np.array(_ROLES, dtype=object)[role[rows]]
    out["sampled_school"] = schools[design.id].to_numpy()[owner[rows]]
    for col in ("probability", "certainty", "sort_order", "mos"):
        out[col] = schools[col].to_numpy()[rows]
    order = np.lexsort([role[rows], owner[rows]])
    return out.iloc[order].reset_index(drop=True)


def _assign_replacements(
    h: np.ndarray, sampled: np.ndarray, replacements: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per sorted row: owning sampled row and role code (0 sampled, 1/2 replacement, -1 none)."""
    size = len(h)
    owner = np.full(size, -1)
    role = np.full(size, -1)
    pos = np.flatnonzero(sampled)
    owner[pos], role[pos] = pos, 0
    for code, step in ((1, 1), (2, -1))[:replacements]:
        cand = pos + step
        ok = (cand >= 0) & (cand < size)
        cand, own = cand[ok], pos[ok]
        ok = (h[cand] == h[own]) & (role[cand] == -1)
        owner[cand[ok]], role[cand[ok]] = own[ok], code
    return owner, role
