"""The release report's tables: codes and per-language text, shown with no English on ky/ru.

Reference: planted disclosure logs, registers and proposals whose labels are known (the label
files), and the page scan of :func:`tests.test_languages.leaks`.
"""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd
import yaml

from tests.test_languages import leaks
from workbench.release import method, stage, views
from workbench.release import recommendations as rec
from workbench.report import localized_html, table

LOG = pd.DataFrame(
    {
        "tier": ["public", "public", "public", "public", "public"],
        "file": ["school_results", "student_results", "student_results", "student_results", "all"],
        "step": ["r1 0 before", "r2 carry", "4 after", "5 re-key", "0 restricted only"],
        "variable": ["region, locality", "school_type", "region, ITSEX", "IDSTUD", "EAP, WLE"],
        "action": ["measure", "suppress", "measure", "re-key", "drop"],
        "rule": ["k = 3", "blanked where", "k = 10", "new IDs", "restricted only"],
        "values_changed": [0, 7, 31, 6299, 2],
        "records_changed": [0, 7, 20, 6299, None],
        "k_after": [1, 5, 10, None, None],
        "records_below_k": [5, 9, 0, None, None],
    }
)


def _shown(frame: pd.DataFrame, lang: str, **options) -> str:
    spec = table(frame, lang="ky", **options)._repr_mimebundle_()
    return localized_html(spec["application/vnd.sapat.i18n+json"], lang)["text/html"]


def test_the_disclosure_log_shows_rounds_steps_and_labelled_variables():
    view = views.disclosure_view(LOG)
    assert view["release_round"].tolist()[:2] == [1, 2] and view["release_round"].isna().sum() == 3
    assert view["step"].tolist() == ["0", "", "4", "5", "0"]
    assert view["action"].tolist() == ["measure", "carry", "measure", "re-key", "drop"]
    assert view["variable_ru"].iloc[0] == "Область / город, Город / село"
    assert view["variable_en"].iloc[2] == "Region, Sex"
    assert "rule" not in view and "variable" not in view
    assert views.disclosure_summary(LOG) == {"k_after": 10, "changed": 31}
    options = {
        "verbatim": ("step",),
        "localized": ("variable",),
        "prefixes": {"action": "release_action_"},
    }
    for lang in ("ky", "ru"):
        page = _shown(view, lang, **options)
        assert leaks(page, lang) == [], lang
    assert "подавление (из связанного файла)" in _shown(view, "ru", **options)
    assert "Язык" not in _shown(view, "ky", **options)  # no Russian on the Kyrgyz page


def test_identifiers_are_shown_as_they_are_and_not_to_be_translated():
    data = pd.DataFrame(
        {"id": ["S6-2025-01", "<b>"], "region": ["chui", "talas"], "mean": [501.25, 1e4]}
    )
    page = _shown(data, "ru", codes=("id",))
    assert '<span translate="no">S6-2025-01</span>' in page and "&lt;b&gt;" in page
    assert "501,2<" in page and "10\u202f000,0<" in page  # the other columns' formats kept
    assert "Чуйская обл." in page and leaks(page, "ru") == []
    assert "translate" not in _shown(data, "ru")  # only where asked


def test_recommendations_are_shown_in_each_language_with_the_cycle_title(tmp_path):
    register = {
        "cycle": "sabat6-demo",
        "recommendations": [
            {
                "id": "S6-2025-01",
                "addressee": "ministry",
                "priority": "high",
                "due": "2026-06-01",
                "finding": "rural gap",
                "table": "results_gaps",
                "text": {"ky": "айыл мектептери", "ru": "сельские школы"},
                "indicator": {"table": "results_distribution", "aim": "increase"},
            }
        ],
    }
    path = tmp_path / "sabat6-demo.yaml"
    path.write_text(yaml.safe_dump(register, allow_unicode=True), encoding="utf-8")
    ledger = tmp_path / "history.jsonl"
    rec.sync(rec.read_register(path), ledger=ledger)
    report = rec.followup_report(rec.history(ledger=ledger), today=dt.date(2026, 7, 1), lang="ky")
    assert report.loc[0, ["recommendation", "recommendation_ru", "recommendation_en"]].tolist() == [
        "айыл мектептери",
        "сельские школы",
        "сельские школы",  # no English text: the Russian one
    ]
    view = views.followup_view(report)
    assert view.loc[0, "cycle_ru"] == "Сабат-6 · демонстрационный цикл"
    options = {
        "localized": ("cycle", "recommendation"),
        "codes": ("id",),
        "prefixes": {"aim": "release_aim_"},
    }
    ru = _shown(view, "ru", **options)
    assert "сельские школы" in ru and "должен вырасти" in ru and "Министерство" in ru
    assert leaks(ru, "ru") == [] and leaks(_shown(view, "ky", **options), "ky") == []
    summary = views.summary_view(rec.summary(report))
    assert leaks(_shown(summary, "ky", localized=("cycle",)), "ky") == []
    assert views.cycle_titles("no-such-cycle") == dict.fromkeys(("ky", "ru", "en"), "no-such-cycle")


def test_method_proposals_are_shown_in_each_language():
    evidence = {
        "participation_summary": pd.DataFrame(
            {
                "school_before_replacement": [0.8],
                "student": [0.9],
                "overall_before_replacement": [0.8],
            }
        ),
        "results_distribution": pd.DataFrame(
            {"group_var": ["region"], "group": ["talas"], "statistic": ["mean"], "se": [12.5]}
        ),
    }
    proposals = method.propose(evidence, lang="en", max_se=10, agreement_target=0.85)
    assert views.draft_count(proposals) == 2
    view = views.proposals_view(proposals)
    assert "proposal" not in view and "proposal_ru" in view
    options = {
        "localized": ("subject", "figure", "target", "proposal"),
        "prefixes": {"check": "release_check_", "evidence": "release_evidence_"},
    }
    for lang in ("ky", "ru"):
        page = _shown(view, lang, **options)
        assert leaks(page, lang) == [], (lang, leaks(page, lang))
    ru = _shown(view, "ru", **options)
    assert "12,5 > 10" in html.unescape(ru) and "Таласская обл." in ru
    assert "Распределение результатов" in ru  # the evidence table named
    assert "Талас облусу" not in ru  # the page's own language only


def test_the_register_is_named_without_an_absolute_path(monkeypatch, tmp_path):
    monkeypatch.setenv("WORKBENCH_OUTPUTS", str(tmp_path))
    monkeypatch.setattr(stage, "save", lambda *args, **kwargs: None)
    shown = stage.register("sabat6-demo", path=None, lang="ru")
    assert shown["shown_file"] == "parameters/recommendations/sabat6-demo.yaml"
    missing = stage.register("no-such-cycle", path=None, lang="ru")
    assert missing["shown_file"] == "–"
