"""Gaps between groups (stage: results, exhibit 3): which differences are real.

Girls - boys, urban - rural, each language of instruction against the majority language,
each oblast against the national mean (a part-whole comparison: the oblast is part of the
nation, so the SE comes from the replicate differences, not from two independent SEs) and
every pair of oblasts (IEA's unadjusted 5 % rule beside a Holm adjustment). A significant
difference is marked as in IEA exhibits: ``▲`` significantly higher, ``▼`` significantly
lower.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.results._common import group_code, inference

__all__ = ["UP", "DOWN", "gaps", "region_vs_national", "region_pairs", "mark", "majority_language"]

#: symbol of a significantly higher (positive) difference
UP = "▲"
#: symbol of a significantly lower (negative) difference
DOWN = "▼"


def mark(estimate: pd.Series, significant: pd.Series) -> pd.Series:
    """``▲`` / ``▼`` for significant positive / negative differences, ``""`` otherwise.

    Examples
    --------
    >>> mark(pd.Series([5.0, -3.0, 2.0]), pd.Series([True, True, False])).tolist()
    ['▲', '▼', '']
    """
    sig = significant.fillna(False).astype(bool).to_numpy()
    est = estimate.to_numpy(float)
    return pd.Series(
        np.where(sig & (est > 0), UP, np.where(sig & (est < 0), DOWN, "")), index=estimate.index
    )


def majority_language(design, *, by: str = "language") -> str:
    """The language of instruction of the largest weighted share of students."""
    shares = design.percent(by)
    return str(shares.loc[shares["estimate"].idxmax(), "category"])


def gaps(
    design,
    *,
    variable: str = "reading",
    sex: str = "ITSEX",
    locality: str | None = "locality",
    language: str | None = "language",
    majority: str | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Girls - boys, urban - rural and each language - the majority language.

    Parameters
    ----------
    design
        ``RepDesign`` of the student analysis file.
    variable
        PV scale.
    sex, locality, language
        Group columns (``ITSEX``: 1 girl, 2 boy; ``locality``: urban/rural); ``locality=None``
        leaves the urban - rural gap out, ``language=None`` the language comparisons.
    majority
        Reference language (default: the largest weighted share, :func:`majority_language`).
    alpha
        Significance level of the flag and the symbol.

    Returns
    -------
    DataFrame
        ``comparison`` (``girls_boys``, ``urban_rural``, ``language``), ``group``,
        ``reference``, ``estimate, se, df, ci_lower, ci_upper, p_value, significant,
        symbol, n``; the difference is group minus reference.

    Checked against
    ---------------
    R ``svycontrast(svyby(~PV, ~g, svymean, covmat=TRUE), ...)`` + ``MIcombine`` on the
    TIMSS 2011 JK2 design (``tests/reference/results``); the synthetic nation's true gaps.

    Examples
    --------
    >>> import pandas as pd
    >>> from workbench.survey import RepDesign
    >>> df = pd.DataFrame({"TOTWGT": [1.0] * 4, "RWGT1": [2.0, 0, 1, 1],
    ...                    "RWGT2": [1.0, 1, 2, 0], "READ01": [400.0, 500, 520, 610],
    ...                    "ITSEX": [1, 2, 1, 2], "locality": ["urban", "rural"] * 2})
    >>> gaps(RepDesign.iea(df), language=None)[["comparison", "estimate"]].values.tolist()
    [['girls_boys', -95.0], ['urban_rural', -95.0]]
    """
    parts = []
    spec = [("girls_boys", sex, 2)]
    if locality is not None:
        spec.append(("urban_rural", locality, "rural"))
    if language is not None:
        spec.append(("language", language, majority or majority_language(design, by=language)))
    for name, column, reference in spec:
        table = design.gap(variable, by=column, reference=reference)
        table = table.rename(columns={column: "group"})
        table["group"] = [group_code(column, v) for v in table["group"]]
        table["reference"] = [group_code(column, v) for v in table["reference"]]
        table.insert(0, "comparison", name)
        parts.append(table)
    out = inference(pd.concat(parts, ignore_index=True), level=1 - alpha)
    out["significant"] = out["p_value"] < alpha
    out["symbol"] = mark(out["estimate"], out["significant"])
    return out


def region_vs_national(
    design,
    *,
    variable: str = "reading",
    by: str = "region",
    adjust: str = "holm",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Each oblast's mean minus the national mean, with the part-whole SE.

    The difference is formed for every replicate weight and PV
    (``RepDesign.compare_to_total``), so the SE accounts for the oblast being part of the
    nation (two independent SEs would overstate it).

    Returns
    -------
    DataFrame
        ``group, estimate_group, estimate_total, estimate`` (the difference, points),
        ``se, df, ci_lower, ci_upper, p_value, significant`` (IEA rule, unadjusted),
        ``p_adjusted, significant_adjusted, symbol, symbol_adjusted, n`` (+ PV parts).

    Checked against
    ---------------
    R ``withReplicates`` of (domain mean - total mean) per PV + ``MIcombine`` on the TIMSS
    2011 JK2 design (``tests/reference/results``).
    """
    table = design.compare_to_total(variable, by=by, adjust=adjust, alpha=alpha, level=1 - alpha)
    table = table.rename(
        columns={by: "group", "difference": "estimate", "significant_unadjusted": "significant"}
    )
    table["group"] = [group_code(by, v) for v in table["group"]]
    return _symbols(table)


def region_pairs(
    design,
    *,
    variable: str = "reading",
    by: str = "region",
    adjust: str = "holm",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Every pair of oblasts: difference, SE, the unadjusted IEA flag and an adjusted flag.

    Parameters
    ----------
    adjust
        Multiple-comparison adjustment of ``RepDesign.compare`` (``"holm"``, ``"bh"``).

    Returns
    -------
    DataFrame
        ``group, other, estimate`` (group - other), ``se, df, ci_lower, ci_upper, p_value,
        significant`` (IEA rule, unadjusted), ``p_adjusted, significant_adjusted,
        adjustment, symbol, symbol_adjusted, n`` (both groups).

    Checked against
    ---------------
    R ``svycontrast`` of every pair + ``p.adjust(method="holm")`` on the TIMSS 2011 JK2
    design (``tests/reference/results``).
    """
    table = design.compare(variable, by=by, adjust=adjust, alpha=alpha, level=1 - alpha)
    table = table.rename(
        columns={
            "group_a": "group",
            "group_b": "other",
            "difference": "estimate",
            "significant_unadjusted": "significant",
        }
    )
    for column in ("group", "other"):
        table[column] = [group_code(by, v) for v in table[column]]
    return _symbols(table)


def _symbols(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    out["symbol"] = mark(out["estimate"], out["significant"])
    out["symbol_adjusted"] = mark(out["estimate"], out["significant_adjusted"])
    first = [
        c
        for c in (
            "group",
            "other",
            "estimate_group",
            "estimate_total",
            "estimate",
            "se",
            "df",
            "ci_lower",
            "ci_upper",
            "p_value",
            "significant",
            "symbol",
            "p_adjusted",
            "significant_adjusted",
            "symbol_adjusted",
            "n",
        )
        if c in out.columns
    ]
    return out[first + [c for c in out.columns if c not in first]]
