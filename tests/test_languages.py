"""Stage reports in every language from one execution: no recomputation, no English leaking.

Reference: the page scan of :func:`workbench.publish.checks.untranslated` (Latin words in the
visible text of a ky or ru page), the number conventions of each language, and the runner's
own record that no stage ran when only the languages changed.
"""

from __future__ import annotations

import re
import time

import pandas as pd
import pytest

from workbench.labels import LANGS
from workbench.publish.checks import ALLOWED, untranslated
from workbench.report import I18N_MIME, Text, figure, headline, localized_html, table, term, text

#: Latin words shown on purpose on ky/ru technical pages: IEA variable names (ASBG04, TOTWGT,
#: IDSCHOOL: upper case, kept as in the IEA databases) and names of methods
ON_PURPOSE = ALLOWED | {
    "MOS",
    "PPS",
    "CV",
    "RMSE",
    "DIF",
    "MSA",
    "KMO",
    "RMSD",
    "CFI",
    "RMSEA",
    "SRMR",
    "MC",
    "CR",
    "PV",
    "MML",
    "Git",
}
_IEA_NAME = re.compile(r"^[A-Z][A-Z0-9_]*[0-9A-Z]$")


def leaks(page: str, lang: str) -> list[str]:
    """Untranslated words of a page, IEA variable names and :data:`ON_PURPOSE` allowed."""
    return [
        w for w in untranslated(page, lang, allowed=frozenset(ON_PURPOSE)) if not _IEA_NAME.match(w)
    ]


def test_a_text_is_stored_once_and_shown_in_each_language():
    shown = text("weights", "intro", lang="ky", replicates=75)
    spec = shown._repr_mimebundle_()[I18N_MIME]
    assert spec == {
        "kind": "text",
        "stage": "weights",
        "key": "intro",
        "values": {"replicates": 75},
    }
    assert (
        localized_html(spec, "ru")["text/markdown"] != localized_html(spec, "ky")["text/markdown"]
    )


def test_text_values_follow_each_language():
    assert Text("weights", "intro", "ru", {"replicates": 12500}).data.count("12\u202f500") == 1
    assert Text("weights", "intro", "en", {"replicates": 12500}).data.count("12,500") == 1


def test_terms_are_labelled_in_each_language():
    spec = text(
        "validity", "dif_note", lang="ky", focal=term("ru"), reference=term("ky")
    )._repr_mimebundle_()[I18N_MIME]
    assert spec["values"]["focal"] == {"term": ["ru"]}
    assert "русский" in localized_html(spec, "ru")["text/markdown"]
    assert "Russian" in localized_html(spec, "en")["text/markdown"]


def test_a_table_keeps_its_codes_and_is_labelled_per_language():
    data = pd.DataFrame({"stratum": ["batken/rural"], "n": [20000], "mean": [501.25]})
    spec = table(data, lang="ky")._repr_mimebundle_()[I18N_MIME]
    ru, en = (localized_html(spec, x)["text/html"] for x in ("ru", "en"))
    assert "Баткенская обл. / село" in ru and "Batken / rural" in en
    assert "20\u202f000<" in ru and "20,000<" in en  # integers never with decimals
    assert "501,2" in ru and "501.2" in en  # decimal comma in ru
    assert "batken" not in ru


def test_headline_renders_in_each_language():
    spec = headline("schools", 2398, lang="ky")._repr_mimebundle_()[I18N_MIME]
    assert "Школы" in localized_html(spec, "ru")["text/html"]
    assert "2,398" in localized_html(spec, "en")["text/html"]


def test_figures_must_be_package_functions():
    with pytest.raises(ValueError, match="workbench/plots"):
        figure(lambda data, lang: None, pd.DataFrame(), lang="en")


def test_a_figure_is_drawn_in_each_language():
    from workbench.plots.weights import weight_histogram

    data = pd.DataFrame(
        {
            "TOTWGT": [10.0, 20.0, 30.0, 40.0],
            "stratum": ["chui/urban", "chui/rural", "chui/rural", "naryn/rural"],
        }
    )
    spec = figure(weight_histogram, data, lang="ky", alt="TOTWGT")._repr_mimebundle_()[I18N_MIME]
    pages = {x: localized_html(spec, x)["text/html"] for x in LANGS}
    assert all(page.startswith('<img class="sapat-figure"') for page in pages.values())
    assert len(set(pages.values())) == 3  # drawn with each language's words
    assert 'alt="Итоговый вес (TOTWGT)"' in pages["ru"]


@pytest.fixture(scope="module")
def pages(demo_run, outputs_root):
    folder = outputs_root / demo_run.cycle / "html"
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.html"))}


def test_every_stage_report_exists_in_every_report_language(demo_run, pages):
    for stage in demo_run.statuses:
        for lang in LANGS:
            assert f"{stage}.{lang}.html" in pages, f"{stage}.{lang}.html"
        assert '<html lang="ru"' in pages[f"{stage}.ru.html"]


@pytest.mark.parametrize("lang", ["ky", "ru"])
def test_no_english_leaks_into_a_kyrgyz_or_russian_stage_report(pages, lang):
    found = {
        name: leaks(page, lang) for name, page in pages.items() if name.endswith(f".{lang}.html")
    }
    leaking = {name: words[:20] for name, words in found.items() if words}
    assert not leaking, leaking


def test_the_cycle_title_is_in_the_page_language(pages):
    assert "демонстрациялык" not in pages["weights.ru.html"].split("</title>")[0]


def test_changing_the_languages_renders_and_never_recomputes(demo_run, monkeypatch):
    import workbench.run as run

    monkeypatch.setattr(run, "report_languages", lambda params: ["ky", "en"])
    started = time.perf_counter()
    again = run.run_cycle(run.PROJECT_ROOT / "parameters" / "sabat6-demo.yaml", echo=None)
    assert set(again.statuses.values()) == {"skipped"}
    assert all(langs == ["ky", "en"] for langs in again.rendered.values())
    assert time.perf_counter() - started < 120
