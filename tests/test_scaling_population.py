"""Latent regression, plausible values, reporting scale and benchmarks: invariants, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.scaling import (
    PIRLS_BENCHMARKS,
    benchmark_levels,
    latent_regression,
    plausible_values,
    reporting_scale,
)
from workbench.survey import RepDesign

ITEMS = pd.DataFrame(
    {
        "item_id": [f"i{j}" for j in range(10)],
        "model": "2PL",
        "a": np.linspace(0.8, 1.6, 10),
        "b": np.linspace(-1.5, 1.5, 10),
    }
)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(4)
    n = 3000
    x = rng.integers(0, 2, n).astype(float)
    theta = -0.2 + 0.6 * x + rng.normal(0, 0.8, n)
    p = 1 / (1 + np.exp(-ITEMS["a"].to_numpy() * (theta[:, None] - ITEMS["b"].to_numpy())))
    frame = pd.DataFrame((rng.random(p.shape) < p).astype(int), columns=ITEMS["item_id"])
    return frame.assign(x=x, theta=theta, IDSTUD=np.arange(n) + 1, w=rng.uniform(1, 3, n))


def test_latent_regression_recovers_coefficients_and_residual_sd(data):
    table = latent_regression(data, items=ITEMS, covariates=["x"]).table()
    est = table.set_index("term")["estimate"]
    # n = 3000: SE of the slope ~0.035, of the residual SD ~0.015 (plus measurement noise)
    assert est["x"] == pytest.approx(0.6, abs=0.1)
    assert est["intercept"] == pytest.approx(-0.2, abs=0.08)
    assert est["residual_sd"] == pytest.approx(0.8, abs=0.06)


def test_weighted_latent_regression_with_equal_weights_is_unweighted(data):
    a = latent_regression(data, items=ITEMS, covariates=["x"]).table()
    b = latent_regression(data.assign(w=2.0), items=ITEMS, covariates=["x"], weight="w").table()
    np.testing.assert_allclose(a["estimate"], b["estimate"], atol=1e-10)


def test_plausible_values_are_reproducible_with_a_seed_and_keep_ids(data):
    model = latent_regression(data, items=ITEMS, covariates=["x"], id="IDSTUD")
    names = [f"READ{m:02d}" for m in range(1, 6)]
    one = plausible_values(model, seed=7, names=names, id="IDSTUD")
    two = plausible_values(model, seed=7, names=names, id="IDSTUD")
    pd.testing.assert_frame_equal(one, two)
    assert list(one.columns) == ["IDSTUD", *names]
    assert (one["IDSTUD"] == data["IDSTUD"]).all()
    assert not one[names[0]].equals(
        plausible_values(model, seed=8, names=names, id="IDSTUD")[names[0]]
    )


@pytest.mark.parametrize("method", ["normal", "grid"])
def test_pv_slope_and_variance_match_the_generating_model(data, method):
    model = latent_regression(data, items=ITEMS, covariates=["x"])
    pv = plausible_values(model, n_pv=5, seed=1, method=method)
    cols = [c for c in pv.columns if c != "id"]
    slope = np.mean([np.polyfit(data["x"], pv[c], 1)[0] for c in cols])
    # the true slope is 0.6 (SE ~0.035 at n=3000); the PV variance matches the true
    # theta variance (SE ~0.02); 'grid' adds h^2/12 = 0.0075 by construction.
    assert slope == pytest.approx(np.polyfit(data["x"], data["theta"], 1)[0], abs=0.08)
    assert pv[cols].var().mean() == pytest.approx(data["theta"].var(), abs=0.07)


def test_reporting_scale_gives_500_and_100(data):
    pv = data[["theta"]].assign(PV02=data["theta"] * 1.1, w=data["w"])
    scale = reporting_scale(pv, pvs=["theta", "PV02"], weight="w")
    scored = scale.apply(pv, ["theta", "PV02"])
    w = pv["w"]
    means = [np.average(scored[c], weights=w) for c in ["theta", "PV02"]]
    sds = [
        np.sqrt(np.average((scored[c] - m) ** 2, weights=w))
        for c, m in zip(["theta", "PV02"], means, strict=True)
    ]
    assert np.mean(means) == pytest.approx(500, abs=1e-9)
    assert np.mean(sds) == pytest.approx(100, abs=1e-9)
    assert scale.table()["term"].tolist() == ["slope", "intercept", "theta_mean", "theta_sd"]
    pd.testing.assert_frame_equal(pv, data[["theta"]].assign(PV02=data["theta"] * 1.1, w=data["w"]))


def test_benchmark_percentages_go_through_repdesign():
    rng = np.random.default_rng(2)
    n = 400
    df = pd.DataFrame({f"READ0{m}": rng.normal(500, 100, n) for m in range(1, 4)})
    df["TOTWGT"] = 1.0
    zone = np.arange(n) % 20
    for r in range(20):
        df[f"RW{r:02d}"] = np.where(zone == r, np.where(np.arange(n) % 40 < 20, 2.0, 0.0), 1.0)
    pvs = ["READ01", "READ02", "READ03"]
    design = RepDesign(
        df,
        weight="TOTWGT",
        replicates="RW*",
        method="JK2",
        pvs={"read": pvs},
        levels=list(PIRLS_BENCHMARKS.values()),
    )
    table = design.percent_at_or_above("read")
    assert table["cutpoint"].tolist() == [400.0, 475.0, 550.0, 625.0]
    direct = np.mean([(df[c] >= 475).mean() * 100 for c in pvs])
    assert table.loc[1, "estimate"] == pytest.approx(direct, abs=1e-9)
    levels = benchmark_levels(df, pvs=pvs)
    assert list(levels.columns) == [f"{c}_level" for c in pvs]
    assert np.mean([(levels[f"{c}_level"] >= 2).mean() * 100 for c in pvs]) == pytest.approx(direct)
    assert PIRLS_BENCHMARKS["Advanced"] == 625.0


def test_population_functions_reject_bad_input(data):
    with pytest.raises(KeyError, match="covariates"):
        latent_regression(data, items=ITEMS, covariates=["nope"])
    with pytest.raises(ValueError, match="missing values"):
        latent_regression(data.assign(x=np.nan), items=ITEMS, covariates=["x"])
    with pytest.raises(ValueError, match="collinear"):
        latent_regression(data.assign(y=data["x"]), items=ITEMS, covariates=["x", "y"])
    model = latent_regression(data.head(50), items=ITEMS, covariates=["x"])
    with pytest.raises(ValueError, match="unknown method"):
        plausible_values(model, seed=1, method="mcmc")
    with pytest.raises(ValueError, match="one per draw"):
        plausible_values(model, seed=1, n_pv=5, names=["a"])
    with pytest.raises(KeyError, match="reporting_scale"):
        reporting_scale(data, pvs=["PV1"])
