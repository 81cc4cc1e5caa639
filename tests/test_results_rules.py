"""The reporting rules of the results tables at their edges, their counts and legend, and
the published workbook (every table a sheet, a notes sheet with source, rules and date)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.labels import LANGS, label
from workbench.results import (
    Rules,
    apply_rules,
    international,
    legend,
    publish,
    read_pirls,
    rule_counts,
    workbook_path,
)
from workbench.results.publish import CHECKS
from workbench.survey import RepDesign

RULES = Rules(suppress_below=10, max_se=10.0, max_cv=0.3, answered=85.0)


def table(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {"estimate": [500.0] * n, "se": [3.0] * n, "n": [100] * n}
    return pd.DataFrame({**base, **columns})


def test_minimum_n_hides_the_estimate_below_the_threshold_and_shows_it_at_it():
    out = apply_rules(table(n=[9, 10, 11]), RULES)
    assert out["shown"].tolist() == [False, True, True]
    assert np.isnan(out.loc[0, "estimate"]) and np.isnan(out.loc[0, "se"])
    assert out.loc[0, "n"] == 9  # the count stays: readers see why
    assert out.loc[0, "flags"] == "–" and out.loc[0, "note"] != ""
    assert out.loc[1, "estimate"] == 500.0 and out.loc[1, "flags"] == ""


def test_se_rule_flags_only_above_the_threshold():
    out = apply_rules(table(se=[10.0, 10.0001, 25.0]), RULES)
    assert out["rule_se"].tolist() == [False, True, True]
    assert out["flags"].tolist() == ["", "†", "†"]
    assert out["shown"].all()


def test_cv_rule_flags_percentages_above_the_threshold():
    data = table(percent=[10.0, 10.0, 2.0], percent_se=[3.0, 3.001, 1.0])
    out = apply_rules(data, RULES, percent=[("percent", "percent_se")])
    assert out["rule_cv"].tolist() == [False, True, True]
    assert out["flags"].tolist() == ["", "‡", "‡"]


def test_answered_share_rule_follows_the_iea_tiers():
    data = table(answered=[85.0, 84.99, 70.0, 69.99, 50.0, 49.99])
    out = apply_rules(data, RULES)
    assert out["flags"].tolist() == ["", "r", "r", "s", "s", "x"]
    assert out["shown"].tolist() == [True] * 5 + [False]
    assert np.isnan(out["estimate"].iloc[-1])
    assert out["rule_answered"].tolist() == [False] + [True] * 5


def test_a_hidden_row_is_not_also_flagged_for_its_se():
    out = apply_rules(table(n=[5], se=[40.0]), RULES)
    assert out.loc[0, "flags"] == "–" and not out.loc[0, "rule_se"]


def test_rule_counts_list_every_rule_for_every_table_and_say_why_one_does_not_apply():
    scores = apply_rules(table(n=[5, 50, 50], se=[1.0, 11.0, 12.0]), RULES)
    shares = apply_rules(
        table(percent=[1.0], percent_se=[1.0], answered=[60.0]),
        RULES,
        score=(),
        percent=[("percent", "percent_se")],
    )
    counts = rule_counts(
        {"scores": scores, "shares": shares}, {"shares": {"se": "percentages only"}}
    )
    assert len(counts) == 8
    got = counts.set_index(["table", "rule"])
    assert got.loc[("scores", "n"), "touched"] == 1
    assert got.loc[("scores", "se"), "touched"] == 2
    assert got.loc[("scores", "cv"), "status"] == "not_applicable"
    assert got.loc[("scores", "cv"), "reason"] == "reason_no_percent"
    assert got.loc[("shares", "se"), "reason"] == "percentages only"
    assert got.loc[("scores", "n"), ["status", "reason"]].tolist() == ["applied", ""]
    assert got.loc[("shares", "cv"), "touched"] == 1
    assert got.loc[("shares", "answered"), "touched"] == 1
    with pytest.raises(KeyError, match="pass it through apply_rules first"):
        rule_counts({"raw": table(n=[1])})


@pytest.mark.parametrize("lang", LANGS)
def test_legend_names_every_rule_in_each_language(lang):
    key = legend(RULES)
    assert key["symbol"].tolist() == ["–", "†", "‡", "r", "s", "x"]
    assert key[f"meaning_{lang}"].str.len().gt(10).all()
    assert "10" in key[f"meaning_{lang}"].iloc[0]


def test_bad_rules_and_tables_are_refused():
    with pytest.raises(ValueError, match="Rules: thresholds out of range"):
        Rules(suppress_below=0)
    with pytest.raises(ValueError, match="Rules: thresholds out of range"):
        Rules(suppress_below=10, answered=120)
    with pytest.raises(KeyError, match="apply_rules: the table has no column 'n'"):
        apply_rules(pd.DataFrame({"estimate": [1.0]}), RULES)


def test_missing_pirls_file_gives_a_reason_not_a_crash(tmp_path):
    pirls, reason = read_pirls(str(tmp_path / "nowhere.csv"))
    assert pirls is None and "does not exist" in reason and "pirls_file" in reason
    assert international(None, None, country="x").empty
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"country": ["A"], "mean": [500.0]}).to_csv(bad, index=False)
    pirls, reason = read_pirls(str(bad))
    assert pirls is None and "has no columns" in reason


def test_international_panel_sits_beside_pirls_with_neighbours_highlighted():
    pirls, reason = read_pirls(None)
    assert reason == "" and len(pirls) == 65
    df = pd.DataFrame(
        {
            "TOTWGT": [1.0] * 4,
            "RWGT1": [2.0, 0, 1, 1],
            "RWGT2": [1.0, 1, 2, 0],
            "READ01": [380.0, 420, 500, 640],
        }
    )
    out = international(pirls, RepDesign.iea(df), country="Here", linked=False)
    assert len(out) == 66 and out["linked"].eq(False).all()
    here = out[out["source"] == "this_cycle"].iloc[0]
    assert here["mean"] == pytest.approx(485.0) and here["pct_at_or_above_400"] == 75.0
    assert set(out.loc[out["neighbour"], "country"]) == {
        "Kazakhstan",
        "Uzbekistan",
        "Russian Federation",
        "Georgia",
        "Azerbaijan",
        "Turkey",
    }
    assert out["mean"].is_monotonic_decreasing
    shown = international(pirls, RepDesign.iea(df), country="Here", countries=["Austria"])
    assert len(shown) == 8  # Austria, the six neighbours and this cycle
    with pytest.raises(ValueError, match="not in the PIRLS 2021 table"):
        international(pirls, RepDesign.iea(df), country="Here", countries=["Atlantis"])


def test_publish_saves_every_table_and_a_workbook_with_notes(outputs_root):
    ruled_table = table(n=[5, 50], group=["naryn", "talas"], group_var=["region", "region"])
    published = publish(
        "results-test", {"results_gaps": ruled_table}, RULES, lang="ru", source="test"
    )
    assert published["results_gaps"]["label_ru"].tolist() == ["Нарынская обл.", "Таласская обл."]
    assert published["results_gaps"]["label_ky"].tolist() == ["Нарын облусу", "Талас облусу"]
    path = workbook_path("results-test")
    sheets = pd.read_excel(path, sheet_name=None)
    assert list(sheets) == ["notes", "results_gaps", "results_rules"]
    section = sheets["notes"][label("notes_section", "ru")]  # the cycle's language
    assert {label(f"notes_{k}", "ru") for k in ("cycle", "source", "written", "legend")} <= set(
        section
    )
    assert section.str.startswith("Правило").sum() == 4
    saved = pd.read_parquet(outputs_root / "results-test" / "data" / "results_gaps.parquet")
    assert np.isnan(saved.loc[0, "estimate"]) and saved.loc[1, "estimate"] == 500.0
    with pytest.raises(KeyError, match="no rule columns for tables"):
        publish("results-test", {"results_other": ruled_table}, RULES, lang="en", source="t")
    assert set(CHECKS) >= {"results_distribution", "results_trend", "results_international"}


def test_an_empty_table_is_counted_with_its_reason():
    empty = apply_rules(table(n=[]).astype({"n": int}), RULES)
    counts = rule_counts({"results_trend": empty})
    assert (counts["status"] == "not_applicable").all()
    assert (counts["reason"] == "reason_empty").all() and (counts["touched"] == 0).all()
