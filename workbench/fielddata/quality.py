"""Data-quality tables of verified field data (field-data stage): missing responses by item,
and participation rates laid out for a report."""

from __future__ import annotations

import pandas as pd

__all__ = ["item_missing", "rates_table"]


def item_missing(scored: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """Omitted and not-reached responses per item, as % of the students given the item.

    Parameters
    ----------
    scored
        Scored responses (codes 0-2, 6 not reached, 7 not administered, 9 omitted), one
        column per item of ``items``.
    items
        Item bank with ``item_id, block, position, type``.

    Returns
    -------
    DataFrame
        ``item_id, block, position, type, administered, omitted, not_reached`` (percent).

    Examples
    --------
    >>> items = pd.DataFrame({"item_id": ["R101"], "block": [1], "position": [1],
    ...                       "type": ["MC"]})
    >>> item_missing(pd.DataFrame({"R101": [1, 9, 6, 7]}), items)[
    ...     ["administered", "omitted", "not_reached"]].round(2).values.tolist()
    [[3.0, 33.33, 33.33]]
    """
    codes = scored[items["item_id"].tolist()]
    given = (codes != 7).sum()
    table = items[["item_id", "block", "position", "type"]].reset_index(drop=True)
    table["administered"] = given.to_numpy().astype(int)
    table["omitted"] = (100 * (codes == 9).sum() / given).to_numpy()
    table["not_reached"] = (100 * (codes == 6).sum() / given).to_numpy()
    return table


def rates_table(rates: pd.DataFrame) -> pd.DataFrame:
    """Participation rates (:func:`participation_rates` output) as % with one column per
    weighting: ``rate, weighted, unweighted``.

    Examples
    --------
    >>> r = pd.DataFrame({"rate": ["student", "student"], "weighting": ["weighted",
    ...                   "unweighted"], "estimate": [0.9, 0.8]})
    >>> rates_table(r).values.tolist()
    [['student', 90.0, 80.0]]
    """
    wide = rates.pivot(index="rate", columns="weighting", values="estimate") * 100
    wide = wide.reindex(pd.unique(rates["rate"]))[["weighted", "unweighted"]]
    wide.columns.name = None
    return wide.reset_index()
