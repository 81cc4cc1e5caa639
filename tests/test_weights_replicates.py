"""Replicate weights: JK2 against TIMSS 2011, Fay BRR against R survey and PISA 2003."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench import weights as W
from workbench.survey import RepDesign

REF = Path(__file__).resolve().parents[2] / "shared" / "reference"
FIXTURES = Path(__file__).resolve().parent / "reference" / "weights"
TIMSS = REF / "timss2011_g4_math.csv.gz"
PISA = REF / "pisa2003_nld.csv.gz"
needs_timss = pytest.mark.skipif(not TIMSS.is_file(), reason=f"reference file {TIMSS} absent")
needs_pisa = pytest.mark.skipif(not PISA.is_file(), reason=f"reference file {PISA} absent")
# standard errors from R (tests/reference/weights/make_fixture.R)
R_SE = pd.read_csv(FIXTURES / "replicate_se.csv", index_col="study")
IEA_REPS = [f"w_fstr{z:02d}" for z in range(1, 76)]
PISA_REPS = [f"W_FSTR{r}" for r in range(1, 81)]


@pytest.fixture(scope="module")
def timss() -> pd.DataFrame:
    return pd.read_csv(TIMSS)


@needs_timss
def test_jk2_reproduces_the_75_timss_replicate_weights(timss):
    base = timss.drop(columns=IEA_REPS)
    got = W.jk2_replicates(base, prefix="w_fstr", pad=2)
    assert list(got.columns) == list(base.columns) + IEA_REPS
    mine, theirs = got[IEA_REPS].to_numpy(), timss[IEA_REPS].to_numpy()
    in_zone = np.arange(1, 76)[None, :] == timss["JKZONE"].to_numpy()[:, None]
    zero = in_zone & (timss["JKREP"].to_numpy()[:, None] == 0)
    # unchanged and zeroed cells: exact
    np.testing.assert_allclose(mine[~in_zone], theirs[~in_zone], rtol=0, atol=1e-9)
    np.testing.assert_array_equal(mine[zero], 0.0)
    # doubled cells: the file stores TOTWGT and each replicate rounded to 5 decimals
    # independently, so 2 * round(w) and round(2 w) differ by up to 1.5e-5 (observed 1e-5
    # in 1,108 of 4,668 doubled cells)
    doubled = in_zone & ~zero
    assert np.abs(mine[doubled] - theirs[doubled]).max() <= 1.5e-5
    pd.testing.assert_frame_equal(got[list(base.columns)], base)


@needs_timss
def test_repdesign_on_generated_jk2_matches_published_timss_mean(timss):
    got = W.jk2_replicates(timss.drop(columns=IEA_REPS))
    d = RepDesign(
        got,
        weight="TOTWGT",
        replicates="RWGT*",
        method="JK2",
        pvs={"math": [f"ASMMAT{i}" for i in range(1, 6)]},
        pv_rule="all",
    )
    row = d.mean("math").iloc[0]
    assert row["estimate"] == pytest.approx(508.31, abs=0.005)
    assert row["se"] == pytest.approx(2.617, abs=0.0005)


@needs_timss
def test_full_jk2_halves_average_to_totwgt_and_give_timss_se(timss):
    got = W.jk2_replicates(
        timss[["TOTWGT", "JKZONE", "JKREP", *[f"ASMMAT{i}" for i in range(1, 6)]]], full=True
    )
    reps = got[[f"RWGT{r}" for r in range(1, 151)]].to_numpy()
    np.testing.assert_allclose(
        (reps[:, :75] + reps[:, 75:]) / 2,
        np.repeat(got[["TOTWGT"]].to_numpy(), 75, axis=1),
        atol=1e-12,
    )
    # each replicate's total is close to the full-sample total (75 of 75 within 6%)
    ratio = reps.sum(axis=0) / got["TOTWGT"].sum()
    assert np.abs(ratio - 1).max() < 0.06
    d = RepDesign(
        got,
        weight="TOTWGT",
        replicates="RWGT*",
        method="JK2-full",
        pvs={"math": [f"ASMMAT{i}" for i in range(1, 6)]},
    )
    # R survey + mitools on 150 replicates built in R from the JKZONE/JKREP rule
    want = R_SE.loc["timss2011_g4_jk2_full"]
    row = d.mean("math").iloc[0]
    assert row["estimate"] == pytest.approx(want["estimate"], abs=1e-9)
    assert row["se"] == pytest.approx(want["se"], rel=1e-9)


@pytest.mark.parametrize("order", [8, 80])
def test_hadamard_matches_r_survey(order):
    r = pd.read_csv(FIXTURES / f"hadamard_{order}.csv").to_numpy()
    h = W.hadamard(order)
    np.testing.assert_array_equal(h, np.where(r == 1, 1, -1))
    np.testing.assert_array_equal(h @ h.T, order * np.eye(order))


@pytest.mark.parametrize("zones", [7, 79])
def test_fay_brr_matches_r_brrweights(zones):
    ref = pd.read_csv(FIXTURES / f"brr_fay_{zones}zones.csv")
    data = ref[["zone", "unit"]].assign(w=1.0)
    got = W.brr_replicates(data, weight="w", zone="zone", unit="unit", fay=0.5)
    mine = got.filter(like="W_FSTR").to_numpy()
    theirs = ref.filter(regex=r"^r\d").to_numpy()
    assert mine.shape == theirs.shape == (2 * zones, 8 if zones == 7 else 80)
    np.testing.assert_allclose(mine, theirs, rtol=0, atol=1e-12)


@needs_pisa
def test_pisa_replicates_follow_our_hadamard_rows_with_fay_half():
    cols = ["W_FSTUWT", "WVARSTRR", "UNIT", *[f"PV{i}MATH" for i in range(1, 6)], *PISA_REPS]
    pisa = pd.read_csv(PISA, usecols=cols)
    factor = pisa[PISA_REPS].to_numpy() / pisa[["W_FSTUWT"]].to_numpy()
    up = np.where(factor > 1, 1, -1) * np.where(pisa["UNIT"] == 1, 1, -1)[:, None]
    h = W.hadamard(80)
    rows = {}
    for z, idx in pisa.groupby("WVARSTRR").indices.items():
        patterns = np.unique(up[idx], axis=0)
        assert len(patterns) == 1  # unit 2 (and the triple's unit 3) mirror unit 1
        rows[z] = [k for k in range(80) if np.array_equal(patterns[0], h[k])]
        assert len(rows[z]) == 1  # every zone uses one row of our order-80 matrix
    used = [rows[z][0] for z in sorted(rows)]
    assert len(set(used)) == 79
    matrix = h[[k for k in range(80) if k not in used] + used]
    data = pisa.drop(columns=PISA_REPS).assign(U=pisa["UNIT"].where(pisa["UNIT"] < 3, 2))
    got = W.brr_replicates(
        data,
        weight="W_FSTUWT",
        zone="WVARSTRR",
        unit="U",
        units=(1, 2),
        hadamard_matrix=matrix,
        prefix="R",
    )
    mine = got[[f"R{r}" for r in range(1, 81)]].to_numpy() / got[["W_FSTUWT"]].to_numpy()
    assert np.array_equal(np.sign(mine - 1), np.sign(factor - 1))
    assert set(np.unique(mine.round(12))) == {0.5, 1.5}
    d = RepDesign(
        got,
        weight="W_FSTUWT",
        replicates=[f"R{r}" for r in range(1, 81)],
        method="BRR-Fay",
        pvs={"math": [f"PV{i}MATH" for i in range(1, 6)]},
    )
    row = d.mean("math").iloc[0]
    assert row["estimate"] == pytest.approx(537.82, abs=0.005)
    # PISA re-runs its non-response adjustments inside each replicate (factors 0.41-1.74),
    # which plain Fay factors do not (SE 3.42 against PISA's 3.13): the reference is R survey
    # + mitools on plain Fay replicates built in R from the signs of PISA's own replicates
    want = R_SE.loc["pisa2003_nld_fay_plain"]
    assert row["estimate"] == pytest.approx(want["estimate"], abs=1e-9)
    assert row["se"] == pytest.approx(want["se"], rel=1e-9)


def test_replicates_do_not_modify_input():
    df = pd.DataFrame({"TOTWGT": [1.0, 2.0], "JKZONE": [1, 1], "JKREP": [1, 0]})
    before = df.copy()
    W.jk2_replicates(df, full=True)
    W.brr_replicates(df.assign(u=[1, 2]), weight="TOTWGT", zone="JKZONE", unit="u")
    pd.testing.assert_frame_equal(df, before)


def test_replicate_bad_inputs():
    df = pd.DataFrame({"TOTWGT": [1.0, 2.0, 3.0], "JKZONE": [1, 1, 76], "JKREP": [1, 0, 1]})
    with pytest.raises(ValueError, match=r"JKZONE.*outside 1\.\.75.*\[76\]"):
        W.jk2_replicates(df)
    one_sided = df.assign(JKZONE=[1, 1, 2])
    with pytest.raises(ValueError, match=r"zones \[2\] .* on one side only"):
        W.jk2_replicates(one_sided)
    with pytest.raises(ValueError, match="JKREP.*outside 0..1"):
        W.jk2_replicates(df.assign(JKZONE=1, JKREP=[1, 0, 2]))
    with pytest.raises(ValueError, match="already in the data"):
        W.jk2_replicates(W.jk2_replicates(df.assign(JKZONE=1, JKREP=[1, 0, 0])))
    triple = pd.DataFrame({"w": 1.0, "z": [1, 1, 1], "u": [1, 2, 3]})
    with pytest.raises(ValueError, match="exactly two units"):
        W.brr_replicates(triple, weight="w", zone="z", unit="u")
    with pytest.raises(ValueError, match="codes other than"):
        W.brr_replicates(triple, weight="w", zone="z", unit="u", units=(1, 2))
    pair = triple.iloc[:2]
    with pytest.raises(ValueError, match=r"fay must be in \[0, 1\)"):
        W.brr_replicates(pair, weight="w", zone="z", unit="u", fay=1.0)
    with pytest.raises(ValueError, match="not a Hadamard matrix"):
        W.brr_replicates(pair, weight="w", zone="z", unit="u", hadamard_matrix=np.ones((4, 4)))
    with pytest.raises(ValueError, match="cannot build a Hadamard matrix of order 92"):
        W.hadamard(92)
