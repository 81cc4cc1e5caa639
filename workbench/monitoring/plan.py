"""The yearly monitoring plan (004 §7.3: approved each 1 September; §4.4: permanent, periodic
and unplanned monitoring; §5.4: methods) as a table of codes and as a printable page.

Examples
--------
>>> from workbench.monitoring.framework import load_monitoring_framework
>>> fw = load_monitoring_framework("school_internal")
>>> t = plan_table([{"direction": "results", "method": "test", "form": "periodic",
...                  "months": [10, 5], "responsible": "deputy_director"}], fw)
>>> [str(t.loc[0, c]) for c in ("direction", "m10", "m05", "m09")]
['results', 'True', 'True', 'False']
"""

from __future__ import annotations

import html
from datetime import date

import pandas as pd

from workbench.labels import label
from workbench.monitoring.framework import MonitoringFramework

__all__ = ["plan_table", "plan_html", "SCHOOL_YEAR_MONTHS"]

#: months of a school year, from September
SCHOOL_YEAR_MONTHS = (9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8)


def plan_table(activities: list[dict], fw: MonitoringFramework) -> pd.DataFrame:
    """One row per activity: ``form, direction, section, method, responsible`` and one
    column per month ``m09 .. m08`` (True: done that month); permanent and unplanned
    activities have no months. Rows ordered by form (permanent, periodic, unplanned).

    Raises
    ------
    ValueError
        An activity names a direction the framework does not have.
    """
    sections = {d.id: d.section for d in fw.directions}
    rows = []
    for n, a in enumerate(activities):
        a = dict(a)
        if a["direction"] not in sections:
            raise ValueError(
                f"plan_table: activities.{n}.direction: unknown direction "
                f"{a['direction']!r}; directions are {list(sections)}"
            )
        months = set(a.get("months") or [])
        rows.append(
            {
                "form": a["form"],
                "direction": a["direction"],
                "section": sections[a["direction"]],
                "method": a["method"],
                "responsible": a["responsible"],
                **{f"m{m:02d}": m in months for m in SCHOOL_YEAR_MONTHS},
            }
        )
    order = {"permanent": 0, "periodic": 1, "unplanned": 2}
    out = pd.DataFrame(rows)
    return out.sort_values("form", key=lambda s: s.map(order), kind="stable", ignore_index=True)


def plan_html(
    table: pd.DataFrame, fw: MonitoringFramework, *, lang: str, as_of: date, institution: str = ""
) -> str:
    """A printable page (A4 landscape) of the plan in ``lang``: approval line, one table per
    form of monitoring, months as columns for the periodic ones."""
    year = as_of.year
    names = {d.id: getattr(d.name, lang) for d in fw.directions}
    head = (
        f"<p class='approve'>{_w('plan_approve', lang)}<br>{_w('plan_director', lang)} "
        f"________________<br>{as_of:%d.%m.%Y}</p>"
        f"<h1>{_w('plan_title', lang)}<br>{year}–{year + 1} {_w('plan_school_year', lang)}</h1>"
        f"<p>{_w('plan_institution', lang)}: "
        f"{html.escape(institution) if institution else '_' * 40}</p>"
        f"<p class='basis'>{_w('plan_basis', lang)}</p>"
    )
    parts = [head]
    for form in ("permanent", "periodic", "unplanned"):
        rows = table[table["form"] == form]
        if rows.empty:
            continue
        months = [m for m in SCHOOL_YEAR_MONTHS if form == "periodic"]
        cols = [
            _w("plan_direction", lang),
            _w("plan_method", lang),
            *[_w(f"month_{m:02d}", lang) for m in months],
            _w("plan_responsible", lang),
        ]
        body = "".join(
            "<tr>" + f"<td>{html.escape(names[r.direction])} <small>({html.escape(r.section)})"
            f"</small></td><td>{_w('method_' + r.method, lang)}</td>"
            + "".join(
                "<td class='m'>" + ("●" if getattr(r, f"m{m:02d}") else "") + "</td>"
                for m in months
            )
            + f"<td>{_w('resp_' + r.responsible, lang)}</td></tr>"
            for r in rows.itertuples()
        )
        parts.append(
            f"<h2>{_w('form_' + form, lang)}</h2><table><thead><tr>"
            + "".join(f"<th>{c}</th>" for c in cols)
            + f"</tr></thead><tbody>{body}</tbody></table>"
        )
    return (
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>"
        f"<title>{_w('plan_title', lang)}</title><style>{_CSS}</style></head><body>"
        + "".join(parts)
        + "</body></html>"
    )


def _w(key: str, lang: str) -> str:
    return html.escape(label(key, lang))


_CSS = (
    "@page{size:A4 landscape;margin:12mm}body{font-family:'DejaVu Sans',sans-serif;"
    "font-size:10pt}h1{font-size:14pt;text-align:center}h2{font-size:12pt;margin-top:14pt}"
    "table{border-collapse:collapse;width:100%}td,th{border:1px solid #444;padding:2pt 4pt;"
    "vertical-align:top}td.m{text-align:center;width:4%}.approve{text-align:right}"
    ".basis{font-style:italic}"
)
