"""Teacher-education indicators: the framework as validated data, indicators with their
uncertainty against the synthetic sector's truth, comparison and dynamics
(workbench.indicators.framework, .compute, .compare, .params)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.indicators import compare, compute, surveys
from workbench.indicators.framework import FrameworkError, framework_path, load_framework
from workbench.indicators.params import load_teacher_ed
from workbench.paths import PROJECT_ROOT
from workbench.synth.sector import make_sector

FW = load_framework("teacher_education")
GROUPS = [
    "programme_quality",
    "readiness",
    "staff_quality",
    "learning_base",
    "satisfaction",
    "employment",
]


def _all_used(framework, drop=("PRG3",), failed=("workload",)):
    """A validation that keeps every item but the planted one (tests of computation only)."""
    items = [
        {"scale": s, "item": i, "used": i not in drop}
        for s, sc in framework.scales.items()
        if s not in failed
        for i in sc.items
    ]
    scales = pd.DataFrame(
        {"scale": [s for s in framework.scales if s not in failed], "status": "used"}
    )
    return surveys.ScaleValidation(scales, pd.DataFrame(items), pd.DataFrame())


@pytest.fixture(scope="module")
def sector():
    return make_sector(20260401, institutions=80, years=(2025, 2026))


@pytest.fixture(scope="module")
def indicators(sector):
    val = _all_used(FW)
    out = {}
    for year in (2025, 2026):
        scores = {
            r: surveys.scale_scores(d[d["year"] == year], val, FW, r)
            for r, d in sector.returns.items()
        }
        out[year] = compute.compute_indicators(
            scores,
            sector.admin(year),
            sector.invited[sector.invited["year"] == year],
            FW,
            year=year,
            used_scales=list(val.used_items()),
        )
    return out


# --- the framework ------------------------------------------------------------------------


def test_framework_covers_the_six_groups_of_the_concept_in_three_languages():
    assert [g.id for g in FW.groups] == GROUPS
    table = FW.table("ky")
    assert table["name"].str.len().min() > 5 and len(table) >= 15
    assert {"survey", "admin"} == set(table["source"])
    for g in FW.groups:
        for i in g.indicators:
            assert i.name.ky != i.name.ru != i.name.en


@pytest.mark.parametrize(
    "old, new, key",
    [
        ("direction: lower_better", "direction: down", "groups.2.indicators.2.direction"),
        ("scale: readiness}", "scale: readyness}", "compute.scale: unknown scale 'readyness'"),
        ("id: RD2", "id: RD1", "indicator ids used twice ['RD1']"),
        ("target: 12", "target: 30", "threshold 25.0 is on the wrong side of target 30.0"),
        (
            "compute: {kind: admin_share, table: staff, column: degree}",
            "compute: {kind: admin_share, table: staff}",
            "kind 'admin_share' needs column",
        ),
    ],
)
def test_bad_framework_gets_one_line_naming_the_key(tmp_path, old, new, key):
    text = framework_path("teacher_education").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "fw.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(FrameworkError) as err:
        load_framework(path)
    msg = str(err.value)
    assert key in msg and str(path) in msg and "\n" not in msg


def test_unknown_framework_names_the_packaged_ones():
    with pytest.raises(FrameworkError, match="packaged frameworks are .*teacher_education"):
        load_framework("nursing")


# --- indicators against the truth ---------------------------------------------------------


def test_survey_intervals_cover_the_finite_population_truth(sector, indicators):
    """95 % intervals of the six validated survey indicators over 80 institutions cover the
    population mean of the invited (truth written by the sector). Expected coverage .95; with
    480 intervals (correlated within institution) the Monte Carlo SD is about .015, so .90 is
    more than 3 SD below."""
    ind = indicators[2025]
    truth = sector.truth_items[sector.truth_items["year"] == 2025]
    hits = []
    for g in FW.groups:
        for i in g.indicators:
            if i.source != "survey" or i.compute.scale == "workload":
                continue
            items = [x for x in FW.scales[i.compute.scale].items if x != "PRG3"]
            mine = truth["item"].isin(items) & (truth["respondent"] == i.compute.respondent)
            t = truth[mine].groupby("institution")["population_mean"]
            t = (t.mean() - 1) / 4 * 100
            est = ind[(ind["indicator"] == i.id) & (ind["level"] == "institution")]
            est = est.set_index("institution").join(t.rename("truth"))
            hits.append((est["ci_lower"] <= est["truth"]) & (est["truth"] <= est["ci_upper"]))
    coverage = pd.concat(hits).mean()
    assert 0.90 <= coverage <= 0.99, coverage


@pytest.mark.parametrize(
    "indicator, group, sign",
    [
        ("PQ1", "programme_quality", 1),
        ("RD1", "readiness", 1),
        ("LB1", "learning_base", 1),
        ("SA1", "satisfaction", 1),
        ("ST2", "staff_quality", 1),
        ("ST3", "staff_quality", -1),
        ("EM1", "employment", 1),
        ("RD2", "readiness", 1),
    ],
)
def test_indicators_recover_the_planted_institution_effects(
    sector, indicators, indicator, group, sign
):
    ind = indicators[2025].query("level == 'institution' and indicator == @indicator")
    eff = sector.effects.query("year == 2025 and group == @group").set_index("institution")
    both = ind.set_index("institution")[["estimate"]].join(eff["effect"]).dropna()
    r = np.corrcoef(both["estimate"], both["effect"])[0, 1]
    assert sign * r > 0.75, r


def test_administrative_indicators_are_exact(indicators):
    admin = indicators[2025][indicators[2025]["source"] == "admin"]
    assert (admin["se"] == 0).all()
    assert (admin["ci_lower"] == admin["estimate"]).all()


def test_failed_scale_gives_no_estimate_and_says_why(indicators):
    sa3 = indicators[2025][indicators[2025]["indicator"] == "SA3"]
    assert sa3["estimate"].isna().all()
    assert (sa3["flags"] == "scale_not_validated").all()


def test_low_response_institutions_are_flagged(sector, indicators):
    pq1 = indicators[2025].query("level == 'institution' and indicator == 'PQ1'")
    flagged = set(pq1.loc[pq1["flags"].str.contains("low_response"), "institution"])
    assert set(sector.planted["low_response"]) <= flagged


def test_finite_population_correction_matches_the_textbook_formula():
    """SE = s / sqrt(n) * sqrt(1 - n/N) (Cochran 1977, 2.17); a census has SE 0."""
    sc = pd.DataFrame(
        {
            "institution": [1] * 5 + [2] * 3,
            "programme": "",
            "x": [10.0, 20.0, 30.0, 40.0, 50.0, 1.0, 2.0, 3.0],
        }
    )
    inv = pd.DataFrame(
        {"institution": [1, 2], "programme": "", "respondent": "staff", "n_invited": [20, 3]}
    )
    r = compute.survey_indicators(sc, inv, "X", scale="x", respondent="staff", min_n=4)
    s = np.std([10, 20, 30, 40, 50], ddof=1)
    assert r.loc[0, "se"] == pytest.approx(s / np.sqrt(5) * np.sqrt(1 - 5 / 20), rel=1e-12)
    assert r.loc[1, "se"] == 0 and r.loc[1, "flags"] == "low_n"
    assert r.loc[0, "ci_upper"] - r.loc[0, "estimate"] == pytest.approx(
        2.7764451051977987 * r.loc[0, "se"], rel=1e-12
    )  # qt(.975, 4) in R


def test_programme_level_indicators_add_up_to_the_institution(indicators):
    ind = indicators[2025]
    inst = ind.query("level == 'institution' and indicator == 'EM1'").set_index("institution")
    prog = ind.query("level == 'programme' and indicator == 'EM1'")
    pooled = prog.assign(k=prog["estimate"] * prog["n"]).groupby("institution")[["k", "n"]].sum()
    assert np.allclose(pooled["k"] / pooled["n"], inst.loc[pooled.index, "estimate"])


# --- comparison and dynamics --------------------------------------------------------------


def test_change_flags_the_planted_improvers(sector, indicators):
    ch = compare.change_from_previous(indicators[2026], indicators[2025], FW)
    survey = ch[(ch["level"] == "institution") & ch["indicator"].isin(["PQ1", "LB1", "SA1"])]
    imp = survey[survey["institution"].isin(sector.planted["improvers"])]
    rest = survey[~survey["institution"].isin(sector.planted["improvers"])]
    assert (imp["verdict"] == "improved").mean() > 0.9
    assert (imp["change"] > 5).all()
    assert (rest["verdict"] == "improved").mean() < 0.2


def test_change_intervals_cover_the_true_change_of_the_invited_populations(sector, indicators):
    """The change is about this year's and last year's invited populations (the FPC makes it
    so): its 95 % interval covers the truth's change for about 95 % of institutions."""
    ch = compare.change_from_previous(indicators[2026], indicators[2025], FW)
    ch = ch.query("level == 'institution' and indicator == 'SA1'").set_index("institution")
    t = sector.truth_items.query("respondent == 'students'")
    t = t[t["item"].str.startswith("SAT")]
    t = (t.groupby(["year", "institution"])["population_mean"].mean() - 1) / 4 * 100
    true_change = (t.loc[2026] - t.loc[2025]).reindex(ch.index)
    covered = (ch["ci_lower"] <= true_change) & (true_change <= ch["ci_upper"])
    assert covered.mean() >= 0.88, covered.mean()  # 80 intervals: MC SD about .025


def test_peer_comparison_uses_the_other_institutions_of_the_level(indicators, sector):
    inst = sector.institutions[sector.institutions["year"] == 2025]
    comp = compare.compare_with_peers(indicators[2025], inst)
    row = comp.query("indicator == 'ST1' and reference == 'peers'").iloc[0]
    ind = indicators[2025].query("level == 'institution' and indicator == 'ST1'")
    ind = ind.drop(columns="level").merge(inst[["institution", "level"]])
    level = ind.loc[ind["institution"] == row["institution"], "level"].iloc[0]
    others = ind[(ind["level"] == level) & (ind["institution"] != row["institution"])]
    assert row["reference_mean"] == pytest.approx(others["estimate"].mean())
    assert row["n_reference"] == len(others)


def test_employment_cohorts_follow_graduates_at_6_12_18_months(sector):
    c = compare.employment_cohorts(sector.destinations)
    sector_rows = c[c["institution"] == 0].set_index(["cohort", "months"])
    assert (
        sector_rows.loc[(2024, 6), "employed_teaching"]
        < sector_rows.loc[(2024, 12), "employed_teaching"]
        < sector_rows.loc[(2024, 18), "employed_teaching"]
    )
    assert np.isnan(sector_rows.loc[(2025, 18), "employed_teaching"])
    assert sector_rows.loc[(2025, 18), "observed"] == 0


# --- parameters ---------------------------------------------------------------------------


def test_both_demo_parameter_files_validate():
    pilot = load_teacher_ed(PROJECT_ROOT / "parameters" / "teacher-ed-pilot.yaml")
    demo = load_teacher_ed(PROJECT_ROOT / "parameters" / "teacher-ed-demo.yaml")
    assert pilot.stage("t10_sector").pilot_per_level == 2
    assert demo.stage("t10_sector").years == [2025, 2026]


@pytest.mark.parametrize(
    "old, new, key",
    [
        ("n_draws: 500", "n_draws: 3", "stages.t40_composite.n_draws"),
        ("weighting: equal_groups    #", "weighting: custom    #", "custom_weights"),
        ("year: 2026", "year: 2027", "year: 2027 must be the last of stages.t10_sector.years"),
        ("peer: level", "peer: region", "stages.t50_comparison.peer"),
    ],
)
def test_bad_cycle_file_gets_one_line_naming_the_key(tmp_path, old, new, key):
    text = (PROJECT_ROOT / "parameters" / "teacher-ed-demo.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ValueError) as err:
        load_teacher_ed(path)
    assert key in str(err.value) and "\n" not in str(err.value)


# --- stage notebooks ----------------------------------------------------------------------

TE_NOTEBOOKS = sorted((PROJECT_ROOT / "notebooks").glob("t[0-9][0-9]_*.py"))


@pytest.mark.parametrize("path", TE_NOTEBOOKS, ids=lambda p: p.stem)
def test_teacher_ed_notebooks_are_thin_and_take_their_stage_parameters(path):
    import ast

    import jupytext

    from workbench.indicators.stages import TEACHER_ED_STAGES

    stage = next(s for s in TEACHER_ED_STAGES.values() if s.notebook == path.name)
    cells = jupytext.read(path).cells
    tagged = [c for c in cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    names = {node.targets[0].id for node in ast.parse(tagged[0].source).body}
    assert {"cycle", "lang", "seed"} | set(stage.params.model_fields) <= names
    for cell in cells:
        if cell.cell_type == "code":
            for node in ast.walk(ast.parse(cell.source)):
                assert not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.For | ast.While)


def test_every_teacher_ed_stage_has_its_notebook():
    from workbench.indicators.stages import TEACHER_ED_STAGES

    assert {s.notebook for s in TEACHER_ED_STAGES.values()} == {p.name for p in TE_NOTEBOOKS}


def test_check_command_accepts_the_demo_and_names_the_key_of_a_bad_file(tmp_path, capsys):
    from workbench.cli import main

    def command(name, path):
        return main([name, str(path)])

    assert command("check", PROJECT_ROOT / "parameters" / "teacher-ed-pilot.yaml") == 0
    assert "ok (teacher-ed-pilot, teacher_ed" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    text = (PROJECT_ROOT / "parameters" / "teacher-ed-pilot.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace("min_alpha: 0.7", "min_alpha: 7"), encoding="utf-8")
    assert command("check", bad) == 2
    err = capsys.readouterr().err
    assert "stages.t20_surveys.min_alpha" in err and err.count("\n") == 1
