"""workbench.psychometrics.scale_analysis on a Likert scale (bfi N1-N5)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.psychometrics import scale_analysis

REF = Path(__file__).parent / "reference" / "psychometrics"
BFI = pd.read_csv(REF / "data_bfi_n.csv") + 1  # back to the 1-6 answer scale
FAC = pd.read_csv(REF / "ref_factor_bfi_n.csv")
REL = pd.read_csv(REF / "ref_reliability_bfi_n.csv").set_index("statistic")["value"]
FIT = pd.read_csv(REF / "ref_cml_itemfit.csv").query("case == 'bfi_n'")


@pytest.fixture(scope="module")
def result():
    return scale_analysis(BFI)


def test_scale_items_match_psych_lavaan_and_erm(result):
    items = result.table()
    np.testing.assert_allclose(items["r_item_rest"], FAC["item_rest_r"], atol=1e-10)
    np.testing.assert_allclose(items["alpha_if_dropped"], FAC["alpha_if_dropped"], atol=1e-10)
    np.testing.assert_allclose(items["loading"], FAC["cfa_std_loading"], atol=2e-6)
    np.testing.assert_allclose(items["location"], FIT["location"], atol=1e-6)
    np.testing.assert_allclose(items["infit_msq"], FIT["infit_msq"], atol=1e-6)


def test_scale_summary_and_scores(result):
    scale = result.scale.set_index("statistic")
    assert scale.loc["alpha", "estimate"] == pytest.approx(REL["raw_alpha"], abs=1e-10)
    assert scale.loc["omega_total", "estimate"] == pytest.approx(REL["omega_total"], abs=1e-6)
    assert scale.loc["eigenvalue_ratio", "estimate"] == pytest.approx(
        FAC["eigenvalue"][0] / FAC["eigenvalue"][1], rel=1e-10
    )
    scores = result.scores
    assert len(scores) == len(BFI) and np.isfinite(scores["estimate"]).all()
    rho = scores["estimate"].corr(BFI.sum(axis=1).reset_index(drop=True), method="spearman")
    assert rho == pytest.approx(1.0)  # complete data: WLE is monotone in the raw score


def test_reversing_an_item_reverses_its_loading_sign():
    flipped = BFI.assign(N5=7 - BFI["N5"])
    out = scale_analysis(flipped, reverse=["N5"]).table()
    np.testing.assert_allclose(out["loading"], FAC["cfa_std_loading"], atol=2e-6)


def test_scale_analysis_rejects_unknown_reverse_item():
    with pytest.raises(KeyError, match=r"reverse names unknown items \(\['N9'\]\)"):
        scale_analysis(BFI, reverse=["N9"])
