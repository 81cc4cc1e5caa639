"""The :class:`RepDesign` object (stage: results & comparative analysis).

A replicate-weight survey design with plausible values, modelled on R's
``survey::svrepdesign`` + ``mitools::MIcombine`` and on the IEA/OECD conventions.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._checks import check_pvs, match_replicates, preview, read_weights, warn_single_cases
from ._compare import Comparisons
from ._descriptive import Descriptive
from ._doc import example
from ._iea import iea_arguments
from ._inference import DF_RULES, check_level, inference_columns
from ._models import Models
from ._replicates import Replication
from ._variance import Raw, combine, method_constants, tidy

__all__ = ["RepDesign"]


@example
class RepDesign(Descriptive, Models, Comparisons, Replication):
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
    df_rule
        Degrees of freedom of each estimate (``df`` column, used by ``ci_lower``/``ci_upper``
        and ``p_value``): ``"johnson-rust"`` (default; the zones that carry the estimate,
        Welch-Satterthwaite with the Johnson-Rust correction, capped at that zone count, as
        EdSurvey's ``DoFCorrection(method="JR")``) or ``"zones"`` (the count of zones that
        carry it). Both then combine with the PVs by Barnard-Rubin. See
        ``workbench.survey._inference`` for the formulas and references.

    Notes
    -----
    Every statistic is computed for the full-sample weight and all R replicate weights
    and for every PV in matrix operations, then goes through one replicate-variance
    routine and one Rubin combination: estimate = mean over PVs; se_sampling^2 = mean (or
    first) replicate variance; se_imputation^2 = (1 + 1/M) x between-PV variance;
    se^2 = se_sampling^2 + se_imputation^2.

    Inference: every table carries ``df``, ``ci_lower`` and ``ci_upper`` (t with ``df``, the
    method's ``level=``, 0.95 by default) and, for differences, coefficients and
    correlations, ``p_value`` (H0: 0). ``df`` is the estimate's own: the variance zones that
    carry it (for a domain, only the zones where it has cases), Johnson-Rust corrected and
    combined with the PVs by Barnard-Rubin (``df_rule``; ``workbench.survey._inference``).
    ``d.degf`` is the design's zone count. R ``survey`` instead uses ``degf`` = rank of the
    replicate weights - 1 for every estimate.

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
        df_rule: str = "johnson-rust",
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
        if df_rule not in DF_RULES:
            raise ValueError(
                f"RepDesign: unknown df_rule ({df_rule!r}); use one of {', '.join(DF_RULES)}."
            )
        self._df_rule = df_rule
        self._weights = read_weights(data, [weight, *reps])
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
        df_rule: str = "johnson-rust",
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
        pv_rule, df_rule
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
        return cls(df, method=method, pv_rule=pv_rule, levels=levels, df_rule=df_rule, **args)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ public API
    @property
    def data(self) -> pd.DataFrame:
        """The data frame the design was built on (not a copy; do not modify it)."""
        return self._data

    @property
    def weight(self) -> str:
        """The full-sample weight column (e.g. ``"TOTWGT"``)."""
        return self._weight

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
    def degf(self) -> int:
        """Design degrees of freedom: the number of variance zones (replicates per zone:
        1 for JK2, 2 for JK2-full). Estimates carry their own ``df`` (see ``df_rule``)."""
        return int(np.ceil(len(self._replicates) / self._per_zone))

    @property
    def df_rule(self) -> str:
        """How each estimate's ``df`` is found (``"johnson-rust"`` or ``"zones"``)."""
        return self._df_rule

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

    @example
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

    # ------------------------------------------------------------------ internals
    def _finish(self, raw: Raw, level: float = 0.95, *, p_value: bool = False) -> pd.DataFrame:
        """The one path from replicate estimates to a table: variance, Rubin, df, tidy."""
        level = check_level(level, "RepDesign")
        stats = self._combine(raw.theta)
        inference = inference_columns(
            stats["estimate"], stats["se"], stats["df"], level, p_value=p_value
        )
        table = tidy(raw, stats, inference)
        warn_single_cases(table)
        return table

    def _combine(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        return combine(
            theta,
            self._scale,
            self._rscales,
            self._mse,
            self._pv_rule,
            per_zone=self._per_zone,
            df_rule=self._df_rule,
        )

    @property
    def _per_zone(self) -> int:
        return 2 if self._method == "JK2-full" else 1

    def _cuts(self, cutpoints: Sequence[float] | float | None) -> Sequence[float] | float:
        """Explicit cut points, else the design's levels, else a clear error."""
        if cutpoints is not None:
            return cutpoints
        if self._levels is None:
            raise ValueError(
                "RepDesign.percent_at_or_above: no cut points given and the design has no "
                "levels (None); pass cutpoints=[...] or build the design with levels=[...]."
            )
        return self._levels

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
        try:  # column by column: a frame of the columns would copy through pandas first
            vals = np.column_stack(
                [self._data[c].to_numpy(dtype=float, na_value=np.nan) for c in cols]
            )
        except (TypeError, ValueError) as err:
            raise TypeError(
                f"RepDesign: variable {name!r} is not numeric (dtypes "
                f"{self._data[cols].dtypes.astype(str).tolist()}); use percent() for "
                "categories or recode it to numbers."
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
        if len(cols) == 1 and _plain_numeric(self._data[cols[0]]):
            return _numeric_groups(self._data[cols[0]], self._domain)
        frame = self._data.loc[self._domain, cols]
        grouped = frame.groupby(cols, sort=True, dropna=True, observed=True)
        codes = np.full(n, -1, dtype=np.int64)
        codes[self._domain] = grouped.ngroup().fillna(-1).to_numpy(dtype=np.int64)
        keys = grouped.size().index.to_frame(index=False)
        return keys, codes, len(keys)


def _plain_numeric(col: pd.Series) -> bool:
    return isinstance(col.dtype, np.dtype) and col.dtype.kind in "biuf"


def _numeric_groups(col: pd.Series, domain: np.ndarray) -> tuple[pd.DataFrame, np.ndarray, int]:
    """The groups of one numeric column by a sort (no pandas groupby): the same sorted keys
    and codes as ``groupby(sort=True, dropna=True)``, missing values and rows outside the
    domain coded -1."""
    values = col.to_numpy()
    inside = domain & ~np.isnan(values) if values.dtype.kind == "f" else domain
    levels, inverse = np.unique(values[inside], return_inverse=True)
    codes = np.full(values.size, -1, dtype=np.int64)
    codes[inside] = inverse
    return pd.DataFrame({col.name: levels}), codes, levels.size


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
