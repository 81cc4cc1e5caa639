"""Survey intake and scale validation of institution monitoring (stage t20, concept 000 §5.3.3).

The returns of students, graduates, employers and staff go through the field-data intake
(:func:`workbench.fielddata.intake`: declared schemas in ``workbench/indicators/schemas/``,
quarantine, intake log). Each questionnaire scale is then validated *before use*, with the
psychometrics engines: reliability (:func:`~workbench.psychometrics.reliability`), a one-factor
CFA (:func:`~workbench.psychometrics.cfa`), item DIF across respondent language
(:func:`~workbench.psychometrics.mantel_haenszel`) and measurement invariance across language
(:func:`~workbench.psychometrics.measurement_invariance`), and, for a scale several
respondent types answer (``shared_with``), invariance across respondent type. Items flagged
for DIF (ETS class C) are left out of the scale score (partial invariance) and invariance is
tested again without them; a scale that fails a criterion is reported and not used. A level
of invariance holds when CFI drops by at most 0.01 from the previous level (Cheung &
Rensvold 2002); Chen's (2007) joint CFI/RMSEA rule of the psychometrics engine is shown
beside it (``holds_chen``), as RMSEA changes are erratic when the configural RMSEA is near 0
and groups are small.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from workbench import fielddata as fd
from workbench import psychometrics as psy
from workbench.indicators.framework import RESPONDENTS, Framework

__all__ = [
    "schema_path",
    "intake_surveys",
    "SurveyIntake",
    "ScaleValidation",
    "validate_scales",
    "scale_scores",
    "OMITTED",
]

SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"
OMITTED = 9


def schema_path(respondent: str) -> Path:
    """The declared schema of one respondent type's returns."""
    if respondent not in RESPONDENTS:
        raise ValueError(
            f"schema_path: unknown respondent type ({respondent!r}); use one of "
            f"{', '.join(RESPONDENTS)}"
        )
    return SCHEMAS_DIR / f"{respondent}.yaml"


@dataclass(frozen=True, eq=False)
class SurveyIntake:
    """Result of :func:`intake_surveys`: ``accepted`` per respondent type, the per-file ``log``
    (``respondent`` + the field-data log columns) and the ``issues`` (quarantined rows and
    their reasons, ``respondent, file, row, column, value, reason``)."""

    accepted: dict[str, pd.DataFrame]
    log: pd.DataFrame
    issues: pd.DataFrame


def intake_surveys(
    folder: str | Path,
    *,
    institutions,
    year: int | None = None,
    quarantine_dir: str | Path | None = None,
) -> SurveyIntake:
    """Take in every survey return under ``<folder>/<respondent>/`` with its declared schema.

    Parameters
    ----------
    folder
        The delivery: one sub-folder per respondent type (``students``, ``graduates``,
        ``employers``, ``staff``) of CSV/XLSX/SAV files; never modified.
    institutions
        The institution codes of the cycle (rows naming another code are quarantined).
    year
        Keep only files whose name starts with ``<year>_`` (None: every file).
    quarantine_dir
        Where to write ``<respondent>_quarantine.csv`` and ``<respondent>_intake_log.csv``.

    Returns
    -------
    SurveyIntake

    Raises
    ------
    ValueError
        The folder does not exist.

    Notes
    -----
    Checked against planted faults of :func:`workbench.synth.sector.write_survey_returns`
    (``tests/test_indicators_surveys.py``).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(
            f"intake_surveys: no delivery folder ({folder}); write the returns "
            "to <folder>/<respondent>/ first"
        )
    known = {"sector.institution": [int(i) for i in institutions]}
    accepted, logs, issues = {}, [], []
    for resp in RESPONDENTS:
        pattern = f"{year}_*" if year is not None else "*"
        files = sorted(p for p in (folder / resp).glob(pattern) if p.is_file())
        schema = fd.load_schema(schema_path(resp))
        qdir = Path(quarantine_dir) if quarantine_dir is not None else None
        res = fd.intake(
            files,
            schema,
            known_ids=known,
            quarantine_path=qdir / f"{resp}_quarantine.csv" if qdir else None,
            log_path=qdir / f"{resp}_intake_log.csv" if qdir else None,
        )
        acc = res.accepted.drop(columns=["_source_file", "_source_row"], errors="ignore")
        accepted[resp] = acc.reset_index(drop=True)
        logs.append(res.log.assign(respondent=resp))
        issues.append(res.issues.assign(respondent=resp))
    log = pd.concat(logs, ignore_index=True)
    log["file"] = log["file"].map(lambda f: Path(f).name)
    iss = pd.concat(issues, ignore_index=True)
    if len(iss):
        iss["file"] = iss["file"].map(lambda f: Path(str(f)).name)
    return SurveyIntake(
        accepted,
        log[["respondent", *[c for c in log if c != "respondent"]]],
        iss[["respondent", *[c for c in iss if c != "respondent"]]],
    )


@dataclass(frozen=True, eq=False)
class ScaleValidation:
    """Result of :func:`validate_scales`.

    Attributes
    ----------
    scales
        One row per scale: ``scale, respondent, n, n_items, items_used, alpha, alpha_lower,
        omega, cfi, rmsea, invariance, invariance_respondents, status, problems, reason``
        (``status``: ``used`` or ``failed``; ``problems``: codes joined by ``/`` (``low_alpha,
        cfa_misfit, few_items_without_dif, metric_invariance_rejected, invariance_not_tested,
        no_returns, items_missing, too_few_returns``); ``reason``: the same in words, with
        numbers; ``invariance``: the highest level accepted across language after dropping
        flagged items; ``invariance_respondents``: across the respondent types sharing the
        scale, ``""`` when it has one type only).
    items
        One row per item: ``scale, item, loading, smd, p_value, ets_class, flagged, used``.
    invariance
        The invariance sequences: ``scale, across (lang | respondent), items, level, cfi,
        rmsea, delta_cfi, delta_rmsea, holds, holds_chen, note`` (``items``: ``all`` or
        ``kept``).
    """

    scales: pd.DataFrame
    items: pd.DataFrame
    invariance: pd.DataFrame

    def used_items(self) -> dict[str, list[str]]:
        """``{scale: items kept}`` for the scales that passed."""
        ok = set(self.scales.loc[self.scales["status"] == "used", "scale"])
        kept = self.items[self.items["used"]]
        return {s: kept.loc[kept["scale"] == s, "item"].tolist() for s in ok}


def validate_scales(
    returns: dict[str, pd.DataFrame],
    framework: Framework,
    *,
    group: str = "lang",
    focal: str = "ru",
    reference: str = "ky",
    min_alpha: float = 0.7,
    min_cfi: float = 0.9,
    max_rmsea: float = 0.08,
    dif_classes: tuple[str, ...] = ("C",),
    min_group: int = 100,
    scales: list[str] | None = None,
) -> ScaleValidation:
    """Validate every scale of the framework before use.

    Parameters
    ----------
    returns
        Accepted returns per respondent type (items 1-5, ``9`` = omitted).
    framework
        Its ``scales`` say which items form which scale.
    group, focal, reference
        Respondent language column and the two languages compared.
    min_alpha, min_cfi, max_rmsea
        A scale fails when alpha, or the one-factor CFA's CFI/RMSEA, misses these.
    dif_classes
        ETS classes (first letter) that flag an item for DIF; flagged items are not used.
    min_group
        DIF and invariance across language need this many complete answers in each language;
        with fewer they are reported as not tested (small pilots), and no item is dropped.
    scales
        Validate only these scales (default: all of the framework's).

    Returns
    -------
    ScaleValidation

    Notes
    -----
    Checked against the planted non-invariant item and the planted failing scale of the
    synthetic sector (``tests/test_indicators_surveys.py``); the engines themselves are
    checked against psych and lavaan in the psychometrics tests.
    """
    rows, item_rows, inv_rows = [], [], []
    for name, scale in framework.scales.items():
        if scales is not None and name not in scales:
            continue
        data = returns.get(scale.respondent)
        absent = [] if data is None else [i for i in scale.items if i not in data.columns]
        if data is None or absent or len(data) < 30:
            reason = (
                "no returns"
                if data is None
                else f"items missing {absent}"
                if absent
                else f"too few returns ({len(data)})"
            )
            problem = (
                "no_returns" if data is None else "items_missing" if absent else "too_few_returns"
            )
            rows.append(
                _scale_row(
                    name,
                    scale.respondent,
                    0,
                    scale.items,
                    [],
                    None,
                    None,
                    "",
                    "failed",
                    reason,
                    problem,
                )
            )
            continue
        x = _items(data, scale.items)
        res = _validate_one(
            name,
            scale.items,
            x,
            data[group],
            focal,
            reference,
            min_alpha,
            min_cfi,
            max_rmsea,
            dif_classes,
            min_group,
        )
        row, items, inv = res
        shared = _across_respondents(name, scale, returns, row)
        rows.append(
            {
                **row,
                "respondent": scale.respondent,
                "invariance_respondents": _highest(shared) if shared else "",
            }
        )
        item_rows.append(items)
        inv_rows.extend(inv + shared)
    scales = pd.DataFrame(rows).reindex(
        columns=[
            "scale",
            "respondent",
            "n",
            "n_items",
            "items_used",
            "alpha",
            "alpha_lower",
            "omega",
            "cfi",
            "rmsea",
            "invariance",
            "invariance_respondents",
            "status",
            "problems",
            "reason",
        ]
    )
    scales["invariance_respondents"] = scales["invariance_respondents"].astype(object).fillna("")
    items = (
        pd.concat(item_rows, ignore_index=True)
        if item_rows
        else pd.DataFrame(
            columns=["scale", "item", "loading", "smd", "p_value", "ets_class", "flagged", "used"]
        )
    )
    return ScaleValidation(scales, items, pd.DataFrame(inv_rows))


def scale_scores(
    returns: pd.DataFrame,
    validation: ScaleValidation,
    framework: Framework,
    respondent: str,
    *,
    min_answered: float = 0.5,
) -> pd.DataFrame:
    """Each respondent's score (0-100) on every *used* scale of their questionnaire.

    The score is the mean of the answered items kept by :func:`validate_scales`, rescaled from
    1-5 to 0-100; a respondent who answered fewer than ``min_answered`` of them gets NaN.

    Returns
    -------
    DataFrame
        ``year, institution, programme, respondent_id, lang`` and one column per used scale.

    Examples
    --------
    >>> import pandas as pd
    >>> from workbench.indicators.framework import load_framework
    >>> fw = load_framework("teacher_education")
    >>> v = ScaleValidation(pd.DataFrame({"scale": ["conditions"], "status": ["used"]}),
    ...                     pd.DataFrame({"scale": "conditions", "item": ["CND1", "CND2"],
    ...                                   "used": True}), pd.DataFrame())
    >>> r = pd.DataFrame({"year": 2025, "institution": 1, "programme": "", "lang": "ky",
    ...                   "respondent_id": ["a", "b"], "CND1": [5, 1], "CND2": [3, 9]})
    >>> scale_scores(r, v, fw, "staff")["conditions"].tolist()
    [75.0, 0.0]
    """
    keep = ["year", "institution", "programme", "respondent_id", "lang"]
    out = returns[[c for c in keep if c in returns.columns]].copy()
    used = validation.used_items()
    for name, scale in framework.scales.items():
        if scale.respondent != respondent or name not in used:
            continue
        x = _items(returns, used[name])
        enough = x.notna().mean(axis=1) >= min_answered
        out[name] = ((x.mean(axis=1) - 1) / 4 * 100).where(enough)
    return out.reset_index(drop=True)


def _items(data: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    x = data[items].apply(pd.to_numeric, errors="coerce").astype(float)
    return x.where(x != OMITTED)


def _validate_one(
    name, items, x, lang, focal, reference, min_alpha, min_cfi, max_rmsea, dif_classes, min_group
):
    rel = psy.reliability(x)
    alpha = float(rel.loc[rel["statistic"] == "alpha", "estimate"].iloc[0])
    alpha_lower = float(rel.loc[rel["statistic"] == "alpha", "ci_lower"].iloc[0])
    omega = float(rel.loc[rel["statistic"] == "omega_total", "estimate"].iloc[0])
    n = int(rel["n"].iloc[0])
    fit = psy.cfa(x, {name: items})
    cfi, rmsea = float(fit.fit["cfi"].iloc[0]), float(fit.fit["rmsea"].iloc[0])
    loadings = fit.loadings.set_index("item_id")["std_loading"]
    complete = pd.Series(np.asarray(lang), index=x.index)[x.notna().all(axis=1)]
    sizes = {g: int((complete == g).sum()) for g in (focal, reference)}
    small = min(sizes.values()) < min_group
    if min(sizes.values()) > 0:
        dif = psy.mantel_haenszel(
            x - 1, group=np.asarray(lang), focal=focal, reference=reference
        ).set_index("item_id")
    else:
        dif = pd.DataFrame({"smd": np.nan, "p_value": np.nan, "ets_class": ""}, index=items)
    flagged = [] if small else [i for i in items if str(dif.loc[i, "ets_class"])[:1] in dif_classes]
    kept = [i for i in items if i not in flagged]
    note = ""
    if small:
        note = (
            f"invariance across language not tested ({focal} {sizes[focal]}, {reference} "
            f"{sizes[reference]} complete answers; {min_group} needed per language)"
        )
        inv = [
            [
                {
                    "scale": name,
                    "across": "lang",
                    "items": "all",
                    "level": "not tested",
                    "cfi": np.nan,
                    "rmsea": np.nan,
                    "delta_cfi": np.nan,
                    "delta_rmsea": np.nan,
                    "holds": False,
                    "holds_chen": False,
                    "note": note,
                }
            ]
        ]
    else:
        inv = [_invariance(x, name, items, lang, "all")]
    if flagged and len(kept) >= 3:
        inv.append(_invariance(x, name, kept, lang, "kept"))
    level = _highest(inv[-1])
    reasons, codes = [], []
    if alpha < min_alpha:
        reasons.append(f"alpha {alpha:.2f} < {min_alpha:.2f}")
        codes.append("low_alpha")
    if cfi < min_cfi or rmsea > max_rmsea:
        reasons.append(f"one-factor CFA misfits (CFI {cfi:.3f}, RMSEA {rmsea:.3f})")
        codes.append("cfa_misfit")
    if len(kept) < 3:
        reasons.append(f"fewer than 3 items without DIF ({kept})")
        codes.append("few_items_without_dif")
    if level in ("", "configural"):
        reasons.append("loadings differ across languages (metric invariance rejected)")
        codes.append("metric_invariance_rejected")
    status = "failed" if reasons else "used"
    reason = "; ".join(reasons) or "passes"
    problems = "/".join(codes + (["invariance_not_tested"] if note else []))
    row = _scale_row(
        name,
        "",
        n,
        items,
        kept,
        alpha,
        (alpha_lower, omega, cfi, rmsea),
        level,
        status,
        f"{reason}; {note}" if note else reason,
        problems,
    )
    item_tab = pd.DataFrame(
        {
            "scale": name,
            "item": items,
            "loading": [float(loadings.get(i, np.nan)) for i in items],
            "smd": [float(dif.loc[i, "smd"]) for i in items],
            "p_value": [float(dif.loc[i, "p_value"]) for i in items],
            "ets_class": [str(dif.loc[i, "ets_class"]) for i in items],
            "flagged": [i in flagged for i in items],
        }
    )
    item_tab["used"] = (~item_tab["flagged"]) & (status == "used")
    return row, item_tab, [r for t in inv for r in t]


def _invariance(x, name, items, lang, which, across="lang") -> list[dict]:
    try:
        seq = psy.measurement_invariance(x[items], {name: items}, group=np.asarray(lang))
    except ValueError as exc:  # one language only: invariance cannot be tested
        return [
            {
                "scale": name,
                "across": across,
                "items": which,
                "level": "not tested",
                "cfi": np.nan,
                "rmsea": np.nan,
                "delta_cfi": np.nan,
                "delta_rmsea": np.nan,
                "holds": False,
                "holds_chen": False,
                "note": str(exc),
            }
        ]
    ok = (seq["delta_cfi"] >= -0.01).to_numpy().copy()
    ok[0] = bool(seq["cfi"].iloc[0] >= 0.90)
    holds = np.minimum.accumulate(ok)
    return [
        {
            "scale": name,
            "across": across,
            "items": which,
            "level": r["level"],
            "cfi": r["cfi"],
            "rmsea": r["rmsea"],
            "delta_cfi": r["delta_cfi"],
            "delta_rmsea": r["delta_rmsea"],
            "holds": bool(h),
            "holds_chen": bool(r["holds"]),
            "note": "",
        }
        for h, (_, r) in zip(holds, seq.iterrows(), strict=True)
    ]


def _across_respondents(name, scale, returns, row) -> list[dict]:
    """Invariance of a shared scale's kept items across the respondent types answering it."""
    kept = [i for i in row["items_used"].split(", ") if i]
    types = [scale.respondent, *scale.shared_with]
    parts = [
        returns[t].assign(_type=t)
        for t in types
        if t in returns and set(kept) <= set(returns[t].columns) and len(returns[t])
    ]
    if len(parts) < 2 or len(kept) < 3:
        return []
    both = pd.concat(parts, ignore_index=True)
    return _invariance(_items(both, kept), name, kept, both["_type"], "kept", "respondent")


def _highest(rows: list[dict]) -> str:
    if rows and rows[0]["level"] == "not tested":
        return "not tested"
    held = [r["level"] for r in rows if r["holds"]]
    return held[-1] if held else ""


def _scale_row(name, respondent, n, items, kept, alpha, extra, level, status, reason, problems=""):
    alpha_lower, omega, cfi, rmsea = extra if extra else (np.nan,) * 4
    return {
        "scale": name,
        "respondent": respondent,
        "n": n,
        "n_items": len(items),
        "items_used": ", ".join(kept),
        "alpha": np.nan if alpha is None else alpha,
        "alpha_lower": alpha_lower,
        "omega": omega,
        "cfi": cfi,
        "rmsea": rmsea,
        "invariance": level,
        "status": status,
        "problems": problems,
        "reason": reason,
    }
