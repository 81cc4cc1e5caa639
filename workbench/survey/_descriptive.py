"""Descriptive statistics of :class:`RepDesign` (stage: results & comparative analysis).

Means, totals, percentages, benchmarks, quantiles, standard deviations, correlations and
group gaps. Each method builds replicate estimates (``_estimators``) and hands them to the
design's single variance / Rubin / inference path (``RepDesign._finish``).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from . import _estimators as est
from ._doc import example

__all__ = ["Descriptive"]


class Descriptive:
    """Descriptive statistics; mixed into :class:`workbench.survey.RepDesign`."""

    @example
    def mean(
        self, variable: str | list[str], *, by: str | list[str] | None = None, level: float = 0.95
    ) -> pd.DataFrame:
        """Weighted mean of variables or PV scales, with replicate standard errors.

        Parameters
        ----------
        variable
            Column or PV-scale name, or a list of them (one row each).
        by
            Grouping column(s); one row per group (missing groups left out).
        level
            Confidence level of ``ci_lower``/``ci_upper`` (t with the row's ``df``).

        Returns
        -------
        DataFrame with the ``by`` columns, ``variable``, ``estimate``, ``se``, ``n``,
        ``df``, ``ci_lower``, ``ci_upper`` (see :class:`RepDesign`, "Inference"),
        ``sum_weights`` (+ ``se_sampling``, ``se_imputation``, ``n_pv`` with PVs).

        Raises
        ------
        KeyError
            If a variable or ``by`` column does not exist.

        Checked against
        ---------------
        Published TIMSS 2011 (508.31, s.e. 2.617) and PISA 2003 (537.82, s.e. 3.130); R
        ``svyby(~x, ~g, svymean, na.rm=TRUE)`` + ``MIcombine``; ``test_mean_matches_r_svymean``.

        Examples
        --------
        {example}
        >>> d.mean("y", by="g")[["g", "variable", "estimate", "se", "n"]]
           g variable  estimate   se  n
        0  0        y       1.5  0.5  2
        1  1        y       4.0  1.0  2
        """
        return self._finish(est.mean(self, variable, by=by), level)

    @example
    def total(
        self, variable: str | list[str], *, by: str | list[str] | None = None, level: float = 0.95
    ) -> pd.DataFrame:
        """Weighted total (population total) of variables or PV scales.

        Parameters
        ----------
        variable
            Column or PV-scale name, or a list of them.
        by
            Grouping column(s).
        level
            Confidence level of ``ci_lower``/``ci_upper`` (t with the row's ``df``).

        Returns
        -------
        Same columns as :meth:`mean`.

        Checked against
        ---------------
        R ``svytotal(~x, na.rm=TRUE)`` / ``svyby(..., svytotal)``;
        ``test_total_matches_r_svytotal``.

        Examples
        --------
        {example}
        >>> d.total("y")[["variable", "estimate", "se"]]
          variable  estimate        se
        0        y      19.0  4.123106
        """
        return self._finish(est.total(self, variable, by=by), level)

    @example
    def percent(
        self, variable: str | list[str], *, by: str | list[str] | None = None, level: float = 0.95
    ) -> pd.DataFrame:
        """Percentage of cases in each category of a categorical variable (0-100).

        Percentages are of the cases with the variable observed, within each group.

        Parameters
        ----------
        variable
            Categorical column(s) (not a PV scale).
        by
            Grouping column(s).
        level
            Confidence level of ``ci_lower``/``ci_upper`` (t with the row's ``df``).

        Returns
        -------
        DataFrame with the ``by`` columns, ``variable``, ``category``, ``estimate``, ``se``,
        ``n``, ``df``, ``ci_lower``, ``ci_upper`` and ``sum_weights`` (of the group's cases
        with the variable observed, the
        denominator of the percentage).

        Raises
        ------
        ValueError
            If ``variable`` is a PV scale (use :meth:`percent_at_or_above`).

        Checked against
        ---------------
        R ``svyby(~factor(x), ~g, svymean, na.rm=TRUE)`` x 100;
        ``test_percent_matches_r_svymean_factor``.

        Examples
        --------
        {example}
        >>> d.percent("g")[["category", "estimate", "se"]]
           category   estimate   se
        0         0  33.333333  0.0
        1         1  66.666667  0.0
        """
        return self._finish(est.percent(self, variable, by=by), level)

    @example
    def percent_at_or_above(
        self,
        variable: str | list[str],
        cutpoints: Sequence[float] | float | None = None,
        *,
        by: str | list[str] | None = None,
        level: float = 0.95,
    ) -> pd.DataFrame:
        """Percentage of students at or above each cut point (benchmarks), 0-100.

        Parameters
        ----------
        variable
            PV scale or column.
        cutpoints
            Cut scores, e.g. ``[400, 475, 550, 625]`` (PIRLS/TIMSS benchmarks); default:
            the design's :attr:`levels`.
        by
            Grouping column(s).
        level
            Confidence level of ``ci_lower``/``ci_upper`` (t with the row's ``df``).

        Returns
        -------
        DataFrame with the ``by`` columns, ``variable``, ``cutpoint``, ``estimate``, ``se``,
        ``n``, ``df``, ``ci_lower``, ``ci_upper``, ``sum_weights`` (+ PV parts).

        Checked against
        ---------------
        R ``svyby(~I(pv >= c), ~g, svymean)`` per PV + ``MIcombine``;
        ``test_percent_at_or_above_matches_r``.

        Examples
        --------
        {example}
        >>> d.percent_at_or_above("y", [2, 4])[["cutpoint", "estimate", "se"]]
           cutpoint   estimate         se
        0       2.0  83.333333  16.666667
        1       4.0  33.333333  33.333333
        """
        cuts = self._cuts(cutpoints)
        return self._finish(est.percent_at_or_above(self, variable, cuts, by=by), level)

    @example
    def quantile(
        self,
        variable: str | list[str],
        probs: Sequence[float] | float,
        *,
        by: str | list[str] | None = None,
        level: float = 0.95,
    ) -> pd.DataFrame:
        """Weighted quantiles (percentiles) with replicate standard errors.

        The quantile at p is the smallest value whose weighted cumulative share reaches p
        (inverse of the weighted empirical CDF, no interpolation; R survey's
        ``qrule="math"``), computed for every replicate weight (``interval.type="quantile"``).

        Parameters
        ----------
        variable
            PV scale or column.
        probs
            Probabilities in [0, 1], e.g. ``[0.1, 0.5, 0.9]``.
        by
            Grouping column(s).
        level
            Confidence level of ``ci_lower``/``ci_upper`` (t with the row's ``df``).

        Returns
        -------
        DataFrame with the ``by`` columns, ``variable``, ``quantile``, ``estimate``, ``se``,
        ``n``, ``df``, ``ci_lower``, ``ci_upper``, ``sum_weights`` (+ PV parts).

        Checked against
        ---------------
        R ``svyquantile(..., qrule="math", interval.type="quantile")`` + ``MIcombine``;
        ``test_quantile_matches_r_svyquantile``. (R's rule returns the second value when
        the first case alone exceeds p; here the first value is returned.)

        Examples
        --------
        {example}
        >>> d.quantile("y", [0.25, 0.5])[["quantile", "estimate", "se"]]
           quantile  estimate   se
        0      0.25       2.0  1.0
        1      0.50       3.0  0.0
        """
        return self._finish(est.quantile(self, variable, probs, by=by), level)

    @example
    def std(
        self, variable: str | list[str], *, by: str | list[str] | None = None, level: float = 0.95
    ) -> pd.DataFrame:
        """Weighted standard deviation, ``sqrt(n/(n-1) * sum w (x - m)^2 / sum w)``.

        The n/(n-1) factor (n = unweighted cases used) follows R's ``svyvar``.

        Parameters
        ----------
        variable
            PV scale or column.
        by
            Grouping column(s).
        level
            Confidence level of ``ci_lower``/``ci_upper`` (t with the row's ``df``).

        Returns
        -------
        Same columns as :meth:`mean`.

        Checked against
        ---------------
        R ``sqrt(svyvar(...))`` with replicate SDs + ``MIcombine``;
        ``test_std_matches_r_svyvar``.

        Examples
        --------
        {example}
        >>> round(float(d.std("y")["estimate"].iloc[0]), 6)
        1.688743
        """
        return self._finish(est.std(self, variable, by=by), level)

    @example
    def corr(
        self, variables: list[str], *, by: str | list[str] | None = None, level: float = 0.95
    ) -> pd.DataFrame:
        """Weighted Pearson correlation of every pair of variables (listwise complete).

        With two PV scales, PV m is paired with PV m.

        Parameters
        ----------
        variables
            Two or more columns or PV scales.
        by
            Grouping column(s).
        level
            Confidence level of ``ci_lower``/``ci_upper`` (t with the row's ``df``).

        Returns
        -------
        DataFrame with the ``by`` columns, ``variable``, ``with``, ``estimate``, ``se``,
        ``n``, ``df``, ``ci_lower``, ``ci_upper``, ``p_value`` (H0: r = 0),
        ``sum_weights`` (+ PV parts); one row per pair.

        Checked against
        ---------------
        R ``withReplicates(design, function(w, d) cov.wt(..., w, cor=TRUE))`` +
        ``MIcombine``; ``test_corr_matches_r``.

        Examples
        --------
        {example}
        >>> d.corr(["y", "g"])[["variable", "with", "estimate"]].round(6)
          variable with  estimate
        0        y    g  0.805823
        """
        return self._finish(est.corr(self, variables, by=by), level, p_value=True)

    @example
    def gap(
        self,
        variable: str | list[str],
        *,
        by: str,
        statistic: str = "mean",
        reference: object = None,
        level: float = 0.95,
        **kwargs: object,
    ) -> pd.DataFrame:
        """Difference of a statistic between groups: group minus reference group.

        The difference is formed for the full sample, every replicate and every PV, so its
        standard error accounts for the covariance of the two group estimates.

        Parameters
        ----------
        variable
            PV scale or column.
        by
            One grouping column.
        statistic
            ``"mean"``, ``"total"``, ``"std"``, ``"percent"``, ``"percent_at_or_above"``
            (pass ``cutpoints=``) or ``"quantile"`` (pass ``probs=``).
        reference
            Level of ``by`` subtracted from the others (default: the first sorted level).
        level
            Confidence level of ``ci_lower``/``ci_upper`` (t with the row's ``df``).

        Returns
        -------
        DataFrame with ``by`` (the group), ``reference``, the statistic's key columns,
        ``estimate``, ``se``, ``n``, ``df``, ``ci_lower``, ``ci_upper``, ``p_value`` (H0: no
        gap) and ``sum_weights`` (both groups) (+ PV parts).

        Raises
        ------
        KeyError
            If ``reference`` is not a level of ``by``.

        Checked against
        ---------------
        R ``svycontrast(svyby(..., covmat=TRUE), c(-1, 1))`` + ``MIcombine``;
        ``test_gap_matches_r_svycontrast``.

        Examples
        --------
        {example}
        >>> d.gap("y", by="g")[["g", "reference", "estimate", "se"]]
           g  reference  estimate        se
        0  1          0       2.5  1.118034
        """
        return self._finish(
            est.gap(self, variable, by, statistic, reference, **kwargs),  # type: ignore[arg-type]
            level,
            p_value=True,
        )
