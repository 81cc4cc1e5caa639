"""Checks of a rendered page: untranslated words, broken links, code cells, outside requests.

Used by the tests and by :func:`workbench.publish.render.render_cycle`, which counts what it
finds in every page it writes.

Examples
--------
>>> untranslated('<p>Орточо балл 500 <code translate="no">student_results</code></p>', "ky")
[]
>>> untranslated("<p>Орточо score</p>", "ru")
['score']
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

__all__ = ["untranslated", "links", "broken_links", "ALLOWED"]

#: Latin words a Kyrgyz or Russian page may show: names of studies, methods and formats
ALLOWED = frozenset(
    {
        "IEA",
        "PIRLS",
        "TIMSS",
        "PISA",
        "SE",
        "JK2",
        "ICC",
        "IRT",
        "EAP",
        "WLE",
        "PDF",
        "CSV",
        "Excel",
        "DuckDB",
        "R²",
        "SD",
        "UTC",
        "OECD",
        "Holm",
        "SHA-256",
    }
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*[A-Za-z0-9]")
_SKIP = {"style", "script", "code", "kbd", "samp", "pre"}


class _Text(HTMLParser):
    """Visible text of a page, without elements marked ``translate="no"`` or code."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []
        self.parts: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("href", "src"):
            if attrs.get(key):
                self.hrefs.append(attrs[key])
        if tag in {"meta", "link", "br", "img", "input", "hr", "circle", "line", "rect", "path"}:
            if attrs.get("alt") and not self._hidden():
                self.parts.append(attrs["alt"])
            return
        hidden = tag in _SKIP or attrs.get("translate") == "no"
        self.stack.append(hidden)
        for key in ("aria-label", "title", "alt"):
            if attrs.get(key) and not self._hidden():
                self.parts.append(attrs[key])

    def handle_startendtag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("href", "src"):
            if attrs.get(key):
                self.hrefs.append(attrs[key])

    def handle_endtag(self, tag):
        if tag in {"meta", "link", "br", "img", "input", "hr", "circle", "line", "rect", "path"}:
            return
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not self._hidden():
            self.parts.append(data)

    def _hidden(self) -> bool:
        return any(self.stack)


def untranslated(page: str, lang: str, *, allowed: frozenset[str] = ALLOWED) -> list[str]:
    """Latin-script words in the visible text of a ``ky`` or ``ru`` page (outside codes and
    ``translate="no"`` elements) that are not in ``allowed``; ``[]`` for an ``en`` page."""
    if lang == "en":
        return []
    parser = _Text()
    parser.feed(page)
    text = " ".join(parser.parts)
    return [w for w in _WORD.findall(text) if w not in allowed]


def links(page: str) -> list[str]:
    """Every ``href`` and ``src`` of a page."""
    parser = _Text()
    parser.feed(page)
    return parser.hrefs


def broken_links(path: Path) -> list[str]:
    """Links of the page at ``path`` that do not resolve to a file (fragments must name an
    ``id`` of the target page); any ``http(s)://`` link counts as broken (the site works from
    a USB stick)."""
    path = Path(path)
    page = path.read_text(encoding="utf-8")
    bad = []
    for href in links(page):
        url = urlparse(href)
        if url.scheme in ("http", "https") or href.startswith("//"):
            bad.append(href)
            continue
        if url.scheme in ("mailto", "data"):
            continue
        target = path if not url.path else (path.parent / unquote(url.path)).resolve()
        if not target.is_file():
            bad.append(href)
            continue
        if url.fragment and target.suffix == ".html":
            text = target.read_text(encoding="utf-8") if target != path else page
            if f'id="{url.fragment}"' not in text:
                bad.append(href)
    return bad
