"""What the synthetic nation knows about itself: the reporting scale, population
means by subgroup, the intraclass correlation and the generating effects."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["to_score", "subgroup_means", "intraclass_correlation", "population_truth", "GROUPS"]

#: subgroup variables the truth table reports (``national`` is everyone)
GROUPS = ("region", "locality", "class_language", "female", "school_type", "books")


def to_score(theta: np.ndarray, mean: float, sd: float) -> np.ndarray:
    """Reporting scale: the nation's base-cycle students have mean 500 and SD 100."""
    return 500.0 + 100.0 * (np.asarray(theta) - mean) / sd


def subgroup_means(students: pd.DataFrame, score: str = "score") -> pd.DataFrame:
    """Population mean, SD and N of ``score`` nationally and by each of :data:`GROUPS`.

    Returns
    -------
    DataFrame
        ``variable, group, mean, sd, n`` (``variable='national', group='all'`` first).
    """
    national = pd.DataFrame(
        {
            "variable": ["national"],
            "group": ["all"],
            "mean": [students[score].mean()],
            "sd": [students[score].std(ddof=0)],
            "n": [len(students)],
        }
    )
    parts = [national]
    for variable in GROUPS:
        stats = (
            students.groupby(variable, observed=True)[score]
            .agg(mean="mean", sd=lambda s: s.std(ddof=0), n="size")
            .reset_index()
        )
        stats = stats.rename(columns={variable: "group"})
        stats.insert(0, "variable", variable)
        stats["group"] = stats["group"].astype(str)
        parts.append(stats)
    return pd.concat(parts, ignore_index=True)


def intraclass_correlation(values: pd.Series, groups: pd.Series) -> float:
    """One-way ANOVA ICC(1) with unequal group sizes (Donner's n0).

    Examples
    --------
    >>> import pandas as pd
    >>> v = pd.Series([1.0, 1.0, 3.0, 3.0]); g = pd.Series(["a", "a", "b", "b"])
    >>> intraclass_correlation(v, g)
    1.0
    """
    frame = pd.DataFrame({"v": np.asarray(values, dtype=float), "g": np.asarray(groups)})
    stats = frame.groupby("g")["v"].agg(["size", "mean", "var"])
    n_total, k = len(frame), len(stats)
    grand = frame["v"].mean()
    ss_between = (stats["size"] * (stats["mean"] - grand) ** 2).sum()
    ss_within = ((stats["size"] - 1) * stats["var"].fillna(0)).sum()
    ms_between = ss_between / (k - 1)
    ms_within = ss_within / (n_total - k)
    n0 = (n_total - (stats["size"] ** 2).sum() / n_total) / (k - 1)
    return float((ms_between - ms_within) / (ms_between + (n0 - 1) * ms_within))


def population_truth(
    students: pd.DataFrame, effects: dict, theta_sd: float, missing_codes: dict
) -> dict:
    """The truth every nation records about its students: national mean and SD, N, ICC, and
    the generating effects in logits and in score points.

    ``effects``: the ability model's effects (:meth:`AbilityModel.as_dict`); scalar effects
    other than the SDs are also given in points (logits x 100 / ``theta_sd``).
    """
    return {
        "national_mean": float(students["score"].mean()),
        "national_sd": float(students["score"].std(ddof=0)),
        "n_students": len(students),
        "icc": intraclass_correlation(students["score"], students["school_id"]),
        "effects_logits": effects,
        "effects_points": {
            k: v * 100 / theta_sd
            for k, v in effects.items()
            if isinstance(v, float) and not k.endswith("_sd")
        },
        "missing_codes": {str(k): v for k, v in missing_codes.items()},
    }
