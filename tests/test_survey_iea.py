"""Tests for RepDesign.iea: the constructor of the IEA-named student analysis file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.survey import RepDesign

REF = Path(__file__).parents[1].parent / "shared" / "reference"
needs_ref = pytest.mark.skipif(
    not REF.is_dir(), reason=f"shared reference data folder {REF} is absent"
)


@pytest.fixture(scope="module")
def iea() -> pd.DataFrame:
    """TIMSS 2011 grade 4 renamed to IEA analysis-file names (math PVs as READ01..05)."""
    timss = pd.read_csv(REF / "timss2011_g4_math.csv.gz")
    names = {f"ASMMAT{i}": f"READ{i:02d}" for i in range(1, 6)}
    names |= {f"w_fstr{i:02d}": f"RWGT{i}" for i in range(1, 76)}
    out = timss.rename(columns=names)
    # shuffle the replicate columns so that only numeric ordering gives R's order
    reps = [f"RWGT{i}" for i in range(1, 76)]
    other = [c for c in out.columns if c not in reps]
    return out[other + sorted(reps)]


@needs_ref
def test_iea_constructor_reproduces_published_timss(iea):
    d = RepDesign.iea(iea)
    assert d.replicates == [f"RWGT{i}" for i in range(1, 76)]
    assert d.pvs == {"reading": [f"READ{i:02d}" for i in range(1, 6)]}
    got = d.mean("reading")
    assert round(got["estimate"][0], 2) == 508.31  # TIMSS 2011 international report
    assert round(got["se"][0], 3) == 2.617
    assert d.levels == (400.0, 475.0, 550.0, 625.0)


@needs_ref
def test_iea_levels_are_the_default_cuts_and_survive_subset(iea):
    d = RepDesign.iea(iea)
    explicit = d.percent_at_or_above("reading", [400, 475, 550, 625], by="female")
    pd.testing.assert_frame_equal(d.percent_at_or_above("reading", by="female"), explicit)
    girls = d.subset(iea["female"] == 1)
    assert girls.levels == d.levels
    want = explicit[explicit["female"] == 1]
    got = girls.percent_at_or_above("reading")
    np.testing.assert_allclose(got["estimate"], want["estimate"], rtol=1e-12)
    # explicit cuts still win over the design's levels
    assert d.percent_at_or_above("reading", 500)["cutpoint"].tolist() == [500.0]


def _tiny() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "TOTWGT": [1.0, 1, 2, 2],
            "RWGT1": [2.0, 0, 2, 2],
            "RWGT10": [1.0, 1, 4, 0],
            "RWGT2": [1.0, 1, 4, 0],
            "READ01": [380.0, 420, 500, 640],
            "READ02": [390.0, 410, 560, 600],
            "READ03": [395.0, 430, 540, 610],
        }
    )


def test_iea_orders_replicates_numerically_and_limits_pvs():
    d = RepDesign.iea(_tiny(), n_pv=2, levels=None)
    assert d.replicates == ["RWGT1", "RWGT2", "RWGT10"]
    assert d.pvs == {"reading": ["READ01", "READ02"]}
    assert d.levels is None
    with pytest.raises(ValueError, match="no cut points given and the design has no levels"):
        d.percent_at_or_above("reading")


@pytest.mark.parametrize(
    ("drop", "named"),
    [
        (["TOTWGT"], "'TOTWGT'"),
        (["RWGT1", "RWGT2", "RWGT10"], "RWGT1, RWGT2"),
        (["READ01", "READ02", "READ03"], "READ01, READ02"),
    ],
)
def test_iea_names_the_missing_column_and_the_other_constructor(drop, named):
    with pytest.raises(KeyError, match=rf"RepDesign.iea: .*{named}.*RepDesign\(data, weight="):
        RepDesign.iea(_tiny().drop(columns=drop))


def test_iea_rejects_unknown_scale_and_too_many_pvs():
    with pytest.raises(ValueError, match=r"unknown scale \('math'\); known IEA scales: reading"):
        RepDesign.iea(_tiny(), scale="math")
    with pytest.raises(ValueError, match="n_pv=5 but scale 'reading' has 3"):
        RepDesign.iea(_tiny(), n_pv=5)
    with pytest.raises(ValueError, match="levels must be finite increasing"):
        RepDesign.iea(_tiny(), levels=[550, 400])
