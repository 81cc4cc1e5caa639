"""Recovery of the synthetic nation's truth by the results exhibits, over repeated samples.

The nation: ``make_nation(seed=5)`` (2,400 schools, ~150,000 students; its truth tables give
the population means by region, sex and locality and the generating effects). Each of the
30 draws is a stratified sample of schools (simple random within each oblast, 2 schools per
jackknife zone, zones in proportion to the oblast's schools, 75 zones in all, every grade-6
student of a sampled school), weight N_h / n_h, IEA JK2 replicate weights
(``workbench.weights.jk2_replicates``), and five "plausible values" = true score + N(0, 10²)
(unbiased for every population mean). The results functions then run as the stage runs them
(``analysis_frame`` indicators, ``RepDesign.iea``).

Monte Carlo error: with 30 draws a coverage of 270 regional intervals has SD 1.3 points;
the mean of 30 estimates has SD (empirical SD) / 5.5; the tolerances are about 3 of these.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import workbench.synth as synth
from workbench.results import analysis_frame, distribution, gaps, regression, variance_split
from workbench.survey import RepDesign
from workbench.weights import jk2_replicates

DRAWS = 30
INDICATORS = {"ITSEX": "2", "locality": "rural", "language": "ky", "school_type": "general"}
PREDICTORS = ["ITSEX", "ASBG04", "locality", "school_type"]


def draw_sample(students: pd.DataFrame, zones_per_region: pd.Series, seed: int) -> pd.DataFrame:
    """One stratified school sample as a student_results-like frame (IEA names)."""
    rng = np.random.default_rng(seed)
    rows = students.groupby("school_id", sort=False).indices
    regions = students.groupby("region")["school_id"].unique()
    index, weight, jkzone, jkrep, zone = [], [], [], [], 0
    for region, n_zones in zones_per_region.items():
        schools = regions[region]
        chosen = rng.choice(schools, 2 * n_zones, replace=False)
        for k, school in enumerate(chosen):
            size = len(rows[school])
            index.append(rows[school])
            weight.append(np.full(size, len(schools) / len(chosen)))
            jkzone.append(np.full(size, zone + k // 2 + 1))
            jkrep.append(np.full(size, k % 2))
        zone += n_zones
    frame = (
        students.iloc[np.concatenate(index)]
        .reset_index(drop=True)
        .assign(
            TOTWGT=np.concatenate(weight),
            JKZONE=np.concatenate(jkzone),
            JKREP=np.concatenate(jkrep),
        )
    )
    frame["SCHWGT"] = frame["TOTWGT"]
    frame = jk2_replicates(frame, zones=75)
    noise = rng.normal(0.0, 10.0, size=(len(frame), 5))
    for m in range(5):
        frame[f"READ0{m + 1}"] = frame["score"].to_numpy() + noise[:, m]
    return frame.assign(
        IDSCHOOL=frame["school_id"].astype(int),
        IDCLASS=frame["class_id"].astype(int),
        ITSEX=np.where(frame["female"] == 1, 1, 2),
        language=frame["class_language"],
        ASBG04=frame["books"],
    )


@pytest.fixture(scope="module")
def nation():
    return synth.make_nation(seed=5, schools=2400, items=12, blocks=2)


@pytest.fixture(scope="module")
def draws(nation):
    students = nation.tables["students"]
    share = students.groupby("region")["school_id"].nunique()
    zones = np.maximum(2, np.floor(75 * share / share.sum())).astype(int)
    zones[zones.idxmax()] += 75 - zones.sum()
    out = []
    for seed in range(DRAWS):
        frame, _ = analysis_frame(draw_sample(students, zones, seed), indicators=INDICATORS)
        design = RepDesign.iea(frame)
        dist = distribution(design, groups=["region"], percentiles=[50])
        out.append(
            {
                "means": dist[dist["statistic"] == "mean"],
                "gaps": gaps(design, language=None),
                "regression": regression(design, PREDICTORS),
                "design": design if seed == 0 else None,
            }
        )
    return out


def truth(nation, variable: str) -> pd.Series:
    means = nation.tables["truth_means"]
    return means[means["variable"] == variable].set_index("group")["mean"]


def test_regional_means_are_recovered_and_their_intervals_cover(nation, draws):
    true = truth(nation, "region")
    rows = pd.concat([d["means"][d["means"]["group_var"] == "region"] for d in draws])
    rows = rows.assign(truth=rows["group"].map(true))
    covered = (rows["ci_lower"] <= rows["truth"]) & (rows["truth"] <= rows["ci_upper"])
    assert len(rows) == 9 * DRAWS
    assert covered.mean() >= 0.90, covered.groupby(rows["group"]).mean()
    by = rows.groupby("group")
    bias = by["estimate"].mean() - true
    spread = by["estimate"].std()
    assert (bias.abs() < 3.5 * spread / np.sqrt(DRAWS)).all(), pd.DataFrame(
        {"bias": bias, "mc": spread / np.sqrt(DRAWS)}
    )
    # the jackknife SE matches the spread of the estimates over samples (within MC error)
    ratio = by["se"].mean() / spread
    assert ratio.between(0.6, 1.8).all(), ratio


@pytest.mark.parametrize(
    "comparison, variable, high, low",
    [("girls_boys", "female", "1", "0"), ("urban_rural", "locality", "urban", "rural")],
)
def test_gaps_are_recovered_within_their_standard_errors(
    nation, draws, comparison, variable, high, low
):
    true = truth(nation, variable)
    gap = true[high] - true[low]
    rows = pd.concat([d["gaps"][d["gaps"]["comparison"] == comparison] for d in draws])
    z = (rows["estimate"] - gap) / rows["se"]
    assert abs(rows["estimate"].mean() - gap) < 3 * rows["estimate"].std() / np.sqrt(DRAWS)
    assert 0.35 < float((z**2).mean()) < 2.2, z.describe()
    assert (rows["symbol"] == "▲").mean() > 0.9  # girls and towns read better


def test_regression_recovers_the_generating_effects(nation, draws):
    effects = nation.truth["effects_points"]
    rows = pd.concat([d["regression"] for d in draws]).set_index("term")
    for term, name in (("ITSEX_girl", "female"), ("ASBG04", "books")):
        est = rows.loc[term, "estimate"]
        assert abs(est.mean() - effects[name]) < 3 * est.std() / np.sqrt(DRAWS) + 0.3, term
        assert 0.6 < rows.loc[term, "se"].mean() / est.std() < 1.8, term
    # school-level terms: the census regression of the finite population is the estimand
    students = nation.tables["students"]
    x = pd.DataFrame(
        {
            "ITSEX_girl": students["female"],
            "ASBG04": students["books"],
            "locality_urban": students["locality"] == "urban",
            "school_type_lyceum": students["school_type"] == "lyceum",
            "school_type_private": students["school_type"] == "private",
        }
    )
    design = np.column_stack([np.ones(len(x)), x.to_numpy(float)])
    census = dict(
        zip(
            ["(Intercept)", *x.columns],
            np.linalg.lstsq(design, students["score"].to_numpy(), rcond=None)[0],
            strict=True,
        )
    )
    for term in ("locality_urban", "school_type_lyceum", "school_type_private"):
        est = rows.loc[term, "estimate"]
        assert abs(est.mean() - census[term]) < 3.5 * est.std() / np.sqrt(DRAWS), term
    r2 = rows.loc["r2", "estimate"]
    assert r2.between(0.05, 0.6).all()


def test_variance_split_recovers_the_between_school_share(nation, draws):
    design = draws[0]["design"]
    table = variance_split(design, ["ITSEX", "ASBG04"]).set_index(["model", "component"])
    icc = table.loc[("model_null", "icc")]
    # PVs carry N(0, 10^2) noise: the true ICC of the PVs is icc * 100^2 / (100^2 + 10^2)
    expected = nation.truth["icc"] * 1e4 / (1e4 + 100)
    assert abs(icc["estimate"] - expected) < 3 * icc["se"] + 0.02, icc
    explained = table.loc[("model_explained", "variance_within"), "estimate"]
    assert 0 < explained < 0.3
    null = table.loc["model_null", "estimate"]
    assert null["variance_total"] == pytest.approx(
        null["variance_between"] + null["variance_within"]
    )
