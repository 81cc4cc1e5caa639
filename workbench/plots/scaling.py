"""Figures of the scaling report (stage ``50_scaling``)."""

from __future__ import annotations

import pandas as pd

from workbench.labels import label

__all__ = ["score_densities"]


def score_densities(data: pd.DataFrame, *, lang: str):
    """Density of each score column of ``data`` (a plausible value, EAP, WLE), one line each;
    the legend shows the column names (IEA variable names)."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    from workbench.report import text

    long = data.melt(value_vars=list(data.columns), var_name="pv_kind", value_name="score")
    fig, ax = plt.subplots()
    sns.kdeplot(data=long, x="score", hue="pv_kind", common_norm=False, ax=ax)
    ax.set(
        xlabel=label("score", lang), ylabel="", title=text("scaling", "histogram", lang=lang).data
    )
    if ax.get_legend() is not None:
        ax.get_legend().set_title("")  # the entries are IEA names (READ01, EAP, WLE)
    return fig
