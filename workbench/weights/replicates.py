"""Replicate weights: IEA JK2 (half and full) and PISA-style Fay BRR (stage: weights).

* JK2 [V research/sampling.md §1.10]: for zone z, the JKREP = 1 unit's weight is doubled
  and its partner's set to 0; everyone else keeps TOTWGT. ``full=False`` gives one
  replicate per zone (75; RepDesign ``method="JK2"``), ``full=True`` adds a second set in
  which the JKREP = 0 unit is doubled (150; ``method="JK2-full"``), in the order of
  ILSAstats ``repcreate`` (``cbind(MM, |MM - 2|)``) [C]. Zones beyond those used leave
  the weight unchanged.
* Names: ``RWGT1`` ... ``RWGT75`` (``prefix`` and zero-padding ``pad`` are options, e.g.
  ``prefix="w_fstr", pad=2`` gives the BIFIEsurvey names ``w_fstr01``...); pass
  ``replicates="RWGT*"`` to :class:`workbench.survey.RepDesign`.
* Fay BRR [V §2]: zones are paired variance units; in replicate r the first unit of zone
  k gets factor ``2 - fay`` when ``H[k, r] = +1`` and ``fay`` otherwise, its partner the
  other one; ``H`` is a Hadamard matrix whose first row (all +1) is skipped, as in R
  ``survey::brrweights``. PISA: 80 replicates, fay 0.5 (``method="BRR-Fay"``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.weights._checks import as_weight, check_columns, some

__all__ = ["jk2_replicates", "brr_replicates", "hadamard"]


def jk2_replicates(
    data: pd.DataFrame,
    *,
    weight: str = "TOTWGT",
    zone: str = "JKZONE",
    rep: str = "JKREP",
    zones: int = 75,
    full: bool = False,
    prefix: str = "RWGT",
    pad: int = 0,
) -> pd.DataFrame:
    """IEA JK2 replicate weights from the final weight, JKZONE and JKREP.

    Parameters
    ----------
    data
        One row per student; not modified.
    weight, zone, rep
        Final weight, zone (integers 1..zones) and replicate role (0/1) columns.
    zones
        Number of half replicates (IEA: 75, whatever the number of zones used).
    full
        Add the second half (JKREP = 0 unit doubled): ``2 * zones`` replicates.
    prefix, pad
        Replicate names ``f"{prefix}{r:0{pad}d}"`` for r = 1, 2, ...

    Returns
    -------
    pandas.DataFrame
        A copy of ``data`` with the replicate columns appended.

    Raises
    ------
    KeyError
        A named column is missing.
    ValueError
        Zones outside 1..zones, JKREP other than 0/1, negative weights, or a zone whose
        units are all JKREP 1 (or all 0).

    Notes
    -----
    Checked against: the 75 replicate weights of the TIMSS 2011 file (to its 5-decimal
    rounding) and its published mean 508.31 (se 2.617)
    (``tests/test_weights_replicates.py``).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"TOTWGT": [1.0, 2.0, 3.0, 4.0], "JKZONE": [1, 1, 2, 2],
    ...                    "JKREP": [1, 0, 0, 1]})
    >>> jk2_replicates(df, zones=3).iloc[:, 3:]
       RWGT1  RWGT2  RWGT3
    0    2.0    1.0    1.0
    1    0.0    2.0    2.0
    2    3.0    0.0    3.0
    3    4.0    8.0    4.0
    """
    func = "jk2_replicates"
    check_columns(data, func, weight=weight, zone=zone, rep=rep)
    w = as_weight(data, weight, func)
    z = _integers(data, zone, func, 1, zones, f"use zones 1..{zones}")
    r = _integers(data, rep, func, 0, 1, "JKREP is 0 or 1")
    sides = pd.Series(r).groupby(z).nunique()
    if (sides < 2).any():
        raise ValueError(
            f"{func}: zones {some(sides.index[sides < 2], 'zones')} have units "
            f"on one side only (all {rep}=1 or all 0); each zone needs both"
        )
    rows = np.arange(len(w))
    half = np.repeat(w[:, None], zones, axis=1)
    half[rows, z - 1] = 2.0 * w * r
    blocks = [half]
    if full:
        other = np.repeat(w[:, None], zones, axis=1)
        other[rows, z - 1] = 2.0 * w * (1 - r)
        blocks.append(other)
    return _append(data, np.hstack(blocks), prefix, pad)


def brr_replicates(
    data: pd.DataFrame,
    *,
    weight: str,
    zone: str,
    unit: str,
    replicates: int | None = None,
    fay: float = 0.5,
    hadamard_matrix: np.ndarray | None = None,
    units: tuple[object, object] | None = None,
    prefix: str = "W_FSTR",
    pad: int = 0,
) -> pd.DataFrame:
    """Fay balanced-repeated-replication weights from variance zones and units (PISA style).

    Parameters
    ----------
    data
        One row per student; not modified.
    weight
        Final weight column (PISA: ``W_FSTUWT``).
    zone, unit
        Variance zone (PISA ``WVARSTRR``) and the unit within it (``UNIT``): exactly two
        distinct units per zone; zones in sorted order take rows 2, 3, ... of ``H`` and
        the smaller unit value is the first unit.
    replicates
        Number of replicates = order of ``H`` (default: the smallest order
        :func:`hadamard` builds above the number of zones; PISA: 80).
    fay
        Fay factor k in [0, 1) (PISA: 0.5; 0 is plain BRR).
    hadamard_matrix
        A +-1 (or 0/1, 1 meaning +1) Hadamard matrix to use instead.
    units
        The two unit codes, first unit first (PISA: ``(1, 2)``). Then every value of
        ``unit`` must be one of them and a zone may hold only one (a data extract); by
        default each zone needs exactly two distinct units and the smaller is first.
    prefix, pad
        Replicate names ``f"{prefix}{r:0{pad}d}"``.

    Returns
    -------
    pandas.DataFrame
        A copy of ``data`` with the replicate columns appended.

    Raises
    ------
    ValueError
        A zone without exactly two units, ``fay`` outside [0, 1), too few replicates for
        the zones, or a matrix that is not Hadamard.

    Notes
    -----
    Checked against: R ``survey::brrweights(fay.rho=0.5)`` (fixture
    ``tests/reference/weights``) and the sign pattern of the PISA 2003 replicates
    (``tests/test_weights_replicates.py``).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"w": [10.0, 10, 10, 10], "z": [1, 1, 2, 2], "u": [1, 2, 1, 2]})
    >>> brr_replicates(df, weight="w", zone="z", unit="u").iloc[:, 3:]
       W_FSTR1  W_FSTR2  W_FSTR3  W_FSTR4
    0     15.0      5.0     15.0      5.0
    1      5.0     15.0      5.0     15.0
    2     15.0     15.0      5.0      5.0
    3      5.0      5.0     15.0     15.0
    """
    func = "brr_replicates"
    check_columns(data, func, weight=weight, zone=zone, unit=unit)
    if not 0 <= fay < 1:
        raise ValueError(f"{func}: fay must be in [0, 1) (fay={fay!r}); PISA uses 0.5")
    w = as_weight(data, weight, func)
    zcode, zlabels = pd.factorize(data[zone], sort=True)
    if units is None:
        first = _first_unit(data, zone, unit, zcode, zlabels, func)
    else:
        first = _coded_unit(data, unit, units, func)
    h = _brr_matrix(len(zlabels), replicates, hadamard_matrix, func)
    plus = h[1 + zcode] > 0  # (n, R): the zone's first unit is up in this replicate
    up = np.where(first[:, None], plus, ~plus)
    return _append(data, w[:, None] * np.where(up, 2.0 - fay, fay), prefix, pad)


def hadamard(order: int) -> np.ndarray:
    """A +-1 Hadamard matrix of the given order (first row and column all +1).

    Built as R ``survey::hadamard`` builds it: Sylvester's construction for powers of two;
    otherwise the order is halved while divisible by 8 and, if the base minus 1 is a prime
    p (= 3 mod 4), Paley's construction I of order p + 1 (entry (i, j) of the core is -1
    when (i + j) mod p is 0 or a quadratic residue: R's 0) is doubled back up
    (``[[H, H], [H, -H]]``); else Paley on ``order - 1``. Order 80 = Paley(19) doubled
    twice, the matrix whose rows PISA 2003's replicates use.

    Parameters
    ----------
    order
        Matrix order: 1, 2, or a multiple of 4 that these constructions reach.

    Returns
    -------
    numpy.ndarray
        ``order x order`` array of +1/-1 with ``H @ H.T == order * I``.

    Raises
    ------
    ValueError
        An order the constructions do not reach (e.g. 92); pass your own matrix.

    Notes
    -----
    Checked against: R ``survey::hadamard(79)`` (order 80) and ``hadamard(7)`` (order 8),
    fixture in ``tests/reference/weights``.

    Examples
    --------
    >>> hadamard(4)
    array([[ 1,  1,  1,  1],
           [ 1, -1,  1, -1],
           [ 1,  1, -1, -1],
           [ 1, -1, -1,  1]])
    """
    base, doublings = _hadamard_plan(order)
    if base is None:
        raise ValueError(
            f"hadamard: cannot build a Hadamard matrix of order {order!r} "
            "(Sylvester and Paley I reach powers of 2 and 2^k (p + 1) for "
            "primes p = 3 mod 4); pass hadamard_matrix= yourself"
        )
    h = np.ones((1, 1), dtype=int) if base == 1 else _paley(base - 1)
    for _ in range(doublings):
        h = np.block([[h, h], [h, -h]])
    return h


def _hadamard_plan(order: int) -> tuple[int | None, int]:
    """(base order, Sylvester doublings) as R survey builds it, or (None, 0) if out of reach.

    Powers of two: Sylvester from 1. Otherwise halve while the order is divisible by 8 and
    use Paley on the base if base - 1 is prime, else Paley on ``order - 1`` if prime.
    """
    if order >= 1 and order & (order - 1) == 0:
        return 1, order.bit_length() - 1
    if order < 4 or order % 4:
        return None, 0
    base, doublings = order, 0
    while base % 8 == 0:
        base, doublings = base // 2, doublings + 1
    if _is_prime(base - 1):
        return base, doublings
    if _is_prime(order - 1):
        return order, 0
    return None, 0


def _paley(p: int) -> np.ndarray:
    """Paley construction I as in R survey:::paley, in +-1."""
    residues = {0} | {(i * i) % p for i in range(1, p)}
    core = np.add.outer(np.arange(p), np.arange(p)) % p
    m = np.where(np.isin(core, list(residues)), -1, 1)
    h = np.ones((p + 1, p + 1), dtype=int)
    h[1:, 1:] = m
    return h


def _is_prime(n: int) -> bool:
    return n >= 2 and all(n % d for d in range(2, int(n**0.5) + 1))


def _smallest_order(n_zones: int) -> int:
    order = 4
    while order <= n_zones or _hadamard_plan(order)[0] is None:
        order += 4
    return order


def _brr_matrix(
    n_zones: int, replicates: int | None, given: np.ndarray | None, func: str
) -> np.ndarray:
    if given is not None:
        h = np.asarray(given)
        if set(np.unique(h)) <= {0, 1}:
            h = np.where(h == 1, 1, -1)
        k = h.shape[0]
        if h.ndim != 2 or h.shape[1] != k or not np.array_equal(h @ h.T, k * np.eye(k)):
            raise ValueError(
                f"{func}: hadamard_matrix is not a Hadamard matrix (shape "
                f"{h.shape}); check it or let the function build one"
            )
    else:
        h = hadamard(replicates if replicates is not None else _smallest_order(n_zones))
    if h.shape[0] < n_zones + 1:
        raise ValueError(
            f"{func}: {n_zones} zones need a Hadamard matrix of order above "
            f"{n_zones} (order {h.shape[0]} given); raise replicates"
        )
    return h


def _first_unit(
    data: pd.DataFrame, zone: str, unit: str, zcode: np.ndarray, zlabels: pd.Index, func: str
) -> np.ndarray:
    """True for rows of the first (smaller) unit of their zone."""
    pairs = pd.DataFrame({"z": zcode, "u": data[unit].to_numpy()})
    count = pairs.groupby("z")["u"].nunique()
    if (count != 2).any():
        bad = zlabels[count.index[count != 2]]
        raise ValueError(
            f"{func}: zones {some(bad, 'zones')} of column {zone!r} do not have "
            f"exactly two units in {unit!r}; merge units (PISA triples) or zones"
        )
    smallest = pairs.groupby("z")["u"].transform("min")
    return (pairs["u"] == smallest).to_numpy()


def _coded_unit(
    data: pd.DataFrame, unit: str, units: tuple[object, object], func: str
) -> np.ndarray:
    """True for rows coded as the first unit; other codes than the two raise."""
    if len(units) != 2:
        raise ValueError(
            f"{func}: units must name two codes, first unit first "
            f"({units!r} given); PISA uses (1, 2)"
        )
    values = data[unit]
    bad = ~values.isin(list(units))
    if bad.any():
        raise ValueError(
            f"{func}: column {unit!r} has codes other than {list(units)} "
            f"({some(values[bad].unique(), 'codes')}); recode them (PISA "
            "triples: merge unit 3 into 2)"
        )
    return (values == units[0]).to_numpy()


def _integers(
    data: pd.DataFrame, column: str, func: str, low: int, high: int, fix: str
) -> np.ndarray:
    values = pd.to_numeric(data[column], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values != np.round(values)) | (values < low) | (values > high)
    if bad.any():
        raise ValueError(
            f"{func}: column {column!r} has values outside {low}..{high} "
            f"({some(pd.unique(data[column][bad]), 'values')}); {fix}"
        )
    return values.astype(int)


def _append(data: pd.DataFrame, matrix: np.ndarray, prefix: str, pad: int) -> pd.DataFrame:
    names = [f"{prefix}{r:0{pad}d}" for r in range(1, matrix.shape[1] + 1)]
    clash = [n for n in names if n in data.columns]
    if clash:
        raise ValueError(
            f"replicate columns already in the data ({some(clash, 'columns')}); "
            "drop them first or choose another prefix"
        )
    reps = pd.DataFrame(matrix, index=data.index, columns=names)
    return pd.concat([data, reps], axis=1)
