"""Jackknife zones, and coverage of JK2 intervals on the synthetic nation."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from workbench import weights as W
from workbench.frame import review_frame
from workbench.sampling import select_classes, select_schools
from workbench.survey import RepDesign
from workbench.synth import make_nation


def _schools(strata: list[str], certainty: list[bool] | None = None) -> pd.DataFrame:
    n = len(strata)
    return pd.DataFrame(
        {
            "school_id": [f"s{i:03d}" for i in range(n)],
            "stratum": strata,
            "sort_order": np.arange(1, n + 1),
            "certainty": certainty if certainty else [False] * n,
        }
    )


def test_pairs_within_strata_in_sample_order():
    z = W.jackknife_zones(_schools(list("aaaabbcc")))
    assert z["JKZONE"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4]
    assert z["JKREP"].tolist() == [1, 0, 1, 0, 1, 0, 1, 0]
    assert set(z["jk_unit"]) == {"pair"}


def test_sample_order_follows_sort_order_not_row_order():
    s = _schools(list("aaaa")).iloc[[3, 1, 0, 2]]
    z = W.jackknife_zones(s)
    assert z["school_id"].tolist() == ["s000", "s001", "s002", "s003"]


def test_odd_strata_pair_across_or_split():
    s = _schools(list("aaabbbccc"))
    across = W.jackknife_zones(s)
    assert across.set_index("school_id")["jk_unit"].to_dict()["s002"] == "across"
    # leftovers s002 (a) and s005 (b) share a zone; s008 (c) is split
    zone = across.set_index("school_id")["JKZONE"]
    assert zone["s002"] == zone["s005"] and across["jk_split"].sum() == 1
    split = W.jackknife_zones(s, odd="split")
    assert split["jk_split"].sum() == 3 and split["JKZONE"].max() == 6


def test_more_pairs_than_75_are_grouped_into_75_zones():
    z = W.jackknife_zones(_schools(["a"] * 200 + ["b"] * 120))  # 160 pairs
    assert z["JKZONE"].nunique() == 75 and z["JKZONE"].max() == 75
    per_zone = z.groupby("JKZONE")["JKREP"].agg(["min", "max", "size"])
    assert (per_zone["min"] == 0).all() and (per_zone["max"] == 1).all()
    assert set(per_zone["size"]) == {4, 6}  # adjacent pairs grouped: 2 or 3 per zone
    assert per_zone["size"].sum() == 320 and (per_zone["size"] == 6).sum() == 10


def test_certainty_schools_split_by_class_or_student():
    z = W.jackknife_zones(_schools(list("aab"), certainty=[False, False, True]))
    assert z["JKZONE"].tolist() == [1, 1, 2] and z["jk_unit"].iloc[2] == "certainty"
    students = pd.DataFrame(
        {"school_id": ["s000", "s001"] + ["s002"] * 6, "class_id": [1, 1, 1, 1, 1, 2, 2, 2]}
    )
    st = W.assign_zones(students, z)
    assert st["JKREP"].tolist() == [1, 0, 1, 1, 1, 0, 0, 0]  # certainty school: by class
    one_class = students.assign(class_id=1)
    assert W.assign_zones(one_class, z)["JKREP"].tolist()[2:] == [1, 0, 1, 0, 1, 0]


def test_seeded_jkrep_is_random_but_reproducible():
    s = _schools(["a"] * 40)
    a, b = W.jackknife_zones(s, seed=4), W.jackknife_zones(s, seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert a["JKREP"].iloc[::2].sum() not in (0, 20)
    assert (a.groupby("JKZONE")["JKREP"].sum() == 1).all()


def test_zone_bad_inputs():
    s = _schools(list("aa"))
    with pytest.raises(ValueError, match="odd must be 'across' or 'split'"):
        W.jackknife_zones(s, odd="triple")
    with pytest.raises(ValueError, match="max_zones must be a positive integer"):
        W.jackknife_zones(s, max_zones=0)
    with pytest.raises(ValueError, match="duplicate keys"):
        W.jackknife_zones(pd.concat([s, s]))
    with pytest.raises(KeyError, match="sort_order='order'"):
        W.jackknife_zones(s, sort_order="order")
    with pytest.raises(ValueError, match="schools without a zone"):
        W.assign_zones(pd.DataFrame({"school_id": ["zz"], "class_id": [1]}), W.jackknife_zones(s))


DRAWS = 200


def _one_sample(frame, classes, students, seed):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # frame's zero-size warnings are not under test
        s = select_schools(
            frame,
            n=60,
            strata="region",
            replacements=0,
            seed=seed,
            sort_by=["locality", "language", "enrol_g6"],
        )
    sw = W.school_weights(s.assign(participated=True))
    cw = W.class_weights(select_classes(classes, sw, seed=seed).assign(participated=True))
    st = W.student_weights(
        students[students["class_id"].isin(cw["class_id"])].assign(assessed=True)
    )
    fw = W.assign_zones(W.final_weights(sw, cw, st), W.jackknife_zones(sw))
    design = RepDesign(W.jk2_replicates(fw), weight="TOTWGT", replicates="RWGT*")
    row = design.mean("score").iloc[0]
    return row["estimate"], row["se"], fw.groupby("region")["TOTWGT"].sum()


def test_jk2_intervals_cover_the_true_mean_of_the_synthetic_nation():
    """200 samples of 60 schools x 1 class from a 2,400-school nation, all assessed.

    Nominal 95%; the Monte Carlo SE of a coverage rate over 200 draws is
    sqrt(.95 x .05 / 200) = 1.5 points, so the test accepts 90.4%-99% (3 MC SEs below).
    A 600-school nation was tried first: with 60 schools its sampling fractions (up to
    ~0.5 for large schools) make the with-replacement jackknife conservative (99.5%),
    and with 30-40 schools the few-schools-per-region ratio estimator undercovers (88%).
    """
    nation = make_nation(2024, schools=2400, items=12, blocks=2)
    frame = review_frame(nation.tables["register"]).frame
    students = nation.tables["students"]
    students = students[students["school_id"].isin(frame["school_id"])]
    truth = students["score"].mean()
    out = [_one_sample(frame, nation.tables["classes"], students, seed) for seed in range(DRAWS)]
    est = np.array([o[0] for o in out])
    se = np.array([o[1] for o in out])
    coverage = np.mean(np.abs(est - truth) <= 1.959964 * se)
    assert 0.904 <= coverage <= 0.99, coverage
    assert 0.8 <= se.mean() / est.std(ddof=1) <= 1.25
    assert abs(est.mean() - truth) < 3 * est.std(ddof=1) / np.sqrt(DRAWS)
    # TOTWGT sums by explicit stratum to the frame enrolment in expectation
    totals = pd.concat([o[2] for o in out], axis=1).T
    enrol = frame.groupby("region")["enrol_g6"].sum()
    z = (totals.mean() - enrol) / (totals.std(ddof=1) / np.sqrt(DRAWS))
    assert (z.abs() < 3.5).all(), z
