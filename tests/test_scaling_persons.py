"""psychometrics.person_scores ("eap", "wle"): numerical solutions, invariants, bad input."""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
import pytest
from scipy.integrate import quad
from scipy.optimize import brentq
from scipy.stats import norm

from workbench.psychometrics import person_scores

eap = partial(person_scores, method="eap")
wle = partial(person_scores, method="wle")

ITEMS = pd.DataFrame(
    {
        "item_id": ["m1", "m2", "c1", "g1"],
        "model": ["3PL", "2PL", "2PL", "GPCM"],
        "a": [1.2, 0.8, 1.5, 1.1],
        "b": [-0.3, 0.5, 1.0, 0.1],
        "c": [0.2, 0.0, 0.0, np.nan],
        "d1": [np.nan, np.nan, np.nan, -0.6],
        "d2": [np.nan, np.nan, np.nan, 0.8],
    }
)
RESPONSES = pd.DataFrame(
    {"m1": [1, 0, 1, 9, 1], "m2": [1, 0, 0, 1, 1], "c1": [0, 0, 1, 7, 1], "g1": [2, 0, 1, 1, 2]}
)


def _item_probs(theta: float) -> list[np.ndarray]:
    """Category probabilities written out item by item (independent of the kernels)."""
    p1 = 0.2 + 0.8 / (1 + np.exp(-1.2 * (theta + 0.3)))
    p2 = 1 / (1 + np.exp(-0.8 * (theta - 0.5)))
    p3 = 1 / (1 + np.exp(-1.5 * (theta - 1.0)))
    num = np.exp([0.0, 1.1 * (theta + 0.6), 1.1 * (2 * theta + 0.6 - 0.8)])
    return [np.array([1 - p1, p1]), np.array([1 - p2, p2]), np.array([1 - p3, p3]), num / num.sum()]


def _loglik(theta: float, row: pd.Series) -> float:
    total = 0.0
    for probs, value in zip(_item_probs(theta), row, strict=True):
        if value == 7:
            continue
        total += np.log(probs[0 if value == 9 else int(value)])
    return total


def test_eap_matches_quadrature():
    est = eap(RESPONSES, items=ITEMS, mean=0.2, sd=1.1, points=121)
    for i, row in RESPONSES.iterrows():

        def dens(t, row=row):
            return np.exp(_loglik(t, row)) * norm.pdf(t, 0.2, 1.1)

        mass = quad(dens, -9, 9)[0]
        mean = quad(lambda t, d=dens: t * d(t), -9, 9)[0] / mass
        var = quad(lambda t, d=dens, m=mean: (t - m) ** 2 * d(t), -9, 9)[0] / mass
        # 121 nodes on [-6, 6]: the residual error is the truncation of the tails at +-6
        assert est.loc[i, "eap"] == pytest.approx(mean, abs=1e-5)
        assert est.loc[i, "psd"] == pytest.approx(np.sqrt(var), abs=1e-5)
    # the default 41-point grid on [-6, 6] is already within 1e-4 here
    np.testing.assert_allclose(
        eap(RESPONSES, items=ITEMS, mean=0.2, sd=1.1)["eap"], est["eap"], atol=1e-4
    )


def _warm_function(theta: float, row: pd.Series, h: float = 1e-4) -> float:
    """l'(theta) + J / (2 I) with every derivative taken numerically."""

    def probs(t):
        return _item_probs(t)

    seen = [v != 7 for v in row]
    dl = (_loglik(theta + h, row) - _loglik(theta - h, row)) / (2 * h)
    info = warm = 0.0
    for j, keep in enumerate(seen):
        if not keep:
            continue
        p0, pp, pm = probs(theta)[j], probs(theta + h)[j], probs(theta - h)[j]
        d1, d2 = (pp - pm) / (2 * h), (pp - 2 * p0 + pm) / h**2
        info += (d1**2 / p0).sum()
        warm += (d1 * d2 / p0).sum()
    return dl + warm / (2 * info)


def test_wle_matches_brentq():
    est = wle(RESPONSES, items=ITEMS)
    for i, row in RESPONSES.iterrows():
        root = brentq(_warm_function, -6, 6, args=(row,), xtol=1e-10)
        assert est.loc[i, "wle"] == pytest.approx(root, abs=1e-5)
    assert est["n_items"].tolist() == [4, 4, 4, 3, 4]


def test_wle_is_finite_for_perfect_and_zero_scores_and_symmetric():
    table = pd.DataFrame(
        {"item_id": ["a", "b", "c"], "model": "2PL", "a": 1.0, "b": [-1.0, 0.0, 1.0]}
    )
    est = wle(pd.DataFrame({"a": [1, 0], "b": [1, 0], "c": [1, 0]}), items=table)
    assert np.isfinite(est["wle"]).all()
    assert est.loc[0, "wle"] == pytest.approx(-est.loc[1, "wle"], abs=1e-9)


def test_person_estimates_keep_the_id_and_leave_input_unchanged():
    frame = RESPONSES.assign(IDSTUD=[11, 12, 13, 14, 15])
    before = frame.copy()
    out = eap(frame, items=ITEMS, id="IDSTUD")
    assert list(out.columns) == ["IDSTUD", "eap", "psd", "n_items"]
    assert list(wle(frame, items=ITEMS, id="IDSTUD").columns) == ["IDSTUD", "wle", "se", "n_items"]
    pd.testing.assert_frame_equal(frame, before)


def test_no_responses_give_the_prior_and_no_wle():
    empty = pd.DataFrame({"m1": [7], "m2": [7], "c1": [7], "g1": [7]})
    assert eap(empty, items=ITEMS, mean=0.3)["eap"].item() == pytest.approx(0.3, abs=1e-6)
    assert np.isnan(wle(empty, items=ITEMS)["wle"].item())


def test_person_estimates_reject_bad_input():
    with pytest.raises(ValueError, match="items must be a Calibration or a table"):
        eap(RESPONSES, items=ITEMS.drop(columns="b"))
    with pytest.raises(ValueError, match="scores above its maximum"):
        wle(RESPONSES.assign(m2=[2, 0, 0, 1, 1]), items=ITEMS)
    with pytest.raises(ValueError, match="sd must be positive"):
        eap(RESPONSES, items=ITEMS, sd=0)
    with pytest.raises(KeyError, match="id column"):
        eap(RESPONSES, items=ITEMS, id="IDSTUD")
