"""The IEA constructor of :class:`RepDesign` (stage: results & comparative analysis).

The cycle's student analysis file (catalog entry ``student_results``) uses IEA names:
full-sample weight ``TOTWGT``, replicate weights ``RWGT1..RWGT75`` and plausible values
``READ01..READ05``. :func:`iea_arguments` turns such a frame into the arguments of
``RepDesign(...)``, so that nobody re-types weight, replicate or PV names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from ._checks import preview

__all__ = ["IEA_PV_PREFIX", "IEA_WEIGHT", "IEA_REPLICATE_PREFIX", "iea_arguments"]

#: Full-sample weight of an IEA student file.
IEA_WEIGHT = "TOTWGT"
#: Replicate weights are ``RWGT1``, ``RWGT2``, ... (numeric order, not string order).
IEA_REPLICATE_PREFIX = "RWGT"
#: Scale name -> plausible-value column prefix (``READ01``..). Add a scale here to use it.
IEA_PV_PREFIX: dict[str, str] = {"reading": "READ"}

_HINT = (
    "build the design with RepDesign(data, weight=..., replicates=..., pvs=...) for a file "
    "that does not use IEA names"
)


def _numbered(columns: pd.Index, prefix: str) -> list[str]:
    """Columns named ``<prefix><digits>``, sorted by the number (RWGT2 before RWGT10)."""
    pat = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    hits = [(int(m.group(1)), str(c)) for c in columns if (m := pat.match(str(c)))]
    return [c for _, c in sorted(hits)]


def iea_arguments(
    df: pd.DataFrame,
    *,
    scale: str | Sequence[str],
    n_pv: int | None,
) -> dict[str, object]:
    """``weight``, ``replicates`` and ``pvs`` for ``RepDesign`` from an IEA-named frame.

    Raises
    ------
    KeyError
        Naming the first missing IEA column (weight, replicates or PVs) and pointing to
        ``RepDesign(...)``.
    ValueError
        If ``scale`` is unknown or ``n_pv`` asks for more PVs than the file has.
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(
            f"RepDesign.iea: df must be a pandas DataFrame ({type(df).__name__} given); "
            "read the catalog entry student_results first."
        )
    if IEA_WEIGHT not in df.columns:
        raise KeyError(
            f"RepDesign.iea: the IEA weight column {IEA_WEIGHT!r} is not in the data "
            f"(columns: {preview(df.columns)}); {_HINT}."
        )
    reps = _numbered(df.columns, IEA_REPLICATE_PREFIX)
    if not reps:
        raise KeyError(
            f"RepDesign.iea: no IEA replicate weight columns {IEA_REPLICATE_PREFIX}1, "
            f"{IEA_REPLICATE_PREFIX}2, ... in the data (columns: {preview(df.columns)}); "
            f"{_HINT}."
        )
    scales = [scale] if isinstance(scale, str) else list(scale)
    pvs: dict[str, list[str]] = {}
    for name in scales:
        if name not in IEA_PV_PREFIX:
            raise ValueError(
                f"RepDesign.iea: unknown scale ({name!r}); known IEA scales: "
                f"{', '.join(IEA_PV_PREFIX)} (add one to workbench.survey._iea.IEA_PV_PREFIX)."
            )
        prefix = IEA_PV_PREFIX[name]
        cols = _numbered(df.columns, prefix)
        if not cols:
            raise KeyError(
                f"RepDesign.iea: no plausible-value columns {prefix}01, {prefix}02, ... for "
                f"scale {name!r} in the data (columns: {preview(df.columns)}); {_HINT}."
            )
        if n_pv is not None:
            if not 1 <= n_pv <= len(cols):
                raise ValueError(
                    f"RepDesign.iea: n_pv={n_pv} but scale {name!r} has {len(cols)} "
                    f"plausible values ({', '.join(cols)}); pass n_pv between 1 and {len(cols)}."
                )
            cols = cols[:n_pv]
        pvs[name] = cols
    return {"weight": IEA_WEIGHT, "replicates": reps, "pvs": pvs}
