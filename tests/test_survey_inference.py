"""Tests for the inference columns of RepDesign: df, ci_lower, ci_upper, p_value, level.

The domain-df rule (workbench/survey/_inference.py) is checked on a design whose replicate
deviations are known by hand; R's conventions (degf, confint with df, MIcombine) on the
TIMSS 2011 reference file against frozen fixtures (tests/reference/survey/).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from workbench.survey import RepDesign


def _zones_design(**kw) -> tuple[pd.DataFrame, RepDesign]:
    """Five JK2 zones of two schools (one row each); the domain g == 1 lives in zones 1-3.

    Total of y in the domain, zone j's replicate doubles its first row and drops its second:
    deviations +1 (2,1), -1 (1,2), +4 (5,1) in zones 1-3 and 0 in zones 4-5 (no domain rows).
    """
    zone = np.repeat(np.arange(1, 6), 2)
    first = np.tile([1, 0], 5)
    y = np.array([2.0, 1, 1, 2, 5, 1, 7, 3, 4, 4])
    g = np.array([1, 1, 1, 1, 1, 1, 0, 0, 0, 0])
    data = pd.DataFrame({"w": 1.0, "y": y, "g": g})
    for z in range(1, 6):
        data[f"r{z}"] = np.where(zone == z, 2.0 * first, 1.0)
    return data, RepDesign(data, weight="w", replicates="r*", method="JK2", **kw)


def test_domain_df_counts_only_its_zones_with_johnson_rust():
    data, d = _zones_design()
    got = d.subset(data["g"] == 1).total("y")
    assert got["estimate"][0] == 12.0
    assert got["se"][0] == pytest.approx(np.sqrt(1 + 1 + 16), rel=1e-12)
    # Welch-Satterthwaite (1+1+16)^2 / (1+1+256), Johnson-Rust factor with k = 3 zones
    want_df = (3.16 - 2.77 / np.sqrt(3)) * 18**2 / 258
    assert want_df == pytest.approx(1.96, abs=1e-3)
    assert got["df"][0] == pytest.approx(want_df, rel=1e-12)
    half = stats.t.ppf(0.975, want_df) * np.sqrt(18)
    np.testing.assert_allclose(got[["ci_lower", "ci_upper"]].iloc[0], [12 - half, 12 + half])
    by = d.total("y", by="g")
    assert by.loc[by["g"] == 1, "df"].item() == pytest.approx(want_df, rel=1e-12)


def test_zone_rule_and_cap_at_the_zone_count():
    data, d = _zones_design(df_rule="zones")
    assert d.degf == 5
    assert d.subset(data["g"] == 1).total("y")["df"][0] == 3.0
    # equal deviations: JR would give (3.16 - 2.77/sqrt(2)) * 2 = 2.40 > 2 zones -> 2
    _, d = _zones_design()
    two = d.subset(pd.Series(np.r_[[True] * 4, [False] * 6]))
    got = two.total("y")
    assert got["df"][0] == 2.0


def test_level_changes_only_the_interval_and_is_checked():
    data, d = _zones_design()
    a = d.mean("y", by="g")
    b = d.mean("y", by="g", level=0.9)
    pd.testing.assert_series_equal(a["df"], b["df"])
    assert ((b["ci_upper"] - b["ci_lower"]) < (a["ci_upper"] - a["ci_lower"])).all()
    with pytest.raises(ValueError, match=r"between 0 and 1 \(level=95\)"):
        d.mean("y", level=95)
    with pytest.raises(ValueError, match="unknown df_rule"):
        RepDesign(data, weight="w", replicates="r*", df_rule="satterthwaite")


def test_p_value_where_a_test_of_zero_means_something():
    data, d = _zones_design()
    assert "p_value" not in d.mean("y").columns
    got = d.gap("y", by="g")
    t = got["estimate"][0] / got["se"][0]
    assert got["p_value"][0] == pytest.approx(2 * stats.t.sf(abs(t), got["df"][0]), rel=1e-12)
    cols = list(d.regress("y ~ g").columns)
    assert cols[cols.index("n"):cols.index("n") + 5] == ["n", "df", "ci_lower", "ci_upper",
                                                         "p_value"]


def test_constant_has_point_interval_and_no_p_value():
    data, d = _zones_design()
    got = d.mean("w")
    assert got["se"][0] == 0 and got["df"][0] == 0
    assert got["ci_lower"][0] == got["ci_upper"][0] == 1.0
