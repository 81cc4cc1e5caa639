"""HTML for reviewers: stage reports with code hidden, and the cycle's index page."""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from workbench.atomic import write_text
from workbench.labels import label
from workbench.report import (
    HEADLINE_MIME,
    I18N_MIME,
    format_number,
    localized_html,
    provenance_html,
)

__all__ = ["notebook_html", "headlines_of", "index_html", "index_pages", "stage_html_name"]

_CSS = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; margin: 2em auto; max-width: 1100px;
       color: #222; }
table { border-collapse: collapse; } th, td { border-bottom: 1px solid #ddd; padding: 4px 10px; }
th { text-align: left; background: #f5f5f5; } .ok { color: #1a7f37; } .failed { color: #c62828; }
.skipped { color: #555; } .not_run { color: #999; } small { color: #666; }
"""


def stage_html_name(stage: str, lang: str | None = None) -> str:
    """The file name of a stage's technical report: ``<stage>.<lang>.html`` (``<stage>.html``
    without a language: the cycle's own language, kept for old links).

    Examples
    --------
    >>> stage_html_name("weights", "ru"), stage_html_name("weights")
    ('weights.ru.html', 'weights.html')
    """
    return f"{stage}.{lang}.html" if lang else f"{stage}.html"


def notebook_html(
    notebook: nbformat.NotebookNode,
    *,
    title: str,
    manifest: dict,
    lang: str,
    stage: str | None = None,
    languages: list[str] | tuple = (),
) -> str:
    """Render an executed notebook as HTML in ``lang`` with no code and no kernel, ending with
    the run's provenance.

    Every output that carries its data (:data:`workbench.report.I18N_MIME`) is rendered in
    ``lang`` from them; cells tagged ``notes`` (researchers' notes in the notebook) are left
    out. With ``stage`` and more than one of ``languages``, a line of links leads to the same
    report in the other languages (``<stage>.<lang>.html``).
    """
    shown = nbformat.from_dict(notebook)
    shown.cells = [
        cell for cell in shown.cells if "notes" not in cell.get("metadata", {}).get("tags", [])
    ]
    shown.cells.append(
        nbformat.v4.new_code_cell(
            source="",
            outputs=[
                nbformat.v4.new_output(
                    "display_data", data={"text/html": provenance_html(manifest, lang)}
                )
            ],
        )
    )
    for cell in shown.cells:
        cell["outputs"] = [o for o in cell.get("outputs", []) if not _repr_only(o)]
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            spec = data.get(I18N_MIME)
            if spec is not None:
                output["data"] = localized_html(spec, lang)
            data = output.get("data", {})
            data.pop(HEADLINE_MIME, None)
    if stage and len(languages) > 1:
        names = {x: html.escape(label(x + "_name", x)) for x in languages}
        links = " · ".join(
            f'<a href="{stage_html_name(stage, x)}" lang="{x}">{names[x]}</a>'
            if x != lang
            else f"<b>{names[x]}</b>"
            for x in languages
        )
        shown.cells.insert(
            0,
            nbformat.v4.new_code_cell(
                source="",
                outputs=[
                    nbformat.v4.new_output(
                        "display_data",
                        data={
                            "text/html": (
                                f'<nav class="sapat-languages" translate="no">{links}</nav>'
                            )
                        },
                    )
                ],
            ),
        )
    exporter = HTMLExporter(
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    body, _ = exporter.from_notebook_node(shown, resources={"metadata": {"name": title}})
    return re.sub(r'<html(\s+lang="[^"]*")?>', f'<html lang="{lang}">', body, count=1)


def _repr_only(output: dict) -> bool:
    """A cell's value shown only as its Python repr (``PosixPath(...)``, ``<Figure ...>``):
    a by-product of the code, not part of the report."""
    return output.get("output_type") == "execute_result" and set(output.get("data", {})) == {
        "text/plain"
    }


def headlines_of(notebook: nbformat.NotebookNode) -> list[dict]:
    """The headline figures a notebook displayed with :func:`workbench.report.headline`."""
    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if HEADLINE_MIME in data:
                found.append(
                    {**data[HEADLINE_MIME], "digits": data.get(I18N_MIME, {}).get("digits", 0)}
                )
    return found


def index_pages(
    folder: Path, *, titles: dict[str, str], cycle: str, stages: list[dict], manifest: dict
) -> Path:
    """Write the cycle's front page in each report language and return ``index.html``.

    ``titles``: the cycle's title per report language, the cycle's own language first.
    ``index.<lang>.html`` links that language's stage reports (``html/<stage>.<lang>.html``);
    ``index.html`` is the page of the first language, linking ``html/<stage>.html`` (old
    links keep working). Each page leads to the others.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> page = index_pages(folder, titles={"ky": "Цикл", "en": "Cycle"}, cycle="demo",
    ...                    stages=[], manifest={})
    >>> page.name, sorted(p.name for p in folder.glob("index.*.html"))
    ('index.html', ['index.en.html', 'index.ky.html'])
    """
    languages = list(titles)

    def page(lang: str, shown: list[dict]) -> str:
        return index_html(
            title=titles[lang],
            cycle=cycle,
            lang=lang,
            stages=shown,
            manifest=manifest,
            languages=languages,
        )

    for lang in languages:
        linked = [
            {**stage, "html": _stage_link(folder, stage, lang) if stage.get("html") else None}
            for stage in stages
        ]
        write_text(folder / f"index.{lang}.html", page(lang, linked))
    return write_text(folder / "index.html", page(languages[0], stages))


def _stage_link(folder: Path, stage: dict, lang: str) -> str | None:
    """``html/<stage>.<lang>.html`` when that page exists."""
    name = f"html/{stage_html_name(stage['name'], lang)}"
    return name if (folder / name).is_file() else None


def index_html(
    *,
    title: str,
    cycle: str,
    lang: str,
    stages: list[dict],
    manifest: dict,
    languages: list[str] | tuple = (),
) -> str:
    """The cycle's front page in ``lang``: every stage with its status, headline figures and
    report link, and links to the page in the other ``languages`` (``index.<lang>.html``).

    ``stages`` items: ``name, status, finished, html (relative path or None), headlines, error,
    reason`` (why the last run ran or skipped the stage: the runner's English phrase, shown on
    the English page only).
    """
    head = "".join(
        f"<th>{html.escape(label(k, lang))}</th>"
        for k in ("stage", "status", "finished", "headline", "report")
    )
    rows = [_stage_row(stage, lang) for stage in stages]
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f"{_index_languages(lang, languages)}"
        f'<h1>{html.escape(title)}</h1><p><small><code translate="no">{html.escape(cycle)}'
        f"</code></small></p>"
        f"<table><tr>{head}</tr>{''.join(rows)}</table>"
        f"{provenance_html(manifest, lang)}</body></html>"
    )


def _index_languages(lang: str, languages: list[str] | tuple) -> str:
    """Links to the cycle's front page in the other languages (none with one language)."""
    if len(languages) < 2:
        return ""
    links = " · ".join(
        f'<a href="index.{x}.html" lang="{x}">{html.escape(label(x + "_name", x))}</a>'
        if x != lang
        else f"<b>{html.escape(label(x + '_name', x))}</b>"
        for x in languages
    )
    return f'<nav class="sapat-languages" translate="no">{links}</nav>'


def _stage_row(stage: dict, lang: str) -> str:
    name = html.escape(label(f"stage_{stage['name']}", lang))
    status = stage["status"]
    figures = "<br>".join(
        f"{html.escape(label(h['key'], lang))}: <b>"
        f"{html.escape(format_number(h['value'], lang, h.get('digits', 0)))}</b>"
        for h in stage.get("headlines", [])
    )
    if stage.get("error"):  # the runner's message: English, shown as program output
        figures += f'<br><small><code translate="no">{html.escape(stage["error"])}</code></small>'
    elif stage.get("reason") and lang == "en":  # why the last run ran or skipped the stage
        figures += f"<br><small>{html.escape(stage['reason'])}</small>"
    link = (
        f'<a href="{html.escape(stage["html"])}">{html.escape(label("report", lang))}</a>'
        if stage.get("html")
        else "–"
    )
    return (
        f"<tr><td>{name}</td><td class='{status}'>{html.escape(label(status, lang))}</td>"
        f"<td>{html.escape(_when(stage.get('finished')))}</td><td>{figures or '–'}</td>"
        f"<td>{link}</td></tr>"
    )


def _when(iso: str | None) -> str:
    """``2026-11-24T04:14:38+00:00`` -> ``2026-11-24 04:14 UTC``."""
    return f"{iso[:10]} {iso[11:16]} UTC" if iso else "–"
