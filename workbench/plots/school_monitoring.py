"""Figures of the school-monitoring analysis report (stage ``s30_analysis``), in any language.

Colours are colour-blind safe (Okabe-Ito); every word comes from ``label()`` in ``lang``.
Data come from :func:`workbench.monitoring.tables.dynamics_data` and
:func:`workbench.monitoring.tables.compared_data`.
"""

from __future__ import annotations

import textwrap

import pandas as pd

from workbench.labels import label

__all__ = ["POSITION_COLOURS", "indicator_dynamics", "schools_compared"]

#: a comparison's position -> colour (Okabe-Ito: blue, grey, vermillion; light grey)
POSITION_COLOURS = {
    "above": "#0072B2",
    "similar": "#7F7F7F",
    "below": "#D55E00",
    "too_few": "#CCCCCC",
}
_SCHOOL, _DISTRICT, _OTHER = "#0072B2", "#E69F00", "#BBBBBB"


def _title(indicator: str, lang: str, width: int = 40) -> str:
    return "\n".join(textwrap.wrap(label(f"ind_{indicator}", lang), width))


def _numbers(ax, lang: str) -> None:
    """Tick labels of the value axis in the language's number conventions."""
    from matplotlib.ticker import FuncFormatter

    from workbench.report import format_number

    ax.yaxis.set_major_formatter(
        FuncFormatter(lambda v, _: format_number(v, lang, 0 if float(v).is_integer() else 1))
    )


def indicator_dynamics(data: pd.DataFrame, *, lang: str, school: str):
    """One panel per indicator: the school over the years (thick, with its confidence
    interval where the indicator has an SE), its district (dashed) and the district's other
    schools (thin grey): a school's dynamics in its context, no ranking.

    ``data``: :func:`workbench.monitoring.tables.dynamics_data` (``indicator, year, unit, role,
    value, ci_lower, ci_upper``).
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    indicators = list(dict.fromkeys(data["indicator"]))
    fig, axes = plt.subplots(
        1, len(indicators), figsize=(4.4 * len(indicators), 4.2), squeeze=False
    )
    for ax, indicator in zip(axes[0], indicators, strict=True):
        d = data[data["indicator"] == indicator].sort_values("year")
        for _, other in d[d["role"] == "other"].groupby("unit"):
            ax.plot(other["year"], other["value"], color=_OTHER, lw=1)
        district = d[d["role"] == "district"]
        ax.plot(district["year"], district["value"], "--", color=_DISTRICT, lw=2)
        mine = d[d["role"] == "school"]
        ax.errorbar(
            mine["year"],
            mine["value"],
            yerr=[
                (mine["value"] - mine["ci_lower"]).fillna(0),
                (mine["ci_upper"] - mine["value"]).fillna(0),
            ],
            fmt="o-",
            color=_SCHOOL,
            lw=2.5,
            capsize=4,
        )
        ax.set_xticks(sorted(d["year"].unique()))
        ax.set_title(_title(indicator, lang), fontsize=9, fontweight="normal")
        ax.set_xlabel(label("year", lang))
        _numbers(ax, lang)
    axes[0][0].set_ylabel(label("value", lang))
    district_code = data.loc[data["role"] == "district", "unit"].iloc[0]
    handles = [
        Line2D(
            [], [], color=_SCHOOL, lw=2.5, marker="o", label=f"{label('school', lang)} {school}"
        ),
        Line2D([], [], color=_DISTRICT, lw=2, ls="--", label=label(district_code, lang)),
        Line2D([], [], color=_OTHER, lw=1, label=label("other_schools_of_district", lang)),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=3, frameon=False, fontsize=9)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def schools_compared(data: pd.DataFrame, *, lang: str, margin: float):
    """One panel per indicator: every school's difference from the rest of its district, with
    its confidence interval (sampled and test indicators) or against a band of ``margin``
    points (exact indicators), coloured by position; schools in district and id order.

    ``data``: :func:`workbench.monitoring.tables.compared_data` (``indicator, group, unit,
    difference, ci_lower, ci_upper, position``).
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    indicators = list(dict.fromkeys(data["indicator"]))
    units = data[["group", "unit"]].drop_duplicates().sort_values(["group", "unit"])
    x = {unit: k for k, unit in enumerate(units["unit"])}
    fig, axes = plt.subplots(
        len(indicators), 1, figsize=(9, 3.0 * len(indicators) + 1.2), squeeze=False, sharex=True
    )
    shown = set()
    for ax, indicator in zip(axes[:, 0], indicators, strict=True):
        d = data[data["indicator"] == indicator]
        if d["ci_lower"].isna().all():
            ax.axhspan(-margin, margin, color="#EEEEEE", zorder=0)
            shown.add("margin")
        ax.axhline(0, color="black", lw=0.8)
        for position, g in d.groupby("position"):
            xs = g["unit"].map(x)
            ax.errorbar(
                xs,
                g["difference"],
                yerr=[
                    (g["difference"] - g["ci_lower"]).fillna(0),
                    (g["ci_upper"] - g["difference"]).fillna(0),
                ],
                fmt="o",
                color=POSITION_COLOURS[position],
                capsize=3,
            )
            shown.add(position)
        for k, (_, g) in enumerate(units.groupby("group", sort=True)):
            if k:
                ax.axvline(x[g["unit"].iloc[0]] - 0.5, color="#999999", lw=0.8, ls=":")
        ax.set_title(_title(indicator, lang, 80), fontsize=9, fontweight="normal")
        ax.set_ylabel(label("mon_difference", lang), fontsize=8)
        _numbers(ax, lang)
    bottom = axes[-1][0]
    bottom.set_xticks(list(x.values()), list(x), rotation=90, fontsize=8)
    bottom.set_xlabel(label("school", lang))
    for group, g in units.groupby("group", sort=True):
        middle = (x[g["unit"].iloc[0]] + x[g["unit"].iloc[-1]]) / 2
        axes[0][0].annotate(
            label(group, lang),
            (middle, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 24),
            textcoords="offset points",
            ha="center",
            fontsize=8,
            color="#555555",
        )
    handles = [
        Patch(color=POSITION_COLOURS[p], label=label(f"pos_{p}", lang))
        for p in POSITION_COLOURS
        if p in shown
    ]
    if "margin" in shown:
        handles.append(
            Patch(facecolor="#EEEEEE", edgecolor="#999999", label=label("margin_band", lang))
        )
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), frameon=False, fontsize=8)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig
