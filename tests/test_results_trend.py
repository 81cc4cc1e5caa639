"""The trend exhibit against the planted change of the synthetic trend nation.

Base and trend nations of 300 schools (24 items in 4 blocks; the trend keeps 2 blocks and
plants +12 points nationally and an urban-rural gap 10 points narrower), a simple random
sample of 3,000 students from each, each cycle scaled on its own and the trend cycle linked
to the base (Stocking-Lord), both reported on the base scale. Replicate weights: the
students in 75 random zones of two halves (a random-group jackknife, valid for a simple
random sample). The SE of the change includes the linking error (about 2 + 2 + 3 points in
quadrature: ~4.5); the test allows 2.6 SE (fails by chance ~1 % of the time for a new seed).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import workbench.synth as synth
from tests.test_scaling_cycle import sample_frame
from workbench.results import percent_linking_error, trend
from workbench.scaling import conditioning_variables, scale_cycle
from workbench.survey import RepDesign
from workbench.synth.trend import make_trend_nation
from workbench.weights import jk2_replicates

SIZE = {"schools": 300, "items": 24, "blocks": 4}


def iea_frame(frame: pd.DataFrame, scaled, seed: int) -> pd.DataFrame:
    """A student_results-like frame: PVs, groups, equal weights, random-group JK2 zones."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(frame))
    out = (
        frame[["locality", "region", "school_type"]]
        .reset_index(drop=True)
        .assign(
            ITSEX=np.where(frame["female"].to_numpy() == 1, 1, 2),
            language=frame["class_language"].to_numpy(),
            TOTWGT=1.0,
            JKZONE=order % 75 + 1,
            JKREP=(order // 75) % 2,
        )
    )
    pvs = scaled.students[list(scaled.pvs)].reset_index(drop=True)
    return jk2_replicates(pd.concat([out, pvs], axis=1), zones=75)


@pytest.fixture(scope="module")
def cycles():
    base = synth.make_nation(seed=31, **SIZE)
    later = make_trend_nation(31, 32, change=12.0, gap_change=-10.0, common_share=0.5, **SIZE)
    out, constants = {"base": base, "later": later}, None
    for name in ("base", "later"):
        frame = sample_frame(out[name], 3000, seed=3)
        cond = conditioning_variables(
            frame,
            direct=["female", "locality", "class_language"],
            background=["books"],
            share=1.0,
            id="IDSTUD",
        )
        scaled = scale_cycle(frame, cond, items=out[name].tables["items"], seed=5, base=constants)
        constants = scaled.constants() if constants is None else constants
        out[f"{name}_design"] = RepDesign.iea(iea_frame(frame, scaled, seed=7))
        out[f"{name}_linking_error"] = scaled.linking_error
    return out


@pytest.fixture(scope="module")
def table(cycles):
    return trend(
        cycles["later_design"],
        cycles["base_design"],
        linking_error=cycles["later_linking_error"],
        groups=["locality", "ITSEX"],
    )


def test_national_change_recovers_the_planted_change_with_the_linking_error(cycles, table):
    national = table[(table["statistic"] == "mean") & (table["group"] == "all")].iloc[0]
    truth = cycles["later"].truth["national_mean"] - cycles["base"].truth["national_mean"]
    assert truth == pytest.approx(12.0)
    assert 0 < national["linking_error"] < 10
    assert national["se"] == pytest.approx(
        np.sqrt(
            national["se_current"] ** 2 + national["se_base"] ** 2 + national["linking_error"] ** 2
        )
    )
    assert national["se"] > national["se_sampling"]
    assert abs(national["difference"] - truth) < 2.6 * national["se"], national.to_dict()
    assert national["ci_lower"] < national["difference"] < national["ci_upper"]


def test_gap_change_carries_no_linking_error_and_recovers_the_planted_narrowing(cycles, table):
    gap = table[(table["statistic"] == "group_gap") & (table["group_var"] == "locality")]
    gap = gap.iloc[0]
    assert gap["group"] == "urban_rural" and gap["linking_error"] == 0.0
    trend_truth = cycles["later"].truth["trend"]
    truth = trend_truth["locality_gap"] - trend_truth["locality_gap_base"]
    assert abs(gap["difference"] - truth) < 2.6 * gap["se"], (gap.to_dict(), truth)


def test_benchmark_changes_carry_a_linking_error_in_percentage_points(cycles, table):
    shares = table[table["statistic"] == "at_or_above"]
    assert shares["benchmark"].tolist() == ["400", "475", "550", "625"]
    assert (shares["linking_error"] > 0).all() and (shares["n"] > 0).all()
    # a share moves by about density x shift: at 475 (near the mean) more than at 625
    assert shares["linking_error"].iloc[1] > shares["linking_error"].iloc[3]
    design = cycles["later_design"]
    assert percent_linking_error(design, variable="reading", cut=475, linking_error=0) == 0
    assert table["symbol"].isin(["▲", "▼", ""]).all()


def test_a_cycle_without_base_has_an_empty_trend_and_bad_error_is_refused(cycles):
    empty = trend(cycles["later_design"], None, linking_error=0.0)
    assert empty.empty and "linking_error" in empty.columns
    with pytest.raises(ValueError, match="trend: linking_error must be finite"):
        trend(cycles["later_design"], cycles["base_design"], linking_error=-1.0)
