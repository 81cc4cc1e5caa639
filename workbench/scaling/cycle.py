"""Scaling one assessment cycle end to end (stage: scaling, ``notebooks/50_scaling.py``).

Calibrate the items (MML), put them on the reporting metric (the base cycle sets it; a trend
cycle is linked to the base cycle's item parameters through its common items), fit the
population model, draw plausible values, transform them to the reporting scale and add EAP
and WLE estimates. The scale constants (the linear transformation and the item parameters on
the base metric) are one tidy table, kept for later cycles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.psychometrics.irt import Calibration, calibrate, person_scores
from workbench.scaling.conditioning import Conditioning
from workbench.scaling.linking import Linking, link
from workbench.scaling.population import PopulationModel, latent_regression, plausible_values
from workbench.scaling.reporting import ScaleTransform, reporting_scale

__all__ = ["CycleScaling", "scale_cycle", "read_constants"]

_PARAMETERS = ("a", "b", "c", "d1", "d2", "d3", "d4", "d5")
_TRANSFORM = ("slope", "intercept", "theta_mean", "theta_sd")
#: IEA treatment of missing responses in scaling: omitted wrong, not reached not administered
_MISSING = {"omitted": "wrong", "not_reached": "missing"}


@dataclass(frozen=True)
class CycleScaling:
    """A scaled cycle: items, linking, population model, transformation, student scores."""

    calibration: Calibration
    items: pd.DataFrame
    linking: Linking | None
    model: PopulationModel
    transform: ScaleTransform
    students: pd.DataFrame = field(repr=False)
    pvs: tuple[str, ...]

    def constants(self) -> pd.DataFrame:
        """``term, item_id, model, estimate``: the transformation (``slope, intercept,
        theta_mean, theta_sd``; ``item_id`` empty), then each item's parameters on the
        reporting metric (``a, b, c, d1..``). :func:`read_constants` reads it back."""
        rows = [
            {"term": t, "item_id": None, "model": None, "estimate": float(v)}
            for t, v in zip(
                self.transform.table()["term"], self.transform.table()["estimate"], strict=True
            )
        ]
        for item in self.items.itertuples(index=False):
            rows += [
                {
                    "term": p,
                    "item_id": item.item_id,
                    "model": item.model,
                    "estimate": float(getattr(item, p)),
                }
                for p in _PARAMETERS
                if p in self.items.columns and np.isfinite(getattr(item, p))
            ]
        return pd.DataFrame(rows)

    def population_table(self) -> pd.DataFrame:
        """``term, estimate, points``: the latent regression (coefficients in logits and in
        reporting-scale points), ``residual_sd``, ``r2``, ``iterations``, ``converged``."""
        table = self.model.table()
        table["points"] = table["estimate"] * self.transform.slope
        table.loc[table["term"] == "intercept", "points"] = self.transform.to_scale(
            table.loc[table["term"] == "intercept", "estimate"]
        )
        table.loc[table["term"] == "r2", "points"] = np.nan
        extra = pd.DataFrame(
            {
                "term": ["iterations", "converged"],
                "estimate": [float(self.model.iterations), float(self.model.converged)],
                "points": [np.nan, np.nan],
            }
        )
        return pd.concat([table, extra], ignore_index=True)

    def coefficients(self) -> pd.DataFrame:
        """:meth:`population_table` without its ``iterations`` and ``converged`` rows: the
        estimates a report formats as numbers (the two counts go to headlines)."""
        table = self.population_table()
        return table[~table["term"].isin(["iterations", "converged"])].reset_index(drop=True)

    def linking_table(self) -> pd.DataFrame:
        """One row: ``method, A, B, se_A, se_B, linking_error, n_common`` and the linking
        error in points (``linking_error_points``); empty for a base cycle."""
        if self.linking is None:
            return pd.DataFrame(
                columns=[
                    "method",
                    "A",
                    "B",
                    "se_A",
                    "se_B",
                    "linking_error",
                    "n_common",
                    "linking_error_points",
                ]
            )
        table = self.linking.table()
        table["linking_error_points"] = table["linking_error"] * self.transform.slope
        return table

    @property
    def linking_error(self) -> float:
        """The linking error in reporting-scale points (0 for the base cycle)."""
        if self.linking is None:
            return 0.0
        return float(self.linking.linking_error * self.transform.slope)


def scale_cycle(
    data: pd.DataFrame,
    conditioning: Conditioning,
    *,
    items: pd.DataFrame,
    seed: int,
    base: pd.DataFrame | None = None,
    n_pv: int = 5,
    model: str = "2PL",
    method: str = "stocking_lord",
    exclude: Sequence[str] = (),
    verdicts: pd.DataFrame | None = None,
    weight: str = "TOTWGT",
    id: str = "IDSTUD",
    prefix: str = "READ",
    mean: float = 500.0,
    sd: float = 100.0,
) -> CycleScaling:
    """Scale a cycle: calibration, linking, population model, PVs, reporting scale, EAP, WLE.

    Parameters
    ----------
    data
        :func:`workbench.scaling.scaling_frame` output (one row per student, in the order of
        ``conditioning``).
    conditioning
        :func:`conditioning_variables` of the same rows.
    items
        The item bank (``item_id``; ``type`` for ``model='pirls'``).
    seed
        Seed of the plausible values (the same seed gives the same PVs).
    base
        ``None``: this cycle sets the scale (weighted PVs mean ``mean``, SD ``sd``). Else
        the base cycle's ``scale_constants``: the items are linked to its item parameters by
        ``method`` (``stocking_lord``, ``mean_sigma``, ``mean_mean``) and its transformation
        is kept.
    n_pv, model
        Plausible values per student; item model of :func:`workbench.psychometrics.calibrate`.
    exclude, verdicts
        Items left out: the ids in ``exclude`` and those whose ``verdict`` is ``drop`` in
        the validity stage's ``item_verdicts`` (``item_id, verdict``).
    weight, id, prefix
        Weight column (calibration, population model, scale); id column; PV names
        ``<prefix>01..``.

    Returns
    -------
    CycleScaling
        ``.students``: ``id, IDSCHOOL, <prefix>01.., EAP, EAP_SE, WLE, WLE_SE`` on the
        reporting scale; ``.constants()``, ``.population_table()``, ``.linking_table()``.

    Checked against
    ---------------
    Recovery of the synthetic nation's group means, gaps, effects and planted trend;
    ``tests/test_scaling_cycle.py``, ``tests/test_trend.py``.
    """
    if len(data) != len(conditioning.data):
        raise ValueError(
            f"scale_cycle: data and conditioning have different rows "
            f"({len(data)}, {len(conditioning.data)} given); build the "
            "conditioning variables from the same frame."
        )
    ids = _item_ids(items, data, exclude, verdicts)
    kept = items[items["item_id"].isin(ids)]
    cal = calibrate(
        data,
        items=kept if model == "pirls" else ids,
        model=model,
        weight=weight,
        se=False,
        **_MISSING,
    )
    linking, table = None, cal.table()
    if base is not None:
        base_transform, base_items = read_constants(base)
        linking = link(cal, base_items, method=method)
        table = linking.transform(cal)
    frame = pd.concat(
        [data.reset_index(drop=True), conditioning.data[list(conditioning.columns)]], axis=1
    )
    population = latent_regression(
        frame, items=table, covariates=list(conditioning.columns), weight=weight, id=id, **_MISSING
    )
    names = [f"{prefix}{m + 1:02d}" for m in range(n_pv)]
    pv = plausible_values(population, n_pv=n_pv, seed=seed, names=names, id=id)
    pv[weight] = data[weight].to_numpy()
    transform = (
        reporting_scale(pv, pvs=names, weight=weight, mean=mean, sd=sd)
        if base is None
        else base_transform
    )
    students = _students(frame, table, pv.drop(columns=weight), names, transform, id)
    return CycleScaling(cal, table, linking, population, transform, students, tuple(names))


def read_constants(table: pd.DataFrame) -> tuple[ScaleTransform, pd.DataFrame]:
    """The transformation and item table stored by :meth:`CycleScaling.constants`.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"term": ["slope", "intercept", "theta_mean", "theta_sd", "a", "b"],
    ...                   "item_id": [None] * 4 + ["i1", "i1"],
    ...                   "model": [None] * 4 + ["2PL", "2PL"],
    ...                   "estimate": [100.0, 500.0, 0.0, 1.0, 1.2, -0.3]})
    >>> transform, items = read_constants(t)
    >>> transform.slope, items[["item_id", "a", "b"]].values.tolist()
    (100.0, [['i1', 1.2, -0.3]])
    """
    need = {"term", "item_id", "model", "estimate"}
    if not isinstance(table, pd.DataFrame) or not need <= set(table.columns):
        raise ValueError(
            "read_constants: expected the base cycle's scale_constants table "
            f"with columns {sorted(need)}; read it with "
            "wb.open_catalog(base_cycle).scale_constants.read()."
        )
    general = table[table["item_id"].isna()].set_index("term")["estimate"]
    absent = [t for t in _TRANSFORM if t not in general.index]
    if absent:
        raise ValueError(
            f"read_constants: the transformation terms {absent} are missing; "
            "rerun the base cycle's scaling stage."
        )
    transform = ScaleTransform(*(float(general[t]) for t in _TRANSFORM))
    rows = table[table["item_id"].notna()]
    items = rows.pivot_table(
        index=["item_id", "model"], columns="term", values="estimate", aggfunc="first", sort=False
    ).reset_index()
    items.columns.name = None
    if "c" not in items.columns:
        items["c"] = 0.0
    return transform, items


def _item_ids(
    items: pd.DataFrame, data: pd.DataFrame, exclude: Sequence[str], verdicts: pd.DataFrame | None
) -> list[str]:
    if "item_id" not in items.columns:
        raise KeyError("scale_cycle: items has no 'item_id' column; pass the catalog's items.")
    dropped = set(map(str, exclude))
    if verdicts is not None:
        if not {"item_id", "verdict"} <= set(verdicts.columns):
            raise KeyError(
                "scale_cycle: verdicts needs columns item_id and verdict; pass the "
                "validity stage's item_verdicts."
            )
        dropped |= set(verdicts.loc[verdicts["verdict"] == "drop", "item_id"].astype(str))
    ids = [i for i in items["item_id"].astype(str) if i in data.columns and i not in dropped]
    if len(ids) < 3:
        raise ValueError(
            f"scale_cycle: only {len(ids)} items left to scale after exclusions "
            f"({sorted(dropped)[:5]} excluded); check exclude_items and verdicts."
        )
    return ids


def _students(
    frame: pd.DataFrame,
    table: pd.DataFrame,
    pv: pd.DataFrame,
    names: list[str],
    transform: ScaleTransform,
    id: str,
) -> pd.DataFrame:
    out = transform.apply(pv, names)
    theta = pv[names].to_numpy(float)
    prior_mean, prior_sd = float(theta.mean()), float(theta.std())
    point = person_scores(
        frame, items=table, method="eap", mean=prior_mean, sd=prior_sd, **_MISSING
    )
    weighted = person_scores(frame, items=table, method="wle", **_MISSING)
    out["EAP"] = transform.to_scale(point["eap"].to_numpy())
    out["EAP_SE"] = transform.slope * point["psd"].to_numpy()
    out["WLE"] = transform.to_scale(weighted["wle"].to_numpy())
    out["WLE_SE"] = transform.slope * weighted["se"].to_numpy()
    if "IDSCHOOL" in frame.columns:
        out.insert(1, "IDSCHOOL", frame["IDSCHOOL"].to_numpy())
    return out
