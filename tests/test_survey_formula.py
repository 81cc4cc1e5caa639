"""Formulas as R users write them (C(), a:b, a*b) and the errors of the new survey methods."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.survey import RepDesign
from workbench.survey._formula import Formula, parse_formula


def test_star_expands_and_terms_follow_r_order():
    f = parse_formula("y ~ a:b + C(g) * x + z", caller="t")
    labels = [Formula.label(t) for t in f.terms]
    # R: terms(y ~ a:b + C(g)*x + z) -> C(g), x, z, a:b, C(g):x
    assert labels == ["C(g)", "x", "z", "a:b", "C(g):x"]
    three = parse_formula("y ~ a * b * c", caller="t")
    assert [Formula.label(t) for t in three.terms] == ["a", "b", "c", "a:b", "a:c", "b:c", "a:b:c"]
    assert parse_formula("y ~ a + b + b:a + a:b", caller="t").terms[-1] == (
        ("b", False),
        ("a", False),
    )
    assert not parse_formula("y ~ x - 1", caller="t").intercept


@pytest.fixture()
def toy() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 80
    zone = np.repeat(np.arange(8), 10)
    half = np.tile(np.repeat([0, 1], 5), 8)
    data = pd.DataFrame(
        {
            "w": 1.0,
            "x": rng.normal(size=n),
            "region": rng.choice(["Chui", "Naryn", "Talas"], n),
            "girl": rng.integers(0, 2, n).astype(float),
        }
    )
    data["y"] = data["x"] + (data["region"] == "Naryn") * 2 + rng.normal(size=n)
    for z in range(8):
        data[f"rep{z}"] = np.where(zone == z, 2.0 * half, 1.0)
    return data


def test_interaction_columns_are_products_of_treatment_dummies(toy):
    d = RepDesign(toy, weight="w", replicates="rep*")
    got = d.regress("y ~ C(region) * x")
    assert got["term"].tolist() == [
        "(Intercept)",
        "C(region)[Naryn]",
        "C(region)[Talas]",
        "x",
        "C(region)[Naryn]:x",
        "C(region)[Talas]:x",
    ]
    # the same model by hand-made columns (equal weights: ordinary least squares)
    naryn = (toy["region"] == "Naryn").astype(float)
    talas = (toy["region"] == "Talas").astype(float)
    x = np.column_stack(
        [np.ones(len(toy)), naryn, talas, toy["x"], naryn * toy["x"], talas * toy["x"]]
    )
    beta = np.linalg.lstsq(x, toy["y"], rcond=None)[0]
    np.testing.assert_allclose(got["estimate"], beta, rtol=1e-10)


def test_non_numeric_predictor_asks_for_c(toy):
    d = RepDesign(toy, weight="w", replicates="rep*")
    with pytest.raises(
        ValueError,
        match=r"predictor 'region' is not numeric .*wrap it in "
        r"C\(region\)",
    ):
        d.regress("y ~ region + x")
    with pytest.raises(ValueError, match="the outcome 'region' is not numeric"):
        d.regress("region ~ x")
    with pytest.raises(ValueError, match=r"interaction 'C\(region\):x' .* needs the terms"):
        d.regress("y ~ x + C(region):x")


def test_wald_and_comparison_errors_name_the_problem(toy):
    d = RepDesign(toy, weight="w", replicates="rep*")
    with pytest.raises(KeyError, match=r"terms \['C\(school\)'\] are not in the model"):
        d.wald("y ~ C(region) + x", "C(school)")
    with pytest.raises(ValueError, match="unknown adjust"):
        d.compare("y", by="region", adjust="sidak")
    with pytest.raises(ValueError, match="fewer than two groups"):
        d.subset(toy["region"] == "Talas").compare("y", by="region")
    with pytest.raises(ValueError, match="unknown statistic"):
        d.replicate_estimates("median", "y")
    rep = d.replicate_estimates("mean", "y", by="region")
    with pytest.raises(ValueError, match="4 weights for 3 estimates"):
        rep.contrast([1, -1, 0, 0])
    with pytest.raises(KeyError, match="unknown labels"):
        rep.contrast({"Osh|y": 1.0})


def test_wald_of_one_coefficient_is_its_squared_t(toy):
    d = RepDesign(toy, weight="w", replicates="rep*")
    coef = d.regress("y ~ C(region) + x")
    w = d.wald("y ~ C(region) + x", "x")
    t = coef.loc[coef["term"] == "x", ["estimate", "se", "p_value"]].iloc[0]
    assert w["statistic"][0] == pytest.approx((t["estimate"] / t["se"]) ** 2, rel=1e-10)
    assert w["p_value"][0] == pytest.approx(t["p_value"], rel=1e-8)


def test_replicate_equals_built_in_statistic(toy):
    d = RepDesign(toy, weight="w", replicates="rep*")
    got = d.replicate(lambda data, w: pd.Series({"mean_y": w @ data["y"] / w.sum()}))
    want = d.mean("y")
    assert got["variable"][0] == "mean_y"
    np.testing.assert_allclose(
        got[["estimate", "se", "df"]].to_numpy(),
        want[["estimate", "se", "df"]].to_numpy(),
        rtol=1e-12,
    )
    table = d.replicate_estimates("regress", "y ~ x").table(p_value=True)
    pd.testing.assert_frame_equal(table, d.regress("y ~ x"))
