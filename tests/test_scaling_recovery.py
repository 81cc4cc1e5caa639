"""Recovery of the synthetic nation's truth by workbench.scaling (MML, EAP/WLE, PVs).

One sample of 6,000 students (simple random sample of a 300-school nation; every student
takes 2 of 6 blocks, so each item has ~2,000 responses). In the synthetic nation a student
omits only a response that would have scored 0, so omitted is scored wrong (the IEA rule and
the model), and slow readers fail to reach their last items whatever they would have scored,
so not reached is treated as not administered; the generating model is 2PL for dichotomous
items and GPCM for 2-point items, in logits.

The scale is fixed by linking the estimated items to the true ones (Stocking-Lord), so
population figures are compared in the generating metric without using the true thetas.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
import pytest

import workbench.synth as synth
from workbench.psychometrics import calibrate, person_scores
from workbench.scaling import latent_regression, link, plausible_values

eap = partial(person_scores, method="eap")
wle = partial(person_scores, method="wle")

KW = {"omitted": "wrong", "not_reached": "missing"}
COVARIATES = ["female", "books", "urban", "lang_ru", "lang_uz", "lang_tj"]


@pytest.fixture(scope="module")
def nation():
    made = synth.make_nation(seed=11, schools=300, items=60, blocks=6)
    students, responses = made.tables["students"], made.tables["responses"]
    idx = np.sort(np.random.default_rng(1).choice(len(students), 6000, replace=False))
    sample = (
        responses.iloc[idx]
        .reset_index(drop=True)
        .join(students.iloc[idx].reset_index(drop=True).drop(columns="student_id"))
    )
    sample["urban"] = (sample["locality"] == "urban").astype(float)
    for lang in ("ru", "uz", "tj"):
        sample[f"lang_{lang}"] = (sample["class_language"] == lang).astype(float)
    items = made.tables["items"]
    truth = items.assign(model=np.where(items["max_score"] == 2, "GPCM", "2PL"))
    cal = calibrate(sample, items=items["item_id"], **KW)
    return {
        "students": students,
        "sample": sample,
        "items": items,
        "cal": cal,
        "truth": truth[["item_id", "model", "a", "b", "c", "d1", "d2"]],
        "link": link(cal, truth[["item_id", "model", "a", "b", "c", "d1", "d2"]]),
    }


def test_calibration_recovers_true_item_parameters(nation):
    cal, items, sample = nation["cal"], nation["items"], nation["sample"]
    table = cal.table()
    # Put the truth on the calibration scale (sample theta standardized) for a direct look.
    mu, sd = sample["theta"].mean(), sample["theta"].std(ddof=0)
    b_true, a_true = (items["b"] - mu) / sd, items["a"] * sd
    assert cal.converged
    assert np.corrcoef(table["b"], b_true)[0, 1] > 0.98
    assert np.corrcoef(table["a"], a_true)[0, 1] > 0.85
    # Monte Carlo reasoning: with ~2,000 responses per item the sampling SD of b is the
    # estimated SE (mean ~0.08); the RMSE over 60 items should match sqrt(mean SE^2) within
    # the chi-square(60) spread (+-20% at ~2 SD) plus the scale-fixing error; allow 40%.
    rmse_b = np.sqrt(np.mean((table["b"] - b_true) ** 2))
    expected = np.sqrt(np.mean(table["se_b"] ** 2))
    assert rmse_b < 1.4 * expected
    poly = items["max_score"] == 2
    assert np.corrcoef(table.loc[poly, "d1"], (items.loc[poly, "d1"] - mu) / sd)[0, 1] > 0.97


def test_standard_errors_match_the_spread_of_the_estimates(nation):
    # z = (estimate - truth) / se should have SD ~1 over 60 items (sampling SD of the SD of
    # 60 normal values ~0.09); the bounds are ~3 sampling SDs.
    table, items, sample = nation["cal"].table(), nation["items"], nation["sample"]
    mu, sd = sample["theta"].mean(), sample["theta"].std(ddof=0)
    z_b = (table["b"] - (items["b"] - mu) / sd) / table["se_b"]
    z_a = (table["a"] - items["a"] * sd) / table["se_a"]
    assert 0.7 < z_b.std() < 1.3
    assert 0.7 < z_a.std() < 1.3


def test_linking_to_the_truth_recovers_population_mean_and_sd(nation):
    # theta_true = A theta_est + B, with A ~ SD and B ~ mean of the population sampled.
    sample = nation["sample"]
    linking = nation["link"]
    assert linking.A == pytest.approx(sample["theta"].std(ddof=0), abs=0.04)
    assert linking.B == pytest.approx(sample["theta"].mean(), abs=0.04)


def test_eap_correlates_with_true_theta_as_its_reliability_says(nation):
    sample, cal = nation["sample"], nation["cal"]
    est = eap(sample, items=cal, **KW)
    reliability = est["eap"].var() / (est["eap"].var() + (est["psd"] ** 2).mean())
    r = np.corrcoef(est["eap"], sample["theta"])[0, 1]
    # corr(EAP, theta) = sqrt(reliability) under the model; SE of r at N=6000 ~ 0.003.
    assert r == pytest.approx(np.sqrt(reliability), abs=0.02)
    r_wle = np.corrcoef(wle(sample, items=cal, **KW)["wle"], sample["theta"])[0, 1]
    assert 0.85 < r_wle <= r + 0.005


def _gap(values: np.ndarray, group: np.ndarray) -> float:
    return float(values[group == 1].mean() - values[group == 0].mean())


@pytest.fixture(scope="module")
def pvs(nation):
    model = latent_regression(nation["sample"], items=nation["cal"], covariates=COVARIATES, **KW)
    linking = nation["link"]
    pv = plausible_values(model, n_pv=5, seed=2026)
    names = [c for c in pv.columns if c != "id"]
    return model, linking.A * pv[names] + linking.B


@pytest.mark.parametrize("variable", ["female", "urban", "books45"])
def test_pv_gaps_recover_the_population_gaps(nation, pvs, variable):
    students, sample = nation["students"], nation["sample"]
    pop = (
        {
            "female": students["female"],
            "urban": students["locality"] == "urban",
            "books45": students["books"] >= 4,
        }[variable]
        .to_numpy()
        .astype(int)
    )
    grp = (
        {"female": sample["female"], "urban": sample["urban"], "books45": sample["books"] >= 4}[
            variable
        ]
        .to_numpy()
        .astype(int)
    )
    true_gap = _gap(students["theta"].to_numpy(), pop)
    values = pvs[1]
    estimates = [_gap(values[c].to_numpy(), grp) for c in values.columns]
    # SRS sampling variance of the gap (from the PVs) + Rubin's imputation variance.
    within = np.mean(
        [
            values[c][grp == 1].var() / (grp == 1).sum()
            + values[c][grp == 0].var() / (grp == 0).sum()
            for c in values.columns
        ]
    )
    se = np.sqrt(within + 1.2 * np.var(estimates, ddof=1))
    assert abs(np.mean(estimates) - true_gap) < 2.5 * se


def test_eap_gaps_are_biased_toward_zero_where_pvs_are_not(nation, pvs):
    students, sample, linking = nation["students"], nation["sample"], nation["link"]
    true_gap = _gap(students["theta"].to_numpy(), (students["locality"] == "urban").to_numpy())
    urban = sample["urban"].to_numpy().astype(int)
    eap_gap = linking.A * _gap(eap(sample, items=nation["cal"], **KW)["eap"].to_numpy(), urban)
    pv_gap = np.mean([_gap(pvs[1][c].to_numpy(), urban) for c in pvs[1].columns])
    se = 0.026  # SRS SE of the urban gap at n = 6,000 (see test above)
    assert eap_gap < true_gap - 2.5 * se  # shrunk by about the reliability (~0.81)
    assert abs(pv_gap - true_gap) < 2.5 * se


def test_pv_mean_and_variance_match_the_true_population(nation, pvs):
    sample, values = nation["sample"], pvs[1]
    # SE of a variance at n=6000 ~ var * sqrt(2/n) ~ 0.017; of the mean ~ 0.013.
    assert values.var(ddof=0).mean() == pytest.approx(sample["theta"].var(ddof=0), abs=0.05)
    assert values.mean().mean() == pytest.approx(sample["theta"].mean(), abs=0.04)


def test_latent_regression_recovers_generating_effects(nation, pvs):
    model, linking = pvs[0], nation["link"]
    table = model.table().set_index("term")["estimate"]
    # Female and books effects are student-level in the generator (0.22, 0.12 logits); the
    # urban coefficient also carries school-level confounding, so only the two are checked.
    assert linking.A * table["female"] == pytest.approx(0.22, abs=0.06)
    assert linking.A * table["books"] == pytest.approx(0.12, abs=0.03)
    assert 0 < table["r2"] < 1


def test_inputs_are_left_unchanged(nation):
    sample = nation["sample"]
    before = sample.copy()
    eap(sample.head(50), items=nation["cal"], **KW)
    pd.testing.assert_frame_equal(sample, before)
