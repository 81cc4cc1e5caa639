"""Jackknife zones (JKZONE) and replicate roles (JKREP) from the sample order (stage: weights).

Rules (evidence labels as in ``research/sampling.md`` §0):

* Participating schools are taken in sample order (explicit stratum, then ``sort_order``;
  a replacement sits in its original's place, next to it in the sorted frame) and paired
  consecutively **within explicit strata** [V §1.10]. In each pair one school is
  JKREP = 1 and the other 0: the first of the pair, or at random with ``seed`` [V].
* Odd counts. ``odd="across"`` (default, this module's rule): the leftover last school of
  each odd stratum is paired with the leftover of the next odd stratum, in stratum order
  (a collapsed pair across a stratum boundary: slightly conservative, unbiased for the
  two schools' variance); if the number of leftovers is itself odd, the last one is
  split. ``odd="split"``: every leftover school is split into two quasi-schools (IEA
  [V §1.10: "quasi-schools ... by splitting a school's students"]; this only captures
  within-school variance for that school, so it understates the SE a little).
* Certainty schools are not sampled units: each forms its own zone whose two halves are
  its classes (alternately, when it has two or more) or its students (alternately) [M].
* A split school gets JKREP = <NA> and ``jk_split = True`` here; :func:`assign_zones`
  gives its students JKREP 1/0 by half.
* At most ``max_zones`` (IEA: 75 [V]) zones. With more units (pairs and split schools),
  adjacent units are grouped: unit k of P goes to zone ``floor(k * max_zones / P) + 1``
  [M: "adjacent pairs are grouped into the same zone"], so every zone is used and zones
  hold one or two units. A replicate then doubles every JKREP = 1 unit of its zone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.weights._checks import as_flag, check_columns, check_unique, some

__all__ = ["jackknife_zones", "assign_zones", "MAX_ZONES"]

#: IEA TIMSS/PIRLS use at most 75 jackknife zones [V research/sampling.md §1.10].
MAX_ZONES = 75


def jackknife_zones(
    schools: pd.DataFrame,
    *,
    id: str = "school_id",
    stratum: str = "stratum",
    sort_order: str = "sort_order",
    certainty: str | None = "certainty",
    odd: str = "across",
    max_zones: int = MAX_ZONES,
    seed: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Pair the participating schools into jackknife zones (see the module rules).

    Parameters
    ----------
    schools
        One row per participating school (e.g. from :func:`school_weights`).
    id, stratum, sort_order, certainty
        School ID, explicit stratum, position in the sorted frame, certainty flag (None:
        no certainty schools).
    odd
        ``"across"`` or ``"split"``: what to do with the last school of an odd stratum.
    max_zones
        Largest number of zones (75).
    seed
        None: the first school of each pair gets JKREP = 1; a seed: chosen at random.

    Returns
    -------
    pandas.DataFrame
        One row per school in sample order: ``id``, ``stratum``, ``JKZONE`` (1..),
        ``JKREP`` (Int64: 1, 0, or <NA> for a split school), ``jk_split`` (bool) and
        ``jk_unit`` (``"pair"``, ``"across"``, ``"odd"`` or ``"certainty"``).

    Raises
    ------
    KeyError
        A named column is missing.
    ValueError
        Duplicate schools, unknown ``odd``, ``max_zones < 1`` or an empty table.

    Notes
    -----
    Checked against: hand-built strata (pairs, odd leftovers, > 75 pairs, certainty) and
    the coverage of JK2 95% intervals over 200 samples of the synthetic nation (93.5%)
    (``tests/test_weights_zones.py``).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"school_id": list("abcdefgh"), "stratum": list("xxxyyyyz"),
    ...                   "sort_order": range(1, 9), "certainty": [0, 0, 0, 0, 0, 0, 1, 0]})
    >>> jackknife_zones(s)[["school_id", "JKZONE", "JKREP", "jk_unit"]]
      school_id  JKZONE  JKREP    jk_unit
    0         a       1      1       pair
    1         b       1      0       pair
    2         c       3      1     across
    3         d       2      1       pair
    4         e       2      0       pair
    5         f       3      0     across
    6         g       5   <NA>  certainty
    7         h       4   <NA>        odd

    The leftovers ``c`` (stratum x) and ``f`` (y) pair across strata; ``h``, the last
    leftover, and the certainty school ``g`` are split by :func:`assign_zones`.
    """
    func = "jackknife_zones"
    check_columns(schools, func, id=id, stratum=stratum, sort_order=sort_order, certainty=certainty)
    check_unique(schools, [id], func)
    if odd not in ("across", "split"):
        raise ValueError(f"{func}: odd must be 'across' or 'split' ({odd!r} given)")
    if not (isinstance(max_zones, int | np.integer) and max_zones >= 1):
        raise ValueError(
            f"{func}: max_zones must be a positive integer ({max_zones!r} given); IEA uses 75"
        )
    if schools.empty:
        raise ValueError(f"{func}: no schools given (0 rows); pass the participating schools")
    cert = as_flag(schools, certainty, func) if certainty else np.zeros(len(schools), bool)
    first = schools.groupby(stratum, sort=False)[sort_order].transform("min")
    order = np.lexsort([schools[sort_order].to_numpy(), first.to_numpy()])
    units, kinds = _units(schools[stratum].to_numpy()[order], cert[order], odd)
    zone_of_unit = _group_units(len(units), max_zones)
    rng = None if seed is None else np.random.default_rng(seed)
    zone = np.zeros(len(order), dtype=int)
    rep = pd.array([pd.NA] * len(order), dtype="Int64")
    unit_kind = np.empty(len(order), dtype=object)
    for k, (members, kind) in enumerate(zip(units, kinds, strict=True)):
        zone[members] = zone_of_unit[k]
        unit_kind[members] = kind
        if len(members) == 2:
            flip = bool(rng.integers(2)) if rng is not None else False
            rep[members[0]], rep[members[1]] = (0, 1) if flip else (1, 0)
    out = schools.iloc[order][[id, stratum]].reset_index(drop=True)
    out["JKZONE"] = zone
    out["JKREP"] = rep
    out["jk_split"] = out["JKREP"].isna().to_numpy()
    out["jk_unit"] = unit_kind
    return out


def assign_zones(
    students: pd.DataFrame,
    zones: pd.DataFrame,
    *,
    id: str = "school_id",
    class_id: str = "class_id",
    seed: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Give every student the JKZONE and JKREP of its school, splitting split schools.

    A split school's classes alternate JKREP 1, 0, 1, ... (in class-ID order) when it has
    two or more classes in ``students``; otherwise its students alternate in row order.
    With ``seed``, which half gets JKREP = 1 is random.

    Parameters
    ----------
    students
        One row per student; not modified.
    zones
        The output of :func:`jackknife_zones`.
    id, class_id
        School and class ID columns.
    seed
        None: the first half gets JKREP = 1; a seed: chosen at random per school.

    Returns
    -------
    pandas.DataFrame
        A copy of ``students`` with ``JKZONE`` and ``JKREP`` (int).

    Raises
    ------
    ValueError
        Students whose school has no zone.

    Examples
    --------
    >>> import pandas as pd
    >>> z = pd.DataFrame({"school_id": ["a", "b"], "JKZONE": [1, 2],
    ...                   "JKREP": pd.array([1, pd.NA], dtype="Int64"), "jk_split": [False, True]})
    >>> st = pd.DataFrame({"school_id": ["a", "b", "b", "b"], "class_id": [1, 1, 1, 1]})
    >>> assign_zones(st, z)[["JKZONE", "JKREP"]].values.tolist()
    [[1, 1], [2, 1], [2, 0], [2, 1]]
    """
    func = "assign_zones"
    check_columns(students, func, id=id, class_id=class_id)
    check_columns(zones, func, id=id, JKZONE="JKZONE", JKREP="JKREP", jk_split="jk_split")
    zoned = zones.set_index(id)
    missing = ~students[id].isin(zoned.index)
    if missing.any():
        raise ValueError(
            f"{func}: students of schools without a zone "
            f"{some(students.loc[missing, id].unique(), 'schools')}; run "
            "jackknife_zones on every participating school"
        )
    out = students.copy()
    out["JKZONE"] = students[id].map(zoned["JKZONE"]).to_numpy(dtype=int)
    rep = students[id].map(zoned["JKREP"]).to_numpy(dtype=float, na_value=np.nan)
    split = np.flatnonzero(np.isnan(rep))
    if split.size:
        rep[split] = _halves(students.iloc[split], id, class_id, seed)
    out["JKREP"] = rep.astype(int)
    return out


def _units(strata: np.ndarray, cert: np.ndarray, odd: str) -> tuple[list[np.ndarray], list[str]]:
    """Position lists of the variance units (pairs or split schools), in zone order."""
    units, kinds, leftovers = [], [], []
    pos = np.flatnonzero(~cert)
    bounds = np.flatnonzero(np.r_[True, strata[pos][1:] != strata[pos][:-1], True])
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        members = pos[a:b]
        for j in range(0, len(members) - 1, 2):
            units.append(members[j : j + 2])
            kinds.append("pair")
        if len(members) % 2:
            leftovers.append(members[-1])
    if odd == "across":
        for j in range(0, len(leftovers) - 1, 2):
            units.append(np.array(leftovers[j : j + 2]))
            kinds.append("across")
        leftovers = leftovers[-1:] if len(leftovers) % 2 else []
    units += [np.array([p]) for p in leftovers]
    kinds += ["odd"] * len(leftovers)
    units += [np.array([p]) for p in np.flatnonzero(cert)]
    kinds += ["certainty"] * int(cert.sum())
    return units, kinds


def _group_units(n_units: int, max_zones: int) -> np.ndarray:
    """Zone (1..) of each unit: one zone per unit, or adjacent units grouped."""
    k = np.arange(n_units)
    if n_units <= max_zones:
        return k + 1
    return k * max_zones // n_units + 1


def _halves(
    students: pd.DataFrame, id: str, class_id: str, seed: int | np.random.Generator | None
) -> np.ndarray:
    """JKREP 1/0 for the students of split schools: by class if >= 2 classes, else by student."""
    rng = None if seed is None else np.random.default_rng(seed)
    rep = np.zeros(len(students))
    school = students[id].to_numpy()
    for s in pd.unique(school):
        rows = np.flatnonzero(school == s)
        cls = students[class_id].to_numpy()[rows]
        labels = np.sort(pd.unique(cls)) if len(pd.unique(cls)) >= 2 else None
        if labels is not None:
            half = {c: (i + 1) % 2 for i, c in enumerate(labels)}
            rep[rows] = [half[c] for c in cls]
        else:
            rep[rows] = (np.arange(len(rows)) + 1) % 2
        if rng is not None and rng.integers(2):
            rep[rows] = 1 - rep[rows]
    return rep
