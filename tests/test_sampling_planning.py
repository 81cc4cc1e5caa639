"""Tests for workbench.sampling: class selection, planning formulas, design evaluation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from workbench import sampling as ws
from workbench.sampling._toy import toy_nation

# ------------------------------------------------------------------ class selection


def _classes() -> tuple[pd.DataFrame, pd.DataFrame]:
    classes = pd.DataFrame(
        {
            "school_id": ["a"] * 4 + ["b"] * 3 + ["c"],
            "class_id": ["6A", "6B", "6C", "6D", "6A", "6B", "6C", "6A"],
            "enrol": [25, 24, 26, 27, 20, 21, 19, 9],
        }
    )
    schools = pd.DataFrame({"school_id": ["a", "b", "c"], "mos": [102, 60, 9]})
    return classes, schools


def test_class_selection_is_equal_probability():
    classes, schools = _classes()
    reps = 3000  # 3000 independent copies of the three schools, drawn in one call
    copy = np.repeat(np.arange(reps), len(classes))
    many = pd.concat([classes] * reps, ignore_index=True)
    many["school_id"] = many["school_id"] + "_" + copy.astype(str)
    copies = pd.concat([schools] * reps, ignore_index=True)
    copies["school_id"] = copies["school_id"] + "_" + np.repeat(np.arange(reps), 3).astype(str)
    out = ws.select_classes(many, copies, large_mos=100, seed=5)
    key = out["school_id"].str[0] + out["class_id"]
    counts = key.value_counts().reindex(["a6A", "a6B", "a6C", "a6D", "b6A", "b6B", "b6C", "c6A"])
    # a: 2 of 4 classes (MOS 102 > 100), b: 1 of 3, c: its only class
    prob = np.array([0.5] * 4 + [1 / 3] * 3 + [1.0])
    free = prob < 1
    p = [
        stats.binomtest(int(c), reps, q).pvalue
        for c, q in zip(counts[free], prob[free], strict=True)
    ]
    assert min(p) * free.sum() > 0.01  # exact binomial, Bonferroni over 7 classes
    assert counts.iloc[-1] == reps
    assert out.groupby("school_id")["class_id"].nunique().max() == 2  # never a class twice


def test_class_selection_returns_probabilities_and_counts():
    classes, schools = _classes()
    out = ws.select_classes(classes, schools, large_mos=100, seed=1)
    assert out.groupby("school_id")["n_sampled"].first().to_dict() == {"a": 2, "b": 1, "c": 1}
    assert out.groupby("school_id").size().to_dict() == {"a": 2, "b": 1, "c": 1}
    assert out["class_probability"].tolist() == pytest.approx([0.5, 0.5, 1 / 3, 1.0])
    assert {"enrol", "n_classes"} <= set(out.columns)
    before = classes.copy()
    ws.select_classes(classes, schools, seed=1)
    pd.testing.assert_frame_equal(classes, before)


def test_class_selection_rejects_schools_without_classes():
    classes, schools = _classes()
    schools = pd.concat([schools, pd.DataFrame({"school_id": ["z9"], "mos": [30]})])
    with pytest.raises(ValueError, match=r"schools with no classes .*\['z9'\] \(1 schools\)"):
        ws.select_classes(classes, schools, seed=1)
    with pytest.raises(KeyError, match=r"class_id=\['IDCLASS'\]"):
        ws.select_classes(classes, schools, class_id="IDCLASS")


# ------------------------------------------------------------------------- planning


def test_planning_matches_hand_computed_table():
    # sampling.md section 4: n_eff(150 schools) rounded, and schools for n_eff = 400.
    table = ws.planning_table(icc=[0.1, 0.3, 0.6], class_size=[15, 25, 30])
    got = table.set_index(["icc", "class_size"])
    # deff = 1 + (m - 1) icc; n_eff = 150 m / deff
    assert got.loc[(0.3, 25), "deff"] == pytest.approx(8.2)
    assert got.loc[(0.1, 15), "n_eff"] == pytest.approx(937.5)
    assert round(got.loc[(0.3, 15), "n_eff"]) == 433  # 2250 / 5.2 = 432.7
    assert round(got.loc[(0.6, 30), "n_eff"]) == 245  # 4500 / 18.4 = 244.6
    # schools = ceil(400 deff / m): 400 * 8.2 / 25 = 131.2 -> 132; 400 * 18.4 / 30 = 245.3
    assert got.loc[(0.3, 25), "schools_needed"] == 132
    assert got.loc[(0.6, 30), "schools_needed"] == 246
    # exact-integer cases: 400 * 2.4 / 15 = 64 and 400 * 3.9 / 30 = 52 (the table in
    # sampling.md prints 65 and 53: floating-point noise pushed its ceiling up by one)
    assert got.loc[(0.1, 15), "schools_needed"] == 64
    assert got.loc[(0.1, 30), "schools_needed"] == 52
    # SE of the mean: 100 * sqrt(8.2 / 3750) = 4.6762
    assert got.loc[(0.3, 25), "se"] == pytest.approx(4.67618, abs=1e-5)


def test_planning_formulas_agree_with_each_other():
    assert ws.design_effect(1, 0.4) == 1.0  # one student per school: no clustering
    assert ws.design_effect(30, 0.0) == 1.0
    assert ws.weighting_effect([2.0] * 10) == pytest.approx(1.0)
    assert ws.weighting_effect([1, 1, 2, 4]) == pytest.approx(4 * 22 / 64)
    # se = 5 on sd = 100 is n_eff = 400
    for icc, m in [(0.2, 20), (0.45, 28)]:
        assert ws.schools_needed(icc=icc, class_size=m, se=5.0) == ws.schools_needed(
            icc=icc, class_size=m, n_eff=400
        )
    n = ws.schools_needed(icc=0.4, class_size=25, se=4.0)  # 625 * 10.6 / 25 = 265
    assert n == 265 and ws.planned_se(n, icc=0.4, class_size=25) <= 4.0
    assert ws.planned_se(n - 1, icc=0.4, class_size=25) > 4.0
    # two classes of 20 = clusters of 40: deff 1 + 39 * 0.3 = 12.7 -> ceil(400 * 12.7 / 40)
    assert ws.schools_needed(icc=0.3, class_size=20, classes_per_school=2, n_eff=400) == 127
    # unequal weights multiply the design effect: 400 * 8.2 * 1.2 / 25 = 157.44
    assert ws.schools_needed(icc=0.3, class_size=25, n_eff=400, deff_weight=1.2) == 158


def test_planning_rejects_bad_input():
    with pytest.raises(ValueError, match="design_effect: icc must be between 0 and 1"):
        ws.design_effect(25, 1.5)
    with pytest.raises(ValueError, match="schools_needed: give exactly one of se or n_eff"):
        ws.schools_needed(icc=0.3, class_size=25)
    with pytest.raises(ValueError, match="weighting_effect: weights must be positive"):
        ws.weighting_effect([1.0, 0.0])


# --------------------------------------------------------------- design evaluation


@pytest.fixture(scope="module")
def nation() -> tuple[pd.DataFrame, pd.DataFrame]:
    frame, _, students = toy_nation(1200, seed=8)  # ~85,000 students, ICC about 0.35
    return frame, students


def test_design_evaluation_intervals_cover_at_nominal_rate(nation):
    frame, students = nation
    reps = 2000
    ev = ws.evaluate_design(
        frame,
        students,
        n=80,
        reps=reps,
        seed=0,
        strata=["region", "locality"],
        sort_by=["language", "enrol_g6"],
        large_mos=80,
        minimum=2,
    ).set_index("estimator")
    mc = np.sqrt(0.95 * 0.05 / reps)  # Monte Carlo SE of a coverage rate: 0.0049
    assert ev["coverage_mc_se"].iloc[0] == pytest.approx(mc)
    for est in ("hajek", "horvitz_thompson"):
        row = ev.loc[est]
        # 3 MC SE (0.015) plus 0.01 for the with-replacement variance estimator, which
        # ignores the finite-population correction and so runs a few percent high
        assert abs(row["coverage"] - 0.95) < 3 * mc + 0.01
        assert 0.95 < row["se_ratio"] < 1.12
        # bias within 3 MC SE of zero (MC SE of the mean estimate = empirical SE / sqrt(reps))
        assert abs(row["bias"]) < 3 * row["empirical_se"] / np.sqrt(reps)
        assert row["n_schools"] == 80 and row["deff"] > 1


def test_simulated_samples_have_the_planned_size(nation):
    frame, students = nation
    sims = ws.simulate_design(
        frame,
        students,
        n=60,
        reps=50,
        seed=3,
        strata="locality",
        sort_by="enrol_g6",
        large_mos=80,
        variance="stratified",
    )
    assert len(sims) == 100 and (sims["n_schools"] == 60).all()
    assert sims["true_mean"].iloc[0] == pytest.approx(students["score"].mean())
    assert sims.groupby("sample")["n_students"].nunique().eq(1).all()


def test_design_evaluation_rejects_bad_students(nation):
    frame, students = nation
    stray = pd.concat(
        [students.head(3), pd.DataFrame({"school_id": ["X1"], "class_id": ["6A"], "score": [1.0]})]
    )
    with pytest.raises(ValueError, match=r"students of schools not in the frame \['X1'\]"):
        ws.simulate_design(frame, stray, n=10, reps=2)
    gap = students.copy()
    gap.loc[:2, "score"] = np.nan
    with pytest.raises(ValueError, match=r"missing scores in column 'score'"):
        ws.simulate_design(frame, gap, n=10, reps=2)
    with pytest.raises(ValueError, match="schools in the design with no students"):
        ws.simulate_design(frame, students[students["school_id"] != "S00007"], n=10, reps=2)
