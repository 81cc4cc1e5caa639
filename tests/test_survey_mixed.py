"""workbench.survey.mixed: two-level random-intercept model with weights at both levels and PVs.

References: lme4::lmer(REML = FALSE), clubSandwich CR1 and mitools::MIcombine on 40 TIMSS 2011
schools; the weighted pseudo-likelihood computed from its definition by quadrature in R
(tests/reference/mixed/make_fixtures.R); the synthetic nation's ICC and school means.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.survey import MixedModel, RepDesign, mixed
from workbench.synth.register import make_classes, make_register
from workbench.synth.students import AbilityModel, make_students
from workbench.synth.truth import intraclass_correlation, to_score

HERE = Path(__file__).parent / "reference" / "mixed"
DATA = pd.read_csv(HERE / "timss_schools.csv")
FIX = pd.read_csv(HERE / "fixtures.csv", keep_default_na=False)
FULL = "ASMMAT1 ~ female + books + C(lang)"
MATH = {"math": [f"ASMMAT{m}" for m in range(1, 6)]}


def ref(case: str, quantity: str, term: str | None = None) -> np.ndarray | float:
    rows = FIX[(FIX["case"] == case) & (FIX["quantity"] == quantity)]
    if term is not None:
        rows = rows[rows["term"] == term]
    assert len(rows), (case, quantity, term)
    vals = rows["value"].astype(float).to_numpy()
    return vals if term is None and len(vals) > 1 else float(vals[0])


def comp(model: MixedModel, component: str, column: str = "estimate") -> float:
    return float(model.variance().set_index("component").loc[component, column])


# ---------------------------------------------------------------- unweighted = lme4 ML
@pytest.mark.parametrize(("case", "formula"), [("lme4_null", "ASMMAT1 ~ 1"), ("lme4_full", FULL)])
def test_unweighted_fit_matches_lme4_maximum_likelihood(case, formula):
    m = mixed(DATA, formula)
    table = m.table(se="model")
    assert (
        table["term"].tolist() == FIX.query("case == @case and quantity == 'coef'")["term"].tolist()
    )
    np.testing.assert_allclose(table["estimate"], ref(case, "coef"), rtol=1e-7)
    np.testing.assert_allclose(table["se"], ref(case, "se_model"), rtol=1e-6)
    assert comp(m, "between") == pytest.approx(ref(case, "between", ""), rel=1e-6)
    assert comp(m, "within") == pytest.approx(ref(case, "within", ""), rel=1e-7)
    assert m.loglik[0] == pytest.approx(ref(case, "loglik", ""), abs=1e-7)
    assert (m.n, m.n_schools) == (ref(case, "n", ""), ref(case, "n_schools", ""))
    assert m.n_dropped == len(DATA) - m.n


def test_robust_se_of_fixed_effects_matches_clubsandwich_cr1():
    table = mixed(DATA, FULL).table()
    np.testing.assert_allclose(table["se"], ref("lme4_full", "se_robust"), rtol=1e-6)
    assert (table["df"] == ref("lme4_full", "n_schools", "") - 1).all()


@pytest.mark.parametrize("kind", ["model", "robust"])
def test_plausible_values_match_lme4_per_pv_combined_by_micombine(kind):
    m = mixed(DATA, "math ~ female + books + C(lang)", pvs=MATH)
    table = m.table(se=kind)
    case = f"lme4_pv_{kind}"
    np.testing.assert_allclose(table["estimate"], ref(case, "coef"), rtol=1e-7)
    np.testing.assert_allclose(table["se"], ref(case, "se"), rtol=1e-6)
    np.testing.assert_allclose(table["df"], ref(case, "df"), rtol=1e-5)
    assert (table["n_pv"] == 5).all() and (table["se_imputation"] > 0).all()
    assert comp(m, "between") == pytest.approx(ref("lme4_pv_model", "between", ""), rel=1e-6)
    assert comp(m, "within") == pytest.approx(ref("lme4_pv_model", "within", ""), rel=1e-7)


def test_explained_variance_matches_lme4_null_and_full_models():
    cc = DATA.dropna(subset=["ASMMAT1", "female", "books", "lang"])
    share = mixed(DATA, FULL).explained(mixed(cc, "ASMMAT1 ~ 1")).set_index("component")
    b0, w0 = ref("lme4_null_cc", "between", ""), ref("lme4_null_cc", "within", "")
    b1, w1 = ref("lme4_full", "between", ""), ref("lme4_full", "within", "")
    assert share.loc["between", "estimate"] == pytest.approx(1 - b1 / b0, rel=1e-5)
    assert share.loc["within", "estimate"] == pytest.approx(1 - w1 / w0, rel=1e-6)
    assert share.loc["total", "estimate"] == pytest.approx(1 - (b1 + w1) / (b0 + w0), rel=1e-6)
    assert (share["se"] > 0).all()


def test_null_model_explains_nothing_of_itself_with_zero_se():
    null = mixed(DATA, "ASMMAT1 ~ 1")
    share = null.explained(null)
    np.testing.assert_allclose(share[["estimate", "se"]].to_numpy(), 0.0, atol=1e-12)


# ---------------------------------------------------------------- weighted: quadrature in R
@pytest.mark.parametrize(("case", "scaling"), [("quad_cluster", "cluster"), ("quad_none", "none")])
def test_weighted_fit_matches_the_pseudo_likelihood_computed_by_quadrature(case, scaling):
    assert ref(case, "max_abs_gradient", "") < 1e-4  # R reached the maximum
    m = mixed(DATA, "ASMMAT1 ~ female + books", weights=("W1", "SCHWGT"), scaling=scaling)
    table = m.table()
    np.testing.assert_allclose(table["estimate"], ref(case, "coef"), rtol=1e-6)
    np.testing.assert_allclose(table["se"], ref(case, "se_robust"), rtol=1e-4)
    t, s = ref(case, "between", ""), ref(case, "within", "")
    assert comp(m, "between") == pytest.approx(t, rel=1e-6)
    assert comp(m, "within") == pytest.approx(s, rel=1e-6)
    vtt = ref(case, "cov_robust", "between:between")
    vts = ref(case, "cov_robust", "between:within")
    vss = ref(case, "cov_robust", "within:within")
    assert comp(m, "between", "se") == pytest.approx(np.sqrt(vtt), rel=1e-4)
    assert comp(m, "within", "se") == pytest.approx(np.sqrt(vss), rel=1e-4)
    g = np.array([s, -t]) / (t + s) ** 2
    icc_se = np.sqrt(g @ np.array([[vtt, vts], [vts, vss]]) @ g)
    assert comp(m, "icc", "se") == pytest.approx(icc_se, rel=1e-4)
    assert m.loglik[0] == pytest.approx(ref(case, "loglik", ""), rel=1e-9)


def test_unit_weights_in_the_quadrature_reference_reproduce_lme4():
    # the R reference itself is checked: all weights 1 gives lmer's fit
    np.testing.assert_allclose(ref("quad_unweighted", "coef"), ref("lme4_small", "coef"), rtol=1e-6)
    m = mixed(DATA, "ASMMAT1 ~ female + books")
    np.testing.assert_allclose(m.table()["se"], ref("quad_unweighted", "se_robust"), rtol=1e-4)
    assert comp(m, "between", "se") == pytest.approx(
        np.sqrt(ref("quad_unweighted", "cov_robust", "between:between")), rel=1e-4
    )


# ---------------------------------------------------------------- invariants
def test_equal_weights_give_the_unweighted_fit():
    data = DATA.assign(w1=12.5, w2=2.5)
    w = mixed(data, FULL, weights=("w1", "w2"))
    u = mixed(data, FULL)
    pd.testing.assert_frame_equal(w.table(), u.table(), rtol=1e-9)
    pd.testing.assert_frame_equal(w.variance(), u.variance(), rtol=1e-9)


def test_scaling_the_weights_by_a_constant_changes_nothing():
    base = mixed(DATA, FULL, weights=("W1", "SCHWGT"))
    scaled = mixed(
        DATA.assign(W1=DATA["W1"] * 37.0, SCHWGT=DATA["SCHWGT"] * 3.0),
        FULL,
        weights=("W1", "SCHWGT"),
    )
    pd.testing.assert_frame_equal(base.table(), scaled.table(), rtol=1e-8)
    pd.testing.assert_frame_equal(base.variance(), scaled.variance(), rtol=1e-8)
    # without scaling, the level-2 weights may still be multiplied freely
    raw = mixed(DATA, FULL, weights=("W1", "SCHWGT"), scaling="none")
    raw2 = mixed(
        DATA.assign(W1=DATA["W1"] * 4.0, SCHWGT=DATA["SCHWGT"] * 4.0),
        FULL,
        weights=("W1", "SCHWGT"),
        scaling="none",
    )
    pd.testing.assert_frame_equal(raw.table(), raw2.table(), rtol=1e-8)


def test_weights_change_the_fit():
    w = mixed(DATA, FULL, weights=("W1", "SCHWGT")).table()["estimate"]
    u = mixed(DATA, FULL).table()["estimate"]
    assert not np.allclose(w, u, rtol=1e-3)


def test_input_is_unchanged_and_rows_order_does_not_matter():
    before = DATA.copy()
    a = mixed(DATA, FULL, weights=("W1", "SCHWGT"))
    b = mixed(DATA.sample(frac=1.0, random_state=3), FULL, weights=("W1", "SCHWGT"))
    pd.testing.assert_frame_equal(DATA, before)
    pd.testing.assert_frame_equal(a.table(), b.table(), rtol=1e-9)


def test_interactions_are_named_as_r_does():
    table = mixed(DATA, "ASMMAT1 ~ female * books").table()
    assert table["term"].tolist() == ["(Intercept)", "female", "books", "female:books"]


# ---------------------------------------------------------------- bad input
def test_school_with_one_student_is_named_and_kept():
    one = DATA.iloc[[0]].assign(IDSCHOOL=99999)
    with pytest.warns(UserWarning, match=r"one student \(IDSCHOOL \[99999\]\); kept"):
        m = mixed(pd.concat([DATA, one]), "ASMMAT1 ~ 1")
    assert m.n_schools == 41


def test_school_without_a_weight_is_named():
    data = DATA.copy()
    first = data["IDSCHOOL"].iloc[0]
    data.loc[data["IDSCHOOL"] == first, "SCHWGT"] = np.nan
    with pytest.raises(
        ValueError,
        match=rf"'SCHWGT' is missing or not positive for IDSCHOOL "
        rf"\[{first}\]",
    ):
        mixed(data, "ASMMAT1 ~ 1", weights=("W1", "SCHWGT"))


def test_school_weight_varying_inside_a_school_is_refused():
    data = DATA.copy()
    data.loc[data.index[0], "SCHWGT"] += 1.0
    with pytest.raises(ValueError, match="varies inside IDSCHOOL"):
        mixed(data, "ASMMAT1 ~ 1", weights=("W1", "SCHWGT"))


def test_non_numeric_predictor_without_c_says_to_wrap_it():
    data = DATA.assign(region=np.where(DATA["lang"] == 1, "north", "south"))
    with pytest.raises(ValueError, match=r"predictor 'region' is not numeric .*C\(region\)"):
        mixed(data, "ASMMAT1 ~ region")
    assert mixed(data, "ASMMAT1 ~ C(region)").terms == ("(Intercept)", "C(region)[south]")


def test_missing_columns_and_bad_arguments_are_named():
    with pytest.raises(KeyError, match="school \\(group\\) column 'school'"):
        mixed(DATA, "ASMMAT1 ~ 1", group="school")
    with pytest.raises(KeyError, match="predictor column 'nope'"):
        mixed(DATA, "ASMMAT1 ~ nope")
    with pytest.raises(ValueError, match="unknown scaling"):
        mixed(DATA, "ASMMAT1 ~ 1", scaling="effective")
    with pytest.raises(ValueError, match="level-1 weight 'W1' is missing or not positive"):
        mixed(DATA.assign(W1=0.0), "ASMMAT1 ~ 1", weights=("W1", "SCHWGT"))
    with pytest.raises(ValueError, match="fitted on other cases"):
        mixed(DATA, FULL).explained(mixed(DATA, "ASMMAT1 ~ 1"))


# ---------------------------------------------------------------- the synthetic nation
@pytest.fixture(scope="module")
def population():
    """The nation's students exactly as make_nation(20261124) draws them (no item responses)."""
    rng = np.random.default_rng(20261124)
    register = make_register(rng, 2400)
    classes = make_classes(rng, register)
    students = make_students(rng, register, classes, AbilityModel())
    theta = students["theta"]
    students["score"] = to_score(theta, float(theta.mean()), float(theta.std(ddof=0)))
    return students.rename(columns={"school_id": "IDSCHOOL"})


def pps_sample(pop: pd.DataFrame, seed: int, n_schools: int = 150, per_school: int = 15):
    """Schools by systematic PPS on enrolment, then `per_school` students by SRS in each."""
    rng = np.random.default_rng(seed)
    size = pop.groupby("IDSCHOOL").size()
    cum = np.cumsum(size.to_numpy())
    step = cum[-1] / n_schools
    picks = np.unique(np.searchsorted(cum, rng.uniform(0, step) + step * np.arange(n_schools)))
    schools = size.index[picks]
    pi = np.minimum(1.0, n_schools * size[schools] / cum[-1])
    sub = pop[pop["IDSCHOOL"].isin(schools)].copy()
    sub["key"] = rng.random(len(sub))
    sub = sub.sort_values(["IDSCHOOL", "key"])
    sub = sub[sub.groupby("IDSCHOOL").cumcount() < per_school]
    taken = sub.groupby("IDSCHOOL")["score"].transform("size")
    sub["SCHWGT"] = 1.0 / sub["IDSCHOOL"].map(pi)
    sub["TOTWGT"] = sub["SCHWGT"] * sub["IDSCHOOL"].map(size) / taken
    return sub


def test_weighted_model_recovers_the_nations_icc_and_school_mean(population):
    """Truth: the nation's ICC (truth['icc'], one-way ANOVA: 0.390) and its mean of school
    means (483.8). Ten PPS samples of 250 schools x 15 students (weights: 1/pi for the school,
    enrolment/15 within it). The weighted ICC (SD ~0.026 over samples, so ~0.008 for the mean
    of ten) averages within 0.03 of the truth: 2 SE plus the 0.013 between the ANOVA ICC and the
    model's (the census fit of the random-intercept model gives 0.377). The weighted intercept
    estimates the mean of school means (SE of the ten-sample mean ~1.4 points), where the
    unweighted PPS sample is pulled ~15 points towards the large, urban schools."""
    truth_icc = intraclass_correlation(population["score"], population["IDSCHOOL"])
    assert truth_icc == pytest.approx(0.3897, abs=1e-3)
    school_mean = population.groupby("IDSCHOOL")["score"].mean().mean()
    icc_w, icc_u, int_w, int_u = [], [], [], []
    for seed in range(10):
        sample = pps_sample(population, seed, n_schools=250)
        w = mixed(sample, "score ~ 1", weights=("TOTWGT", "SCHWGT"))
        u = mixed(sample, "score ~ 1")
        icc_w.append(comp(w, "icc"))
        icc_u.append(comp(u, "icc"))
        int_w.append(w.table()["estimate"].iloc[0])
        int_u.append(u.table()["estimate"].iloc[0])
    assert np.mean(icc_w) == pytest.approx(truth_icc, abs=0.03)
    assert np.mean(int_w) == pytest.approx(school_mean, abs=5.0)
    assert np.mean(int_u) - school_mean > 10.0


def test_design_with_plausible_values_uses_the_school_weight_and_rubin(population):
    sample = pps_sample(population, seed=11).reset_index(drop=True)
    rng = np.random.default_rng(7)
    for m in range(1, 6):
        sample[f"READ0{m}"] = sample["score"] + rng.normal(0, 15, len(sample))
    zone = sample["IDSCHOOL"].astype("category").cat.codes.to_numpy()
    for r in range(1, 21):  # crude replicates: enough for RepDesign, unused by mixed()
        sample[f"RWGT{r}"] = sample["TOTWGT"] * np.where(zone % 20 == r - 1, 2.0, 1.0)
    d = RepDesign.iea(sample)
    m = mixed(d, "reading ~ 1")
    assert m.weighting == "TOTWGT/SCHWGT" and m.n_pv == 5
    v = m.variance().set_index("component")
    single = mixed(sample, "score ~ 1", weights=("TOTWGT", "SCHWGT")).variance()
    assert (v["se_imputation"] > 0).all() and (v["n_pv"] == 5).all()
    # PV noise (SD 15) moves into the within-school variance only
    assert v.loc["between", "estimate"] == pytest.approx(single["estimate"].iloc[0], rel=0.1)
    assert v.loc["within", "estimate"] - single["estimate"].iloc[1] == pytest.approx(225, rel=0.3)
    # a domain of the design is respected
    girls = mixed(d.subset(sample["female"] == 1), "reading ~ 1")
    assert girls.n == int((sample["female"] == 1).sum())


def test_design_without_school_weight_warns_and_weighs_schools_equally(population):
    sample = pps_sample(population, seed=12).drop(columns="SCHWGT").reset_index(drop=True)
    sample["READ01"] = sample["score"]
    sample["RWGT1"] = sample["TOTWGT"] * np.where(np.arange(len(sample)) % 2, 2.0, 0.0)
    d = RepDesign.iea(sample)
    with pytest.warns(UserWarning, match="no school weight column"):
        m = mixed(d, "reading ~ 1")
    assert m.weighting == "TOTWGT/None"


def test_design_takes_the_iea_school_weight_factors_when_there_is_no_schwgt(population):
    sample = pps_sample(population, seed=13).reset_index(drop=True)
    sample = sample.assign(WGTFAC1=sample["SCHWGT"] / 2, WGTADJ1=2.0, READ01=sample["score"])
    sample["RWGT1"] = sample["TOTWGT"] * np.where(np.arange(len(sample)) % 2, 2.0, 0.0)
    m = mixed(RepDesign.iea(sample.drop(columns="SCHWGT")), "reading ~ 1")
    assert m.weighting == "TOTWGT/WGTFAC1*WGTADJ1"
    direct = mixed(sample, "score ~ 1", weights=("TOTWGT", "SCHWGT"))
    pd.testing.assert_frame_equal(
        m.variance().drop(columns="variable"), direct.variance().drop(columns="variable"), rtol=1e-9
    )


def test_five_pvs_five_thousand_students_fit_fast():
    import time

    rng = np.random.default_rng(3)
    school = np.repeat(np.arange(200), 25)
    data = pd.DataFrame(
        {
            "IDSCHOOL": school,
            "x": rng.normal(size=5000),
            "g": rng.integers(1, 5, 5000),
            "w": rng.uniform(1, 3, 5000),
            "sw": rng.uniform(1, 9, 200)[school],
        }
    )
    u = 40 * rng.normal(size=200)[school]
    for m in range(5):
        data[f"pv{m}"] = 500 + 10 * data["x"] + u + 60 * rng.normal(size=5000)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = mixed(
            data, "y ~ x + C(g)", weights=("w", "sw"), pvs={"y": [f"pv{m}" for m in range(5)]}
        )
        model.table(), model.variance()
    assert time.perf_counter() - start < 2.0
    assert comp(model, "icc") == pytest.approx(1600 / 5200, abs=0.06)
