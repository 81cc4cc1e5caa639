"""One simulated sample of a design through the project's real chain (sample design stage).

The chain is the cycle's own: :func:`select_schools` and :func:`select_classes`, the base
weights of :mod:`workbench.weights` with full response, its jackknife zones and JK2
replicate weights, and estimation with :class:`workbench.survey.RepDesign`. Used by the
domain evaluation (:mod:`workbench.sampling.domains`) and the design study
(:mod:`workbench.sampling.design_study`).

Finite-population correction. The JK2 replicate variance treats schools as drawn with
replacement. When a stratum's sampling fraction is large this overstates the variance. The
remedy offered is the replicate-level correction of Rust & Rao (1996, §5) as used in WesVar
(replicate "FPC factors") and in R ``survey::svrepdesign(rscales=)``: replicate r's squared
deviation is multiplied by ``1 - f_z``, where ``f_z`` is the mean first-stage inclusion
probability of the schools of zone z (for a certainty school, whose zone's units are its
classes, the share of its classes that was sampled). It is an approximation: it leaves out
the within-school (class) variance that a without-replacement first stage adds back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench import weights as W
from workbench.sampling.classes import select_classes
from workbench.sampling.schools import select_schools
from workbench.survey import RepDesign

ZONES = 75
#: Order of the domains in every table.
DOMAIN_ORDER = ("national", "region", "language", "gender_gap", "locality_gap")
_SIZE = "_mos_design"


@dataclass(frozen=True)
class Domains:
    """Column names of the reporting domains in the student population."""

    score: str = "score"
    region: str = "region"
    language: str = "class_language"
    gender: str = "female"
    girls: object = 1
    boys: object = 0
    locality: str = "locality"
    urban: object = "urban"
    rural: object = "rural"


DEFAULT_DOMAINS = Domains()


@dataclass(frozen=True)
class DesignSpec:
    """One candidate design (see :func:`workbench.sampling.design_study` for the keys)."""

    name: str = "design"
    n_schools: int = 200
    classes_per_school: int = 1
    large_mos: int | None = 150
    classes_large: int = 2
    strata: tuple[str, ...] = ("region", "locality")
    sort_by: tuple[str, ...] = ("language", "school_type", "enrol_g6")
    allocation: str = "proportional"
    minimum: int = 2
    oversample: tuple[tuple[str, float], ...] = ()
    small_mos: int | None = 8
    small_rule: str = "exclude"
    exclusion_limit: float = 0.05
    size: str = "enrol_g6"
    language: str = "language"
    extra: Mapping[str, object] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, entry: Mapping[str, object], *, func: str) -> DesignSpec:
        known = set(cls.__dataclass_fields__) - {"extra"}
        unknown = sorted(set(entry) - known)
        if unknown:
            raise ValueError(
                f"{func}: unknown design keys {unknown} in {dict(entry)!r}; use {sorted(known)}"
            )
        values = dict(entry)
        for key in ("strata", "sort_by"):
            if key in values:
                raw = values[key]
                values[key] = (raw,) if isinstance(raw, str) else tuple(raw)
        if "oversample" in values:
            values["oversample"] = tuple(sorted(dict(values["oversample"] or {}).items()))
        return cls(**values)


@dataclass(frozen=True)
class Population:
    """What every simulated sample is drawn from: frame, class list, students with scores."""

    frame: pd.DataFrame
    classes: pd.DataFrame
    students: pd.DataFrame
    domains: Domains = DEFAULT_DOMAINS


def draw_weighted(
    pop: Population, spec: DesignSpec, rng: np.random.Generator
) -> tuple[pd.DataFrame, np.ndarray]:
    """One sample with full response: the assessed students with TOTWGT, zones and RWGT1..75,
    and the finite-population factor ``1 - f_z`` of each of the 75 replicates."""
    frame, size, small = _design_frame(pop.frame, spec)
    sample = select_schools(
        frame,
        n=spec.n_schools,
        strata=list(spec.strata),
        size=size,
        sort_by=list(spec.sort_by),
        allocation=spec.allocation,
        minimum=spec.minimum,
        small_mos=small,
        small_rule=spec.small_rule,
        exclusion_limit=spec.exclusion_limit,
        replacements=0,
        seed=rng,
    )
    schools = W.school_weights(sample.assign(participated=True))
    enrol = pop.frame.set_index("school_id")[spec.size]
    schools = schools.assign(mos=schools["school_id"].map(enrol).to_numpy(dtype=float))
    chosen = select_classes(
        pop.classes,
        schools,
        mos="mos",
        n_classes=spec.classes_per_school,
        large_mos=spec.large_mos,
        n_classes_large=spec.classes_large,
        seed=rng,
    )
    classes = W.class_weights(chosen.assign(participated=True))
    listed = pop.students[pop.students["class_id"].isin(classes["class_id"])]
    students = W.student_weights(listed.assign(assessed=True))
    zones = W.jackknife_zones(schools)
    final = W.assign_zones(W.final_weights(schools, classes, students), zones)
    return W.jk2_replicates(final, zones=ZONES), _fpc_factors(zones, schools, classes)


def estimate_domains(
    data: pd.DataFrame, fpc: np.ndarray, domains: Domains, *, engine: str = "matrix"
) -> pd.DataFrame:
    """Estimates of one sample: national, region, language means and the two gaps.

    ``engine="repdesign"`` computes them with :class:`~workbench.survey.RepDesign` (JK2,
    ``rscales=fpc`` for the corrected SE); ``"matrix"`` (default, ~30 times faster) forms
    the same weighted means of the full sample and the 75 replicates as one matrix product
    and the same JK2 variance, ``sum_r rscale_r (t_r - t)^2``. The two agree to 1e-9
    (``tests/test_sampling_design_study.py``). A domain absent from a replicate (its only
    school there has weight 0) has no SE in that sample (NaN).

    Returns ``domain, group, estimate, se, se_fpc, df, n_schools, n_students``; ``df`` is
    the number of jackknife zones with students of the domain (every zone for a gap: the
    groups may be strata, as urban and rural are, so every zone adds to the gap's variance).
    """
    if engine == "repdesign":
        out = _repdesign_estimates(data, fpc, domains)
    elif engine == "matrix":
        out = _matrix_estimates(data, fpc, domains)
    else:
        raise ValueError(
            f"estimate_domains: unknown engine {engine!r}; use 'matrix' or 'repdesign'"
        )
    counts = _domain_counts(data, domains)
    return out.merge(counts, on=["domain", "group"], how="left")


def _repdesign_estimates(data: pd.DataFrame, fpc: np.ndarray, d: Domains) -> pd.DataFrame:
    reps = [f"RWGT{r}" for r in range(1, ZONES + 1)]
    plain = RepDesign(data, weight="TOTWGT", replicates=reps, method="JK2")
    corrected = RepDesign(data, weight="TOTWGT", replicates=reps, method="JK2", rscales=fpc)
    parts = []
    for design, se_name in ((plain, "se"), (corrected, "se_fpc")):
        # a domain with one school in a zone vanishes from that replicate (0/0 there)
        with np.errstate(invalid="ignore", divide="ignore"):
            rows = [
                _rows(design.mean(d.score), "national", None),
                _rows(design.mean(d.score, by=d.region), "region", d.region),
                _rows(design.mean(d.score, by=d.language), "language", d.language),
                _gap(design, d.gender, d.boys, "gender_gap", d.score),
                _gap(design, d.locality, d.rural, "locality_gap", d.score),
            ]
        parts.append(pd.concat(rows, ignore_index=True).rename(columns={"se": se_name}))
    return parts[0].assign(se_fpc=parts[1]["se_fpc"].to_numpy())


def _matrix_estimates(data: pd.DataFrame, fpc: np.ndarray, d: Domains) -> pd.DataFrame:
    w = data[["TOTWGT", *(f"RWGT{r}" for r in range(1, ZONES + 1))]].to_numpy(dtype=float)
    wy = w * data[d.score].to_numpy(dtype=float)[:, None]
    scales = np.vstack([np.ones(ZONES), np.asarray(fpc, dtype=float)])

    def means(column: str | None) -> tuple[np.ndarray, np.ndarray]:
        if column is None:
            return np.array(["all"]), (wy.sum(axis=0) / w.sum(axis=0))[None, :]
        labels, codes = np.unique(data[column].astype(str).to_numpy(), return_inverse=True)
        order = np.argsort(codes, kind="stable")
        starts = np.searchsorted(codes[order], np.arange(labels.size))
        # sums by group without BLAS (threaded BLAS thrashes on busy machines)
        num = np.add.reduceat(wy[order], starts, axis=0)
        den = np.add.reduceat(w[order], starts, axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return labels, num / den

    def rows(domain: str, labels: np.ndarray, theta: np.ndarray) -> pd.DataFrame:
        dev = (theta[:, 1:] - theta[:, :1]) ** 2
        se = np.sqrt(np.stack([(dev * s).sum(axis=1) for s in scales], axis=1))
        return pd.DataFrame(
            {
                "domain": domain,
                "group": labels,
                "estimate": theta[:, 0],
                "se": se[:, 0],
                "se_fpc": se[:, 1],
            }
        )

    parts = [
        rows("national", *means(None)),
        rows("region", *means(d.region)),
        rows("language", *means(d.language)),
    ]
    for domain, column, focal, ref in (
        ("gender_gap", d.gender, d.girls, d.boys),
        ("locality_gap", d.locality, d.urban, d.rural),
    ):
        labels, theta = means(column)
        where = {label: i for i, label in enumerate(labels)}
        if str(focal) in where and str(ref) in where:
            gap = theta[where[str(focal)]] - theta[where[str(ref)]]
            parts.append(rows(domain, np.array([str(focal)]), gap[None, :]))
    return pd.concat(parts, ignore_index=True)


def sample_cost(data: pd.DataFrame) -> dict[str, int]:
    """Schools, classes and students of one sample."""
    return {
        "schools": int(data["school_id"].nunique()),
        "classes": int(data["class_id"].nunique()),
        "students": len(data),
    }


def truth_values(pop: Population) -> pd.DataFrame:
    """Population values of every domain: ``domain, group, true_value, population``."""
    d, st = pop.domains, pop.students
    rows = [("national", "all", st[d.score].mean(), len(st))]
    for kind, column in (("region", d.region), ("language", d.language)):
        stats = st.groupby(column, observed=True)[d.score].agg(["mean", "size"])
        rows += [(kind, str(g), m, n) for g, (m, n) in stats.iterrows()]
    for kind, column, focal, ref in (
        ("gender_gap", d.gender, d.girls, d.boys),
        ("locality_gap", d.locality, d.urban, d.rural),
    ):
        means = st.groupby(column, observed=True)[d.score].mean()
        rows.append((kind, str(focal), means[focal] - means[ref], len(st)))
    return pd.DataFrame(rows, columns=["domain", "group", "true_value", "population"])


def _design_frame(frame: pd.DataFrame, spec: DesignSpec) -> tuple[pd.DataFrame, str, int | None]:
    """The frame select_schools sees: with oversampling, a scaled measure of size (the
    small schools are excluded first, on the true size)."""
    if not spec.oversample:
        return frame, spec.size, spec.small_mos
    if spec.small_mos is not None and spec.small_rule == "exclude":
        frame = frame[frame[spec.size] >= spec.small_mos]
    factor = frame[spec.language].map(dict(spec.oversample)).fillna(1.0).to_numpy(dtype=float)
    scaled = frame.assign(**{_SIZE: frame[spec.size].to_numpy(dtype=float) * factor})
    small = spec.small_mos if spec.small_rule == "stratum" else None
    return scaled, _SIZE, small


def _fpc_factors(zones: pd.DataFrame, schools: pd.DataFrame, classes: pd.DataFrame) -> np.ndarray:
    prob = schools.set_index("school_id")["probability"].astype(float)
    share = classes.groupby("school_id").agg(n=("n_sampled", "first"), m=("n_classes", "first"))
    class_fraction = (share["n"] / share["m"]).clip(upper=1.0)
    cert = zones["jk_unit"].eq("certainty").to_numpy()
    f = zones["school_id"].map(prob).to_numpy(dtype=float, copy=True)
    f[cert] = zones.loc[cert, "school_id"].map(class_fraction).to_numpy(dtype=float)
    per_zone = pd.Series(np.clip(f, 0.0, 1.0)).groupby(zones["JKZONE"].to_numpy()).mean()
    factors = np.ones(ZONES)
    factors[per_zone.index.to_numpy() - 1] = 1.0 - per_zone.to_numpy()
    return factors


def _rows(table: pd.DataFrame, domain: str, column: str | None) -> pd.DataFrame:
    group = table[column].astype(str).to_numpy() if column else "all"
    return pd.DataFrame(
        {
            "domain": domain,
            "group": group,
            "estimate": table["estimate"].to_numpy(dtype=float),
            "se": table["se"].to_numpy(dtype=float),
        }
    )


def _gap(
    design: RepDesign, column: str, reference: object, domain: str, score: str
) -> pd.DataFrame:
    table = design.gap(score, by=column, reference=reference)
    return _rows(table, domain, column)


def _domain_counts(data: pd.DataFrame, d: Domains) -> pd.DataFrame:
    parts = [
        pd.DataFrame(
            {
                "domain": ["national"],
                "group": ["all"],
                "df": [data["JKZONE"].nunique()],
                "n_schools": [data["school_id"].nunique()],
                "n_students": [len(data)],
            }
        )
    ]
    for kind, column in (("region", d.region), ("language", d.language)):
        g = (
            data.groupby(column, observed=True)
            .agg(
                df=("JKZONE", "nunique"),
                n_schools=("school_id", "nunique"),
                n_students=("school_id", "size"),
            )
            .reset_index()
        )
        parts.append(
            g.rename(columns={column: "group"}).assign(
                domain=kind, group=lambda t: t["group"].astype(str)
            )
        )
    for kind, focal in (("gender_gap", d.girls), ("locality_gap", d.urban)):
        parts.append(parts[0].assign(domain=kind, group=str(focal)))
    return pd.concat(parts, ignore_index=True)[["domain", "group", "df", "n_schools", "n_students"]]


def spec_list(
    grid: Sequence[Mapping[str, object]] | Mapping[str, object], *, func: str
) -> list[DesignSpec]:
    """Design specs from a grid: a list of designs (dicts), or a mapping key -> list of
    options whose Cartesian product is the grid (``strata`` options are lists of columns)."""
    if isinstance(grid, Mapping):
        options = [list(v) if isinstance(v, list | tuple) else [v] for v in grid.values()]
        combos = [dict(zip(grid, combo, strict=True)) for combo in _product(options)]
    else:
        combos = [dict(entry) for entry in grid]
    if not combos:
        raise ValueError(f"{func}: the grid is empty; give at least one design")
    specs = []
    for i, entry in enumerate(combos, start=1):
        if entry.get("name") is None:
            entry["name"] = _auto_name(entry, i)
        specs.append(DesignSpec.from_dict(entry, func=func))
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise ValueError(f"{func}: design names repeat ({names}); give each design a name")
    return specs


def _product(values: list[list[object]]) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = [()]
    for options in values:
        out = [(*combo, option) for combo in out for option in options]
    return out


def _auto_name(entry: Mapping[str, object], i: int) -> str:
    bits = [f"{entry.get('n_schools', 200)} sch", f"{entry.get('classes_per_school', 1)} cl"]
    if "strata" in entry:
        raw = entry["strata"]
        bits.append("×".join([raw] if isinstance(raw, str) else list(raw)) or "none")
    for key in ("allocation", "minimum"):
        if key in entry:
            bits.append(f"{key[:5]} {entry[key]}")
    if entry.get("oversample"):
        bits.append("over " + ",".join(f"{k}×{v:g}" for k, v in dict(entry["oversample"]).items()))
    return f"D{i}: " + ", ".join(bits)
