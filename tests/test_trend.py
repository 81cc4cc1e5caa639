"""The trend cycle: the synthetic nation three years later, and the planted change recovered
through common-item linking with a standard error that includes the linking error.

Base and trend nations of 300 schools (24 items in 4 blocks; the trend keeps 2 blocks), a
simple random sample of 3,000 students from each; each cycle is calibrated on its own, the
trend cycle is linked to the base (Stocking-Lord) and both are reported on the base scale.
The SE of the national change is sqrt(SE_base^2 + SE_trend^2 + linking_error^2) with each
cycle's SE from the SRS formula and Rubin's rules (about 2 + 2 + linking ~3 points: ~4.5).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import workbench.synth as synth
from tests.test_scaling_cycle import sample_frame
from workbench.params import parse_params
from workbench.scaling import conditioning_variables, scale_cycle, trend_difference
from workbench.synth.trend import make_trend_nation

SIZE = {"schools": 300, "items": 24, "blocks": 4}


@pytest.fixture(scope="module")
def cycles():
    base = synth.make_nation(seed=31, **SIZE)
    later = make_trend_nation(31, 32, change=12.0, gap_change=-10.0, common_share=0.5, **SIZE)
    out = {"base": base, "later": later}
    constants = None
    for name in ("base", "later"):
        frame = sample_frame(out[name], 3000, seed=3)
        cond = conditioning_variables(
            frame,
            direct=["female", "locality", "class_language"],
            background=["books"],
            share=1.0,
            id="IDSTUD",
        )
        out[f"{name}_frame"] = frame
        out[f"{name}_scaled"] = scale_cycle(
            frame, cond, items=out[name].tables["items"], seed=5, base=constants
        )
        constants = out["base_scaled"].constants()
    return out


def srs_mean(scaled, mask=None) -> pd.DataFrame:
    """Mean of the PVs with the SRS sampling variance and Rubin's imputation variance."""
    values = scaled.students[list(scaled.pvs)]
    values = values[mask] if mask is not None else values
    means = values.mean()
    within = (values.var(ddof=1) / len(values)).mean()
    between = means.var(ddof=1)
    return pd.DataFrame(
        {"estimate": [means.mean()], "se": [np.sqrt(within + (1 + 1 / len(means)) * between)]}
    )


def test_trend_nation_keeps_register_and_common_items_and_plants_the_change(cycles):
    base, later = cycles["base"], cycles["later"]
    pd.testing.assert_frame_equal(base.tables["register"], later.tables["register"])
    common = later.tables["items"][later.tables["items"]["trend"]]
    assert len(common) == 12 and later.truth["trend"]["n_common"] == 12
    same = common.merge(base.tables["items"], on="item_id", suffixes=("", "_base"))
    np.testing.assert_allclose(same["b"], same["b_base"])
    np.testing.assert_allclose(same["a"], same["a_base"])
    assert (
        not later.tables["items"]["item_id"][~later.tables["items"]["trend"]]
        .isin(base.tables["items"]["item_id"])
        .any()
    )
    assert later.truth["national_mean"] - base.truth["national_mean"] == pytest.approx(12.0)
    assert later.truth["scale"] == base.truth["scale"]


def test_planted_trend_is_recovered_within_its_standard_error(cycles):
    later = cycles["later_scaled"]
    assert later.linking is not None and later.linking.n_common == 12
    change = trend_difference(
        srs_mean(later), srs_mean(cycles["base_scaled"]), linking_error=later.linking_error
    ).iloc[0]
    assert 0 < change["linking_error"] < 10
    assert change["se"] > change["se_sampling"]
    truth = cycles["later"].truth["national_mean"] - cycles["base"].truth["national_mean"]
    # |estimate - truth| < 2.6 SE: fails by chance about 1 % of the time for a new seed
    assert abs(change["difference"] - truth) < 2.6 * change["se"], change.to_dict()


def test_gap_change_is_recovered_without_the_linking_error(cycles):
    def gap(name):
        scaled, frame = cycles[f"{name}_scaled"], cycles[f"{name}_frame"]
        urban, rural = (
            srs_mean(scaled, (frame["locality"] == g).to_numpy()) for g in ("urban", "rural")
        )
        return pd.DataFrame(
            {
                "estimate": urban["estimate"] - rural["estimate"],
                "se": np.sqrt(urban["se"] ** 2 + rural["se"] ** 2),
            }
        )

    change = trend_difference(gap("later"), gap("base"), linking_error=0.0).iloc[0]
    trend = cycles["later"].truth["trend"]
    truth = trend["locality_gap"] - trend["locality_gap_base"]
    assert abs(change["difference"] - truth) < 2.6 * change["se"], (change.to_dict(), truth)


def test_trend_cycle_parameters_validate_and_reject_a_bad_share():
    raw = {
        "cycle": "t",
        "year": 2029,
        "language": "en",
        "seed": 1,
        "stages": {"frame": None},
        "data": {"synthetic": {"trend": {"base_cycle": "sabat6-demo", "change": 12}}},
    }
    params = parse_params(raw)
    assert params.data.synthetic.trend.common_share == 0.6
    raw["data"]["synthetic"]["trend"]["common_share"] = 0
    with pytest.raises(ValueError, match="common_share"):
        parse_params(raw)
    with pytest.raises(ValueError, match="common_share"):
        make_trend_nation(1, 2, common_share=1.5, **SIZE)
