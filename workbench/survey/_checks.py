"""Input checks for :class:`workbench.survey.RepDesign` (clear errors naming the argument)."""

from __future__ import annotations

import fnmatch
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._weights import Weights

__all__ = [
    "check_pvs",
    "match_replicates",
    "preview",
    "read_weights",
    "warn_single_cases",
]


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


def read_weights(data: pd.DataFrame, cols: list[str]) -> Weights:
    """The weight columns read in place (no copy of float64 columns), checked: numeric,
    finite, non-negative, and no replicate constant while the full-sample weight varies."""
    try:
        weights = Weights.from_frame(data, cols)
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"RepDesign: weight columns must be numeric (dtypes "
            f"{sorted(set(data[cols].dtypes.astype(str)))}); convert them to numbers."
        ) from err
    # two reductions per weight, no temporary of the weights' size: NaN propagates to both
    low, high = weights.extremes()
    bad = ~(np.isfinite(low) & np.isfinite(high))
    if bad.any():
        raise ValueError(
            f"RepDesign: weight columns {preview(pd.Index(np.array(cols)[bad]))} have missing "
            "or infinite values; set excluded cases' weights to 0 instead."
        )
    if (low < 0).any():
        raise ValueError(
            f"RepDesign: negative weights in {preview(pd.Index(np.array(cols)[low < 0]))}"
            "; weights must be >= 0."
        )
    _check_replicates_vary(high - low, cols[1:])
    return weights


def _check_replicates_vary(spread: np.ndarray, reps: list[str]) -> None:
    """A replicate column that is constant while the full-sample weights are not is an error:
    it would give a silent, meaningless replicate estimate (all zeros, all ones, a filler)."""
    bad = [r for r, s in zip(reps, spread[1:], strict=True) if s == 0 and spread[0] > 0]
    if bad:
        raise ValueError(
            f"RepDesign: replicate columns {preview(pd.Index(bad))} are constant although the "
            "full-sample weights vary; a replicate weight doubles or zeroes units of its zone. "
            "Check how the replicate columns were made (workbench.weights.jk2_replicates)."
        )


def warn_single_cases(table: pd.DataFrame) -> None:
    """Warn (never silently) when a group's estimate rests on a single case."""
    if "n" not in table or not (table["n"].to_numpy() == 1).any():
        return
    lonely = table.loc[table["n"] == 1].drop(
        columns=[c for c in table.columns if c in _RESULT_COLUMNS], errors="ignore"
    )
    warnings.warn(
        f"RepDesign: {len(lonely)} result row(s) rest on a single case "
        f"({lonely.head(3).to_dict('records')}); their standard errors are not meaningful. "
        "Collapse the groups or suppress these cells.",
        stacklevel=4,
    )


_RESULT_COLUMNS = {
    "estimate",
    "se",
    "n",
    "sum_weights",
    "se_sampling",
    "se_imputation",
    "n_pv",
    "ci_lower",
    "ci_upper",
    "df",
    "p_value",
}
