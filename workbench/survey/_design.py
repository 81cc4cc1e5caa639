"""The :class:`RepDesign` object (stage: results & comparative analysis).

A replicate-weight survey design with plausible values, modelled on R's
``survey::svrepdesign`` + ``mitools::MIcombine`` and on the IEA/OECD conventions.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from . import _estimators as est
from ._checks import (
    check_pvs,
    check_replicates_vary,
    match_replicates,
    preview,
    warn_single_cases,
    weight_matrix,
)
from ._iea import iea_arguments
from ._variance import Raw, combine, method_constants, tidy

__all__ = ["RepDesign"]

_EXAMPLE = [
    ">>> import pandas as pd",
    ">>> from workbench.survey import RepDesign",
    '>>> df = pd.DataFrame({"w": [1.0, 1, 2, 2], "r1": [2.0, 0, 2, 2], "r2": [1.0, 1, 4, 0],',
    '...                    "g": [0, 0, 1, 1], "y": [1.0, 2, 3, 5]})',
    '>>> d = RepDesign(df, weight="w", replicates="r*", method="JK2")',
]


def _example(obj):
    """Expand a ``{example}`` line in a docstring into the shared tiny design."""
    lines = []
    for line in (obj.__doc__ or "").splitlines():
        if line.strip() == "{example}":
            indent = line[: len(line) - len(line.lstrip())]
            lines += [indent + ex for ex in _EXAMPLE]
        else:
            lines.append(line)
    obj.__doc__ = "\n".join(lines)
    return obj


@_example
class RepDesign:
    """Replicate-weight design with plausible values: the estimation engine.

    Parameters
    ----------
    data
        One row per student. Never modified; the design keeps a reference to it.
    weight
        Full-sample weight column (e.g. ``"TOTWGT"``).
    replicates
        Replicate-weight columns: a glob (``"w_fstr*"``) or a list. The replicate weights
        are full weights (``combined.weights=TRUE`` in R), not factors.
    method
        Fills in the variance constants, variance = scale * sum_r rscales_r (t_r - t)^2:
        ``"JK2"`` (IEA half replicates, one per zone, scale 1; TIMSS/PIRLS <= 2011, ICCS),
        ``"JK2-full"`` (two replicates per zone, scale 1/2; TIMSS 2015+, PIRLS 2016+),
        ``"JK1"`` ((R-1)/R), ``"JKn"`` (scale 1, per-replicate ``rscales`` required),
        ``"BRR"`` (1/R), ``"BRR-Fay"`` (1/(R (1-fay)^2); PISA: 80 replicates, 1/20).
    pvs
        Plausible-value scales: ``{"math": ["ASMMAT1", ..., "ASMMAT5"]}``. A scale name can
        then be used wherever a variable is expected. All scales need the same number of PVs.
    pv_rule
        ``"all"``: sampling variance averaged over all PVs (IEA since 2015, OECD, R's
        ``MIcombine``); ``"first"``: sampling variance from the first PV only (IEA <= 2011).
    fay
        Fay factor for ``"BRR-Fay"``.
    scale, rscales
        Override the constants the method fills in (as in ``svrepdesign``).
    mse
        Centre replicate estimates on the full-sample estimate (True: IEA, OECD,
        ``svrepdesign(mse=TRUE)``) or on the mean of the replicates (False).
    levels
        Benchmark cut scores kept on the design for :meth:`percent_at_or_above`
        (:meth:`iea` fills in 400, 475, 550, 625); kept by :meth:`subset`.

    Notes
    -----
    Every statistic is computed for the full-sample weight and all R replicate weights
    and for every PV in matrix operations, then goes through one replicate-variance
    routine and one Rubin combination: estimate = mean over PVs; se_sampling^2 = mean (or
    first) replicate variance; se_imputation^2 = (1 + 1/M) x between-PV variance;
    se^2 = se_sampling^2 + se_imputation^2.

    Domains (``by=`` groups and :meth:`subset`) keep every replicate weight and count zero
    outside the domain; the data are never subset first.

    Missing values are dropped per estimate as R ``survey`` does with ``na.rm=TRUE``
    (which, for a replicate design, removes the cases from the design, equivalent to a
    zero weight): a case missing a variable (for a PV scale: any of its PVs) does not
    count for that variable's row; rows of ``by`` with a missing group are left out;
    :meth:`corr` and the regressions drop a case missing any variable they use
    (listwise). Each row's ``n`` and ``sum_weights`` describe the cases actually used.

    Checked against
    ---------------
    Published TIMSS 2011 / PISA 2003 figures in ``../shared/reference`` and R
    ``survey::svrepdesign`` + ``mitools::MIcombine`` (``tests/reference/survey``);
    tests in ``tests/test_survey.py``.

    Examples
    --------
    {example}
    >>> d
    RepDesign(n=4, replicates=2, method=JK2, pvs=none)
    """

    def __init__(
        self,
        data: pd.DataFrame,
        *,
        weight: str,
        replicates: str | Sequence[str],
        method: str = "JK2",
        pvs: dict[str, Sequence[str]] | None = None,
        pv_rule: str = "all",
        fay: float = 0.5,
        scale: float | None = None,
        rscales: Sequence[float] | np.ndarray | None = None,
        mse: bool = True,
        levels: Sequence[float] | None = None,
    ) -> None:
        if not isinstance(data, pd.DataFrame):
            raise TypeError(
                f"RepDesign: data must be a pandas DataFrame ({type(data).__name__} given); "
                "wrap it with pd.DataFrame(...)."
            )
        if weight not in data.columns:
            raise KeyError(
                f"RepDesign: weight column {weight!r} is not in the data. Columns are: "
                f"{preview(data.columns)}"
            )
        reps = match_replicates(data, replicates)
        if pv_rule not in ("all", "first"):
            raise ValueError(
                f"RepDesign: unknown pv_rule ({pv_rule!r}); use 'all' (IEA since 2015, "
                "OECD) or 'first' (IEA up to 2011)."
            )
        self._scale, self._rscales = method_constants(
            method, len(reps), fay=fay, scale=scale, rscales=rscales
        )
        self._pvs = check_pvs(data, pvs)
        self._data = data
        self._weight = weight
        self._replicates = reps
        self._method = method
        self._pv_rule = pv_rule
        self._fay = fay
        self._mse = bool(mse)
        self._w = weight_matrix(data, [weight, *reps])
        check_replicates_vary(self._w, reps)
        self._domain = np.ones(len(data), dtype=bool)
        self._levels = _check_levels(levels)

    @classmethod
    def iea(
        cls,
        df: pd.DataFrame,
        *,
        scale: str | Sequence[str] = "reading",
        levels: Sequence[float] | None = (400, 475, 550, 625),
        method: str = "JK2",
        n_pv: int | None = None,
        pv_rule: str = "all",
    ) -> RepDesign:
        """The design of an IEA-named analysis file (``student_results``).

        Weight ``TOTWGT``; replicates ``RWGT1, RWGT2, ...`` in numeric order; plausible
        values ``READ01, READ02, ...`` exposed as the scale ``"reading"`` (the prefix map
        ``workbench.survey._iea.IEA_PV_PREFIX``). The benchmark cut scores are kept on the
        design (:attr:`levels`), so ``d.percent_at_or_above("reading")`` needs no cuts.

        Parameters
        ----------
        df
            One row per assessed student with IEA column names.
        scale
            PV scale name(s), e.g. ``"reading"``.
        levels
            Benchmark cut scores (default: the PIRLS international benchmarks 400, 475,
            550, 625); ``None`` for none.
        method
            Replication method (``"JK2"``: one half replicate per variance zone).
        n_pv
            Use only the first ``n_pv`` plausible values (default: all found).
        pv_rule
            As in :class:`RepDesign`.

        Returns
        -------
        RepDesign

        Raises
        ------
        KeyError
            If an IEA column is missing: the message names it and points to
            ``RepDesign(...)`` for files with other names.

        Checked against
        ---------------
        The TIMSS 2011 reference file renamed to IEA names gives the published 508.31
        (s.e. 2.617); ``test_iea_constructor_reproduces_published_timss``.

        Examples
        --------
        >>> import pandas as pd
        >>> from workbench.survey import RepDesign
        >>> df = pd.DataFrame({"TOTWGT": [1.0, 1, 2, 2], "RWGT1": [2.0, 0, 2, 2],
        ...                    "RWGT2": [1.0, 1, 4, 0], "READ01": [380.0, 420, 500, 640],
        ...                    "READ02": [390.0, 410, 560, 600]})
        >>> d = RepDesign.iea(df)
        >>> d, d.levels
        (RepDesign(n=4, replicates=2, method=JK2, pvs=reading[2]), (400.0, 475.0, 550.0, 625.0))
        >>> d.percent_at_or_above("reading")[["cutpoint", "estimate"]]
           cutpoint   estimate
        0     400.0  83.333333
        1     475.0  66.666667
        2     550.0  50.000000
        3     625.0  16.666667
        """
        args = iea_arguments(df, scale=scale, n_pv=n_pv)
        return cls(df, method=method, pv_rule=pv_rule, levels=levels, **args)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ public API
    @property
    def data(self) -> pd.DataFrame:
        """The data frame the design was built on (not a copy; do not modify it)."""
        return self._data

    @property
    def replicates(self) -> list[str]:
        """Replicate-weight column names, in frame order."""
        return list(self._replicates)

    @property
    def pvs(self) -> dict[str, list[str]]:
        """Plausible-value scales and their columns."""
        return {k: list(v) for k, v in self._pvs.items()}

    @property
    def levels(self) -> tuple[float, ...] | None:
        """Benchmark cut scores kept on the design (used by :meth:`percent_at_or_above`)."""
        return self._levels

    @property
    def method(self) -> str:
        """Replication method name."""
        return self._method

    @property
    def scale(self) -> float:
        """Overall variance factor."""
        return self._scale

    @property
    def rscales(self) -> np.ndarray:
        """Per-replicate variance factors."""
        return self._rscales.copy()

    def __repr__(self) -> str:
        pvs = ",".join(f"{k}[{len(v)}]" for k, v in self._pvs.items()) or "none"
        dom = "" if self._domain.all() else f", domain={int(self._domain.sum())}"
        return (
            f"RepDesign(n={len(self._data)}, replicates={len(self._replicates)}, "
            f"method={self._method}, pvs={pvs}{dom})"
        )

    @_example
    def subset(self, mask: pd.Series | np.ndarray | Sequence[bool]) -> RepDesign:
        """Restrict estimates to a domain, keeping all rows and replicate weights.

        Parameters
        ----------
        mask
            Boolean, one value per row (a Series is aligned on the data's index).

        Returns
        -------
        A new RepDesign whose estimates count only the rows where ``mask`` is true (and
        inside any earlier subset), like ``subset(design, ...)`` in R survey.

        Raises
        ------
        ValueError
            If the mask has the wrong length, missing values or is not boolean.

        Checked against
        ---------------
        R ``subset(svrepdesign, lang == 1)``; ``test_subset_matches_r_domain``.

        Examples
        --------
        {example}
        >>> d.subset(df["g"] == 1)
        RepDesign(n=4, replicates=2, method=JK2, pvs=none, domain=2)
        """
        if isinstance(mask, pd.Series):
            mask = mask.reindex(self._data.index)
        arr = np.asarray(mask)
        if arr.shape != (len(self._data),) or arr.dtype != bool:
            raise ValueError(
                f"RepDesign.subset: mask must be boolean with one value per row (dtype "
                f"{arr.dtype}, shape {arr.shape}, data has {len(self._data)} rows); build it "
                "from the design's data, e.g. d.data['lang'] == 1, and fill missing values."
            )
        new = object.__new__(RepDesign)
        new.__dict__.update(self.__dict__)
        new._domain = self._domain & arr
        return new

    @_example
    def mean(self, variable: str | list[str], *, by: str | list[str] | None = None) -> pd.DataFrame:
        """Weighted mean of variables or PV scales, with replicate standard errors.

        Parameters
        ----------
        variable
            Column or PV-scale name, or a list of them (one row each).
        by
            Grouping column(s); one row per group (missing groups left out).

        Returns
        -------
        DataFrame with the ``by`` columns, ``variable``, ``estimate``, ``se``, ``n``,
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
        return self._finish(est.mean(self, variable, by=by))

    @_example
    def total(
        self, variable: str | list[str], *, by: str | list[str] | None = None
    ) -> pd.DataFrame:
        """Weighted total (population total) of variables or PV scales.

        Parameters
        ----------
        variable
            Column or PV-scale name, or a list of them.
        by
            Grouping column(s).

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
        return self._finish(est.total(self, variable, by=by))

    @_example
    def percent(
        self, variable: str | list[str], *, by: str | list[str] | None = None
    ) -> pd.DataFrame:
        """Percentage of cases in each category of a categorical variable (0-100).

        Percentages are of the cases with the variable observed, within each group.

        Parameters
        ----------
        variable
            Categorical column(s) (not a PV scale).
        by
            Grouping column(s).

        Returns
        -------
        DataFrame with the ``by`` columns, ``variable``, ``category``, ``estimate``, ``se``,
        ``n`` and ``sum_weights`` (of the group's cases with the variable observed, the
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
        return self._finish(est.percent(self, variable, by=by))

    @_example
    def percent_at_or_above(
        self,
        variable: str | list[str],
        cutpoints: Sequence[float] | float | None = None,
        *,
        by: str | list[str] | None = None,
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

        Returns
        -------
        DataFrame with the ``by`` columns, ``variable``, ``cutpoint``, ``estimate``, ``se``,
        ``n``, ``sum_weights`` (+ PV parts).

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
        if cutpoints is None:
            if self._levels is None:
                raise ValueError(
                    "RepDesign.percent_at_or_above: no cut points given and the design has no "
                    "levels (None); pass cutpoints=[...] or build the design with levels=[...]."
                )
            cutpoints = self._levels
        return self._finish(est.percent_at_or_above(self, variable, cutpoints, by=by))

    @_example
    def quantile(
        self,
        variable: str | list[str],
        probs: Sequence[float] | float,
        *,
        by: str | list[str] | None = None,
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

        Returns
        -------
        DataFrame with the ``by`` columns, ``variable``, ``quantile``, ``estimate``, ``se``,
        ``n``, ``sum_weights`` (+ PV parts).

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
        return self._finish(est.quantile(self, variable, probs, by=by))

    @_example
    def std(self, variable: str | list[str], *, by: str | list[str] | None = None) -> pd.DataFrame:
        """Weighted standard deviation, ``sqrt(n/(n-1) * sum w (x - m)^2 / sum w)``.

        The n/(n-1) factor (n = unweighted cases used) follows R's ``svyvar``.

        Parameters
        ----------
        variable
            PV scale or column.
        by
            Grouping column(s).

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
        return self._finish(est.std(self, variable, by=by))

    @_example
    def corr(self, variables: list[str], *, by: str | list[str] | None = None) -> pd.DataFrame:
        """Weighted Pearson correlation of every pair of variables (listwise complete).

        With two PV scales, PV m is paired with PV m.

        Parameters
        ----------
        variables
            Two or more columns or PV scales.
        by
            Grouping column(s).

        Returns
        -------
        DataFrame with the ``by`` columns, ``variable``, ``with``, ``estimate``, ``se``,
        ``n``, ``sum_weights`` (+ PV parts); one row per pair.

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
        return self._finish(est.corr(self, variables, by=by))

    @_example
    def gap(
        self,
        variable: str | list[str],
        *,
        by: str,
        statistic: str = "mean",
        reference: object = None,
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

        Returns
        -------
        DataFrame with ``by`` (the group), ``reference``, the statistic's key columns,
        ``estimate``, ``se``, ``n`` and ``sum_weights`` (both groups) (+ PV parts).

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
            est.gap(self, variable, by, statistic, reference, **kwargs)  # type: ignore[arg-type]
        )

    @_example
    def regress(self, formula: str, *, by: str | list[str] | None = None) -> pd.DataFrame:
        """Weighted linear regression with replicate standard errors.

        Parameters
        ----------
        formula
            ``"outcome ~ x1 + x2 + C(cat)"``; ``C(name)`` is treatment-coded against its
            first sorted level; ``- 1`` drops the intercept. Outcome and predictors may be
            PV scales (PV m is used with PV m).
        by
            Grouping column(s): one model per group.

        Returns
        -------
        DataFrame with the ``by`` columns, ``variable`` (outcome), ``term``, ``estimate``,
        ``se``, ``n``, ``sum_weights`` (+ PV parts).

        Raises
        ------
        ValueError
            If the formula uses unsupported syntax or the design matrix is rank deficient.

        Checked against
        ---------------
        R ``svyglm`` on the replicate design + ``MIcombine``;
        ``test_regress_matches_r_svyglm``.

        Examples
        --------
        {example}
        >>> d.regress("y ~ g")[["term", "estimate", "se"]]
                  term  estimate        se
        0  (Intercept)       1.5  0.500000
        1            g       2.5  1.118034
        """
        return self._finish(est.model(self, formula, by, family="linear"))

    def logit(self, formula: str, *, by: str | list[str] | None = None) -> pd.DataFrame:
        """Weighted logistic regression (coefficients on the log-odds scale).

        All replicates are fitted together by a vectorized Newton-Raphson (IRLS) to a
        relative step below 1e-12.

        Parameters
        ----------
        formula
            ``"y ~ x1 + C(cat)"`` with ``y`` coded 0/1; predictors may be PV scales.
        by
            Grouping column(s).

        Returns
        -------
        Same columns as :meth:`regress`.

        Raises
        ------
        ValueError
            If the outcome is not coded 0/1.

        Checked against
        ---------------
        R ``svyglm(..., family=quasibinomial())`` on the replicate design;
        ``test_logit_matches_r_svyglm``.

        Examples
        --------
        >>> import pandas as pd
        >>> from workbench.survey import RepDesign
        >>> df = pd.DataFrame({"w": [1.0] * 6, "r1": [2.0, 0, 1, 1, 1, 1],
        ...                    "r2": [1.0, 1, 2, 0, 1, 1], "x": [0, 1, 2, 3, 4, 5],
        ...                    "y": [0, 1, 0, 1, 0, 1]})
        >>> d = RepDesign(df, weight="w", replicates=["r1", "r2"])
        >>> d.logit("y ~ x")["estimate"].round(6).tolist()
        [-0.903302, 0.361321]
        """
        return self._finish(est.model(self, formula, by, family="logit"))

    # ------------------------------------------------------------------ internals
    def _finish(self, raw: Raw) -> pd.DataFrame:
        """The one path from replicate estimates to a table: variance, Rubin, tidy."""
        stats = combine(raw.theta, self._scale, self._rscales, self._mse, self._pv_rule)
        table = tidy(raw, stats)
        warn_single_cases(table)
        return table

    def _column(self, name: str, *, caller: str) -> pd.Series:
        if name not in self._data.columns:
            raise KeyError(
                f"{caller}: no column or PV scale named {name!r}. Columns are: "
                f"{preview(self._data.columns)}; PV scales: {list(self._pvs) or 'none'}"
            )
        return self._data[name]

    def _values(self, name: str) -> tuple[np.ndarray, bool]:
        """(n, M) float values of a PV scale, or (n, 1) of a column; and whether PV."""
        cols = self._pvs.get(name)
        is_pv = cols is not None
        if not is_pv:
            self._column(name, caller="RepDesign")
            cols = [name]
        frame = self._data[cols]
        try:
            vals = frame.to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError) as err:
            raise TypeError(
                f"RepDesign: variable {name!r} is not numeric (dtypes "
                f"{frame.dtypes.astype(str).tolist()}); use percent() for categories or "
                "recode it to numbers."
            ) from err
        return vals, is_pv

    def _m_max(self, variables: list[str]) -> int:
        return max([len(self._pvs[v]) for v in variables if v in self._pvs] or [1])

    def _groups(self, by: str | list[str] | None) -> tuple[pd.DataFrame, np.ndarray, int]:
        """Group keys (G rows), a code per row (-1 outside the domain/groups), G."""
        n = len(self._data)
        if by is None:
            return pd.DataFrame(index=[0]), np.where(self._domain, 0, -1), 1
        cols = [by] if isinstance(by, str) else list(by)
        missing = [c for c in cols if c not in self._data.columns]
        if missing:
            raise KeyError(
                f"RepDesign: by column(s) {missing} not in the data. Columns are: "
                f"{preview(self._data.columns)}"
            )
        frame = self._data.loc[self._domain, cols]
        grouped = frame.groupby(cols, sort=True, dropna=True, observed=True)
        codes = np.full(n, -1, dtype=np.int64)
        codes[self._domain] = grouped.ngroup().fillna(-1).to_numpy(dtype=np.int64)
        keys = grouped.size().index.to_frame(index=False)
        return keys, codes, len(keys)


def _check_levels(levels: Sequence[float] | None) -> tuple[float, ...] | None:
    """Cut scores as a sorted tuple of floats (None stays None)."""
    if levels is None:
        return None
    try:
        out = tuple(float(v) for v in np.atleast_1d(np.asarray(levels, dtype=float)))
    except (TypeError, ValueError) as err:
        raise ValueError(
            f"RepDesign: levels must be numbers ({levels!r}); give cut scores such as "
            "[400, 475, 550, 625]."
        ) from err
    if not out or list(out) != sorted(out) or not np.isfinite(out).all():
        raise ValueError(
            f"RepDesign: levels must be finite increasing cut scores ({levels!r}); give e.g. "
            "[400, 475, 550, 625]."
        )
    return out
