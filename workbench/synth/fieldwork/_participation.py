"""Who took part: school refusals and replacements, sampled classes, absent and excluded
students. Also the IEA-style ids (``IDSCHOOL``, ``IDCLASS``, ``IDSTUD``).

Ids are integers: ``IDSCHOOL = 10 * k + r`` for the k-th sampled school (in the order of the
sample) and r = 0 (sampled), 1 (first replacement), 2 (second replacement);
``IDCLASS = 100 * IDSCHOOL + class number``; ``IDSTUD = 100 * IDCLASS + student number``
(class and student numbers as in the school's own lists, 1-99).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.sampling import select_classes
from workbench.sampling.ids import ROLE_CODES, school_ids

__all__ = [
    "school_ids",
    "school_outcomes",
    "participating_classes",
    "student_outcomes",
    "ROLE_CODES",
    "SCHOOL_STATUS",
    "STUDENT_STATUS",
    "EXCLUSION_CODES",
]

SCHOOL_STATUS = {1: "participated", 2: "refused", 3: "not contacted (not needed)"}
STUDENT_STATUS = {1: "assessed", 2: "absent", 3: "excluded"}
EXCLUSION_CODES = {
    1: "functional disability",
    2: "intellectual disability",
    3: "non-native speaker of the test language",
    4: "other reason",
}
_EXCLUSION_SHARES = (0.25, 0.45, 0.25, 0.05)


def school_outcomes(
    rng: np.random.Generator, sample: pd.DataFrame, register: pd.DataFrame, rates
) -> pd.DataFrame:
    """Draw refusals and replacements; return the sample with ``p_refuse`` and ``PARTICIP``.

    A sampled school refuses with ``rates.refusal`` (times ``rates.urban_factor`` in urban and
    ``rates.private_factor`` in private schools). Its first replacement, if there is one, is
    asked next and agrees with ``rates.replacement_willing``; then the second.
    """
    info = register.drop_duplicates("school_id").set_index("school_id")
    urban = sample["school_id"].map(info["locality"]).eq("urban").to_numpy()
    private = sample["school_id"].map(info["school_type"]).eq("private").to_numpy()
    p = (
        rates.refusal
        * np.where(urban, rates.urban_factor, 1.0)
        * np.where(private, rates.private_factor, 1.0)
    )
    out = sample.assign(p_refuse=np.minimum(p, 0.9), PARTICIP=3)
    willing = rng.random(len(out)) >= out["p_refuse"].to_numpy()
    agree_replacement = rng.random(len(out)) < rates.replacement_willing
    status = out["PARTICIP"].to_numpy().copy()
    for rows in out.groupby("sampled_school", sort=False).groups.values():
        status[out.index.get_indexer(rows)] = _one_group(
            out.loc[rows], willing, agree_replacement, out.index
        )
    out["PARTICIP"] = status
    return out


def participating_classes(
    rng: np.random.Generator,
    outcomes: pd.DataFrame,
    sample_classes: pd.DataFrame,
    classes: pd.DataFrame,
) -> pd.DataFrame:
    """Sampled classes of the participating schools, with ``IDSCHOOL`` and ``IDCLASS``.

    Classes of participating replacement schools absent from ``sample_classes`` are drawn
    now (as the school coordinator would), as many as for the school they replace.
    """
    took_part = outcomes[outcomes["PARTICIP"] == 1]
    given = sample_classes[sample_classes["school_id"].isin(took_part["school_id"])]
    todo = took_part[~took_part["school_id"].isin(given["school_id"])]
    per_school = sample_classes.groupby("school_id").size()
    drawn = [given[["school_id", "class_id"]]]
    wanted = todo["sampled_school"].map(per_school).fillna(1).astype(int)
    for n, group in todo.groupby(wanted, sort=True):
        pick = select_classes(classes, group[["school_id", "mos"]], n_classes=int(n), seed=rng)
        drawn.append(pick[["school_id", "class_id"]])
    out = pd.concat(drawn, ignore_index=True)
    out = out.merge(classes[["class_id", "class_language", "enrol"]], on="class_id")
    ids = took_part.set_index("school_id")["IDSCHOOL"]
    out["IDSCHOOL"] = out["school_id"].map(ids).astype(int)
    out["class_number"] = out["class_id"].str[-2:].astype(int)
    out["IDCLASS"] = out["IDSCHOOL"] * 100 + out["class_number"]
    out["drawn_in_field"] = ~out["school_id"].isin(given["school_id"])
    return out.sort_values("IDCLASS", ignore_index=True)


def student_outcomes(
    rng: np.random.Generator,
    students: pd.DataFrame,
    classes: pd.DataFrame,
    responses: pd.DataFrame,
    rates,
) -> pd.DataFrame:
    """Students of the sampled classes with ``IDSTUD``, ``PARTICIP``, ``EXCLUSION``, ``IDBOOK``.

    Exclusion (mean rate ``rates.exclusion``) and absence (mean ``rates.absence`` among those
    not excluded) are more likely for low-ability students (logistic in ``theta``, the
    intercept solved so that the mean probability equals the rate).
    """
    listed = students[students["class_id"].isin(classes["class_id"])]
    listed = listed.merge(classes[["class_id", "IDSCHOOL", "IDCLASS"]], on="class_id")
    listed["IDSTUD"] = listed["IDCLASS"] * 100 + listed["student_id"].str[-2:].astype(int)
    booklet = responses.set_index("student_id")["booklet"]
    listed["IDBOOK"] = listed["student_id"].map(booklet).astype(int)
    z = (listed["theta"] - listed["theta"].mean()).to_numpy()
    excluded = rng.random(len(z)) < _calibrated(rates.exclusion, -0.8 * z)
    absent = ~excluded & (rng.random(len(z)) < _calibrated(rates.absence, -0.6 * z))
    code = rng.choice(np.arange(1, 5), len(z), p=_EXCLUSION_SHARES)
    listed["PARTICIP"] = np.select([excluded, absent], [3, 2], 1)
    listed["EXCLUSION"] = pd.Series(code, index=listed.index, dtype="Int64").where(excluded)
    return listed.sort_values("IDSTUD", ignore_index=True)


def _one_group(
    group: pd.DataFrame, willing: np.ndarray, agree: np.ndarray, index: pd.Index
) -> np.ndarray:
    """Status codes of one sampled school and its replacements, contacted in order."""
    status = np.full(len(group), 3)
    order = group["role"].map(ROLE_CODES).to_numpy().argsort(kind="stable")
    for i in order:
        pos = index.get_loc(group.index[i])
        says_yes = willing[pos] if group["role"].iloc[i] == "sampled" else agree[pos]
        status[i] = 1 if says_yes else 2
        if says_yes:
            break
    return status


def _calibrated(rate: float, shift: np.ndarray) -> np.ndarray:
    """Probabilities ``expit(a + shift)`` with ``a`` chosen so that their mean is ``rate``."""
    lo, hi = -30.0, 30.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _expit(mid + shift).mean() < rate else (lo, mid)
    return _expit((lo + hi) / 2 + shift)


def _expit(x: np.ndarray | float) -> np.ndarray:
    return 1 / (1 + np.exp(-np.asarray(x, dtype=float)))
