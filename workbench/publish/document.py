"""The analytical report of a cycle: one self-contained HTML document per language.

Built from the stored tables only (:func:`load_bundle` reads them through the catalog):
key findings (:mod:`workbench.publish.findings`), the exhibits of the results stage each
with its figure (inline SVG), a short interpretation and the table behind it (a collapsible
``<details>``), the methodology chapter from the other stages' tables with links to the
technical stage reports, and the provenance. No estimate is computed here: changing the
language re-renders in seconds.

Codes, file names and hashes are wrapped in ``translate="no"`` elements; every other word
comes from ``workbench/texts/report.yaml`` (or the labels of the stages) in the page's
language, which :func:`workbench.publish.checks.untranslated` verifies.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from workbench.labels import LANGS, cycle_title, label
from workbench.publish._text import group_label, num, say
from workbench.publish.findings import ANCHORS, Finding, findings_for
from workbench.publish.svg import Row, interval_chart, stacked_chart

LANG_INDEX = {x: i for i, x in enumerate(LANGS)}
__all__ = ["Bundle", "load_bundle", "report_html", "TABLES", "CSS"]

#: the stored tables the report reads (catalog entries); missing ones are shown as "no data"
TABLES = (
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
    "participation",
    "item_verdicts",
    "item_calibration",
    "scale_constants",
    "linking",
    "school_weights",
    "codebook",
)
#: the symbols of the reporting rules (as ``workbench.results.rules.RULES``; a test keeps
#: them equal -- importing the results stage here would slow every render)
RULES = {"n": "–", "se": "†", "cv": "‡", "answered_r": "r", "answered_s": "s", "answered_x": "x"}
_GROUP_ORDER = ("region", "locality", "language", "school_type", "ITSEX")
_EXHIBIT_OF = {
    "results_distribution": "ex_distribution",
    "results_benchmarks": "ex_benchmarks",
    "results_gaps": "ex_gaps",
    "results_regions": "ex_regions",
    "results_region_pairs": "ex_regions",
    "results_context": "ex_context",
    "results_regression": "ex_context",
    "results_variance": "ex_variance",
    "results_trend": "ex_trend",
    "results_international": "ex_international",
}


@dataclass
class Bundle:
    """What a cycle's report is made of: stored tables and facts about the cycle.

    ``tables``: catalog name -> DataFrame; ``stages``: stage names whose technical report
    exists (``html/<stage>.html``); ``manifest``: the results stage's provenance manifest;
    ``languages``: the languages the report is rendered in (for the language links).
    """

    cycle: str
    title: str | dict
    year: int
    tables: dict[str, pd.DataFrame]
    base_year: int | None = None
    replicates: int | None = None
    n_pv: int | None = None
    stages: list[str] = field(default_factory=list)
    manifest: dict = field(default_factory=dict)
    languages: tuple[str, ...] = ("ky", "ru", "en")
    rules: dict = field(default_factory=dict)
    findings_file: Path | None = None
    inputs: dict = field(default_factory=dict)

    def get(self, name: str) -> pd.DataFrame | None:
        """The table ``name``, or ``None`` when it is missing or empty."""
        table = self.tables.get(name)
        return table if table is not None and len(table) else None


def load_bundle(params, *, languages: Sequence[str] | None = None) -> Bundle:
    """Read a cycle's stored tables and facts (no computation) for :func:`report_html`."""
    from workbench.catalog import open_catalog
    from workbench.paths import cycle_dir
    from workbench.provenance import file_sha256

    cycle = params.cycle
    catalog = open_catalog(cycle)
    tables, inputs = {}, {}
    for name in TABLES:
        if name not in catalog:
            continue
        path = Path(catalog[name].kwargs["args"][0].url)
        if path.is_file():
            tables[name] = pd.read_parquet(path)
            inputs[name] = file_sha256(path)
    folder = cycle_dir(cycle)
    stages = [name for name in params.stages if (folder / "html" / f"{name}.html").is_file()]
    manifests = sorted((folder / "provenance").glob("*-results.json"))
    manifest = json.loads(manifests[-1].read_text(encoding="utf-8")) if manifests else {}
    stage = {name: dict(given or {}) for name, given in params.stages.items()}
    results, scaling = stage.get("results", {}), stage.get("scaling", {})
    return Bundle(
        cycle=cycle,
        title=params.title or cycle,
        year=params.year,
        tables=tables,
        base_year=_base_year(results.get("base_cycle")),
        replicates=(stage.get("weights") or {}).get("replicates", 75),
        n_pv=scaling.get("n_pv", 5),
        stages=stages,
        manifest=manifest,
        languages=tuple(languages or _languages(params)),
        rules={
            "n": params.suppress_below,
            "max_se": results.get("max_se", 10),
            "max_cv": results.get("max_cv", 0.3),
            "answered": results.get("answered", 85),
        },
        inputs=inputs,
    )


def report_html(bundle: Bundle, lang: str, *, links: bool = True) -> str:
    """The analytical report of ``bundle`` in ``lang`` (a complete HTML document).

    ``links``: the navigation to the site and the other languages (``False`` for a copy that
    stands alone).
    """
    found, withheld = findings_for(
        bundle.tables,
        lang=lang,
        cycle=bundle.cycle,
        base_year=bundle.base_year,
        written=bundle.findings_file,
    )
    sections = [("summary", say("summary", lang), _summary(found, withheld, lang))]
    for key, builder in _EXHIBITS:
        content = builder(bundle, lang)
        if f'id="{ANCHORS[key]}"' not in content:  # no table: findings still land here
            content = f'<div id="{ANCHORS[key]}"></div>{content}'
        sections.append((f"ex-{key}", say(f"ex_{key}", lang), content))
    sections.append(("methodology", say("methodology", lang), _methodology(bundle, lang)))
    sections.append(("provenance", say("provenance", lang), _provenance(bundle, lang)))
    toc = "".join(
        f'<li><a href="#{ident}">{html.escape(title)}</a></li>' for ident, title, _ in sections
    )
    body = "".join(
        f'<section id="{ident}"><h2>{html.escape(title)}</h2>{content}</section>'
        for ident, title, content in sections
    )
    title = f"{cycle_title(bundle, lang)} · {say('doc_title', lang)}"
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>"
        f"{_topnav(bundle, lang) if links else ''}<header><h1>"
        f"{html.escape(cycle_title(bundle, lang))}"
        f'</h1><p class="sub">{html.escape(say("doc_title", lang))} · {bundle.year}</p>'
        f'</header><nav class="toc" aria-label="{html.escape(say("contents", lang))}">'
        f"<h2>{html.escape(say('contents', lang))}</h2><ol>{toc}</ol></nav>"
        f"<main>{body}</main></body></html>"
    )


# ------------------------------------------------------------------------------ summary
def _summary(found: list[Finding], withheld: list[str], lang: str) -> str:
    items = []
    for f in found:
        mark, title = (
            ("✎", say("written", lang)) if f.source == "written" else ("⚙", say("generated", lang))
        )
        items.append(
            f'<li class="finding {f.source}" data-kind="{f.kind}" data-id="{f.id}">'
            f'<span class="mark" title="{html.escape(title)}">{mark}</span> '
            f'{html.escape(f.text)} <a class="to-table" href="#{f.anchor}" '
            f'aria-label="{html.escape(say("table_only", lang))}">→</a></li>'
        )
    parts = [
        f"<p>{html.escape(say('summary_intro', lang))}</p>",
        f'<ul class="findings">{"".join(items)}</ul>',
        f'<p class="note">{html.escape(say("marks_legend", lang))}</p>',
        f'<p class="note">{html.escape(say("rule_statement", lang))}</p>',
    ]
    if withheld:
        reasons = "; ".join(sorted(set(withheld)))
        note = say("withheld", lang, n=len(withheld), reasons=reasons)
        parts.append(f'<p class="note">{html.escape(note)}</p>')
    return "".join(parts)


# ------------------------------------------------------------------------------ exhibits
def _distribution(b: Bundle, lang: str) -> str:
    t = b.get("results_distribution")
    if t is None:
        return _none(lang)
    wide = t.pivot_table(
        index=["group_var", "group"], columns="statistic", values="estimate", aggfunc="first"
    )
    means = t[t["statistic"] == "mean"].set_index(["group_var", "group"])
    rows, keys = [], _ordered_groups(means.reset_index())
    for gv, g in keys:
        m, w = means.loc[(gv, g)], wide.loc[(gv, g)]
        rows.append(
            Row(
                _group_name(gv, g, lang),
                _f(m["estimate"]),
                _f(m["ci_lower"]),
                _f(m["ci_upper"]),
                band=(_f(w.get("p5")), _f(w.get("p95"))),
                inner=(_f(w.get("p25")), _f(w.get("p75"))),
                highlight=gv == "all",
            )
        )
    figure = interval_chart(
        rows, axis=say("score", lang), lang=lang, alt=say("alt_distribution", lang, n=len(rows))
    )
    regions = means.reset_index()
    regions = regions[(regions["group_var"] == "region") & regions["estimate"].notna()]
    national = means.loc[("all", "all")]
    text = ""
    if len(regions):
        lo = regions.loc[regions["estimate"].idxmin()]
        hi = regions.loc[regions["estimate"].idxmax()]
        text = say(
            "int_distribution",
            lang,
            mean=num(national["estimate"], lang),
            lo=num(national["ci_lower"], lang),
            hi=num(national["ci_upper"], lang),
            min_region=group_label(lo["group"], lang),
            min=num(lo["estimate"], lang),
            max_region=group_label(hi["group"], lang),
            max=num(hi["estimate"], lang),
        )
    columns = [
        (say("col_group", lang), lambda r: _group_name(r["group_var"], r["group"], lang)),
        (say("col_mean", lang), lambda r: num(r["estimate"], lang)),
        (say("col_se", lang), lambda r: num(r["se"], lang, 2)),
        (say("col_ci", lang), lambda r: _ci(r, lang)),
        *[
            (label(s, lang), lambda r, s=s: num(_stat(wide, r, s), lang))
            for s in ("sd", "p5", "p50", "p95")
        ],
        (say("col_n", lang), lambda r: num(r["n"], lang, 0)),
        (say("col_flags", lang), lambda r: r.get("flags", "")),
    ]
    ordered = pd.DataFrame(
        [means.loc[k].to_dict() | {"group_var": k[0], "group": k[1]} for k in keys]
    )
    return _exhibit("distribution", figure, text, _table(ordered, columns), lang)


def _benchmarks(b: Bundle, lang: str) -> str:
    t = b.get("results_benchmarks")
    if t is None:
        return _none(lang)
    within = t[t["measure"] == "within"].copy()
    within["order"] = pd.to_numeric(within["lower"], errors="coerce").fillna(-1)
    rows = []
    for gv, g in _ordered_groups(within):
        part = within[(within["group_var"] == gv) & (within["group"] == g)].sort_values("order")
        rows.append((_group_name(gv, g, lang), [_f(v) for v in part["estimate"]]))
    levels = say("levels", lang)
    figure = stacked_chart(
        rows,
        levels=levels,
        axis=say("percent_students", lang),
        lang=lang,
        alt=say("alt_benchmarks", lang, n=len(rows)),
    )
    above = t[(t["measure"] == "at_or_above")].copy()
    national = above[above["group_var"] == "all"].set_index(
        pd.to_numeric(above[above["group_var"] == "all"]["lower"], errors="coerce")
    )
    text = (
        say(
            "int_benchmarks",
            lang,
            low=num(_f(national["estimate"].get(400.0)), lang),
            adv=num(_f(national["estimate"].get(625.0)), lang),
        )
        if len(national)
        else ""
    )
    columns = [
        (say("col_group", lang), lambda r: _group_name(r["group_var"], r["group"], lang)),
        (say("col_benchmark", lang), lambda r: f"≥ {num(r['lower'], lang, 0)}"),
        (say("col_percent", lang), lambda r: num(r["estimate"], lang)),
        (say("col_se", lang), lambda r: num(r["se"], lang, 2)),
        (say("col_ci", lang), lambda r: _ci(r, lang)),
        (say("col_n", lang), lambda r: num(r["n"], lang, 0)),
        (say("col_flags", lang), lambda r: r.get("flags", "")),
    ]
    order = {k: i for i, k in enumerate(_ordered_groups(above))}
    above["_o"] = [order[key] for key in zip(above["group_var"], above["group"], strict=True)]
    return _exhibit(
        "benchmarks", figure, text, _table(above.sort_values(["_o", "lower"]), columns), lang
    )


def _gaps(b: Bundle, lang: str) -> str:
    t = b.get("results_gaps")
    if t is None:
        return _none(lang)
    name = lambda r: f"{group_label(r['group'], lang)} − {group_label(r['reference'], lang)}"  # noqa: E731
    figure = _difference_chart(t, name, "symbol", "alt_gaps", lang)
    columns = [
        (say("col_comparison", lang), name),
        (say("col_difference", lang), lambda r: num(r["estimate"], lang)),
        (say("col_se", lang), lambda r: num(r["se"], lang, 2)),
        (say("col_ci", lang), lambda r: _ci(r, lang)),
        (say("col_p", lang), lambda r: num(r["p_value"], lang, 3)),
        (say("col_mark", lang), lambda r: r.get("symbol") or ""),
        (say("col_n", lang), lambda r: num(r["n"], lang, 0)),
        (say("col_flags", lang), lambda r: r.get("flags", "")),
    ]
    text = f"{say('int_gaps', lang)} {say('significant_mark', lang)}"
    return _exhibit("gaps", figure, text, _table(t, columns), lang)


def _difference_chart(t: pd.DataFrame, name: Callable, mark: str, alt: str, lang: str) -> str:
    """The interval chart of a table of differences (points, with the zero line): one row per
    table row, named by ``name(row)``, marked by its column ``mark``; ``alt`` is the text key
    of the chart's description."""
    rows = [
        Row(
            name(r),
            _f(r["estimate"]),
            _f(r["ci_lower"]),
            _f(r["ci_upper"]),
            mark=r.get(mark) or "",
        )
        for _, r in t.iterrows()
    ]
    return interval_chart(
        rows,
        axis=say("difference_points", lang),
        lang=lang,
        zero=True,
        alt=say(alt, lang, n=len(rows)),
        digits=1,
    )


def _regions(b: Bundle, lang: str) -> str:
    t = b.get("results_regions")
    if t is None:
        return _none(lang)
    t = t.sort_values("estimate", ascending=False)
    name = lambda r: group_label(r["group"], lang)  # noqa: E731
    figure = _difference_chart(t, name, "symbol_adjusted", "alt_regions", lang)
    columns = [
        (say("col_group", lang), lambda r: group_label(r["group"], lang)),
        (say("col_mean", lang), lambda r: num(r["estimate_group"], lang)),
        (say("col_difference", lang), lambda r: num(r["estimate"], lang)),
        (say("col_se", lang), lambda r: num(r["se"], lang, 2)),
        (say("col_p", lang), lambda r: num(r["p_value"], lang, 3)),
        (label("p_adjusted", lang), lambda r: num(r.get("p_adjusted"), lang, 3)),
        (label("symbol_adjusted", lang), lambda r: r.get("symbol_adjusted") or ""),
        (say("col_n", lang), lambda r: num(r["n"], lang, 0)),
        (say("col_flags", lang), lambda r: r.get("flags", "")),
    ]
    out = _exhibit(
        "regions",
        figure,
        f"{say('int_regions', lang)} {say('significant_mark', lang)}",
        _table(t, columns),
        lang,
    )
    pairs = b.get("results_region_pairs")
    if pairs is not None:
        columns = [
            (say("col_group", lang), lambda r: group_label(r["group"], lang)),
            (label("other", lang), lambda r: group_label(r["other"], lang)),
            (say("col_difference", lang), lambda r: num(r["estimate"], lang)),
            (say("col_se", lang), lambda r: num(r["se"], lang, 2)),
            (say("col_mark", lang), lambda r: r.get("symbol") or ""),
            (label("p_adjusted", lang), lambda r: num(r.get("p_adjusted"), lang, 3)),
            (label("symbol_adjusted", lang), lambda r: r.get("symbol_adjusted") or ""),
        ]
        out += _details("tab-region-pairs", say("region_pairs", lang), _table(pairs, columns))
    return out


def _context(b: Bundle, lang: str) -> str:
    t = b.get("results_context")
    if t is None:
        return _none(lang)
    names = _variable_names(b, lang)
    rank = {"low": 0, "middle": 1, "high": 2}
    t = t.assign(
        _order=[
            (b_, rank.get(str(c), _f(c)))
            for b_, c in zip(t["background"], t["category"], strict=True)
        ]
    )
    first = {v: i for i, v in enumerate(dict.fromkeys(t["background"]))}
    t = t.sort_values("_order", key=lambda s: s.map(lambda k: (first[k[0]], k[1])))
    category = lambda r: _category(r["background"], r["category"], lang)  # noqa: E731
    rows = [
        Row(
            f"{names.get(r['background'], r['background'])}: {category(r)}",
            _f(r["estimate"]),
            _f(r["ci_lower"]),
            _f(r["ci_upper"]),
        )
        for _, r in t.iterrows()
    ]
    figure = interval_chart(
        rows, axis=say("score", lang), lang=lang, alt=say("alt_context", lang, n=len(rows))
    )
    columns = [
        (say("col_variable", lang), lambda r: names.get(r["background"], r["background"])),
        (say("col_category", lang), category),
        (say("percent_students", lang), lambda r: num(r["percent"], lang)),
        (say("col_se", lang), lambda r: num(r["percent_se"], lang, 2)),
        (say("col_mean", lang), lambda r: num(r["estimate"], lang)),
        (say("col_se", lang), lambda r: num(r["se"], lang, 2)),
        (say("col_n", lang), lambda r: num(r["n"], lang, 0)),
        (label("answered", lang), lambda r: num(r.get("answered"), lang)),
        (say("col_flags", lang), lambda r: r.get("flags", "")),
    ]
    out = _exhibit("context", figure, say("int_context", lang), _table(t, columns), lang)
    reg = b.get("results_regression")
    if reg is not None:
        columns = [
            (label("term", lang), lambda r: _term(r["term"], names, lang)),
            (say("col_difference", lang), lambda r: num(r["estimate"], lang, 2)),
            (say("col_se", lang), lambda r: num(r["se"], lang, 2)),
            (say("col_p", lang), lambda r: num(r["p_value"], lang, 3)),
            (label("standardized", lang), lambda r: num(r.get("standardized"), lang, 3)),
            (say("col_n", lang), lambda r: num(r["n"], lang, 0)),
        ]
        out += _details("tab-regression", say("regression", lang), _table(reg, columns))
    return out


def _variance(b: Bundle, lang: str) -> str:
    t = b.get("results_variance")
    if t is None:
        return _none(lang)
    t = t.assign(
        model=t["model"].astype(str).str.removeprefix("model_"),
        component=t["component"].astype(str).str.removeprefix("variance_"),
    )
    icc = t[(t["model"] == "null") & (t["component"] == "icc")]["estimate"]
    text = say("int_variance", lang, icc=num(100 * icc.iloc[0], lang, 0)) if len(icc) else ""
    columns = [
        (say("col_statistic", lang), lambda r: say(f"model_{r['model']}", lang)),
        (say("col_component", lang), lambda r: say(r["component"], lang)),
        (say("col_item", lang), lambda r: num(r["estimate"], lang, 3)),
        (say("col_se", lang), lambda r: num(r["se"], lang, 3)),
        (say("col_ci", lang), lambda r: _ci(r, lang, 3)),
    ]
    return _exhibit("variance", "", text, _table(t, columns), lang)


def _trend(b: Bundle, lang: str) -> str:
    t = b.get("results_trend")
    if t is None:
        return f"<p>{html.escape(say('int_trend_none', lang))}</p>"
    means = t[t["statistic"] == "mean"]
    if not len(means):
        means = t
    rows = [
        Row(
            _group_name(r["group_var"], r["group"], lang),
            _f(r["difference"]),
            _f(r["ci_lower"]),
            _f(r["ci_upper"]),
            mark=r.get("symbol") or "",
            highlight=r["group_var"] == "all",
        )
        for _, r in means.iterrows()
    ]
    figure = interval_chart(
        rows,
        axis=say("change_points", lang),
        lang=lang,
        zero=True,
        alt=say("alt_trend", lang, n=len(rows)),
        digits=1,
    )
    le = t["linking_error"].dropna()
    text = (
        (say("int_trend", lang, le=num(le.iloc[0], lang, 2)) if len(le) else "")
        + " "
        + say("significant_mark", lang)
    )
    columns = [
        (say("col_statistic", lang), lambda r: _statistic(r, lang)),
        (say("col_group", lang), lambda r: _group_name(r["group_var"], r["group"], lang)),
        (say("col_base", lang), lambda r: num(r["estimate_base"], lang)),
        (say("col_current", lang), lambda r: num(r["estimate_current"], lang)),
        (say("col_difference", lang), lambda r: num(r["difference"], lang)),
        (say("col_linking_error", lang), lambda r: num(r["linking_error"], lang, 2)),
        (say("col_se", lang), lambda r: num(r["se"], lang, 2)),
        (say("col_p", lang), lambda r: num(r["p_value"], lang, 3)),
        (say("col_mark", lang), lambda r: r.get("symbol") or ""),
        (say("col_flags", lang), lambda r: r.get("flags", "")),
    ]
    return _exhibit("trend", figure, text, _table(t, columns), lang)


def _international(b: Bundle, lang: str) -> str:
    t = b.get("results_international")
    if t is None:
        return _none(lang)
    pirls = t[t["source"] != "this_cycle"]
    shown = t[(t["source"] == "this_cycle") | t["neighbour"].fillna(False).astype(bool)]
    median = float(pirls["mean"].median()) if len(pirls) else math.nan
    rows = [
        Row(
            _country(r, lang),
            _f(r["mean"]),
            _f(r["mean"] - 1.96 * r["se"]),
            _f(r["mean"] + 1.96 * r["se"]),
            highlight=r["source"] == "this_cycle",
        )
        for _, r in shown.sort_values("mean", ascending=False).iterrows()
    ]
    rows.append(Row(say("pirls_median", lang), median, median, median))
    figure = interval_chart(
        rows, axis=say("score", lang), lang=lang, alt=say("alt_international", lang, n=len(rows))
    )
    linked = bool(t.get("linked", pd.Series([False])).fillna(False).any())
    text = say("int_international_linked" if linked else "int_international_context", lang)
    caveats = "".join(
        f"<li>{html.escape(_results_text(k, lang))}</li>"
        for k in ("caveat_scale", "caveat_grade", "caveat_context", "caveat_participation")
    )
    columns = [
        (say("col_country", lang), lambda r: _country(r, lang)),
        (say("col_mean", lang), lambda r: num(r["mean"], lang)),
        (say("col_se", lang), lambda r: num(r["se"], lang, 2)),
        ("≥ 400, %", lambda r: num(r["pct_at_or_above_400"], lang)),
        (say("col_se", lang), lambda r: num(r["pct_at_or_above_400_se"], lang, 2)),
        (say("col_flags", lang), lambda r: r.get("flags", "")),
    ]
    return (
        _exhibit("international", figure, text, _table(shown, columns), lang)
        + f'<ul class="note">{caveats}</ul>'
    )


_EXHIBITS: list[tuple[str, Callable[[Bundle, str], str]]] = [
    ("distribution", _distribution),
    ("benchmarks", _benchmarks),
    ("gaps", _gaps),
    ("regions", _regions),
    ("context", _context),
    ("variance", _variance),
    ("trend", _trend),
    ("international", _international),
]


# ------------------------------------------------------------------------------ methodology
def _methodology(b: Bundle, lang: str) -> str:
    parts = [f"<p>{html.escape(say('m_intro', lang))}</p>"]
    schools, dist = b.get("school_weights"), b.get("results_distribution")
    if schools is not None and dist is not None:
        national = dist[(dist["group_var"] == "all") & (dist["statistic"] == "mean")]
        replaced = (
            int(schools["role"].astype(str).str.startswith("replacement").sum())
            if "role" in schools
            else 0
        )
        parts.append(
            _sub(
                "m_sample",
                say(
                    "m_sample_text",
                    lang,
                    schools=num(len(schools), lang, 0),
                    replaced=num(replaced, lang, 0),
                    students=num(national["n"].iloc[0], lang, 0),
                ),
                lang,
                "sample_design",
                stages=b.stages,
            )
        )
    part = b.get("participation")
    if part is not None:
        weighted = part[part["weighting"] == "weighted"] if "weighting" in part else part
        columns = [
            (say("rate", lang), lambda r: _rate(r["rate"], lang)),
            (say("rate_percent", lang), lambda r: num(100 * r["estimate"], lang)),
        ]
        parts.append(
            _sub("m_participation", "", lang, "field_data", _table(weighted, columns), b.stages)
        )
    if dist is not None:
        national = dist[(dist["group_var"] == "all") & (dist["statistic"] == "mean")]
        population = national["sum_weights"].iloc[0] if "sum_weights" in national else None
        parts.append(
            _sub(
                "m_weights",
                say(
                    "m_weights_text",
                    lang,
                    replicates=num(b.replicates, lang, 0),
                    population=num(population, lang, 0),
                ),
                lang,
                "weights",
                stages=b.stages,
            )
        )
    verdicts = b.get("item_verdicts")
    if verdicts is not None:
        counts = verdicts["verdict"].value_counts()
        parts.append(
            _sub(
                "m_validity",
                say(
                    "m_validity_text",
                    lang,
                    items=num(len(verdicts), lang, 0),
                    keep=int(counts.get("keep", 0)),
                    review=int(counts.get("review", 0)),
                    drop=int(counts.get("drop", 0)),
                ),
                lang,
                "validity",
                stages=b.stages,
            )
        )
    constants, calibration = b.get("scale_constants"), b.get("item_calibration")
    if constants is not None:
        c = constants.set_index("term")["estimate"]
        c = c[~c.index.duplicated()]
        text = say(
            "m_scaling_text",
            lang,
            items=num(len(calibration) if calibration is not None else math.nan, lang, 0),
            n_pv=b.n_pv,
            slope=num(c.get("slope"), lang, 2),
            intercept=num(c.get("intercept"), lang, 2),
        )
        linking = b.get("linking")
        if linking is not None:
            row = linking.iloc[0]
            text += " " + say(
                "m_linking_text",
                lang,
                n_common=num(row.get("n_common"), lang, 0),
                le=num(row.get("linking_error_points"), lang, 2),
            )
        parts.append(_sub("m_scaling", text, lang, "scaling", stages=b.stages))
    parts.append(
        _sub("m_rules", _rules_text(b, lang), lang, "results", _rules_table(b, lang), b.stages)
    )
    return "".join(parts)


def _rules_text(b: Bundle, lang: str) -> str:
    rules = b.get("results_rules")
    if rules is None:
        return ""
    applied = rules[rules["status"] == "applied"]
    return say(
        "m_rules_text",
        lang,
        touched=num(int(applied["touched"].sum()), lang, 0),
        tables=applied["table"].nunique(),
    )


def _rules_table(b: Bundle, lang: str) -> str:
    r = b.rules or {}
    legend = pd.DataFrame(
        [
            {
                "symbol": symbol,
                "meaning": _results_text(
                    f"rule_{key}",
                    lang,
                    n=r.get("n", 10),
                    max_se=r.get("max_se", 10),
                    max_cv=round(100 * float(r.get("max_cv", 0.3))),
                    answered=r.get("answered", 85),
                ),
            }
            for key, symbol in RULES.items()
        ]
    )
    out = _table(
        legend,
        [
            (say("col_mark", lang), lambda x: x["symbol"]),
            (say("col_meaning", lang), lambda x: x["meaning"]),
        ],
    )
    rules = b.get("results_rules")
    if rules is not None:
        applied = rules[(rules["status"] == "applied") & (rules["touched"] > 0)]
        symbol = {"n": RULES["n"], "se": RULES["se"], "cv": RULES["cv"], "answered": "r s x"}
        out += _table(
            applied,
            [
                (
                    say("col_table", lang),
                    lambda x: say(_EXHIBIT_OF.get(x["table"], "exhibits"), lang),
                ),
                (say("col_rule", lang), lambda x: symbol.get(x["rule"], x["rule"])),
                (say("col_touched", lang), lambda x: num(x["touched"], lang, 0)),
                (label("rows", lang), lambda x: num(x["rows"], lang, 0)),
            ],
        )
    return out


def _provenance(b: Bundle, lang: str) -> str:
    from workbench.provenance import git_commit

    m = b.manifest or {}
    inputs = "".join(
        f'<li><code translate="no">{html.escape(k)}</code> '
        f'<code translate="no">{html.escape(str(v)[:16])}…</code></li>'
        for k, v in sorted((b.inputs or m.get("inputs") or {}).items())
    )
    rows = [
        (say("prov_run", lang), _code(m.get("run_id") or "–")),
        (say("prov_commit", lang), _code(m.get("git_commit") or "–")),
        (say("prov_render_commit", lang), _code(git_commit() or "–")),
        (say("prov_rendered", lang), html.escape(_today())),
        (say("prov_inputs", lang), f'<ul class="inputs">{inputs}</ul>' if inputs else "–"),
    ]
    table = "".join(f'<tr><th scope="row">{html.escape(k)}</th><td>{v}</td></tr>' for k, v in rows)
    return f"<p>{html.escape(say('prov_note', lang))}</p><table>{table}</table>"


# ------------------------------------------------------------------------------ helpers
def _exhibit(key: str, figure: str, text: str, table: str, lang: str) -> str:
    fig = f"<figure>{figure}</figure>" if figure else ""
    summary = say("table_behind" if figure else "table_only", lang)
    return (
        f'{fig}<p class="interpretation">{html.escape(text)}</p>'
        f"{_details(ANCHORS[key], summary, table)}"
    )


def _details(ident: str, summary: str, content: str) -> str:
    return (
        f'<div class="table-wrap" id="{ident}"><details><summary>{html.escape(summary)}'
        f"</summary>{content}</details></div>"
    )


def _table(data: pd.DataFrame, columns: Sequence[tuple[str, Callable]]) -> str:
    head = "".join(f'<th scope="col">{html.escape(name)}</th>' for name, _ in columns)
    body = []
    for _, row in data.iterrows():
        cells = []
        for _, fn in columns:
            value = fn(row)
            value = (
                ""
                if value is None or (isinstance(value, float) and math.isnan(value))
                else str(value)
            )
            numeric = value[:1].isdigit() or value[:1] in "−–-" and value[1:2].isdigit()
            cells.append(f'<td class="{"num" if numeric else "txt"}">{html.escape(value)}</td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _sub(
    key: str, text: str, lang: str, stage: str, table: str = "", stages: Sequence[str] = ()
) -> str:
    link = (
        ""
        if stage not in stages
        else (
            f' <a class="tech" href="../html/{stage}.{lang}.html">'
            f"{html.escape(say('technical_report', lang))}: "
            f"{html.escape(label('stage_' + stage, lang))}</a>"
        )
    )
    para = f"<p>{html.escape(text)}{link}</p>" if text or link else ""
    return f"<h3>{html.escape(say(key, lang))}</h3>{para}{table}"


def _none(lang: str) -> str:
    return f"<p>{html.escape(say('no_data', lang))}</p>"


def _ordered_groups(table: pd.DataFrame) -> list[tuple[str, str]]:
    """``(group_var, group)`` keys: the nation, then regions by mean, then the other groups."""
    keys = table[["group_var", "group"]].drop_duplicates()
    out = [("all", "all")] if ((keys["group_var"] == "all").any()) else []
    for gv in _GROUP_ORDER:
        part = table[table["group_var"] == gv]
        if gv == "region" and "estimate" in part and "statistic" in part:
            part = part.sort_values("estimate", ascending=False)
        out += [(gv, g) for g in dict.fromkeys(part["group"])]
    rest = [(gv, g) for gv, g in keys.itertuples(index=False) if (gv, g) not in out]
    return out + rest


def _group_name(group_var: str, group: str, lang: str) -> str:
    return group_label(group, lang) if group_var != "ITSEX" else group_label(group, lang)


def _variable_names(b: Bundle, lang: str) -> dict[str, str]:
    """Variable labels (without the leading variable code): the cycle's codebook, else the
    codebook labels of ``workbench/scaling/codebook.yaml``."""
    names = {
        k: v["label"][lang] for k, v in _codebook().items() if isinstance(v, dict) and "label" in v
    }
    book = b.get("codebook")
    if book is not None and f"label_{lang}" in book:
        names.update(zip(book["variable"], book[f"label_{lang}"], strict=False))
    return {
        k: (v[len(k) :].strip(" :·-") if str(v).startswith(k) else v) or k for k, v in names.items()
    }


@functools.cache
def _codebook() -> dict:
    import yaml

    path = Path(__file__).resolve().parents[1] / "scaling" / "codebook.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _category(variable: str, category: object, lang: str) -> str:
    if str(category) in ("low", "middle", "high"):
        return label(str(category), lang)
    try:
        code = float(category)
    except (TypeError, ValueError):
        return group_label(category, lang)
    values = (_codebook().get(variable) or {}).get("values") or {}
    labels = {
        float(k): v[LANG_INDEX[lang]]
        for k, v in values.items()
        if str(k).lstrip("-").replace(".", "", 1).isdigit()
    }
    return labels.get(code, num(code, lang, 0 if code.is_integer() else 1))


def _term(term: str, names: dict, lang: str) -> str:
    if term == "(Intercept)":
        return say("intercept", lang)
    if term == "r2":
        return "R²"
    for gv in _GROUP_ORDER:
        if term.startswith(gv + "_"):
            return f"{label(gv, lang)}: {group_label(term[len(gv) + 1 :], lang)}"
    return names.get(term, term)


def _statistic(r: pd.Series, lang: str) -> str:
    if r["statistic"] == "mean":
        return say("col_mean", lang)
    lower = r.get("benchmark")
    return (
        f"≥ {lower}" if lower is not None and str(lower)[:1].isdigit() else say("col_percent", lang)
    )


def _country(r: pd.Series, lang: str) -> str:
    if r["source"] == "this_cycle":
        return say("this_cycle_country", lang)
    from workbench.publish._text import words

    name = str(r["country"])
    return say(name, lang) if name in words() else name


def _rate(rate: str, lang: str) -> str:
    from workbench.publish._text import words

    return say(rate, lang) if rate in words() else label(rate, lang)


def _results_text(key: str, lang: str, **values) -> str:
    from workbench.report import text

    return " ".join(str(text("results", key, lang=lang, **values).data).replace("*", "").split())


def _ci(r: pd.Series, lang: str, digits: int = 1) -> str:
    lo, hi = r.get("ci_lower"), r.get("ci_upper")
    if lo is None or pd.isna(lo) or hi is None or pd.isna(hi):
        return "–"
    return f"{num(lo, lang, digits)} – {num(hi, lang, digits)}"


def _stat(wide: pd.DataFrame, row: pd.Series, statistic: str) -> float:
    return _f(wide.loc[(row["group_var"], row["group"])].get(statistic))


def _code(value: object) -> str:
    return f'<code translate="no">{html.escape(str(value))}</code>'


def _f(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _base_year(base_cycle: str | None) -> int | None:
    if not base_cycle:
        return None
    from workbench.params import ParamsError, load_params
    from workbench.paths import PROJECT_ROOT

    for path in sorted((PROJECT_ROOT / "parameters").glob("*.yaml")):
        try:
            params = load_params(path)
        except ParamsError:
            continue
        if params.cycle == base_cycle:
            return params.year
    return None


def _languages(params) -> tuple[str, ...]:
    given = getattr(params, "report_languages", None)
    return tuple(given) if given else (params.language,)


def _topnav(b: Bundle, lang: str) -> str:
    links = [
        f'<a href="../../index.{lang}.html">{html.escape(say("site_home", lang))}</a>',
        f'<a href="index.{lang}.html">{html.escape(cycle_title(b, lang))}</a>',
    ]
    langs = " ".join(
        (
            f'<a href="report.{x}.html" lang="{x}" translate="no"'
            f"{' aria-current=page' if x == lang else ''}>{html.escape(say('lang_' + x, x))}</a>"
        )
        for x in b.languages
    )
    return (
        f'<nav class="top">{" · ".join(links)}<span class="langs">'
        f"{html.escape(say('site_language', lang))}: {langs}</span></nav>"
    )


def _today() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


CSS = """
:root { --ink: #1b1b1b; --muted: #555; --rule: #d0d0d0; --accent: #0072B2; }
body { font-family: 'DejaVu Sans', Arial, sans-serif; color: var(--ink); margin: 0 auto;
       max-width: 980px; padding: 0 1.2em 3em; line-height: 1.45; }
header h1 { margin-bottom: .1em; } .sub { color: var(--muted); margin-top: 0; }
nav.top { padding: .6em 0; border-bottom: 1px solid var(--rule); font-size: 95%; }
nav.top .langs { float: right; } nav.top a[aria-current] { font-weight: bold; }
nav.toc ol { columns: 2; } a { color: var(--accent); }
h2 { border-bottom: 2px solid var(--accent); padding-bottom: .15em; margin-top: 1.6em; }
ul.findings li { margin: .45em 0; } .finding .mark { color: var(--muted); }
.finding.written { background: #fff8e1; }
.note { color: var(--muted); font-size: 92%; }
figure { margin: 1em 0; } details { margin: .6em 0 1.2em; }
summary { cursor: pointer; color: var(--accent); }
table { border-collapse: collapse; margin: .5em 0; font-size: 90%; }
th, td { border-bottom: 1px solid var(--rule); padding: 3px 9px; vertical-align: top; }
th { background: #f3f3f3; text-align: left; } td.num { text-align: right;
  font-variant-numeric: tabular-nums; white-space: nowrap; }
ul.inputs { columns: 2; font-size: 85%; margin: 0; padding-left: 1em; }
@media print {
  nav.top, nav.toc { display: none; } body { max-width: none; font-size: 10.5pt; }
  a { color: inherit; text-decoration: none; } details > summary { display: none; }
  section { break-inside: auto; } figure, table { break-inside: avoid; }
  h2 { break-after: avoid; } .finding.written { background: none; }
}
"""
