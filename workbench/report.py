"""What reviewers see: labelled tables, headline figures, plot style, provenance.

Notebooks call these so that every report speaks the cycle's language, shows
its Ns, and looks the same.

Examples
--------
>>> import pandas as pd
>>> styled = table(pd.DataFrame({"region": ["chui"], "schools": [400]}), lang="en")
>>> "Chui" in styled.to_html() and "Schools" in styled.to_html()
True
"""

from __future__ import annotations

import html
import json
import numbers
from functools import cache, partial
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from workbench.labels import label, labels_for

__all__ = ["HEADLINE_MIME", "Headline", "text", "table", "headline", "setup_plots",
           "provenance_html", "format_number"]

#: MIME type of the invisible part of :func:`headline`; the runner collects it for the index
HEADLINE_MIME = "application/vnd.sapat.headline+json"


def text(stage: str, key: str, *, lang: str, **values: object):
    """A paragraph of a stage's narrative in the report language, as Markdown for display.

    The texts live in ``workbench/texts/<stage>.yaml`` (one entry per key, ``ky``, ``ru``, ``en``).

    Examples
    --------
    >>> text("frame", "checks", lang="en").data
    '## Register data-quality checks'
    """
    from IPython.display import Markdown

    entries = _texts(stage)
    if key not in entries:
        raise KeyError(f"text: no text {key!r} for stage {stage!r}; keys are {', '.join(entries)}")
    return Markdown(entries[key][lang].format(**values))


@cache
def _texts(stage: str) -> dict:
    path = Path(__file__).parent / "texts" / f"{stage}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def format_number(value: object, lang: str, digits: int = 0) -> str:
    """Thousands with a thin space (ky, ru) or a comma (en); decimal comma in ky and ru.

    Examples
    --------
    >>> format_number(150000, "ky"), format_number(12.345, "ru", 1), format_number(1234, "en")
    ('150\\u202f000', '12,3', '1,234')
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return label("yes" if value else "no", lang)
    if not isinstance(value, numbers.Real):
        return str(value)
    text = f"{value:,.{digits}f}"
    if lang == "en":
        return text
    return text.replace(",", "\u202f").replace(".", ",")


def table(data: pd.DataFrame, *, lang: str, caption: str | None = None,
          digits: dict[str, int] | None = None, verbatim: tuple[str, ...] = (),
          suppress_below: int | None = None):
    """A labelled, formatted table for a report (a pandas ``Styler``).

    Column names and code values (regions, languages, ...) are translated, except in the
    ``verbatim`` columns (IDs, raw values); integers get thousands separators; floats 1 decimal
    unless ``digits`` says otherwise. Text is left-aligned, numbers right-aligned. The data are
    not rounded, only their display.

    ``suppress_below`` (the cycle's threshold): in a table with an unweighted count column
    ``n``, rows with ``n`` below it show no estimate and a note saying why
    (:func:`workbench.disclosure.suppress_small_cells`); tables without ``n`` are not cell
    tables and are shown as they are.
    """
    if suppress_below is not None and "n" in data.columns:
        from workbench.disclosure import suppress_small_cells

        had_note = "note" in data.columns
        data = suppress_small_cells(data, min_n=suppress_below, lang=lang)
        if not had_note and not (data["note"] != "").any():
            data = data.drop(columns="note")
        verbatim = (*verbatim, "note")
    digits = digits or {}
    shown = data.copy()
    text_columns = [c for c in shown.columns if not pd.api.types.is_numeric_dtype(shown[c])]
    for column in text_columns:
        translate = column not in verbatim
        shown[column] = shown[column].map(
            lambda v, t=translate: "–" if pd.isna(v) else (label(v, lang) if t else str(v)))
    formats = {label(column, lang): partial(format_number, lang=lang,
                                            digits=_digits(data[column], digits.get(column)))
               for column in data.columns if pd.api.types.is_numeric_dtype(data[column])}
    shown = shown.rename(columns=labels_for(shown.columns, lang))
    styler = shown.style.format(formats).hide(axis="index")
    styler = styler.set_properties(subset=[label(c, lang) for c in text_columns],
                                   **{"text-align": "left"})
    styler = styler.set_properties(subset=list(formats), **{"text-align": "right"})
    if caption:
        styler = styler.set_caption(html.escape(caption))
    return styler.set_table_styles(_TABLE_CSS)


def headline(key: str, value: float | int | str, *, lang: str, digits: int = 0) -> Headline:
    """Show a headline figure in the report and hand it to the runner's index page.

    Examples
    --------
    >>> headline("schools", 2400, lang="en")._repr_mimebundle_()["text/html"]
    '<div class="sapat-headline"><span>Schools:</span> <b>2,400</b></div>'
    """
    return Headline(key, value, lang, digits)


class Headline:
    """A headline figure: visible HTML plus a JSON part (:data:`HEADLINE_MIME`) for the runner."""

    def __init__(self, key: str, value: float | int | str, lang: str, digits: int = 0):
        self.key, self.value, self.lang = key, value, lang
        self.text = format_number(value, lang, digits)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        name = label(self.key, self.lang)
        shown = (f'<div class="sapat-headline"><span>{html.escape(name)}:</span> '
                 f"<b>{html.escape(self.text)}</b></div>")
        value = self.value if isinstance(self.value, (int, float, str)) else str(self.value)
        data = {"key": self.key, "label": name, "value": value, "text": self.text}
        return {"text/html": shown, HEADLINE_MIME: data}


def setup_plots() -> None:
    """Seaborn's clean style with a font that has Kyrgyz letters (ң, ө, ү)."""
    import matplotlib as mpl
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook", font="DejaVu Sans")
    mpl.rcParams.update({"figure.dpi": 96, "savefig.dpi": 144, "figure.figsize": (8, 4.5),
                         "axes.titleweight": "bold"})


def provenance_html(manifest: dict, lang: str) -> str:
    """An HTML block with a run's provenance: run id, commit, parameters, inputs, packages."""
    def row(key: str, value: str) -> str:
        return (f'<tr><th style="text-align:left">{html.escape(label(key, lang))}</th>'
                f'<td style="text-align:left">{value}</td></tr>')

    inputs = "<br>".join(f"<code>{html.escape(name)}</code> sha256 {digest[:16]}…"
                         for name, digest in manifest.get("inputs", {}).items()) or "–"
    packages = ", ".join(f"{name} {version}" for name, version in
                         manifest.get("packages", {}).items())
    params = html.escape(json.dumps(manifest.get("parameters", {}), ensure_ascii=False))
    rows = [row("run_id", html.escape(manifest.get("run_id", ""))),
            row("git_commit", html.escape(manifest.get("git_commit", "") or "–")),
            row("parameters", f"<code>{params}</code>"),
            row("inputs", inputs),
            row("packages", html.escape(packages))]
    return (f'<section class="sapat-provenance" style="text-align:left; font-size:90%">'
            f'<h2>{html.escape(label("provenance", lang))}</h2>'
            f'<table style="text-align:left">{"".join(rows)}</table></section>')


def _digits(column: pd.Series, given: int | None) -> int:
    if given is not None:
        return given
    return 0 if pd.api.types.is_integer_dtype(column) else 1


_TABLE_CSS = [
    {"selector": "caption", "props": "caption-side: top; font-weight: bold; text-align: left;"},
    {"selector": "td", "props": "padding: 2px 10px;"},
    {"selector": "th", "props": "text-align: left; padding: 2px 10px;"},
]
