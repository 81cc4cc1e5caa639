"""Figures of the validity report (stage ``40_validity``)."""

from __future__ import annotations

import pandas as pd

from workbench.labels import label

__all__ = ["information_curve", "wright_map"]


def information_curve(data: pd.DataFrame, *, lang: str):
    """The test information function: ``data`` is ``theta, information``."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    from workbench.report import text

    fig, ax = plt.subplots()
    sns.lineplot(data=data, x="theta", y="information", ax=ax)
    ax.set(
        xlabel=label("theta", lang),
        ylabel=label("information", lang),
        title=text("validity", "information_figure", lang=lang).data,
    )
    return fig


def wright_map(data: pd.DataFrame, *, lang: str):
    """Persons and item thresholds on one logit scale: ``data`` is
    :func:`workbench.psychometrics.wright_map` (``kind, location, count``)."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    from workbench.report import text

    shown = data.assign(kind=data["kind"].map(lambda code: label(code, lang)))
    fig, ax = plt.subplots()
    sns.histplot(
        data=shown,
        y="location",
        hue="kind",
        weights="count",
        bins=40,
        element="step",
        stat="density",
        common_norm=False,
        ax=ax,
    )
    ax.set(
        ylabel=label("logits", lang),
        xlabel=label("density", lang),
        title=text("validity", "wright_figure", lang=lang).data,
    )
    if ax.get_legend() is not None:
        ax.get_legend().set_title("")
    return fig
