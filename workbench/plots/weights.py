"""Figures of the weights report (stage ``30_weights``)."""

from __future__ import annotations

import pandas as pd

from workbench.labels import label

__all__ = ["weight_histogram", "locality_of_stratum"]


def locality_of_stratum(stratum: pd.Series) -> pd.Series:
    """The locality part of an explicit stratum code ``region/locality`` (else the code).

    Examples
    --------
    >>> locality_of_stratum(pd.Series(["batken/rural", "bishkek"])).tolist()
    ['rural', 'bishkek']
    """
    return stratum.astype(str).str.split("/").str[-1]


def weight_histogram(data: pd.DataFrame, *, lang: str, weight: str = "TOTWGT"):
    """Histogram of the final weights (log scale), one line per locality of the stratum.

    ``data``: one row per student with ``weight`` and ``stratum`` (``region/locality``).
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    from workbench.report import text

    shown = pd.DataFrame(
        {
            weight: data[weight],
            "group": locality_of_stratum(data["stratum"]).map(lambda code: label(code, lang)),
        }
    )
    fig, ax = plt.subplots()
    sns.histplot(data=shown, x=weight, hue="group", bins=50, log_scale=True, element="step", ax=ax)
    ax.set(
        xlabel=label(weight, lang),
        ylabel=label("students", lang),
        title=text("weights", "histogram", lang=lang).data,
    )
    legend = ax.get_legend()
    if legend is not None:
        legend.set_title(label("locality", lang))
    return fig
