"""The distribution and benchmark figures draw what their exhibit tables say.

Reference: small hand-made exhibits (three groups, known percentiles and shares); the bars,
boxes and their order are read back from the drawn figure and compared with the numbers
worked out by hand.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from workbench.plots.results import benchmarks_figure, distribution_figure  # noqa: E402

GROUPS = [
    ("all", "all", 500.0),
    ("region", "naryn", 455.0),
    ("region", "bishkek", 545.0),
    ("ITSEX", "girl", 507.0),
]
Z = {"p5": -1.645, "p25": -0.674, "p50": 0.0, "p75": 0.674, "p95": 1.645}


def _distribution() -> pd.DataFrame:
    rows = []
    for var, group, mean in GROUPS:
        rows.append(
            {
                "group_var": var,
                "group": group,
                "statistic": "mean",
                "estimate": mean,
                "ci_lower": mean - 6,
                "ci_upper": mean + 6,
            }
        )
        rows.append({"group_var": var, "group": group, "statistic": "sd", "estimate": 100.0})
        rows += [
            {"group_var": var, "group": group, "statistic": p, "estimate": mean + 100 * z}
            for p, z in Z.items()
        ]
    return pd.DataFrame(rows)


def _bars(ax) -> list[tuple[list[float], list[float]]]:
    """(lefts, widths) of each barh call, top row first."""
    out = []
    for container in ax.containers:
        if isinstance(container, matplotlib.container.BarContainer):
            bars = sorted(container.patches, key=lambda b: -b.get_y())
            out.append(([b.get_x() for b in bars], [b.get_width() for b in bars]))
    return out


def _rows(ax) -> list[str]:
    ticks = sorted(zip(ax.get_yticks(), ax.get_yticklabels(), strict=True), key=lambda t: -t[0])
    return [text.get_text() for _, text in ticks]


def test_the_distribution_figure_draws_the_percentiles_and_mean_of_each_group_by_mean():
    fig = distribution_figure(_distribution(), group_var="region", lang="en")
    ax = fig.axes[0]
    assert _rows(ax) == ["National", "Bishkek city", "Naryn"]  # the nation, then by mean; no ITSEX
    means = [545.0, 455.0]
    lows, middles, highs = _bars(ax)
    assert lows[0] == pytest.approx([500 - 164.5, 545 - 164.5, 455 - 164.5])
    assert lows[1] == pytest.approx([164.5 - 67.4] * 3)  # p5 to p25
    assert middles[0] == pytest.approx([500 - 67.4, *(m - 67.4 for m in means)])
    assert middles[1] == pytest.approx([134.8] * 3) and highs[1] == pytest.approx([97.1] * 3)
    line = ax.lines[0]  # the mean's marker
    assert np.asarray(line.get_xdata()).tolist() == [500.0, 545.0, 455.0]
    plt.close(fig)


def test_the_benchmark_figure_stacks_the_shares_within_each_level_by_the_top_share():
    shares = {
        "all": [16, 23, 29, 21, 11],
        "naryn": [30, 30, 20, 15, 5],
        "bishkek": [5, 15, 30, 30, 20],
        "girl": [10, 20, 30, 25, 15],
    }
    levels = ["below_400", "400_475", "475_550", "550_625", "625_up"]
    rows = [
        {
            "group_var": var,
            "group": group,
            "measure": "within",
            "benchmark": level,
            "estimate": float(share),
        }
        for var, group, _ in GROUPS
        for level, share in zip(levels, shares[group], strict=True)
    ]
    rows += [
        {
            "group_var": "all",
            "group": "all",
            "measure": "at_or_above",
            "benchmark": "400",
            "estimate": 84.0,
        }
    ]  # not a level: not drawn
    fig = benchmarks_figure(pd.DataFrame(rows), group_var=["region"], lang="en")
    ax = fig.axes[0]
    assert _rows(ax) == ["National", "Bishkek city", "Naryn"]  # 95 % above the lowest, then 70 %
    drawn = _bars(ax)
    assert len(drawn) == 5
    order = ["all", "bishkek", "naryn"]
    for k, (lefts, widths) in enumerate(drawn):
        assert widths == [shares[g][k] for g in order], k
        assert lefts == [sum(shares[g][:k]) for g in order]
    plt.close(fig)
