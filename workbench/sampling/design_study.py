"""Design studies: compare candidate sample designs by simulation, on Dask (sample design).

A grid of designs (schools, classes per school, explicit strata, allocation, minimum per
stratum, oversampling of small language groups) is evaluated over R simulated samples of a
population through the project's real chain (see :mod:`workbench.sampling.domains`): bias,
empirical SE, mean estimated SE and 95 % CI coverage for the national mean, each oblast,
each language of instruction and the gender and urban-rural gaps, with the cost of each
design. :meth:`DesignStudy.table` is the precision-cost table against the targets of the
parameters; :func:`frontier_figure` draws it in the cycle's language. Samples run as Dask
tasks (a local cluster of processes, or a scheduler address) with one random stream per
sample spawned from the cycle seed, so results do not depend on the number of workers.
Serves ``notebooks/15_design_study.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from workbench.report import split_table
from workbench.sampling._chain import (
    DEFAULT_DOMAINS,
    DesignSpec,
    Domains,
    Population,
    spec_list,
    truth_values,
)
from workbench.sampling._runner import run_designs
from workbench.sampling.domains import summarize_domains

__all__ = [
    "DesignStudy",
    "Targets",
    "design_study",
    "design_study_verdict",
    "frontier_figure",
    "study_population",
    "study_report",
    "study_domain_views",
    "DOMAIN_KEYS",
    "DOMAIN_PRECISION",
]


@dataclass(frozen=True)
class Targets:
    """Precision targets: SE of the national mean, SE of every oblast's mean, and the band
    the chosen interval's coverage must fall in for every reportable domain."""

    se_national: float = 3.0
    se_region: float = 8.0
    coverage: tuple[float, float] = (0.93, 0.97)
    interval: str = "t_fpc"


@dataclass(frozen=True)
class DesignStudy:
    """Result of :func:`design_study`.

    ``designs``: one row per design and its settings; ``domains``: the domain table of
    :func:`~workbench.sampling.summarize_domains` for every design; ``cost``: mean schools,
    classes and students per sample; ``estimates``: every sample's estimates.
    """

    designs: pd.DataFrame
    domains: pd.DataFrame
    cost: pd.DataFrame
    estimates: pd.DataFrame
    targets: Targets
    reps: int
    seed: int

    def table(self) -> pd.DataFrame:
        """Precision-cost table, cheapest first.

        Returns
        -------
        pandas.DataFrame
            ``design, schools, classes, students`` (mean per sample), ``se_national,
            se_region_max, region_worst`` (empirical SEs), ``coverage_min, coverage_max``
            (chosen interval, reportable domains), ``domains_outside`` (count outside the
            band), ``meets_se, meets_coverage, meets_targets, on_frontier`` (no other design
            is as cheap and as precise nationally and in the worst oblast, and better in
            one), ``cheapest`` (the least-cost design meeting every target).
        """
        t, dom = self.targets, self.domains
        cov = f"coverage_{t.interval}"
        rows = []
        for name in self.designs["design"]:
            d = dom[dom["design"] == name]
            region = d[d["domain"] == "region"]
            worst = region.loc[region["empirical_se"].idxmax()] if len(region) else None
            scored = d[d["verdict"] != "not reportable"]
            low, high = t.coverage
            outside = int(((scored[cov] < low) | (scored[cov] > high)).sum())
            rows.append(
                {
                    "design": name,
                    "se_national": float(d.loc[d["domain"] == "national", "empirical_se"].iloc[0]),
                    "se_region_max": float(worst["empirical_se"]) if worst is not None else np.nan,
                    "region_worst": worst["group"] if worst is not None else "",
                    "coverage_min": float(scored[cov].min()),
                    "coverage_max": float(scored[cov].max()),
                    "domains_outside": outside,
                }
            )
        out = self.cost.merge(pd.DataFrame(rows), on="design")
        out["meets_se"] = (out["se_national"] <= t.se_national) & (
            out["se_region_max"].fillna(np.inf) <= t.se_region
        )
        out["meets_coverage"] = out["domains_outside"] == 0
        out["meets_targets"] = out["meets_se"] & out["meets_coverage"]
        out["on_frontier"] = _frontier(out)
        out = out.sort_values(["students", "design"], kind="stable").reset_index(drop=True)
        first = out.index[out["meets_targets"]]
        out["cheapest"] = False
        if len(first):
            out.loc[first[0], "cheapest"] = True
        return out

    def needs(self) -> pd.DataFrame:
        """What each design needs per oblast to reach the oblast SE target.

        Returns
        -------
        pandas.DataFrame
            ``design, group, n_schools`` (mean sampled), ``empirical_se, schools_needed``
            (``ceil(n_schools * (empirical_se / se_region) ** 2)``: the SE of a mean falls
            with the square root of the number of schools at the same class take),
            ``coverage`` (chosen interval), ``verdict``.
        """
        t = self.targets
        region = self.domains[self.domains["domain"] == "region"]
        need = np.ceil(region["n_schools"] * (region["empirical_se"] / t.se_region) ** 2)
        return pd.DataFrame(
            {
                "design": region["design"],
                "group": region["group"],
                "n_schools": region["n_schools"],
                "empirical_se": region["empirical_se"],
                "schools_needed": np.maximum(need, region["n_schools"].round()).astype(int),
                "coverage": region[f"coverage_{t.interval}"],
                "verdict": region["verdict"],
            }
        ).reset_index(drop=True)


def design_study(
    grid: Sequence[Mapping[str, Any]] | Mapping[str, Any],
    *,
    frame: pd.DataFrame,
    classes: pd.DataFrame,
    students: pd.DataFrame,
    reps: int = 1000,
    seed: int = 0,
    client: object = None,
    workers: int = 2,
    batch: int = 25,
    targets: Targets | Mapping[str, Any] | None = None,
    level: float = 0.95,
    progress: bool | None = None,
    domains: Domains = DEFAULT_DOMAINS,
) -> DesignStudy:
    """Evaluate a grid of sample designs over ``reps`` simulated samples each.

    Parameters
    ----------
    grid
        A list of designs (dicts), or a mapping key -> list of options whose Cartesian
        product is the grid. Keys: ``name``, ``n_schools``, ``classes_per_school``,
        ``large_mos`` and ``classes_large`` (schools above ``large_mos`` give
        ``classes_large`` classes), ``strata`` (explicit strata, frame columns),
        ``sort_by``, ``allocation`` (``proportional``, ``equal``), ``minimum`` (schools per
        stratum), ``oversample`` (language -> factor on the measure of size, e.g.
        ``{uz: 3}``), ``small_mos``, ``small_rule``, ``exclusion_limit``.
    frame, classes, students
        The population: sampling frame, class list (``school_id, class_id, enrol``), and
        every student with a score and the domain columns (see :func:`study_population`).
    reps, seed
        Simulated samples per design; sample r of every design uses the random stream
        ``SeedSequence(seed).spawn(reps)[r]`` (common random numbers across designs).
    client, workers, batch
        None: a local Dask cluster of ``workers`` processes; a scheduler address (e.g.
        ``"tcp://10.0.0.5:8786"``) or a ``distributed.Client``: that cluster; ``"sync"``:
        in this process, no Dask. ``batch`` samples per task.
    targets
        :class:`Targets` or a mapping of its fields (``se_national``, ``se_region``,
        ``coverage``, ``interval``).
    level
        Confidence level of the intervals.
    progress
        Show a bar (default: in a terminal, not under ``CI=true``).
    domains
        Column names of the reporting domains in ``students``.

    Returns
    -------
    DesignStudy
        With ``.table()`` (precision-cost frontier) and ``.needs()``.

    Raises
    ------
    ValueError
        Unknown design keys, an empty grid, repeated names, bad ``reps``/``batch``/
        ``workers``, or a design :func:`select_schools` refuses.

    Notes
    -----
    Checked against: the synthetic nation's true means (coverage of the national mean and
    girls - boys gap within 3 Monte Carlo SEs of 0.95) and identical results on 1 and 2
    local workers (``tests/test_sampling_design_study.py``).

    Examples
    --------
    >>> from workbench.frame import review_frame
    >>> from workbench.synth import make_nation
    >>> nation = make_nation(seed=1, schools=400, items=6, blocks=2)
    >>> frame = review_frame(nation.tables["register"]).frame
    >>> study = design_study([{"n_schools": 40, "strata": ["region"]},
    ...                       {"n_schools": 60, "strata": ["region"]}],
    ...                      frame=frame, classes=nation.tables["classes"],
    ...                      students=nation.tables["students"], reps=4, seed=1,
    ...                      client="sync")
    >>> study.table()[["design", "schools"]].values.tolist()
    [['D1: 40 sch, 1 cl, region', 40.0], ['D2: 60 sch, 1 cl, region', 60.0]]
    """
    func = "design_study"
    specs = spec_list(grid, func=func)
    targets = _targets(targets, func)
    pop = Population(frame, classes, students, domains)
    estimates, costs = run_designs(
        pop,
        specs,
        reps=reps,
        seed=seed,
        client=client,
        workers=workers,
        batch=batch,
        progress=progress,
        func=func,
    )
    table = summarize_domains(
        estimates,
        truth_values(pop),
        level=level,
        target=targets.coverage,
        interval=targets.interval,
    )
    cost = costs.groupby("design", sort=False)[["schools", "classes", "students"]].mean()
    designs = pd.DataFrame([_describe(s) for s in specs])
    return DesignStudy(
        designs=designs,
        domains=table,
        cost=cost.reset_index(),
        estimates=estimates,
        targets=targets,
        reps=int(reps),
        seed=int(seed),
    )


def study_population(
    frame: pd.DataFrame,
    classes: pd.DataFrame,
    students: pd.DataFrame | None = None,
    *,
    icc: float = 0.4,
    seed: int = 0,
    domains: Domains = DEFAULT_DOMAINS,
) -> pd.DataFrame:
    """The students a design study draws from: the known ones, or simulated from a register.

    With ``students`` (the synthetic nation) they are returned with the frame's region and
    locality added where missing. Without (a real register), each class's students get a
    score ``500 + 100 * (u_school + e)``, ``var(u) = icc`` (see
    :func:`~workbench.sampling.evaluation_population`), the school's region and locality,
    the class's language, and a gender drawn at random (so the true gaps are those of the
    simulated population, near zero).

    Returns
    -------
    pandas.DataFrame
        ``school_id, class_id`` and the columns of ``domains``.

    Examples
    --------
    >>> f = pd.DataFrame({"school_id": ["a", "b"], "region": ["x", "y"],
    ...                   "locality": ["urban", "rural"]})
    >>> c = pd.DataFrame({"school_id": ["a", "b"], "class_id": ["a1", "b1"], "enrol": [3, 2],
    ...                   "class_language": ["ky", "ru"]})
    >>> study_population(f, c, seed=1).columns.tolist()
    ['school_id', 'class_id', 'score', 'region', 'locality', 'class_language', 'female']
    """
    from workbench.sampling.summaries import evaluation_population

    d = domains
    if students is None:
        pop = evaluation_population(frame, classes, icc=icc, seed=seed, score=d.score)
        language = classes.set_index("class_id")[d.language]
        pop[d.region] = pop["school_id"].map(frame.set_index("school_id")[d.region])
        pop[d.locality] = pop["school_id"].map(frame.set_index("school_id")[d.locality])
        pop[d.language] = pop["class_id"].map(language).to_numpy()
        rng = np.random.default_rng([seed, 1])
        pop[d.gender] = np.where(rng.random(len(pop)) < 0.5, d.girls, d.boys)
        return pop
    out = students[students["school_id"].isin(frame["school_id"])].copy()
    for column in (d.region, d.locality):
        if column not in out:
            out[column] = out["school_id"].map(frame.set_index("school_id")[column])
    return out.reset_index(drop=True)


def frontier_figure(study: DesignStudy, *, lang: str = "en", ax: Any = None) -> Any:
    """Precision-cost figure: students per sample against the national SE and the worst
    oblast's SE of every design, with the targets; designs meeting every target filled.

    Returns the matplotlib ``Figure``.
    """
    import matplotlib.pyplot as plt

    text = _texts()
    table = study.table()
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 5))
    for column, marker, key in (
        ("se_national", "o", "national"),
        ("se_region_max", "^", "region_max"),
    ):
        meets = table["meets_targets"].to_numpy()
        ax.scatter(
            table["students"],
            table[column],
            marker=marker,
            s=60,
            facecolors=np.where(meets, "#2e7d32", "none"),
            edgecolors="#2e7d32",
            label=text[key][lang],
        )
    for value, key in (
        (study.targets.se_national, "target_national"),
        (study.targets.se_region, "target_region"),
    ):
        ax.axhline(value, color="#c62828", lw=1, ls="--")
        ax.annotate(
            text[key][lang].format(value=value),
            (ax.get_xlim()[0], value),
            xytext=(4, 3),
            textcoords="offset points",
            color="#c62828",
            fontsize=8,
        )
    for _, row in table.iterrows():
        short = str(row["design"]).split(":")[0].split(" · ")[0]
        ax.annotate(
            short,
            (row["students"], row["se_region_max"]),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=8,
        )
    ax.set(
        xlabel=text["x_label"][lang],
        ylabel=text["y_label"][lang],
        title=text["figure_title"][lang].format(reps=study.reps),
    )
    ax.legend(loc="upper right", fontsize=8)
    return ax.figure


def study_report(table: pd.DataFrame, *, lang: str) -> pd.DataFrame:
    """A design-study table for a report: coverages in %, headers and verdicts in ``lang``
    (codes such as oblasts are left to :func:`workbench.report.table`).

    Examples
    --------
    >>> t = pd.DataFrame({"design": ["D1"], "coverage_min": [0.94], "verdict": ["meets"]})
    >>> study_report(t, lang="en").columns.tolist(), float(study_report(t, lang="en").iloc[0, 1])
    (['Design', 'Coverage, min, %', 'Verdict'], 94.0)
    """
    from workbench.sampling.domains import _texts as domain_texts

    words = domain_texts()["domain_labels"][lang]
    out = table.copy()
    for column in (
        "coverage_min",
        "coverage_max",
        "coverage",
        "coverage_normal",
        "coverage_t",
        "coverage_t_fpc",
        "coverage_mc_se",
        "se_ratio",
        "se_ratio_fpc",
    ):
        if column in out:
            out[column] = 100 * out[column]
    for column in ("verdict", "domain"):
        if column in out:
            out[column] = out[column].map(words)
    return out.rename(columns={**words, **_texts()["columns"][lang]})


#: The per-domain quality of a design study (``DesignStudy.domains``, 21 columns, 1760 px
#: at 1280 in ky) as two tables keyed by design, domain and group (:func:`study_domain_views`):
#: the estimates and their standard errors, then the samples, the coverage and the verdict.
DOMAIN_KEYS = ("design", "domain", "group")
DOMAIN_PRECISION = (
    "true_value",
    "mean_estimate",
    "bias",
    "empirical_se",
    "mean_se",
    "se_ratio",
    "mean_se_fpc",
    "se_ratio_fpc",
)


def study_domain_views(domains: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``DesignStudy.domains`` as two tables that fit a page 1280 px wide (11 and 13 columns
    instead of 21), each keyed by :data:`DOMAIN_KEYS`: the estimates and standard errors
    (:data:`DOMAIN_PRECISION`), then every other column (samples, schools, df, the three
    coverages and their Monte Carlo SE, the verdict). Together they hold every cell; shown
    through :func:`study_report` each.

    Examples
    --------
    >>> t = pd.DataFrame({"design": ["A"], "domain": ["national"], "group": ["all"],
    ...                   "true_value": [500.0], "bias": [0.4], "reps": [200],
    ...                   "coverage_t": [0.95], "verdict": ["meets"]})
    >>> [v.columns.tolist() for v in study_domain_views(t)]
    [['design', 'domain', 'group', 'true_value', 'bias'], ['design', 'domain', 'group', \
'reps', 'coverage_t', 'verdict']]
    """
    rest, precision = split_table(domains, DOMAIN_KEYS, DOMAIN_PRECISION)
    return precision, rest


def design_study_verdict(table: pd.DataFrame, *, lang: str) -> Any:
    """One sentence (Markdown for display) naming the least-cost design that meets every
    target (``DesignStudy.table()``), or saying that none does."""
    from IPython.display import Markdown

    text = _texts()
    best = table[table["cheapest"]]
    if best.empty:
        return Markdown(text["none_meets"][lang])
    row = best.iloc[0]
    return Markdown(
        text["cheapest"][lang].format(
            design=row["design"], students=row["students"], schools=row["schools"]
        )
    )


def _frontier(table: pd.DataFrame) -> np.ndarray:
    cost = table["students"].to_numpy()
    se = table[["se_national", "se_region_max"]].fillna(np.inf).to_numpy()
    on = np.ones(len(table), dtype=bool)
    for i in range(len(table)):
        other = (cost <= cost[i]) & (se <= se[i]).all(axis=1)
        better = (cost < cost[i]) | (se < se[i]).any(axis=1)
        on[i] = not (other & better).any()
    return on


def _targets(targets: Targets | Mapping[str, Any] | None, func: str) -> Targets:
    if targets is None:
        return Targets()
    if isinstance(targets, Targets):
        return targets
    unknown = sorted(set(targets) - set(Targets.__dataclass_fields__))
    if unknown:
        raise ValueError(
            f"{func}: unknown target keys {unknown}; use {sorted(Targets.__dataclass_fields__)}"
        )
    values = dict(targets)
    if "coverage" in values:
        values["coverage"] = tuple(float(v) for v in values["coverage"])
    return Targets(**values)


def _describe(spec: DesignSpec) -> dict[str, Any]:
    out = asdict(spec)
    for key in ("extra", "size", "language", "small_rule", "exclusion_limit"):
        out.pop(key, None)
    out["design"] = out.pop("name")
    out["strata"] = " × ".join(spec.strata) or "-"
    out["sort_by"] = ", ".join(spec.sort_by)
    out["oversample"] = ", ".join(f"{k} ×{v:g}" for k, v in spec.oversample) or "-"
    return {"design": out.pop("design"), **out}


@cache
def _texts() -> dict:
    path = Path(__file__).resolve().parents[1] / "texts" / "design_study.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))
