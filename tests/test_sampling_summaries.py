"""Report tables of the sample-design stage: role counts, composition, evaluation population."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.frame import review_frame
from workbench.sampling import (
    composition,
    evaluation_population,
    sample_summary,
    sampling_fraction,
    select_classes,
    select_schools,
)
from workbench.synth import make_nation


@pytest.fixture(scope="module")
def drawn():
    nation = make_nation(seed=3, schools=400, items=24, blocks=4)
    frame = review_frame(nation.tables["register"], strata=["region", "locality", "language"]).frame
    sample = select_schools(frame, n=40, strata=["region"], sort_by=["enrol_g6"], seed=4)
    classes = select_classes(nation.tables["classes"], sample[sample["role"] == "sampled"], seed=5)
    return nation, frame, sample, classes


def test_summary_counts_add_up_to_the_sample(drawn):
    _, _, sample, classes = drawn
    table = sample_summary(sample, classes, by="region").set_index("region")
    total = table.loc["total"]
    assert total["sampled"] == 40
    assert total["sampled"] + total["replacement_1"] + total["replacement_2"] == len(sample)
    assert total["sampled_classes"] == len(classes)
    assert total["sampled_students"] == classes["enrol"].sum()
    assert (table.drop(index="total").sum() == total).all()


def test_composition_shares_sum_to_100(drawn):
    _, frame, sample, classes = drawn
    joined = classes.merge(frame[["school_id", "region"]], on="school_id")
    shares = composition(frame, joined, by="region", size="enrol_g6", sample_size="enrol")
    assert shares["population"].sum() == pytest.approx(100)
    assert shares["sample"].sum() == pytest.approx(100)
    assert shares["difference"].sum() == pytest.approx(0, abs=1e-9)


def test_evaluation_population_keeps_the_known_students_of_frame_schools(drawn):
    nation, frame, _, _ = drawn
    students = nation.tables["students"]
    population = evaluation_population(frame, nation.tables["classes"], students)
    assert set(population["school_id"]) <= set(frame["school_id"])
    assert len(population) == frame["enrol_g6"].sum()


def test_simulated_population_has_the_planning_icc(drawn):
    from workbench.synth.truth import intraclass_correlation

    nation, frame, _, _ = drawn
    population = evaluation_population(frame, nation.tables["classes"], icc=0.4, seed=9)
    assert len(population) == frame["enrol_g6"].sum()
    icc = intraclass_correlation(population["score"], population["school_id"])
    # 380 schools: the sampling SD of an ICC estimate near 0.4 is about 0.03
    assert icc == pytest.approx(0.4, abs=0.1)
    assert population["score"].mean() == pytest.approx(500, abs=25)
    assert np.isfinite(population["score"]).all()


def test_summary_does_not_change_its_inputs(drawn):
    _, _, sample, classes = drawn
    before = (sample.copy(), classes.copy())
    sample_summary(sample, classes, by=["region"])
    pd.testing.assert_frame_equal(sample, before[0])
    pd.testing.assert_frame_equal(classes, before[1])


def test_sampling_fraction_grid_matches_the_stratum_totals(drawn):
    _, frame, _, classes = drawn
    grid = sampling_fraction(frame, classes, rows="region", columns="locality")
    region = grid["region"].iloc[0]
    stratum = frame[(frame["region"] == region) & (frame["locality"] == "rural")]
    sampled = classes[classes["school_id"].isin(stratum["school_id"])]["enrol"].sum()
    assert grid.set_index("region").loc[region, "rural"] == pytest.approx(
        100 * sampled / stratum["enrol_g6"].sum()
    )
