"""Survey intake and scale validation of teacher-education monitoring: bad files get clear
messages, the planted non-invariant item is flagged, the planted failing scale is reported and
not used (workbench.indicators.surveys)."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.indicators import surveys
from workbench.indicators.framework import load_framework
from workbench.synth.sector import make_sector, write_survey_returns

FW = load_framework("teacher_education")


@pytest.fixture(scope="module")
def sector():
    return make_sector(7, institutions=24, years=(2025,))


@pytest.fixture(scope="module")
def delivery(sector, tmp_path_factory):
    folder = tmp_path_factory.mktemp("surveys")
    chosen = sorted(sector.institutions["institution"])[:6]
    faults = write_survey_returns(sector, folder, year=2025, institutions=chosen)
    got = surveys.intake_surveys(
        folder, institutions=chosen, year=2025, quarantine_dir=folder / "quarantine"
    )
    return faults, got, folder


def test_rejected_files_get_one_line_naming_the_file_and_the_problem(delivery):
    _, got, _ = delivery
    rejected = got.log[got.log["status"] == "rejected"]
    assert len(rejected) == 8  # empty + no 'lang', for 4 respondent types
    empty = rejected[rejected["file"] == "2025_empty.csv"]["message"]
    assert empty.str.contains("file is empty").all() and empty.str.contains("2025_empty.csv").all()
    nolang = rejected[rejected["file"] == "2025_nolang.csv"]["message"]
    assert nolang.str.contains(r"missing required column\(s\) \['lang'\]").all()
    assert not rejected["message"].str.contains("\n").any()


def test_bad_rows_are_quarantined_with_their_reason_and_counted(delivery):
    faults, got, folder = delivery
    for resp in surveys.RESPONDENTS:
        iss = got.issues[got.issues["respondent"] == resp]
        assert iss["reason"].str.contains("code not allowed").sum() == 1
        assert iss["reason"].str.contains("duplicate respondent_id").sum() == 2
        assert iss["reason"].str.contains("not in sector.institution").sum() == 1
        assert (folder / "quarantine" / f"{resp}_quarantine.csv").is_file()
    log = got.log[got.log["status"] != "rejected"]
    assert (log["rows_read"] == log["rows_accepted"] + log["rows_quarantined"]).all()
    assert log["rows_quarantined"].sum() == 4 * 4


def test_cp1251_and_utf8_returns_are_both_read(delivery, sector):
    _, got, _ = delivery
    st = got.accepted["students"]
    assert st["institution"].nunique() == 6
    expected = sector.returns["students"]
    expected = expected[expected["institution"].isin(st["institution"].unique())]
    assert len(st) == len(expected) - 3 - 1  # the quarantined rows, nothing else lost


def test_missing_delivery_folder_is_named(tmp_path):
    with pytest.raises(ValueError, match="no delivery folder .*nowhere"):
        surveys.intake_surveys(tmp_path / "nowhere", institutions=[1])


def test_invariance_flags_the_planted_non_invariant_item(sector):
    """PRG3 is read higher by ru respondents (an intercept shift): Mantel's ordinal test
    classes it C, it leaves the scale, and scalar invariance holds without it."""
    val = surveys.validate_scales(sector.returns, FW, scales=["programme_view"])
    items = val.items.set_index("item")
    assert items.loc["PRG3", "flagged"] and not items.loc["PRG3", "used"]
    assert not items.drop("PRG3")["flagged"].any()
    inv = val.invariance
    all_items = inv[inv["items"] == "all"].set_index("level")["holds"]
    kept = inv[inv["items"] == "kept"].set_index("level")["holds"]
    assert not all_items["scalar"] and kept["scalar"]
    row = val.scales.iloc[0]
    assert row["status"] == "used" and row["invariance"] == "scalar"
    assert "PRG3" not in row["items_used"]


def test_failing_scale_is_reported_and_not_used(sector):
    val = surveys.validate_scales(sector.returns, FW, scales=["workload", "conditions"])
    s = val.scales.set_index("scale")
    assert s.loc["workload", "status"] == "failed"
    assert "alpha" in s.loc["workload", "reason"]
    assert s.loc["conditions", "status"] == "used"
    assert set(val.used_items()) == {"conditions"}
    scores = surveys.scale_scores(sector.returns["staff"], val, FW, "staff")
    assert "workload" not in scores.columns and scores["conditions"].between(0, 100).all()


def test_scale_without_returns_fails_with_the_reason():
    val = surveys.validate_scales({"staff": pd.DataFrame()}, FW, scales=["readiness"])
    assert val.scales.loc[0, "reason"] == "no returns"
    assert val.scales.loc[0, "status"] == "failed"


def test_shared_scale_is_tested_across_respondent_types(sector):
    """Students and graduates answer the satisfaction items from the same model: invariance
    across respondent type is tested on the kept items and holds at the scalar level."""
    val = surveys.validate_scales(sector.returns, FW, scales=["satisfaction"])
    across = val.invariance[val.invariance["across"] == "respondent"]
    assert list(across["level"]) == ["configural", "metric", "scalar"]
    assert val.scales.loc[0, "invariance_respondents"] == "scalar"
