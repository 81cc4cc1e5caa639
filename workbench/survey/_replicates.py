"""Replicate estimates as public objects: custom statistics and contrasts with correct SEs.

Stage: results & comparative analysis. :meth:`RepDesign.replicate` is R survey's
``withReplicates``: any function of (data, weights) evaluated for the full-sample weight,
every replicate weight and every plausible value, then passed through the design's one
variance / Rubin / df path. :meth:`RepDesign.replicate_estimates` returns the replicate
estimates of any built-in statistic as a :class:`ReplicateEstimates`, whose
:meth:`~ReplicateEstimates.covariance` and :meth:`~ReplicateEstimates.contrast` give any
linear combination its correct standard error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _estimators as est
from . import _regression as reg
from ._doc import example
from ._variance import Raw, covariance

if TYPE_CHECKING:
    from ._design import RepDesign

__all__ = ["ReplicateEstimates", "Replication"]

_RAW: dict[str, Callable[..., Raw]] = {
    "mean": lambda d, variable, by=None: est.mean(d, variable, by),
    "total": lambda d, variable, by=None: est.total(d, variable, by),
    "percent": lambda d, variable, by=None: est.percent(d, variable, by),
    "std": lambda d, variable, by=None: est.std(d, variable, by),
    "percent_at_or_above": lambda d, variable, cutpoints=None, by=None: est.percent_at_or_above(
        d, variable, d._cuts(cutpoints), by
    ),
    "quantile": lambda d, variable, probs, by=None: est.quantile(d, variable, probs, by),
    "corr": lambda d, variables, by=None: est.corr(d, variables, by),
    "gap": lambda d, variable, by, statistic="mean", reference=None, **kw: est.gap(
        d, variable, by, statistic, reference, **kw
    ),
    "regress": lambda d, formula, by=None: reg.model(d, formula, by, "linear"),
    "logit": lambda d, formula, by=None: reg.model(d, formula, by, "logit"),
    "r_squared": lambda d, formula, by=None: reg.model(d, formula, by, "r2"),
}


@dataclass(frozen=True)
class ReplicateEstimates:
    """Replicate estimates of K statistics: ``theta[k, m, 0]`` full sample, ``[k, m, r]``
    replicate r, for plausible value m (M = 1 without PVs).

    Attributes
    ----------
    keys
        K rows identifying the statistics (the key columns of the estimator's table).
    theta
        (K, M, R+1) array.
    design
        The design (its variance constants, PV rule and df rule apply).
    """

    keys: pd.DataFrame
    theta: np.ndarray
    n: np.ndarray
    sum_weights: np.ndarray
    pv: bool
    design: RepDesign

    @property
    def labels(self) -> list[str]:
        """One label per statistic: its key values joined by ``|``."""
        return ["|".join(str(v) for v in row) for row in self.keys.itertuples(index=False)]

    def table(self, *, level: float = 0.95, p_value: bool = False) -> pd.DataFrame:
        """The tidy table of these estimates (as the estimator returns it)."""
        raw = Raw(self.keys, self.theta, self.n, self.sum_weights, self.pv)
        return self.design._finish(raw, level, p_value=p_value)

    def covariance(self) -> pd.DataFrame:
        """K x K covariance of the estimates (replicate covariance averaged over PVs plus
        (1 + 1/M) x between-PV covariance); its diagonal is the table's ``se`` squared."""
        d = self.design
        cov = covariance(self.theta, d.scale, d.rscales, d._mse, d._pv_rule)
        return pd.DataFrame(cov, index=self.labels, columns=self.labels)

    def contrast(
        self,
        weights: Sequence[float] | np.ndarray | dict[str, float],
        *,
        name: str = "contrast",
        level: float = 0.95,
    ) -> pd.DataFrame:
        """Estimate, SE, df, CI and p-value of ``sum_k weights_k * estimate_k``.

        The combination is formed for the full sample, every replicate and every PV (R
        ``svycontrast``), so its SE accounts for every covariance.

        Parameters
        ----------
        weights
            One coefficient per statistic (in row order), or ``{label: coefficient}``
            with labels from :attr:`labels` (others get 0).
        name
            Written to the ``variable`` column.
        level
            Confidence level.

        Returns
        -------
        One row: ``variable``, ``estimate``, ``se``, ``n``, ``df``, ``ci_lower``,
        ``ci_upper``, ``p_value``, ``sum_weights`` (+ PV parts).
        """
        if isinstance(weights, dict):
            unknown = sorted(set(weights) - set(self.labels))
            if unknown:
                raise KeyError(
                    f"ReplicateEstimates.contrast: unknown labels {unknown}; labels are "
                    f"{self.labels}."
                )
            c = np.array([float(weights.get(lab, 0.0)) for lab in self.labels])
        else:
            c = np.asarray(weights, dtype=float).ravel()
        if c.size != len(self.keys):
            raise ValueError(
                f"ReplicateEstimates.contrast: {c.size} weights for {len(self.keys)} "
                f"estimates; give one coefficient per row ({self.labels})."
            )
        theta = np.einsum("k,kmr->mr", c, self.theta)[None]
        used = c != 0
        raw = Raw(
            pd.DataFrame({"variable": [name]}),
            theta,
            np.array([int(self.n[used].max()) if used.any() else 0]),
            np.array([float(self.sum_weights[used].max()) if used.any() else 0.0]),
            self.pv,
        )
        return self.design._finish(raw, level, p_value=True)


class Replication:
    """withReplicates and replicate estimates; mixed into :class:`RepDesign`."""

    @example
    def replicate(
        self: RepDesign,
        fn: Callable[[pd.DataFrame, np.ndarray], Any],
        *,
        level: float = 0.95,
        return_replicates: bool = False,
    ) -> pd.DataFrame | ReplicateEstimates:
        """Any statistic with replicate SEs: R survey's ``withReplicates``.

        ``fn(data, w)`` is called with the design's data and one weight vector (zero
        outside the design's domain) for the full-sample weight and every replicate;
        with PV scales, once per plausible value, with each scale's name holding that
        PV as a column of ``data``. The results go through the design's variance,
        Rubin and df path.

        Parameters
        ----------
        fn
            ``fn(data, w) -> float``, array or ``pd.Series`` (K statistics; a Series'
            index names them).
        level
            Confidence level.
        return_replicates
            Return the :class:`ReplicateEstimates` instead of the table.

        Returns
        -------
        DataFrame with ``variable`` (statistic name or position), ``estimate``, ``se``,
        ``n``, ``df``, ``ci_lower``, ``ci_upper``, ``p_value``, ``sum_weights`` (+ PV
        parts); or the replicate estimates.

        Checked against
        ---------------
        R ``withReplicates(design, function(w, data) ...)`` + ``MIcombine``;
        ``test_replicate_matches_r_withreplicates``.

        Examples
        --------
        {example}
        >>> ratio = lambda data, w: (w * data["y"]).sum() / (w * data["g"]).sum()
        >>> d.replicate(ratio)[["variable", "estimate", "se"]].round(6)
           variable  estimate        se
        0         0      4.75  1.030776
        """
        data = self.data
        dom = self._domain.astype(float)
        n_pv = max([len(v) for v in self.pvs.values()] or [1])
        thetas = []
        for m in range(n_pv):
            frame = (
                data.assign(**{s: data[c[m]] for s, c in self.pvs.items()}) if self.pvs else data
            )
            cols = [
                _as_vector(fn(frame, self._weights.column(r) * dom))
                for r in range(self._weights.shape[0])
            ]
            thetas.append(np.column_stack([c[1] for c in cols]))
        names = cols[0][0]
        theta = np.stack(thetas, axis=1)  # (K, M, R+1)
        n = int(dom.sum())
        raw = Raw(
            pd.DataFrame({"variable": names}),
            theta,
            np.full(len(names), n),
            np.full(len(names), float(self._weights.full @ dom)),
            bool(self.pvs),
        )
        if return_replicates:
            return ReplicateEstimates(raw.keys, theta, raw.n, raw.sum_weights, raw.pv, self)
        return self._finish(raw, level, p_value=True)

    @example
    def replicate_estimates(
        self: RepDesign, statistic: str, *args: Any, **kwargs: Any
    ) -> ReplicateEstimates:
        """Replicate estimates of a built-in statistic, for covariances and contrasts.

        Parameters
        ----------
        statistic
            Method name: ``"mean"``, ``"total"``, ``"percent"``, ``"std"``,
            ``"percent_at_or_above"``, ``"quantile"``, ``"corr"``, ``"gap"``,
            ``"regress"``, ``"logit"`` or ``"r_squared"``.
        *args, **kwargs
            The method's arguments (without ``level``).

        Returns
        -------
        :class:`ReplicateEstimates`: ``.table()`` equals the method's result;
        ``.covariance()``; ``.contrast(weights)``.

        Checked against
        ---------------
        R ``svycontrast(svyby(..., covmat=TRUE), ...)`` + ``MIcombine``;
        ``test_contrast_matches_r_svycontrast``.

        Examples
        --------
        {example}
        >>> rep = d.replicate_estimates("mean", "y", by="g")
        >>> rep.labels
        ['0|y', '1|y']
        >>> rep.contrast([-1, 1])[["estimate", "se"]]
           estimate        se
        0       2.5  1.118034
        """
        if statistic not in _RAW:
            raise ValueError(
                f"RepDesign.replicate_estimates: unknown statistic ({statistic!r}); use one "
                f"of {', '.join(_RAW)}."
            )
        raw = _RAW[statistic](self, *args, **kwargs)
        return ReplicateEstimates(raw.keys, raw.theta, raw.n, raw.sum_weights, raw.pv, self)


def _as_vector(value: Any) -> tuple[list, np.ndarray]:
    """(names, values) of a statistic returned by a ``replicate`` function."""
    if isinstance(value, pd.Series):
        return [str(i) for i in value.index], value.to_numpy(dtype=float)
    arr = np.atleast_1d(np.asarray(value, dtype=float)).ravel()
    return list(range(arr.size)), arr
