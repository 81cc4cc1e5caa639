"""Recommendations: the register's history is append-only; method proposals cite figures."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import yaml

from workbench.release import method
from workbench.release import recommendations as rec

REGISTER = {
    "cycle": "c1",
    "recommendations": [
        {
            "id": "R1",
            "addressee": "ministry",
            "priority": "high",
            "due": "2026-06-01",
            "finding": "rural gap",
            "table": "results_gaps",
            "text": {"ky": "айыл мектептери", "ru": "сельские школы"},
            "followups": [
                {
                    "date": "2026-02-01",
                    "status": "in_progress",
                    "evidence": "order 12",
                    "reported_by": "department",
                }
            ],
        }
    ],
}


def _write(path, register):
    path.write_text(yaml.safe_dump(register, allow_unicode=True), encoding="utf-8")
    return rec.read_register(path)


def test_followups_are_appended_and_a_rewrite_of_history_is_refused(tmp_path):
    ledger = tmp_path / "history.jsonl"
    file = tmp_path / "c1.yaml"
    first = rec.sync(_write(file, REGISTER), ledger=ledger)
    assert first[["kind", "number"]].values.tolist() == [["recommendation", 0], ["followup", 1]]
    assert rec.sync(_write(file, REGISTER), ledger=ledger).empty  # nothing new
    grown = yaml.safe_load(yaml.safe_dump(REGISTER))
    grown["recommendations"][0]["followups"].append(
        {"date": "2026-05-20", "status": "done", "evidence": "report", "reported_by": "oblast"}
    )
    assert rec.sync(_write(file, grown), ledger=ledger)["number"].tolist() == [2]
    kept = ledger.read_bytes()
    rewritten = yaml.safe_load(yaml.safe_dump(grown))
    rewritten["recommendations"][0]["followups"][0]["status"] = "done"  # rewrite history
    with pytest.raises(rec.RegisterError, match="follow-up 1 .* has been changed"):
        rec.sync(_write(file, rewritten), ledger=ledger)
    removed = yaml.safe_load(yaml.safe_dump(grown))
    removed["recommendations"][0]["followups"].pop()
    with pytest.raises(rec.RegisterError, match="follow-up 2 .* is now missing"):
        rec.sync(_write(file, removed), ledger=ledger)
    assert ledger.read_bytes() == kept  # ledger untouched
    history = rec.history(ledger=ledger)
    assert history["status"].dropna().tolist() == ["in_progress", "done"]


def test_a_hand_edited_ledger_breaks_the_checksum_chain(tmp_path):
    ledger = tmp_path / "history.jsonl"
    rec.sync(_write(tmp_path / "c1.yaml", REGISTER), ledger=ledger)
    ledger.write_text(
        ledger.read_text(encoding="utf-8").replace("in_progress", "done"), encoding="utf-8"
    )
    with pytest.raises(rec.RegisterError, match="checksum chain is broken"):
        rec.history(ledger=ledger)


def test_followup_report_shows_overdue_and_the_indicator_before_and_after(tmp_path, monkeypatch):
    ledger = tmp_path / "history.jsonl"
    register = yaml.safe_load(yaml.safe_dump(REGISTER))
    register["recommendations"][0]["indicator"] = {
        "table": "results_distribution",
        "filter": {"group": "rural"},
        "column": "estimate",
        "aim": "increase",
    }
    rec.sync(_write(tmp_path / "c1.yaml", register), ledger=ledger)
    values = {"c1": 470.0, "c2": 478.5}
    monkeypatch.setattr(rec, "indicator_value", lambda cycle, spec: values.get(cycle))
    report = rec.followup_report(
        rec.history(ledger=ledger), today=dt.date(2026, 7, 1), lang="ru", next_cycles={"c1": "c2"}
    )
    row = report.iloc[0]
    assert row["overdue"] and row["status"] == "in_progress"  # due 2026-06-01
    assert (row["indicator_before"], row["indicator_after"], row["change"]) == (470.0, 478.5, 8.5)
    assert row["recommendation"] == "сельские школы"
    summary = rec.summary(report)
    assert summary[["recommended", "done", "overdue"]].values.tolist() == [[1, 0, 1]]


def test_a_register_without_russian_text_names_the_recommendation(tmp_path):
    bad = yaml.safe_load(yaml.safe_dump(REGISTER))
    del bad["recommendations"][0]["text"]["ru"]
    with pytest.raises(rec.RegisterError, match=r"recommendations\[1\] \(R1\): text needs"):
        _write(tmp_path / "c1.yaml", bad)


def test_method_proposals_cite_each_planted_shortfall():
    evidence = {
        "participation_summary": pd.DataFrame(
            {
                "school_before_replacement": [0.80],
                "student": [0.90],
                "overall_before_replacement": [0.80],
            }
        ),
        "results_distribution": pd.DataFrame(
            {
                "group_var": ["all", "region"],
                "group": ["all", "talas"],
                "statistic": ["mean", "mean"],
                "se": [3.0, 12.0],
            }
        ),
        "item_verdicts": pd.DataFrame(
            {
                "item_id": ["R101", "R102"],
                "verdict": ["keep", "drop"],
                "reasons": ["", "rpb 0.05 < 0.1"],
            }
        ),
        "dif_results": pd.DataFrame(
            {
                "comparison": ["gender"],
                "focal": ["1"],
                "reference": ["2"],
                "item_id": ["R107"],
                "d_dif": [-1.7],
                "ets_class": ["C"],
                "flagged": [True],
            }
        ),
        "coder_agreement": pd.DataFrame(
            {"item_id": ["R103", "R109"], "exact_agreement": [0.70, 0.95]}
        ),
    }
    table = method.propose(evidence, lang="ru", max_se=10, agreement_target=0.85)
    drafts = table[table["status"] == "draft"]
    assert drafts["check"].tolist() == ["participation", "precision", "items", "dif", "coders"]
    assert drafts["figure"].tolist() == [  # lang="ru": Russian numbers and labels
        "80,0 % < 85 %",
        "12,0 > 10",
        "rpb 0.05 < 0.1",
        "пол 1/2: ETS C, Δ = -1,70",
        "70,0 % < 85 %",
    ]
    assert drafts["figure_en"].tolist() == [
        "80.0 % < 85 %",
        "12.0 > 10",
        "rpb 0.05 < 0.1",
        "gender 1/2: ETS C, Δ = -1.70",
        "70.0 % < 85 %",
    ]
    assert drafts["figure_ky"].iloc[0] == "80,0 % < 85 %"
    assert "Таласская" in drafts["proposal"].iloc[1]  # labels, not codes
    assert drafts["subject"].iloc[1] == "Область / город: Таласская обл."
    assert drafts["subject_en"].iloc[0] == "Schools, before replacement"
    assert drafts["proposal_ky"].iloc[0].startswith("Мектептер, алмаштыруусуз: катышуу 80,0 %")
    assert drafts["target_ru"].tolist() == ["85 %", "SE ≤ 10", "оставить", "ETS A/B", "85 %"]
    absent = table.query("check == 'invariance'")
    assert absent["status"].tolist() == ["not checked"]
    assert (
        "coder" not in " ".join(table["proposal_ru"])
        and "invariance" not in absent.iloc[0]["proposal_ky"]
    )
