"""workbench.psychometrics.rater_agreement against psych/statsmodels and simulated codes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.inter_rater import cohens_kappa

from workbench.psychometrics import rater_agreement

REF = Path(__file__).parent / "reference" / "psychometrics"
CODES = pd.read_csv(REF / "data_double_codes.csv")
KAPPA = pd.read_csv(REF / "ref_kappa.csv").set_index("statistic")["value"]


def _stats(out):
    return out.set_index("statistic")


def test_kappa_matches_psych_cohen_kappa():
    out = _stats(rater_agreement(CODES["r1"], CODES["r2"]))
    assert out.loc["kappa", "estimate"] == pytest.approx(KAPPA["kappa"], abs=1e-12)
    assert out.loc["kappa", "se"] ** 2 == pytest.approx(KAPPA["var_kappa"], abs=1e-12)
    assert out.loc["weighted_kappa", "estimate"] == pytest.approx(
        KAPPA["weighted_kappa"], abs=1e-12
    )
    assert (out["n"] == KAPPA["n"]).all()


def test_weighted_kappa_se_matches_statsmodels():
    # psych 2.2.9's var.weighted (0.000156) weights rows by the row marginals where Fleiss,
    # Cohen & Everitt (1969) use the column marginals; statsmodels follows the paper.
    out = _stats(rater_agreement(CODES["r1"], CODES["r2"]))
    table = pd.crosstab(CODES["r1"], CODES["r2"]).to_numpy()
    ref = cohens_kappa(table, wt="quadratic")
    assert out.loc["weighted_kappa", "estimate"] == pytest.approx(ref.kappa, abs=1e-12)
    assert out.loc["weighted_kappa", "se"] == pytest.approx(ref.std_kappa, abs=1e-12)
    assert out.loc["kappa", "se"] == pytest.approx(cohens_kappa(table).std_kappa, abs=1e-12)


def test_agreement_on_simulated_double_codes_is_near_the_planted_rate():
    rng = np.random.default_rng(12)
    n, planted = 20000, 0.9
    first = rng.choice([0, 1, 2], n, p=[0.3, 0.4, 0.3])
    second = np.where(rng.random(n) < planted, first, rng.choice([0, 1, 2], n))
    out = _stats(rater_agreement(pd.Series(first), pd.Series(second)))
    expected = planted + (1 - planted) / 3  # random recodes agree a third of the time
    se = np.sqrt(expected * (1 - expected) / n)
    assert abs(out.loc["exact_agreement", "estimate"] - expected) < 4 * se
    pe = 0.3**2 + 0.4**2 + 0.3**2
    assert out.loc["kappa", "estimate"] == pytest.approx((expected - pe) / (1 - pe), abs=0.015)


def test_perfect_agreement_gives_kappa_one():
    codes = pd.Series([0, 1, 2, 2, 1, 0, 1])
    out = _stats(rater_agreement(codes, codes))
    np.testing.assert_allclose(out["estimate"], 1.0, atol=1e-12)
    assert out.loc["kappa", "se"] < 1e-7  # sqrt of a rounding-level variance


def test_dataframes_give_one_block_per_item_and_drop_missing_pairs():
    a = pd.DataFrame({"R1": [0, 1, 2, np.nan], "R2": [1, 1, 0, 1]})
    b = pd.DataFrame({"R1": [0, 1, 1, 2], "R2": [1, 1, 0, 1]})
    out = rater_agreement(a, b)
    assert out["item_id"].unique().tolist() == ["R1", "R2"]
    assert out.loc[out["item_id"] == "R1", "n"].iloc[0] == 3


def test_rater_agreement_rejects_bad_input():
    with pytest.raises(ValueError, match="must be 1-d and equally long"):
        rater_agreement(pd.Series([0, 1]), pd.Series([0, 1, 2]))
    with pytest.raises(TypeError, match="pass two Series or two DataFrames"):
        rater_agreement(pd.DataFrame({"a": [1]}), pd.Series([1]))
    with pytest.raises(ValueError, match=r"score 3 is not in categories \(\[0, 1, 2\]\)"):
        rater_agreement(pd.Series([0, 3]), pd.Series([0, 1]), categories=[0, 1, 2])
