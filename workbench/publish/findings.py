"""Key findings of the analytical report: drafted from the numbers, replaced by researchers.

A finding is one sentence linked (by an anchor) to the table it comes from. Sentences are
drafted from the stored results tables by the templates of ``workbench/texts/report.yaml``,
and only where the statistics support them:

- a gap is called a difference only when the table says it is significant (p < 0.05,
  two-sided t with the table's df: the IEA rule of ``results_gaps``); otherwise the sentence
  says the estimate is within sampling error;
- a region is said to be above or below the national mean only when significant after
  Holm's adjustment (``significant_adjusted`` of ``results_regions``);
- a change over time is reported only when the trend table carries the linking error; without
  it no trend sentence is drafted and the report says why;
- an estimate hidden by a reporting rule (``shown`` False) gives no sentence.

Researchers replace or add findings in ``parameters/findings/<cycle>.yaml``
(:func:`read_written`); the report marks each sentence as generated (⚙) or written (✎).

Examples
--------
>>> import pandas as pd
>>> gaps = pd.DataFrame({"comparison": ["girls_boys"], "group": ["girl"], "reference": ["boy"],
...                      "estimate": [13.2], "se": [3.3], "p_value": [0.0002],
...                      "significant": [True], "shown": [True]})
>>> found, _ = draft({"results_gaps": gaps}, lang="en")
>>> found[0].kind, found[0].anchor
('difference', 'tab-gaps')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from workbench.publish._text import group_label, num, say

__all__ = ["Finding", "draft", "read_written", "merge", "findings_for", "ANCHORS", "findings_path"]

#: the anchor of each exhibit's table in the report (``table`` keys of a written finding)
ANCHORS: dict[str, str] = {
    name: f"tab-{name}"
    for name in (
        "distribution",
        "benchmarks",
        "gaps",
        "regions",
        "context",
        "variance",
        "trend",
        "international",
    )
}


@dataclass(frozen=True)
class Finding:
    """One sentence of the summary.

    ``kind``: ``difference`` (a significant gap or change), ``no_difference`` (an estimate
    within sampling error), ``level`` (a figure with its interval) or ``written``;
    ``source``: ``generated`` or ``written``; ``anchor``: the id of its table in the report.
    """

    id: str
    kind: str
    source: str
    anchor: str
    text: str


def findings_path(cycle: str) -> Path:
    """``parameters/findings/<cycle>.yaml``: the researchers' findings of a cycle."""
    from workbench.paths import PROJECT_ROOT

    return PROJECT_ROOT / "parameters" / "findings" / f"{cycle}.yaml"


def findings_for(
    tables: Mapping[str, pd.DataFrame],
    *,
    lang: str,
    cycle: str | None = None,
    base_year: int | None = None,
    written: Path | None = None,
) -> tuple[list[Finding], list[str]]:
    """The summary of a cycle in ``lang``: drafted findings merged with the written ones
    (``written`` file, default :func:`findings_path` of ``cycle`` when it exists)."""
    found, withheld = draft(tables, lang=lang, base_year=base_year)
    path = written if written is not None else (findings_path(cycle) if cycle else None)
    if path is not None and Path(path).is_file():
        found = merge(found, read_written(path, lang=lang))
    return found, withheld


def draft(
    tables: Mapping[str, pd.DataFrame], *, lang: str, base_year: int | None = None
) -> tuple[list[Finding], list[str]]:
    """Draft the findings the tables support, in ``lang``.

    Parameters
    ----------
    tables
        Stored results tables by catalog name (``results_distribution``, ``results_benchmarks``,
        ``results_gaps``, ``results_regions``, ``results_variance``, ``results_trend``,
        ``results_international``); missing ones give no sentence.
    lang
        ``ky``, ``ru`` or ``en``.
    base_year
        Year of the base cycle (trend sentences).

    Returns
    -------
    tuple
        The findings (:class:`Finding`, in report order) and the reasons sentences were
        withheld (in ``lang``; one entry per withheld sentence).

    Checked against
    ---------------
    Synthetic tables with a significant and a non-significant gap, a trend with and without
    its linking error, in the three languages: ``tests/test_publish.py``.
    """
    found: list[Finding] = []
    withheld: list[str] = []
    _level_findings(tables, lang, found, withheld)
    _gap_findings(tables.get("results_gaps"), lang, found, withheld)
    _region_findings(tables.get("results_regions"), lang, found, withheld)
    _trend_findings(tables.get("results_trend"), lang, base_year, found, withheld)
    variance = tables.get("results_variance")
    if variance is not None and not variance.empty:
        model = variance["model"].astype(str).str.removeprefix("model_")
        icc = variance[(variance["component"] == "icc") & (model == "null")]
        if len(icc) and pd.notna(icc["estimate"].iloc[0]):
            found.append(
                Finding(
                    "icc",
                    "level",
                    "generated",
                    ANCHORS["variance"],
                    say("f_icc", lang, icc=num(100 * icc["estimate"].iloc[0], lang, 0)),
                )
            )
    international = tables.get("results_international")
    if international is not None and not international.empty:
        linked = bool(international.get("linked", pd.Series([False])).fillna(False).any())
        if not linked:
            found.append(
                Finding(
                    "international",
                    "level",
                    "generated",
                    ANCHORS["international"],
                    say("f_international", lang),
                )
            )
    return found, withheld


def read_written(path: Path, *, lang: str) -> tuple[list[Finding], list[str]]:
    """The researchers' findings of ``path`` in ``lang``, and the ids they remove.

    The file: ``findings:`` a list of ``{id, table, ky, ru, en}`` (``table`` one of
    :data:`ANCHORS`; a finding whose ``id`` is a generated one replaces it) and optionally
    ``remove:`` a list of generated ids to leave out.

    Raises
    ------
    ValueError
        Naming the file and the finding: not a mapping, no text in ``lang``, unknown table.
    """
    path = Path(path)
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict):
        raise ValueError(
            f"read_written: {path}: expected a mapping with 'findings:' and "
            "'remove:'; see parameters/findings/sabat6-demo.yaml"
        )
    written = []
    for number, item in enumerate(raw.get("findings") or [], start=1):
        where = f"{path}: findings item {number}"
        if not isinstance(item, dict) or "id" not in item:
            raise ValueError(
                f"read_written: {where}: each finding needs an 'id', a 'table' and "
                "its text in ky, ru and en"
            )
        table = item.get("table")
        if table not in ANCHORS:
            raise ValueError(
                f"read_written: {where} ({item['id']}): table {table!r} is not one "
                f"of {', '.join(ANCHORS)}; name the table the sentence comes from"
            )
        text = item.get(lang)
        if not isinstance(text, str) or not text.strip():
            raise ValueError(
                f"read_written: {where} ({item['id']}): no text in {lang!r}; the "
                f"report is rendered in {lang}, so write the sentence in it"
            )
        written.append(
            Finding(str(item["id"]), "written", "written", ANCHORS[table], " ".join(text.split()))
        )
    return written, [str(x) for x in raw.get("remove") or []]


def merge(generated: list[Finding], written: tuple[list[Finding], list[str]]) -> list[Finding]:
    """Generated findings with the written ones: same id replaces, new ids are appended,
    ``remove`` ids are left out.

    Examples
    --------
    >>> g = [Finding("a", "level", "generated", "tab-x", "A."), Finding("b", "level",
    ...      "generated", "tab-x", "B.")]
    >>> w = [Finding("b", "written", "written", "tab-x", "B2.")]
    >>> [f.text for f in merge(g, (w, []))]
    ['A.', 'B2.']
    """
    added, removed = written
    by_id = {f.id: f for f in added}
    out = [by_id.pop(f.id, f) for f in generated if f.id not in removed]
    return out + [f for f in added if f.id in by_id]


def _shown(row: pd.Series) -> bool:
    return bool(row.get("shown", True)) and pd.notna(row.get("estimate"))


def _level_findings(tables, lang, found, withheld) -> None:
    dist = tables.get("results_distribution")
    if dist is not None and not dist.empty:
        row = dist[(dist["group_var"] == "all") & (dist["statistic"] == "mean")]
        if len(row) and _shown(row.iloc[0]):
            r = row.iloc[0]
            found.append(
                Finding(
                    "mean",
                    "level",
                    "generated",
                    ANCHORS["distribution"],
                    say(
                        "f_mean",
                        lang,
                        mean=num(r["estimate"], lang),
                        lo=num(r["ci_lower"], lang),
                        hi=num(r["ci_upper"], lang),
                    ),
                )
            )
        elif len(row):
            withheld.append(say("withheld_suppressed", lang))
    bench = tables.get("results_benchmarks")
    if bench is None or bench.empty:
        return
    national = bench[(bench["group_var"] == "all") & (bench["measure"] == "at_or_above")]
    for key, cut in (("f_low", 400), ("f_advanced", 625)):
        row = national[pd.to_numeric(national["lower"], errors="coerce") == cut]
        if len(row) and _shown(row.iloc[0]):
            r = row.iloc[0]
            found.append(
                Finding(
                    key[2:],
                    "level",
                    "generated",
                    ANCHORS["benchmarks"],
                    say(
                        key,
                        lang,
                        pct=num(r["estimate"], lang),
                        lo=num(r["ci_lower"], lang),
                        hi=num(r["ci_upper"], lang),
                    ),
                )
            )


def _gap_findings(gaps, lang, found, withheld) -> None:
    if gaps is None or gaps.empty:
        return
    for row in gaps.itertuples(index=False):
        r = row._asdict()
        ident = f"gap_{r['comparison']}" + (
            f"_{r['group']}" if r["comparison"] == "language" else ""
        )
        if not _shown(pd.Series(r)):
            withheld.append(say("withheld_suppressed", lang))
            continue
        a, b = group_label(r["group"], lang), group_label(r["reference"], lang)
        values = {
            "diff": num(abs(r["estimate"]), lang),
            "se": num(r["se"], lang),
            "p": _p(r["p_value"], lang),
        }
        if bool(r.get("significant")):
            higher, lower = (a, b) if r["estimate"] > 0 else (b, a)
            text = say("f_gap_sig", lang, higher=higher, lower=lower, **values)
            found.append(Finding(ident, "difference", "generated", ANCHORS["gaps"], text))
        else:
            text = say("f_gap_ns", lang, a=a, b=b, **values)
            found.append(Finding(ident, "no_difference", "generated", ANCHORS["gaps"], text))


def _region_findings(regions, lang, found, withheld) -> None:
    if regions is None or regions.empty:
        return
    column = "significant_adjusted" if "significant_adjusted" in regions else "significant"
    shown = regions[[_shown(r) for _, r in regions.iterrows()]]
    withheld += [say("withheld_suppressed", lang)] * (len(regions) - len(shown))
    significant = shown[shown[column].fillna(False).astype(bool)]
    for _, r in significant.sort_values("estimate", ascending=False).iterrows():
        found.append(
            Finding(
                f"region_{r['group']}",
                "difference",
                "generated",
                ANCHORS["regions"],
                say(
                    "f_region_sig",
                    lang,
                    region=group_label(r["group"], lang),
                    mean=num(r["estimate_group"], lang),
                    diff=num(abs(r["estimate"]), lang),
                    direction=say("above" if r["estimate"] > 0 else "below", lang),
                ),
            )
        )
    rest = len(shown) - len(significant)
    if rest:
        found.append(
            Finding(
                "regions_ns",
                "no_difference",
                "generated",
                ANCHORS["regions"],
                say("f_regions_ns", lang, k=rest, m=len(shown)),
            )
        )


def _trend_findings(trend, lang, base_year, found, withheld) -> None:
    if trend is None or trend.empty:
        return
    row = trend[(trend["statistic"] == "mean") & (trend["group_var"] == "all")]
    if not len(row):
        return
    r = row.iloc[0]
    if "linking_error" not in trend.columns or pd.isna(r.get("linking_error")):
        withheld.append(say("withheld_no_linking", lang))
        return
    if not bool(r.get("shown", True)) or pd.isna(r.get("difference")):
        withheld.append(say("withheld_suppressed", lang))
        return
    values = {
        "base_year": base_year if base_year else "–",
        "diff": num(abs(r["difference"]), lang),
        "se": num(r["se"], lang),
        "le": num(r["linking_error"], lang, 2),
        "p": _p(r["p_value"], lang),
    }
    if bool(r.get("significant")):
        direction = say("rose" if r["difference"] > 0 else "fell", lang)
        found.append(
            Finding(
                "trend_mean",
                "difference",
                "generated",
                ANCHORS["trend"],
                say("f_trend_sig", lang, direction=direction, **values),
            )
        )
    else:
        found.append(
            Finding(
                "trend_mean",
                "no_difference",
                "generated",
                ANCHORS["trend"],
                say("f_trend_ns", lang, **values),
            )
        )


def _p(value: float, lang: str) -> str:
    """``= 0.042`` (three decimals), or ``< 0.001``."""
    if value is None or not np.isfinite(value):
        return "= –"
    return f"< {num(0.001, lang, 3)}" if value < 0.001 else f"= {num(value, lang, 3)}"
