"""Tests for workbench.survey.RepDesign: published figures, R survey fixtures, invariants."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.survey import RepDesign

REF = Path(__file__).parents[1].parent / "shared" / "reference"
FIXTURES = Path(__file__).parent / "reference" / "survey" / "fixtures.csv"
MATH = [f"ASMMAT{i}" for i in range(1, 6)]
SCI = [f"ASSSCI{i}" for i in range(1, 6)]
RTOL = 1e-8

needs_ref = pytest.mark.skipif(
    not REF.is_dir(), reason=f"shared reference data folder {REF} is absent"
)


@pytest.fixture(scope="module")
def timss() -> pd.DataFrame:
    return pd.read_csv(REF / "timss2011_g4_math.csv.gz")


@pytest.fixture(scope="module")
def pisa() -> pd.DataFrame:
    return pd.read_csv(REF / "pisa2003_nld.csv.gz")


@pytest.fixture(scope="module")
def design(timss) -> RepDesign:
    return RepDesign(
        timss, weight="TOTWGT", replicates="w_fstr*", method="JK2", pvs={"math": MATH, "sci": SCI}
    )


@pytest.fixture(scope="module")
def fx() -> pd.DataFrame:
    return pd.read_csv(FIXTURES, dtype={"group": str, "key": str})


def ref(fx: pd.DataFrame, case: str) -> pd.DataFrame:
    out = fx[fx["case"] == case].reset_index(drop=True)
    assert len(out), f"fixture case {case} missing"
    return out


def check(got: pd.DataFrame, want: pd.DataFrame, *, pv: bool = True) -> None:
    """Compare estimate, se (and PV parts) row by row with the R fixture."""
    assert len(got) == len(want)
    np.testing.assert_allclose(got["estimate"], want["estimate"], rtol=RTOL)
    np.testing.assert_allclose(got["se"], want["se"], rtol=RTOL)
    if pv:
        np.testing.assert_allclose(got["se_sampling"], want["se_sampling"], rtol=RTOL)
        np.testing.assert_allclose(got["se_imputation"], want["se_imputation"], rtol=RTOL)


# --------------------------------------------------------------- published figures
@needs_ref
def test_mean_reproduces_published_timss_2011(timss, design):
    got = design.mean("math")
    assert round(got["estimate"][0], 2) == 508.31
    assert round(got["se"][0], 3) == 2.617
    assert round(got["estimate"][0]) == 508 and round(got["se"][0], 1) == 2.6  # NCES table
    first = RepDesign(
        timss, weight="TOTWGT", replicates="w_fstr*", pvs={"math": MATH}, pv_rule="first"
    ).mean("math")
    assert round(first["se"][0], 3) == 2.640
    assert first["estimate"][0] == got["estimate"][0]


@needs_ref
def test_mean_reproduces_published_pisa_2003_fay_brr(pisa):
    d = RepDesign(
        pisa,
        weight="W_FSTUWT",
        replicates=[f"W_FSTR{i}" for i in range(1, 81)],
        method="BRR-Fay",
        fay=0.5,
        pvs={"math": [f"PV{i}MATH" for i in range(1, 6)]},
    )
    assert d.scale == pytest.approx(1 / 20)
    got = d.mean("math")
    assert round(got["estimate"][0], 2) == 537.82
    assert round(got["se"][0], 3) == 3.130


# --------------------------------------------------------------- R survey fixtures
@needs_ref
def test_mean_matches_r_svymean(design, fx):
    check(design.mean("math"), ref(fx, "mean_math"))
    check(design.mean("math", by="female"), ref(fx, "mean_math_by_female"))
    got = design.mean("scsci", by="lang")
    assert got["lang"].tolist() == [1.0, 2.0, 3.0]
    check(got, ref(fx, "mean_scsci_by_lang"), pv=False)


@needs_ref
def test_mean_first_pv_rule_matches_r(timss, fx):
    d = RepDesign(timss, weight="TOTWGT", replicates="w_fstr*", pvs={"math": MATH}, pv_rule="first")
    check(d.mean("math"), ref(fx, "mean_math_first"))
    check(d.mean("math", by="female"), ref(fx, "mean_math_by_female_first"))


@needs_ref
def test_subset_matches_r_domain(design, timss, fx):
    check(design.subset(timss["lang"] == 1).mean("math"), ref(fx, "mean_math_subset_lang1"))


@needs_ref
def test_total_matches_r_svytotal(design, fx):
    check(design.total("female"), ref(fx, "total_female"), pv=False)
    check(design.total("migrant", by="female"), ref(fx, "total_migrant_by_female"), pv=False)
    check(design.total("math"), ref(fx, "total_math"))


@needs_ref
def test_percent_matches_r_svymean_factor(design, fx):
    got = design.percent("books", by="female")
    want = ref(fx, "percent_books_by_female")
    assert got["category"].astype(int).astype(str).tolist() == want["key"].tolist()
    check(got, want, pv=False)
    sums = got.groupby("female")["estimate"].sum()
    np.testing.assert_allclose(sums, 100.0, rtol=1e-12)


@needs_ref
def test_percent_at_or_above_matches_r(design, fx):
    got = design.percent_at_or_above("math", [400, 475, 550, 625], by="female")
    want = ref(fx, "pct_at_or_above_math_by_female")
    assert got["cutpoint"].astype(int).astype(str).tolist() == want["key"].tolist()
    check(got, want)


@needs_ref
def test_quantile_matches_r_svyquantile(design, fx):
    check(design.quantile("math", [0.1, 0.5, 0.9], by="female"), ref(fx, "quantile_math_by_female"))
    check(design.quantile("scsci", [0.1, 0.5, 0.9]), ref(fx, "quantile_scsci"), pv=False)


@needs_ref
def test_std_matches_r_svyvar(design, fx):
    check(design.std("math", by="female"), ref(fx, "std_math_by_female"))
    check(design.std("scsci"), ref(fx, "std_scsci"), pv=False)


@needs_ref
def test_corr_matches_r(design, fx):
    got = design.corr(["math", "sci"])
    assert got[["variable", "with"]].values.tolist() == [["math", "sci"]]
    check(got, ref(fx, "corr_math_sci"))
    check(design.corr(["math", "scsci"]), ref(fx, "corr_math_scsci"))
    check(design.corr(["scsci", "likesc"]), ref(fx, "corr_scsci_likesc"), pv=False)


@needs_ref
def test_regress_matches_r_svyglm(design, timss, fx):
    got = design.regress("math ~ books + female")
    assert got["term"].tolist() == ["(Intercept)", "books", "female"]
    check(got, ref(fx, "regress_math_books_female"))
    got = design.regress("math ~ C(lang) + female")
    assert got["term"].tolist() == ["(Intercept)", "C(lang)[2]", "C(lang)[3]", "female"]
    check(got, ref(fx, "regress_math_lang_female"))
    check(design.regress("scsci ~ likesc"), ref(fx, "regress_scsci_likesc"), pv=False)
    first = RepDesign(
        timss, weight="TOTWGT", replicates="w_fstr*", pvs={"math": MATH}, pv_rule="first"
    )
    check(first.regress("math ~ books + female"), ref(fx, "regress_math_books_female_first"))


@needs_ref
def test_logit_matches_r_svyglm(design, fx):
    check(design.logit("migrant ~ books + female"), ref(fx, "logit_migrant_books_female"), pv=False)
    check(design.logit("migrant ~ math + female"), ref(fx, "logit_migrant_math_female"))


@needs_ref
def test_gap_matches_r_svycontrast(design, fx):
    got = design.gap("math", by="female")
    assert got[["female", "reference"]].values.tolist() == [[1.0, 0.0]]
    check(got, ref(fx, "gap_math_female"))
    check(design.gap("scsci", by="female"), ref(fx, "gap_scsci_female"), pv=False)
    means = design.mean("math", by="female")["estimate"]
    assert got["estimate"][0] == pytest.approx(means[1] - means[0], rel=1e-12)


@needs_ref
def test_jk1_matches_r(timss, fx):
    d = RepDesign(timss, weight="TOTWGT", replicates="w_fstr*", method="JK1", pvs={"math": MATH})
    check(d.mean("math"), ref(fx, "jk1_mean_math"))


def _jk2_full(timss: pd.DataFrame) -> pd.DataFrame:
    """150 IEA JK2-full replicate weights from JKZONE/JKREP, in R's column order."""
    zone, rep, w = (timss[c].to_numpy() for c in ("JKZONE", "JKREP", "TOTWGT"))
    cols = {}
    for z in range(1, 76):
        inz = zone == z
        cols[f"rw{2 * z - 1:03d}"] = w * np.where(inz, 2.0 * (rep == 1), 1.0)
        cols[f"rw{2 * z:03d}"] = w * np.where(inz, 2.0 * (rep == 0), 1.0)
    return pd.concat([timss, pd.DataFrame(cols, index=timss.index)], axis=1)


@needs_ref
def test_jk2_full_matches_r(timss, fx):
    d = RepDesign(
        _jk2_full(timss), weight="TOTWGT", replicates="rw*", method="JK2-full", pvs={"math": MATH}
    )
    assert d.scale == 0.5
    check(d.mean("math"), ref(fx, "jk2full_mean_math"))
    check(d.mean("math", by="female"), ref(fx, "jk2full_mean_math_by_female"))
    assert round(d.mean("math")["se"][0], 3) == 2.598  # research/lsa_tools.md section 7


@needs_ref
def test_fay_brr_matches_r(pisa, fx):
    d = RepDesign(
        pisa,
        weight="W_FSTUWT",
        replicates="W_FSTR*",
        method="BRR-Fay",
        pvs={"math": [f"PV{i}MATH" for i in range(1, 6)]},
    )
    assert len(d.replicates) == 80
    check(d.mean("math"), ref(fx, "fay_mean_math"))
    check(d.mean("math", by="ST03Q01"), ref(fx, "fay_mean_math_by_st03q01"))


# --------------------------------------------------------------- invariants
@pytest.fixture()
def toy() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 60
    w = rng.uniform(1, 3, n)
    zone = np.repeat(np.arange(6), 10)
    half = np.tile(np.repeat([0, 1], 5), 6)
    reps = {f"r{z}": np.where(zone == z, 2.0 * half, 1.0) * w for z in range(6)}
    return pd.DataFrame(
        {
            "w": w,
            **reps,
            "g": rng.integers(0, 3, n),
            "const": 5.0,
            "x": rng.normal(size=n),
            "y": rng.normal(size=n),
            "pv1": rng.normal(500, 100, n),
            "pv2": rng.normal(500, 100, n),
        }
    )


def _toy_design(df: pd.DataFrame, **kw) -> RepDesign:
    return RepDesign(df, weight="w", replicates="r*", pvs={"score": ["pv1", "pv2"]}, **kw)


def test_mean_of_constant_has_zero_se(toy):
    d = _toy_design(toy)
    got = d.mean("const", by="g")
    np.testing.assert_allclose(got["estimate"], 5.0, rtol=1e-14)
    np.testing.assert_allclose(got["se"], 0.0, atol=1e-12)
    assert d.std("const")["estimate"][0] == pytest.approx(0.0, abs=1e-12)
    assert d.quantile("const", [0.5])["se"][0] == 0.0


def test_input_frame_is_unchanged(toy):
    before = toy.copy(deep=True)
    d = _toy_design(toy)
    d.mean("score", by="g")
    d.regress("score ~ x + C(g)")
    d.subset(toy["g"] == 1).percent("g")
    pd.testing.assert_frame_equal(toy, before)


def test_weights_sum_to_frame_total(toy):
    d = _toy_design(toy)
    got = d.mean("x", by="g")
    assert got["sum_weights"].sum() == pytest.approx(toy["w"].sum(), rel=1e-12)
    assert got["n"].sum() == len(toy)
    toy = toy.assign(one=1.0)
    total = _toy_design(toy).total("one")
    assert total["estimate"][0] == pytest.approx(toy["w"].sum(), rel=1e-12)


def test_domain_estimate_equals_by_group_and_keeps_replicates(toy):
    d = _toy_design(toy)
    by = d.mean("score", by="g")
    sub = d.subset(toy["g"] == 2).mean("score")
    np.testing.assert_allclose(
        sub[["estimate", "se"]].to_numpy()[0],
        by.loc[by["g"] == 2, ["estimate", "se"]].to_numpy()[0],
        rtol=1e-12,
    )


def test_missing_values_are_dropped_like_na_rm(toy):
    toy = toy.copy()
    toy.loc[[0, 5, 11], "x"] = np.nan
    got = _toy_design(toy).mean("x")
    kept = toy.dropna(subset=["x"])
    want = _toy_design(kept).mean("x")
    np.testing.assert_allclose(got[["estimate", "se"]], want[["estimate", "se"]], rtol=1e-12)
    assert got["n"][0] == len(toy) - 3


def test_result_is_tidy(toy):
    got = _toy_design(toy).mean(["score", "x"], by="g")
    assert isinstance(got.index, pd.RangeIndex)
    assert list(got.columns) == [
        "g",
        "variable",
        "estimate",
        "se",
        "n",
        "df",
        "ci_lower",
        "ci_upper",
        "sum_weights",
        "se_sampling",
        "se_imputation",
        "n_pv",
    ]
    assert got["variable"].tolist() == ["score", "x"] * 3
    assert (got.loc[got["variable"] == "x", "se_imputation"] == 0).all()


def test_repr_is_one_line(toy):
    d = _toy_design(toy)
    assert repr(d) == "RepDesign(n=60, replicates=6, method=JK2, pvs=score[2])"


def test_logit_agrees_with_statsmodels_full_sample(toy):
    sm = pytest.importorskip("statsmodels.api")
    toy = toy.assign(b=(toy["x"] + toy["y"] > 0).astype(float))
    got = _toy_design(toy).logit("b ~ x")
    fit = sm.GLM(
        toy["b"], sm.add_constant(toy[["x"]]), family=sm.families.Binomial(), freq_weights=toy["w"]
    ).fit(tol=1e-14)
    np.testing.assert_allclose(got["estimate"], fit.params.to_numpy(), rtol=1e-8)


# --------------------------------------------------------------- bad input
def test_repdesign_rejects_unmatched_replicates(toy):
    with pytest.raises(KeyError, match=r"no columns match replicates='JKW\*'.*w, r0"):
        RepDesign(toy, weight="w", replicates="JKW*")
    with pytest.raises(KeyError, match=r"replicate columns \['nope'\]"):
        RepDesign(toy, weight="w", replicates=["r0", "nope"])


def test_repdesign_rejects_unknown_method(toy):
    with pytest.raises(ValueError, match=r"unknown method \('JK3'\); use one of JK2"):
        RepDesign(toy, weight="w", replicates="r*", method="JK3")
    with pytest.raises(ValueError, match="JKn.*needs rscales"):
        RepDesign(toy, weight="w", replicates="r*", method="JKn")


def test_repdesign_rejects_unequal_pv_lists(toy):
    with pytest.raises(ValueError, match="PV lists of unequal length"):
        RepDesign(toy, weight="w", replicates="r*", pvs={"a": ["pv1", "pv2"], "b": ["pv1"]})
    with pytest.raises(KeyError, match=r"plausible values \['pv9'\]"):
        RepDesign(toy, weight="w", replicates="r*", pvs={"a": ["pv1", "pv9"]})


def test_repdesign_rejects_missing_by_column(toy):
    with pytest.raises(KeyError, match=r"by column\(s\) \['sex'\] not in the data"):
        _toy_design(toy).mean("x", by="sex")


def test_repdesign_rejects_other_bad_input(toy):
    d = _toy_design(toy)
    with pytest.raises(ValueError, match="unknown pv_rule"):
        RepDesign(toy, weight="w", replicates="r*", pv_rule="last")
    with pytest.raises(KeyError, match="weight column 'W'"):
        RepDesign(toy, weight="W", replicates="r*")
    with pytest.raises(ValueError, match="missing or infinite"):
        RepDesign(toy.assign(r0=np.nan), weight="w", replicates="r*")
    with pytest.raises(KeyError, match="no column or PV scale named 'zz'"):
        d.mean("zz")
    with pytest.raises(ValueError, match="must be coded 0/1"):
        d.logit("x ~ y")
    with pytest.raises(ValueError, match="unsupported term"):
        d.regress("y ~ log(x)")
    with pytest.raises(ValueError, match="rank deficient"):
        d.regress("y ~ x + const")
    with pytest.raises(ValueError, match="plausible-value scale"):
        d.percent("score")
    with pytest.raises(KeyError, match="reference 9"):
        d.gap("x", by="g", reference=9)
    with pytest.raises(ValueError, match="mask must be boolean"):
        d.subset([True, False])
    with pytest.raises(ValueError, match=r"probabilities must lie in \[0, 1\]"):
        d.quantile("x", [50])


def test_repdesign_rejects_a_constant_replicate_column():
    data = pd.DataFrame(
        {
            "w": [1.0, 2.0, 3.0, 4.0],
            "r1": [2.0, 0.0, 3.0, 4.0],
            "r2": [0.0, 0.0, 0.0, 0.0],
            "y": [1.0, 2.0, 3.0, 4.0],
        }
    )
    with pytest.raises(ValueError, match=r"replicate columns r2 are constant"):
        RepDesign(data, weight="w", replicates=["r1", "r2"], method="JK2")


def test_a_group_with_one_case_is_announced_not_silent():
    data = pd.DataFrame(
        {
            "w": [1.0, 2.0, 3.0, 4.0],
            "r1": [2.0, 0.0, 3.0, 4.0],
            "r2": [1.0, 2.0, 6.0, 0.0],
            "y": [1.0, 2.0, 3.0, 4.0],
            "g": ["a", "a", "a", "b"],
        }
    )
    design = RepDesign(data, weight="w", replicates=["r1", "r2"], method="JK2")
    with pytest.warns(UserWarning, match=r"1 result row\(s\) rest on a single case.*'g': 'b'"):
        design.mean("y", by="g")
