"""Small-cell suppression of the teacher counts behind the school indicators I1 and I2 (the
numerator of each is a count of a school's teachers): a hand-made district set worked by
hand, the rule of pd_compliance (n < threshold hidden, n = threshold shown, the lone hidden
sibling's smallest neighbour hidden too) applied to the published roll-up, the changes and
the comparisons.

Hand-worked set (one year, 2026; I1 = teachers in innovative work / teachers x 100):

====  ========  ========  ==========  ===========================================
unit  district  teachers  innovative  published with suppress_below = 5
====  ========  ========  ==========  ===========================================
A     d1        4         1           hidden: 4 < 5 (small_cell)
B     d1        5         2           hidden: the smaller neighbour of A (5 < 9)
C     d1        9         3           shown: 33.3
D     d2        30        10          shown: 33.3
E     d2        40        8           shown: 20.0
d1              18        6           shown: 33.3 (6 - 3 = 3 = A + B, not A alone)
====  ========  ========  ==========  ===========================================
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.monitoring import analysis
from workbench.monitoring.framework import load_monitoring_framework
from workbench.monitoring.rollup import rollup

FW = load_monitoring_framework("school_internal")


def _set(teachers=(4, 5, 9, 30, 40), innovative=(1, 2, 3, 10, 8), year=2026):
    schools = pd.DataFrame(
        {
            "school_id": list("ABCDE"),
            "district": ["d1", "d1", "d1", "d2", "d2"],
            "oblast": "o1",
        }
    )
    years = pd.DataFrame(
        {
            "year": year,
            "school_id": list("ABCDE"),
            "teachers": list(teachers),
            "teachers_innovation": list(innovative),
            "teachers_published": [0, 1, 1, 5, 4],
        }
    )
    return schools, years


def _published(min_n=5, **kw):
    from workbench.monitoring.rollup import suppress_teacher_counts, teacher_indicators

    schools, years = _set(**kw)
    full = rollup(FW, {"schools": years}, schools, indicators=["I1", "I2"])
    people = teacher_indicators(FW)
    return full, suppress_teacher_counts(full, indicators=people, min_n=min_n)


def _row(table, unit, indicator="I1", level="school"):
    t = table[(table["unit"] == unit) & (table["indicator"] == indicator)]
    return t[t["level"] == level].iloc[0]


def test_the_teacher_indicators_are_i1_and_i2():
    from workbench.monitoring.rollup import teacher_indicators

    assert teacher_indicators(FW) == ["I1", "I2"]
    college = load_monitoring_framework("college_internal")
    ids = teacher_indicators(college)
    assert [i.compute.denominator for i in college.indicators if i.id in ids] == ["teachers"]


def test_a_small_school_and_its_complement_show_no_teacher_counts():
    _, pub = _published()
    for unit, why in (("A", "small_cell"), ("B", "complementary")):
        for ind in ("I1", "I2"):
            r = _row(pub, unit, ind)
            assert r["suppressed"] == why, (unit, ind)
            assert np.isnan(r["numerator"]) and np.isnan(r["value"]), (unit, ind)
    assert _row(pub, "A")["denominator"] == 4 and _row(pub, "B")["denominator"] == 5  # n kept
    c = _row(pub, "C")
    assert c["suppressed"] == "" and c["numerator"] == 3 and c["value"] == pytest.approx(100 / 3)
    d1 = _row(pub, "d1", level="district")
    assert d1["suppressed"] == "" and d1["numerator"] == 6 and d1["denominator"] == 18
    # the district's total less the shown schools gives A + B (3), never A (1) alone
    shown = pub[(pub["level"] == "school") & (pub["parent"] == "d1") & (pub["indicator"] == "I1")]
    assert d1["numerator"] - shown["numerator"].sum() == 3
    assert (pub.loc[pub["parent"] == "d2", "suppressed"] == "").all()
    # the other indicators are untouched
    assert (_published()[1].query("indicator == 'I2' and unit == 'D'")["numerator"] == 5).all()


def test_the_edge_is_shown_and_zero_hides_nothing():
    # B at the edge (5 = 5) and nobody below it: nothing hidden in d1
    _, pub = _published(teachers=(6, 5, 9, 30, 40))
    assert (pub["suppressed"] == "").all()
    assert _row(pub, "B")["numerator"] == 2
    _, pub = _published(min_n=0)
    assert (pub["suppressed"] == "").all()
    _, pub = _published(min_n=6)  # B (5) small too: A and B hide each other, C shown
    assert _row(pub, "B")["suppressed"] == "small_cell" and _row(pub, "C")["suppressed"] == ""


def test_a_wrong_threshold_is_refused_with_its_name():
    from workbench.monitoring.rollup import suppress_teacher_counts

    full, _ = _published()
    with pytest.raises(ValueError, match="suppress_below"):
        suppress_teacher_counts(full, indicators=["I1"], min_n=-1)


def test_changes_of_a_hidden_cell_show_no_values():
    schools, y26 = _set()
    _, y25 = _set(innovative=(0, 1, 3, 9, 8), year=2025)
    full = rollup(FW, {"schools": pd.concat([y25, y26])}, schools, indicators=["I1"])
    from workbench.monitoring.rollup import suppress_teacher_counts

    pub = suppress_teacher_counts(full, indicators=["I1"], min_n=5)
    changes = analysis.dynamic(full, at_level="school", directions={"I1": "higher_better"})
    out = analysis.suppress_changes(changes, analysis.hidden_cells(pub)).set_index("unit")
    # A: 0/4 -> 1/4 is +25 points on the old code; hidden now, and counted as suppressed
    assert out.loc["A", "assessment"] == "suppressed" and np.isnan(out.loc["A", "change"])
    assert np.isnan(out.loc["A", "value_from"]) and out.loc["B", "suppressed"] == "complementary"
    assert out.loc["D", "change"] == pytest.approx(100 * (10 - 9) / 30)
    assert out.loc["D", "assessment"] == "improved" and out.loc["D", "suppressed"] == ""


def test_comparisons_use_only_published_cells():
    full, pub = _published()
    schools, _ = _set()
    out = analysis.compare_published(
        full,
        analysis.hidden_cells(pub),
        schools,
        year=2026,
        institution="school",
        parent="district",
        multipliers={"I1": 100.0, "I2": 100.0},
    )
    out = out[(out["indicator"] == "I1")].set_index("unit")
    assert out.loc["A", "position"] == "suppressed" and np.isnan(out.loc["A", "value"])
    assert np.isnan(out.loc["A", "reference_value"])
    # C against the rest of d1: A and B are hidden, so no published school is left
    assert out.loc["C", "n_reference"] == 0 and out.loc["C", "position"] == "too_few"
    # D against the rest of d2 (E: 8 of 40) is unchanged
    assert out.loc["D", "reference_value"] == pytest.approx(20.0)
    assert out.loc["D", "n_reference"] == 1
    # a hidden school counts its published neighbours only
    assert out.loc["A", "n_reference"] == 1


def test_the_page_counts_what_is_hidden():
    from workbench.monitoring.tables import suppressed_counts

    _, pub = _published()
    counts = suppressed_counts(pub.assign(framework=FW.framework))
    school = counts[counts["mon_level"] == "school"].set_index("indicator")
    assert school.loc["ind_I1", ["small_cell", "complementary", "shown"]].tolist() == [1, 1, 3]
    assert school.loc["ind_I2", ["small_cell", "complementary", "shown"]].tolist() == [1, 1, 3]
    assert set(counts["indicator"]) == {"ind_I1", "ind_I2"}
