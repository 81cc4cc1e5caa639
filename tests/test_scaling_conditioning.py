"""Conditioning variables, proficiency levels, trend differences, scale constants: invariants,
hand computations and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.scaling import (
    benchmark_cuts,
    conditioning_variables,
    proficiency_levels,
    read_constants,
    trend_difference,
)
from workbench.survey import RepDesign


@pytest.fixture(scope="module")
def background():
    rng = np.random.default_rng(3)
    n = 500
    return pd.DataFrame(
        {
            "IDSTUD": np.arange(n),
            "sex": rng.integers(1, 3, n),
            "lang": rng.choice(["ky", "ru", "uz"], n),
            "q1": rng.choice([1, 2, 3, 4, 9], n),
            "q2": rng.integers(1, 5, n),
            "index": np.where(rng.random(n) < 0.1, np.nan, rng.normal(0, 1, n)),
        }
    )


def test_components_are_standardized_uncorrelated_and_explain_the_share(background):
    cond = conditioning_variables(
        background,
        direct=["sex", "lang"],
        background=["q1", "q2", "index"],
        share=0.7,
        max_components=20,
        id="IDSTUD",
    )
    pcs = cond.data[[c for c in cond.columns if c.startswith("PC")]].to_numpy()
    np.testing.assert_allclose(np.cov(pcs, rowvar=False, ddof=0), np.eye(pcs.shape[1]), atol=1e-8)
    assert cond.explained >= 0.7
    assert cond.explained - cond.table()["variance_share"].iloc[-1] < 0.7
    assert list(cond.columns[:3]) == ["sex_2", "lang_ru", "lang_uz"]
    assert cond.data["IDSTUD"].tolist() == background["IDSTUD"].tolist()
    assert not cond.data.isna().any().any()


def test_all_components_span_the_dummy_coded_background(background):
    cond = conditioning_variables(background, direct=[], background=["q1"], share=1.0)
    dummies = pd.get_dummies(background["q1"], drop_first=True).to_numpy(float)
    pcs = cond.data.to_numpy()
    fitted = pcs @ np.linalg.lstsq(pcs, dummies - dummies.mean(axis=0), rcond=None)[0]
    np.testing.assert_allclose(fitted, dummies - dummies.mean(axis=0), atol=1e-8)
    assert "q1_missing" not in cond.columns  # code 9 became a category inside the PCs
    assert pcs.shape[1] == 4  # 5 categories (9 = missing) -> 4 dummies


def test_conditioning_leaves_its_input_unchanged_and_rejects_bad_input(background):
    before = background.copy()
    conditioning_variables(background, direct=["sex"], background=["q1", "index"])
    pd.testing.assert_frame_equal(background, before)
    with pytest.raises(KeyError, match="conditioning_variables: columns"):
        conditioning_variables(background, direct=["nope"])
    with pytest.raises(ValueError, match="share must be"):
        conditioning_variables(background, direct=["sex"], background=["q1"], share=1.5)


def test_trend_difference_adds_the_linking_error_to_the_sampling_variance():
    now = pd.DataFrame({"g": ["a", "b"], "estimate": [512.0, 490.0], "se": [3.0, 4.0]})
    then = pd.DataFrame({"g": ["b", "a"], "estimate": [480.0, 500.0], "se": [3.0, 4.0]})
    out = trend_difference(now, then, linking_error=2.0, by="g")
    row = out.set_index("g").loc["a"]
    assert row["difference"] == 12.0
    assert row["se_sampling"] == pytest.approx(5.0)
    assert row["se"] == pytest.approx(np.sqrt(25 + 4))
    assert row["z"] == pytest.approx(12 / np.sqrt(29))
    # hand values: 12 -/+ 1.959964 * sqrt(29); p = 2 * (1 - Phi(12 / sqrt(29))) = 0.025858
    assert row["ci_lower"] == pytest.approx(12 - 1.959964 * np.sqrt(29), abs=1e-5)
    assert row["ci_upper"] == pytest.approx(12 + 1.959964 * np.sqrt(29), abs=1e-5)
    assert row["p_value"] == pytest.approx(0.025858, abs=1e-6)
    with pytest.raises(ValueError, match="level must be in"):
        trend_difference(now, then, linking_error=2.0, by="g", level=95)
    with pytest.raises(ValueError, match="linking_error must be"):
        trend_difference(now, then, linking_error=-1.0, by="g")
    with pytest.raises(KeyError, match="trend_difference: current"):
        trend_difference(now.drop(columns="se"), then, linking_error=0.0, by="g")


def test_level_shares_from_the_design_sum_to_100_and_match_direct_counts():
    """Shares of each level = differences of the design's at-or-above percentages."""
    rng = np.random.default_rng(5)
    n = 300
    df = pd.DataFrame({f"READ0{m}": rng.normal(500, 100, n) for m in range(1, 4)})
    df["TOTWGT"] = 1.0
    for r in range(10):
        df[f"RWGT{r + 1}"] = np.where(np.arange(n) % 10 == r, 0.0, 1.0 * 10 / 9)
    cuts = [400, 475, 550, 625]
    design = RepDesign.iea(df, levels=cuts, method="JK1")
    above = design.percent_at_or_above("reading")["estimate"].to_numpy()
    shares = -np.diff(np.r_[100.0, above, 0.0])
    assert shares.sum() == pytest.approx(100.0)
    pvs = ["READ01", "READ02", "READ03"]
    direct = np.mean([((df[p] >= 475) & (df[p] < 550)).mean() * 100 for p in pvs])
    assert shares[2] == pytest.approx(direct)
    assert (design.percent_at_or_above("reading")["se"] > 0).all()


def test_proficiency_levels_describe_every_level_in_three_languages():
    for lang in ("ky", "ru", "en"):
        table = proficiency_levels([400, 475, 550, 625], lang=lang)
        assert table["level"].tolist() == [0, 1, 2, 3, 4]
        assert table["description"].str.len().min() > 20
    assert benchmark_cuts([625, 400, 550, 475]) == {
        "Low": 400.0,
        "Intermediate": 475.0,
        "High": 550.0,
        "Advanced": 625.0,
    }
    with pytest.raises(ValueError, match="proficiency_levels"):
        proficiency_levels([], lang="en")


def test_read_constants_rejects_a_table_that_is_not_scale_constants():
    with pytest.raises(ValueError, match="read_constants"):
        read_constants(pd.DataFrame({"x": [1]}))
