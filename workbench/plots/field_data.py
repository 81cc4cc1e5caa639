"""Figures of the field-data report (stage ``20_field_data``)."""

from __future__ import annotations

import pandas as pd

from workbench.labels import label

__all__ = ["missing_by_position"]


def missing_by_position(data: pd.DataFrame, *, lang: str):
    """Bars of the omitted and not-reached percentages by position in the block.

    ``data``: :func:`workbench.fielddata.item_missing` (``position, omitted, not_reached``).
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    from workbench.report import text

    long = data.melt(
        id_vars=["position"],
        value_vars=["omitted", "not_reached"],
        var_name="code",
        value_name="percent",
    )
    long["code"] = long["code"].map(lambda key: label(key, lang))
    fig, ax = plt.subplots()
    sns.barplot(data=long, x="position", y="percent", hue="code", errorbar=None, ax=ax)
    ax.set(
        xlabel=label("position", lang),
        ylabel="%",
        title=text("field_data", "quality_figure", lang=lang).data,
    )
    if ax.get_legend() is not None:
        ax.get_legend().set_title("")
    return fig
