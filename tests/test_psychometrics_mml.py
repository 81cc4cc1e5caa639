"""workbench.psychometrics.twopl: the DESIGN name for the MML 2PL/GPCM engine."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.psychometrics import calibrate, twopl


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(7)
    theta = rng.normal(size=(3000, 1))
    a, b = np.array([0.7, 1.0, 1.4, 1.1, 0.9]), np.array([-1.2, -0.4, 0.0, 0.6, 1.3])
    x = (rng.random((3000, 5)) < 1 / (1 + np.exp(-a * (theta - b)))).astype(float)
    return pd.DataFrame(x, columns=[f"i{k}" for k in range(5)]), a, b


def test_twopl_is_the_mml_2pl_calibration(data):
    responses, _, _ = data
    ours = twopl(responses, se=False).table()
    direct = calibrate(responses, items=list(responses.columns), model="2PL", se=False).table()
    pd.testing.assert_frame_equal(ours, direct)


def test_twopl_recovers_slopes_and_difficulties(data):
    responses, a, b = data
    table = twopl(responses, se=False).table()
    # 3,000 responses per item: the SE of b is about 0.05-0.1, of a about 0.05-0.08
    assert np.abs(table["b"].to_numpy() - b).max() < 0.3
    assert np.abs(table["a"].to_numpy() - a).max() < 0.3
