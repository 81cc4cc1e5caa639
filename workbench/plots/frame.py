"""Figures of the frame report (stage ``00_frame``), for any register's columns."""

from __future__ import annotations

import pandas as pd

from workbench.labels import label

__all__ = ["group_bars", "size_histogram"]


def group_bars(data: pd.DataFrame, *, lang: str):
    """Schools and grade-6 students by the values of one register column, side by side.

    ``data``: :func:`workbench.frame.composition` of one column (its ``total`` row is left
    out).
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    from workbench.report import code_label

    rows = data[data["column"] != "total"]
    column = rows["column"].iloc[0] if len(rows) else "total"
    rows = (rows if len(rows) else data).sort_values("students")
    shown = rows.assign(value=rows["value"].map(lambda code: code_label(code, lang)))
    fig, axes = plt.subplots(1, 2, figsize=(11, max(3.0, 0.35 * len(shown) + 1)), sharey=True)
    sns.barplot(data=shown, y="value", x="schools", ax=axes[0], color="#4c72b0")
    sns.barplot(data=shown, y="value", x="students", ax=axes[1], color="#dd8452")
    axes[0].set(xlabel=label("schools", lang), ylabel=label(column, lang))
    axes[1].set(xlabel=label("enrolment", lang), ylabel="")
    fig.tight_layout()
    return fig


def size_histogram(
    data: pd.DataFrame, *, lang: str, group: str | None = None, size: str = "enrol_g6"
):
    """Grade-6 enrolment of the schools (log scale), one line per ``group`` value when the data
    have a ``group`` column (:func:`workbench.frame.size_groups`; ``group`` names its column).
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    from workbench.report import code_label

    hue = "group" if "group" in data else None
    shown = (
        data
        if hue is None
        else data.assign(group=data["group"].map(lambda code: code_label(code, lang)))
    )
    fig, ax = plt.subplots()
    sns.histplot(data=shown, x=size, hue=hue, log_scale=True, bins=40, element="step", ax=ax)
    ax.set(xlabel=label("enrolment", lang), ylabel=label("schools", lang))
    legend = ax.get_legend()
    if legend is not None and group is not None:
        legend.set_title(label(group, lang))
    return fig
