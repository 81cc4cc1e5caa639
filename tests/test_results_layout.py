"""The exhibits of a cycle without the demo's groups (districts, no language or locality).

Reference: the groups written out by hand for the demo and for a register with districts only;
a four-student design whose only gap is girls − boys (−95 points by hand: (400 + 520) / 2 −
(500 + 610) / 2).
"""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.results import gaps, layout, left_out_notes
from workbench.survey import RepDesign


def test_the_demo_groups_keep_the_demo_exhibits():
    plan = layout(["region", "locality", "language", "school_type", "ITSEX"])
    assert plan.area == "region"
    assert plan.others == ("locality", "language", "school_type", "ITSEX")
    assert plan.benchmark_groups == ("region", "locality", "language", "ITSEX")
    assert (plan.locality, plan.language, plan.left_out) == ("locality", "language", ())
    assert left_out_notes(plan, lang="ru") == []


def test_a_district_register_compares_districts_and_says_which_gaps_it_lacks():
    plan = layout(["district", "school_type", "ITSEX"])
    assert plan.area == "district" and plan.others == ("school_type", "ITSEX")
    assert plan.locality is None and plan.language is None
    notes = left_out_notes(plan, lang="ru")
    assert [n.key for n in notes] == ["gaps_no_locality", "gaps_no_language"]
    assert "город" in notes[0].data and "язык" in notes[1].data
    with pytest.raises(ValueError, match="no school-level group"):
        layout(["ITSEX"])


def test_gaps_without_locality_or_language_give_the_sex_gap_only():
    df = pd.DataFrame(
        {
            "TOTWGT": [1.0] * 4,
            "RWGT1": [2.0, 0, 1, 1],
            "RWGT2": [1.0, 1, 2, 0],
            "READ01": [400.0, 500, 520, 610],
            "ITSEX": [1, 2, 1, 2],
        }
    )
    out = gaps(RepDesign.iea(df), locality=None, language=None)
    assert out["comparison"].tolist() == ["girls_boys"]
    assert out["estimate"].tolist() == [pytest.approx(-95.0)]
