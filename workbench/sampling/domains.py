"""Design quality of the reporting domains: repeated samples through the real chain.

Serves the sample-design stage (``notebooks/10_sample_design.py``) and the design study.
Each simulated sample is drawn, weighted (full response), given jackknife zones and JK2
replicate weights by :mod:`workbench.weights` and estimated with
:class:`workbench.survey.RepDesign`; the estimates of the national mean, each oblast's and
each language's mean, and the girls - boys and urban - rural gaps are compared with the
population's true values. Three intervals are scored: the normal interval with the JK2 SE
(what IEA reports), a t interval with the domain's degrees of freedom (jackknife zones with
data), and the t interval with the finite-population-corrected JK2 SE (see
:mod:`workbench.sampling._chain` for the correction and its reference).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from scipy import stats

from workbench.sampling._chain import (
    DEFAULT_DOMAINS,
    DOMAIN_ORDER,
    DesignSpec,
    Domains,
    Population,
    truth_values,
)
from workbench.sampling._runner import SYNC, run_designs

__all__ = [
    "INTERVALS",
    "domain_report",
    "domain_summary",
    "evaluate_domains",
    "simulate_domains",
    "summarize_domains",
]

#: Intervals scored: normal with the JK2 SE; t(df) with it; t(df) with the FPC-corrected SE.
INTERVALS = ("normal", "t", "t_fpc")
#: Domains estimated in fewer samples than this share are not scored against the target.
REPORTABLE = 0.95


def simulate_domains(
    frame: pd.DataFrame,
    classes: pd.DataFrame,
    students: pd.DataFrame,
    *,
    reps: int = 200,
    seed: int = 0,
    client: object = SYNC,
    workers: int = 2,
    batch: int = 25,
    progress: bool | None = None,
    domains: Domains = DEFAULT_DOMAINS,
    **design: Any,
) -> pd.DataFrame:
    """Estimates of every domain in ``reps`` samples drawn through the real chain.

    Parameters
    ----------
    frame
        Sampling frame (``school_id``, strata, sort and size columns).
    classes
        Class list: ``school_id, class_id, enrol``.
    students
        Every student of the frame's schools: ``school_id, class_id`` and the columns of
        ``domains`` (score, region, language, gender, locality).
    reps, seed
        Samples, and the seed their streams are spawned from (``SeedSequence.spawn``).
    client, workers, batch, progress
        ``"sync"`` runs in this process; None starts a local Dask cluster of ``workers``
        processes; a scheduler address or a ``distributed.Client`` uses that cluster.
        ``batch`` samples per task; ``progress`` shows a bar (default: in a terminal).
    domains
        Column names of the domains.
    **design
        The design: ``n_schools, classes_per_school, large_mos, classes_large, strata, sort_by,
        allocation, minimum, oversample, small_mos, small_rule, exclusion_limit``.

    Returns
    -------
    pandas.DataFrame
        One row per sample x domain: ``design, sample, domain, group, estimate, se,
        se_fpc, df, n_schools, n_students``.

    Notes
    -----
    Checked against: the estimates equal :class:`~workbench.survey.RepDesign`'s to 1e-9, and
    the intervals cover the synthetic nation's true national mean and girls - boys gap within
    3 Monte Carlo SEs of 95 % (``tests/test_sampling_design_study.py``).
    """
    pop = Population(frame, classes, students, domains)
    spec = DesignSpec.from_dict({"name": "design", **design}, func="simulate_domains")
    estimates, _ = run_designs(
        pop,
        [spec],
        reps=reps,
        seed=seed,
        client=client,
        workers=workers,
        batch=batch,
        progress=progress,
        func="simulate_domains",
    )
    return estimates


def summarize_domains(
    sims: pd.DataFrame,
    truth: pd.DataFrame,
    *,
    level: float = 0.95,
    target: tuple[float, float] = (0.93, 0.97),
    interval: str = "t_fpc",
) -> pd.DataFrame:
    """Bias, empirical SE, mean estimated SE and coverage of each domain over the samples.

    Parameters
    ----------
    sims
        Output of :func:`simulate_domains` (or the study's estimates).
    truth
        ``domain, group, true_value`` (population values, e.g. from the synthetic nation).
    level
        Confidence level of the intervals.
    target
        Coverage band a domain must reach (IEA-style 93-97 % for 95 % intervals).
    interval
        Which interval the ``verdict`` judges: ``"normal"``, ``"t"`` or ``"t_fpc"``.

    Returns
    -------
    pandas.DataFrame
        One row per design x domain x group: ``design, domain, group, true_value, reps``
        (samples with the domain), ``mean_estimate, bias, empirical_se, mean_se,
        mean_se_fpc, se_ratio, se_ratio_fpc, df`` (median zones with data), ``n_schools``
        (mean), ``coverage_normal, coverage_t, coverage_t_fpc, se_missing`` (samples whose
        SE could not be formed; they count as not covered), ``coverage_mc_se, level,
        verdict`` (``meets``, ``over``, ``under``, ``under: few schools`` when the median df
        is below 10, ``not reportable`` when the domain is in fewer than 95 % of samples).

    Notes
    -----
    Checked against: the synthetic nation's true means; coverage of the national mean and
    the girls - boys gap within 3 Monte Carlo SEs of 0.95
    (``tests/test_sampling_design_study.py``).
    """
    if interval not in INTERVALS:
        raise ValueError(
            f"summarize_domains: unknown interval {interval!r}; use one of {', '.join(INTERVALS)}"
        )
    if not 0 < level < 1:
        raise ValueError(f"summarize_domains: level must be in (0, 1) (level={level!r}); e.g. 0.95")
    total = sims.groupby("design")["sample"].nunique().rename("total")
    data = sims.merge(
        truth[["domain", "group", "true_value"]],
        on=["domain", "group"],
        how="left",
        validate="many_to_one",
    )
    missing = data["true_value"].isna()
    if missing.any():
        keys = sorted(
            set(zip(data.loc[missing, "domain"], data.loc[missing, "group"], strict=True))
        )
        raise ValueError(
            f"summarize_domains: no true value for domains {keys[:5]}; give "
            "truth rows for every estimated domain"
        )
    z = stats.norm.ppf(0.5 + level / 2)
    t = stats.t.ppf(0.5 + level / 2, np.maximum(data["df"].to_numpy(dtype=float), 1))
    data = data.assign(se_missing=~np.isfinite(data["se"]))
    err = (data["estimate"] - data["true_value"]).abs()
    data = data.assign(
        cov_normal=err <= z * data["se"],
        cov_t=err <= t * data["se"],
        cov_t_fpc=err <= t * data["se_fpc"],
    )
    out = (
        data.groupby(["design", "domain", "group"], sort=False)
        .agg(
            true_value=("true_value", "first"),
            reps=("sample", "size"),
            mean_estimate=("estimate", "mean"),
            empirical_se=("estimate", "std"),
            mean_se=("se", "mean"),
            mean_se_fpc=("se_fpc", "mean"),
            df=("df", "median"),
            n_schools=("n_schools", "mean"),
            coverage_normal=("cov_normal", "mean"),
            coverage_t=("cov_t", "mean"),
            coverage_t_fpc=("cov_t_fpc", "mean"),
            se_missing=("se_missing", "sum"),
        )
        .reset_index()
    )
    out.insert(6, "bias", out["mean_estimate"] - out["true_value"])
    out.insert(9, "se_ratio", out["mean_se"] / out["empirical_se"])
    out.insert(11, "se_ratio_fpc", out["mean_se_fpc"] / out["empirical_se"])
    out["coverage_mc_se"] = np.sqrt(level * (1 - level) / out["reps"])
    out["level"] = level
    share = out["reps"] / out["design"].map(total)
    out["verdict"] = _verdict(out[f"coverage_{interval}"], out["df"], share, target)
    order = out["domain"].map({d: i for i, d in enumerate(DOMAIN_ORDER)})
    return (
        out.assign(_order=order)
        .sort_values(["design", "_order", "group"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def evaluate_domains(
    frame: pd.DataFrame,
    classes: pd.DataFrame,
    students: pd.DataFrame,
    *,
    reps: int = 200,
    seed: int = 0,
    level: float = 0.95,
    target: tuple[float, float] = (0.93, 0.97),
    interval: str = "t_fpc",
    truth: pd.DataFrame | None = None,
    **options: Any,
) -> pd.DataFrame:
    """Domain evaluation of one design: :func:`simulate_domains` then
    :func:`summarize_domains` against the population's true values.

    ``truth`` defaults to the means of ``students`` (the synthetic nation's truth when the
    population is the nation's students); other keywords go to :func:`simulate_domains`.
    Returns the table of :func:`summarize_domains` without the ``design`` column.

    Examples
    --------
    >>> from workbench.frame import review_frame
    >>> from workbench.synth import make_nation
    >>> nation = make_nation(seed=1, schools=400, items=6, blocks=2)
    >>> frame = review_frame(nation.tables["register"]).frame
    >>> ev = evaluate_domains(frame, nation.tables["classes"], nation.tables["students"],
    ...                       reps=10, seed=1, n_schools=40, strata=["region"])
    >>> ev.loc[ev["domain"] == "national", ["group", "reps", "df"]].values.tolist()
    [['all', 10, 20.0]]
    """
    domains = options.pop("domains", DEFAULT_DOMAINS)
    sims = simulate_domains(
        frame, classes, students, reps=reps, seed=seed, domains=domains, **options
    )
    if truth is None:
        truth = truth_values(Population(frame, classes, students, domains))
    table = summarize_domains(sims, truth, level=level, target=target, interval=interval)
    return table.drop(columns="design")


def domain_report(table: pd.DataFrame, *, lang: str) -> pd.DataFrame:
    """The domain table of :func:`summarize_domains` for a report: the main columns with
    their headers, domain kinds and verdicts in ``lang`` (codes are left to
    :func:`workbench.report.table`, which translates them); SE ratios and coverages in %.

    Examples
    --------
    >>> t = pd.DataFrame({"domain": ["gender_gap"], "group": ["1"], "n_schools": [200.0],
    ...                   "true_value": [22.2], "bias": [0.1], "empirical_se": [2.8],
    ...                   "mean_se": [2.8], "se_ratio": [1.0], "se_ratio_fpc": [0.92],
    ...                   "df": [75.0], "coverage_normal": [0.95], "coverage_t": [0.95],
    ...                   "coverage_t_fpc": [0.94], "verdict": ["meets"]})
    >>> domain_report(t, lang="en").iloc[0, :2].tolist()
    ['Girls − boys', '1']
    """
    words = _texts()["domain_labels"][lang]
    keep = [
        "domain",
        "group",
        "n_schools",
        "true_value",
        "bias",
        "empirical_se",
        "mean_se",
        "se_ratio",
        "se_ratio_fpc",
        "df",
        "coverage_normal",
        "coverage_t",
        "coverage_t_fpc",
        "verdict",
    ]
    out = table[keep].copy()
    percent = ["se_ratio", "se_ratio_fpc", "coverage_normal", "coverage_t", "coverage_t_fpc"]
    out[percent] = 100 * out[percent]
    out["domain"] = out["domain"].map(words)
    out["verdict"] = out["verdict"].map(words)
    return out.rename(columns=words)


def domain_summary(table: pd.DataFrame, *, lang: str) -> Any:
    """One paragraph (Markdown for display): how many domains meet the coverage target,
    which over- or under-cover, and which have too few schools (mean schools sampled)."""
    from IPython.display import Markdown

    from workbench.labels import label

    texts = _texts()
    none = texts["none"][lang]
    scored = table[table["verdict"] != "not reportable"]

    def names(mask: pd.Series, schools: bool = False) -> str:
        rows = scored[mask]
        shown = [
            label(g, lang) if d in ("region", "language") else texts["domain_labels"][lang][d]
            for d, g in zip(rows["domain"], rows["group"], strict=True)
        ]
        if schools:
            shown = [f"{s} ({n:.0f})" for s, n in zip(shown, rows["n_schools"], strict=True)]
        return ", ".join(shown) or none

    verdict = scored["verdict"]
    return Markdown(
        texts["domains_summary"][lang].format(
            meets=int((verdict == "meets").sum()),
            total=len(scored),
            over=names(verdict == "over"),
            under=names(verdict == "under"),
            few=names(verdict == "under: few schools", schools=True),
        )
    )


@cache
def _texts() -> dict:
    path = Path(__file__).resolve().parents[1] / "texts" / "sample_design.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _verdict(
    coverage: pd.Series, df: pd.Series, share: pd.Series, target: tuple[float, float]
) -> np.ndarray:
    low, high = target
    verdict = np.where(coverage < low, "under", np.where(coverage > high, "over", "meets"))
    verdict = np.where((coverage < low) & (df < 10), "under: few schools", verdict)
    return np.where(share < REPORTABLE, "not reportable", verdict).astype(object)


def design_from_params(sample_design: Mapping[str, Any]) -> dict[str, Any]:
    """The design keywords of :func:`simulate_domains` from the sample-design parameters."""
    classes = sample_design.get("classes", {})
    keep = (
        "n_schools",
        "strata",
        "sort_by",
        "allocation",
        "minimum",
        "small_mos",
        "small_rule",
        "exclusion_limit",
    )
    out = {key: sample_design[key] for key in keep if key in sample_design}
    out.update(
        classes_per_school=classes.get("per_school", 1),
        large_mos=classes.get("large_mos", 150),
        classes_large=classes.get("per_large_school", 2),
    )
    return out
