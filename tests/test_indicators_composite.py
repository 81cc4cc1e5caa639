"""Composite indices and their sensitivity analysis (workbench.indicators.composite): hand-
computed indices, and the planted borderline institution moves under the alternatives."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from workbench.indicators import composite, compute, surveys
from workbench.indicators.framework import load_framework
from workbench.synth.sector import make_sector

FW = load_framework("teacher_education")


def _tidy(values: dict[str, list[float]], se: float = 0.0) -> pd.DataFrame:
    rows = [
        {"level": "institution", "institution": k + 1, "indicator": ind, "estimate": v, "se": se}
        for ind, vals in values.items()
        for k, v in enumerate(vals)
    ]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def sector_indicators():
    sector = make_sector(99, institutions=80, years=(2025,))
    used = {
        s: [i for i in sc.items if i != "PRG3"] for s, sc in FW.scales.items() if s != "workload"
    }
    val = surveys.ScaleValidation(
        pd.DataFrame({"scale": list(used), "status": "used"}),
        pd.DataFrame(
            [{"scale": s, "item": i, "used": True} for s, its in used.items() for i in its]
        ),
        pd.DataFrame(),
    )
    scores = {r: surveys.scale_scores(d, val, FW, r) for r, d in sector.returns.items()}
    ind = compute.compute_indicators(
        scores, sector.admin(2025), sector.invited, FW, year=2025, used_scales=list(used)
    )
    return sector, ind


def test_composite_matches_a_hand_computed_index():
    """ST1 (higher better) and ST3 (lower better), one group: equal weights, min-max.
    Institution 1: ST1 0, ST3 (reversed) 100 -> 50; 2: 100, 0 -> 50; 3: 50, 100 -> 75."""
    ind = _tidy({"ST1": [10, 30, 20], "ST3": [10, 30, 10]})
    out = composite.composite_index(ind, FW)
    assert out["score"].tolist() == pytest.approx([50.0, 50.0, 75.0])
    assert out["rank"].tolist() == [2, 2, 1]


def test_geometric_mean_penalises_unbalanced_profiles():
    ind = _tidy({"PQ1": [50, 0, 100], "ST1": [50, 100, 0], "EM1": [50, 50, 50]})
    ari = composite.composite_index(ind, FW).set_index("institution")["score"]
    geo = composite.composite_index(ind, FW, aggregation="geometric").set_index("institution")[
        "score"
    ]
    assert ari.loc[1] == pytest.approx(ari.loc[2])
    assert geo.loc[1] > geo.loc[2]


def test_custom_weights_name_unknown_groups():
    ind = _tidy({"ST1": [1, 2], "PQ1": [2, 1]})
    with pytest.raises(ValueError, match=r"unknown groups \['teaching'\]"):
        composite.composite_index(ind, FW, weighting="custom", custom={"teaching": 1})


def test_missing_indicator_rescales_the_other_weights():
    ind = _tidy({"ST1": [0, 100, 50], "PQ1": [100, 0, np.nan]})
    out = composite.composite_index(ind, FW).set_index("institution")
    assert out.loc[3, "n_indicators"] == 1
    assert out.loc[3, "score"] == pytest.approx(50.0)


def test_sensitivity_moves_the_planted_borderline_institution(sector_indicators):
    """The borderline institution is strong in three groups and weak in three: its position
    moves far more under the alternative choices than a typical institution's."""
    sector, ind = sector_indicators
    pos, scen = composite.sensitivity(ind, FW, n_draws=150, seed=3)
    pos = pos.set_index("institution")
    b = sector.planted["borderline"]
    span = pos["rank_max"] - pos["rank_min"]
    width = pos["rank_p95"] - pos["rank_p05"]
    assert span.loc[b] >= 2 * span.median() and span.loc[b] >= span.quantile(0.85)
    assert width.loc[b] >= 2 * width.median()
    assert scen["scenario"].nunique() == 3 * 2 * 2
    assert (pos["rank_p05"] <= pos["rank"]).mean() > 0.9


def test_positions_come_as_ranges_with_the_nominal_rank_inside(sector_indicators):
    _, ind = sector_indicators
    pos, _ = composite.sensitivity(ind, FW, n_draws=50, seed=1)
    assert {"rank_p05", "rank_p95", "rank_min", "rank_max", "p_top"} <= set(pos.columns)
    assert ((pos["rank_min"] <= pos["rank"]) & (pos["rank"] <= pos["rank_max"])).all()
    assert pos["p_top"].sum() == pytest.approx(round(0.25 * len(pos)), abs=1.0)


def test_ranks_are_whole_numbers_on_every_page():
    """The hand-computed index above (institution 3: 75, first; 1 and 2: 50, both second) with
    no sampling error: every rank column holds whole numbers, and the t40 table shows ``1`` and
    ``2`` in ky, ru and en -- never ``1,0`` / ``1.0``."""
    from workbench.report import table_html

    ind = _tidy({"ST1": [10, 30, 20], "ST3": [10, 30, 10]})
    pos, scen = composite.sensitivity(
        ind,
        FW,
        normalisations=("minmax",),
        weightings=("equal_groups",),
        aggregations=("arithmetic",),
        n_draws=5,
        sampling=False,
        weight_concentration=1e6,
    )
    pos = pos.set_index("institution")
    assert pos.loc[[3, 1, 2], "rank"].tolist() == [1, 2, 2]
    for column in composite.RANK_COLUMNS:
        assert pd.api.types.is_integer_dtype(pos[column]), column
    assert pd.api.types.is_integer_dtype(scen["rank"])
    for lang in ("ky", "ru", "en"):
        page = table_html(pos.reset_index(), lang=lang, digits={"p_top": 2})
        cells = re.findall(r"<td[^>]*>([^<]*)</td>", page)
        assert "1" in cells and "2" in cells, lang
        assert not {"1,0", "1.0", "2,0", "2.0"} & set(cells), lang
