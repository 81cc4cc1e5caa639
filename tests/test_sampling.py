"""Tests for workbench.sampling: probabilities, allocation, school selection, replacements."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from workbench import sampling as ws
from workbench.sampling._design import prepare_design, systematic_draws
from workbench.sampling._toy import toy_nation

FIXTURE = Path(__file__).parent / "reference" / "sampling" / "inclusionprobabilities.csv"


def small_frame() -> pd.DataFrame:
    """40 schools, 2 localities, skewed sizes with one certainty school per stratum at n=8."""
    rng = np.random.default_rng(11)
    size = np.round(rng.lognormal(3.5, 0.7, 40)).astype(int) + 1
    size[[3, 30]] = [900, 700]
    return pd.DataFrame(
        {
            "school_id": [f"k{i:02d}" for i in range(40)],
            "locality": np.where(np.arange(40) < 24, "rural", "urban"),
            "language": np.tile(["ky", "ru", "uz", "ky"], 10),
            "enrol_g6": size,
        }
    )


# ----------------------------------------------------------------- pps_probabilities


def test_pps_probabilities_match_r_inclusionprobabilities():
    ref = pd.read_csv(FIXTURE)
    assert ref["certain"].groupby(ref["n"]).sum().gt(0).sum() >= 4  # several certainty cases
    for n, group in ref.groupby("n"):
        got = ws.pps_probabilities(group["size"].to_numpy(), int(n))
        np.testing.assert_allclose(got, group["pik"].to_numpy(), rtol=0, atol=1e-10)
        assert (got >= 1).sum() == group["certain"].sum()


def test_pps_probabilities_sum_to_n_and_iterate_certainty():
    # 2 * 1000 / 2000 = 1: certain; the other draw is shared 700:200:100.
    np.testing.assert_allclose(ws.pps_probabilities([1000, 700, 200, 100], 2), [1, 0.7, 0.2, 0.1])
    # 3 * 500 / 1600 < 1 at first, but 2 * 500 / 1000 = 1 once 600 is taken out (2nd pass);
    # the last draw is shared 300:100:100.
    p = ws.pps_probabilities([600, 500, 300, 100, 100], 3)
    np.testing.assert_allclose(p, [1, 1, 0.6, 0.2, 0.2])
    assert p.sum() == pytest.approx(3)
    assert ws.pps_probabilities([5, 0, 5], 2).tolist() == [1.0, 0.0, 1.0]


def test_pps_probabilities_rejects_bad_sizes():
    with pytest.raises(ValueError, match="pps_probabilities: sizes must be .*non-negative"):
        ws.pps_probabilities([10, -1, 5], 1)
    with pytest.raises(ValueError, match="n must be a whole number from 0 to the 2 units"):
        ws.pps_probabilities([10, 0, 5], 3)


# ------------------------------------------------------------------------ allocation


def test_allocation_proportional_uses_largest_remainder():
    frame = pd.DataFrame(
        {
            "school_id": list("abcdefghij"),
            "region": list("aaaabbbccc"),
            "enrol_g6": [125] * 4 + [100] * 3 + [200 / 3] * 3,
        }
    )
    # shares 7 * (500, 300, 200) / 1000 = 3.5, 2.1, 1.4 -> 3, 2, 1 + the largest remainder
    out = ws.allocate(frame, 7, strata="region")
    assert out["n"].tolist() == [4, 2, 1]
    assert out["share"].tolist() == pytest.approx([0.5, 0.3, 0.2])


def test_allocation_minimum_oversamples_small_strata_and_caps():
    frame = pd.DataFrame(
        {
            "school_id": [f"s{i}" for i in range(84)],
            "language": ["ky"] * 50 + ["ru"] * 30 + ["uz"] * 3 + ["tj"],
            "enrol_g6": [20] * 50 + [20] * 30 + [10] * 3 + [10],
        }
    )
    # ky 1000, ru 600, uz 30, tj 10 of enrolment; n=20, minimum 2 (tj has one school):
    # tj 1 (cap), uz 2, and 17 shared 1000:600 = 10.625, 6.375 -> 11, 6.
    out = ws.allocate(frame, 20, strata="language", minimum=2).set_index("stratum")["n"]
    assert out.to_dict() == {"ky": 11, "ru": 6, "tj": 1, "uz": 2}
    plain = ws.allocate(frame, 20, strata="language").set_index("stratum")["n"]
    # 12.195, 7.317, 0.122, 0.366: floors sum to 19, the largest remainder (uz) gets the last
    assert plain.to_dict() == {"ky": 12, "ru": 7, "tj": 0, "uz": 1}


def test_allocation_equal_is_capped_at_stratum_size():
    frame = pd.DataFrame(
        {
            "school_id": [f"s{i}" for i in range(20)],
            "region": ["a"] * 10 + ["b"] * 2 + ["c"] * 8,
            "enrol_g6": 30,
        }
    )
    assert ws.allocate(frame, 12, strata="region", allocation="equal")["n"].tolist() == [5, 2, 5]


def test_allocation_rejects_stratum_with_fewer_schools_than_allocation():
    frame = pd.DataFrame(
        {"school_id": ["a1", "a2", "t1"], "language": ["ky", "ky", "tj"], "enrol_g6": [30, 40, 12]}
    )
    with pytest.raises(ValueError, match=r"strata \['tj'\] have fewer schools.*'t1'.*1 schools"):
        ws.allocate(frame, 3, strata="language", allocation={"ky": 1, "tj": 2})
    with pytest.raises(ValueError, match="minimum=2 per stratum needs 3 schools"):
        ws.allocate(frame, 2, strata="language", minimum=2)


# ------------------------------------------------------------------ serpentine sort


def test_serpentine_sort_alternates():
    f = pd.DataFrame(
        {"region": list("aaaabbbb"), "loc": list("rruurruu"), "mos": [1, 2, 3, 4, 5, 6, 7, 8]}
    )
    out = ws.serpentine_sort(f, by=["region", "loc", "mos"])
    # region a: r then u; region b: u then r; mos flips with every (region, loc) group
    assert out["mos"].tolist() == [1, 2, 4, 3, 7, 8, 6, 5]
    assert out["loc"].tolist() == list("rruuuurr")


# ---------------------------------------------------------------------- selection


def _smallest_p(counts: np.ndarray, prob: np.ndarray, reps: int) -> float:
    """Bonferroni-adjusted smallest exact binomial p-value of counts against reps * prob.

    Each school's count over independent samples is exactly Binomial(reps, pi_i). The counts
    of different schools are dependent (one random start decides a whole systematic sample),
    so a chi-square over schools has no chi-square distribution; per-school tests do.
    """
    free = np.flatnonzero((prob > 0) & (prob < 1))
    p = [stats.binomtest(int(counts[i]), reps, float(prob[i])).pvalue for i in free]
    return min(1.0, min(p) * free.size)


def test_selection_frequencies_match_probabilities_over_4000_draws():
    design = prepare_design(small_frame(), n=8, strata="locality", sort_by=["language", "enrol_g6"])
    reps = 4000
    starts = 1.0 - np.random.default_rng(2024).random((reps, len(design.strata)))
    draws = systematic_draws(design, starts)
    counts = np.bincount(draws.ravel(), minlength=len(design.schools))
    prob = design.schools["probability"].to_numpy()
    assert (counts[prob >= 1] == 0).all()  # certainty schools are added, not drawn
    assert all(len(set(row)) == row.size for row in draws)  # no school twice in a sample
    # 38 free schools, pi from 0.03 to 0.9: with 4000 draws the SE of a frequency is at most
    # 0.008; every school's count passes its exact binomial test at family-wise alpha 0.01
    assert _smallest_p(counts, prob, reps) > 0.01
    # and a biased draw would be caught: frequencies against pi shifted by 10% fail
    assert _smallest_p(counts, np.clip(prob * 1.1, 0, 0.999), reps) < 1e-6


def test_select_schools_frequencies_match_probabilities_over_300_seeds():
    frame = small_frame()
    counts = pd.Series(0, index=frame["school_id"])
    for seed in range(300):
        s = ws.select_schools(
            frame, n=8, strata="locality", sort_by="enrol_g6", seed=seed, replacements=0
        )
        counts[s["school_id"]] += 1
    design = prepare_design(frame, n=8, strata="locality", sort_by="enrol_g6")
    p = design.schools.set_index("school_id")["probability"].reindex(frame["school_id"])
    assert (counts[p.to_numpy() >= 1] == 300).all() and (p >= 1).sum() == 2
    assert _smallest_p(counts.to_numpy(), p.to_numpy(), 300) > 0.01


def test_select_schools_draws_what_the_core_draws_for_its_seed():
    frame = small_frame()
    s = ws.select_schools(frame, n=8, strata="locality", sort_by="enrol_g6", seed=77)
    design = prepare_design(frame, n=8, strata="locality", sort_by="enrol_g6")
    start = 1.0 - np.random.default_rng(77).random((1, 2))
    ids = design.schools["school_id"].to_numpy()
    core = set(ids[systematic_draws(design, start)[0]]) | set(
        ids[design.schools["certainty"].to_numpy()]
    )
    assert set(s.loc[s["role"] == "sampled", "school_id"]) == core


def test_select_schools_is_reproducible_and_leaves_input_unchanged():
    frame, _, _ = toy_nation(300, seed=5)
    before = frame.copy()
    kw = dict(n=30, strata=["locality"], sort_by=["region", "enrol_g6"], seed=9)
    a, b = ws.select_schools(frame, **kw), ws.select_schools(frame, **kw)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(frame, before)
    sampled = a[a["role"] == "sampled"]
    assert len(sampled) == 30 and sampled["school_id"].is_unique
    assert list(a.columns) == [
        "school_id",
        "locality",
        "stratum",
        "role",
        "sampled_school",
        "probability",
        "certainty",
        "sort_order",
        "mos",
    ]
    assert isinstance(a.index, pd.RangeIndex)
    # allocation is respected and base weights estimate the stratum's school count
    alloc = ws.allocate(frame, 30, strata="locality").set_index("stratum")["n"]
    assert sampled.groupby("stratum").size().to_dict() == alloc.to_dict()


def test_select_schools_flags_certainty_schools():
    frame = small_frame()
    s = ws.select_schools(frame, n=8, strata="locality", seed=1)
    cert = s[s["certainty"]]
    assert set(cert["school_id"]) == {"k03", "k30"}
    assert (cert["probability"] == 1).all() and (cert["role"] == "sampled").all()


def test_select_schools_takes_column_names_from_arguments():
    frame = small_frame().rename(
        columns={"school_id": "IDSCHOOL", "enrol_g6": "MOS", "locality": "urb", "language": "lang"}
    )
    s = ws.select_schools(
        frame, n=6, strata=["urb"], size="MOS", sort_by=["lang", "MOS"], id="IDSCHOOL", seed=3
    )
    assert {"IDSCHOOL", "urb"} <= set(s.columns)
    assert s["IDSCHOOL"].isin(frame["IDSCHOOL"]).all()


# -------------------------------------------------------------------- replacements


def test_replacements_are_unused_neighbours_in_same_stratum():
    frame, _, _ = toy_nation(800, seed=2)
    kw = dict(n=120, strata=["region"], sort_by=["locality", "language", "enrol_g6"])
    s = ws.select_schools(frame, seed=4, **kw)
    design = prepare_design(frame, **kw).schools.set_index("sort_order")
    sampled = s[s["role"] == "sampled"].set_index("school_id")
    reps = s[s["role"] != "sampled"]
    assert not reps["school_id"].isin(sampled.index).any()  # never a sampled school
    assert s["school_id"].is_unique  # never used twice
    owner = sampled.loc[reps["sampled_school"]]
    step = np.where(reps["role"] == "replacement_1", 1, -1)
    assert (reps["sort_order"].to_numpy() == owner["sort_order"].to_numpy() + step).all()
    assert (reps["stratum"].to_numpy() == owner["stratum"].to_numpy()).all()
    # an empty slot only where the neighbour is missing, in another stratum, or taken
    taken = set(s["sort_order"])
    for sid, row in sampled.iterrows():
        mine = set(reps.loc[reps["sampled_school"] == sid, "role"])
        for role, nb in (
            ("replacement_1", row.sort_order + 1),
            ("replacement_2", row.sort_order - 1),
        ):
            if role not in mine:
                assert (
                    nb not in design.index
                    or design.loc[nb, "stratum"] != row.stratum
                    or nb in taken
                )
    assert len(reps) > 1.6 * len(sampled)  # most sampled schools have both replacements


def test_replacements_can_be_fewer():
    s = ws.select_schools(small_frame(), n=8, seed=1, replacements=1)
    assert set(s["role"]) <= {"sampled", "replacement_1"}


# ------------------------------------------------------------ small schools, exclusions


def test_exclusions_count_against_enrolment():
    frame = small_frame()
    frame.loc[[0, 1], "enrol_g6"] = [2, 3]
    out = ws.school_exclusions(frame, small_mos=4, exclude=["k05"]).set_index("reason")
    total = frame["enrol_g6"].sum()
    assert out.loc["small", "enrolment"] == 5
    assert out.loc["total", "share"] == pytest.approx((5 + frame.loc[5, "enrol_g6"]) / total)
    s = ws.select_schools(frame, n=8, small_mos=4, exclude=["k05"], seed=1)
    assert not s["school_id"].isin(["k00", "k01", "k05"]).any()


def test_exclusions_over_the_limit_raise_or_warn():
    frame = small_frame()
    big = frame["enrol_g6"].sum() * 0.06
    frame.loc[7, "enrol_g6"] = int(big)
    with pytest.raises(
        ValueError,
        match=r"exclusions are .*% of enrolment, over the 5% "
        r"limit.*listed \['k07'\] \(1 schools\)",
    ):
        ws.select_schools(frame, n=8, exclude=["k07"], seed=1)
    with pytest.warns(UserWarning, match="over the 5% limit"):
        ws.select_schools(frame, n=8, exclude=["k07"], seed=1, on_exceed="warn")


def test_small_schools_can_form_an_equal_probability_stratum():
    frame = small_frame()
    frame.loc[:5, "enrol_g6"] = [1, 2, 2, 3, 1, 4]
    s = ws.select_schools(
        frame, n=10, strata="locality", small_mos=5, small_rule="stratum", minimum=1, seed=3
    )
    small = s[s["stratum"] == ws.SMALL_STRATUM]
    assert len(small) >= 1 and small["mos"].lt(5).all()
    design = prepare_design(
        frame, n=10, strata="locality", small_mos=5, small_rule="stratum", minimum=1
    )
    tiny = design.schools[design.schools["stratum"] == ws.SMALL_STRATUM]
    assert tiny["probability"].nunique() == 1  # equal probabilities
    assert tiny["probability"].iloc[0] == pytest.approx(1 / 6)


def test_zero_enrolment_schools_are_dropped_with_a_warning():
    frame = small_frame()
    frame.loc[4, "enrol_g6"] = 0
    with pytest.warns(UserWarning, match=r"dropped schools with enrol_g6=0 \['k04'\]"):
        s = ws.select_schools(frame, n=8, seed=1)
    assert "k04" not in set(s["school_id"])


# ---------------------------------------------------------------------- bad input


def test_select_schools_rejects_duplicate_ids_and_draws_nothing():
    frame = pd.concat([small_frame(), small_frame().iloc[[2, 5]]], ignore_index=True)
    rng = np.random.default_rng(1)
    state = rng.bit_generator.state
    with pytest.raises(
        ValueError,
        match=r"duplicate IDs in column 'school_id': "
        r"\['k02', 'k05'\] \(2 schools\)",
    ):
        ws.select_schools(frame, n=8, seed=rng)
    assert rng.bit_generator.state == state


@pytest.mark.parametrize(
    "value, match",
    [
        (np.nan, r"missing or non-numeric 'enrol_g6' for schools \['k01', 'k02'\] \(2 schools\)"),
        (-5, r"negative 'enrol_g6' for schools \['k01', 'k02'\] \(2 schools\)"),
    ],
)
def test_select_schools_rejects_missing_or_negative_enrolment(value, match):
    frame = small_frame().astype({"enrol_g6": float})
    frame.loc[[1, 2], "enrol_g6"] = value
    with pytest.raises(ValueError, match=match):
        ws.select_schools(frame, n=8, seed=1)


def test_select_schools_rejects_missing_columns():
    with pytest.raises(KeyError, match=r"no column\(s\) named by strata=\['oblast'\]"):
        ws.select_schools(small_frame(), n=8, strata=["oblast"], seed=1)
    with pytest.raises(KeyError, match=r"size=\['MOS'\]"):
        ws.select_schools(small_frame(), n=8, size="MOS", seed=1)


def test_select_schools_rejects_missing_stratum_values():
    frame = small_frame()
    frame.loc[[6, 9], "language"] = None
    with pytest.raises(ValueError, match=r"missing 'language' .*\['k06', 'k09'\] \(2 schools\)"):
        ws.select_schools(frame, n=8, strata=["locality", "language"], seed=1)


def test_select_schools_rejects_strata_short_of_their_allocation():
    with pytest.raises(ValueError, match=r"strata \['uz'\] have fewer schools.*'k02'"):
        ws.select_schools(
            small_frame(), n=20, strata="language", seed=1, allocation={"ky": 5, "ru": 5, "uz": 11}
        )
    with pytest.raises(ValueError, match="n must be a whole number from 1 to the 40 schools"):
        ws.select_schools(small_frame(), n=41, seed=1)
