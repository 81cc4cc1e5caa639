"""The engine's weights read in place and its chunked kernels (issue 19.1).

References: the R fixtures of ``tests/reference/survey`` (``make_fixtures.R``) for the design
built on a frame whose float columns share one block (weights held as views, not copied);
for the kernels, their definitions evaluated directly, one weight at a time, on data large
enough for several chunks and for both the dense and the sparse path of ``group_sums``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.survey import RepDesign
from workbench.survey._kernels import (
    DENSE_COLUMNS,
    group_sums,
    linear_fit,
    weighted_quantiles,
)
from workbench.survey._weights import CHUNK, Weights

REF = Path(__file__).parents[1].parent / "shared" / "reference"
FIXTURES = Path(__file__).parent / "reference" / "survey" / "fixtures.csv"
MATH = [f"ASMMAT{i}" for i in range(1, 6)]

needs_ref = pytest.mark.skipif(
    not REF.is_dir(), reason=f"shared reference data folder {REF} is absent"
)


@pytest.fixture(scope="module")
def one_block() -> pd.DataFrame:
    """TIMSS 2011 with its float columns in one block, as a Parquet file is read."""
    frame = pd.read_csv(REF / "timss2011_g4_math.csv.gz").copy()
    assert frame._mgr.nblocks <= 2  # float64 and int64
    return frame


@pytest.fixture(scope="module")
def fx() -> pd.DataFrame:
    return pd.read_csv(FIXTURES, dtype={"group": str, "key": str})


def _case(fx: pd.DataFrame, case: str) -> pd.DataFrame:
    return fx[fx["case"] == case].reset_index(drop=True)


@needs_ref
def test_weights_of_one_block_are_views_not_copies(one_block):
    d = RepDesign(one_block, weight="TOTWGT", replicates="w_fstr*", pvs={"math": MATH})
    parts = d._weights.parts
    assert sum(p.shape[0] for p in parts) == 76
    assert len(parts) <= 3  # evenly spaced runs of the block, not one array per column
    assert all(np.shares_memory(p, one_block["w_fstr40"].to_numpy()) for p in parts[-1:])
    np.testing.assert_array_equal(d._weights.column(40), one_block["w_fstr40"].to_numpy())


@needs_ref
def test_design_on_one_block_matches_r(one_block, fx):
    d = RepDesign(one_block, weight="TOTWGT", replicates="w_fstr*", pvs={"math": MATH})
    cuts = [400, 475, 550, 625]
    for got, case in (
        (d.mean("math", by="female"), "mean_math_by_female"),
        (d.percent_at_or_above("math", cuts, by="female"), "pct_at_or_above_math_by_female"),
        (d.quantile("math", [0.1, 0.5, 0.9], by="female"), "quantile_math_by_female"),
        (d.regress("math ~ books + female"), "regress_math_books_female"),
    ):
        want = _case(fx, case)
        assert len(want), f"fixture case {case} missing"
        np.testing.assert_allclose(got["estimate"], want["estimate"], rtol=1e-8)
        np.testing.assert_allclose(got["se"], want["se"], rtol=1e-8)


def _random_weights(rng, n, r):
    """R+1 weights held apart (one view each) and the same numbers as one (R+1, n) array."""
    matrix = rng.uniform(0.0, 3.0, size=(r + 1, n))
    matrix[1:, rng.random(n) < 0.1] = 0.0  # zeroed cases, as JK2 replicates have
    frame = pd.DataFrame(index=range(n))
    for i, row in enumerate(matrix):
        frame[f"w{i}"] = row
    return Weights.from_frame(frame, list(frame.columns)), matrix


@pytest.mark.parametrize("n_groups", [1, 3, DENSE_COLUMNS])
def test_group_sums_equal_their_definition(n_groups):
    rng = np.random.default_rng(19)
    n, k = 2 * CHUNK + 123, 2
    weights, matrix = _random_weights(rng, n, 7)
    codes = rng.integers(-1, n_groups, size=n)
    values = rng.normal(size=(n, k))
    values[codes < 0] = np.nan  # rows outside the groups are never read
    got = group_sums(weights, codes, n_groups, values, totals=True)
    for g in range(n_groups):
        rows = codes == g
        want = np.vstack([values[rows].T @ matrix[:, rows].T, matrix[:, rows].sum(axis=1)])
        np.testing.assert_allclose(got[g], want, rtol=1e-12)


def test_weighted_quantiles_equal_the_inverse_weighted_ecdf():
    rng = np.random.default_rng(7)
    n = CHUNK + 77
    weights, matrix = _random_weights(rng, n, 5)
    rows = np.sort(rng.choice(n, size=n // 2, replace=False))
    x = rng.integers(0, 400, size=rows.size).astype(float)  # ties
    probs = np.array([0.0, 0.1, 0.5, 0.9, 1.0])
    got = weighted_quantiles(x, weights, rows, probs)
    for r in range(matrix.shape[0]):
        w = matrix[r, rows]
        for j, p in enumerate(probs):
            # smallest value whose cumulative weight (in value order) reaches p x total
            below = np.array([w[x <= v].sum() for v in np.unique(x)])
            want = np.unique(x)[np.flatnonzero(below >= p * w.sum() * (1 - 1e-12))[0]]
            assert got[j, r] == want


def test_weighted_quantiles_with_exact_ties_of_the_cumulative_weight_and_small_buffer():
    """Whole weights (sums exact): the cumulative weight often equals p x total exactly, at
    the end of a search block or inside one, with zero-weight cases after it; a buffer of
    two weights at a time makes the kernel work in passes."""
    rng = np.random.default_rng(11)
    n = 3 * 64 + 5
    matrix = rng.integers(0, 3, size=(6, n)).astype(float)
    weights = Weights.from_frame(pd.DataFrame(matrix.T, columns=list("abcdef")), list("abcdef"))
    rows = np.arange(n)
    x = rng.permutation(n).astype(float)  # distinct values
    probs = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
    got = weighted_quantiles(x, weights, rows, probs, np.empty(2 * 4 * 64))
    for r in range(matrix.shape[0]):
        w = matrix[r, np.argsort(x)]
        for j, p in enumerate(probs):
            want = np.sort(x)[np.flatnonzero(np.cumsum(w) >= p * w.sum())[0]]
            assert got[j, r] == want


def test_linear_fit_equals_weighted_least_squares_per_weight():
    rng = np.random.default_rng(3)
    n = 3 * CHUNK
    weights, matrix = _random_weights(rng, n, 4)
    rows = np.flatnonzero(rng.random(n) < 0.8)
    x = np.column_stack([np.ones(rows.size), rng.normal(size=rows.size)])
    y = x @ [[2.0, 1.0], [0.5, -1.0]] + rng.normal(size=(rows.size, 2))
    got = linear_fit(x, y, weights, rows)
    for r in range(matrix.shape[0]):
        root = np.sqrt(matrix[r, rows])[:, None]
        want = np.linalg.lstsq(x * root, y * root, rcond=None)[0]
        np.testing.assert_allclose(got[:, :, r], want, rtol=1e-10)


def test_weight_columns_read_in_runs_equal_the_frame():
    """Runs of one block (views), a converted int column, columns in any order."""
    rng = np.random.default_rng(191)
    values = rng.uniform(0.0, 2.0, size=(50, 8))
    frame = pd.DataFrame(values, columns=[f"r{i}" for i in range(8)]).copy()  # one C block
    frame.insert(3, "whole", rng.integers(0, 3, size=50))  # int64: converted, read alone
    for cols in (["r0", "r1", "r2", "whole", "r3", "r4", "r5"], ["r7", "r0", "r6", "r5", "r4"]):
        weights = Weights.from_frame(frame, cols)
        want = frame[cols].to_numpy(dtype=np.float64).T
        np.testing.assert_array_equal(weights.gather(np.arange(50)), want)
    block = Weights.from_frame(frame, ["r0", "r1", "r2"]).parts
    assert len(block) == 1 and np.shares_memory(block[0], frame["r1"].to_numpy())


def test_a_weight_column_named_twice_is_a_clear_error():
    frame = pd.DataFrame([[1.0, 2.0, 0.0], [1.0, 0.0, 2.0]], columns=["w", "r", "r"])
    with pytest.raises(KeyError, match="'r' appears more than once"):
        RepDesign(frame, weight="w", replicates=["r"])
