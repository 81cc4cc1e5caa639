"""Participation rates and IEA annotations against a small hand-computed example."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench import fielddata as fd

# u = weight x MOS (the size used by the weighted school rates)
#   S1 10x20=200  S2 5x40=200  S3 4x50=200  S4 8x25=200 | S5 2x100=200  S6 1x100=100
#   S7 3x10=30 (ineligible: closed)  R2a 5x36=180  R3a 4x45=180  R3b 4x55=220  R6a 1x90=90
SCHOOLS = pd.DataFrame(
    {
        "IDSCHOOL": [1, 2, 3, 4, 5, 6, 7, 21, 31, 32, 61],
        "stratum": ["A", "A", "A", "A", "B", "B", "B", "A", "A", "A", "B"],
        "role": ["sampled"] * 7
        + ["replacement_1", "replacement_1", "replacement_2", "replacement_1"],
        "replaces": [None] * 7 + [2, 3, 3, 6],
        "participated": [True, False, False, True, True, False, False, True, False, True, False],
        "mos": [20, 40, 50, 25, 100, 100, 10, 36, 45, 55, 90],
        "weight": [10, 5, 4, 8, 2, 1, 3, 5, 4, 4, 1],
        "eligible": [True] * 6 + [False] + [True] * 4,
    }
)
# class weight = classes in school / classes sampled; school 2 did not participate (ignored)
CLASSES = pd.DataFrame(
    {
        "IDSCHOOL": [1, 4, 5, 5, 21, 32, 2],
        "IDCLASS": [11, 41, 51, 52, 21, 31, 99],
        "listed": [25, 20, 30, 30, 20, 24, 30],
        "excluded": [1, 0, 2, 0, 0, 4, 0],
        "assessed": [22, 18, 27, 10, 19, 15, 0],  # class 52: 10/30 < 50% -> not participating
        "class_weight": [2, 1, 1.5, 1.5, 1, 1, 1],
    }
)


def _est(rates: pd.DataFrame, rate: str, weighting: str = "weighted") -> float:
    row = rates[(rates["rate"] == rate) & (rates["weighting"] == weighting)]
    return float(row["estimate"].item())


@pytest.fixture
def rates() -> pd.DataFrame:
    return fd.participation_rates(SCHOOLS, CLASSES, school_exclusion_rate=0.02)


def test_school_rates_match_hand_computation(rates):
    # before: (S1+S4+S5) / (S1..S6) = 600 / 1100 (S7 ineligible)
    assert _est(rates, "school_before_replacement") == pytest.approx(600 / 1100, abs=1e-12)
    # after: add R2a (180) and R3b (220); S6 unreplaced stays in the denominator
    #   (600 + 180 + 220) / (600 + 180 + 220 + 100) = 1000 / 1100
    assert _est(rates, "school_after_replacement") == pytest.approx(1000 / 1100, abs=1e-12)
    assert _est(rates, "school_before_replacement", "unweighted") == pytest.approx(3 / 6)
    assert _est(rates, "school_after_replacement", "unweighted") == pytest.approx(5 / 6)


def test_class_and_student_rates_match_hand_computation(rates):
    # w = school weight x class weight: c11 20, c41 8, c51 3, c52 3, c21 5, c31 4
    # eligible = listed - excluded: 24, 20, 28, 30, 20, 20
    # class (weighted by w x eligible): all 480+160+84+90+100+80 = 994; without c52 904
    assert _est(rates, "class") == pytest.approx(904 / 994, abs=1e-12)
    assert _est(rates, "class", "unweighted") == pytest.approx(5 / 6)
    # student, participating classes: sum w x assessed = 440+144+81+95+60 = 820; / 904
    assert _est(rates, "student") == pytest.approx(820 / 904, abs=1e-12)
    assert _est(rates, "student", "unweighted") == pytest.approx(101 / 112, abs=1e-12)


def test_overall_and_exclusion_rates_match_hand_computation(rates):
    cs = (904 / 994) * (820 / 904)
    assert _est(rates, "overall_before_replacement") == pytest.approx(600 / 1100 * cs)
    assert _est(rates, "overall_after_replacement") == pytest.approx(1000 / 1100 * cs)
    # within-school exclusions: w x excluded = 20+6+16 = 42; w x listed = 1036
    assert _est(rates, "exclusion_within_school") == pytest.approx(42 / 1036, abs=1e-12)
    assert _est(rates, "exclusion_total") == pytest.approx(0.02 + 0.98 * 42 / 1036)
    assert _est(rates, "exclusion_within_school", "unweighted") == pytest.approx(7 / 149)


def test_rates_are_tidy(rates):
    assert list(rates.columns) == ["rate", "weighting", "estimate", "numerator", "denominator", "n"]
    assert len(rates) == 16 and isinstance(rates.index, pd.RangeIndex)


def test_annotation_of_hand_example_is_nearly_met_after_replacement(rates):
    # overall after = 0.90909 x 0.90946 x 0.90708 = 0.74996 < 0.75 and class 0.909 < 0.95:
    # not met after replacement; with the [A] 5-point margin (80/90/80) it is nearly met.
    a = fd.annotate_participation(rates)
    assert a["annotation"].item() == "‡"
    assert not a["meets_guidelines"].item()
    assert a["coverage_note"].item() == "2"  # total exclusions 5.97% in (5%, 10%]
    assert a["exclusion_over_limit"].item()


def test_rates_by_stratum_match_hand_computation():
    r = fd.participation_rates(SCHOOLS, CLASSES, by="stratum")
    a = r[(r["stratum"] == "A") & (r["weighting"] == "weighted")].set_index("rate")
    b = r[(r["stratum"] == "B") & (r["weighting"] == "weighted")].set_index("rate")
    assert a.loc["school_before_replacement", "estimate"] == pytest.approx(400 / 800)
    assert a.loc["school_after_replacement", "estimate"] == pytest.approx(800 / 800)
    assert b.loc["school_before_replacement", "estimate"] == pytest.approx(200 / 300)
    assert b.loc["school_after_replacement", "estimate"] == pytest.approx(200 / 300)
    assert list(r.columns[:2]) == ["stratum", "rate"]


# columns: school BR, school AR, class, student, overall BR, overall AR, excl within, total
@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0.90, 0.95, 0.96, 0.90, 0.78, 0.82, 0.01, 0.01], ""),  # 85/95/85 met before
        ([0.80, 0.88, 0.96, 0.90, 0.69, 0.76, 0.01, 0.01], "†"),  # 85/95/85 met only after
        ([0.70, 0.80, 0.99, 0.99, 0.69, 0.78, 0.01, 0.01], "†"),  # combined 78% >= 75% after
        ([0.60, 0.82, 0.93, 0.83, 0.46, 0.63, 0.01, 0.01], "‡"),  # within 5 points [A] after
        ([0.45, 0.95, 0.99, 0.99, 0.45, 0.94, 0.01, 0.01], "≡"),  # < 50% originals: floor
        ([0.60, 0.70, 0.80, 0.70, 0.34, 0.39, 0.01, 0.01], "≡"),  # not met
    ],
)
def test_annotation_rules(values, expected):
    rates = pd.DataFrame(
        {"rate": fd.participation._RATES, "weighting": "weighted", "estimate": values}
    )
    a = fd.annotate_participation(rates)
    assert a["annotation"].item() == expected
    assert a["meets_guidelines"].item() == (expected == "")


def test_annotation_floor_and_coverage_notes():
    base = [0.45, 0.95, 0.99, 0.99, 0.45, 0.94, 0.01, 0.12]
    a = fd.annotate_participation(
        pd.DataFrame({"rate": fd.participation._RATES, "weighting": "weighted", "estimate": base})
    )
    assert a["annotation"].item() == "≡" and "replacements may not be used" in a["rule"].item()
    assert a["coverage_note"].item() == "3"


def test_participation_rejects_two_participating_schools_for_one_slot():
    bad = SCHOOLS.copy()
    bad.loc[bad["IDSCHOOL"] == 31, "participated"] = True  # R3a and R3b both took part
    with pytest.raises(ValueError, match=r"sampled school\(s\) \[3\] have more than one"):
        fd.participation_rates(bad, CLASSES)


def test_participation_rejects_replacement_of_unknown_school_and_missing_columns():
    bad = SCHOOLS.copy()
    bad.loc[bad["IDSCHOOL"] == 21, "replaces"] = 999
    with pytest.raises(ValueError, match=r"replacement school\(s\) \[21\] do not replace"):
        fd.participation_rates(bad, CLASSES)
    with pytest.raises(KeyError, match=r"schools lacks column\(s\) \['mos'\]"):
        fd.participation_rates(SCHOOLS.drop(columns="mos"), CLASSES)


def test_participation_does_not_modify_inputs():
    s, c = SCHOOLS.copy(), CLASSES.copy()
    fd.participation_rates(s, c, by="stratum")
    pd.testing.assert_frame_equal(s, SCHOOLS)
    pd.testing.assert_frame_equal(c, CLASSES)
