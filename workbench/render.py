"""HTML for reviewers: stage reports with code hidden, and the cycle's index page."""

from __future__ import annotations

import html

import nbformat
from nbconvert import HTMLExporter

from workbench.labels import label
from workbench.report import HEADLINE_MIME, provenance_html

__all__ = ["notebook_html", "headlines_of", "index_html"]

_CSS = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; margin: 2em auto; max-width: 1100px;
       color: #222; }
table { border-collapse: collapse; } th, td { border-bottom: 1px solid #ddd; padding: 4px 10px; }
th { text-align: left; background: #f5f5f5; } .ok { color: #1a7f37; } .failed { color: #c62828; }
.skipped { color: #555; } .not_run { color: #999; } small { color: #666; }
"""


def notebook_html(notebook: nbformat.NotebookNode, *, title: str, manifest: dict,
                  lang: str) -> str:
    """Render an executed notebook as HTML with no code, ending with the run's provenance.

    Cells tagged ``notes`` (researchers' notes in the notebook) are left out.
    """
    shown = nbformat.from_dict(notebook)
    shown.cells = [cell for cell in shown.cells
                   if "notes" not in cell.get("metadata", {}).get("tags", [])]
    shown.cells.append(nbformat.v4.new_code_cell(source="", outputs=[nbformat.v4.new_output(
        "display_data", data={"text/html": provenance_html(manifest, lang)})]))
    for cell in shown.cells:
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(HEADLINE_MIME, None)
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(shown, resources={"metadata": {"name": title}})
    return body.replace("<html>", f'<html lang="{lang}">', 1)


def headlines_of(notebook: nbformat.NotebookNode) -> list[dict]:
    """The headline figures a notebook displayed with :func:`workbench.report.headline`."""
    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if HEADLINE_MIME in data:
                found.append(dict(data[HEADLINE_MIME]))
    return found


def index_html(*, title: str, cycle: str, lang: str, stages: list[dict],
               manifest: dict) -> str:
    """The cycle's front page: every stage with its status, headline figures and report link.

    ``stages`` items: ``name, status, finished, html (relative path or None), headlines, error,
    reason`` (why the last run ran or skipped the stage).
    """
    head = "".join(f"<th>{html.escape(label(k, lang))}</th>"
                   for k in ("stage", "status", "finished", "headline", "report"))
    rows = [_stage_row(stage, lang) for stage in stages]
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
            f"<h1>{html.escape(title)}</h1><p><small>{html.escape(cycle)}</small></p>"
            f"<table><tr>{head}</tr>{''.join(rows)}</table>"
            f"{provenance_html(manifest, lang)}</body></html>")


def _stage_row(stage: dict, lang: str) -> str:
    name = html.escape(label(f"stage_{stage['name']}", lang))
    status = stage["status"]
    figures = "<br>".join(f"{html.escape(h['label'])}: <b>{html.escape(h['text'])}</b>"
                          for h in stage.get("headlines", []))
    if stage.get("error"):
        figures += f"<br><small>{html.escape(stage['error'])}</small>"
    elif stage.get("reason"):          # why the last run ran or skipped the stage
        figures += f"<br><small>{html.escape(stage['reason'])}</small>"
    link = (f'<a href="{html.escape(stage["html"])}">{html.escape(label("report", lang))}</a>'
            if stage.get("html") else "–")
    return (f"<tr><td>{name}</td><td class='{status}'>{html.escape(label(status, lang))}</td>"
            f"<td>{html.escape(_when(stage.get('finished')))}</td><td>{figures or '–'}</td>"
            f"<td>{link}</td></tr>")



def _when(iso: str | None) -> str:
    """``2026-11-24T04:14:38+00:00`` -> ``2026-11-24 04:14 UTC``."""
    return f"{iso[:10]} {iso[11:16]} UTC" if iso else "–"
