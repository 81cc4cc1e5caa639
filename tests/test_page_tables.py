"""Stage-page tables that fit a page 1280 px wide: the distribution exhibit and the
recommendations' follow-up, each shown as two tables of at most ``MAX_COLUMNS`` columns that
together hold every cell of the one wide table they replace (the reference: ``wide`` and
``followup_view(part="all")``). The widths in a browser: tests/test_browser.py.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from workbench.release import views
from workbench.results import distribution_views, exhibit_labels, wide
from workbench.results.display import MAX_COLUMNS


def _distribution() -> pd.DataFrame:
    """A published distribution of the demo's 20 groups (labels of the label files), mean, SD
    and five percentiles, the widest numbers and counts of the demo, some rows flagged."""
    groups = [("all", "all")] + [
        (var, group)
        for var, codes in {
            "region": "batken bishkek chui issyk_kul jalal_abad naryn osh osh_city talas",
            "locality": "rural urban",
            "language": "ky ru uz",
            "school_type": "general lyceum private",
            "ITSEX": "girl boy",
        }.items()
        for group in codes.split()
    ]
    shape = {"mean": 500.0, "sd": 101.4, "p5": 330.8, "p25": 434.0, "p50": 501.3, "p75": 569.5}
    rows = [
        {
            "group_var": var,
            "group": group,
            "statistic": statistic,
            "estimate": shape.get(statistic, 662.7) + k,
            "se": 31.1 - j,
            "flags": "† ‡" if k % 3 == 0 else "",
            "n": 16299,
            "n_schools": 200,
        }
        for k, (var, group) in enumerate(groups)
        for j, statistic in enumerate([*shape, "p95"])
    ]
    return exhibit_labels(pd.DataFrame(rows))


def _followup(tmp_path) -> pd.DataFrame:
    """The follow-up report of the demo's recommendations register."""
    import datetime as dt

    from workbench.paths import PROJECT_ROOT
    from workbench.release import recommendations as rec

    ledger = tmp_path / "history.jsonl"
    register = rec.read_register(PROJECT_ROOT / "parameters/recommendations/sabat6-demo.yaml")
    rec.sync(register, ledger=ledger)
    return rec.followup_report(rec.history(ledger=ledger), today=dt.date(2026, 7, 1), lang="ky")


def _shown(table: pd.DataFrame) -> int:
    """The columns a page shows: of ``<name>_ky``, ``_ru``, ``_en`` (``localized=``) one."""
    per_language = [c for c in table.columns if c.endswith(("_ky", "_ru"))]
    return len(table.columns) - len(per_language)


def test_the_distribution_is_two_narrow_tables_holding_every_cell_of_the_wide_one():
    published = _distribution()
    one = wide(published, column="statistic", keep=["n", "n_schools"])
    centre, spread = distribution_views(published)
    assert _shown(one) == 19 > MAX_COLUMNS  # what scrolled sideways
    assert _shown(centre) == 9 and _shown(spread) == 13 <= MAX_COLUMNS
    keys = ["group_var", "label_en"]
    both = centre.drop(columns="flags").merge(spread.drop(columns="flags"), on=keys)
    shared = [c for c in one.columns if c != "flags" and not c.startswith("label_")]
    pd.testing.assert_frame_equal(both[shared], one[shared])
    percentiles = [f"p{p}" for p in (5, 25, 50, 75, 95)]
    assert spread.columns.tolist()[4:] == [
        *(c for p in percentiles for c in (p, f"se_{p}")),
        "flags",
    ]


def test_each_distribution_table_carries_the_marks_of_its_own_statistics():
    published = _distribution().assign(flags="")
    group, statistic = published["group"], published["statistic"]
    published.loc[(group == "naryn") & (statistic == "p95"), "flags"] = "†"
    published.loc[(group == "talas") & (statistic == "sd"), "flags"] = "‡"
    centre, spread = distribution_views(published)
    marked = {
        name: dict(zip(shown["label_en"], shown["flags"], strict=True))
        for name, shown in (("centre", centre), ("spread", spread))
    }
    assert marked["centre"]["Naryn"] == "" and marked["spread"]["Naryn"] == "†"
    assert marked["centre"]["Talas"] == "‡" and marked["spread"]["Talas"] == ""


def test_the_follow_up_is_two_tables_holding_every_column_of_the_one(tmp_path):
    report = _followup(tmp_path)
    one = views.followup_view(report)
    what = views.followup_view(report, part="recommendation")
    done = views.followup_view(report, part="followup")
    assert _shown(one) == 14 > MAX_COLUMNS
    assert _shown(what) == 5 and _shown(done) == 10
    assert what["id"].tolist() == done["id"].tolist() == one["id"].tolist()
    assert sorted({*what.columns, *done.columns}) == sorted(one.columns)
    pd.testing.assert_frame_equal(what.join(done.drop(columns="id"))[one.columns], one)
    with pytest.raises(ValueError, match="followup_view: part is 'all'"):
        views.followup_view(report, part="both")


def test_ids_and_dates_stay_on_one_line_and_long_identifiers_wrap():
    from workbench.report import table

    data = pd.DataFrame(
        {
            "id": ["S6-2025-01", "S6-2025-02"],
            "due": ["2026-06-30", None],
            "path": ["inputs/a b/register.csv", "x"],
            "examples": ["0123456789abcdefX", "1"],  # one token, but longer than an ID
        }
    )
    page = table(data, lang="ru", codes=("id", "due", "path", "examples")).to_html()
    rules = re.findall(r"([^{}]+)\{([^}]*)\}", page)
    nowrap = [selectors for selectors, props in rules if "white-space: nowrap" in props]
    assert sorted(set(re.findall(r"_col(\d+)", " ".join(nowrap)))) == ["0", "1"]
    assert "white-space" not in table(data, lang="ru").to_html()  # only identifier columns


# ------------------------------------------- the design evaluation and the teacher-ed scales
def _evaluation() -> pd.DataFrame:
    """The sample-design page's design evaluation of the demo (1000 simulated samples), as
    ``summarize_simulations`` returns it: 15 columns, one row per estimator."""
    return pd.DataFrame(
        {
            "estimator": ["hajek", "horvitz_thompson"],
            "true_mean": [500.00633, 500.00633],
            "mean_estimate": [500.011786, 499.84642],
            "bias": [0.005456, -0.15991],
            "empirical_se": [3.402789, 4.498186],
            "mean_se": [4.061502, 5.039676],
            "se_ratio": [1.19358, 1.12038],
            "rmse": [3.402794, 4.501028],
            "deff": [7.807827, 13.643789],
            "coverage": [0.977, 0.964],
            "coverage_mc_se": [0.006892, 0.006892],
            "level": [0.95, 0.95],
            "reps": [1000, 1000],
            "n_schools": [200.0, 200.0],
            "n_students": [6745.509, 6745.509],
        }
    )


def _scales() -> pd.DataFrame:
    """The scale validation of the teacher-education pilot (t20), as the stage stores it."""
    failed = "alpha -0.09 < 0.70; one-factor CFA misfits (CFI 0.000, RMSEA 0.050)"
    return pd.DataFrame(
        {
            "scale": ["programme_view", "resources", "satisfaction", "readiness"]
            + ["employer_view", "conditions", "workload"],
            "respondent": ["students"] * 3 + ["graduates", "employers", "staff", "staff"],
            "n": [1769, 1851, 1827, 329, 0, 163, 164],
            "n_items": [5, 4, 4, 5, 4, 4, 4],
            "items_used": [
                "PRG1, PRG2, PRG4, PRG5",
                "RES1, RES2, RES3, RES4",
                "SAT1, SAT2, SAT3, SAT4",
                "RDY1, RDY2, RDY3, RDY4, RDY5",
                "",
                "CND1, CND2, CND3, CND4",
                "WRK1, WRK2, WRK3, WRK4",
            ],
            "alpha": [0.8411, 0.8457, 0.7787, 0.8265, None, 0.8368, -0.0904],
            "alpha_lower": [0.8291, 0.8339, 0.7616, 0.7950, None, 0.7917, -0.3909],
            "omega": [0.8415, 0.8458, 0.7788, 0.8271, None, 0.8372, 0.2021],
            "cfi": [1.0, 1.0, 1.0, 1.0, None, 1.0, 0.0],
            "rmsea": [0.0, 0.0, 0.0, 0.0, None, 0.0, 0.0497],
            "invariance": ["scalar"] * 3 + ["not tested", "", "not tested", "not tested"],
            "invariance_respondents": ["", "", "scalar", "", "", "", ""],
            "status": ["used"] * 4 + ["failed", "used", "failed"],
            "problems": ["", "", "", "invariance_not_tested", "too_few_returns"]
            + ["invariance_not_tested", "low_alpha/cfa_misfit/invariance_not_tested"],
            "reason": ["passes"] * 3
            + ["passes; invariance not tested", "too few returns (29)"]
            + ["passes; invariance not tested", failed],
            "year": [2026] * 7,
        }
    )


def test_the_design_evaluation_is_two_tables_holding_every_cell_of_the_one():
    from workbench.sampling import summarize_simulations
    from workbench.sampling.report_tables import evaluation_views

    one = _evaluation()
    sims = pd.DataFrame(  # two samples per estimator: the real summary has these columns
        {
            "estimator": ["hajek", "hajek", "horvitz_thompson", "horvitz_thompson"],
            "sample": [0, 1, 0, 1],
            "estimate": [498.0, 502.0, 497.0, 505.0],
            "se": [3.0, 3.0, 4.0, 4.0],
            "srs_se": [1.0, 1.0, 1.0, 1.0],
            "true_mean": 500.0,
            "n_schools": 200,
            "n_students": [6700, 6800, 6700, 6800],
        }
    )
    assert summarize_simulations(sims).columns.tolist() == one.columns.tolist()
    accuracy, coverage = evaluation_views(one)
    assert one.shape[1] == 15 > MAX_COLUMNS  # what scrolled sideways in ky and ru
    assert accuracy.shape[1] == 9 and coverage.shape[1] == 8
    assert (
        accuracy["estimator"].tolist()
        == coverage["estimator"].tolist()
        == ["hajek"] + ["horvitz_thompson"]
    )
    both = accuracy.merge(coverage.drop(columns="empirical_se"), on="estimator")
    pd.testing.assert_frame_equal(both[one.columns], one)
    # the SE ratio is read beside the two SEs it divides: 4.061502 / 3.402789 = 1.19358
    assert coverage.columns[:4].tolist() == ["estimator", "empirical_se", "mean_se", "se_ratio"]
    # a column of neither list (a newer summary's) is shown, in the first table
    wider, _ = evaluation_views(one.assign(median_estimate=[500.0, 499.9]))
    assert wider.columns[-1] == "median_estimate"


def test_the_scale_validation_is_two_tables_holding_every_cell_of_the_one():
    from workbench.indicators import report as tr

    one = tr.scale_table(_scales())
    reliability, fit = tr.scale_tables(_scales())
    assert one.shape[1] == 15 > MAX_COLUMNS  # what scrolled sideways in ky and ru
    assert reliability.shape[1] == fit.shape[1] == 9
    keys = ["year", "scale", "respondent"]
    assert reliability.columns[:3].tolist() == fit.columns[:3].tolist() == keys
    assert fit.columns[3:].tolist() == [
        "cfi",
        "rmsea",
        "invariance",
        "invariance_respondents",
        "status",
        "problems",
    ]
    assert "reason" not in {*reliability.columns, *fit.columns}  # English: the stored table's
    both = reliability.merge(fit, on=keys, validate="one_to_one")
    pd.testing.assert_frame_equal(both[one.columns], one)
    assert len(both) == len(one) == 7 and one["year"].tolist() == ["2026"] * 7


def _domains() -> pd.DataFrame:
    """The per-domain quality of the design study (``DesignStudy.domains``, 21 columns), the
    first three rows of a run of parameters/sabat6-design-study.yaml, for two designs."""
    rows = pd.DataFrame(
        {
            "domain": ["national", "region", "region"],
            "group": ["all", "batken", "bishkek"],
            "true_value": [500.00633, 480.127582, 542.827547],
            "reps": [200, 200, 200],
            "mean_estimate": [502.061851, 480.528366, 544.937007],
            "bias": [2.055521, 0.400784, 2.109461],
            "empirical_se": [4.732188, 14.81528, 13.255647],
            "mean_se": [4.936794, 15.829708, 11.635086],
            "se_ratio": [1.043237, 1.068472, 0.877746],
            "mean_se_fpc": [4.642446, 15.254125, 10.452308],
            "se_ratio_fpc": [0.981036, 1.029621, 0.788517],
            "df": [75.0, 6.0, 11.0],
            "n_schools": [150.0, 11.0, 21.0],
            "coverage_normal": [0.9, 0.9, 0.85],
            "coverage_t": [0.95, 0.95, 0.95],
            "coverage_t_fpc": [0.85, 0.95, 0.85],
            "se_missing": [0, 0, 0],
            "coverage_mc_se": [0.048734] * 3,
            "level": [0.95] * 3,
            "verdict": ["under", "meets", "under"],
        }
    )
    designs = ["A · 150 schools", "C · 200, ≥ 5 per stratum"]
    both = pd.concat([rows.assign(design=d) for d in designs], ignore_index=True)
    return both[["design", *rows.columns]]


def test_the_design_study_domains_are_two_tables_holding_every_cell_of_the_one():
    from workbench.sampling import study_domain_views, study_report

    one = _domains()
    precision, coverage = study_domain_views(one)
    assert one.shape[1] == 21 > MAX_COLUMNS  # 1760 px wide in ky at 1280
    assert precision.shape[1] == 11 and coverage.shape[1] == 13 <= MAX_COLUMNS
    keys = ["design", "domain", "group"]
    assert precision.columns[:3].tolist() == coverage.columns[:3].tolist() == keys
    assert coverage.columns[3:].tolist() == [
        "reps",
        "df",
        "n_schools",
        "coverage_normal",
        "coverage_t",
        "coverage_t_fpc",
        "se_missing",
        "coverage_mc_se",
        "level",
        "verdict",
    ]
    both = precision.merge(coverage, on=keys, validate="one_to_one")
    pd.testing.assert_frame_equal(both[one.columns], one)
    # as the page shows them: coverage in percent and the verdict in words, per table
    shown = study_report(coverage, lang="ru")
    assert shown.iloc[:, 7].tolist()[:3] == [95.0, 95.0, 95.0]  # coverage_t, %
    assert shown.iloc[:, -1].tolist() != coverage["verdict"].tolist()  # words, not codes
