"""One vocabulary and one IRT home (issue 19): `level=` with `ci=` deprecated, `person_scores`
with `method=`, the CML Hessian against central differences of the gradient."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import workbench.psychometrics as pm
import workbench.scaling as scaling
from workbench.psychometrics import _cml

REF = "tests/reference/psychometrics"


def _likert(seed: int = 3, n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    f = rng.normal(size=n)
    return pd.DataFrame(
        {f"q{i}": np.clip(np.round(f + rng.normal(size=n)) + 2, 0, 4) for i in range(4)}
    )


def test_reliability_level_and_deprecated_ci():
    x = _likert()
    wide = pm.reliability(x, level=0.95).set_index("statistic")
    narrow = pm.reliability(x, level=0.80).set_index("statistic")
    assert narrow.loc["alpha", "ci_lower"] > wide.loc["alpha", "ci_lower"]
    with pytest.warns(DeprecationWarning, match="use level="):
        old = pm.reliability(x, ci=0.80).set_index("statistic")
    pd.testing.assert_frame_equal(old, narrow)


def test_intraclass_correlation_deprecated_ci_names_level():
    r1, r2 = [0, 1, 2, 2, 1, 0, 2, 1], [0, 1, 2, 1, 1, 0, 2, 2]
    with pytest.warns(DeprecationWarning, match="intraclass_correlation: ci= is deprecated"):
        old = pm.intraclass_correlation(r1, r2, ci=0.9)
    pd.testing.assert_frame_equal(old, pm.intraclass_correlation(r1, r2, level=0.9))


def test_person_scores_is_the_one_verb():
    table = pd.DataFrame({"item_id": ["i1", "i2"], "model": "2PL", "a": 1.0, "b": [-0.5, 0.5]})
    x = pd.DataFrame({"i1": [1, 0], "i2": [1, 0]})
    assert list(pm.person_scores(x, items=table).columns) == ["eap", "psd", "n_items"]
    assert list(pm.person_scores(x, items=table, method="wle").columns) == ["wle", "se", "n_items"]
    with pytest.raises(ValueError, match="unknown method .'mle'.; use one of"):
        pm.person_scores(x, items=table, method="mle")
    for old in ("eap", "wle", "calibrate", "Calibration"):
        assert not hasattr(scaling, old)  # removed, documented in CHANGELOG (no alias)


@pytest.mark.parametrize("case", ["raschdat1_na", "pcmdat2_na"])
def test_cml_analytic_hessian_matches_differenced_gradient(case):
    x = pd.read_csv(f"{REF}/data_{case}.csv").to_numpy(float)
    x = x[~np.isnan(x).all(axis=1)]
    d, _ = _cml.prepare(x, np.nanmax(x, axis=0).astype(int))
    eta = np.random.default_rng(1).normal(0, 0.3, len(d.suff) - 1)
    _, _, hess = _cml._negll(eta, d)
    step, k = 1e-5, len(eta)
    numeric = np.empty((k, k))
    for j in range(k):
        e = np.zeros(k)
        e[j] = step
        numeric[:, j] = (_cml._negll(eta + e, d)[1] - _cml._negll(eta - e, d)[1]) / (2 * step)
    np.testing.assert_allclose(hess, numeric, atol=1e-6 * np.abs(hess).max(), rtol=0)


def test_rasch_persons_old_method_spelling_warns_and_matches():
    x = pd.read_csv(f"{REF}/data_raschdat1.csv")
    model = pm.rasch(x)
    with pytest.warns(DeprecationWarning, match="use method='mle'"):
        old = model.persons("ML")
    pd.testing.assert_frame_equal(old, model.persons("mle"))
