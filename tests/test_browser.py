"""The site and the analytical report in a real browser (headless Chromium).

Renders a cycle from small synthetic results tables (tests/test_publish.py), opens every page
in Chromium and checks: every link resolves, every figure is in the loaded DOM, no code cell
shows, no console error, the PDF is a PDF, and a screenshot of each report's first screen is
kept (under the test's outputs root; `workbench render` keeps them under
outputs/<cycle>/screenshots/). Skipped, with the reason, when no Chromium is installed.
"""

from __future__ import annotations

import re

import pytest

from tests.test_publish import LANGS, _write_cycle, synthetic_tables
from workbench.publish import browser, checks

pytestmark = pytest.mark.skipif(
    browser.chromium() is None, reason=f"browser tests skipped: {browser.NO_BROWSER}"
)

_ERRORS = re.compile(r"(Uncaught|CONSOLE[:(]\d+|Failed to load resource|net::ERR_)")


def test_the_console_check_catches_a_planted_error(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text('<html><body><script>console.error("x");</script></body></html>')
    _, log = browser.dump_dom(page)
    assert _ERRORS.search(log)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from workbench.params import load_params
    from workbench.paths import PROJECT_ROOT
    from workbench.publish import render_cycle

    root = tmp_path_factory.mktemp("outputs")
    patch = pytest.MonkeyPatch()
    patch.setenv("WORKBENCH_OUTPUTS", str(root))
    _write_cycle(root, "sabat6-demo", synthetic_tables())
    params = load_params(PROJECT_ROOT / "parameters" / "sabat6-demo.yaml")
    made = render_cycle(params, languages=LANGS, pdf=True, screenshots=True, echo=None)
    yield root, made
    patch.undo()


def test_every_page_loads_without_console_errors_and_every_link_resolves(site):
    root, _ = site
    pages = sorted(root.rglob("*.html"))
    assert len(pages) == 10
    for page in pages:
        assert checks.broken_links(page) == [], page
        dom, log = browser.dump_dom(page)
        assert "</main>" in dom, page
        assert not _ERRORS.findall(log), (page, _ERRORS.findall(log))


def test_every_figure_loads_and_no_code_shows_in_the_report(site):
    root, made = site
    for lang, path in made["reports"].items():
        dom, _ = browser.dump_dom(path)
        figures = re.findall(r"<figure>(.*?)</figure>", dom, flags=re.S)
        assert len(figures) >= 6 and all(
            "<svg" in f and "<circle" in f or "<rect" in f for f in figures
        ), lang
        assert "jp-InputArea" not in dom and "<pre" not in dom and "def " not in dom
        assert checks.untranslated(dom, lang) == []


def test_pdf_and_screenshots_are_made(site):
    root, made = site
    for lang in LANGS:
        pdf = made["pdfs"][lang]
        assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 20_000
        png = root / "sabat6-demo" / "screenshots" / f"report.{lang}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


def test_the_cycle_index_exists_per_language_and_the_site_links_it(tmp_path, monkeypatch):
    from tests.test_languages import leaks
    from workbench.labels import cycle_title
    from workbench.params import load_params
    from workbench.paths import PROJECT_ROOT
    from workbench.publish import render_cycle
    from workbench.render import index_pages

    monkeypatch.setenv("WORKBENCH_OUTPUTS", str(tmp_path))
    _write_cycle(tmp_path, "sabat6-demo", synthetic_tables(trend=False))
    params = load_params(PROJECT_ROOT / "parameters" / "sabat6-demo.yaml")
    folder = tmp_path / "sabat6-demo"
    (folder / "html").mkdir()
    for name in ("weights.html", *(f"weights.{x}.html" for x in LANGS)):
        (folder / "html" / name).write_text("<html><body><main>w</main></body></html>")
    stage = {
        "name": "weights",
        "status": "skipped",
        "html": "html/weights.html",
        "reason": "parameters, code and 3 inputs unchanged",
        "headlines": [{"key": "students_weighted", "value": 6302, "digits": 0}],
    }
    index_pages(
        folder,
        titles={x: cycle_title(params, x) for x in LANGS},
        cycle=params.cycle,
        stages=[stage],
        manifest={"run_id": "r1"},
    )
    render_cycle(params, languages=LANGS, pdf=False, screenshots=False, echo=None)
    for lang in LANGS:
        page = (folder / f"index.{lang}.html").read_text(encoding="utf-8")
        assert f'href="html/weights.{lang}.html"' in page and f'<html lang="{lang}"' in page
        assert leaks(page, lang) == [], lang
        site = (folder / "publication" / f"index.{lang}.html").read_text(encoding="utf-8")
        assert f'href="../index.{lang}.html"' in site
    assert "6\u202f302" in (folder / "index.ru.html").read_text(encoding="utf-8")
    assert "unchanged" in (folder / "index.en.html").read_text(encoding="utf-8")
    assert 'href="html/weights.html"' in (folder / "index.html").read_text(encoding="utf-8")
    for page in sorted(tmp_path.rglob("*.html")):
        assert checks.broken_links(page) == [], page
    _, log = browser.dump_dom(folder / "index.ru.html")
    assert not _ERRORS.findall(log)
