"""Validity-stage psychometrics: scoring rules, missing rates, score levels, booklet
reliability, ICC against psych, coder agreement, test information, the verdict rule, and DIF
planted in the synthetic nation found (and unplanted items left alone)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.conftest import ROOT
from workbench.psychometrics import (
    booklet_reliability,
    coder_agreement,
    dif_table,
    intraclass_correlation,
    item_information,
    item_verdicts,
    missing_rates,
    pcm,
    reliability,
    score_levels,
    score_missing,
    score_responses,
    wright_map,
)
from workbench.psychometrics import test_information as total_information
from workbench.synth import make_nation

REF = ROOT / "tests" / "reference" / "psychometrics"
ITEMS = pd.DataFrame(
    {
        "item_id": ["m1", "c1", "c2"],
        "type": ["MC", "CR", "CR"],
        "max_score": [1, 1, 2],
        "key": ["C", None, None],
    }
)


def test_score_responses_follows_the_key_scheme_and_the_rule():
    raw = pd.DataFrame(
        {
            "m1": ["C", "A", "9", "6", None],
            "c1": ["10", "79", "99", "96", ""],
            "c2": [20, 10, 70, 96, 99],
        }
    )
    iea = score_responses(raw, ITEMS)
    # IEA rule: correct 1, wrong 0, omitted (9) 0; not reached (6) and blank not administered
    assert iea["m1"].tolist()[:3] == [1.0, 0.0, 0.0]
    assert np.isnan(iea.loc[3, "m1"]) and np.isnan(iea.loc[4, "m1"])
    assert iea["c2"].tolist()[:3] == [2.0, 1.0, 0.0] and iea.loc[4, "c2"] == 0.0
    strict = score_responses(raw, ITEMS, not_reached="incorrect", omitted="not administered")
    assert strict.loc[3, "m1"] == 0.0 and np.isnan(strict.loc[2, "m1"])


def test_score_responses_agrees_with_score_missing_on_scored_codes():
    raw = pd.DataFrame(
        {
            "m1": ["C", "B", "9", "6", None],
            "c1": ["10", "70", "99", "96", None],
            "c2": ["20", "10", "79", "99", "96"],
        }
    )
    codes = pd.DataFrame({"m1": [1, 0, 9, 6, 7], "c1": [1, 0, 9, 6, 7], "c2": [2, 1, 0, 9, 6]})
    for rule in ("incorrect", "not administered"):
        np.testing.assert_array_equal(
            score_responses(raw, ITEMS, not_reached=rule).to_numpy(),
            score_missing(codes, not_reached_as=rule).to_numpy(),
        )


def test_score_responses_rejects_unknown_codes_and_rules():
    raw = pd.DataFrame({"m1": ["Z"], "c1": ["10"], "c2": ["20"]})
    with pytest.raises(ValueError, match="outside its scheme"):
        score_responses(raw, ITEMS)
    with pytest.raises(ValueError, match="unknown omitted rule"):
        score_responses(raw, ITEMS, omitted="wrong")


def test_missing_rates_are_shares_of_the_administered():
    codes = pd.DataFrame({"a": [1, 0, 9, 6, 7, 7], "b": [9, 9, 1, 1, 2, 6]})
    got = missing_rates(codes).set_index("item_id")
    assert got.loc["a", "n_administered"] == 4
    assert got.loc["a", "omitted"] == 0.25 and got.loc["a", "not_reached"] == 0.25
    assert got.loc["b", "omitted"] == pytest.approx(2 / 6)


def test_score_levels_by_hand_and_order_flag():
    x = pd.DataFrame({"cr": [0, 1, 2, 2, 1, 0], "a": [0, 1, 1, 1, 0, 0], "b": [0, 0, 1, 1, 1, 0]})
    got = score_levels(x, items=["cr"])
    assert got["n"].tolist() == [2, 2, 2]
    # rest scores (percent of a, b): level 0 -> 0, 0; level 1 -> .5, .5; level 2 -> 1, 1
    np.testing.assert_allclose(got["mean_rest"], [0.0, 0.5, 1.0])
    assert not got["flag_order"].any()
    reversed_ = score_levels(x.assign(cr=2 - x["cr"]), items=["cr"])
    assert reversed_["flag_order"].all()


def test_booklet_reliability_of_one_booklet_is_reliability_of_its_items():
    rng = np.random.default_rng(8)
    t = rng.normal(size=600)
    x = pd.DataFrame({f"i{j}": (t + rng.normal(size=600) > 0).astype(float) for j in range(6)})
    x.iloc[:300, 3:] = np.nan
    x.iloc[300:, :2] = np.nan
    got = booklet_reliability(x, booklet=np.repeat([1, 2], 300))
    one = got.query("booklet == '1' and statistic == 'alpha'")["estimate"].iloc[0]
    assert one == pytest.approx(reliability(x.iloc[:300, :3])["estimate"].iloc[0], abs=1e-12)
    two = got.query("booklet == '2' and statistic == 'alpha'")["estimate"].iloc[0]
    median = got.query("booklet == 'median' and statistic == 'alpha'")["estimate"].iloc[0]
    assert median == pytest.approx((one + two) / 2)


def test_icc_matches_psych_icc():
    codes = pd.read_csv(REF / "data_double_codes.csv")
    ref = pd.read_csv(REF / "ref_icc.csv").set_index("type").loc[["ICC1", "ICC2", "ICC3"]]
    got = intraclass_correlation(codes["r1"], codes["r2"]).set_index("type")
    np.testing.assert_allclose(got["estimate"], ref["icc"], atol=1e-10)
    np.testing.assert_allclose(got["ci_lower"], ref["ci_lower"], atol=1e-8)
    np.testing.assert_allclose(got["ci_upper"], ref["ci_upper"], atol=1e-8)


def test_coder_agreement_is_perfect_for_identical_codes_and_names_missing_columns():
    dc = pd.DataFrame({"ITEM": ["c1"] * 4 + ["c2"] * 4, "CODE1": [10, 70, 79, 10, 20, 10, 70, 20]})
    dc["CODE2"] = dc["CODE1"]
    got = coder_agreement(dc, ITEMS).set_index("item_id")
    assert (got[["exact_agreement", "kappa", "weighted_kappa", "icc"]] == 1).all().all()
    assert got.loc["overall", "n"] == 8 and got["meets_target"].all()
    with pytest.raises(KeyError, match="CODE2"):
        coder_agreement(dc.drop(columns="CODE2"), ITEMS)


def test_item_information_equals_the_expected_squared_score():
    table = pd.DataFrame(
        {
            "item_id": ["d", "p"],
            "a": [1.3, 0.8],
            "b": [0.2, -0.1],
            "d1": [np.nan, -0.7],
            "d2": [np.nan, 0.5],
        }
    )
    theta = np.array([-1.0, 0.3, 1.5])
    got = item_information(table, theta=theta).pivot(
        index="theta", columns="item_id", values="information"
    )
    h = 1e-5

    def logp(t):  # category log-probabilities of the GPCM item
        z = np.concatenate([[0.0], np.cumsum(0.8 * (t - np.array([-0.7, 0.5])))])
        return z - np.log(np.exp(z).sum())

    for t in theta:
        p = np.exp(logp(t))
        score = (logp(t + h) - logp(t - h)) / (2 * h)
        assert got.loc[t, "p"] == pytest.approx(np.sum(p * score**2), rel=1e-6)
        pd_ = 1 / (1 + np.exp(-1.3 * (t - 0.2)))
        assert got.loc[t, "d"] == pytest.approx(1.69 * pd_ * (1 - pd_), rel=1e-12)
    total = total_information(table, theta=theta)
    np.testing.assert_allclose(total["information"], got.sum(axis=1).to_numpy())


def test_wright_map_counts_every_person_and_lists_thresholds():
    table = pd.DataFrame(
        {"item_id": ["i", "j"], "b": [0.0, 1.0], "d1": [np.nan, 0.5], "d2": [np.nan, 1.5]}
    )
    got = wright_map(table, np.linspace(-2, 2, 41))
    assert got.query("kind == 'person'")["count"].sum() == 41
    assert got.query("kind == 'item'")["label"].tolist() == ["i", "j.1", "j.2"]


def test_verdict_rule_drop_review_keep():
    stats = pd.DataFrame(
        {
            "item_id": ["a", "b", "c", "d", "e"],
            "r_item_rest": [0.4, 0.05, 0.35, 0.3, 0.4],
            "flags": ["", "low_rpb", "", "", ""],
        }
    )
    cal = pd.DataFrame(
        {
            "item_id": ["a", "b", "c", "d", "e"],
            "a": [1.0, 0.2, 1.0, 1.0, 1.0],
            "rmsd": [0.01, 0.02, 0.2, 0.01, 0.01],
        }
    )
    fit = pd.DataFrame(
        {
            "item_id": ["a", "b", "c", "d", "e"],
            "infit_msq": [1.0] * 5,
            "outfit_msq": [1.0, 1.0, 1.0, 1.3, 1.0],
        }
    )
    dif = pd.DataFrame(
        {"item_id": ["e", "a"], "comparison": ["gender", "gender"], "ets_class": ["C+", "B-"]}
    )
    got = item_verdicts(stats, fit=fit, calibration=cal, dif=dif).set_index("item_id")
    assert got["verdict"].tolist() == ["keep", "drop", "drop", "review", "review"]
    assert got.loc["d", "reasons"] == "outfit" and got.loc["e", "reasons"] == "dif_gender"


@pytest.fixture(scope="module")
def planted():
    """A smaller nation (default DIF planted) and a sample of 9,000 of its students."""
    nation = make_nation(seed=61, schools=700)
    students = nation.tables["students"]
    pick = np.random.default_rng(1).choice(len(students), 9000, replace=False)
    responses = nation.tables["responses"].iloc[pick].reset_index(drop=True)
    who = students.iloc[pick].reset_index(drop=True)
    items = nation.tables["items"]["item_id"].tolist()
    return nation, score_missing(responses[items]), who, responses["booklet"]


def test_planted_dif_is_found_and_unplanted_items_are_left_alone(planted):
    nation, scores, who, booklet = planted
    truth = nation.truth["dif"]
    assert len(truth) == 3
    got = dif_table(
        scores,
        booklet=booklet,
        comparisons={
            "language": (who["class_language"], "ru", "ky"),
            "gender": (who["female"].map({1: "girl", 0: "boy"}), "girl", "boy"),
        },
    )
    found = set(
        zip(got.loc[got["flagged"], "comparison"], got.loc[got["flagged"], "item_id"], strict=True)
    )
    expected = {
        ("language" if d["variable"] == "class_language" else "gender", d["item_id"]) for d in truth
    }
    assert found == expected
    # the IRT check agrees in class and sign; its size recovers the planted shift
    for d in truth:
        row = got[
            (got["item_id"] == d["item_id"])
            & (got["comparison"] == ("language" if d["variable"] == "class_language" else "gender"))
        ].iloc[0]
        assert row["irt_class"][0] in "BC" and np.sign(row["irt_difference"]) == np.sign(d["shift"])
        # a != 1 in the nation and the Rasch metric differs; 4 SE + 25 % covers both
        assert abs(row["irt_difference"] - d["shift"]) < 4 * row["irt_se"] + 0.25 * abs(d["shift"])
        assert np.sign(row["d_dif"]) == -np.sign(d["shift"])  # D < 0: harder for the focal


def test_nation_without_dif_has_the_same_students_and_booklets():
    a = make_nation(seed=5, schools=120, items=24, blocks=4, dif=[])
    b = make_nation(seed=5, schools=120, items=24, blocks=4)
    assert a.truth["dif"] == [] and len(b.truth["dif"]) == 3
    pd.testing.assert_frame_equal(a.tables["students"], b.tables["students"])
    assert (a.tables["responses"]["booklet"] == b.tables["responses"]["booklet"]).all()
    planted = [d["item_id"] for d in b.truth["dif"]]
    other = [c for c in a.tables["items"]["item_id"] if c not in planted]
    pd.testing.assert_frame_equal(a.tables["responses"][other], b.tables["responses"][other])


def test_rasch_locations_recover_the_nation_item_difficulties(planted):
    nation, scores, _who, _booklet = planted
    items = nation.tables["items"].set_index("item_id")
    locations = pcm(scores).difficulty
    truth = items.loc[locations.index, "b"]
    # ~3,000 responses per item: SE of a location ~0.05; a varies (2PL), so the Rasch
    # locations are a monotone but not exact image of b: correlation, not equality
    assert np.corrcoef(locations, truth)[0, 1] > 0.97


def test_student_groups_take_the_sex_labels_of_the_tracking_schema():
    # the student-tracking schema codes SEX 1 = girl, 2 = boy (label keys a page shows)
    from workbench.psychometrics.validity import booklet_rows, student_groups

    scored = pd.DataFrame({"IDSTUD": [12, 11, 13], "IDBOOK": [1, 2, 1], "IDCLASS": [5, 5, 6]})
    tracking = pd.DataFrame({"IDSTUD": [11, 12, 13], "SEX": [1, 2, np.nan]})
    classes = pd.DataFrame({"IDCLASS": [5, 6], "CLASS_LANG": ["ky", "ru"]})
    got = student_groups(scored, tracking, classes)
    assert got["gender"].tolist()[:2] == ["boy", "girl"] and pd.isna(got["gender"].iloc[2])
    assert got["language"].tolist() == ["ky", "ky", "ru"]
    booklets = pd.DataFrame({"IDSTUD": [11, 12, 13], "R1": ["A", "B", "C"]})
    assert booklet_rows(booklets, scored)["R1"].tolist() == ["B", "A", "C"]
