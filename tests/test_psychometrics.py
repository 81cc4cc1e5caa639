"""workbench.psychometrics: scoring, item analysis, reliability, factor analysis, dimensions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import workbench.psychometrics as ps

REF = Path(__file__).parent / "reference" / "psychometrics"
BFI = pd.read_csv(REF / "data_bfi_n.csv")
REL = pd.read_csv(REF / "ref_reliability_bfi_n.csv").set_index("statistic")["value"]
FAC = pd.read_csv(REF / "ref_factor_bfi_n.csv")


@pytest.fixture(scope="module")
def nation():
    from workbench.synth import make_nation

    return make_nation(seed=7, schools=150, items=30, blocks=5)


# ---- scoring ------------------------------------------------------------------------
def test_score_missing_follows_the_iea_convention():
    codes = pd.DataFrame({"R1": [0, 1, 9, 6, 7], "R2": [2, 6, 9, 7, 1]}, index=list("abcde"))
    out = ps.score_missing(codes)
    assert out["R1"].tolist()[:3] == [0.0, 1.0, 0.0]
    assert out.loc[["d", "e"], "R1"].isna().all()
    assert ps.score_missing(codes, not_reached_as="incorrect").loc["b", "R2"] == 0.0
    assert list(out.index) == list("abcde")


def test_score_missing_rejects_unknown_codes():
    with pytest.raises(ValueError, match=r"codes \[8.0\] are neither scores nor missing"):
        ps.score_missing(pd.DataFrame({"R1": [0, 8]}))
    with pytest.raises(ValueError, match="unknown not_reached_as"):
        ps.score_missing(pd.DataFrame({"R1": [0]}), not_reached_as="zero")


# ---- item analysis ------------------------------------------------------------------
def test_item_rest_correlation_matches_psych_r_drop():
    out = ps.item_analysis(BFI)
    np.testing.assert_allclose(out["r_item_rest"], FAC["item_rest_r"], atol=1e-8, rtol=0)
    np.testing.assert_allclose(out["p_value"], BFI.mean() / 5, atol=1e-12)


def test_item_analysis_p_values_rank_with_true_difficulty(nation):
    items = nation.tables["items"]
    scores = ps.score_missing(nation.tables["responses"][items["item_id"]])
    out = ps.item_analysis(scores)
    one_point = (items["max_score"] == 1).to_numpy()
    rho = pd.Series(out["p_value"][one_point].to_numpy()).corr(
        pd.Series(items["b"][one_point].to_numpy()), method="spearman"
    )
    assert rho < -0.9  # achieved about -0.97
    assert (out["r_item_rest"] > 0.15).all()
    assert (out["n"] < len(scores)).all()  # booklets: each item seen by a subset


def test_item_analysis_distractors_and_flags():
    rng = np.random.default_rng(1)
    theta = rng.normal(size=2000)
    correct = rng.random(2000) < 1 / (1 + np.exp(-(theta - 0.0)))
    # option B attracts able students: a bad distractor
    wrong = np.where(theta + rng.normal(0, 0.3, 2000) > 0.5, "B", rng.choice(["C", "D"], 2000))
    frame = pd.DataFrame({"q1": np.where(correct, "A", wrong)})
    for j in range(6):
        frame[f"x{j}"] = (rng.random(2000) < 1 / (1 + np.exp(-(theta - j / 3)))).astype(int)
    frame["easy"] = (rng.random(2000) < 0.99).astype(int)
    out = ps.item_analysis(frame, key={"q1": "A"}).set_index("item_id")
    opts = ps.distractor_analysis(frame, {"q1": "A"}).set_index("option")
    assert opts.loc["A", "is_key"] and opts.loc["A", "r_option_rest"] > 0.2
    assert opts.loc["B", "r_option_rest"] > 0
    assert opts["proportion"].sum() == pytest.approx(1.0)
    assert out.loc["q1", "flag_distractor"] and "distractor" in out.loc["q1", "flags"]
    assert out.loc["easy", "flag_easy"] and out.loc["easy", "flag_low_rpb"]
    assert out.loc["x0", "flags"] == ""


def test_item_analysis_leaves_input_unchanged():
    before = BFI.copy()
    ps.item_analysis(BFI, max_score={"N1": 5})
    pd.testing.assert_frame_equal(BFI, before)


def test_item_analysis_rejects_bad_input():
    with pytest.raises(TypeError, match="non-numeric"):
        ps.item_analysis(pd.DataFrame({"a": ["A", "B"], "b": [1, 0]}))
    with pytest.raises(KeyError, match=r"key names items not in responses \(\['zz'\]\)"):
        ps.item_analysis(pd.DataFrame({"a": ["A", "B"], "b": [1, 0]}), key={"zz": "A"})
    with pytest.raises(ValueError, match="scores above their max_score"):
        ps.item_analysis(pd.DataFrame({"a": [2, 0], "b": [1, 0]}), max_score={"a": 1})


# ---- reliability --------------------------------------------------------------------
def test_alpha_and_feldt_interval_match_psych():
    out = ps.reliability(BFI).set_index("statistic")
    assert out.loc["alpha", "estimate"] == pytest.approx(REL["raw_alpha"], abs=1e-10)
    assert out.loc["alpha", "se"] == pytest.approx(REL["alpha_ase"], abs=1e-10)
    assert out.loc["alpha", "ci_lower"] == pytest.approx(REL["feldt_lower"], abs=1e-8)
    assert out.loc["alpha", "ci_upper"] == pytest.approx(REL["feldt_upper"], abs=1e-8)
    assert out.loc["alpha", "n"] == REL["n"]


def test_omega_total_matches_psych_omega():
    out = ps.reliability(BFI).set_index("statistic")
    # psych's fa(ml) stops at optim's tolerance; achieved difference ~2e-7
    assert out.loc["omega_total", "estimate"] == pytest.approx(REL["omega_total"], abs=1e-6)


def test_bootstrap_interval_covers_the_estimate():
    out = ps.reliability(BFI.iloc[:400], method="bootstrap", n_boot=100, seed=3)
    assert (out["ci_lower"] < out["estimate"]).all() and (out["estimate"] < out["ci_upper"]).all()
    assert (out["se"] > 0).all()


def test_alpha_of_parallel_identical_items_is_one():
    x = pd.DataFrame({"a": [1, 2, 3, 4], "b": [1, 2, 3, 4], "c": [1, 2, 3, 4]})
    with pytest.warns(UserWarning, match="singular"):
        out = ps.reliability(x)
    assert out.loc[0, "estimate"] == pytest.approx(1.0)
    assert np.isnan(out.loc[1, "estimate"])


def test_reliability_rejects_bad_input():
    with pytest.raises(ValueError, match="unknown method"):
        ps.reliability(BFI, method="guttman")
    with pytest.raises(ValueError, match=r"constant: \['b'\]"):
        ps.reliability(pd.DataFrame({"a": [1, 2, 3], "b": [1, 1, 1]}))


# ---- factor analysis and dimensionality ---------------------------------------------
def test_one_factor_loadings_match_lavaan_and_psych():
    out = ps.one_factor(BFI)
    # lavaan's nlminb and psych's optim stop short of the optimum: achieved 6.5e-7 / 2.7e-6
    np.testing.assert_allclose(out["loading"], FAC["cfa_std_loading"], atol=2e-6, rtol=0)
    np.testing.assert_allclose(out["loading"], FAC["fa_ml_loading"], atol=5e-6, rtol=0)
    np.testing.assert_allclose(out["uniqueness"], FAC["fa_ml_uniqueness"], atol=5e-6, rtol=0)
    assert out.loc[0, "chisq"] == pytest.approx(REL["cfa_chisq"], rel=1e-6)
    assert out.loc[0, "df"] == REL["cfa_df"]
    assert out.loc[0, "cfi"] == pytest.approx(REL["cfa_cfi"], abs=1e-6)
    assert out.loc[0, "rmsea"] == pytest.approx(REL["cfa_rmsea"], abs=1e-6)


def test_eigenvalues_match_r_and_parallel_analysis_keeps_one_factor():
    out = ps.dimensionality(BFI, n_iter=30)
    np.testing.assert_allclose(out["eigenvalue"], FAC["eigenvalue"], atol=1e-10)
    assert out["retain"].tolist() == [True, False, False, False, False]
    assert out["proportion"].sum() == pytest.approx(1.0)


def test_one_factor_rejects_too_few_items():
    with pytest.raises(ValueError, match="at least 3 item columns"):
        ps.one_factor(BFI[["N1", "N2"]])
