"""School and college internal monitoring (issue 17): frameworks, roll-up, analyses, plan.

Numbers are checked against the synthetic truth and against sums taken here straight from
the raw tables, never against the module's own output.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
import yaml

from workbench.labels import label
from workbench.monitoring import analysis, plan
from workbench.monitoring.framework import (
    FrameworkError,
    load_monitoring_framework,
    load_variable_part,
)
from workbench.monitoring.params import load_school_monitoring
from workbench.monitoring.rollup import multipliers, rollup, trace
from workbench.paths import PROJECT_ROOT
from workbench.synth.district import make_district, write_district

FW = load_monitoring_framework("school_internal")
FWC = load_monitoring_framework("college_internal")


@pytest.fixture(scope="module")
def district():
    return make_district(7)


@pytest.fixture(scope="module")
def school_rollup(district):
    return rollup(
        FW, {"classes": district.classes, "schools": district.school_years}, district.schools
    )


# ----------------------------------------------------------------------------- frameworks


def test_school_framework_has_the_nine_directions_of_002():
    assert [d.id for d in FW.directions] == [
        "results",
        "process",
        "olympiads",
        "innovation",
        "support",
        "upbringing",
        "self_government",
        "social_support",
        "health_safety",
    ]
    assert all(d.section.startswith("002 §2.15") for d in FW.directions)
    assert FW.hierarchy == ["class", "school", "district", "oblast", "nation"]
    assert FWC.hierarchy == ["group", "college", "oblast", "nation"]


def test_labels_repeat_the_framework_names():
    words = yaml.safe_load(
        (PROJECT_ROOT / "workbench/texts/labels_monitoring.yaml").read_text(encoding="utf-8")
    )
    for fw in (FW, FWC):
        for d in fw.directions:
            assert words[f"dir_{d.id}"] == d.name.model_dump()
            for i in d.indicators:
                assert words[f"ind_{i.id}"] == i.name.model_dump()


def test_wrong_invariant_part_names_the_key(tmp_path):
    text = (PROJECT_ROOT / "workbench/frameworks/school_internal.yaml").read_text("utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("uncertainty: test", "uncertainty: guess"), "utf-8")
    with pytest.raises(
        FrameworkError,
        match=r"bad.yaml: directions\.0\.indicators\.2\."
        r"uncertainty",
    ):
        load_monitoring_framework(bad)


def _part(tmp_path: Path, **change) -> Path:
    ind = {
        "id": "V1",
        "in_direction": "upbringing",
        "name": {"ky": "а", "ru": "б", "en": "c"},
        "compute": {"kind": "ratio", "table": "own", "numerator": "a", "denominator": "b"},
        "uncertainty": "none",
        "unit": "percent",
        "direction": "higher_better",
    }
    ind.update(change)
    path = tmp_path / "own.yaml"
    path.write_text(
        yaml.safe_dump(
            {"variable_part": "x", "institution": "S1101", "version": "1", "indicators": [ind]}
        ),
        "utf-8",
    )
    return path


def test_variable_part_is_checked_against_the_invariant_part(tmp_path):
    before = FW.model_dump()
    part = load_variable_part(_part(tmp_path), FW)
    assert part.indicators[0].direction_id == "upbringing"
    assert FW.model_dump() == before  # the shared part is not touched
    with pytest.raises(FrameworkError, match="'R1' is an invariant indicator"):
        load_variable_part(_part(tmp_path, id="R1"), FW)
    with pytest.raises(FrameworkError, match="in_direction: unknown direction 'sport'"):
        load_variable_part(_part(tmp_path, in_direction="sport"), FW)
    with pytest.raises(FrameworkError, match="reads the institution's own table"):
        load_variable_part(
            _part(
                tmp_path,
                compute={"kind": "ratio", "table": "schools", "numerator": "a", "denominator": "b"},
            ),
            FW,
        )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"target": 80, "threshold": 90},
            "indicators.0: threshold 90.0 is on the wrong side of target 80.0 for direction "
            "'higher_better'",
        ),
        (
            {"direction": "lower_better", "target": 5, "threshold": 2},
            "indicators.0: threshold 2.0 is on the wrong side of target 5.0 for direction "
            "'lower_better'",
        ),
        ({"compute": {"kind": "mean", "table": "own", "value": "a"}}, "kind 'mean' needs weight"),
    ],
)
def test_variable_indicator_faults_are_named_in_one_line(tmp_path, change, expected):
    with pytest.raises(FrameworkError) as err:
        load_variable_part(_part(tmp_path, **change), FW)
    assert str(err.value).startswith("load_variable_part: own.yaml: ")
    assert expected in str(err.value) and "\n" not in str(err.value)
    load_variable_part(_part(tmp_path, target=90, threshold=80), FW)  # the right side passes


def test_synthetic_set_writes_exactly_the_files_a_cycle_reads(district, tmp_path):
    from workbench.monitoring.cycle import INPUT_FILES

    written = write_district(district, tmp_path)
    assert sorted(p.stem for p in written if p.suffix == ".csv") == sorted(INPUT_FILES)
    assert {p.name for p in written} - {f"{n}.csv" for n in INPUT_FILES} == {
        "truth.json",
        "variable_part.yaml",
    }


# ----------------------------------------------------------------------------- roll-up


def test_rollup_reconciles_with_the_raw_rows_at_every_level(district, school_rollup):
    c = district.classes.merge(district.schools[["school_id", "district", "oblast"]])
    c["nation"] = "nation"
    r = school_rollup
    for level, key in (
        ("school", "school_id"),
        ("district", "district"),
        ("oblast", "oblast"),
        ("nation", "nation"),
    ):
        sums = c.groupby(["year", key])[["good_marks", "assessed"]].sum()
        got = r[(r["indicator"] == "R1") & (r["level"] == level)].set_index(["year", "unit"])
        expect = 100 * sums["good_marks"] / sums["assessed"]
        assert len(got) == len(expect)
        np.testing.assert_allclose(got.loc[expect.index, "value"], expect)
        tested = c[c["tested"] > 0]
        t = (
            tested.assign(wx=tested["tested"] * tested["test_mean"])
            .groupby(["year", key])[["wx", "tested"]]
            .sum()
        )
        got3 = r[(r["indicator"] == "R3") & (r["level"] == level)].set_index(["year", "unit"])
        np.testing.assert_allclose(got3.loc[t.index, "value"], t["wx"] / t["tested"])
    s = district.school_years.merge(district.schools[["school_id", "district"]])
    flag = 100 * s.groupby(["year", "district"])["council_active"].mean()
    got = r[(r["indicator"] == "S1") & (r["level"] == "district")].set_index(["year", "unit"])
    np.testing.assert_allclose(got.loc[flag.index, "value"], flag)


def test_every_number_is_the_sum_of_the_rows_traced_below_it(school_rollup):
    r = school_rollup
    lowest = r.groupby("indicator")["level"].agg(lambda s: min(s, key=FW.hierarchy.index))
    above = r[r["level"] != r["indicator"].map(lowest)]
    checked = 0
    for row in above.itertuples():
        below = trace(r, indicator=row.indicator, year=row.year, level=row.level, unit=row.unit)
        assert len(below) == row.n_units
        assert below["numerator"].sum() == pytest.approx(row.numerator)
        assert below["denominator"].sum() == pytest.approx(row.denominator)
        assert below["n_rows"].sum() == row.n_rows
        checked += 1
    assert checked == len(above) > 0
    assert set(lowest.index) == {i.id for i in FW.indicators}


def test_binomial_and_test_ses_follow_their_formulas(district, school_rollup):
    s = district.school_years.iloc[0]
    p = s["parents_satisfied"] / s["parents_surveyed"]
    row = school_rollup[
        (school_rollup["indicator"] == "R4")
        & (school_rollup["unit"] == s["school_id"])
        & (school_rollup["year"] == s["year"])
    ].iloc[0]
    assert row["se"] == pytest.approx(100 * np.sqrt(p * (1 - p) / s["parents_surveyed"]))
    c = district.classes[(district.classes["tested"] > 0)].iloc[0]
    row = school_rollup[
        (school_rollup["indicator"] == "R3")
        & (school_rollup["level"] == "class")
        & (school_rollup["unit"] == f"{c['school_id']}/{c['class_id']}")
        & (school_rollup["year"] == c["year"])
    ].iloc[0]
    assert row["se"] == pytest.approx(c["test_sd"] / np.sqrt(c["tested"]))
    assert school_rollup.loc[school_rollup["indicator"] == "R1", "se"].isna().all()


def test_college_rollup_reconciles(district):
    r = rollup(
        FWC, {"groups": district.groups, "colleges": district.college_years}, district.colleges
    )
    g = district.groups.merge(district.colleges)
    for level, key in (("college", "college_id"), ("oblast", "oblast")):
        sums = g.groupby(["year", key])[["good_marks", "assessed"]].sum()
        got = r[(r["indicator"] == "CA1") & (r["level"] == level)].set_index(["year", "unit"])
        np.testing.assert_allclose(
            got.loc[sums.index, "value"], 100 * sums["good_marks"] / sums["assessed"]
        )


def test_missing_unit_is_named(district):
    with pytest.raises(ValueError, match="school 'S1101' has no row in the units table"):
        rollup(
            FW,
            {"classes": district.classes, "schools": district.school_years},
            district.schools[district.schools["school_id"] != "S1101"],
            indicators=["R1"],
        )


# ----------------------------------------------------------------------------- analyses


def test_planted_improving_school_is_found(district, school_rollup):
    changes = analysis.dynamic(
        school_rollup, at_level="school", directions={i.id: i.direction for i in FW.indicators}
    )
    found = analysis.improving_units(changes, ["R1", "R3"])
    assert found["unit"].iloc[0] == district.truth["improving_school"]
    r3 = changes[
        (changes["unit"] == district.truth["improving_school"])
        & (changes["indicator"] == "R3")
        & (changes["span"] == "first_last")
    ].iloc[0]
    assert r3["significant"] and abs(r3["change"] - 2 * 0.55 * 8) < 4  # planted: 8.8 points
    exact = changes[changes["indicator"] == "R1"]
    assert exact["se_change"].isna().all() and exact["significant"].isna().all()


def test_comparison_is_against_rest_of_district_and_similar_schools(district, school_rollup):
    units = district.schools.assign(
        size_band=analysis.size_band(district.schools["students"], [300, 800])
    )
    c = analysis.compare(
        school_rollup,
        units,
        year=2026,
        institution="school",
        parent="district",
        multipliers=multipliers(FW.indicators),
        similar_by=["locality", "language", "size_band"],
    )
    assert not any("rank" in col for col in c.columns)
    assert c["unit"].is_monotonic_increasing
    assert set(c["reference"]) == {"rest_of_district", "similar"}
    school = "S1103"
    d = district.school_years.merge(district.schools[["school_id", "district"]])
    mine = d[(d["year"] == 2026) & (d["school_id"] == school)].iloc[0]
    rest = d[(d["year"] == 2026) & (d["district"] == mine["district"]) & (d["school_id"] != school)]
    row = c[
        (c["unit"] == school) & (c["indicator"] == "M1") & (c["reference"] == "rest_of_district")
    ].iloc[0]
    assert row["reference_value"] == pytest.approx(
        100 * rest["rooms_equipped"].sum() / rest["rooms"].sum()
    )
    assert row["n_reference"] == len(rest)
    sim = c[c["reference"] == "similar"]
    few = sim.groupby("group")["n_reference"].first()
    assert (sim.loc[sim["n_reference"] < 3, "position"] == "too_few").all()
    assert (few >= 0).all()


# ----------------------------------------------------------------------------- plan and params


def test_plan_pages_speak_their_language(tmp_path):
    p = load_school_monitoring(PROJECT_ROOT / "parameters" / "school-monitoring-demo.yaml")
    acts = [a.model_dump() for a in p.stage("s50_plan").activities]
    t = plan.plan_table(acts, FW)
    assert list(t["form"].drop_duplicates()) == ["permanent", "periodic", "unplanned"]
    ky = plan.plan_html(t, FW, lang="ky", as_of=date(2026, 9, 1))
    ru = plan.plan_html(t, FW, lang="ru", as_of=date(2026, 9, 1))
    assert label("plan_title", "ky") in ky and "2026–2027" in ky
    assert label("form_unplanned", "ru") in ru and "Утверждаю" in ru
    for page in (ky, ru):
        body = page.split("</style>")[1]
        assert "Permanent" not in body and "deputy" not in body and "results" not in body
    with pytest.raises(ValueError, match="activities.0.direction: unknown direction 'sport'"):
        plan.plan_table([{**acts[0], "direction": "sport"}], FW)


def test_cycle_file_errors_name_the_key(tmp_path):
    text = (PROJECT_ROOT / "parameters" / "school-monitoring-demo.yaml").read_text("utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("capacity_per_month: 40", "capacity_per_month: 0"), "utf-8")
    with pytest.raises(
        ValueError,
        match=r"bad.yaml: stages.s40_development."
        r"capacity_per_month: Input should be greater",
    ):
        load_school_monitoring(bad)


def test_written_set_reads_back(tmp_path, district):
    paths = write_district(district, tmp_path)
    assert {p.name for p in paths} >= {
        "teachers.csv",
        "courses.csv",
        "truth.json",
        "variable_part.yaml",
    }
    part = load_variable_part(tmp_path / "variable_part.yaml", FW)
    assert part.institution == district.truth["own_school"]
    words = yaml.safe_load(
        (PROJECT_ROOT / "workbench/texts/labels_monitoring.yaml").read_text(encoding="utf-8")
    )
    assert words["ind_V1"] == part.indicators[0].name.model_dump()
