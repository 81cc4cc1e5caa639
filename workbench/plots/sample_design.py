"""Figures of the sample-design report (stage ``10_sample_design``), for any register's strata."""

from __future__ import annotations

import pandas as pd

from workbench.labels import label

__all__ = ["coverage_bars", "fraction_heatmap", "estimate_histogram"]


def coverage_bars(data: pd.DataFrame, *, lang: str, by: str):
    """Share of students by ``by`` in the population and the sample
    (:func:`workbench.sampling.report_tables.coverage_shares`)."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    from workbench.report import code_label

    shown = data.assign(**{by: data[by].map(lambda code: code_label(code, lang))}).melt(
        id_vars=by, value_vars=["population", "sample"], var_name="source", value_name="share"
    )
    shown["source"] = shown["source"].map(lambda key: label(key, lang))
    fig, ax = plt.subplots()
    sns.barplot(data=shown, y=by, x="share", hue="source", ax=ax)
    ax.set(xlabel=label("share_students", lang), ylabel=label(by, lang))
    ax.get_legend().set_title("")
    fig.tight_layout()
    return fig


def fraction_heatmap(data: pd.DataFrame, *, lang: str, rows: str, columns: str):
    """Sampling fraction (percent) by two strata (:func:`workbench.sampling.sampling_fraction`)."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    from workbench.report import code_label

    grid = data.assign(**{rows: data[rows].map(lambda code: code_label(code, lang))})
    grid = grid.set_index(rows).rename(columns=lambda code: code_label(code, lang))
    fig, ax = plt.subplots()
    sns.heatmap(grid, annot=True, fmt=".1f", cmap="Blues", cbar_kws={"label": "%"}, ax=ax)
    ax.set(xlabel=label(columns, lang), ylabel=label(rows, lang))
    fig.tight_layout()
    return fig


def estimate_histogram(data: pd.DataFrame, *, lang: str):
    """The simulated samples' estimates and the true mean (a red line)
    (:func:`workbench.sampling.report_tables.hajek_estimates`)."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    fig, ax = plt.subplots()
    sns.histplot(data["estimate"], bins=40, color="#4c72b0", ax=ax)
    ax.axvline(data["true_mean"].iloc[0], color="#c62828", lw=2)
    ax.set(xlabel=label("estimate", lang), ylabel=label("reps", lang))
    return fig
