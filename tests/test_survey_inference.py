"""Tests for the inference columns of RepDesign: df, ci_lower, ci_upper, p_value, level.

The domain-df rule (workbench/survey/_inference.py) is checked on a design whose replicate
deviations are known by hand; R's conventions (degf, confint with df, MIcombine) on the
TIMSS 2011 reference file against frozen fixtures (tests/reference/survey/).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from workbench.survey import RepDesign
from workbench.survey._compare import p_adjust
from workbench.survey._inference import barnard_rubin, interval


def _zones_design(**kw) -> tuple[pd.DataFrame, RepDesign]:
    """Five JK2 zones of two schools (one row each); the domain g == 1 lives in zones 1-3.

    Total of y in the domain, zone j's replicate doubles its first row and drops its second:
    deviations +1 (2,1), -1 (1,2), +4 (5,1) in zones 1-3 and 0 in zones 4-5 (no domain rows).
    """
    zone = np.repeat(np.arange(1, 6), 2)
    first = np.tile([1, 0], 5)
    y = np.array([2.0, 1, 1, 2, 5, 1, 7, 3, 4, 4])
    g = np.array([1, 1, 1, 1, 1, 1, 0, 0, 0, 0])
    data = pd.DataFrame({"w": 1.0, "y": y, "g": g})
    for z in range(1, 6):
        data[f"r{z}"] = np.where(zone == z, 2.0 * first, 1.0)
    return data, RepDesign(data, weight="w", replicates="r*", method="JK2", **kw)


def test_domain_df_counts_only_its_zones_with_johnson_rust():
    data, d = _zones_design()
    got = d.subset(data["g"] == 1).total("y")
    assert got["estimate"][0] == 12.0
    assert got["se"][0] == pytest.approx(np.sqrt(1 + 1 + 16), rel=1e-12)
    # Welch-Satterthwaite (1+1+16)^2 / (1+1+256), Johnson-Rust factor with k = 3 zones
    want_df = (3.16 - 2.77 / np.sqrt(3)) * 18**2 / 258
    assert want_df == pytest.approx(1.96, abs=1e-3)
    assert got["df"][0] == pytest.approx(want_df, rel=1e-12)
    half = stats.t.ppf(0.975, want_df) * np.sqrt(18)
    np.testing.assert_allclose(got[["ci_lower", "ci_upper"]].iloc[0], [12 - half, 12 + half])
    by = d.total("y", by="g")
    assert by.loc[by["g"] == 1, "df"].item() == pytest.approx(want_df, rel=1e-12)


def test_zone_rule_and_cap_at_the_zone_count():
    data, d = _zones_design(df_rule="zones")
    assert d.degf == 5
    assert d.subset(data["g"] == 1).total("y")["df"][0] == 3.0
    # equal deviations: JR would give (3.16 - 2.77/sqrt(2)) * 2 = 2.40 > 2 zones -> 2
    _, d = _zones_design()
    two = d.subset(pd.Series(np.r_[[True] * 4, [False] * 6]))
    got = two.total("y")
    assert got["df"][0] == 2.0


def test_level_changes_only_the_interval_and_is_checked():
    data, d = _zones_design()
    a = d.mean("y", by="g")
    b = d.mean("y", by="g", level=0.9)
    pd.testing.assert_series_equal(a["df"], b["df"])
    assert ((b["ci_upper"] - b["ci_lower"]) < (a["ci_upper"] - a["ci_lower"])).all()
    with pytest.raises(ValueError, match=r"between 0 and 1 \(level=95\)"):
        d.mean("y", level=95)
    with pytest.raises(ValueError, match="unknown df_rule"):
        RepDesign(data, weight="w", replicates="r*", df_rule="satterthwaite")


def test_p_value_where_a_test_of_zero_means_something():
    data, d = _zones_design()
    assert "p_value" not in d.mean("y").columns
    got = d.gap("y", by="g")
    t = got["estimate"][0] / got["se"][0]
    assert got["p_value"][0] == pytest.approx(2 * stats.t.sf(abs(t), got["df"][0]), rel=1e-12)
    cols = list(d.regress("y ~ g").columns)
    assert cols[cols.index("n") : cols.index("n") + 5] == [
        "n",
        "df",
        "ci_lower",
        "ci_upper",
        "p_value",
    ]


def test_constant_has_point_interval_and_no_p_value():
    data, d = _zones_design()
    got = d.mean("w")
    assert got["se"][0] == 0 and got["df"][0] == 0
    assert got["ci_lower"][0] == got["ci_upper"][0] == 1.0


# --------------------------------------------------------------- R fixtures (TIMSS 2011)
REF = Path(__file__).parents[1].parent / "shared" / "reference"
FIX = Path(__file__).parent / "reference" / "survey" / "fixtures_inference.csv"
MATH = [f"ASMMAT{i}" for i in range(1, 6)]
RTOL = 1e-8
needs_ref = pytest.mark.skipif(not REF.is_dir(), reason=f"reference folder {REF} is absent")


@pytest.fixture(scope="module")
def timss() -> pd.DataFrame:
    return pd.read_csv(REF / "timss2011_g4_math.csv.gz")


@pytest.fixture(scope="module")
def design(timss) -> RepDesign:
    return RepDesign(timss, weight="TOTWGT", replicates="w_fstr*", pvs={"math": MATH})


@pytest.fixture(scope="module")
def fx() -> pd.DataFrame:
    return pd.read_csv(FIX, dtype={"key": str}, keep_default_na=False)


def r(fx: pd.DataFrame, case: str, name: str) -> np.ndarray:
    out = fx[(fx["case"] == case) & (fx["name"] == name)]["value"].astype(float).to_numpy()
    assert out.size, f"fixture {case}/{name} missing"
    return out


@needs_ref
def test_intervals_with_r_df_match_confint(design, fx):
    assert r(fx, "degf", "degf")[0] == 74 == design.degf - 1  # R: rank of replicates - 1
    for i, level in enumerate([0.95, 0.9]):
        got = design.mean("scsci", level=level)
        lo, hi, _ = interval(got["estimate"], got["se"], 74, level)
        np.testing.assert_allclose(got["se"], r(fx, "ci_scsci", "se")[i], rtol=RTOL)
        np.testing.assert_allclose(lo, r(fx, "ci_scsci", "ci_lower")[i], rtol=RTOL)
        np.testing.assert_allclose(hi, r(fx, "ci_scsci", "ci_upper")[i], rtol=RTOL)


@needs_ref
def test_barnard_rubin_df_matches_r(design, fx):
    got = design.mean("math")
    u, b = got["se_sampling"] ** 2, got["se_imputation"] ** 2 / 1.2
    # Rubin's (1987) df, MIcombine's default: (M - 1) / gamma^2
    np.testing.assert_allclose(
        4 / (1.2 * b / got["se"] ** 2) ** 2, r(fx, "mean_math_df", "df_rubin"), rtol=1e-7
    )
    df = barnard_rubin(np.array([74.0]), u.to_numpy(), b.to_numpy(), 5)
    np.testing.assert_allclose(df, r(fx, "mean_math_df", "df_barnard_rubin"), rtol=1e-7)
    lo, hi, _ = interval(got["estimate"], got["se"], df, 0.95)
    np.testing.assert_allclose(
        [lo[0], hi[0]],
        [r(fx, "mean_math_df", "ci_lower")[0], r(fx, "mean_math_df", "ci_upper")[0]],
        rtol=RTOL,
    )


@needs_ref
def test_interactions_and_factors_match_r_svyglm(design, timss, fx):
    got = design.regress("math ~ C(lang) * female + books")
    assert got["term"].tolist() == [
        "(Intercept)",
        "C(lang)[2]",
        "C(lang)[3]",
        "female",
        "books",
        "C(lang)[2]:female",
        "C(lang)[3]:female",
    ]
    np.testing.assert_allclose(
        got["estimate"], r(fx, "regress_math_lang_x_female", "estimate"), rtol=RTOL
    )
    np.testing.assert_allclose(got["se"], r(fx, "regress_math_lang_x_female", "se"), rtol=RTOL)
    # a string column behind C() gives the same model (levels sorted, first is reference)
    named = timss.assign(langname=timss["lang"].map({1: "a", 2: "b", 3: "c"}))
    d2 = RepDesign(named, weight="TOTWGT", replicates="w_fstr*", pvs={"math": MATH})
    again = d2.regress("math ~ female * C(langname) + books")
    assert "C(langname)[b]:female" not in again["term"].tolist()
    assert again["term"].tolist()[-2:] == ["female:C(langname)[b]", "female:C(langname)[c]"]
    np.testing.assert_allclose(np.sort(again["estimate"]), np.sort(got["estimate"]), rtol=1e-9)


@needs_ref
def test_regression_p_values_and_wald_match_r(design, fx):
    got = design.regress("scsci ~ C(lang) * female")
    case = "regress_scsci_lang_x_female"
    np.testing.assert_allclose(got["estimate"], r(fx, case, "estimate"), rtol=RTOL)
    np.testing.assert_allclose(got["se"], r(fx, case, "se"), rtol=RTOL)
    ddf = r(fx, case, "df")[0]  # svyglm: degf - p + 1 = 69
    _, _, p = interval(got["estimate"], got["se"], ddf, 0.95)
    np.testing.assert_allclose(p, r(fx, case, "p_value"), rtol=1e-6)
    for i, term in enumerate(["C(lang):female", "C(lang)"]):
        w = design.wald("scsci ~ C(lang) * female", term, df=ddf)
        assert w["df_num"][0] == r(fx, "regtermtest_scsci", "df_num")[i]
        np.testing.assert_allclose(
            w["statistic"], r(fx, "regtermtest_scsci", "statistic")[i], rtol=RTOL
        )
        np.testing.assert_allclose(
            w["p_value"], r(fx, "regtermtest_scsci", "p_value")[i], rtol=1e-6
        )
    w = design.wald("math ~ C(lang) * female + books", ["C(lang)", "C(lang):female"], df=74)
    for name in ("statistic", "df_num", "p_value"):
        np.testing.assert_allclose(w[name], r(fx, "wald_math_lang_pv", name), rtol=1e-7)
    default = design.wald("math ~ C(lang) * female + books", ["C(lang)", "C(lang):female"])
    coef = design.regress("math ~ C(lang) * female + books")
    assert default["df"][0] == coef.loc[coef["term"].str.startswith("C(lang)"), "df"].min()


@needs_ref
def test_r_squared_matches_r(design, fx):
    got = design.r_squared("math ~ books + female")
    np.testing.assert_allclose(
        got["estimate"], r(fx, "r2_math_books_female", "estimate"), rtol=RTOL
    )
    np.testing.assert_allclose(got["se"], r(fx, "r2_math_books_female", "se"), rtol=RTOL)


def _ratio(data: pd.DataFrame, w: np.ndarray) -> float:
    hi = (data["books"] >= 3).to_numpy()
    lo = (data["books"] < 3).to_numpy()
    y = data["math"].to_numpy()
    return ((w @ (y * hi)) / (w @ hi)) / ((w @ (y * lo)) / (w @ lo))


@needs_ref
def test_replicate_matches_r_withreplicates(design, fx):
    got = design.replicate(_ratio)
    np.testing.assert_allclose(
        got["estimate"], r(fx, "replicate_ratio_books", "estimate"), rtol=RTOL
    )
    np.testing.assert_allclose(got["se"], r(fx, "replicate_ratio_books", "se"), rtol=RTOL)


@needs_ref
def test_contrast_matches_r_svycontrast(design, fx):
    rep = design.replicate_estimates("mean", "math", by="lang")
    assert rep.labels == ["1.0|math", "2.0|math", "3.0|math"]
    got = rep.contrast([1, 0, -1])
    np.testing.assert_allclose(
        got["estimate"], r(fx, "compare_math_lang", "difference")[1], rtol=RTOL
    )
    np.testing.assert_allclose(got["se"], r(fx, "compare_math_lang", "se")[1], rtol=RTOL)
    cov = rep.covariance().to_numpy()
    c = np.array([1.0, 0, -1])
    assert c @ cov @ c == pytest.approx(got["se"][0] ** 2, rel=1e-10)
    np.testing.assert_allclose(np.sqrt(np.diag(cov)), rep.table()["se"], rtol=1e-12)


@needs_ref
def test_compare_matches_r(design, fx):
    got = design.compare("math", by="lang", adjust="holm")
    assert got[["group_a", "group_b"]].values.tolist() == [[1, 2], [1, 3], [2, 3]]
    np.testing.assert_allclose(
        got["difference"], r(fx, "compare_math_lang", "difference"), rtol=RTOL
    )
    np.testing.assert_allclose(got["se"], r(fx, "compare_math_lang", "se"), rtol=RTOL)
    # with R's df (74) the p-values and their Holm / BH adjustments are R's
    _, _, p = interval(got["difference"], got["se"], 74, 0.95)
    np.testing.assert_allclose(p, r(fx, "compare_math_lang", "p_value_df74"), rtol=1e-6)
    np.testing.assert_allclose(
        p_adjust(p, "holm"), r(fx, "compare_math_lang", "holm_df74"), rtol=1e-6
    )
    np.testing.assert_allclose(p_adjust(p, "bh"), r(fx, "compare_math_lang", "bh_df74"), rtol=1e-6)
    # the table's own p-values use its own df; the flags say which rule
    np.testing.assert_allclose(got["p_adjusted"], p_adjust(got["p_value"].to_numpy(), "holm"))
    assert (got["significant_unadjusted"] == (got["p_value"] < 0.05)).all()
    assert (got["significant_adjusted"] == (got["p_adjusted"] < 0.05)).all()
    assert set(got["adjustment"]) == {"holm"}
    assert list(got.columns[:14]) == [
        "variable",
        "group_a",
        "group_b",
        "difference",
        "se",
        "n",
        "df",
        "ci_lower",
        "ci_upper",
        "t",
        "p_value",
        "significant_unadjusted",
        "p_adjusted",
        "significant_adjusted",
    ]


@needs_ref
def test_compare_to_total_matches_r(design, fx):
    got = design.compare_to_total("math", by="lang")
    np.testing.assert_allclose(
        got["difference"], r(fx, "compare_to_total_math_lang", "difference"), rtol=RTOL
    )
    np.testing.assert_allclose(got["se"], r(fx, "compare_to_total_math_lang", "se"), rtol=RTOL)
    # part-whole: smaller than the independent-samples SE
    groups = design.mean("math", by="lang")["se"].to_numpy()
    whole = design.mean("math")["se"][0]
    assert (got["se"].to_numpy() < np.sqrt(groups**2 + whole**2)).all()


def test_p_adjust_matches_r(fx):
    p = r(fx, "p_adjust", "p")
    np.testing.assert_allclose(p_adjust(p, "holm"), r(fx, "p_adjust", "holm"), rtol=1e-12)
    np.testing.assert_allclose(p_adjust(p, "bh"), r(fx, "p_adjust", "bh"), rtol=1e-12)
    with pytest.raises(ValueError, match="unknown method"):
        p_adjust(p, "hochberg")


def test_domain_df_restores_coverage_in_a_four_zone_domain():
    """Synthetic truth (issue 10: Talas, 8 schools in 4 zones). 400 samples of a nation of 24
    JK2 zones whose domain T has 4 zones, stacked as groups of one design (each sample's
    estimate uses only its own rows). Normal intervals under-cover; t with the domain's df
    (Johnson-Rust, at most 4) covers about 95 %, R's degf (23) does not."""
    rng = np.random.default_rng(1)
    n_rep, zones, per_school = 400, 24, 10
    school = np.tile(np.repeat(np.arange(2 * zones), per_school), n_rep)
    sample = np.repeat(np.arange(n_rep), 2 * zones * per_school)
    sid = sample * 2 * zones + school
    u = rng.normal(0, 40, sid.max() + 1) * rng.choice([0.5, 1.5], sid.max() + 1)
    w = rng.uniform(5, 40, sid.max() + 1)[sid]
    zone, half = school // 2, school % 2
    data = pd.DataFrame(
        {
            "w": w,
            "y": 500 + u[sid] + rng.normal(0, 60, sid.size),
            "sample": sample,
            "g": np.where(zone < 4, "T", "O"),
        }
    )
    reps = {f"r{z}": w * np.where(zone == z, 2.0 * half, 1.0) for z in range(zones)}
    data = pd.concat([data, pd.DataFrame(reps)], axis=1)
    got = RepDesign(data, weight="w", replicates="r*").mean("y", by=["sample", "g"])
    talas = got[got["g"] == "T"]
    assert (talas["df"] <= 4).all() and talas["df"].median() > 2
    covered = (talas["ci_lower"] <= 500) & (500 <= talas["ci_upper"])
    z = np.abs(talas["estimate"] - 500) / talas["se"]
    normal = (z <= stats.norm.ppf(0.975)).mean()
    r_degf = (z <= stats.t.ppf(0.975, zones - 1)).mean()
    assert normal < 0.90 and r_degf < 0.91
    assert 0.93 <= covered.mean() <= 0.99
