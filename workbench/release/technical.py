"""Codebook of the release files and the technical chapter, from the data and stage outputs.

The codebook has one row per variable of each released file: its IEA name and the
analysis-file name it comes from, labels in ky/ru/en, type, value labels, the declared
missing codes, and counts from the released data themselves (valid, omitted or invalid, not
reached, system-missing) with the frequency of every code (or min / mean / max of a
continuous variable). The technical chapter gathers the cycle's figures: sample,
participation, weights and replicates, scaling, linking. Both go to HTML (self-contained,
no scripts) and to one Excel workbook.

Examples
--------
>>> import pandas as pd
>>> data = pd.DataFrame({"ITSEX": [1.0, 2.0, 2.0, 9.0]})
>>> meta = {"labels": {l: {"ITSEX": "Sex"} for l in ("ky", "ru", "en")},
...         "values": {l: {"ITSEX": {1.0: "girl", 2.0: "boy", 9.0: "omitted"}}
...                    for l in ("ky", "ru", "en")},
...         "missing": {"ITSEX": [9.0]}, "source": {"ITSEX": "ITSEX"}}
>>> book = release_codebook({"student_results": (data, meta)}, names={"student_results": "ASG"})
>>> book[["n_valid", "n_omitted", "frequencies", "missing_codes_en"]].values.tolist()
[[3, 1, '1: 1; 2: 2; 9: 1', '9 = omitted']]
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from workbench.atomic import write_text
from workbench.labels import LANGS, label
from workbench.report import format_number
from workbench.scaling.levels import level_label

__all__ = ["release_codebook", "technical_tables", "technical_html", "write_excel"]


def release_codebook(
    prepared: Mapping[str, tuple[pd.DataFrame, dict]],
    *,
    names: Mapping[str, str],
    types: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per released variable with labels, codes, missing codes and counts.

    ``prepared``: ``{file: (data, meta)}`` from :func:`workbench.release.files.prepare`;
    ``names``: ``{file: IEA file name}``; ``types``: the scaling stage's codebook (its
    ``type`` column is carried over).

    Checked against
    ---------------
    Counts equal the released data's own (codes 9/99 omitted, 6/96 not reached);
    ``tests/test_release.py``.
    """
    rows = []
    kinds = {}
    if types is not None and len(types):
        kinds = {(r.file, r.variable): r.type for r in types.itertuples(index=False)}
    for file, (data, meta) in prepared.items():
        for column in data.columns:
            series = data[column]
            declared = meta["missing"].get(column, [])
            omitted = max(declared) if declared else None
            reached = min(declared) if len(declared) > 1 else None
            values = meta["values"]["en"].get(column, {})
            is_missing = series.isin(declared)
            row = {
                "file": names[file],
                "variable": column,
                "source": meta["source"].get(column, ""),
                **{f"label_{lang}": meta["labels"][lang].get(column, column) for lang in LANGS},
                "type": kinds.get((file, meta["source"].get(column, "")), _type(column)),
                **{
                    f"values_{lang}": "; ".join(
                        f"{_code(k)} = {v}"
                        for k, v in meta["values"][lang].get(column, {}).items()
                        if k not in declared
                    )
                    for lang in LANGS
                },
                **{
                    f"missing_codes_{lang}": "; ".join(
                        f"{_code(c)} = {meta['values'][lang].get(column, {}).get(c, '')}"
                        for c in declared
                    )
                    for lang in LANGS
                },
                "n": len(series),
                "n_valid": int((series.notna() & ~is_missing).sum()),
                "n_omitted": int((series == omitted).sum()) if omitted is not None else 0,
                "n_not_reached": int((series == reached).sum()) if reached is not None else 0,
                "n_sysmis": int(series.isna().sum()),
            }
            if values and not column.startswith("ID"):
                counts = series.value_counts().sort_index()
                row["frequencies"] = "; ".join(f"{_code(k)}: {int(v)}" for k, v in counts.items())
            elif series.notna().any() and not column.startswith("ID"):
                row["frequencies"] = (
                    f"{series.min():.4g} … {series.max():.4g} (x̄ = {series.mean():.4g})"
                )
            else:
                row["frequencies"] = ""
            rows.append(row)
    return pd.DataFrame(rows)


def technical_tables(
    tables: Mapping[str, pd.DataFrame | None], *, lang: str
) -> dict[str, pd.DataFrame]:
    """The technical chapter's tables from the stage outputs (absent ones are listed).

    ``tables``: catalog tables by name (``sample_allocation, participation,
    participation_summary, student_results, jk_zones, scale_constants, proficiency_levels,
    item_verdicts, linking``). Returns ``{section: table}``; a section whose table is absent
    holds one row saying so.
    """
    out: dict[str, pd.DataFrame] = {}

    def absent(name):
        return pd.DataFrame({"note": [f"{label('absent', lang)}: {name}"]})

    alloc = tables.get("sample_allocation")
    if alloc is not None:
        sample = alloc[["stratum", "n_schools", "mos", "n"]].rename(columns={"n": "n_sampled"})
        sample["stratum"] = [
            " / ".join(label(part, lang) for part in str(v).split("/")) for v in sample["stratum"]
        ]  # labels, not codes
        out["sample"] = sample
    else:
        out["sample"] = absent("sample_allocation")
    part = tables.get("participation")
    out["participation"] = part if part is not None else absent("participation")
    students = tables.get("student_results")
    if students is not None:
        reps = [c for c in students.columns if c.startswith("RWGT")]
        pvs = [c for c in students.columns if c.startswith("READ")]
        out["weights"] = pd.DataFrame(
            [
                {"measure": "students", "value": len(students)},
                {"measure": "schools", "value": students["IDSCHOOL"].nunique()},
                {"measure": "sum_TOTWGT", "value": float(students["TOTWGT"].sum())},
                {"measure": "jk_zones", "value": students["JKZONE"].nunique()},
                {"measure": "replicates", "value": len(reps)},
                {"measure": "plausible_values", "value": len(pvs)},
            ]
        )
    else:
        out["weights"] = absent("student_results")
    constants = tables.get("scale_constants")
    verdicts = tables.get("item_verdicts")
    if constants is not None:
        general = constants[constants["item_id"].isna()][["term", "estimate"]]
        items = (
            verdicts["verdict"]
            .value_counts()
            .rename_axis("term")
            .reset_index(name="estimate")
            .assign(term=lambda t: "items_" + t["term"])
            if verdicts is not None
            else general.iloc[:0]
        )
        out["scaling"] = pd.concat([general, items], ignore_index=True)
    else:
        out["scaling"] = absent("scale_constants")
    levels = tables.get("proficiency_levels")
    out["levels"] = (
        levels[["level", "name", "lower", "upper"]].assign(
            name=lambda t: [level_label(code, lang) for code in t["name"]]
        )  # stored as codes (low, intermediate, ...): named in the page's language
        if levels is not None
        else absent("proficiency_levels")
    )
    linking = tables.get("linking")
    out["linking"] = (
        linking
        if linking is not None and len(linking)
        else pd.DataFrame({"note": [label("no_linking", lang)]})
    )
    return out


def technical_html(
    path: Path,
    *,
    title: str,
    intro: str,
    sections: Mapping[str, str],
    tables: Mapping[str, pd.DataFrame],
    codebook: pd.DataFrame,
    lang: str,
) -> Path:
    """Write the technical chapter and codebook as one self-contained HTML page."""
    parts = [
        f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1><p>{html.escape(intro)}</p>",
    ]
    for key, table in tables.items():
        parts.append(f"<h2>{html.escape(sections.get(key, key))}</h2>")
        parts.append(_html_table(table, lang))
    parts.append(f"<h2>{html.escape(sections.get('codebook', 'codebook'))}</h2>")
    shown = codebook[
        [
            "file",
            "variable",
            f"label_{lang}",
            "type",
            f"values_{lang}",
            f"missing_codes_{lang}",
            "n_valid",
            "n_omitted",
            "n_not_reached",
            "n_sysmis",
            "frequencies",
        ]
    ].copy()
    shown["type"] = shown["type"].map(lambda v: label(f"release_type_{v}", lang))
    shown = shown.rename(
        columns={f"values_{lang}": "release_values", f"missing_codes_{lang}": "missing_codes"}
    )
    parts.append(_html_table(shown, lang, verbatim=tuple(shown.columns)))
    parts.append("</body></html>")
    return write_text(Path(path), "\n".join(parts))


def write_excel(path: Path, sheets: Mapping[str, pd.DataFrame], notes: pd.DataFrame) -> Path:
    """One workbook: notes, then one sheet per table (codebook, technical tables)."""
    from workbench.results.excel import write_workbook

    return write_workbook(Path(path), dict(sheets), notes)


# ----------------------------------------------------------------------------- helpers
_CSS = (
    "body{font-family:sans-serif;max-width:70em;margin:2em auto;color:#222}"
    "table{border-collapse:collapse;font-size:.85em;margin:.5em 0 1.5em}"
    "th,td{border:1px solid #bbb;padding:.2em .5em;text-align:left;vertical-align:top}"
    "td.n{text-align:right}@media print{body{max-width:none}}"
)


def _html_table(table: pd.DataFrame, lang: str, verbatim: tuple[str, ...] = ()) -> str:
    """An HTML table; text cells translated by :func:`label` except ``verbatim`` columns."""
    head = "".join(f"<th>{html.escape(label(c, lang))}</th>" for c in table.columns)
    body = []
    for row in table.itertuples(index=False):
        cells = []
        for column, value in zip(table.columns, row, strict=True):
            if isinstance(value, str) and column not in verbatim:
                value = label(value, lang)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                digits = 0 if float(value).is_integer() else 3
                cells.append(f"<td class='n'>{format_number(value, lang, digits)}</td>")
            else:
                cells.append(f"<td>{html.escape('' if pd.isna(value) else str(value))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _type(column: str) -> str:
    if column.startswith("ID"):
        return "id"
    if column.startswith("ASRREA"):
        return "plausible value"
    if column in ("TOTWGT", "SCHWGT") or column.startswith("RWGT"):
        return "weight"
    if column in ("REGION", "LOCALITY", "LANGINST", "SCHTYPE"):
        return "group"
    return "number"


def _code(value) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
