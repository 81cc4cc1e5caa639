"""Input checks for :class:`workbench.survey.RepDesign` (clear errors naming the argument)."""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["check_pvs", "match_replicates", "preview", "weight_matrix"]


def preview(columns: pd.Index, limit: int = 12) -> str:
    names = [str(c) for c in columns]
    more = ", …" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def match_replicates(data: pd.DataFrame, replicates: str | Sequence[str]) -> list[str]:
    if isinstance(replicates, str):
        reps = [c for c in data.columns if fnmatch.fnmatchcase(str(c), replicates)]
        if not reps:
            raise KeyError(
                f"RepDesign: no columns match replicates={replicates!r}. Columns are: "
                f"{preview(data.columns)}"
            )
        return reps
    reps = list(replicates)
    missing = [c for c in reps if c not in data.columns]
    if missing or not reps:
        raise KeyError(
            f"RepDesign: replicate columns {missing} are not in the data (replicates has "
            f"{len(reps)} names). Columns are: {preview(data.columns)}"
        )
    return reps


def check_pvs(data: pd.DataFrame, pvs: dict[str, Sequence[str]] | None) -> dict[str, list[str]]:
    if pvs is None:
        return {}
    out = {str(k): list(v) for k, v in pvs.items()}
    for name, cols in out.items():
        missing = [c for c in cols if c not in data.columns]
        if missing:
            raise KeyError(
                f"RepDesign: plausible values {missing} of scale {name!r} are not in the "
                f"data. Columns are: {preview(data.columns)}"
            )
        if not cols:
            raise ValueError(f"RepDesign: PV scale {name!r} has no columns; list its PVs.")
    lengths = {k: len(v) for k, v in out.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(
            f"RepDesign: PV lists of unequal length ({lengths}); give every scale the same "
            "number of plausible values."
        )
    return out


def weight_matrix(data: pd.DataFrame, cols: list[str]) -> np.ndarray:
    try:
        w = data[cols].to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"RepDesign: weight columns must be numeric (dtypes "
            f"{sorted(set(data[cols].dtypes.astype(str)))}); convert them to numbers."
        ) from err
    bad = [c for c, ok in zip(cols, np.isfinite(w).all(axis=0), strict=True) if not ok]
    if bad:
        raise ValueError(
            f"RepDesign: weight columns {preview(pd.Index(bad))} have missing or infinite "
            "values; set excluded cases' weights to 0 instead."
        )
    if (w < 0).any():
        raise ValueError(
            f"RepDesign: negative weights in {preview(pd.Index(np.array(cols)[(w < 0).any(0)]))}"
            "; weights must be >= 0."
        )
    return np.ascontiguousarray(w)
