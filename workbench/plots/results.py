"""Figures of the results report (stage ``60_results``), drawn in any report language.

Each function takes an exhibit table and ``lang`` and returns a matplotlib ``Figure``: the
distribution (percentile bar with the mean and its confidence interval, ordered by mean), the
benchmark shares (stacked bars) and the international context (means with CIs, neighbours
highlighted, the caveats beside it). The notebook shows them with
:func:`workbench.report.figure`, which draws them again in every report language.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from workbench.labels import label
from workbench.report import code_label, text

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["distribution_figure", "benchmarks_figure", "international_figure"]

_BAND = ("#c6dbef", "#6baed6", "#2171b5")
_LEVELS = ("#d73027", "#fc8d59", "#fee090", "#91bfdb", "#4575b4")


def _words(key: str, lang: str, **values) -> str:
    return text("results", key, lang=lang, **values).data


def _group_label(code: str, lang: str) -> str:
    return code_label("national" if code == "all" else code, lang)


def distribution_figure(
    table: pd.DataFrame, *, group_var: str | Sequence[str], lang: str
) -> Figure:
    """Percentiles 5-25-75-95 as a bar, the mean ± CI as a black box; the nation first, then
    the groups of each ``group_var`` ordered by mean.

    ``table`` is :func:`workbench.results.distribution`'s (rows not shown are skipped).
    """
    import matplotlib.pyplot as plt

    names, rows, wide = _estimates(table, "statistic", group_var)
    ci = rows[rows["statistic"] == "mean"].set_index(["group_var", "group"])[
        ["ci_lower", "ci_upper"]
    ]
    wide = _ordered(wide.join(ci).dropna(subset=["mean"]), "mean", names)
    fig, ax = plt.subplots(figsize=(8, 0.42 * len(wide) + 1.4))
    y = np.arange(len(wide))[::-1]
    for (lo, hi), colour in zip(
        (("p5", "p25"), ("p25", "p75"), ("p75", "p95")), (_BAND[0], _BAND[1], _BAND[0]), strict=True
    ):
        if lo in wide and hi in wide:
            ax.barh(y, wide[hi] - wide[lo], left=wide[lo], height=0.5, color=colour)
    ax.errorbar(
        wide["mean"],
        y,
        xerr=[wide["mean"] - wide["ci_lower"], wide["ci_upper"] - wide["mean"]],
        fmt="s",
        color="black",
        markersize=4,
        capsize=3,
    )
    ax.set_yticks(y, [_group_label(g, lang) for _, g in wide.index])
    ax.set_xlabel(_words("figure_scale", lang))
    ax.set_title(
        _words("figure_distribution", lang, group=", ".join(label(n, lang) for n in names))
    )
    fig.text(0.01, 0.005, _words("figure_distribution_key", lang), fontsize=8)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def benchmarks_figure(table: pd.DataFrame, *, group_var: str | Sequence[str], lang: str) -> Figure:
    """Stacked bars of the shares within each level; the nation first, then the groups of
    each ``group_var`` ordered by the share at or above the lowest benchmark."""
    import matplotlib.pyplot as plt

    names, rows, wide = _estimates(table[table["measure"] == "within"], "benchmark", group_var)
    levels = list(dict.fromkeys(rows["benchmark"]))
    wide = wide[levels].dropna()
    wide = _ordered(wide.assign(top=100 - wide[levels[0]]), "top", names)
    fig, ax = plt.subplots(figsize=(8, 0.42 * len(wide) + 1.8))
    y = np.arange(len(wide))[::-1]
    left = np.zeros(len(wide))
    colours = (
        _LEVELS
        if len(levels) == len(_LEVELS)
        else plt.cm.RdYlBu(np.linspace(0.1, 0.9, len(levels)))
    )
    for name, colour in zip(levels, colours, strict=False):
        ax.barh(y, wide[name], left=left, height=0.6, color=colour, label=_level_label(name, lang))
        left += wide[name].to_numpy()
    ax.set_yticks(y, [_group_label(g, lang) for _, g in wide.index])
    ax.set_xlim(0, 100)
    ax.set_xlabel(_words("figure_percent", lang))
    ax.set_title(_words("figure_benchmarks", lang, group=", ".join(label(n, lang) for n in names)))
    handles, names_ = ax.get_legend_handles_labels()
    fig.legend(handles, names_, loc="lower center", ncol=len(levels), fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def _estimates(
    table: pd.DataFrame, column: str, group_var: str | Sequence[str]
) -> tuple[list[str], pd.DataFrame, pd.DataFrame]:
    """What a figure of groups draws: the groupings ``group_var`` names, the rows of the nation
    and of those groupings, and their estimates with one row per ``(group_var, group)`` and one
    column per value of ``column`` (``statistic``, ``benchmark``), in the table's order.

    Examples
    --------
    >>> t = pd.DataFrame({"group_var": ["all", "all", "region", "ITSEX"],
    ...                   "group": ["all", "all", "naryn", "girl"],
    ...                   "statistic": ["mean", "sd", "mean", "mean"],
    ...                   "estimate": [500.0, 100.0, 455.0, 507.0]})
    >>> names, rows, wide = _estimates(t, "statistic", "region")
    >>> names, len(rows), wide.columns.tolist(), float(wide.loc[("region", "naryn"), "mean"])
    (['region'], 3, ['mean', 'sd'], 455.0)
    """
    names = [group_var] if isinstance(group_var, str) else list(group_var)
    rows = table[table["group_var"].isin(["all", *names])]
    wide = rows.pivot_table(
        index=["group_var", "group"], columns=column, values="estimate", aggfunc="first", sort=False
    )
    return names, rows, wide


def _ordered(wide: pd.DataFrame, by: str, names: Sequence[str]) -> pd.DataFrame:
    """The national row, then each grouping's rows from the highest ``by`` down."""
    parts = [wide[wide.index.get_level_values(0) == "all"]]
    for name in names:
        part = wide[wide.index.get_level_values(0) == name]
        parts.append(part.sort_values(by, ascending=False))
    return pd.concat(parts)


def international_figure(
    table: pd.DataFrame, *, lang: str, linked: bool, caveats: Sequence[str] = ()
) -> Figure:
    """PIRLS 2021 means and % at or above 400 with 95 % CIs, the neighbours (blue) and this
    cycle (red) highlighted; the caveats and the source printed beside the figure."""
    import matplotlib.pyplot as plt

    rows = table.sort_values("mean")
    fig, (ax, share, side) = plt.subplots(
        1,
        3,
        figsize=(12, 0.2 * len(rows) + 1.6),
        sharey=False,
        gridspec_kw={"width_ratios": [3, 2, 2]},
    )
    y = np.arange(len(rows))
    colours = np.where(
        rows["source"] == "this_cycle", "#d62728", np.where(rows["neighbour"], "#1f77b4", "#bbbbbb")
    )
    for axis, value, se, key in (
        (ax, "mean", "se", "figure_scale"),
        (share, "pct_at_or_above_400", "pct_at_or_above_400_se", "figure_at_or_above_400"),
    ):
        axis.errorbar(
            rows[value], y, xerr=1.96 * rows[se], fmt="none", ecolor="#555555", elinewidth=0.8
        )
        axis.scatter(rows[value], y, c=colours, s=16, zorder=3)
        axis.set_xlabel(_words(key, lang), fontsize=8)
        axis.set_ylim(-1, len(rows))
    ax.set_yticks(y, [code_label(c, lang) for c in rows["country"]], fontsize=7)
    share.set_yticks(y, [""] * len(rows))
    share.set_xlim(right=100)
    title = "figure_international_linked" if linked else "figure_international_context"
    fig.suptitle(_words(title, lang), fontsize=10, weight="bold")
    side.axis("off")
    notes = [_words(key, lang) for key in caveats] + [_words("international_source", lang)]
    notes = [n.replace("`", "") for n in notes]
    wrapped = "\n\n".join(textwrap.fill(n, 44) for n in notes)
    side.text(0, 1, wrapped, va="top", fontsize=7.5, transform=side.transAxes)
    fig.tight_layout()
    return fig


def _level_label(name: str, lang: str) -> str:
    if name.startswith("below_"):
        return _words("level_below", lang, cut=name.removeprefix("below_"))
    if name.endswith("_up"):
        return _words("level_up", lang, cut=name.removesuffix("_up"))
    low, high = name.split("_")
    return f"{low}–{high}"
