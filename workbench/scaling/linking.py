"""Trend linking of a new cycle's item parameters to the base cycle (stage: scaling).

Convention: ``theta_base = A * theta_new + B``; a new item moves to the base scale with
``a / A``, ``A * b + B``, ``A * d_k + B`` (``c`` unchanged). The alternative, concurrent
calibration, is :func:`workbench.psychometrics.calibrate` with ``group=`` the cycle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from workbench.psychometrics.irt import _data
from workbench.psychometrics.irt._model import ItemSet, probabilities
from workbench.psychometrics.irt.calibration import Calibration

__all__ = ["Linking", "link"]

_METHODS = ("stocking_lord", "mean_sigma", "mean_mean")


@dataclass(frozen=True)
class Linking:
    """Linking constants, their jackknife SEs and the linking error."""

    method: str
    A: float
    B: float
    se_A: float
    se_B: float
    linking_error: float
    n_common: int
    shifts: pd.DataFrame

    def table(self) -> pd.DataFrame:
        """One row: ``method, A, B, se_A, se_B, linking_error, n_common``."""
        return pd.DataFrame(
            [
                {
                    "method": self.method,
                    "A": self.A,
                    "B": self.B,
                    "se_A": self.se_A,
                    "se_B": self.se_B,
                    "linking_error": self.linking_error,
                    "n_common": self.n_common,
                }
            ]
        )

    def transform(self, items: Calibration | pd.DataFrame) -> pd.DataFrame:
        """The new cycle's item table on the base scale (SE columns rescaled too)."""
        return _transform(_table(items, "Linking.transform"), self.A, self.B)


def link(
    new: Calibration | pd.DataFrame,
    base: Calibration | pd.DataFrame,
    *,
    common: Sequence[str] | None = None,
    method: str = "stocking_lord",
    points: int = 41,
) -> Linking:
    """Link ``new`` item parameters to the ``base`` scale through common items.

    Parameters
    ----------
    new, base
        Calibrations or item tables (``item_id, model, a, b, c, d1..``).
    common
        Common item ids (default: every item id in both).
    method
        ``'stocking_lord'`` (test characteristic curves, squared differences weighted by a
        standard normal on the base scale), ``'mean_sigma'`` (locations ``b`` and ``d_k``)
        or ``'mean_mean'`` (slopes and locations).
    points
        Nodes for the Stocking-Lord criterion on [-6, 6].

    Returns
    -------
    Linking
        ``A, B`` (``theta_base = A theta_new + B``), jackknife-over-items ``se_A, se_B``, the
        PISA-style ``linking_error = SD(shift_j) / sqrt(n)`` of the common items' location
        shifts after linking (base logits); ``shifts``: ``item_id, b_base, b_linked, shift``.

    Checked against
    ---------------
    Exact recovery of a known A, B from transformed parameters and statistical recovery
    from two simulated cycles; ``tests/test_scaling_linking.py``.

    Examples
    --------
    >>> import pandas as pd
    >>> base = pd.DataFrame({"item_id": ["i1", "i2", "i3"], "model": "2PL",
    ...                      "a": [1.0, 1.2, 0.8], "b": [-1.0, 0.0, 1.0]})
    >>> new = base.assign(a=base["a"] * 2.0, b=(base["b"] - 0.5) / 2.0)
    >>> round(link(new, base, method="mean_sigma").A, 6)
    2.0
    """
    if method not in _METHODS:
        raise ValueError(f"link: unknown method ({method!r}); use one of {_METHODS}.")
    tnew, tbase = _table(new, "link"), _table(base, "link")
    ids = _common(tnew, tbase, common)
    tnew = tnew.set_index("item_id").loc[ids].reset_index()
    tbase = tbase.set_index("item_id").loc[ids].reset_index()
    theta = _data.grid(points)
    a_, b_ = _constants(tnew, tbase, method, theta)
    jack = np.array(
        [
            _constants(tnew.drop(index=i), tbase.drop(index=i), method, theta)
            for i in range(len(ids))
        ]
    )
    factor = (len(ids) - 1) / len(ids)
    se = np.sqrt(factor * ((jack - jack.mean(axis=0)) ** 2).sum(axis=0))
    linked = _transform(tnew, a_, b_)
    shifts = pd.DataFrame(
        {"item_id": ids, "b_base": tbase["b"].to_numpy(), "b_linked": linked["b"].to_numpy()}
    )
    shifts["shift"] = shifts["b_base"] - shifts["b_linked"]
    error = float(shifts["shift"].std(ddof=1) / np.sqrt(len(ids)))
    return Linking(method, a_, b_, float(se[0]), float(se[1]), error, len(ids), shifts)


def _table(items: Calibration | pd.DataFrame, caller: str) -> pd.DataFrame:
    table = items.table() if isinstance(items, Calibration) else items.copy()
    _data.itemset_from_table(table, caller=caller)  # validates
    return table


def _common(tnew: pd.DataFrame, tbase: pd.DataFrame, common: Sequence[str] | None) -> list[str]:
    both = [i for i in tnew["item_id"] if i in set(tbase["item_id"])]
    ids = both if common is None else [str(i) for i in common]
    absent = [i for i in ids if i not in both]
    if absent or len(ids) < 3:
        raise ValueError(
            f"link: need at least 3 common items present in both tables "
            f"({len(ids)} given, absent: {absent[:5]}); check the item ids."
        )
    return ids


def _locations(table: pd.DataFrame) -> np.ndarray:
    steps = [c for c in table.columns if c[:1] == "d" and c[1:].isdigit()]
    poly = table["model"].isin(["GPCM", "PCM"]).to_numpy()
    values = [table["b"].to_numpy()[~poly]]
    if steps and poly.any():
        d = table.loc[poly, steps].to_numpy(float)
        values.append(d[np.isfinite(d)])
    return np.concatenate(values)


def _constants(
    tnew: pd.DataFrame, tbase: pd.DataFrame, method: str, theta: np.ndarray
) -> tuple[float, float]:
    ln, lb = _locations(tnew), _locations(tbase)
    if method == "mean_mean":
        a_ = float(tnew["a"].mean() / tbase["a"].mean())
    else:
        a_ = float(lb.std() / ln.std())
    b_ = float(lb.mean() - a_ * ln.mean())
    if method == "stocking_lord":
        a_, b_ = _stocking_lord(tnew, tbase, theta, (a_, b_))
    return a_, b_


def _stocking_lord(
    tnew: pd.DataFrame, tbase: pd.DataFrame, theta: np.ndarray, start: tuple[float, float]
) -> tuple[float, float]:
    weight = np.exp(-0.5 * theta**2)
    weight /= weight.sum()
    target = _tcc(_data.itemset_from_table(tbase, caller="link"), theta)
    new = _data.itemset_from_table(tnew, caller="link")

    def loss(p: np.ndarray) -> float:
        moved = (theta - p[1]) / p[0]  # base nodes on the new scale
        return float(weight @ (target - _tcc(new, moved)) ** 2)

    fit = minimize(
        loss,
        np.asarray(start),
        method="Nelder-Mead",
        options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 4000},
    )
    return float(fit.x[0]), float(fit.x[1])


def _tcc(items: ItemSet, theta: np.ndarray) -> np.ndarray:
    prob = probabilities(items, theta)
    return (prob * np.arange(prob.shape[1])[None, :, None]).sum(axis=(0, 1))


def _transform(table: pd.DataFrame, a_: float, b_: float) -> pd.DataFrame:
    out = table.copy()
    out["a"] = out["a"] / a_
    locations = ["b"] + [c for c in out.columns if c[:1] == "d" and c[1:].isdigit()]
    for column in locations:
        out[column] = a_ * out[column] + b_
        if f"se_{column}" in out.columns:
            out[f"se_{column}"] = a_ * out[f"se_{column}"]
    if "se_a" in out.columns:
        out["se_a"] = out["se_a"] / a_
    return out
