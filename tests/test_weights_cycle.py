"""Weights of the demo cycle from its field forms: they add up, replicate and cover the frame."""

from __future__ import annotations

import pandas as pd
import pytest

import workbench as wb
from workbench.weights import cycle_weights, weighting_inputs


@pytest.fixture(scope="module")
def demo(demo_run):
    cat = wb.open_catalog("sabat6-demo")
    names = ("sample_schools", "school_tracking", "class_tracking", "student_tracking", "frame")
    return {name: cat[name].read() for name in names} | {"weights": cat.weights.read()}


def test_every_assessed_student_of_a_participating_class_has_a_weight(demo):
    weights = demo["weights"]
    tracking = demo["student_tracking"]
    assessed = tracking[tracking["PARTICIP"].astype(int) == 1]
    assert set(weights["IDSTUD"]) == set(assessed["IDSTUD"])
    assert (weights["TOTWGT"] > 0).all()
    assert weights.filter(like="RWGT").shape[1] == 75


def test_weights_add_up_to_the_frame_within_the_exclusions(demo):
    check = wb.weights.totals_check(
        demo["weights"], demo["frame"], frame_by=["region", "locality"]
    ).set_index("stratum")
    # within-school exclusions (~1.5 %) and very small schools make the sums a little short
    assert 0.95 <= check.loc["total", "ratio"] <= 1.0
    # Under PPS with one class per school the sum of weights estimates the stratum's students
    # (exact only if classes were of equal size): close in large strata, looser in small ones.
    schools = demo["weights"].groupby("stratum")["IDSCHOOL"].nunique()
    large = schools[schools >= 8].index
    assert check.loc[large, "ratio"].between(0.9, 1.1).all(), check
    assert check["ratio"].between(0.7, 1.3).all(), check


def test_jackknife_zones_pair_the_participating_schools(demo):
    weights = demo["weights"]
    assert weights["JKZONE"].between(1, 75).all()
    assert set(weights["JKREP"]) == {0, 1}
    zone_one = weights[weights["JKZONE"] == 1]
    doubled = zone_one["RWGT1"] == 2 * zone_one["TOTWGT"]
    assert (doubled | (zone_one["RWGT1"] == 0)).all() and doubled.any()


def test_weighted_regional_shares_cover_the_frame(demo):
    students = demo["weights"].merge(demo["school_tracking"][["IDSCHOOL", "REGION"]], on="IDSCHOOL")
    design = wb.survey.RepDesign(students, weight="TOTWGT", replicates="RWGT*", method="JK2")
    check = wb.weights.share_check(design.percent("REGION"), demo["frame"], by="region")
    assert check["estimate"].sum() == pytest.approx(100)
    # 9 regions, 95 % intervals: fewer than 7 covered would happen by chance < 1 % of the time
    assert check["covered"].sum() >= 7, check


def test_inputs_follow_the_iea_class_rule(demo):
    schools, classes, students = weighting_inputs(
        demo["sample_schools"],
        demo["school_tracking"],
        demo["class_tracking"],
        demo["student_tracking"],
        demo["frame"],
    )
    eligible = classes["N_LISTED"] - classes["N_EXCLUDED"]
    assert (classes["participated"] == (classes["N_ASSESSED"] >= 0.5 * eligible)).all()
    assert (classes["n_classes"] >= classes["n_sampled"]).all()
    assert schools["participated"].sum() == (demo["school_tracking"]["PARTICIP"] == 1).sum()


def test_cycle_weights_does_not_change_its_inputs(demo):
    before = {k: v.copy() for k, v in demo.items()}
    cycle_weights(
        demo["sample_schools"],
        demo["school_tracking"],
        demo["class_tracking"],
        demo["student_tracking"],
        demo["frame"],
    )
    for name, table in before.items():
        pd.testing.assert_frame_equal(demo[name], table)


def test_weights_reconciliation_explains_every_student_from_tracking_to_weights(demo):
    recon = wb.open_catalog("sabat6-demo").weights_reconciliation.read()
    assert wb.fielddata.check_reconciliation(recon).empty
    flow = wb.fielddata.reconciliation_flow(recon).set_index(["level", "step"])["n"]
    tracking = demo["student_tracking"]
    # truth from the tracking form and the weights table, not from the reconciliation
    assert flow[("student", "tracking_accepted")] == len(tracking)
    assert flow[("student", "assessed")] == int((tracking["PARTICIP"].astype(int) == 1).sum())
    assert flow[("student", "weighted")] == len(demo["weights"])
    assert flow[("school", "weighted")] == demo["weights"]["IDSCHOOL"].nunique()
    assert "unexplained" not in set(recon["reason"])


def test_class_counts_are_those_the_schools_listed(demo):
    """The class weight's class count is the returned class list's (the synthetic nation's
    own classes: the truth), the register's only for schools without a list (replacements)."""
    cat = wb.open_catalog("sabat6-demo")
    _, classes, _ = weighting_inputs(
        demo["sample_schools"],
        demo["school_tracking"],
        demo["class_tracking"],
        demo["student_tracking"],
        demo["frame"],
        listed=cat.sample_classes.read(),
    )
    truth = cat.classes.read().groupby("school_id").size()
    register_id = demo["sample_schools"].set_index("IDSCHOOL")["school_id"]
    listed = classes[classes["n_classes_from"] == "class_list"]
    assert len(listed) > 0.8 * len(classes)
    assert (listed["n_classes"] == listed["IDSCHOOL"].map(register_id).map(truth)).all()
    assert set(classes["n_classes_from"]) == {"class_list", "register"}
    replacements = demo["sample_schools"].loc[lambda s: s["role"] != "sampled", "IDSCHOOL"]
    assert classes.loc[classes["n_classes_from"] == "register", "IDSCHOOL"].isin(replacements).all()
