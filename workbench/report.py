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
import importlib
import io
import json
import numbers
import string
from collections.abc import Sequence
from functools import cache, partial
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from workbench.labels import LABELS, LANGS, label, labels_for

__all__ = [
    "HEADLINE_MIME",
    "I18N_MIME",
    "Headline",
    "Text",
    "Table",
    "Figure",
    "Term",
    "text",
    "counts",
    "table",
    "split_table",
    "headline",
    "figure",
    "term",
    "setup_plots",
    "provenance_html",
    "format_number",
    "localized_html",
    "table_html",
]

#: MIME type of the invisible part of :func:`headline`; the runner collects it for the index
HEADLINE_MIME = "application/vnd.sapat.headline+json"
#: MIME type of the language-neutral DATA behind every displayed text, table, headline and
#: figure; the runner renders it in each report language with no kernel (:func:`localized_html`)
I18N_MIME = "application/vnd.sapat.i18n+json"


class Term:
    """Codes shown as their labels in each language, joined by commas (a text value).

    Examples
    --------
    >>> Term(("batken", "chui")).render("ru")
    'Баткенская обл., Чуйская обл.'
    """

    def __init__(self, keys: tuple):
        self.keys = tuple(str(k) for k in keys)

    def render(self, lang: str) -> str:
        return ", ".join(code_label(k, lang) for k in self.keys)

    def __format__(self, spec: str) -> str:
        return format(", ".join(self.keys), spec)


def term(*keys: object) -> Term:
    """Codes to show as labels in a text value: ``text(..., region=term("batken"))``."""
    return Term(keys)


def code_label(value: object, lang: str, headings: frozenset = frozenset()) -> str:
    """The label of a code; a compound code ``batken/rural`` is labelled part by part. A code
    among ``headings`` (the column names of its table) is shown as it is: their labels name
    columns, not values.

    Examples
    --------
    >>> code_label("batken/rural", "ru"), code_label("a", "en"), code_label("a", "en", {"a"})
    ('Баткенская обл. / село', 'a (slope)', 'a')
    """
    text_ = str(value)
    shown = text_ if text_ in headings else label(text_, lang)
    if shown == text_ and "/" in text_ and " " not in text_:
        return " / ".join(code_label(part, lang, headings) for part in text_.split("/"))
    return shown


class Text:
    """A paragraph of a stage's narrative (see :func:`text`); ``.data`` is its Markdown in
    ``lang``, the display carries the key and values for the other languages."""

    def __init__(self, stage: str, key: str, lang: str, values: dict):
        entries = _texts(stage)
        if key not in entries:
            raise KeyError(
                f"text: no text {key!r} for stage {stage!r}; keys are {', '.join(entries)}"
            )
        self.stage, self.key, self.lang, self.values = stage, key, lang, values
        self.data = self.render(lang)

    def render(self, lang: str) -> str:
        return _render_text(self.spec(), lang)

    def spec(self) -> dict:
        return {
            "kind": "text",
            "stage": self.stage,
            "key": self.key,
            "values": {k: _encode_value(v) for k, v in self.values.items()},
        }

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/markdown": self.data, I18N_MIME: self.spec()}

    def __str__(self) -> str:
        return self.data


def text(stage: str, key: str, *, lang: str, **values: object) -> Text:
    """A paragraph of a stage's narrative in the report language, as Markdown for display.

    The texts live in ``workbench/texts/<stage>.yaml`` (one entry per key, ``ky``, ``ru``, ``en``).
    Values are numbers (formatted per language when shown), :func:`term` (codes shown as labels)
    or language-neutral strings (file names, item ids).

    Examples
    --------
    >>> text("frame", "checks", lang="en").data
    '## Register data-quality checks'
    """
    return Text(stage, key, lang, values)


@cache
def _texts(stage: str) -> dict:
    path = Path(__file__).parent / "texts" / f"{stage}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def format_number(value: object, lang: str, digits: int = 0) -> str:
    """Thousands with a thin space (ky, ru) or a comma (en); decimal comma in ky and ru.

    Examples
    --------
    >>> format_number(150000, "ky"), format_number(12.345, "ru", 1), format_number(1234, "en")
    ('150\u202f000', '12,3', '1,234')
    """
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return label("yes" if value else "no", lang)
    if not isinstance(value, numbers.Real):
        return str(value)
    return _localize(f"{value:,.{digits}f}", lang)


def _localize(shown: str, lang: str) -> str:
    """English number text (``1,234.5``) in a language's conventions."""
    if lang == "en":
        return shown
    return shown.replace(",", "\u202f").replace(".", ",")


class _Formatter(string.Formatter):
    """Formats text values per language: numbers localized, terms labelled."""

    def __init__(self, lang: str):
        self.lang = lang

    def format_field(self, value: object, format_spec: str) -> str:
        if isinstance(value, Term):
            return value.render(self.lang)
        if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
            if format_spec:
                return _localize(format(value, format_spec), self.lang)
            integral = float(value).is_integer()
            return format_number(value, self.lang, 0 if integral else 2 if abs(value) < 10 else 1)
        if isinstance(value, str) and value in LABELS:  # a code: shown as its label
            return format(label(value, self.lang), format_spec)
        return format(value, format_spec)


def _encode_value(value: object) -> object:
    if isinstance(value, Term):
        return {"term": list(value.keys)}
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    return str(value)


def _decode_value(value: object) -> object:
    return Term(tuple(value["term"])) if isinstance(value, dict) and "term" in value else value


def _render_text(spec: dict, lang: str) -> str:
    template = _texts(spec["stage"])[spec["key"]][lang]
    values = {k: _decode_value(v) for k, v in spec.get("values", {}).items()}
    return _Formatter(lang).format(template, **values)


class Table:
    """A table for a report (see :func:`table`): its data and display options, rendered in
    any language by :meth:`to_html`."""

    def __init__(
        self,
        data: pd.DataFrame,
        lang: str,
        caption: Text | str | None,
        digits: dict | None,
        verbatim: tuple,
        suppress_below: int | None,
        values: dict | None,
        prefixes: dict | None,
        localized: tuple = (),
        codes: tuple = (),
    ):
        self.data, self.lang = data, lang
        self.options = {
            "caption": _caption_spec(caption),
            "digits": dict(digits or {}),
            "verbatim": list(verbatim),
            "suppress_below": suppress_below,
            "values": dict(values or {}),
            "prefixes": dict(prefixes or {}),
        }
        if localized:  # stored only when used: pages of older notebooks render as before
            self.options["localized"] = list(localized)
        if codes:
            self.options["codes"] = list(codes)

    def to_html(self, lang: str | None = None) -> str:
        return table_html(self.data, lang=lang or self.lang, **self.options)

    def spec(self) -> dict:
        return {"kind": "table", "data": frame_to_json(self.data), **self.options}

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/html": self.to_html(), I18N_MIME: self.spec()}


def split_table(
    table: pd.DataFrame, keys: Sequence[str], second: Sequence[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A table too wide for a page at 1280 px as two, each keyed by ``keys`` (those present):
    every other column, then the columns ``second`` (those present, in that order). Together
    they hold every cell of ``table``.

    Examples
    --------
    >>> t = pd.DataFrame({"year": [2026], "scale": ["trust"], "alpha": [0.8], "cfi": [0.99]})
    >>> [v.columns.tolist() for v in split_table(t, ["year", "scale"], ["cfi", "rmsea"])]
    [['year', 'scale', 'alpha'], ['year', 'scale', 'cfi']]
    """
    key = [c for c in keys if c in table.columns]
    last = [c for c in second if c in table.columns]
    rest = [c for c in table.columns if c not in key and c not in last]
    return table[key + rest].reset_index(drop=True), table[key + last].reset_index(drop=True)


def table(
    data: pd.DataFrame,
    *,
    lang: str,
    caption: Text | str | None = None,
    digits: dict[str, int] | None = None,
    verbatim: tuple[str, ...] = (),
    suppress_below: int | None = None,
    values: dict[str, str] | None = None,
    prefixes: dict[str, str] | None = None,
    localized: tuple[str, ...] = (),
    codes: tuple[str, ...] = (),
) -> Table:
    """A labelled, formatted table for a report, shown in every report language.

    Column names and code values (regions, languages, compound codes ``batken/rural``, ...) are
    translated, except in the ``verbatim`` columns (IDs, raw values); ``values`` maps a column
    to the questionnaire variable whose value labels it shows (``{"ITSEX": "ITSEX"}``);
    ``prefixes`` maps a column to the prefix of its codes' label keys (``{"step": "rc_"}``:
    code ``booklet`` shown as label ``rc_booklet``, the code itself when it has none);
    ``localized`` names columns whose text the data give per language (``term_ky``,
    ``term_ru``, ``term_en`` for ``term``): each page shows its language's, as it is;
    ``codes`` names columns of identifiers (file paths, register IDs ``S6-2025-01``): shown as
    they are and marked ``translate="no"`` (they are no words of any language);
    integers get thousands separators; floats 1 decimal unless ``digits`` says otherwise. The
    data hold codes and are not rounded, only their display. ``caption``: a :func:`text` or a
    label key.

    ``suppress_below`` (the cycle's threshold): in a table with an unweighted count column
    ``n``, rows with ``n`` below it show no estimate and a note saying why
    (:func:`workbench.disclosure.suppress_small_cells`); tables without ``n`` are not cell
    tables and are shown as they are.

    Examples
    --------
    >>> t = table(pd.DataFrame({"region": ["batken/rural"], "schools": [1200]}), lang="ru")
    >>> "Баткенская обл. / село" in t.to_html() and "1\u202f200" in t.to_html()
    True
    """
    return Table(
        data.copy(),
        lang,
        caption,
        digits,
        verbatim,
        suppress_below,
        values,
        prefixes,
        localized,
        codes,
    )


def counts(data: pd.DataFrame, column: str) -> pd.DataFrame:
    """How many rows hold each value of ``column``, most frequent first: ``<column>, n``.

    Examples
    --------
    >>> counts(pd.DataFrame({"fate": ["read", "read", "rejected"]}), "fate").values.tolist()
    [['read', 2], ['rejected', 1]]
    """
    return data[column].value_counts().rename_axis(column).rename("n").reset_index()


def _caption_spec(caption: Text | str | None) -> dict | None:
    if caption is None:
        return None
    if isinstance(caption, Text):
        return caption.spec()
    return {"kind": "label", "key": str(caption)}


def _caption(spec: dict | None, lang: str) -> str | None:
    if spec is None:
        return None
    if spec["kind"] == "label":
        return label(spec["key"], lang)
    return " ".join(_render_text(spec, lang).lstrip("#").split())


def table_html(
    data: pd.DataFrame,
    *,
    lang: str,
    caption: dict | None = None,
    digits: dict[str, int] | None = None,
    verbatim: tuple | list = (),
    suppress_below: int | None = None,
    values: dict | None = None,
    prefixes: dict | None = None,
    localized: tuple | list = (),
    codes: tuple | list = (),
) -> str:
    """The HTML of :func:`table` in ``lang`` (``caption`` as stored: a text or label spec)."""
    data = _in_language(data, localized, lang)
    verbatim = (*verbatim, *localized, *codes)
    if suppress_below is not None and "n" in data.columns:
        from workbench.disclosure import suppress_small_cells

        had_note = "note" in data.columns
        data = suppress_small_cells(data, min_n=suppress_below, lang=lang)
        if not had_note and not (data["note"] != "").any():
            data = data.drop(columns="note")
        verbatim = (*verbatim, "note")
    digits = digits or {}
    shown = data.copy()
    for column, variable in (values or {}).items():
        from workbench.scaling import value_labels

        words = value_labels(variable, lang)
        shown[column] = shown[column].map(lambda v, w=words: w.get(v, v) if pd.notna(v) else v)
    for column, prefix in (prefixes or {}).items():
        shown[column] = shown[column].map(lambda v, p=prefix: _prefixed(v, p, lang))
    text_columns = [c for c in shown.columns if not pd.api.types.is_numeric_dtype(shown[c])]
    headings = frozenset(str(c) for c in shown.columns)
    for column in text_columns:
        translate = column not in verbatim
        shown[column] = shown[column].map(
            lambda v, t=translate: (
                "–" if _missing(v) else (code_label(v, lang, headings) if t else str(v))
            )
        )
    formats = {
        label(column, lang): partial(
            format_number, lang=lang, digits=_digits(shown[column], digits.get(column))
        )
        for column in shown.columns
        if pd.api.types.is_numeric_dtype(shown[column])
    }
    shown = shown.rename(columns=labels_for(shown.columns, lang))
    styler = shown.style.format(formats, escape="html").hide(axis="index")  # text as text
    styler = styler.format_index(escape="html", axis=1)
    identifiers = [label(c, lang) for c in codes if c in text_columns]
    if identifiers:  # only these columns: a format without subset resets the others
        styler = styler.format(_identifier, subset=identifiers)
    tokens = [c for c in identifiers if shown[c].str.fullmatch(r"\S{1,16}").all()]
    if tokens:  # IDs and dates (S6-2025-01, 2026-06-30) are not broken at their hyphens
        styler = styler.set_properties(subset=tokens, **{"white-space": "nowrap"})
    styler = styler.set_properties(
        subset=[label(c, lang) for c in text_columns], **{"text-align": "left"}
    )
    styler = styler.set_properties(subset=list(formats), **{"text-align": "right"})
    words = _caption(caption, lang)
    if words:
        styler = styler.set_caption(html.escape(words))
    return styler.set_table_styles(_TABLE_CSS).to_html()


def _identifier(value: str) -> str:
    """A cell of an identifier column: as it is, not to be translated."""
    return value if value == "–" else f'<span translate="no">{html.escape(value)}</span>'


def _in_language(data: pd.DataFrame, columns, lang: str) -> pd.DataFrame:
    """Each ``<column>_<lang>`` of ``columns`` as ``<column>``; the other languages' dropped."""
    if not columns:
        return data
    names = {f"{c}_{lang}": c for c in columns}
    others = [f"{c}_{x}" for c in columns for x in LANGS if x != lang]
    return data.drop(columns=[c for c in others if c in data.columns]).rename(columns=names)


def _prefixed(code: object, prefix: str, lang: str) -> object:
    if _missing(code):
        return code
    shown = label(f"{prefix}{code}", lang)
    return code if shown == f"{prefix}{code}" else shown


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def frame_to_json(data: pd.DataFrame) -> dict:
    """A data frame as JSON (table schema: dtypes kept), for a display bundle."""
    frame = data.reset_index(drop=True)
    frame.columns = [str(c) for c in frame.columns]
    return json.loads(frame.to_json(orient="table", index=False, date_format="iso"))


def frame_from_json(stored: dict) -> pd.DataFrame:
    """The data frame :func:`frame_to_json` stored."""
    return pd.read_json(io.StringIO(json.dumps(stored)), orient="table")


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
        self.key, self.lang, self.digits = key, lang, digits
        self.value = _encode_value(value)
        self.text = format_number(self.value, lang, digits)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        data = {
            "key": self.key,
            "label": label(self.key, self.lang),
            "value": self.value,
            "text": self.text,
        }
        spec = {"kind": "headline", "key": self.key, "value": self.value, "digits": self.digits}
        return {"text/html": headline_html(spec, self.lang), HEADLINE_MIME: data, I18N_MIME: spec}


def headline_html(spec: dict, lang: str) -> str:
    """A headline figure's HTML in ``lang``."""
    name = label(spec["key"], lang)
    shown = format_number(spec["value"], lang, spec.get("digits", 0))
    return (
        f'<div class="sapat-headline"><span>{html.escape(name)}:</span> '
        f"<b>{html.escape(shown)}</b></div>"
    )


class Figure:
    """A figure drawn by a package plotting function in any language (see :func:`figure`)."""

    def __init__(self, draw, data: pd.DataFrame, lang: str, alt: Text | str | None, options: dict):
        name = f"{draw.__module__}:{draw.__qualname__}"
        if not draw.__module__.startswith("workbench.") or "." in draw.__qualname__:
            raise ValueError(
                f"figure: {name} is not a top-level function of the workbench "
                "package; move the plotting code into workbench/plots/"
            )
        json.dumps(options)  # options travel in the notebook: JSON only
        self.lang = lang
        self.spec_ = {
            "kind": "figure",
            "draw": name,
            "data": frame_to_json(data),
            "options": options,
            "alt": _caption_spec(alt),
        }

    def spec(self) -> dict:
        return self.spec_

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/html": figure_html(self.spec_, self.lang), I18N_MIME: self.spec_}


def figure(
    draw, data: pd.DataFrame, *, lang: str, alt: Text | str | None = None, **options: object
) -> Figure:
    """A figure drawn by ``draw(data, lang=..., **options)`` (a function of ``workbench``
    returning a matplotlib ``Figure``), shown in every report language.

    ``data`` is kept in the notebook (aggregate it first); ``options`` must be JSON values;
    ``alt``: the alternative text (a :func:`text` or a label key).
    """
    return Figure(draw, data, lang, alt, options)


def figure_html(spec: dict, lang: str) -> str:
    """Draw a stored figure in ``lang``: an ``<img>`` with the PNG inline and its alt text."""
    import base64

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    module, function = spec["draw"].split(":")
    draw = getattr(importlib.import_module(module), function)
    setup_plots()
    fig = draw(frame_from_json(spec["data"]), lang=lang, **spec.get("options", {}))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    alt = _caption(spec.get("alt"), lang) or ""
    png = base64.b64encode(buffer.getvalue()).decode()
    return f'<img class="sapat-figure" alt="{html.escape(alt)}" src="data:image/png;base64,{png}">'


def localized_html(spec: dict, lang: str) -> dict:
    """The display data of a stored bundle (:data:`I18N_MIME`) in ``lang``."""
    kind = spec["kind"]
    if kind == "text":
        return {"text/markdown": _render_text(spec, lang)}
    if kind == "table":
        options = {k: v for k, v in spec.items() if k not in ("kind", "data")}
        return {"text/html": table_html(frame_from_json(spec["data"]), lang=lang, **options)}
    if kind == "headline":
        return {"text/html": headline_html(spec, lang)}
    if kind == "figure":
        return {"text/html": figure_html(spec, lang)}
    raise ValueError(f"localized_html: unknown display kind {kind!r}")


def setup_plots() -> None:
    """Seaborn's clean style with a font that has Kyrgyz letters (ң, ө, ү)."""
    import matplotlib as mpl
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook", font="DejaVu Sans")
    mpl.rcParams.update(
        {
            "figure.dpi": 96,
            "savefig.dpi": 144,
            "figure.figsize": (8, 4.5),
            "axes.titleweight": "bold",
        }
    )


def provenance_html(manifest: dict, lang: str) -> str:
    """An HTML block with a run's provenance: run id, commit, parameters, inputs, packages."""

    def row(key: str, value: str) -> str:
        return (
            f'<tr><th style="text-align:left">{html.escape(label(key, lang))}</th>'
            f'<td style="text-align:left">{value}</td></tr>'
        )

    inputs = (
        "<br>".join(
            f'<code translate="no">{html.escape(name)} sha256 {digest[:16]}…</code>'
            for name, digest in manifest.get("inputs", {}).items()
        )
        or "–"
    )
    packages = ", ".join(
        f"{name} {version}" for name, version in manifest.get("packages", {}).items()
    )
    params = html.escape(json.dumps(manifest.get("parameters", {}), ensure_ascii=False))
    rows = [
        row("run_id", _code(manifest.get("run_id", ""))),
        row("git_commit", _code(manifest.get("git_commit", "") or "–")),
        row("parameters", f'<code translate="no">{params}</code>'),
        row("inputs", inputs),
        row("packages", _code(packages)),
    ]
    return (
        f'<section class="sapat-provenance" style="text-align:left; font-size:90%">'
        f"<h2>{html.escape(label('provenance', lang))}</h2>"
        f'<table style="text-align:left">{"".join(rows)}</table></section>'
    )


def _code(value: str) -> str:
    return f'<code translate="no">{html.escape(value)}</code>'


def _digits(column: pd.Series, given: int | None) -> int:
    """Decimals shown: as given, else 0 for integer columns, else 1."""
    if given is not None:
        return given
    return 0 if pd.api.types.is_integer_dtype(column) or pd.api.types.is_bool_dtype(column) else 1


_TABLE_CSS = [
    {"selector": "caption", "props": "caption-side: top; font-weight: bold; text-align: left;"},
    {"selector": "td", "props": "padding: 2px 6px;"},  # 13 columns fit 1280 px in ky/ru
    {"selector": "th", "props": "text-align: left; padding: 2px 6px;"},
]
