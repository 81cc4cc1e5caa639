"""Render a cycle's publication from its stored tables: ``workbench render <params>``.

The runner calls :func:`render_cycle` after the stages; it can also be called on its own
(``workbench render parameters/<cycle>.yaml``) to change the languages or the wording: it
reads tables, never estimates, and takes seconds (plus the PDFs when Chromium is present).

Writes, under ``outputs/<cycle>/``: ``publication/report.<lang>.html`` (and ``.pdf``),
``publication/index.<lang>.html``, ``publication/meta.json``, ``tables/csv/<table>.csv``,
``tables/codebook.csv``, ``screenshots/report.<lang>.png``; then the site's front page
``outputs/index.html`` (``index.<lang>.html``) and ``outputs/results.duckdb``.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from pathlib import Path

from workbench.atomic import write_text, write_with
from workbench.labels import cycle_title
from workbench.publish import browser
from workbench.publish._text import LANGS
from workbench.publish.checks import untranslated
from workbench.publish.database import build_results_db
from workbench.publish.document import load_bundle, report_html
from workbench.publish.site import cycle_page, front_page, headlines, read_meta

__all__ = [
    "render_cycle",
    "render_site",
    "publication_dir",
    "PUBLIC_TABLES",
    "run_command",
    "render_after_run",
]

#: the public tables written as CSV downloads (besides the codebook)
PUBLIC_TABLES = (
    "results_distribution",
    "results_benchmarks",
    "results_gaps",
    "results_regions",
    "results_region_pairs",
    "results_context",
    "results_regression",
    "results_variance",
    "results_trend",
    "results_international",
    "results_rules",
)


def publication_dir(cycle: str) -> Path:
    """``outputs/<cycle>/publication``."""
    from workbench.paths import cycle_dir

    return cycle_dir(cycle) / "publication"


def render_cycle(
    params,
    *,
    languages: Sequence[str] | None = None,
    pdf: bool = True,
    screenshots: bool = True,
    echo=print,
) -> dict:
    """Render the analytical report, the cycle's page and the downloads, then the site.

    Parameters
    ----------
    params
        The cycle's :class:`~workbench.params.CycleParams` (or a path to its YAML).
    languages
        Report languages (default: the parameters' ``report_languages``, else ``language``).
    pdf, screenshots
        Print each report to PDF and keep a screenshot of its first screen (headless
        Chromium; skipped, and said so, when none is installed).
    echo
        Where the one-line summary goes (``None``: silence).

    Returns
    -------
    dict
        ``reports`` (lang -> path), ``pdfs``, ``screenshots``, ``untranslated`` (lang ->
        words found), ``seconds``.
    """
    from workbench.params import load_params
    from workbench.paths import cycle_dir

    if isinstance(params, (str, Path)):
        params = load_params(params)
    say = echo or (lambda *_: None)
    started = time.perf_counter()
    bundle = load_bundle(params, languages=languages)
    langs = bundle.languages
    unknown = [x for x in langs if x not in LANGS]
    if unknown:
        raise ValueError(
            f"render_cycle: unknown report languages {unknown}; use {', '.join(LANGS)}"
        )
    folder = publication_dir(params.cycle)
    reports, leaks = {}, {}
    for lang in langs:
        page = report_html(bundle, lang)
        reports[lang] = write_text(folder / f"report.{lang}.html", page)
        leaks[lang] = untranslated(page, lang)
    downloads = _downloads(params.cycle, bundle)
    pdfs, shots = {}, {}
    if (pdf or screenshots) and browser.chromium() is None:
        say(f"[render] {params.cycle}: {browser.NO_BROWSER}; no PDF, no screenshots")
    elif pdf or screenshots:
        for lang in langs:
            if pdf:
                printable = folder / f".print.{lang}.html"
                write_text(
                    printable,
                    _local_links_as_text(
                        report_html(bundle, lang, links=False).replace(
                            "<details>", "<details open>"
                        )
                    ),
                )
                try:
                    pdfs[lang] = browser.print_pdf(printable, folder / f"report.{lang}.pdf")
                finally:
                    printable.unlink(missing_ok=True)
            if screenshots:
                shots[lang] = browser.screenshot(
                    reports[lang], cycle_dir(params.cycle) / "screenshots" / f"report.{lang}.png"
                )
    meta = {
        "cycle": params.cycle,
        "title": {x: cycle_title(params, x) for x in LANGS},
        "year": bundle.year,
        "base_cycle": (params.stages.get("results") or {}).get("base_cycle"),
        "languages": list(langs),
        "headlines": {x: headlines(bundle.tables, x) for x in LANGS},
    }
    write_text(folder / "meta.json", json.dumps(meta, ensure_ascii=False, indent=1))
    existing = {x: (folder / f"report.{x}.pdf").is_file() for x in langs}
    for lang in LANGS:
        write_text(
            folder / f"index.{lang}.html",
            cycle_page(
                meta,
                lang,
                downloads=downloads,
                stages=bundle.stages,
                pdfs=existing,
                stage_index=(cycle_dir(params.cycle) / "index.html").is_file(),
            ),
        )
    site = render_site()
    seconds = time.perf_counter() - started
    leaked = sum(len(v) for v in leaks.values())
    say(
        f"[render] {params.cycle}: analytical report in {', '.join(langs)} "
        f"({len(pdfs)} PDF, {len(shots)} screenshots) {seconds:.1f} s  "
        f"{folder / ('index.' + langs[0] + '.html')}"
        + (
            f"; {leaked} untranslated words: {sorted({w for v in leaks.values() for w in v})[:8]}"
            if leaked
            else ""
        )
    )
    return {
        "reports": reports,
        "pdfs": pdfs,
        "screenshots": shots,
        "untranslated": leaks,
        "seconds": seconds,
        "site": site,
    }


def _local_links_as_text(html: str) -> str:
    """Drop the ``href`` of links to local files: a printed PDF would hold them as absolute
    ``file:///`` paths of this machine (web and in-page links are kept).

    >>> _local_links_as_text('<a href="../html/frame.ky.html">x</a> <a href="#s1">y</a>')
    '<a>x</a> <a href="#s1">y</a>'
    """
    return re.sub(r'\shref="(?!https?:|#|mailto:)[^"]*"', "", html)


def render_site(root: Path | None = None) -> Path:
    """The site's front page (``outputs/index.html``, ``index.<lang>.html``) over every
    rendered cycle, and the results database. Returns the front page."""
    from workbench.paths import outputs_root

    root = Path(root or outputs_root())
    cycles = read_meta(root)
    for lang in LANGS:
        write_text(root / f"index.{lang}.html", front_page(cycles, lang))
    front = write_text(root / "index.html", front_page(cycles, LANGS[0]))
    build_results_db(root)
    return front


def _downloads(cycle: str, bundle) -> list[str]:
    """Write a CSV of each public table and the codebook; return the links (relative to the
    publication folder), the Excel workbook first when the results stage wrote it."""
    from workbench.paths import cycle_dir

    tables = cycle_dir(cycle) / "tables"
    links = ["../tables/results.xlsx"] if (tables / "results.xlsx").is_file() else []
    for name in (*PUBLIC_TABLES, "codebook"):
        table = bundle.tables.get(name)
        if table is None:
            continue
        path = tables / ("codebook.csv" if name == "codebook" else f"csv/{name}.csv")
        write_with(path, lambda tmp, t=table: t.to_csv(tmp, index=False, encoding="utf-8"))
        links.append(f"../tables/{path.relative_to(tables).as_posix()}")
    return links


def run_command(args) -> int:
    """Run ``workbench render``: one line of what was written; errors as one line, exit 2."""
    import sys

    from workbench.params import ParamsError, load_params

    try:
        render_cycle(
            load_params(args.params),
            languages=args.lang,
            pdf=not args.no_pdf,
            screenshots=not args.no_pdf,
        )
    except (ParamsError, ValueError, KeyError, OSError, RuntimeError) as err:
        print(f"workbench: {' '.join(str(err).split())}", file=sys.stderr)
        return 2
    return 0


def render_after_run(params, say) -> str | None:
    """What the runner calls after the stages: render, and return an error line or ``None``
    (a failed render never hides the stages' results, and is never silent)."""
    try:
        render_cycle(params, echo=say)
    except Exception as err:  # noqa: BLE001 - any failure is reported as the run's error
        return f"render: {type(err).__name__}: {' '.join(str(err).split())}"
    return None
