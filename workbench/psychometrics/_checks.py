"""Input checks shared by the psychometrics functions (error messages in the house form)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd


def score_matrix(
    responses: pd.DataFrame, fn: str, *, min_items: int = 2, integer: bool = True
) -> np.ndarray:
    """A float matrix of non-negative integer scores (NaN = not administered), validated.

    With ``integer=False`` any finite numbers are accepted (factor analysis, reliability).
    """
    if not isinstance(responses, pd.DataFrame):
        raise TypeError(
            f"{fn}: responses must be a pandas DataFrame "
            f"(got {type(responses).__name__}); pass one column per item"
        )
    if responses.shape[1] < min_items:
        raise ValueError(
            f"{fn}: at least {min_items} item columns are needed "
            f"(got {responses.shape[1]}); pass one column per item"
        )
    if responses.shape[0] == 0:
        raise ValueError(f"{fn}: responses has no rows; pass at least one student")
    bad = [c for c in responses.columns if not pd.api.types.is_numeric_dtype(responses[c])]
    if bad:
        raise TypeError(
            f"{fn}: item columns must hold numeric scores (non-numeric: {bad[:5]}); "
            "score raw letters first, e.g. with a key"
        )
    x = responses.to_numpy(dtype=float, na_value=np.nan)
    seen = x[~np.isnan(x)]
    if not integer:
        if not np.all(np.isfinite(seen)):
            raise ValueError(f"{fn}: item scores must be finite (got inf); recode them first")
        return x
    if np.any(seen < 0) or np.any(seen != np.round(seen)):
        wrong = sorted(set(seen[(seen < 0) | (seen != np.round(seen))].tolist()))[:5]
        raise ValueError(
            f"{fn}: scores must be non-negative integers (got {wrong}); "
            "recode missing-response codes with score_missing() first"
        )
    return x


def max_scores(x: np.ndarray, columns, fn: str) -> np.ndarray:
    """Observed maximum score of every item; items never answered above 0 are rejected."""
    with np.errstate(all="ignore"):
        top = np.nanmax(np.where(np.isnan(x), -1, x), axis=0)
    flat = [str(c) for c, m in zip(columns, top, strict=True) if m <= 0]
    if flat:
        raise ValueError(
            f"{fn}: items {flat[:5]} have no score above 0 (or no responses); "
            "drop them before the analysis"
        )
    return top.astype(int)


def as_series(values, n: int, name: str, fn: str, index=None) -> pd.Series:
    """A Series of length ``n`` from a Series, array or list (index taken from ``index``)."""
    values = pd.Series(np.asarray(values), index=index)
    if len(values) != n:
        raise ValueError(
            f"{fn}: {name} has {len(values)} values but responses has {n} rows; "
            f"pass one {name} value per student"
        )
    return values


def confidence_level(level: float, ci: float | None, caller: str) -> float:
    """``level``, or the deprecated ``ci`` (kept one release, with a DeprecationWarning).

    >>> confidence_level(0.9, None, "reliability")
    0.9
    """
    if ci is None:
        return level
    warnings.warn(
        f"{caller}: ci= is deprecated and will be removed in the next release; use level=",
        DeprecationWarning,
        stacklevel=3,
    )
    return ci
