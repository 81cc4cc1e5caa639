"""Tests for workbench.weights stages: base weights, non-response, TOTWGT, trimming."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench import weights as W
from workbench.sampling import select_schools


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    size = np.r_[rng.integers(10, 120, 118), 900, 700]
    return pd.DataFrame(
        {
            "school_id": [f"s{i:03d}" for i in range(120)],
            "region": np.repeat(["a", "b", "c"], 40),
            "enrol_g6": size,
        }
    )


@pytest.fixture(scope="module")
def sample(frame) -> pd.DataFrame:
    return select_schools(frame, n=24, strata="region", sort_by="enrol_g6", seed=11)


def test_school_base_weight_times_mos_sums_to_stratum_mos(frame, sample):
    sampled = sample[sample["role"] == "sampled"].assign(participated=True)
    sw = W.school_weights(sampled)
    assert sw["certainty"].any()  # the two big schools of region c
    assert (sw.loc[sw["certainty"], "WGTFAC1"] == 1.0).all()
    got = (sw["WGTFAC1"] * sw["mos"]).groupby(sw["stratum"]).sum()
    want = frame.groupby("region")["enrol_g6"].sum().astype(float)
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-12)
    assert (sw["WGTADJ1"] == 1.0).all()


def test_replacement_takes_its_own_base_weight_and_the_original_slot(sample):
    s = sample.copy()
    s["participated"] = s["role"] == "sampled"
    orig = s.loc[s["role"] == "replacement_1", "sampled_school"].iloc[0]
    s.loc[s["school_id"] == orig, "participated"] = False
    rep = s["role"].eq("replacement_1") & s["sampled_school"].eq(orig)
    s.loc[rep, "participated"] = True
    sw = W.school_weights(s)
    row = sw[sw["school_id"] == s.loc[rep, "school_id"].iloc[0]].iloc[0]
    assert row["WGTFAC1"] == pytest.approx(1 / s.loc[rep, "probability"].iloc[0], rel=1e-12)
    assert row["WGTADJ1"] == 1.0  # the slot is filled: no non-response in the cell
    pisa = W.school_weights(s, replacement_weight="original")
    prow = pisa[pisa["school_id"] == row["school_id"]].iloc[0]
    own = s.loc[s["school_id"] == orig, "probability"].iloc[0]
    assert prow["WGTFAC1"] == pytest.approx(1 / own, rel=1e-12)


def test_school_nonresponse_factor_is_iea_count_ratio(sample):
    s = sample[sample["role"] == "sampled"].assign(participated=True)
    a = s.index[s["stratum"] == "a"]
    s.loc[a[:2], "participated"] = False  # 2 of 8 slots in stratum a lost
    sw = W.school_weights(s)
    n_a = len(a)
    np.testing.assert_allclose(sw.loc[sw["stratum"] == "a", "WGTADJ1"], n_a / (n_a - 2))
    assert (sw.loc[sw["stratum"] != "a", "WGTADJ1"] == 1).all()
    # invariant: adjusted count of slots per cell = eligible slots
    assert sw.groupby("stratum")["WGTADJ1"].sum().to_dict() == pytest.approx(
        s.groupby("stratum").size().astype(float).to_dict()
    )


def test_ineligible_school_leaves_the_cell():
    s = pd.DataFrame(
        {
            "school_id": list("abcd"),
            "stratum": "x",
            "role": "sampled",
            "sampled_school": list("abcd"),
            "probability": 0.5,
            "participated": [True, True, False, False],
            "eligible": [True, True, True, False],
        }
    )
    sw = W.school_weights(s, eligible="eligible")
    np.testing.assert_allclose(sw["WGTADJ1"], [1.5, 1.5])


def test_nonresponse_adjustment_preserves_cell_totals():
    rng = np.random.default_rng(3)
    df = pd.DataFrame(
        {
            "cell": rng.choice(list("pqr"), 300),
            "w": rng.gamma(2.0, 10.0, 300),
            "ok": rng.random(300) < 0.8,
        }
    )
    before = df.copy()
    out = W.adjust_nonresponse(df, weight="w", cell="cell", responded="ok")
    pd.testing.assert_frame_equal(df, before)
    np.testing.assert_allclose(
        out.groupby("cell")["w_nr"].sum(), df.groupby("cell")["w"].sum(), rtol=1e-12
    )
    assert (out.loc[~out["ok"], "w_nr"] == 0).all()


def test_collapse_merges_cells_without_respondents():
    df = pd.DataFrame({"cell": ["a", "a", "b"], "w": [1.0, 1.0, 2.0], "ok": [True, True, False]})
    with pytest.raises(ValueError, match=r"cells \['b'\].*collapse"):
        W.adjust_nonresponse(df, weight="w", cell="cell", responded="ok")
    out = W.adjust_nonresponse(df, weight="w", cell="cell", responded="ok", collapse={"b": "a"})
    assert out["w_nr"].tolist() == [2.0, 2.0, 0.0]


def test_school_cell_with_no_participant_asks_to_collapse(sample):
    s = sample[sample["role"] == "sampled"].assign(participated=True)
    s.loc[s["stratum"] == "b", "participated"] = False
    with pytest.raises(ValueError, match=r"cells \['b'\] .* no respondents; collapse"):
        W.school_weights(s)
    sw = W.school_weights(s, collapse={"b": "a"})
    n_ab = int(s["stratum"].isin(["a", "b"]).sum())
    n_a = int((s["stratum"] == "a").sum())
    np.testing.assert_allclose(sw.loc[sw["nr_cell"] == "a", "WGTADJ1"], n_ab / n_a)


def test_class_weights_hand_figures():
    c = pd.DataFrame(
        {
            "school_id": ["a", "a", "a", "b"],
            "class_id": [1, 2, 3, 1],
            "n_classes": [6, 6, 6, 2],
            "n_sampled": [3, 3, 3, 1],
            "participated": [True, True, False, True],
        }
    )
    cw = W.class_weights(c)
    assert cw["WGTFAC2"].tolist() == [2.0, 2.0, 2.0]
    assert cw["WGTADJ2"].tolist() == [1.5, 1.5, 1.0]
    assert cw["class_weight"].tolist() == [3.0, 3.0, 2.0]


def test_student_weights_hand_figures_and_exclusions():
    st = pd.DataFrame(
        {
            "school_id": "a",
            "class_id": [1] * 5 + [2] * 2,
            "assessed": [True, True, True, False, False, True, True],
            "excluded": [False, False, False, False, True, False, False],
        }
    )
    sw = W.student_weights(st, excluded="excluded")
    # class 1: 4 eligible (1 excluded is out of the population), 3 assessed
    np.testing.assert_allclose(sw["WGTADJ3"], [4 / 3] * 3 + [1.0, 1.0])
    assert (sw["WGTFAC3"] == 1).all()


def test_totwgt_is_the_product_and_derived_weights_sum_right():
    sch = pd.DataFrame(
        {"school_id": ["a", "b"], "stratum": "x", "WGTFAC1": [10.0, 4.0], "WGTADJ1": [1.2, 1.2]}
    )
    cls = pd.DataFrame(
        {"school_id": ["a", "b"], "class_id": [1, 1], "WGTFAC2": [3.0, 1.0], "WGTADJ2": [1.0, 1.0]}
    )
    st = pd.DataFrame(
        {"school_id": ["a", "a", "b"], "class_id": 1, "WGTFAC3": 1.0, "WGTADJ3": [2.0, 2.0, 1.0]}
    )
    fw = W.final_weights(sch, cls, st)
    np.testing.assert_allclose(fw["TOTWGT"], [72.0, 72.0, 4.8])
    assert fw["SENWGT"].sum() == pytest.approx(500.0)
    assert fw["HOUWGT"].sum() == pytest.approx(3.0)
    assert fw["stratum"].tolist() == ["x"] * 3


def test_trim_caps_at_k_median_and_keeps_group_totals():
    rng = np.random.default_rng(9)
    df = pd.DataFrame({"h": np.repeat(["a", "b"], 200), "w": rng.lognormal(3, 0.9, 400)})
    out = W.trim_weights(df, weight="w", by="h", k=3.0, out="w_trim")
    for _, g in out.groupby("h"):
        cap = 3.0 * np.median(g["w"])
        assert g["w_trim"].max() <= cap * (1 + 1e-9)
        assert g["w_trim"].sum() == pytest.approx(g["w"].sum(), rel=1e-12)
        assert (g["w"] > cap).any()
    assert "w_trim" not in df


def test_bad_inputs_raise_clear_errors(sample):
    s = sample.assign(participated=True)  # original and replacements all participating
    with pytest.raises(ValueError, match="more than one participating school"):
        W.school_weights(s)
    with pytest.raises(KeyError, match="participated='took_part'"):
        W.school_weights(s, participated="took_part")
    with pytest.raises(ValueError, match="replacement_weight must be"):
        W.school_weights(s, replacement_weight="pisa")
    with pytest.raises(ValueError, match="must be True/False"):
        W.school_weights(s.assign(participated="yes"))
    c = pd.DataFrame(
        {
            "school_id": ["a", "b"],
            "class_id": 1,
            "n_classes": 2,
            "n_sampled": 1,
            "participated": [True, False],
        }
    )
    with pytest.raises(ValueError, match=r"\['b'\].*no participating classes"):
        W.class_weights(c)
    st = pd.DataFrame({"school_id": "a", "class_id": 1, "assessed": [True], "excluded": [True]})
    with pytest.raises(ValueError, match="both assessed and excluded"):
        W.student_weights(st, excluded="excluded")
    with pytest.raises(ValueError, match="k must be at least 1"):
        W.trim_weights(pd.DataFrame({"w": [1.0]}), weight="w", k=0.5)
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        W.adjust_nonresponse([1, 2], weight="w", cell="c", responded="r")
    sch = pd.DataFrame({"school_id": ["a"], "WGTFAC1": [1.0], "WGTADJ1": [1.0]})
    cls = pd.DataFrame({"school_id": ["a"], "class_id": [1], "WGTFAC2": [1.0], "WGTADJ2": [1.0]})
    st = pd.DataFrame({"school_id": "a", "class_id": [2], "WGTFAC3": 1.0, "WGTADJ3": 1.0})
    with pytest.raises(ValueError, match="students in classes or schools with no weight"):
        W.final_weights(sch, cls, st)


def test_stage_functions_do_not_modify_their_inputs(sample):
    s = sample[sample["role"] == "sampled"].assign(participated=True)
    c = pd.DataFrame(
        {
            "school_id": ["a", "a"],
            "class_id": [1, 2],
            "n_classes": 3,
            "n_sampled": 2,
            "participated": [True, False],
        }
    )
    st = pd.DataFrame({"school_id": "a", "class_id": 1, "assessed": [True, False]})
    copies = [x.copy() for x in (s, c, st)]
    W.school_weights(s)
    W.class_weights(c)
    W.student_weights(st)
    W.trim_weights(st.assign(w=1.0), weight="w")
    for x, before in zip((s, c, st), copies, strict=True):
        pd.testing.assert_frame_equal(x, before)


def test_class_counts_come_from_the_class_lists_then_the_register_then_the_tracking():
    """Three schools, one per source; the truth is written here: school 1 listed 4 classes,
    school 2 is in the register with 3, school 3 has neither (2 classes tracked)."""
    sample = pd.DataFrame(
        {"IDSCHOOL": [1, 2, 3], "school_id": ["a", "b", "c"], "role": "sampled", "REPLACES": 0}
    )
    schools = pd.DataFrame({"IDSCHOOL": [1, 2, 3], "PARTICIP": [1, 1, 1]})
    classes = pd.DataFrame(
        {
            "IDSCHOOL": [1, 2, 3, 3],
            "IDCLASS": [101, 201, 301, 302],
            "N_LISTED": 20,
            "N_EXCLUDED": 0,
            "N_ASSESSED": [18, 9, 20, 20],
        }
    )
    students = pd.DataFrame({"IDSCHOOL": [1], "IDCLASS": [101], "PARTICIP": [1]})
    frame = pd.DataFrame({"school_id": ["a", "b", "c"], "n_classes_g6": ["9", "3", None]})
    listed = pd.DataFrame({"IDSCHOOL": [1, 1], "n_classes": [4, 4]})
    _, got, _ = W.weighting_inputs(sample, schools, classes, students, frame, listed=listed)
    assert got["n_classes"].tolist() == [4, 3, 2, 2]  # the list wins over the register's 9
    assert got["n_classes_from"].tolist() == ["class_list", "register", "tracked", "tracked"]
    assert got["participated"].tolist() == [True, False, True, True]  # 9 of 20: below half
    assert W.class_count_sources(got) == {"class_list": 1, "register": 1, "tracked": 1}
    _, without, _ = W.weighting_inputs(sample, schools, classes, students, frame[["school_id"]])
    assert set(without["n_classes_from"]) == {"tracked"}
