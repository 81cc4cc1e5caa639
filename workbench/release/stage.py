"""The release stage's steps (notebook ``80_release``): one call per notebook cell.

Each step reads the cycle's catalog, writes its files under ``outputs/<cycle>/release/`` and
saves its table as a catalog entry: ``release_files`` (what was written, with SHA-256),
``release_disclosure`` (the disclosure report), ``release_check`` (the published national
mean recomputed from the released ``.sav``), ``release_codebook``, ``recommendations`` (the
register's history), ``recommendations_followup`` and ``method_proposals``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from workbench.catalog import open_catalog, read_optional, save
from workbench.labels import label
from workbench.paths import PROJECT_ROOT, cycle_dir
from workbench.release import anonymity, files, method, recommendations, technical

__all__ = [
    "release_dir",
    "build_release",
    "check_release",
    "document",
    "register",
    "proposals",
    "ANALYSIS_FILES",
]

ANALYSIS_FILES = ("student_results", "school_results", "teacher_results")


def release_dir(cycle: str) -> Path:
    """``outputs/<cycle>/release``."""
    return cycle_dir(cycle) / "release"


def build_release(
    cycle: str,
    *,
    seed: int,
    release_id: str,
    country: str,
    cycle_code: str,
    grade: int,
    k: int,
    k_schools: int,
    quasi_identifiers: Sequence[str],
    recodes: Sequence[Mapping],
    suppress_order: Sequence[str] | None,
    free_text: Sequence[str],
    restricted_only: Sequence[str],
) -> dict:
    """Both tiers: disclosure control, IEA files (CSV, labels, ky/ru/en ``.sav``).

    Returns ``{"manifest", "disclosure", "prepared": {tier: {file: (data, meta)}},
    "names"}`` and saves ``release_files`` and ``release_disclosure``.
    """
    cat = open_catalog(cycle)
    tables = {name: cat[name].read() for name in ANALYSIS_FILES}
    book = cat.codebook.read()
    coded = book.loc[book["values_en"].fillna("") != "", "variable"].unique().tolist()
    groups = {
        g: sorted(
            str(v) for v in pd.concat([t[g] for t in tables.values() if g in t]).dropna().unique()
        )
        for g in dict.fromkeys([*files.RENAME, *book.loc[book["type"] == "group", "variable"]])
        if any(g in t for t in tables.values())
    }
    for step in recodes:
        if step["variable"] in groups:
            groups[step["variable"]] += sorted(
                {str(v) for v in step["map"].values()} - set(groups[step["variable"]])
            )
    manifests, reports, prepared = [], [], {}
    for tier in ("restricted", "public"):
        chosen = (
            tables
            if tier == "restricted"
            else {
                name: t.drop(
                    columns=[
                        c
                        for c in t.columns
                        if c in restricted_only or c.removesuffix("_MISSING") in restricted_only
                    ]
                )
                for name, t in tables.items()
            }
        )
        out, report = anonymity.disclose(
            chosen,
            quasi=quasi_identifiers,
            k=k,
            k_schools=k_schools,
            recodes=recodes,
            suppress_order=suppress_order,
            free_text=free_text,
            coded=coded,
            seed=seed,
            release_id=release_id,
            tier=tier,
        )
        if tier == "public":
            kept = sum(len(t.columns) for t in tables.values()) - sum(
                len(t.columns) for t in chosen.values()
            )
            report = pd.concat(
                [
                    report,
                    pd.DataFrame(
                        [
                            {
                                "tier": tier,
                                "file": "all",
                                "step": "0 restricted only",
                                "variable": ", ".join(restricted_only),
                                "action": "drop",
                                "rule": "variables kept for the restricted-use files only",
                                "values_changed": kept,
                            }
                        ]
                    ),
                ],
                ignore_index=True,
            )
        manifest, ready = files.write_release(
            out,
            release_dir(cycle),
            tier=tier,
            codebook=book,
            country=country,
            cycle_code=cycle_code,
            grade=grade,
            groups=groups,
        )
        manifests.append(manifest)
        reports.append(report)
        prepared[tier] = ready
    manifest = pd.concat(manifests, ignore_index=True)
    disclosure = pd.concat(reports, ignore_index=True)
    disclosure["values_changed"] = pd.to_numeric(disclosure["values_changed"]).astype("Int64")
    for column in ("records_changed", "k_after", "records_below_k"):
        disclosure[column] = pd.to_numeric(disclosure[column]).astype("Int64")
    disclosure = disclosure.astype(
        {c: "object" for c in ("tier", "file", "step", "variable", "action", "rule")}
    )
    save(cycle, "release_files", manifest)
    save(cycle, "release_disclosure", disclosure)
    names = {f: files.file_name(f, country=country, cycle_code=cycle_code) for f in ANALYSIS_FILES}
    return {"manifest": manifest, "disclosure": disclosure, "prepared": prepared, "names": names}


def check_release(cycle: str, built: Mapping) -> pd.DataFrame:
    """Read every tier's student ``.sav`` back and recompute the published national mean.

    Returns and saves ``release_check``: ``tier, lang, file, estimate, se, n,
    published_estimate, published_se, difference_estimate, difference_se``.

    Checked against
    ---------------
    The results stage's ``results_distribution`` (national mean, SE) and R ``haven`` +
    ``survey`` on the released file; ``tests/test_release.py``.
    """
    from workbench.survey import RepDesign

    published = read_optional(cycle, "results_distribution")
    national = (
        published[(published["group_var"] == "all") & (published["statistic"] == "mean")].iloc[0]
        if published is not None
        else None
    )
    rows = []
    name = built["names"]["student_results"]
    for tier in ("public", "restricted"):
        for lang in ("ky", "ru", "en"):
            path = release_dir(cycle) / tier / "sav" / lang / f"{name}.sav"
            data, _ = files.read_release(path)
            mean = RepDesign.iea(data, scale="reading").mean("reading").iloc[0]
            row = {
                "tier": tier,
                "lang": lang,
                "file": f"{tier}/sav/{lang}/{name}.sav",
                "estimate": float(mean["estimate"]),
                "se": float(mean["se"]),
                "n": int(mean["n"]),
            }
            if national is not None:
                row.update(
                    published_estimate=float(national["estimate"]),
                    published_se=float(national["se"]),
                    difference_estimate=abs(row["estimate"] - float(national["estimate"])),
                    difference_se=abs(row["se"] - float(national["se"])),
                )
            rows.append(row)
    table = pd.DataFrame(rows)
    save(cycle, "release_check", table)
    return table


def document(cycle: str, built: Mapping, *, lang: str) -> dict:
    """The codebook of the release files and the technical chapter: HTML in ky, ru and en
    (``release/technical_<lang>.html``) and one Excel workbook (``release/codebook.xlsx``).

    Returns ``{"codebook", "tables", "html"}`` (``html``: the page in ``lang``); saves
    ``release_codebook`` (both tiers).
    """
    from workbench.labels import LANGS
    from workbench.report import _texts

    cat = open_catalog(cycle)
    types = cat.codebook.read()
    books = []
    for tier in ("public", "restricted"):
        book = technical.release_codebook(
            built["prepared"][tier], names=built["names"], types=types
        )
        book.insert(0, "tier", tier)
        books.append(book)
    both = pd.concat(books, ignore_index=True)
    save(cycle, "release_codebook", both)
    inputs = {
        name: read_optional(cycle, name)
        for name in (
            "sample_allocation",
            "participation",
            "student_results",
            "scale_constants",
            "proficiency_levels",
            "item_verdicts",
            "linking",
        )
    }
    texts = _texts("release")
    pages, shown = {}, None
    for language in LANGS:
        tables = technical.technical_tables(inputs, lang=language)
        sections = {key: label(key, language) for key in (*tables, "codebook")}
        pages[language] = technical.technical_html(
            release_dir(cycle) / f"technical_{language}.html",
            title=texts["technical_title"][language],
            intro=texts["technical_intro"][language],
            sections=sections,
            tables=tables,
            codebook=books[0],
            lang=language,
        )
        shown = tables if language == lang else shown
    notes = pd.DataFrame(
        [
            {"section": "cycle", "item": "", "text": cycle},
            {
                "section": "written",
                "item": "",
                "text": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            },
        ]
    )
    technical.write_excel(
        release_dir(cycle) / "codebook.xlsx",
        {
            "codebook": both,
            **technical.technical_tables(inputs, lang="en"),
            "disclosure": built["disclosure"],
        },
        notes,
    )
    return {"codebook": both, "tables": shown, "html": pages[lang]}


def register(
    cycle: str,
    *,
    path: str | None,
    lang: str,
    base_cycle: str | None = None,
    today: dt.date | None = None,
) -> dict:
    """Sync the cycle's recommendations register; the follow-up report.

    ``path``: the register file (default ``parameters/recommendations/<cycle>.yaml``; absent
    file: an empty register, said so). ``base_cycle``: the previous cycle, whose
    recommendations get the indicator before (then) and after (now).
    Saves ``recommendations`` (the history) and ``recommendations_followup``. Returns
    ``{"file", "shown_file", "appended", "history", "report", "summary"}``; ``shown_file``:
    the register's path for a report (relative to the project, never absolute; ``–`` when
    absent).
    """
    file = Path(path) if path else PROJECT_ROOT / "parameters" / "recommendations" / f"{cycle}.yaml"
    if not file.is_absolute():
        file = PROJECT_ROOT / file
    appended = pd.DataFrame(columns=["kind", "cycle", "id", "number"])
    if file.exists():
        reg = recommendations.read_register(file)
        if reg["cycle"] != cycle:
            raise ValueError(
                f"register: {file} is the register of cycle {reg['cycle']!r}, "
                f"not {cycle!r}; name this cycle's register."
            )
        appended = recommendations.sync(reg)
    cycles = [c for c in (base_cycle, cycle) if c]
    history = recommendations.history(cycles=cycles)
    report = recommendations.followup_report(
        history,
        today=today or dt.date.today(),
        lang=lang,
        next_cycles={base_cycle: cycle} if base_cycle else None,
    )
    save(cycle, "recommendations", history if len(history) else _empty_history())
    save(cycle, "recommendations_followup", report)
    return {
        "file": file if file.exists() else None,
        "shown_file": _shown(file) if file.exists() else "–",
        "appended": appended,
        "history": history,
        "report": report,
        "summary": recommendations.summary(report),
    }


def proposals(cycle: str, *, lang: str, max_se: float, agreement_target: float) -> pd.DataFrame:
    """Draft the method proposals from the cycle's quality tables; saves ``method_proposals``."""
    evidence = {
        name: read_optional(cycle, name)
        for name in (
            "participation_summary",
            "results_distribution",
            "item_verdicts",
            "dif_results",
            "coder_agreement",
        )
    }
    table = method.propose(evidence, lang=lang, max_se=max_se, agreement_target=agreement_target)
    save(cycle, "method_proposals", table)
    return table


def _shown(path: Path) -> str:
    """A path for a report: relative to the project, else its name."""
    try:
        return path.resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return path.name


def _empty_history() -> pd.DataFrame:
    return pd.DataFrame([{"kind": "none", "cycle": "", "id": "", "number": 0}])
