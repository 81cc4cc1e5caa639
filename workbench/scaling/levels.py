"""Proficiency levels and trend differences (stage: scaling).

Levels are the intervals between the cut scores (PIRLS benchmarks 400/475/550/625 by default),
kept on the cycle's design (``RepDesign.iea``); the percentage of students at or above each
comes from the plausible values through that design. A trend difference
adds the linking error to the sampling and imputation variance of the two cycles (PIRLS, PISA).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from workbench.labels import LANGS, label

__all__ = [
    "LEVEL_CODES",
    "LEVEL_DESCRIPTIONS",
    "benchmark_cuts",
    "level_label",
    "proficiency_levels",
    "benchmark_table",
    "levels_table",
    "trend_difference",
    "trend_report",
    "national_change",
]

#: label keys of the PIRLS benchmarks' names and descriptions (below the first cut, then one
#: per cut), kept in ``workbench/texts/labels_scaling.yaml``: ``pirls_level_<k>[_text]``
_LEVEL_KEYS = tuple(f"pirls_level_{k}" for k in range(5))
#: codes of the PIRLS levels, as the cycle's parameters name the cuts (``cuts: [400, 475, 550,
#: 625]  # low, intermediate, high, advanced``): the ``name`` that ``proficiency_levels``
#: stores, labelled in each page's language by :func:`level_label`
LEVEL_CODES = ("below_low", "low", "intermediate", "high", "advanced")
#: what a reader at each level can do, per language (from the label file)
LEVEL_DESCRIPTIONS = {lang: [label(f"{k}_text", lang) for k in _LEVEL_KEYS] for lang in LANGS}
_NAMES = {lang: [label(k, lang) for k in _LEVEL_KEYS] for lang in LANGS}


def benchmark_cuts(cuts: Sequence[float]) -> dict[str, float]:
    """Name the cut scores: the PIRLS benchmark names for four cuts, else the scores.

    Examples
    --------
    >>> benchmark_cuts([400, 475, 550, 625])["High"]
    550.0
    """
    values = sorted(float(c) for c in cuts)
    names = list(_NAMES["en"][1:]) if len(values) == 4 else [f"{v:g}" for v in values]
    return dict(zip(names, values, strict=True))


def proficiency_levels(cuts: Sequence[float], *, lang: str | None = None) -> pd.DataFrame:
    """The levels cut by ``cuts``: ``level, name, lower, upper, description``.

    Level 0 lies below the first cut; level k runs from cut k up to cut k+1. Without
    ``lang`` (the table a cycle stores) ``name`` is a code, the same in every language: the
    PIRLS benchmark's (:data:`LEVEL_CODES`) when there are four cuts, else the level's number;
    ``description`` is the label key of the PIRLS description (``pirls_level_1_text``; empty
    for other cuts). A page shows them with :func:`level_label` in its own language. With
    ``lang``: the names and descriptions written in that language.

    Examples
    --------
    >>> levels = proficiency_levels([400, 475, 550, 625])
    >>> levels.loc[1, "name"], float(levels.loc[1, "lower"]), levels.loc[1, "description"]
    ('low', 400.0, 'pirls_level_1_text')
    >>> proficiency_levels([400, 475, 550, 625], lang="ru").loc[1, "name"]
    'Низкий'
    """
    values = sorted(float(c) for c in cuts)
    if not values or (lang is not None and lang not in LEVEL_DESCRIPTIONS):
        raise ValueError(
            f"proficiency_levels: need at least one cut and lang ky, ru, en or none "
            f"({list(cuts)!r}, {lang!r} given); e.g. cuts=[400, 475, 550, 625]."
        )
    standard = len(values) == 4
    if not standard:
        names, texts = [str(k) for k in range(len(values) + 1)], [""] * (len(values) + 1)
    elif lang is None:
        names, texts = list(LEVEL_CODES), [f"{key}_text" for key in _LEVEL_KEYS]
    else:
        names, texts = _NAMES[lang], LEVEL_DESCRIPTIONS[lang]
    return pd.DataFrame(
        {
            "level": np.arange(len(values) + 1),
            "name": names,
            "lower": [np.nan, *values],
            "upper": [*values, np.nan],
            "description": texts,
        }
    )


def level_label(code: object, lang: str, *, description: bool = False) -> str:
    """A level's name (or, with ``description``, what a reader at that level can do) in
    ``lang``, from the code :func:`proficiency_levels` stores (:data:`LEVEL_CODES`); another
    value (a generic level's number, a name an older cycle stored in its language) is shown as
    it is.

    Examples
    --------
    >>> level_label("low", "ru"), level_label("advanced", "ky"), level_label("2", "en")
    ('Низкий', 'Өркүндөтүлгөн', '2')
    >>> level_label("high", "en", description=True).split(":")[0]
    'High'
    """
    if code not in LEVEL_CODES:
        return "" if code is None or (isinstance(code, float) and np.isnan(code)) else str(code)
    key = _LEVEL_KEYS[LEVEL_CODES.index(code)]
    return label(f"{key}_text" if description else key, lang)


def benchmark_table(
    design, *, scale: str = "reading", lang: str = "en", by: str | list[str] | None = None
) -> pd.DataFrame:
    """The proficiency levels with the percentage of students at or above each (IEA style).

    The cut scores are the design's (``RepDesign.iea(..., levels=...)``); the percentages and
    their inference come from ``design.percent_at_or_above(scale)``.

    Parameters
    ----------
    design
        A ``workbench.survey.RepDesign`` with cut scores (``design.levels``).
    scale
        The PV scale (``"reading"``).
    lang
        Language of the level names and descriptions.
    by
        Optional grouping column(s).

    Returns
    -------
    DataFrame
        ``[by], level, name, lower, upper, description`` and, from the level's lower cut,
        ``estimate`` (percent at or above), ``se``, ``ci_lower``, ``ci_upper``, ``df``, ``n``;
        level 0 (below the lowest cut) has no percentage.

    Examples
    --------
    >>> import pandas as pd
    >>> from workbench.survey import RepDesign
    >>> df = pd.DataFrame({"TOTWGT": [1.0, 1, 2, 2], "RWGT1": [2.0, 0, 2, 2],
    ...                    "RWGT2": [1.0, 1, 4, 0], "READ01": [380.0, 420, 500, 640],
    ...                    "READ02": [390.0, 410, 560, 600]})
    >>> benchmark_table(RepDesign.iea(df))[["name", "estimate"]].round(1).values.tolist()
    [['Below low', nan], ['Low', 83.3], ['Intermediate', 66.7], ['High', 50.0], \
['Advanced', 16.7]]
    """
    cuts = getattr(design, "levels", None)
    if not cuts:
        raise ValueError(
            "benchmark_table: the design has no cut scores; build it with "
            "RepDesign.iea(student_results, levels=[400, 475, 550, 625])."
        )
    keys = [by] if isinstance(by, str) else list(by or [])
    levels = proficiency_levels(cuts, lang=lang)
    shares = design.percent_at_or_above(scale, by=by)
    kept = [c for c in ["estimate", "se", "ci_lower", "ci_upper", "df", "n"] if c in shares]
    shares = shares[[*keys, "cutpoint", *kept]].assign(
        cutpoint=lambda t: t["cutpoint"].astype(float)
    )
    if keys:
        groups = shares[keys].drop_duplicates()
        levels = groups.merge(levels, how="cross")
    out = levels.merge(
        shares, left_on=[*keys, "lower"], right_on=[*keys, "cutpoint"], how="left"
    ).drop(columns="cutpoint")
    return out.reset_index(drop=True)


def levels_table(table: pd.DataFrame) -> pd.DataFrame:
    """The benchmark table as a report shows it: the PIRLS levels' ``name`` and
    ``description`` as label keys (``pirls_level_2``, ``pirls_level_2_text``) that the page
    labels in its own language; other cuts keep their generic names.

    Parameters
    ----------
    table
        :func:`benchmark_table` output (without ``by``).

    Returns
    -------
    DataFrame
        ``level, name, lower, upper, estimate, se, ci_lower, ci_upper, n, description``.

    Examples
    --------
    >>> t = proficiency_levels([400, 475, 550, 625], lang="ru")
    >>> levels_table(t.assign(estimate=1.0, se=0.1, ci_lower=0.8, ci_upper=1.2, n=9))[
    ...     "name"].tolist()[:2]
    ['pirls_level_0', 'pirls_level_1']
    """
    columns = ["level", "name", "lower", "upper", "estimate", "se", "ci_lower", "ci_upper", "n"]
    out = table[[*columns, "description"]].copy()
    if len(out) == len(_LEVEL_KEYS) and out["level"].tolist() == list(range(len(_LEVEL_KEYS))):
        out["name"] = list(_LEVEL_KEYS)
        out["description"] = [f"{key}_text" for key in _LEVEL_KEYS]
    return out


def trend_difference(
    current: pd.DataFrame,
    base: pd.DataFrame,
    *,
    linking_error: float,
    by: str | list[str] | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Change of an estimate between two cycles, its SE including the linking error.

    ``se = sqrt(se_current^2 + se_base^2 + linking_error^2)``: the two samples are
    independent; the linking error (reporting-scale points) is the uncertainty of placing the
    current cycle on the base scale. For a difference of gaps between groups of the same cycle
    pass ``linking_error=0`` (a common shift cancels).

    Parameters
    ----------
    current, base
        Tables of ``RepDesign`` estimates (``[by], estimate, se``) of the same statistic.
    linking_error
        In the units of the estimates.
    by
        Columns that match the rows of the two tables.
    level
        Confidence level of the interval.

    Returns
    -------
    DataFrame
        ``[by], estimate_base, se_base, estimate_current, se_current, difference,
        se_sampling, linking_error, se, z, ci_lower, ci_upper, p_value`` (normal reference
        distribution, as PIRLS and PISA test trends; ``p_value`` two-sided for no change).

    Checked against
    ---------------
    Hand computation; recovery of the planted trend of ``workbench.synth.trend``;
    ``tests/test_trend.py``.

    Examples
    --------
    >>> import pandas as pd
    >>> now = pd.DataFrame({"estimate": [512.0], "se": [3.0]})
    >>> then = pd.DataFrame({"estimate": [500.0], "se": [4.0]})
    >>> trend_difference(now, then, linking_error=0.0)[["difference", "se"]].iloc[0].tolist()
    [12.0, 5.0]
    """
    keys = [by] if isinstance(by, str) else list(by or [])
    for name, table in (("current", current), ("base", base)):
        absent = [c for c in [*keys, "estimate", "se"] if c not in table.columns]
        if absent:
            raise KeyError(
                f"trend_difference: {name} has no columns {absent}; pass RepDesign "
                "estimates (estimate, se and the by columns)."
            )
    if not np.isfinite(linking_error) or linking_error < 0:
        raise ValueError(
            f"trend_difference: linking_error must be finite and >= 0 "
            f"({linking_error!r} given); take it from the linking table."
        )
    left = base[[*keys, "estimate", "se"]].rename(
        columns={"estimate": "estimate_base", "se": "se_base"}
    )
    right = current[[*keys, "estimate", "se"]].rename(
        columns={"estimate": "estimate_current", "se": "se_current"}
    )
    out = (
        left.merge(right, on=keys, how="inner")
        if keys
        else pd.concat([left.reset_index(drop=True), right.reset_index(drop=True)], axis=1)
    )
    out["difference"] = out["estimate_current"] - out["estimate_base"]
    out["se_sampling"] = np.sqrt(out["se_current"] ** 2 + out["se_base"] ** 2)
    out["linking_error"] = float(linking_error)
    out["se"] = np.sqrt(out["se_sampling"] ** 2 + linking_error**2)
    out["z"] = out["difference"] / out["se"]
    if not 0 < level < 1:
        raise ValueError(
            f"trend_difference: level must be in (0, 1) ({level!r} given); e.g. level=0.95."
        )
    crit = float(stats.norm.ppf(0.5 + level / 2))
    out["ci_lower"] = out["difference"] - crit * out["se"]
    out["ci_upper"] = out["difference"] + crit * out["se"]
    out["p_value"] = 2 * stats.norm.sf(np.abs(out["z"]))
    return out.reset_index(drop=True)


def trend_report(
    design, base, *, variable: str = "reading", linking_error: float, by: str = "locality"
) -> pd.DataFrame:
    """National and group means of two cycles and the change of the gap between the groups.

    Parameters
    ----------
    design, base
        ``RepDesign.iea`` of the current and of the base cycle's ``student_results`` (same
        PV scale ``variable``); ``base=None`` gives an empty table (a base cycle has no
        trend).
    linking_error
        Reporting-scale points; it enters every difference of means, not the change of a
        gap (a common shift of the scale cancels in a gap).
    by
        One grouping column present in both designs.

    Returns
    -------
    DataFrame
        ``statistic`` (``mean`` or ``gap``), ``group``, then the columns of
        :func:`trend_difference`.
    """
    columns = [
        "statistic",
        "group",
        "estimate_base",
        "se_base",
        "estimate_current",
        "se_current",
        "difference",
        "se_sampling",
        "linking_error",
        "se",
        "z",
        "ci_lower",
        "ci_upper",
        "p_value",
    ]
    if base is None:
        return pd.DataFrame(columns=columns)
    national = trend_difference(
        design.mean(variable), base.mean(variable), linking_error=linking_error
    ).assign(group="all")
    groups = trend_difference(
        design.mean(variable, by=by), base.mean(variable, by=by), linking_error=linking_error, by=by
    ).rename(columns={by: "group"})
    gap_now, gap_then = design.gap(variable, by=by), base.gap(variable, by=by)
    label = [c for c in gap_now.columns if c not in ("estimate", "se")][0]
    gaps = trend_difference(gap_now, gap_then, linking_error=0.0, by=label).rename(
        columns={label: "group"}
    )
    out = pd.concat(
        [
            national.assign(statistic="mean"),
            groups.assign(statistic="mean"),
            gaps.assign(statistic="gap"),
        ],
        ignore_index=True,
    )
    out["group"] = out["group"].astype(str)
    return out[columns]


def national_change(trend: pd.DataFrame) -> float:
    """The change of the national mean since the base cycle (the first row of
    :func:`trend_report`); ``0.0`` for a base cycle, whose trend table is empty.

    Examples
    --------
    >>> national_change(pd.DataFrame({"difference": [-4.5, 2.0]})), national_change(
    ...     pd.DataFrame({"difference": []}))
    (-4.5, 0.0)
    """
    return float(trend["difference"].iloc[0]) if len(trend) else 0.0
