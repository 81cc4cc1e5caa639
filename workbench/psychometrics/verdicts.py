"""The validity stage's verdict per item (keep, review, drop), read by the scaling stage.

Rule (also in the report, ``workbench/texts/validity.yaml``):

* **drop** - the item is broken: corrected point-biserial below ``drop_rpb`` (0.10: it does
  not discriminate, or negatively), a negative IRT slope, or RMSD above ``drop_rmsd`` (0.15:
  the item curve does not fit the data);
* **review** - any other flag: p out of range, point-biserial below the review threshold, a
  distractor chosen more by able students (positive point-biserial), a partial-credit level
  that does not order students, infit or outfit outside ``fit_range`` (0.8-1.2), or C-level
  DIF in any comparison;
* **keep** - no flag.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["item_verdicts"]

VERDICTS = ("keep", "review", "drop")


def item_verdicts(
    statistics: pd.DataFrame,
    *,
    fit: pd.DataFrame | None = None,
    calibration: pd.DataFrame | None = None,
    dif: pd.DataFrame | None = None,
    drop_rpb: float = 0.1,
    drop_rmsd: float = 0.15,
    fit_range: Sequence[float] = (0.8, 1.2),
) -> pd.DataFrame:
    """Combine the item statistics, fit and DIF into a verdict per item.

    Parameters
    ----------
    statistics
        :func:`item_analysis` output (``item_id, r_item_rest, flags``); an optional boolean
        ``flag_order`` column (partial-credit levels out of order) is used when present.
    fit
        ``item_id, infit_msq, outfit_msq`` (e.g. :meth:`RaschModel.itemfit`).
    calibration
        ``item_id, a, rmsd`` (:func:`workbench.psychometrics.calibrate` table).
    dif
        ``item_id, comparison, ets_class`` (any DIF table; classes starting with ``C`` count).
    drop_rpb, drop_rmsd, fit_range
        The thresholds of the rule (module docstring).

    Returns
    -------
    DataFrame
        ``item_id, verdict`` (``keep``, ``review``, ``drop``), ``reasons`` (codes joined by
        ``;``: ``no_discrimination, negative_slope, misfit_rmsd, hard, easy, low_rpb,
        distractor, level_order, infit, outfit, dif_<comparison>``; empty when kept).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"item_id": ["a", "b", "c"], "r_item_rest": [0.45, 0.15, 0.02],
    ...                   "flags": ["", "low_rpb", "low_rpb"]})
    >>> item_verdicts(s)["verdict"].tolist()
    ['keep', 'review', 'drop']
    """
    missing = [c for c in ("item_id", "r_item_rest", "flags") if c not in statistics.columns]
    if missing:
        raise KeyError(
            f"item_verdicts: statistics lacks columns {missing}; pass the item_analysis() table"
        )
    items = statistics["item_id"].astype(str).tolist()
    drop = {i: [] for i in items}
    review = {i: [] for i in items}
    for row in statistics.itertuples(index=False):
        if not (row.r_item_rest >= drop_rpb):
            drop[row.item_id].append("no_discrimination")
        review[row.item_id] += [f for f in str(row.flags).split(";") if f]
        if getattr(row, "flag_order", False):
            review[row.item_id].append("level_order")
    if calibration is not None:
        for row in calibration.itertuples(index=False):
            if row.item_id in drop and np.isfinite(row.a) and row.a <= 0:
                drop[row.item_id].append("negative_slope")
            if row.item_id in drop and row.rmsd > drop_rmsd:
                drop[row.item_id].append("misfit_rmsd")
    if fit is not None:
        lo, hi = fit_range
        for row in fit.itertuples(index=False):
            if row.item_id in review:
                review[row.item_id] += [
                    name
                    for name, v in (("infit", row.infit_msq), ("outfit", row.outfit_msq))
                    if not lo <= v <= hi
                ]
    if dif is not None:
        for row in dif.itertuples(index=False):
            if str(row.item_id) in review and str(row.ets_class).startswith("C"):
                review[str(row.item_id)].append(f"dif_{row.comparison}")
    rows = []
    for i in items:
        verdict = "drop" if drop[i] else ("review" if review[i] else "keep")
        reasons = list(dict.fromkeys(drop[i] + review[i]))
        rows.append({"item_id": i, "verdict": verdict, "reasons": ";".join(reasons)})
    return pd.DataFrame(rows, columns=["item_id", "verdict", "reasons"])
