"""Many comparisons: every pair of groups, and each group against the whole.

Stage: results & comparative analysis. Differences are formed for the full sample, every
replicate weight and every plausible value, so their standard errors carry the covariance
of the two estimates (R ``svycontrast`` on ``svyby(..., covmat=TRUE)``); then the design's
one variance / Rubin / df path. Each difference is flagged by the IEA rule (two-sided
p < 5 %, no adjustment for multiple comparisons) and, side by side, after a Holm or
Benjamini-Hochberg adjustment over the family of comparisons (R ``p.adjust``).
"""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._doc import example
from ._replicates import _RAW
from ._variance import Raw

if TYPE_CHECKING:
    from ._design import RepDesign

__all__ = ["ADJUSTMENTS", "Comparisons", "p_adjust"]

ADJUSTMENTS = ("holm", "bh", "bonferroni", "none")
_STATISTICS = ("mean", "total", "std", "percent", "percent_at_or_above", "quantile")


def p_adjust(p: np.ndarray, method: str) -> np.ndarray:
    """Adjusted p-values as R ``p.adjust`` (``"bh"`` = ``"BH"``); NaN stays NaN, not counted."""
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    q = p[ok]
    m = q.size
    if m == 0 or method == "none":
        out[ok] = q
        return out
    order = np.argsort(q, kind="stable")
    ranked = q[order]
    i = np.arange(1, m + 1)
    if method == "holm":
        adj = np.maximum.accumulate((m - i + 1) * ranked)
    elif method == "bh":
        adj = np.minimum.accumulate(((m / i) * ranked)[::-1])[::-1]
    elif method == "bonferroni":
        adj = m * ranked
    else:
        raise ValueError(f"p_adjust: unknown method ({method!r}); use one of {ADJUSTMENTS}.")
    res = np.empty(m)
    res[order] = np.minimum(adj, 1.0)
    out[ok] = res
    return out


class Comparisons:
    """Pairwise and part-whole comparisons; mixed into :class:`RepDesign`."""

    @example
    def compare(
        self: RepDesign,
        variable: str,
        *,
        by: str,
        statistic: str = "mean",
        adjust: str = "holm",
        alpha: float = 0.05,
        level: float = 0.95,
        **kwargs: Any,
    ) -> pd.DataFrame:
        """Compare every pair of groups: difference group_a - group_b, SE, df, t, p.

        Parameters
        ----------
        variable
            PV scale or column.
        by
            One grouping column (regions, languages, ...); groups in sorted order, every
            pair once (group_a before group_b).
        statistic
            ``"mean"`` (default), ``"total"``, ``"std"``, ``"percent"``,
            ``"percent_at_or_above"`` (``cutpoints=``, default the design's levels) or
            ``"quantile"`` (``probs=``).
        adjust
            ``"holm"`` (default) or ``"bh"`` (Benjamini-Hochberg), also ``"bonferroni"``,
            ``"none"``; applied over all pairs of one statistic (one cut point, category
            or quantile at a time).
        alpha
            Significance level of both flags (IEA: 0.05).
        level
            Confidence level of ``ci_lower``/``ci_upper``.

        Returns
        -------
        DataFrame with ``variable``, the statistic's key column (``category``,
        ``cutpoint``, ``quantile``) if any, ``group_a``, ``group_b``, ``difference``,
        ``se``, ``n`` (both groups), ``df``, ``ci_lower``, ``ci_upper``, ``t``,
        ``p_value``, ``significant_unadjusted`` (IEA rule: p < alpha, no adjustment),
        ``p_adjusted``, ``significant_adjusted``, ``adjustment`` (method name),
        ``sum_weights`` (+ PV parts).

        Raises
        ------
        ValueError
            If ``by`` has fewer than two groups or ``adjust`` is unknown.

        Checked against
        ---------------
        R ``svycontrast(svyby(~pv, ~g, svymean, covmat=TRUE), pairs)`` per PV +
        ``MIcombine``, ``p.adjust(p, "holm")`` / ``"BH"``; ``test_compare_matches_r``.

        Examples
        --------
        {example}
        >>> d.compare("y", by="g")[["group_a", "group_b", "difference", "se"]]
           group_a  group_b  difference        se
        0        0        1        -2.5  1.118034
        """
        raw, levels, per = self._by_groups(variable, by, statistic, "compare", kwargs)
        pairs = list(combinations(range(len(levels)), 2))
        theta = raw.theta.reshape(len(levels), per, *raw.theta.shape[1:])
        n = raw.n.reshape(len(levels), per)
        sw = raw.sum_weights.reshape(len(levels), per)
        inner = raw.keys.iloc[:per].drop(columns=[by]).reset_index(drop=True)
        keys = pd.concat(
            [inner.assign(group_a=levels[i], group_b=levels[j]) for i, j in pairs],
            ignore_index=True,
        )
        diff = Raw(
            keys,
            np.concatenate([theta[i] - theta[j] for i, j in pairs]),
            np.concatenate([n[i] + n[j] for i, j in pairs]),
            np.concatenate([sw[i] + sw[j] for i, j in pairs]),
            raw.pv,
        )
        return _flag(
            self._finish(diff, level, p_value=True),
            adjust,
            alpha,
            [c for c in inner.columns if c != "variable"],
        )

    @example
    def compare_to_total(
        self: RepDesign,
        variable: str,
        *,
        by: str,
        statistic: str = "mean",
        adjust: str = "holm",
        alpha: float = 0.05,
        level: float = 0.95,
        **kwargs: Any,
    ) -> pd.DataFrame:
        """Each group against the whole (part-whole): group estimate - total estimate.

        The difference is formed replicate-wise and per PV, so its SE accounts for the
        group being part of the total (it is not sqrt(se_g² + se_total²)). The total is
        the design's domain (all groups, and cases with a missing group).

        Parameters
        ----------
        variable, by, statistic, adjust, alpha, level
            As in :meth:`compare`; the adjustment runs over the groups.

        Returns
        -------
        DataFrame with the ``by`` column (the group), ``variable``, the statistic's key
        column if any, ``estimate_group``, ``estimate_total``, ``difference``, ``se``,
        ``n`` (group), ``df``, ``ci_lower``, ``ci_upper``, ``t``, ``p_value``,
        ``significant_unadjusted``, ``p_adjusted``, ``significant_adjusted``,
        ``adjustment``, ``sum_weights`` (+ PV parts).

        Checked against
        ---------------
        R ``svycontrast`` of ``svyby`` group means against ``svymean`` with the joint
        replicates (``withReplicates``) + ``MIcombine``; ``test_compare_to_total_matches_r``.

        Examples
        --------
        {example}
        >>> d.compare_to_total("y", by="g")[["g", "difference", "se"]].round(6)
           g  difference        se
        0  0   -1.666667  0.745356
        1  1    0.833333  0.372678
        """
        raw, levels, per = self._by_groups(variable, by, statistic, "compare_to_total", kwargs)
        whole = _RAW[statistic](self, variable, by=None, **kwargs)
        theta = raw.theta.reshape(len(levels), per, *raw.theta.shape[1:])
        keys = raw.keys.copy()
        est_g = theta[..., 0].mean(axis=-1).ravel()
        est_t = np.tile(whole.theta[..., 0].mean(axis=-1), len(levels))
        diff = Raw(
            keys,
            (theta - whole.theta[None]).reshape(raw.theta.shape),
            raw.n,
            raw.sum_weights,
            raw.pv,
        )
        table = self._finish(diff, level, p_value=True)
        at = list(table.columns).index("estimate")
        table.insert(at, "estimate_total", est_t)
        table.insert(at, "estimate_group", est_g)
        inner = [c for c in raw.keys.columns if c not in (by, "variable")]
        return _flag(
            table.rename(columns={"estimate": "difference"}), adjust, alpha, inner, renamed=True
        )

    def _by_groups(self: RepDesign, variable, by, statistic, caller, kwargs):
        if statistic not in _STATISTICS:
            raise ValueError(
                f"RepDesign.{caller}: unknown statistic ({statistic!r}); use one of "
                f"{', '.join(_STATISTICS)}."
            )
        if not isinstance(by, str) or not isinstance(variable, str):
            raise TypeError(
                f"RepDesign.{caller}: variable and by must each be one name ({variable!r}, "
                f"{by!r}); call once per variable."
            )
        raw = _RAW[statistic](self, variable, by=by, **kwargs)
        levels = self._groups(by)[0][by].tolist()
        if len(levels) < 2:
            raise ValueError(
                f"RepDesign.{caller}: by={by!r} has fewer than two groups in the domain "
                f"({levels}); a comparison needs two."
            )
        return raw, levels, len(raw.keys) // len(levels)


def _flag(
    table: pd.DataFrame, adjust: str, alpha: float, inner: list[str], *, renamed: bool = False
) -> pd.DataFrame:
    """Add t, the IEA flag, adjusted p-values and their flag; order the columns."""
    if adjust not in ADJUSTMENTS:
        raise ValueError(
            f"RepDesign.compare: unknown adjust ({adjust!r}); use one of {', '.join(ADJUSTMENTS)}."
        )
    if not 0 < alpha < 1:
        raise ValueError(f"RepDesign.compare: alpha must be in (0, 1) ({alpha!r}); use 0.05.")
    out = table if renamed else table.rename(columns={"estimate": "difference"})
    out.insert(list(out.columns).index("p_value"), "t", out["difference"] / out["se"])
    family = out[inner].astype(str).agg("|".join, axis=1) if inner else pd.Series(0, out.index)
    p_adj = np.full(len(out), np.nan)
    for _, idx in out.groupby(family, sort=False).indices.items():
        p_adj[idx] = p_adjust(out["p_value"].to_numpy()[idx], adjust)
    at = list(out.columns).index("p_value") + 1
    out.insert(at, "significant_unadjusted", out["p_value"] < alpha)
    out.insert(at + 1, "p_adjusted", p_adj)
    out.insert(at + 2, "significant_adjusted", p_adj < alpha)
    out.insert(at + 3, "adjustment", adjust)
    if "group_a" in out:
        lead = ["variable", *inner, "group_a", "group_b"]
        out = out[lead + [c for c in out.columns if c not in lead]]
    return out
