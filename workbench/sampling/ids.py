"""IEA identifiers of the sampled schools, assigned when the sample is drawn.

Serves the sample-design stage: the field agency receives the sample with these IDs and its
tracking forms and booklets refer to them. ``IDSCHOOL = 10 * k + r`` for the k-th sampled
school (in the order of :func:`~workbench.sampling.select_schools`' output) and its role
``r`` (0 sampled, 1 first replacement, 2 second replacement).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["ROLE_CODES", "school_ids"]

ROLE_CODES = {"sampled": 0, "replacement_1": 1, "replacement_2": 2}


def school_ids(sample: pd.DataFrame) -> pd.DataFrame:
    """The sample with ``IDSCHOOL`` and ``REPLACES`` (IDSCHOOL of the sampled school, 0 for
    a sampled school).

    Returns
    -------
    DataFrame
        ``sample`` (new RangeIndex) with two more columns, ``IDSCHOOL`` and ``REPLACES``.

    Examples
    --------
    >>> s = pd.DataFrame({"school_id": ["a", "b", "c"], "sampled_school": ["a", "a", "c"],
    ...                   "role": ["sampled", "replacement_1", "sampled"]})
    >>> school_ids(s)[["IDSCHOOL", "REPLACES"]].values.tolist()
    [[10, 0], [11, 10], [20, 0]]
    """
    order = {
        sid: k
        for k, sid in enumerate(pd.unique(sample.loc[sample["role"] == "sampled", "school_id"]), 1)
    }
    missing = sorted(set(sample["sampled_school"]) - set(order))
    if missing:
        raise ValueError(
            f"school_ids: replacements point at schools that are not sampled "
            f"({missing[:5]}); pass the whole output of select_schools"
        )
    out = sample.reset_index(drop=True)
    k = out["sampled_school"].map(order).astype(int)
    out["IDSCHOOL"] = 10 * k + out["role"].map(ROLE_CODES).astype(int)
    out["REPLACES"] = np.where(out["role"] == "sampled", 0, 10 * k)
    return out
