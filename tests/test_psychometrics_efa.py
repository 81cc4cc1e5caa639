"""EFA (KMO, Bartlett, ML + varimax), CFA and measurement invariance against psych and lavaan
(fixtures: tests/reference/psychometrics/make_fixtures_validity.R)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.conftest import ROOT
from workbench.psychometrics import bartlett, cfa, efa, kmo, measurement_invariance, varimax

REF = ROOT / "tests" / "reference" / "psychometrics"
HS_MODEL = {
    "visual": ["x1", "x2", "x3"],
    "textual": ["x4", "x5", "x6"],
    "speed": ["x7", "x8", "x9"],
}


@pytest.fixture(scope="module")
def bfi():
    return pd.read_csv(REF / "data_bfi_an.csv")


@pytest.fixture(scope="module")
def holzinger():
    return pd.read_csv(REF / "data_holzinger.csv")


def test_kmo_matches_psych_kmo(bfi):
    ref = pd.read_csv(REF / "ref_kmo.csv")
    got = kmo(bfi)
    assert got["item_id"].tolist() == ref["item"].tolist()  # psych: rownames
    np.testing.assert_allclose(got["msa"], ref["msa"], atol=1e-10)


def test_bartlett_matches_psych_cortest_bartlett(bfi):
    ref = pd.read_csv(REF / "ref_bartlett.csv").iloc[0]
    got = bartlett(bfi).iloc[0]
    assert got["chisq"] == pytest.approx(ref["chisq"], rel=1e-10)
    assert got["df"] == ref["df"]


def test_efa_varimax_matches_psych_fa_ml(bfi):
    ref = pd.read_csv(REF / "ref_efa_varimax.csv")
    got = efa(bfi, n_factors=2)
    # psych orders and signs factors by the same rule; ML optimum and varimax agree to ~1e-5
    np.testing.assert_allclose(
        got.sort_values(["factor", "item_id"])["loading"],
        ref.sort_values(["factor", "item"])["loading"],
        atol=2e-4,
    )
    np.testing.assert_allclose(
        got.query("factor == 1")["communality"], ref.query("factor == 1")["communality"], atol=2e-4
    )


def test_varimax_keeps_communalities_and_is_orthogonal(bfi):
    load = (
        efa(bfi, n_factors=2, rotation=None)
        .pivot(index="item_id", columns="factor", values="loading")
        .to_numpy()
    )
    rotated = varimax(load)
    np.testing.assert_allclose((rotated**2).sum(axis=1), (load**2).sum(axis=1), atol=1e-12)


def test_efa_rejects_unidentified_factor_counts(bfi):
    with pytest.raises(ValueError, match="not identified"):
        efa(bfi.iloc[:, :3], n_factors=2)


def test_cfa_matches_lavaan_loadings_and_fit(holzinger):
    res = cfa(holzinger, HS_MODEL)
    ref = pd.read_csv(REF / "ref_cfa_loadings.csv")
    np.testing.assert_allclose(res.loadings["std_loading"], ref["std_loading"], atol=1e-5)
    fit = pd.read_csv(REF / "ref_cfa_fit.csv").set_index("level").loc["single"]
    got = res.fit.iloc[0]
    for k in ("chisq", "cfi", "tli", "rmsea", "srmr"):
        assert got[k] == pytest.approx(fit[k], rel=1e-5, abs=1e-7), k
    assert got["df"] == fit["df"]


def test_invariance_sequence_matches_lavaan_group_equal(holzinger):
    got = measurement_invariance(holzinger, HS_MODEL, group=holzinger["school"])
    ref = (
        pd.read_csv(REF / "ref_cfa_fit.csv")
        .set_index("level")
        .loc[["configural", "metric", "scalar"]]
    )
    assert got["df"].tolist() == ref["df"].astype(int).tolist()
    for k in ("chisq", "cfi", "tli", "rmsea", "srmr"):
        np.testing.assert_allclose(got[k], ref[k], rtol=1e-5, atol=1e-7, err_msg=k)
    # lavaan's figures: metric holds (ΔCFI -0.002), scalar does not (ΔCFI -0.038)
    assert got["holds"].tolist() == [True, True, False]


def test_cfa_leaves_the_data_unchanged_and_names_unknown_items(holzinger):
    before = holzinger.copy()
    cfa(holzinger, {"f": ["x1", "x2", "x3"]})
    pd.testing.assert_frame_equal(holzinger, before)
    with pytest.raises(KeyError, match="not in data"):
        cfa(holzinger, {"f": ["x1", "x2", "nope"]})
