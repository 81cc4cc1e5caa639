"""The reviewers' site: ``outputs/index.html`` and each cycle's publication page.

Plain HTML with relative links only (it opens from a USB stick: no server, no CDN): the
site's front page lists every cycle found under ``outputs/`` with its headline figures; a
cycle's page (``outputs/<cycle>/publication/index.<lang>.html``) links the analytical report
in each language (and its PDF), the technical stage reports, the downloads (the Excel
workbook, a CSV of each public table, the codebook) and the provenance.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from workbench.labels import label
from workbench.publish._text import LANGS, num, say
from workbench.publish.document import CSS

__all__ = ["cycle_page", "front_page", "headlines", "read_meta"]


def headlines(tables: dict, lang: str) -> list[tuple[str, str]]:
    """``(label, figure)`` pairs: national mean (CI), % at or above 400, girls − boys, change."""
    out = []
    dist, bench = tables.get("results_distribution"), tables.get("results_benchmarks")
    gaps, trend = tables.get("results_gaps"), tables.get("results_trend")
    if dist is not None and len(dist):
        row = dist[(dist["group_var"] == "all") & (dist["statistic"] == "mean")]
        if len(row):
            r = row.iloc[0]
            out.append(
                (
                    say("col_mean", lang),
                    f"{num(r['estimate'], lang)} "
                    f"({num(r['ci_lower'], lang)} – {num(r['ci_upper'], lang)})",
                )
            )
    if bench is not None and len(bench):
        row = bench[
            (bench["group_var"] == "all")
            & (bench["measure"] == "at_or_above")
            & (bench["lower"] == 400)
        ]
        if len(row):
            out.append(("≥ 400, %", num(row["estimate"].iloc[0], lang)))
    if gaps is not None and len(gaps):
        row = gaps[gaps["comparison"] == "girls_boys"]
        if len(row):
            r = row.iloc[0]
            out.append(
                (
                    label("girls_boys", lang),
                    f"{num(r['estimate'], lang)} {r.get('symbol') or ''}".strip(),
                )
            )
    if trend is not None and len(trend):
        row = trend[(trend["statistic"] == "mean") & (trend["group_var"] == "all")]
        if len(row):
            r = row.iloc[0]
            out.append(
                (
                    say("site_trend", lang),
                    f"{num(r['difference'], lang)} {r.get('symbol') or ''}".strip(),
                )
            )
    return out


def cycle_page(
    meta: dict,
    lang: str,
    *,
    downloads: list[str],
    stages: list[str],
    pdfs: dict[str, bool],
    stage_index: bool = True,
) -> str:
    """The cycle's page in ``lang`` (relative links from ``outputs/<cycle>/publication/``)."""
    title = _title(meta, lang)
    reports = "".join(
        f'<li><a href="report.{x}.html" lang="{x}" translate="no">'
        f"{html.escape(say('lang_' + x, x))}"
        f"</a>"
        + (
            f' · <a href="report.{x}.pdf">{say("site_pdf", lang)}</a>'
            if pdfs.get(x)
            else f" · <small>{html.escape(say('site_no_pdf', lang))}</small>"
        )
        + "</li>"
        for x in meta["languages"]
    )
    technical = "".join(
        f'<li><a href="../html/{s}.{lang}.html">{html.escape(label("stage_" + s, lang))}</a></li>'
        for s in stages
    )
    files = "".join(
        f'<li><a href="{html.escape(d)}">{html.escape(_download_name(d, lang))}</a> '
        f'<code translate="no">{html.escape(Path(d).name)}</code></li>'
        for d in downloads
    )
    figures = _headline_list(meta.get("headlines", {}).get(lang, []))
    body = (
        f"<h2>{html.escape(say('site_headlines', lang))}</h2>{figures}"
        f"<h2>{html.escape(say('site_reports', lang))}</h2><ul>{reports}</ul>"
        f"<h2>{html.escape(say('site_technical', lang))}</h2><ul>{technical}</ul>"
        f"<h2>{html.escape(say('site_downloads', lang))}</h2><ul>{files}</ul>"
        f"<h2>{html.escape(say('provenance', lang))}</h2><ul>"
        + (
            f'<li><a href="../{_stage_index(lang, meta["languages"])}">'
            f"{html.escape(say('site_stages', lang))}</a></li>"
            if stage_index
            else ""
        )
        + f'<li><a href="report.{lang if lang in meta["languages"] else meta["languages"][0]}'
        f'.html#provenance">{html.escape(say("provenance", lang))}</a></li></ul>'
    )
    nav = _nav(lang, home="../../", here="", languages=LANGS)
    return _page(f"{title} · {meta.get('year', '')}", lang, nav, body)


def _stage_index(lang: str, languages: list[str]) -> str:
    """The cycle's stage index in ``lang`` (``index.<lang>.html``) when the cycle reports in
    it, else its own (``index.html``)."""
    return f"index.{lang}.html" if lang in languages else "index.html"


def front_page(cycles: list[dict], lang: str) -> str:
    """``outputs/index.<lang>.html``: every cycle with its headline figures and links."""
    rows = []
    for meta in cycles:
        link = f"{meta['cycle']}/publication/index.{lang}.html"
        report_lang = lang if lang in meta["languages"] else meta["languages"][0]
        rows.append(
            f'<tr><td><a href="{link}">{html.escape(_title(meta, lang))}</a>'
            f'<br><code translate="no">{html.escape(meta["cycle"])}</code></td>'
            f'<td class="num">{meta.get("year", "")}</td>'
            f"<td>{_headline_list(meta.get('headlines', {}).get(lang, []))}</td>"
            f'<td><a href="{meta["cycle"]}/publication/report.{report_lang}.html">'
            f"{html.escape(say('site_reports', lang))}</a></td></tr>"
        )
    head = "".join(
        f'<th scope="col">{html.escape(say(k, lang))}</th>'
        for k in ("site_cycle", "site_year", "site_headlines", "site_reports")
    )
    body = (
        f"<h2>{html.escape(say('site_cycles', lang))}</h2>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f'<p><a href="results.duckdb">{html.escape(say("site_database", lang))}</a> '
        f'<code translate="no">results.duckdb</code></p>'
    )
    return _page(say("site_title", lang), lang, _nav(lang, home="", here="", languages=LANGS), body)


def read_meta(root: Path) -> list[dict]:
    """The ``publication/meta.json`` of every cycle under ``root``, by year then id."""
    found = []
    for path in sorted(Path(root).glob("*/publication/meta.json")):
        try:
            found.append(json.loads(path.read_text(encoding="utf-8")))
        except ValueError:
            continue
    return sorted(found, key=lambda m: (m.get("year") or 0, m["cycle"]))


def _headline_list(items: list) -> str:
    if not items:
        return "–"
    return (
        '<ul class="headlines">'
        + "".join(f"<li>{html.escape(k)}: <b>{html.escape(v)}</b></li>" for k, v in items)
        + "</ul>"
    )


def _download_name(path: str, lang: str) -> str:
    name = Path(path).name
    if name.endswith(".xlsx"):
        return say("site_workbook", lang)
    if name == "codebook.csv":
        return say("site_codebook", lang)
    table = name.removesuffix(".csv").removeprefix("results_")
    key = f"ex_{table}" if f"ex_{table}" in _words() else None
    return f"{say('site_csv', lang)}: " + (say(key, lang) if key else say("table_only", lang))


def _words() -> dict:
    from workbench.publish._text import words

    return words()


def _nav(lang: str, *, home: str, here: str, languages) -> str:
    switch = " ".join(
        f'<a href="{here}index.{x}.html" lang="{x}" translate="no"'
        f"{' aria-current=page' if x == lang else ''}>"
        f"{html.escape(say('lang_' + x, x))}</a>"
        for x in languages
    )
    return (
        f'<nav class="top"><a href="{home}index.{lang}.html">'
        f'{html.escape(say("site_home", lang))}</a><span class="langs">'
        f"{html.escape(say('site_language', lang))}: {switch}</span></nav>"
    )


def _title(meta: dict, lang: str) -> str:
    """The cycle's title in ``lang`` (``meta["title"]``: one text or one per language)."""
    given = meta.get("title") or meta["cycle"]
    return given.get(lang) or next(iter(given.values())) if isinstance(given, dict) else given


def _page(title: str, lang: str, nav: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>{nav}"
        f"<header><h1>{html.escape(title)}</h1></header><main>{body}</main></body></html>"
    )
