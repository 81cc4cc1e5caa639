"""Domain evaluation through the real chain, and design studies on Dask.

References: the synthetic nation's true population means (``truth_means``), coverage of
95 % intervals within Monte Carlo error of the nominal rate, hand-computed finite-population
factors and frontier tables, and identical results on 1 and 2 local Dask workers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.frame import review_frame
from workbench.sampling import DesignStudy, Targets, design_study, summarize_domains
from workbench.sampling._chain import (
    Population,
    _fpc_factors,
    draw_weighted,
    estimate_domains,
    spec_list,
    truth_values,
)
from workbench.sampling.domains import simulate_domains
from workbench.synth import make_nation


@pytest.fixture(scope="module")
def nation():
    nation = make_nation(2024, schools=2400, items=6, blocks=2)
    frame = review_frame(nation.tables["register"], strata=["region", "locality", "language"]).frame
    return frame, nation.tables["classes"], nation.tables["students"], nation


@pytest.fixture(scope="module")
def small():
    nation = make_nation(5, schools=400, items=6, blocks=2)
    frame = review_frame(nation.tables["register"], strata=["region", "locality", "language"]).frame
    return frame, nation.tables["classes"], nation.tables["students"]


def test_truth_is_the_synthetic_nations_truth(nation):
    frame, classes, students, made = nation
    truth = truth_values(Population(frame, classes, students)).set_index(["domain", "group"])
    known = made.tables["truth_means"]
    regions = known[known["variable"] == "region"].set_index("group")["mean"]
    assert np.allclose(
        truth.loc["region", "true_value"].sort_index(), regions.sort_index(), atol=1e-9
    )
    national = known.loc[known["variable"] == "national", "mean"].iloc[0]
    assert truth.loc[("national", "all"), "true_value"] == pytest.approx(national, abs=1e-9)
    female = known[known["variable"] == "female"].set_index("group")["mean"]
    assert truth.loc[("gender_gap", "1"), "true_value"] == pytest.approx(
        female["1"] - female["0"], abs=1e-9
    )


DRAWS = 200


def test_domain_intervals_cover_the_true_values_of_the_synthetic_nation(nation):
    """200 samples of 60 schools (strata: region) through selection, weights, JK2 and
    RepDesign, all assessed. The Monte Carlo SE of a coverage rate over 200 draws is
    sqrt(.95 x .05 / 200) = 1.54 points: national mean and girls - boys gap must be within
    0.95 +/- 3 MC SE (90.4 %-99.6 %) for the IEA normal interval and the t + FPC interval,
    and the estimates unbiased within 3 MC SE of their mean."""
    frame, classes, students, _ = nation
    sims = simulate_domains(
        frame,
        classes,
        students,
        reps=DRAWS,
        seed=11,
        n_schools=60,
        strata=["region"],
        sort_by=["locality", "language", "enrol_g6"],
    )
    table = summarize_domains(sims, truth_values(Population(frame, classes, students)))
    mc = 3 * np.sqrt(0.95 * 0.05 / DRAWS)
    for domain in ("national", "gender_gap"):
        row = table[table["domain"] == domain].iloc[0]
        assert row["reps"] == DRAWS
        for interval in ("normal", "t_fpc"):
            assert abs(row[f"coverage_{interval}"] - 0.95) <= mc, (domain, interval, row)
        assert abs(row["bias"]) <= 3 * row["empirical_se"] / np.sqrt(DRAWS), row
    # the finite-population correction only lowers the SE; df never exceeds the 75 zones
    formed = sims.dropna(subset=["se", "se_fpc"])
    assert (formed["se_fpc"] <= formed["se"] + 1e-12).all()
    assert sims["df"].max() <= 75


def test_fpc_factors_are_one_minus_the_mean_inclusion_probability_of_the_zone():
    zones = pd.DataFrame(
        {
            "school_id": ["a", "b", "c", "d", "e"],
            "JKZONE": [1, 1, 2, 2, 3],
            "jk_unit": ["pair", "pair", "pair", "pair", "certainty"],
        }
    )
    schools = pd.DataFrame({"school_id": list("abcde"), "probability": [0.1, 0.3, 0.5, 0.5, 1.0]})
    classes = pd.DataFrame(
        {"school_id": list("abcde"), "n_sampled": [1, 1, 1, 1, 2], "n_classes": [2, 1, 3, 1, 8]}
    )
    factors = _fpc_factors(zones, schools, classes)
    assert factors.shape == (75,)
    assert factors[:3].tolist() == pytest.approx([0.8, 0.5, 0.75])  # certainty: 1 - 2/8
    assert (factors[3:] == 1.0).all()


def test_design_study_gives_the_same_results_on_one_and_two_workers(small):
    frame, classes, students = small
    grid = {"n_schools": [30, 40], "strata": [["region"]]}
    runs = [
        design_study(
            grid,
            frame=frame,
            classes=classes,
            students=students,
            reps=4,
            seed=3,
            batch=2,
            workers=w,
            progress=False,
        )
        for w in (1, 2)
    ]
    pd.testing.assert_frame_equal(runs[0].estimates, runs[1].estimates)
    pd.testing.assert_frame_equal(runs[0].table(), runs[1].table())
    in_process = design_study(
        grid,
        frame=frame,
        classes=classes,
        students=students,
        reps=4,
        seed=3,
        batch=3,
        client="sync",
    )
    pd.testing.assert_frame_equal(runs[0].estimates, in_process.estimates)
    assert runs[0].estimates.groupby("design")["sample"].nunique().tolist() == [4, 4]


def test_oversampling_a_language_takes_more_of_its_schools_without_bias(nation):
    frame, classes, students, _ = nation
    grid = [
        {"name": "plain", "n_schools": 200},
        {"name": "uz x5", "n_schools": 200, "oversample": {"uz": 5}},
    ]
    study = design_study(
        grid, frame=frame, classes=classes, students=students, reps=20, seed=2, client="sync"
    )
    uz = study.domains[
        (study.domains["domain"] == "language") & (study.domains["group"] == "uz")
    ].set_index("design")
    # 22 Uzbek-medium schools (1,016 of 147,519 students): ~1.4 expected in 200, ~6 at x5
    assert uz.loc["uz x5", "n_schools"] > 1.5 * uz.loc["plain", "n_schools"]
    national = study.domains[study.domains["domain"] == "national"].set_index("design")
    row = national.loc["uz x5"]
    assert abs(row["bias"]) <= 3 * row["empirical_se"] / np.sqrt(20)


def test_matrix_estimates_agree_with_repdesign(nation):
    frame, classes, students, _ = nation
    pop = Population(frame, classes, students)
    data, fpc = draw_weighted(
        pop, spec_list([{"n_schools": 200}], func="t")[0], np.random.default_rng(3)
    )
    fast = estimate_domains(data, fpc, pop.domains)
    engine = estimate_domains(data, fpc, pop.domains, engine="repdesign")
    assert fast[["domain", "group"]].equals(engine[["domain", "group"]])
    for column in ("estimate", "se", "se_fpc"):
        assert np.allclose(fast[column], engine[column], rtol=0, atol=1e-9), column
    assert (fast["se_fpc"] < fast["se"]).all()


def _study(rows: list[dict], cost: list[dict]) -> DesignStudy:
    domains = pd.DataFrame(rows)
    return DesignStudy(
        designs=pd.DataFrame({"design": [c["design"] for c in cost]}),
        domains=domains,
        cost=pd.DataFrame(cost),
        estimates=pd.DataFrame(),
        targets=Targets(),
        reps=100,
        seed=0,
    )


def test_frontier_table_finds_the_cheapest_design_meeting_every_target():
    def rows(design, national, regions, cover=0.95):
        out = [
            {
                "design": design,
                "domain": "national",
                "group": "all",
                "empirical_se": national,
                "coverage_t_fpc": cover,
                "verdict": "meets",
                "n_schools": 100,
            }
        ]
        out += [
            {
                "design": design,
                "domain": "region",
                "group": g,
                "empirical_se": se,
                "coverage_t_fpc": 0.95,
                "verdict": "meets",
                "n_schools": 10,
            }
            for g, se in regions.items()
        ]
        return out

    study = _study(
        rows("A", 2.5, {"x": 9.0, "y": 5.0})  # oblast x too imprecise
        + rows("B", 2.8, {"x": 7.5, "y": 6.0})  # meets, 4000 students
        + rows("C", 2.0, {"x": 6.0, "y": 5.0})  # meets, dearer
        + rows("D", 2.0, {"x": 6.0, "y": 5.0}, cover=0.99)  # over-covers
        + rows("E", 2.9, {"x": 8.5, "y": 5.0}),  # dearer and worse than C
        [
            {"design": "A", "schools": 100, "classes": 100, "students": 3000},
            {"design": "B", "schools": 150, "classes": 150, "students": 4000},
            {"design": "C", "schools": 200, "classes": 200, "students": 5000},
            {"design": "D", "schools": 200, "classes": 200, "students": 5000},
            {"design": "E", "schools": 250, "classes": 250, "students": 6000},
        ],
    )
    table = study.table().set_index("design")
    assert table["meets_targets"].to_dict() == {
        "A": False,
        "B": True,
        "C": True,
        "D": False,
        "E": False,
    }
    assert table["cheapest"].to_dict() == {
        "A": False,
        "B": True,
        "C": False,
        "D": False,
        "E": False,
    }
    assert table.loc["A", "region_worst"] == "x" and table.loc["D", "domains_outside"] == 1
    assert table["on_frontier"].to_dict() == {
        "A": True,
        "B": True,
        "C": True,
        "D": True,
        "E": False,
    }
    needs = study.needs().set_index(["design", "group"])
    # 10 schools at SE 9 -> 10 * (9 / 8)^2 = 12.66 -> 13 schools for SE 8
    assert needs.loc[("A", "x"), "schools_needed"] == 13


def test_design_study_bad_inputs(small):
    frame, classes, students = small
    kw = {"frame": frame, "classes": classes, "students": students, "client": "sync"}
    with pytest.raises(ValueError, match="unknown design keys"):
        design_study([{"n_school": 40}], reps=2, **kw)
    with pytest.raises(ValueError, match="the grid is empty"):
        design_study([], reps=2, **kw)
    with pytest.raises(ValueError, match="reps must be a positive whole number"):
        design_study([{"n_schools": 40}], reps=0, **kw)
    with pytest.raises(ValueError, match="unknown target keys"):
        design_study([{"n_schools": 40}], reps=2, targets={"se": 3}, **kw)
    with pytest.raises(ValueError, match="design names repeat"):
        spec_list([{"name": "a"}, {"name": "a"}], func="design_study")
    with pytest.raises(ValueError, match="unknown interval"):
        summarize_domains(pd.DataFrame(), pd.DataFrame(), interval="wald")
