"""Trend linking (mean-sigma, Stocking-Lord) and its linking error."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.psychometrics import calibrate
from workbench.scaling import link


def _bank(rng: np.random.Generator, n: int = 30) -> pd.DataFrame:
    bank = pd.DataFrame(
        {
            "item_id": [f"r{j:02d}" for j in range(n)],
            "model": ["2PL"] * (n - 4) + ["GPCM"] * 4,
            "a": rng.lognormal(0, 0.25, n),
            "b": rng.normal(0, 1, n),
        }
    )
    bank["d1"] = np.where(bank["model"] == "GPCM", bank["b"] - 0.5, np.nan)
    bank["d2"] = np.where(bank["model"] == "GPCM", bank["b"] + 0.5, np.nan)
    return bank


def _onto_new_scale(bank: pd.DataFrame, a_: float, b_: float) -> pd.DataFrame:
    """theta_base = A theta_new + B  =>  new parameters a*A, (b - B)/A."""
    out = bank.assign(a=bank["a"] * a_, b=(bank["b"] - b_) / a_)
    for c in ("d1", "d2"):
        out[c] = (bank[c] - b_) / a_
    return out


@pytest.mark.parametrize("method", ["mean_sigma", "stocking_lord", "mean_mean"])
def test_link_recovers_a_known_transformation_exactly(method):
    base = _bank(np.random.default_rng(1))
    new = _onto_new_scale(base, 1.25, -0.4)
    result = link(new, base, method=method)
    assert result.A == pytest.approx(1.25, abs=1e-6)
    assert result.B == pytest.approx(-0.4, abs=1e-6)
    assert result.linking_error == pytest.approx(0.0, abs=1e-6)
    back = result.transform(new)
    np.testing.assert_allclose(back["b"], base["b"], atol=1e-6)
    np.testing.assert_allclose(back["a"], base["a"], atol=1e-6)


def _simulate(rng, bank, mean, sd, n=3000):
    theta = rng.normal(mean, sd, n)
    a, b = bank["a"].to_numpy(), bank["b"].to_numpy()
    x = (rng.random((n, len(bank))) < 1 / (1 + np.exp(-a * (theta[:, None] - b)))).astype(int)
    return pd.DataFrame(x, columns=bank["item_id"])


def test_separate_calibrations_link_to_the_known_shift_and_scale():
    rng = np.random.default_rng(12)
    bank = _bank(rng, 20).assign(model="2PL", d1=np.nan, d2=np.nan)
    base = calibrate(_simulate(rng, bank, 0.0, 1.0), items=bank["item_id"], se=False)
    # the new cycle's students are better and more spread: theta ~ N(0.5, 1.2^2) on the
    # base scale; calibrated alone it is standardized, so A ~ 1.2 and B ~ 0.5.
    new = calibrate(_simulate(rng, bank, 0.5, 1.2), items=bank["item_id"], se=False)
    sl = link(new, base)
    ms = link(new, base, method="mean_sigma")
    # MC error: population mean/SD at n=3000 ~0.02-0.03 each, plus item error; tolerance
    # ~3 jackknife SEs for SL.
    assert sl.A == pytest.approx(1.2, abs=max(0.08, 3 * sl.se_A))
    assert sl.B == pytest.approx(0.5, abs=max(0.08, 3 * sl.se_B))
    assert ms.A == pytest.approx(1.2, abs=0.1)
    # Linking error: common-item shifts are pure estimation noise here (SE of b ~0.05), so
    # SD(shift)/sqrt(20) should be ~0.07/sqrt(20) = 0.016; sensible range 0.005-0.04.
    assert 0.005 < sl.linking_error < 0.04
    assert sl.shifts.columns.tolist() == ["item_id", "b_base", "b_linked", "shift"]
    assert sl.table().loc[0, "n_common"] == 20


def test_link_uses_only_the_common_items():
    rng = np.random.default_rng(3)
    base = _bank(rng)
    new = _onto_new_scale(base, 0.9, 0.3)
    new.loc[new["item_id"] == "r00", "b"] += 3.0  # drifted item
    ids = [i for i in base["item_id"] if i != "r00"]
    assert link(new, base, common=ids).B == pytest.approx(0.3, abs=1e-6)
    assert link(new, base).linking_error > 0.05


def test_link_rejects_bad_input():
    base = _bank(np.random.default_rng(1))
    with pytest.raises(ValueError, match="unknown method"):
        link(base, base, method="haebara")
    with pytest.raises(ValueError, match="at least 3 common items"):
        link(base, base, common=["r00", "zz"])
    with pytest.raises(ValueError, match="items must be a Calibration or a table"):
        link(base.drop(columns="a"), base)
