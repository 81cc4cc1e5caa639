"""The results exhibits against R survey on the real TIMSS 2011 file.

The TIMSS 2011 grade-4 file (``../shared/reference``) renamed to IEA names: the mathematics
PVs ``ASMMAT1..5`` become ``READ01..05``, ``w_fstr01..75`` become ``RWGT1..75``, ``female``
becomes ``ITSEX`` (1 girl, 2 boy); ``books`` (1-5) plays the part of an oblast (``region``)
and ``lang`` (1-3, as text) of the language of instruction. ``tests/reference/results/
make_fixtures.R`` computed every figure with R survey (JK2 replicate design) + mitools
(``MIcombine``); the estimates are deterministic, so the tolerance is 1e-8 relative.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import SHARED_REFERENCE
from workbench.results import (
    analysis_frame,
    benchmarks,
    context_means,
    distribution,
    gaps,
    region_pairs,
    region_vs_national,
    regression,
)
from workbench.survey import RepDesign

FIXTURES = Path(__file__).parent / "reference" / "results" / "fixtures.csv"
TOL = {"rtol": 1e-8, "atol": 1e-9}


def timss_iea() -> pd.DataFrame:
    df = pd.read_csv(SHARED_REFERENCE / "timss2011_g4_math.csv.gz")
    names = {f"ASMMAT{i}": f"READ0{i}" for i in range(1, 6)}
    names.update({f"w_fstr{i:02d}": f"RWGT{i}" for i in range(1, 76)})
    df = df.rename(columns=names)
    df["ITSEX"] = df["female"].map({1: 1, 0: 2}).astype("Int64")
    df["region"] = df["books"]
    df["language"] = df["lang"].map(lambda v: None if pd.isna(v) else str(int(v)))
    df["locality"] = np.where(df["lang"] == 1, "urban", "rural")
    return df


@pytest.fixture(scope="module")
def design():
    return RepDesign.iea(timss_iea())


@pytest.fixture(scope="module")
def ref() -> pd.DataFrame:
    return pd.read_csv(FIXTURES, dtype={"group": str, "key": str})


def expected(ref: pd.DataFrame, case: str, group: str | None = None) -> pd.DataFrame:
    rows = ref[(ref["case"] == case) & ((ref["group"] == group) if group else True)]
    assert len(rows), (case, group)
    return rows.set_index("key")


@pytest.mark.parametrize(
    "group, r_group", [("all", "all"), ("girl", "female=1"), ("boy", "female=0")]
)
def test_distribution_matches_r_svymean_svyvar_svyquantile(design, ref, group, r_group):
    table = distribution(design, groups=["ITSEX"]).set_index(["group", "statistic"])
    for case in ("distribution_mean", "distribution_sd", "distribution_quantile"):
        want = expected(ref, case, r_group)
        got = table.loc[group].loc[want.index]
        np.testing.assert_allclose(got["estimate"], want["estimate"], **TOL)
        np.testing.assert_allclose(got["se"], want["se"], **TOL)
    assert table.loc[(group, "mean"), "ci_lower"] < table.loc[(group, "mean"), "estimate"]


@pytest.mark.parametrize("group, r_group", [("all", "all"), ("girl", "female=1")])
def test_benchmarks_match_r_at_or_above_and_within_levels(design, ref, group, r_group):
    table = benchmarks(design, groups=["ITSEX"])
    mine = table[table["group"] == group]
    above = mine[mine["measure"] == "at_or_above"]
    want = expected(ref, "benchmarks_at_or_above", r_group)
    np.testing.assert_allclose(above["estimate"], want["estimate"], **TOL)
    np.testing.assert_allclose(above["se"], want["se"], **TOL)
    inside = mine[mine["measure"] == "within"]
    want = expected(ref, "benchmarks_within", r_group)
    np.testing.assert_allclose(inside["estimate"], want["estimate"], **TOL)
    np.testing.assert_allclose(inside["se"], want["se"], **TOL)
    assert inside["estimate"].sum() == pytest.approx(100.0, abs=1e-9)


def test_gaps_match_r_svycontrast_girls_boys_and_languages(design, ref):
    table = gaps(design).set_index(["comparison", "group"])
    girls = table.loc[("girls_boys", "girl")]
    # R: boys (female = 0) subtracted from girls; the same contrast
    want = expected(ref, "gap_girls_boys").loc["gap"]
    assert girls["estimate"] == pytest.approx(float(want["estimate"]), rel=1e-8)
    assert girls["se"] == pytest.approx(float(want["se"]), rel=1e-8)
    assert girls["symbol"] == "▼" and bool(girls["significant"])
    for lang in ("2", "3"):
        row = table.loc[("language", lang)]
        want = expected(ref, "gap_language", lang).loc["gap"]
        assert row["reference"] == "1"
        assert row["estimate"] == pytest.approx(float(want["estimate"]), rel=1e-8)
        assert row["se"] == pytest.approx(float(want["se"]), rel=1e-8)


def test_region_against_national_mean_matches_r_part_whole(design, ref):
    table = region_vs_national(design).set_index("group")
    want = ref[ref["case"] == "part_whole_books"].set_index("group")
    np.testing.assert_allclose(table.loc[want.index, "estimate"], want["estimate"], **TOL)
    np.testing.assert_allclose(table.loc[want.index, "se"], want["se"], **TOL)
    # the part-whole SE is smaller than treating oblast and nation as independent samples
    means = design.mean("reading", by="region").set_index("region")["se"]
    naive = np.sqrt(means.to_numpy() ** 2 + design.mean("reading")["se"].iloc[0] ** 2)
    assert (table["se"].to_numpy() < naive).all()


def test_region_pairs_match_r_svycontrast_with_both_flags(design, ref):
    table = region_pairs(design).assign(pair=lambda t: t["group"] + " " + t["other"])
    table = table.set_index("pair")
    want = ref[ref["case"] == "pair_books"].set_index("group")
    assert len(table) == len(want) == 10
    np.testing.assert_allclose(table.loc[want.index, "estimate"], want["estimate"], **TOL)
    np.testing.assert_allclose(table.loc[want.index, "se"], want["se"], **TOL)
    assert (table["p_adjusted"] >= table["p_value"] - 1e-15).all()
    # an adjusted flag never marks a pair the unadjusted rule leaves unmarked
    assert not (table["significant_adjusted"] & ~table["significant"]).any()
    assert set(table["symbol"]) <= {"▲", "▼", ""}


def test_context_means_match_r_percent_and_mean_by_category(design, ref):
    table = context_means(design, ["books"]).set_index("category")
    pct = expected(ref, "percent_books")
    np.testing.assert_allclose(table.loc[pct.index, "percent"], pct["estimate"], **TOL)
    np.testing.assert_allclose(table.loc[pct.index, "percent_se"], pct["se"], **TOL)
    means = ref[ref["case"] == "mean_by_books"].set_index("group")
    np.testing.assert_allclose(table.loc[means.index, "estimate"], means["estimate"], **TOL)
    np.testing.assert_allclose(table.loc[means.index, "se"], means["se"], **TOL)
    data = design.data
    answered = data.loc[data["books"].notna(), "TOTWGT"].sum() / data["TOTWGT"].sum()
    assert table["answered"].iloc[0] == pytest.approx(100 * answered)


def test_regression_matches_r_svyglm_with_standardized_coefficients(design, ref):
    table = regression(design, ["female", "books"]).set_index("term")
    raw = expected(ref, "regression")
    np.testing.assert_allclose(table.loc[raw.index, "estimate"], raw["estimate"], **TOL)
    np.testing.assert_allclose(table.loc[raw.index, "se"], raw["se"], **TOL)
    std = expected(ref, "regression_standardized").drop(index="(Intercept)")
    np.testing.assert_allclose(table.loc[std.index, "standardized"], std["estimate"], **TOL)
    np.testing.assert_allclose(table.loc[std.index, "standardized_se"], std["se"], **TOL)
    assert 0 < table.loc["r2", "estimate"] < 1 and table.loc["r2", "se"] > 0


def test_national_row_comes_first_and_every_row_has_its_inference(design):
    table = distribution(design, groups=["ITSEX", "region"])
    assert table.iloc[0][["group_var", "group", "statistic"]].tolist() == ["all", "all", "mean"]
    for column in ("estimate", "se", "ci_lower", "ci_upper", "df", "n"):
        assert table[column].notna().all(), column
    assert (table["ci_lower"] < table["estimate"]).all()
    assert set(table["group"]) == {"all", "girl", "boy", "1", "2", "3", "4", "5"}


def test_exhibits_do_not_modify_the_data(design):
    before = design.data.copy()
    benchmarks(design, groups=["ITSEX"])
    context_means(design, ["books"])
    pd.testing.assert_frame_equal(design.data, before)


def test_bad_input_is_named():
    d = RepDesign.iea(timss_iea().head(400), levels=None)
    with pytest.raises(ValueError, match="distribution: percentiles must lie in 1..99"):
        distribution(d, groups=[], percentiles=[0, 50])
    with pytest.raises(ValueError, match="benchmarks: no cut scores"):
        benchmarks(d, groups=[])
    with pytest.raises(KeyError, match="predictor 'lang_x' is not a numeric column"):
        regression(d, ["lang_x"])
    with pytest.raises(KeyError, match="context_means: no column 'nope'"):
        context_means(d, ["nope"])


def test_analysis_frame_joins_bins_and_indicators_without_dropping_students():
    students = pd.DataFrame(
        {
            "IDSTUD": ["a", "b", "c", "d"],
            "IDSCHOOL": [1, 1, 2, 3],
            "IDCLASS": [10, 10, 20, 30],
            "TOTWGT": [1.0, 1.0, 2.0, 2.0],
            "ITSEX": pd.array([1, 2, 2, pd.NA], dtype="Int64"),
            "locality": ["urban", "urban", "rural", "rural"],
        }
    )
    schools = pd.DataFrame({"IDSCHOOL": [1, 2], "ACBG08": [0.5, 7.25], "locality": ["x", "y"]})
    teachers = pd.DataFrame(
        {"IDCLASS": [10, 10, 20], "ATBG04": [3.0, 5.0, 4.0], "IDTEACH": ["t1", "t2", "t3"]}
    )
    frame, log = analysis_frame(
        students,
        schools=schools,
        teachers=teachers,
        background=["ACBG08"],
        indicators={"ITSEX": "2", "locality": "rural"},
    )
    assert len(frame) == 4 and frame["locality"].tolist() == students["locality"].tolist()
    assert frame["ATBG04"].tolist()[:3] == [4.0, 4.0, 4.0] and np.isnan(frame["ATBG04"][3])
    assert frame["ACBG08_3"].isna().tolist() == [False, False, False, True]
    assert frame["ITSEX_girl"].tolist()[:3] == [1.0, 0.0, 0.0] and np.isnan(frame["ITSEX_girl"][3])
    assert "ITSEX_boy" not in frame and frame["locality_urban"].tolist() == [1.0, 1.0, 0.0, 0.0]
    steps = log.set_index("source")
    assert steps.loc["school_results", ["key", "columns", "rows"]].tolist() == ["IDSCHOOL", 1, 3]
    assert steps.loc["teacher_results", ["key", "columns", "rows"]].tolist() == ["IDCLASS", 1, 3]
    assert steps.loc["scale_scores", ["columns", "rows"]].tolist() == [0, 0]
    assert steps.loc["ACBG08", ["step", "rows"]].tolist() == ["thirds", 3]
    assert steps.loc["ITSEX", ["reference", "columns", "rows"]].tolist() == ["boy", 1, 3]
    assert steps.loc["locality", ["reference", "columns"]].tolist() == ["rural", 1]
    with pytest.raises(KeyError, match="background variable 'ASBH99' is not in the"):
        analysis_frame(students, background=["ASBH99"])
