"""The stages of a teacher-education monitoring cycle, one call per notebook cell.

``t10`` builds (or, later, reads) the sector and writes the survey delivery to
``fieldwork/<cycle>/incoming/surveys/``; ``t20`` takes the delivery in and validates the
scales; ``t30`` computes the indicators; ``t40`` the composite index and its sensitivity;
``t50`` comparison, change and employment cohorts. Every table is written tidy to
``outputs/<cycle>/data/<name>.parquet`` (atomically) so the results database can load it;
:func:`load` reads one back.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from workbench.atomic import write_parquet
from workbench.indicators import compare, composite, compute, surveys
from workbench.indicators.framework import load_framework
from workbench.paths import data_dir, fieldwork_dir
from workbench.synth.sector import make_feedback, make_sector, write_survey_returns

__all__ = [
    "save",
    "load",
    "current_year",
    "prepare_sector",
    "survey_stage",
    "indicator_stage",
    "composite_stage",
    "comparison_stage",
    "TABLES",
    "DATABASE_TABLES",
    "open_catalog",
]

#: The tables a cycle writes, by stage.
TABLES = {
    "t10_sector": [
        "institutions",
        "programmes",
        "enrolment",
        "staff",
        "destinations",
        "invited",
        "effects",
        "truth_items",
        "planted",
        "delivery_faults",
        "feedback",
        "cycle_info",
    ],
    "t20_surveys": [
        "survey_log",
        "survey_issues",
        "scale_validation",
        "scale_items",
        "scale_invariance",
        "scores_students",
        "scores_graduates",
        "scores_employers",
        "scores_staff",
    ],
    "t30_indicators": ["indicators", "response_rates"],
    "t40_composite": ["composite_positions", "composite_scenarios"],
    "t50_comparison": ["comparison", "change", "employment_cohorts"],
}

#: The results database's tables of a teacher-education cycle (the publish step builds it):
#: database table -> stored table; each is stacked over the cycles with a ``cycle`` column.
DATABASE_TABLES = {
    "teacher_ed_indicators": "indicators",
    "teacher_ed_response_rates": "response_rates",
    "teacher_ed_scales": "scale_validation",
    "teacher_ed_composite": "composite_positions",
    "teacher_ed_comparison": "comparison",
    "teacher_ed_change": "change",
    "teacher_ed_employment": "employment_cohorts",
    "teacher_ed_feedback": "feedback",
}


def open_catalog(cycle: str):
    """The Intake catalog of a teacher-education cycle (``catalogs/teacher_ed.yaml``): one
    entry per stored table (``cat.indicators.read()``, ``list(cat)`` names them all)."""
    import intake

    from workbench.paths import PROJECT_ROOT, outputs_root

    catalog = intake.from_yaml_file(str(PROJECT_ROOT / "catalogs" / "teacher_ed.yaml"))
    return catalog(cycle=cycle, outputs=str(outputs_root()))


def save(cycle: str, name: str, table: pd.DataFrame) -> Path:
    """Write ``outputs/<cycle>/data/<name>.parquet`` atomically."""
    return write_parquet(data_dir(cycle) / f"{name}.parquet", table.reset_index(drop=True))


def load(cycle: str, name: str) -> pd.DataFrame:
    """Read a table an earlier stage wrote (a clear message if that stage has not run)."""
    path = data_dir(cycle) / f"{name}.parquet"
    if not path.is_file():
        stage = next((s for s, names in TABLES.items() if name in names), "?")
        raise FileNotFoundError(
            f"load: no table {name!r} for cycle {cycle!r} ({path}); run stage {stage} first"
        )
    return pd.read_parquet(path)


def current_year(cycle: str) -> int:
    """The cycle's monitoring year (the last year stage t10 wrote)."""
    info = load(cycle, "cycle_info")
    return int(info.loc[info["current"], "year"].iloc[0])


def prepare_sector(
    cycle: str,
    *,
    seed: int,
    institutions: int = 80,
    years: list[int] | tuple[int, ...] = (2025, 2026),
    pilot_per_level: int | None = None,
    faults: bool = True,
) -> pd.DataFrame:
    """Stage t10: the synthetic sector, the participating institutions, the delivery.

    Returns
    -------
    DataFrame
        Summary of the current year by level: ``level, institutions, programmes, students,
        staff, graduates``.
    """
    years = tuple(int(y) for y in years)
    sector = make_sector(seed, institutions=institutions, years=years)
    inst = sector.institutions
    chosen = sorted(inst["institution"].unique())
    if pilot_per_level:
        rng = np.random.default_rng([seed, 3])
        current = inst[inst["year"] == years[-1]]
        chosen = sorted(
            int(c)
            for _, g in current.groupby("level")
            for c in rng.choice(g["institution"], pilot_per_level, replace=False)
        )
    keep = {"institution": chosen}
    for name in (
        "institutions",
        "programmes",
        "enrolment",
        "staff",
        "destinations",
        "invited",
        "effects",
        "truth_items",
    ):
        table = getattr(sector, name)
        save(cycle, name, table[table["institution"].isin(keep["institution"])])
    save(
        cycle,
        "planted",
        pd.DataFrame(
            {"key": list(sector.planted), "value": [str(v) for v in sector.planted.values()]}
        ),
    )
    incoming = fieldwork_dir(cycle) / "incoming" / "surveys"
    faults_table = pd.concat(
        [
            write_survey_returns(
                sector, incoming, year=y, institutions=chosen, faults=faults
            ).assign(year=y)
            for y in years
        ],
        ignore_index=True,
    )
    save(cycle, "delivery_faults", faults_table)
    feedback = make_feedback(seed, chosen) if pilot_per_level else make_feedback(seed, [])
    save(cycle, "feedback", feedback)
    save(
        cycle,
        "cycle_info",
        pd.DataFrame({"year": list(years), "current": [y == years[-1] for y in years]}),
    )
    cur = years[-1]
    progs = sector.programmes[
        (sector.programmes["year"] == cur) & sector.programmes["institution"].isin(chosen)
    ]
    grads = sector.enrolment[
        (sector.enrolment["year"] == cur) & sector.enrolment["institution"].isin(chosen)
    ]
    base = inst[(inst["year"] == cur) & inst["institution"].isin(chosen)]
    out = base.groupby("level").agg(
        institutions=("institution", "size"), students=("students", "sum"), staff=("staff_n", "sum")
    )
    out["programmes"] = progs.groupby("level").size()
    out["graduates"] = (
        grads.merge(base[["institution", "level"]]).groupby("level")["graduates"].sum()
    )
    return out.reset_index()[
        ["level", "institutions", "programmes", "students", "staff", "graduates"]
    ]


def survey_stage(
    cycle: str,
    *,
    min_alpha: float = 0.7,
    min_cfi: float = 0.9,
    max_rmsea: float = 0.08,
    focal: str = "ru",
    reference: str = "ky",
    dif_classes=("C",),
    min_group: int = 100,
    framework: str = "teacher_education",
) -> pd.DataFrame:
    """Stage t20: intake of every year's returns, scale validation, respondents' scores.

    Returns
    -------
    DataFrame
        The scale validation of every year (``year`` + :class:`~.surveys.ScaleValidation`
        ``.scales``).
    """
    fw = load_framework(framework)
    years = load(cycle, "cycle_info")["year"].tolist()
    codes = load(cycle, "institutions")["institution"].unique()
    folder = fieldwork_dir(cycle) / "incoming" / "surveys"
    logs, issues, scales, items, inv = [], [], [], [], []
    scores: dict[str, list] = {r: [] for r in surveys.RESPONDENTS}
    for year in years:
        q = fieldwork_dir(cycle) / "quarantine" / "surveys" / str(year)
        got = surveys.intake_surveys(folder, institutions=codes, year=year, quarantine_dir=q)
        logs.append(got.log.assign(year=year))
        issues.append(got.issues.assign(year=year))
        val = surveys.validate_scales(
            got.accepted,
            fw,
            focal=focal,
            reference=reference,
            min_alpha=min_alpha,
            min_cfi=min_cfi,
            max_rmsea=max_rmsea,
            dif_classes=tuple(dif_classes),
            min_group=min_group,
        )
        scales.append(val.scales.assign(year=year))
        items.append(val.items.assign(year=year))
        inv.append(val.invariance.assign(year=year))
        for resp, data in got.accepted.items():
            scores[resp].append(surveys.scale_scores(data, val, fw, resp))
    log = pd.concat(logs, ignore_index=True).drop(columns=["sha256"])
    root = str(fieldwork_dir(cycle).parent)  # no absolute path in a stored table
    log["message"] = log["message"].astype(str).str.replace(root, "fieldwork", regex=False)
    if "values" in log:  # the values the message was made from (JSON text; empty stays empty)
        log["values"] = log["values"].str.replace(root, "fieldwork", regex=False)
    save(cycle, "survey_log", log)
    save(cycle, "survey_issues", pd.concat(issues, ignore_index=True).astype({"value": str}))
    table = pd.concat(scales, ignore_index=True)
    save(cycle, "scale_validation", table)
    save(cycle, "scale_items", pd.concat(items, ignore_index=True))
    save(cycle, "scale_invariance", pd.concat(inv, ignore_index=True))
    for resp, parts in scores.items():
        save(cycle, f"scores_{resp}", pd.concat(parts, ignore_index=True))
    return table[["year", *[c for c in table.columns if c != "year"]]]


def indicator_stage(
    cycle: str,
    *,
    framework: str = "teacher_education",
    min_n: int = 10,
    min_rate: float = 0.2,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Stage t30: every indicator for every year, with SE/CI and flags; response rates.

    Returns
    -------
    DataFrame
        The indicator table (:data:`~.compute.INDICATOR_COLUMNS`).
    """
    fw = load_framework(framework)
    years = load(cycle, "cycle_info")["year"].tolist()
    validation = load(cycle, "scale_validation")
    admin_all = {
        k: load(cycle, k)
        for k in ("institutions", "programmes", "enrolment", "staff", "destinations")
    }
    invited = load(cycle, "invited")
    scores_all = {r: load(cycle, f"scores_{r}") for r in surveys.RESPONDENTS}
    parts, rates = [], []
    for year in years:
        admin = {k: v[v["year"] == year] for k, v in admin_all.items() if k != "destinations"}
        dest = admin_all["destinations"]
        admin["destinations"] = dest[dest["cohort"] == year - 1]
        inv = invited[invited["year"] == year]
        sc = {r: s[s["year"] == year] for r, s in scores_all.items()}
        v = validation[validation["year"] == year]
        used = v.loc[v["status"] == "used", "scale"].tolist()
        parts.append(
            compute.compute_indicators(
                sc,
                admin,
                inv,
                fw,
                year=year,
                used_scales=used,
                min_n=min_n,
                min_rate=min_rate,
                ci=ci,
            )
        )
        rates.append(
            compute.response_rates(sc, inv, min_n=min_n, min_rate=min_rate).assign(year=year)
        )
    table = pd.concat(parts, ignore_index=True)
    save(cycle, "indicators", table)
    save(cycle, "response_rates", pd.concat(rates, ignore_index=True))
    return table


def composite_stage(
    cycle: str,
    *,
    seed: int = 0,
    framework: str = "teacher_education",
    normalisation: str = "minmax",
    weighting: str = "equal_groups",
    aggregation: str = "arithmetic",
    custom_weights: dict | None = None,
    alternatives: dict | None = None,
    n_draws: int = 500,
    weight_concentration: float = 20.0,
    top_share: float = 0.25,
) -> pd.DataFrame:
    """Stage t40: the composite index of the current year and its sensitivity analysis.

    Returns
    -------
    DataFrame
        Positions as ranges (:func:`~.composite.sensitivity`), with ``name`` and ``level``.
    """
    fw = load_framework(framework)
    info = load(cycle, "cycle_info")
    year = int(info.loc[info["current"], "year"].iloc[0])
    ind = load(cycle, "indicators")
    ind = ind[ind["year"] == year]
    alt = alternatives or {}
    pos, scen = composite.sensitivity(
        ind,
        fw,
        normalisation=normalisation,
        weighting=weighting,
        aggregation=aggregation,
        custom=custom_weights or None,
        normalisations=tuple(alt.get("normalisations", composite.NORMALISATIONS)),
        weightings=tuple(alt.get("weightings", ("equal_groups", "equal_indicators"))),
        aggregations=tuple(alt.get("aggregations", composite.AGGREGATIONS)),
        n_draws=n_draws,
        weight_concentration=weight_concentration,
        seed=seed,
        top=top_share,
    )
    inst = load(cycle, "institutions")
    inst = inst[inst["year"] == year][["institution", "name", "level"]]
    pos = pos.merge(inst, on="institution", how="left")
    save(cycle, "composite_positions", pos.assign(year=year))
    save(cycle, "composite_scenarios", scen.assign(year=year))
    return pos


def comparison_stage(
    cycle: str, *, framework: str = "teacher_education", peer: str = "level", alpha: float = 0.05
) -> dict[str, pd.DataFrame]:
    """Stage t50: comparison with sector and peers, change from the previous year, cohorts.

    Returns
    -------
    dict
        ``comparison``, ``change`` (empty with one year), ``employment_cohorts``.
    """
    fw = load_framework(framework)
    info = load(cycle, "cycle_info")
    years = info["year"].tolist()
    ind = load(cycle, "indicators")
    inst = load(cycle, "institutions")
    cur = ind[ind["year"] == years[-1]]
    comp = compare.compare_with_peers(
        cur, inst[inst["year"] == years[-1]], peer=peer, alpha=alpha, ci=1 - alpha
    )
    if len(years) > 1:
        change = compare.change_from_previous(
            cur, ind[ind["year"] == years[-2]], fw, alpha=alpha, ci=1 - alpha
        )
    else:
        change = pd.DataFrame(
            columns=[
                "level",
                "institution",
                "programme",
                "indicator",
                "previous",
                "current",
                "change",
                "se",
                "ci_lower",
                "ci_upper",
                "p_value",
                "verdict",
            ]
        )
    cohorts = compare.employment_cohorts(load(cycle, "destinations"))
    out = {"comparison": comp, "change": change, "employment_cohorts": cohorts}
    for name, table in out.items():
        save(cycle, name, table)
    return out
