"""Scoring of missing-response codes for the item-review and scaling stages (IEA convention)."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["score_missing"]


def score_missing(codes: pd.DataFrame, *, omitted: int = 9, not_reached: int = 6,
                  not_administered: int = 7,
                  not_reached_as: str = "not administered") -> pd.DataFrame:
    """Turn response codes into scores: omitted -> 0, not administered -> NaN.

    Parameters
    ----------
    codes
        Wide response codes, one column per item: scores 0, 1, 2 and the missing codes.
    omitted, not_reached, not_administered
        The codes used (IEA: 9, 6, 7). Omitted answers score 0.
    not_reached_as
        ``"not administered"`` (NaN: the PIRLS convention for item statistics and item
        calibration) or ``"incorrect"`` (0: the convention for scoring students).

    Returns
    -------
    DataFrame
        Same shape, index and columns; float scores with NaN for not administered.

    Raises
    ------
    ValueError
        An unknown ``not_reached_as``, or codes that are neither scores nor missing codes.

    Notes
    -----
    Checked against the synthetic nation's codes in ``tests/test_psychometrics.py``.

    Examples
    --------
    >>> import pandas as pd
    >>> score_missing(pd.DataFrame({"R101": [1, 9, 6, 7, 2]}))["R101"].tolist()
    [1.0, 0.0, nan, nan, 2.0]
    """
    if not_reached_as not in ("not administered", "incorrect"):
        raise ValueError(f"score_missing: unknown not_reached_as ({not_reached_as!r}); "
                         "use 'not administered' or 'incorrect'")
    if not isinstance(codes, pd.DataFrame):
        raise TypeError(f"score_missing: codes must be a DataFrame (got "
                        f"{type(codes).__name__}); pass one column per item")
    x = codes.to_numpy(dtype=float, na_value=np.nan)
    special = {omitted, not_reached, not_administered}
    valid = np.isnan(x) | np.isin(x, list(special)) | ((x >= 0) & (x < min(special))
                                                       & (x == np.round(x)))
    if not valid.all():
        bad = sorted(set(x[~valid].tolist()))[:5]
        raise ValueError(f"score_missing: codes {bad} are neither scores nor missing codes "
                         f"(omitted={omitted}, not_reached={not_reached}, "
                         f"not_administered={not_administered}); recode them first")
    reached = np.nan if not_reached_as == "not administered" else 0.0
    out = np.where(x == omitted, 0.0, x)
    out = np.where(x == not_reached, reached, out)
    out = np.where(x == not_administered, np.nan, out)
    return pd.DataFrame(out, index=codes.index, columns=codes.columns)
