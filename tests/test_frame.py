"""Frame review: every register fault is found, listed with its reason, and counts reconcile."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.frame import CHECKS, composition, frame_summary, review_frame
from workbench.synth import make_nation

#: the synthetic nation's design columns (a real register names its own)
STRATA = ["region", "locality", "language"]


@pytest.fixture(scope="module")
def nation():
    return make_nation(seed=11, schools=400, items=24, blocks=4)


def small_register() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "school_id": ["a", "b", "b", "c", "c", None, "e", "f", "g", "h"],
            "region": ["chui"] * 9 + [""],
            "locality": [
                "urban",
                "rural",
                "rural",
                "rural",
                "urban",
                "rural",
                "rural",
                None,
                "rural",
                "rural",
            ],
            "language": ["ky"] * 10,
            "school_type": ["general"] * 10,
            "enrol_g6": ["30", "25", "25", "10", "12", "40", "abc", "22", "0", "15"],
        }
    )


def test_review_finds_exactly_the_faults_the_nation_planted(nation):
    review = review_frame(nation.tables["register"], strata=STRATA)
    faults = nation.truth["register_faults"]
    found = review.checks.groupby("check")["school_id"].apply(sorted).to_dict()
    assert found == {
        "duplicate_record": faults["duplicated"],
        "zero_enrolment": faults["zero_enrolment"],
        "missing_stratum": faults["missing_locality"],
    }
    assert review.frame["school_id"].is_unique


def test_each_kind_of_fault_gets_its_reason_and_action():
    review = review_frame(small_register(), strata=STRATA)
    checks = review.checks.set_index("check")
    assert list(review.frame["school_id"]) == ["a", "b"]
    assert checks.loc["missing_id", "action"] == "excluded"
    assert checks.loc["duplicate_record", "school_id"] == "b"
    assert sorted(review.checks.loc[review.checks["check"] == "conflicting_id", "school_id"]) == [
        "c",
        "c",
    ]
    assert checks.loc["invalid_enrolment", "value"] == "abc"
    assert checks.loc["zero_enrolment", "school_id"] == "g"
    missing = review.checks[review.checks["check"] == "missing_stratum"].set_index("school_id")
    assert missing.loc["f", "column"] == "locality" and missing.loc["h", "column"] == "region"


def test_counts_reconcile_from_register_to_frame(nation):
    review = review_frame(nation.tables["register"], strata=STRATA)
    steps = review.reconciliation.set_index("step")
    middle = steps.drop(index=["register_records", "frame_schools"])
    assert (
        steps.loc["register_records", "schools"] + middle["schools"].sum()
        == steps.loc["frame_schools", "schools"]
    )
    assert steps.loc["register_records", "students"] + middle["students"].sum() == pytest.approx(
        steps.loc["frame_schools", "students"]
    )
    assert review.summary()["schools"].sum() == len(review.checks)
    assert list(review.summary()["check"]) == list(CHECKS)


def test_frame_keeps_every_grade6_student_of_valid_schools(nation):
    review = review_frame(nation.tables["register"], strata=STRATA)
    students = nation.tables["students"]
    kept = students[students["school_id"].isin(review.frame["school_id"])]
    assert review.frame["enrol_g6"].sum() == len(kept)
    assert len(kept) / len(students) > 0.99


def test_review_does_not_modify_the_register(nation):
    register = nation.tables["register"]
    before = register.copy()
    review_frame(register, strata=STRATA)
    pd.testing.assert_frame_equal(register, before)


def test_missing_column_is_named_with_the_fix():
    register = small_register().drop(columns="enrol_g6")
    with pytest.raises(KeyError, match=r"no column 'enrol_g6'; map .*data.register.columns"):
        review_frame(register)


def test_strata_are_any_register_columns_and_unknown_ones_are_named():
    register = small_register().rename(columns={"region": "oblast"}).drop(columns="language")
    review = review_frame(register, strata=["oblast"])
    missing = review.checks[review.checks["check"] == "missing_stratum"]
    assert list(missing["school_id"]) == ["h"] and list(missing["column"]) == ["oblast"]
    with pytest.raises(KeyError, match=r"name \['language'\], which the register does not"):
        review_frame(register, strata=["oblast", "language"])


def test_frame_summary_totals_and_shares(nation):
    frame = review_frame(nation.tables["register"], strata=STRATA).frame
    table = frame_summary(frame, "region").set_index("region")
    assert table.loc["total", "schools"] == len(frame)
    assert table.drop(index="total")["students"].sum() == frame["enrol_g6"].sum()
    assert table.drop(index="total")["share_students"].sum() == pytest.approx(100)


def test_composition_stacks_each_column_and_totals(nation):
    frame = review_frame(nation.tables["register"], strata=STRATA).frame
    table = composition(frame, ["region", "language"])
    for column in ("region", "language"):
        part = table[table["column"] == column]
        assert part["schools"].sum() == len(frame)
        assert part["share_students"].sum() == pytest.approx(100)
    total = table.iloc[-1]
    assert (total["column"], total["schools"], total["students"]) == (
        "total",
        len(frame),
        frame["enrol_g6"].sum(),
    )
