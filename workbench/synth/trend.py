"""A later cycle of the synthetic nation, for trend (stage: scaling; source of a trend cycle).

The same register and classes as the base cycle (the same base seed), a new population of
grade-6 students some years later with a planted change, and an item bank that keeps whole
blocks (passages) of the base bank with the same parameters (the trend items) and replaces
the others with new blocks. The truth is on the base cycle's reporting scale (base
population: mean 500, SD 100), so the planted change is known in score points.

Examples
--------
>>> later = make_trend_nation(base_seed=1, seed=2, schools=120, items=24, blocks=4,
...                           change=12.0, common_share=0.5)
>>> round(later.truth["national_mean"] - later.truth["trend"]["base_national_mean"], 6)
12.0
>>> later.truth["trend"]["n_common"]
12
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from workbench.synth import Nation, make_nation
from workbench.synth.items import MISSING_CODES, make_items, make_responses
from workbench.synth.students import AbilityModel, make_students
from workbench.synth.truth import population_truth, subgroup_means, to_score

__all__ = ["make_trend_nation", "TREND_PREFIX"]

#: first letter of the ids of items new in the trend cycle (base items keep theirs, ``R..``)
TREND_PREFIX = "N"


def make_trend_nation(
    base_seed: int,
    seed: int,
    *,
    schools: int = 2400,
    items: int = 60,
    blocks: int = 6,
    change: float = 12.0,
    gap_change: float = -10.0,
    common_share: float = 0.6,
    model: AbilityModel | None = None,
    mc_guessing: float = 0.0,
) -> Nation:
    """The nation of a later cycle, with a planted change against the base cycle.

    Parameters
    ----------
    base_seed
        Seed of the base cycle's :func:`workbench.synth.make_nation` (register, classes, item
        bank and reporting scale come from it).
    seed
        Seed of the later cycle: its students, new items and responses.
    schools, items, blocks, model, mc_guessing
        As given to the base cycle's ``make_nation`` (they must be the same).
    change
        Planted change of the national mean, in points of the base reporting scale (exact in
        the population: a common shift is set after the students are drawn).
    gap_change
        Planted change of the urban effect, in points (negative: the urban-rural gap
        narrows). The realized change of the gap also varies with the new school effects;
        ``truth['trend']`` records both.
    common_share
        Share of the base bank's blocks kept as trend blocks (rounded to whole blocks, at
        least one kept and one new when possible).

    Returns
    -------
    Nation
        The tables of :func:`workbench.synth.make_nation` (``items`` has ``trend`` True for
        the common items) and the truth, with ``truth['trend']``: ``base_seed, change_points,
        gap_change_points, base_national_mean, national_change, locality_gap_base,
        locality_gap, common_items, n_common``.
    """
    if not 0 < common_share <= 1:
        raise ValueError(
            f"make_trend_nation: common_share must be in (0, 1] "
            f"({common_share!r} given); e.g. 0.6 keeps 60 % of the blocks."
        )
    model = model or AbilityModel()
    base = make_nation(
        base_seed, schools=schools, items=items, blocks=blocks, model=model, mc_guessing=mc_guessing
    )
    scale = base.truth["scale"]
    mean, sd = scale["theta_mean"], scale["theta_sd"]
    rng = np.random.default_rng(seed)
    later = replace(model, urban=model.urban + gap_change * sd / 100.0)
    students = make_students(
        rng, _schools_of(base.tables["students"]), base.tables["classes"], later
    )
    target = mean + change * sd / 100.0
    students["theta"] += target - students["theta"].mean()
    students["score"] = to_score(students["theta"], mean, sd)
    bank = _trend_bank(rng, base.tables["items"], common_share, mc_guessing)
    responses = make_responses(rng, students, bank)
    means = subgroup_means(students)
    base_means = base.tables["truth_means"]
    truth = {
        "seed": seed,
        "scale": scale,
        **population_truth(students, later.as_dict(), sd, MISSING_CODES),
        "n_schools": base.truth["n_schools"],
        "register_faults": base.truth["register_faults"],
        "trend": {
            "base_seed": base_seed,
            "change_points": change,
            "gap_change_points": gap_change,
            "base_national_mean": base.truth["national_mean"],
            "national_change": float(students["score"].mean()) - base.truth["national_mean"],
            "locality_gap_base": _gap(base_means),
            "locality_gap": _gap(means),
            "common_items": bank.loc[bank["trend"], "item_id"].tolist(),
            "n_common": int(bank["trend"].sum()),
        },
    }
    tables = {
        "register": base.tables["register"],
        "classes": base.tables["classes"],
        "students": students,
        "items": bank,
        "responses": responses,
        "truth_means": means,
    }
    return Nation(tables=tables, truth=truth)


def _schools_of(students: pd.DataFrame) -> pd.DataFrame:
    """The schools' clean attributes (the register as the students were drawn from it)."""
    columns = ["school_id", "region", "locality", "school_type"]
    return students[columns].drop_duplicates("school_id").reset_index(drop=True)


def _trend_bank(
    rng: np.random.Generator, bank: pd.DataFrame, common_share: float, mc_guessing: float
) -> pd.DataFrame:
    blocks = sorted(bank["block"].unique())
    keep = int(np.clip(round(common_share * len(blocks)), 1, len(blocks)))
    if common_share < 1 and keep == len(blocks) and len(blocks) > 1:
        keep -= 1
    renewed = blocks[keep:]
    old = bank[bank["block"].isin(blocks[:keep])].assign(trend=True)
    if not renewed:
        return old.reset_index(drop=True)
    per_block = int((bank["block"] == blocks[0]).sum())
    new = make_items(rng, per_block * len(renewed), len(renewed), mc_guessing)
    new["block"] = np.asarray(renewed)[new["block"].to_numpy() - 1]
    new["item_id"] = [
        f"{TREND_PREFIX}{b}{p:02d}" for b, p in zip(new["block"], new["position"], strict=True)
    ]
    new = new[bank.columns].assign(trend=False)
    return pd.concat([old, new], ignore_index=True).sort_values(
        ["block", "position"], ignore_index=True
    )


def _gap(means: pd.DataFrame) -> float:
    rows = means[means["variable"] == "locality"].set_index("group")["mean"]
    return float(rows["urban"] - rows["rural"])
