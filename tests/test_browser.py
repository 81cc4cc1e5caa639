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


# --------------------------------------------------------------- tables fit a page at 1280 px
_MEASURE = """<script>window.addEventListener('load', function () {
  var out = [];
  document.querySelectorAll('table').forEach(function (t) {
    var box = t.parentElement, row = t.querySelector('tr'), columns = 0;
    row.querySelectorAll('th, td').forEach(function (c) { columns += c.colSpan || 1; });
    var right = Math.round(t.getBoundingClientRect().right);
    out.push([columns, box.scrollWidth, box.clientWidth, right]);
  });
  var pre = document.createElement('pre');
  pre.id = 'wb-widths';
  pre.textContent = JSON.stringify([document.documentElement.clientWidth, out]);
  document.body.appendChild(pre);
});</script>"""


def _widths(page, width: int = 1280) -> tuple[int, list[list[int]]]:
    """The viewport's width and, per table of ``page`` opened ``width`` px wide in Chromium:
    its columns, its box's scroll and client widths, its right edge (px)."""
    import html
    import json

    measured = page.with_name(f"measured.{page.name}")
    measured.write_text(
        page.read_text(encoding="utf-8").replace("</body>", _MEASURE + "</body>"),
        encoding="utf-8",
    )
    result = browser._run(
        ["--dump-dom", f"--window-size={width},1400", "--hide-scrollbars"], measured, 180
    )
    found = re.search(r'<pre id="wb-widths">(.*?)</pre>', result.stdout, flags=re.S)
    return json.loads(html.unescape(found.group(1)))


def _stage_page(path, tables, lang: str):
    """A stage page (``workbench.render.notebook_html``) showing ``tables`` (wb.report tables)
    as the results and release notebooks show them."""
    import nbformat

    from workbench.render import notebook_html
    from workbench.report import I18N_MIME

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            source="",
            outputs=[
                nbformat.v4.new_output(
                    "display_data", data={"text/html": t.to_html(), I18N_MIME: t.spec()}
                )
            ],
        )
        for t in tables
    ]
    page = notebook_html(notebook, title="t", manifest={"run_id": "r1"}, lang=lang)
    path.write_text(page, encoding="utf-8")
    return path


def test_the_distribution_and_follow_up_tables_fit_a_page_1280_px_wide(tmp_path):
    from tests.test_page_tables import _distribution, _followup
    from workbench.release import views
    from workbench.report import table
    from workbench.results import distribution_views, wide
    from workbench.results.display import MAX_COLUMNS

    report = _followup(tmp_path)
    assert len(report) >= 3
    followup = {"codes": ("id", "due", "last_followup"), "prefixes": {"aim": "release_aim_"}}
    shown = [
        *(table(t, lang="ky", localized=("label",)) for t in distribution_views(_distribution())),
        table(
            views.followup_view(report, part="recommendation"),
            lang="ky",
            localized=("cycle", "recommendation"),
            codes=("id",),
        ),
        table(views.followup_view(report, part="followup"), lang="ky", **followup),
    ]
    before = [  # the one-table layouts these replace: they scrolled sideways in ky and ru
        table(
            wide(_distribution(), column="statistic", keep=["n", "n_schools"]),
            lang="ky",
            localized=("label",),
        ),
        table(
            views.followup_view(report),
            lang="ky",
            localized=("cycle", "recommendation"),
            **followup,
        ),
    ]
    for lang in LANGS:
        viewport, tables = _widths(_stage_page(tmp_path / f"now.{lang}.html", shown, lang))
        assert viewport == 1280 and len(tables) == 4 + 1, lang  # + the provenance table
        for columns, scroll, client, right in tables:
            assert columns <= MAX_COLUMNS and scroll <= client and right <= viewport, (lang, tables)
        _, old = _widths(_stage_page(tmp_path / f"old.{lang}.html", before, lang))
        overflowing = [scroll > client for _, scroll, client, _ in old[:2]]
        assert overflowing == [True, lang != "en"], (lang, old)


def test_the_design_evaluation_and_scale_tables_fit_a_page_1280_px_wide(tmp_path):
    """The sample-design page's design evaluation and the teacher-ed t20 scale validation, as
    their notebooks show them (two tables each), in ky and ru; the one-table layouts they
    replace as the control (they scrolled: 1328/1294 and 1351/1393 px in the demo runs)."""
    from tests.test_page_tables import _evaluation, _scales
    from workbench.indicators import report as tr
    from workbench.report import table
    from workbench.sampling.report_tables import evaluation_views

    accuracy, coverage = evaluation_views(_evaluation())
    reliability, fit = tr.scale_tables(_scales())
    even = {"coverage": 3, "coverage_mc_se": 3, "se_ratio": 2, "level": 2}
    alpha = {"alpha": 3, "alpha_lower": 3, "omega": 3}
    for lang in ("ky", "ru"):
        shown = [
            table(accuracy, lang=lang),
            table(coverage, lang=lang, digits=even),
            table(reliability, lang=lang, verbatim=("items_used",), digits=alpha),
            table(fit, lang=lang, digits={"cfi": 3, "rmsea": 3}),
        ]
        viewport, tables = _widths(_stage_page(tmp_path / f"now.{lang}.html", shown, lang))
        assert viewport == 1280 and len(tables) == 4 + 1, lang  # + the provenance table
        for _, scroll, client, right in tables:
            assert scroll <= client and right <= viewport, (lang, tables)
        before = [
            table(_evaluation(), lang=lang, digits=even),
            table(
                tr.scale_table(_scales()),
                lang=lang,
                verbatim=("items_used",),
                digits=alpha | {"cfi": 3, "rmsea": 3},
            ),
        ]
        _, old = _widths(_stage_page(tmp_path / f"old.{lang}.html", before, lang))
        assert [scroll > client for _, scroll, client, _ in old[:2]] == [True, True], (lang, old)


def test_the_design_study_domain_tables_fit_a_page_1280_px_wide(tmp_path):
    """The design-study page's per-domain quality as two tables, in ky and ru; the one table
    it replaces (21 columns, 1760 px in ky) as the control."""
    from tests.test_page_tables import _domains
    from workbench.report import table
    from workbench.sampling import study_domain_views, study_report

    for lang in ("ky", "ru"):
        views = study_domain_views(_domains())
        shown = [table(study_report(t, lang=lang), lang=lang) for t in views]
        viewport, tables = _widths(_stage_page(tmp_path / f"now.{lang}.html", shown, lang))
        assert viewport == 1280 and len(tables) == 2 + 1, lang  # + the provenance table
        for _, scroll, client, right in tables:
            assert scroll <= client and right <= viewport, (lang, tables)
        before = [table(study_report(_domains(), lang=lang), lang=lang)]
        _, old = _widths(_stage_page(tmp_path / f"old.{lang}.html", before, lang))
        assert old[0][1] > old[0][2], (lang, old)  # it scrolled
