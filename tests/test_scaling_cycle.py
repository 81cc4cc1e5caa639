"""The scaling stage's pipeline (``scale_cycle``) on a small synthetic nation: PV group means,
gaps and regression slopes recover the truth, naive EAP gaps are biased toward zero, PVs are
reproducible, and the scale constants round-trip.

A simple random sample of 4,000 students of a 300-school nation (24 items in 4 blocks, two
blocks per student); weights are equal. Monte Carlo error: the SE of a group mean is about
100 / sqrt(n_group) points (2.2 for 2,000 students), of a gap about 3.2 points, of the female
slope about 3 points and of the books slope about 1.5 points; the tolerances are about 3 SE.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import workbench.synth as synth
from workbench.scaling import conditioning_variables, read_constants, scale_cycle


def sample_frame(nation: synth.Nation, n: int, seed: int) -> pd.DataFrame:
    students, responses = nation.tables["students"], nation.tables["responses"]
    idx = np.sort(np.random.default_rng(seed).choice(len(students), n, replace=False))
    frame = (
        responses.iloc[idx]
        .reset_index(drop=True)
        .join(students.iloc[idx].reset_index(drop=True).drop(columns="student_id"))
    )
    return frame.assign(IDSTUD=frame["student_id"], TOTWGT=len(students) / n)


@pytest.fixture(scope="module")
def scaled():
    nation = synth.make_nation(seed=21, schools=300, items=24, blocks=4)
    frame = sample_frame(nation, 4000, seed=2)
    cond = conditioning_variables(
        frame,
        direct=["female", "locality", "class_language", "region"],
        background=["books"],
        share=1.0,
        id="IDSTUD",
    )
    result = scale_cycle(frame, cond, items=nation.tables["items"], seed=9)
    return {"nation": nation, "frame": frame, "cond": cond, "result": result}


def group_means(scaled, column: str, variable: str) -> pd.DataFrame:
    students, frame = scaled["result"].students, scaled["frame"]
    pvs = list(scaled["result"].pvs)
    pv = students[pvs].mean(axis=1).groupby(frame[variable].astype(str)).mean()
    eap = students["EAP"].groupby(frame[variable].astype(str)).mean()
    truth = scaled["nation"].tables["truth_means"]
    true = truth[truth["variable"] == variable].set_index("group")["mean"]
    return pd.DataFrame({"pv": pv, "eap": eap, "truth": true}).dropna()


@pytest.mark.parametrize(
    "variable, high, low", [("locality", "urban", "rural"), ("female", "1", "0")]
)
def test_pv_gaps_recover_the_population_gap_where_eap_gaps_shrink(scaled, variable, high, low):
    means = group_means(scaled, "pv", variable)
    gap = means.loc[high] - means.loc[low]
    assert gap["pv"] == pytest.approx(gap["truth"], abs=10)
    assert abs(gap["eap"]) < abs(gap["pv"]) - 2  # EAP gaps are shrunk toward zero
    assert means["pv"].to_numpy() == pytest.approx(means["truth"].to_numpy(), abs=8)


def test_pv_regression_slopes_recover_the_generating_effects(scaled):
    frame, result = scaled["frame"], scaled["result"]
    x = np.column_stack(
        [
            np.ones(len(frame)),
            scaled["cond"]
            .data[list(scaled["cond"].columns)]
            .drop(columns=[c for c in scaled["cond"].columns if c.startswith("PC")]),
            frame["books"],
        ]
    )
    slopes = np.mean(
        [np.linalg.lstsq(x, result.students[p], rcond=None)[0] for p in result.pvs], axis=0
    )
    effects = scaled["nation"].truth["effects_points"]
    assert slopes[1] == pytest.approx(effects["female"], abs=9)  # female_1 comes first
    assert slopes[-1] == pytest.approx(effects["books"], abs=5)


def test_reporting_scale_has_mean_500_sd_100_and_constants_round_trip(scaled):
    result = scaled["result"]
    values = result.students[list(result.pvs)].to_numpy()
    assert values.mean() == pytest.approx(500, abs=1e-6)
    assert values.std(axis=0).mean() == pytest.approx(100, abs=1e-6)
    transform, items = read_constants(result.constants())
    assert transform == result.transform
    merged = items.merge(result.items, on="item_id", suffixes=("", "_fit"))
    np.testing.assert_allclose(merged["b"], merged["b_fit"])
    assert len(items) == 24 and result.linking is None and result.linking_error == 0.0


def test_same_seed_gives_identical_plausible_values(scaled):
    again = scale_cycle(
        scaled["frame"], scaled["cond"], items=scaled["nation"].tables["items"], seed=9
    )
    pd.testing.assert_frame_equal(again.students, scaled["result"].students)


def test_scale_cycle_rejects_mismatched_rows_and_too_few_items(scaled):
    frame, cond, items = scaled["frame"], scaled["cond"], scaled["nation"].tables["items"]
    with pytest.raises(ValueError, match="different rows"):
        scale_cycle(frame.head(10), cond, items=items, seed=1)
    verdicts = items[["item_id"]].assign(verdict="drop")
    with pytest.raises(ValueError, match="items left"):
        scale_cycle(frame, cond, items=items, seed=1, verdicts=verdicts)


def test_coefficients_are_the_population_terms_each_named_by_variable_and_category(scaled):
    result, cond = scaled["result"], scaled["cond"]
    table = cond.terms(result.coefficients())
    # one intercept, one row per conditioning column, then residual SD and R²; the EM counts
    # (iterations, converged) are left to headlines
    assert table["term"].tolist() == ["intercept", *cond.columns, "residual_sd", "r2"]
    urban = table[table["term"] == "locality_urban"].iloc[0]
    assert (urban["variable"], urban["category"]) == ("locality", "urban")
    assert set(result.population_table()["term"]) - set(table["term"]) == {
        "iterations",
        "converged",
    }
