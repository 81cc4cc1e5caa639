"""The reporting scale and benchmarks (stage: scaling).

PIRLS convention: in the base cycle the reference population's plausible values have
(weighted) mean 500 and SD 100; the same linear transformation is kept for later cycles
once they are linked to the base cycle. PV columns are named IEA-like, ``READ01..READ05``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["PIRLS_BENCHMARKS", "ScaleTransform", "reporting_scale", "benchmark_levels"]

#: PIRLS international benchmarks (cut scores on the 500/100 scale)
PIRLS_BENCHMARKS = {"Low": 400.0, "Intermediate": 475.0, "High": 550.0, "Advanced": 625.0}


@dataclass(frozen=True)
class ScaleTransform:
    """``score = slope * theta + intercept``, set on the base cycle's reference population."""

    slope: float
    intercept: float
    theta_mean: float
    theta_sd: float

    def to_scale(self, theta: np.ndarray | float) -> np.ndarray | float:
        """Logits to reporting-scale scores."""
        return self.slope * np.asarray(theta) + self.intercept

    def apply(self, data: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
        """A copy of ``data`` with ``columns`` (PVs, logits) on the reporting scale."""
        out = data.copy()
        for column in columns:
            out[column] = self.to_scale(out[column].to_numpy(dtype=float))
        return out

    def table(self) -> pd.DataFrame:
        """``term, estimate``: slope, intercept and the base population's theta mean/SD."""
        return pd.DataFrame(
            {
                "term": ["slope", "intercept", "theta_mean", "theta_sd"],
                "estimate": [self.slope, self.intercept, self.theta_mean, self.theta_sd],
            }
        )


def reporting_scale(
    data: pd.DataFrame,
    *,
    pvs: Sequence[str],
    weight: str | None = None,
    mean: float = 500.0,
    sd: float = 100.0,
) -> ScaleTransform:
    """Linear transformation giving the reference population mean ``mean`` and SD ``sd``.

    The constants come from the weighted mean and SD of each plausible value, averaged over
    the plausible values (TIMSS/PIRLS practice).

    Returns
    -------
    ScaleTransform
        ``.apply(data, columns)``, ``.to_scale(theta)``, ``.table()`` (``term, estimate``).

    Checked against
    ---------------
    Direct weighted moments; ``test_reporting_scale_gives_500_and_100``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"PV01": [-1.0, 1.0], "PV02": [-1.0, 1.0]})
    >>> t = reporting_scale(df, pvs=["PV01", "PV02"])
    >>> t.apply(df, ["PV01"])["PV01"].tolist()
    [400.0, 600.0]
    """
    pvs = list(pvs)
    missing = [c for c in [*pvs, *([weight] if weight else [])] if c not in data.columns]
    if not pvs or missing:
        raise KeyError(
            f"reporting_scale: columns {missing or pvs} not found in data; pass the "
            "plausible-value columns (and the weight)."
        )
    w = np.ones(len(data)) if weight is None else data[weight].to_numpy(dtype=float)
    values = data[pvs].to_numpy(dtype=float)
    if not (np.isfinite(values).all() and np.isfinite(w).all() and (w >= 0).all()):
        raise ValueError(
            "reporting_scale: plausible values and weights must be finite (weights "
            "non-negative); drop incomplete rows first."
        )
    means = w @ values / w.sum()
    sds = np.sqrt(w @ (values - means) ** 2 / w.sum())
    theta_mean, theta_sd = float(means.mean()), float(sds.mean())
    if not theta_sd > 0 or not sd > 0:
        raise ValueError(
            f"reporting_scale: SD of the PVs and the target sd must be positive "
            f"({theta_sd}, {sd} given); check the PV columns."
        )
    slope = sd / theta_sd
    return ScaleTransform(slope, mean - slope * theta_mean, theta_mean, theta_sd)


def benchmark_levels(
    data: pd.DataFrame,
    *,
    pvs: Sequence[str],
    cuts: Mapping[str, float] = PIRLS_BENCHMARKS,
    suffix: str = "_level",
) -> pd.DataFrame:
    """The benchmark level reached with each plausible value (0 = below the lowest cut).

    Returns
    -------
    DataFrame
        One integer column ``<pv><suffix>`` per PV (usable as a PV set in ``RepDesign``).

    Examples
    --------
    >>> import pandas as pd
    >>> benchmark_levels(pd.DataFrame({"READ01": [390.0, 480.0, 700.0]}), pvs=["READ01"])
       READ01_level
    0             0
    1             2
    2             4
    """
    values = sorted(float(v) for v in cuts.values())
    if not values:
        raise ValueError("benchmark_levels: cuts is empty; pass e.g. PIRLS_BENCHMARKS.")
    out = {
        f"{pv}{suffix}": np.searchsorted(values, data[pv].to_numpy(float), side="right")
        for pv in pvs
    }
    return pd.DataFrame(out, index=data.index)
