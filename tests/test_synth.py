"""The synthetic nation: realistic shares, the targeted ICC, and truth that matches its data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.synth import make_nation
from workbench.synth.geography import REGIONS
from workbench.synth.truth import intraclass_correlation, subgroup_means


@pytest.fixture(scope="module")
def nation():
    return make_nation(seed=20261124)


def test_register_has_about_2400_schools_in_nine_regions(nation):
    register = nation.tables["register"]
    real = register[register["enrol_g6"] > 0].drop_duplicates()
    assert 2300 <= len(real) <= 2500
    assert set(real["region"]) == {r.code for r in REGIONS}


def test_register_is_mostly_rural_by_count_but_not_by_enrolment(nation):
    frame = nation.tables["register"].dropna(subset=["locality"]).drop_duplicates()
    frame = frame[frame["enrol_g6"] > 0]
    urban_schools = (frame["locality"] == "urban").mean()
    urban_students = (
        frame.loc[frame["locality"] == "urban", "enrol_g6"].sum() / frame["enrol_g6"].sum()
    )
    assert 0.15 <= urban_schools <= 0.25  # sampling.md §5.2: 462 of 2,262 urban
    assert 0.40 <= urban_students <= 0.55  # §5.4: ~45-50 % urban by enrolment


def test_languages_of_instruction_have_realistic_shares(nation):
    register = nation.tables["register"].drop_duplicates()
    shares = register["language"].value_counts(normalize=True)
    assert 0.55 <= shares["ky"] <= 0.66
    assert 0.06 <= shares["ru"] <= 0.14
    assert 0.25 <= shares["multi"] <= 0.36
    assert 5 <= (register["language"] == "uz").sum() <= 40
    assert 1 <= (register["language"] == "tj").sum() <= 8


def test_language_belongs_to_the_class_in_multi_language_schools(nation):
    classes = nation.tables["classes"]
    register = nation.tables["register"].drop_duplicates("school_id").set_index("school_id")
    multi = classes[classes["school_id"].map(register["language"]) == "multi"]
    languages_per_school = multi.groupby("school_id")["class_language"].nunique()
    one_class = multi.groupby("school_id").size() == 1
    assert (languages_per_school[~one_class] > 1).all()  # a one-class school teaches in one
    assert (languages_per_school > 1).mean() > 0.7
    assert set(classes["class_language"]) == {"ky", "ru", "uz", "tj"}


def test_grade6_population_is_about_150_thousand(nation):
    students = nation.tables["students"]
    assert 140_000 <= len(students) <= 160_000
    assert students["student_id"].is_unique
    enrol = nation.tables["classes"].groupby("school_id")["enrol"].sum()
    assert (students.groupby("school_id").size() == enrol).all()


def test_between_school_icc_is_in_the_target_range(nation):
    assert 0.35 <= nation.truth["icc"] <= 0.45
    recomputed = intraclass_correlation(
        nation.tables["students"]["score"], nation.tables["students"]["school_id"]
    )
    assert recomputed == pytest.approx(nation.truth["icc"], abs=1e-12)


def test_reporting_scale_has_mean_500_and_sd_100(nation):
    scores = nation.tables["students"]["score"]
    assert scores.mean() == pytest.approx(500, abs=1e-9)
    assert scores.std(ddof=0) == pytest.approx(100, abs=1e-9)


def test_truth_means_are_the_population_means(nation):
    truth = nation.tables["truth_means"].set_index(["variable", "group"])
    students = nation.tables["students"]
    by_region = students.groupby("region")["score"].mean()
    for region, mean in by_region.items():
        assert truth.loc[("region", region), "mean"] == pytest.approx(mean, abs=1e-9)
    assert truth.loc[("national", "all"), "n"] == len(students)
    assert set(truth.index.get_level_values("variable")) == {
        "national",
        "region",
        "locality",
        "class_language",
        "female",
        "school_type",
        "books",
    }


def test_background_effects_point_the_right_way(nation):
    truth = nation.tables["truth_means"].set_index(["variable", "group"])["mean"]
    assert truth[("female", "1")] > truth[("female", "0")]
    assert truth[("locality", "urban")] > truth[("locality", "rural")]
    books = [truth[("books", str(k))] for k in range(1, 6)]
    assert books == sorted(books)


def test_same_seed_same_nation_other_seed_other_nation():
    one = make_nation(seed=7, schools=150, items=24, blocks=4)
    two = make_nation(seed=7, schools=150, items=24, blocks=4)
    three = make_nation(seed=8, schools=150, items=24, blocks=4)
    for name, table in one.tables.items():
        pd.testing.assert_frame_equal(table, two.tables[name])
    assert not one.tables["students"]["theta"].equals(three.tables["students"]["theta"])


def test_register_faults_are_written_in_the_truth(nation):
    register = nation.tables["register"]
    faults = nation.truth["register_faults"]
    assert register.duplicated().sum() == len(faults["duplicated"]) == 3
    zero = register.loc[register["enrol_g6"] == 0, "school_id"]
    assert sorted(zero) == faults["zero_enrolment"]
    assert (
        sorted(register.loc[register["locality"].isna(), "school_id"]) == faults["missing_locality"]
    )


def test_each_student_takes_two_blocks_and_codes_are_valid(nation):
    responses = nation.tables["responses"]
    items = nation.tables["items"]
    codes = responses[items["item_id"]].to_numpy()
    assert set(np.unique(codes)) <= {0, 1, 2, 6, 7, 9}
    administered = (codes != 7).sum(axis=1)
    assert (administered == 2 * items.groupby("block").size().iloc[0]).all()
    two_point = items.loc[items["max_score"] == 2, "item_id"]
    one_point = items.loc[items["max_score"] == 1, "item_id"]
    assert (responses[one_point].to_numpy() != 2).all()
    assert (responses[two_point].to_numpy() == 2).any()


def test_responses_follow_the_item_parameters(nation):
    """Observed percent correct matches the model's expectation given each student's theta."""
    students = nation.tables["students"]
    responses = nation.tables["responses"]
    items = nation.tables["items"]
    theta = students["theta"].to_numpy()
    for item in items[items["max_score"] == 1].head(12).itertuples():
        codes = responses[item.item_id].to_numpy()
        seen = np.isin(codes, [0, 1, 9])  # omitted is wrong: the IEA rule
        expected = 1 / (1 + np.exp(-item.a * (theta[seen] - item.b)))
        observed = (codes[seen] == 1).mean()
        se = np.sqrt((expected * (1 - expected)).sum()) / seen.sum()
        assert abs(observed - expected.mean()) < 4 * se


def test_subgroup_means_lists_every_group():
    students = pd.DataFrame(
        {
            "score": [400.0, 600.0],
            "region": ["a", "b"],
            "locality": ["urban", "rural"],
            "class_language": ["ky", "ru"],
            "female": [0, 1],
            "school_type": ["general"] * 2,
            "books": [1, 5],
        }
    )
    table = subgroup_means(students)
    assert table.iloc[0].to_dict() == {
        "variable": "national",
        "group": "all",
        "mean": 500.0,
        "sd": 100.0,
        "n": 2,
    }
    assert len(table) == 1 + 2 + 2 + 2 + 2 + 1 + 2
