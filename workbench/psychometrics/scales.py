"""Questionnaire (context) scales for the validity stage, the way PIRLS builds them:
item statistics, reliability, a one-factor model and IRT scaling by the partial credit model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.psychometrics._checks import score_matrix
from workbench.psychometrics.factor import dimensionality, one_factor
from workbench.psychometrics.rasch import RaschModel, pcm
from workbench.psychometrics.reliability import cronbach_alpha, reliability

__all__ = ["ScaleAnalysis", "scale_analysis", "background_indices"]


@dataclass(frozen=True, eq=False)
class ScaleAnalysis:
    """Result of :func:`scale_analysis`.

    Attributes
    ----------
    items
        ``item_id, n, mean, sd, r_item_rest, alpha_if_dropped, loading, location, infit_msq,
        outfit_msq`` (complete cases for the classical and factor columns).
    scale
        ``statistic`` (``alpha``, ``omega_total``, ``cfi``, ``rmsea``, ``eigenvalue_ratio``),
        ``estimate, se, n``.
    scores
        Person WLE on the PCM scale: ``person, raw_score, max_score, estimate, se``.
    model
        The fitted PCM (:class:`RaschModel`).
    """

    items: pd.DataFrame
    scale: pd.DataFrame
    scores: pd.DataFrame
    model: RaschModel

    def table(self) -> pd.DataFrame:
        """The item table."""
        return self.items.copy()


def scale_analysis(
    items: pd.DataFrame, *, reverse: Sequence[str] = (), lowest: int | None = None
) -> ScaleAnalysis:
    """Analyse a Likert-type scale: item-rest r, alpha, one-factor loadings, PCM scaling.

    Parameters
    ----------
    items
        Wide item responses (NaN = not answered); each student's PCM score uses the items
        they answered, as PIRLS scales context questionnaires with IRT.
    reverse
        Items to reverse (``max + lowest - x``) before the analysis.
    lowest
        The lowest category (default the lowest value seen); scores are shifted to start at 0.

    Returns
    -------
    ScaleAnalysis
        ``.items``, ``.scale``, ``.scores``, ``.model``; ``.table()`` = ``.items``.

    Notes
    -----
    Checked against psych::alpha (r.drop, alpha.drop), lavaan::cfa and eRm::PCM on bfi N1-N5
    (``tests/test_psychometrics_scales.py``).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(4)
    >>> f = rng.normal(size=300)
    >>> x = pd.DataFrame({f"q{i}": np.clip(np.round(f + rng.normal(size=300)) + 2, 1, 4)
    ...                   for i in range(4)})
    >>> res = scale_analysis(x)
    >>> res.scale["statistic"].tolist()
    ['alpha', 'omega_total', 'cfi', 'rmsea', 'eigenvalue_ratio']
    """
    x = score_matrix(items, "scale_analysis", min_items=3)
    absent = [r for r in reverse if r not in items.columns]
    if absent:
        raise KeyError(
            f"scale_analysis: reverse names unknown items ({absent}); columns "
            f"are: {list(items.columns)[:8]}"
        )
    low = int(np.nanmin(x)) if lowest is None else lowest
    x = x - low
    top = np.nanmax(x, axis=0)
    for r in reverse:
        j = items.columns.get_loc(r)
        x[:, j] = top[j] - x[:, j]
    frame = pd.DataFrame(x, index=items.index, columns=items.columns)
    model = pcm(frame)
    return ScaleAnalysis(
        _item_table(frame, model), _scale_table(frame), model.persons("wle"), model
    )


def background_indices(
    questionnaire: pd.DataFrame,
    *,
    scales: dict[str, list[str]],
    reverse: Sequence[str] = (),
    missing: Sequence[int] = (9,),
    id: str = "IDSTUD",
    weight=None,
    centre: float = 10.0,
    spread: float = 2.0,
) -> pd.DataFrame:
    """Background indices per student: PCM (WLE) scale scores, or one recoded item.

    Parameters
    ----------
    questionnaire
        One row per student with ``id`` and the item columns.
    scales
        ``{index name: [items]}``; three or more items are scaled with the partial credit
        model (PIRLS' context scales), a single item is used as it is (e.g. books at home).
    reverse
        Items reversed before scaling (so higher = more of the construct).
    missing
        Codes treated as not answered.
    id
        The student id column copied to the result.
    weight
        Optional weights (one per row) for the metric; default equal weights.
    centre, spread
        Weighted mean and SD of every index (PIRLS context scales: 10 and 2).

    Returns
    -------
    DataFrame
        ``id`` and one float column per index (NaN for students who answered none of its
        items).

    Notes
    -----
    The PCM part is :func:`scale_analysis` (eRm::PCM); the metric is checked in
    ``tests/test_psychometrics_validity.py``.
    """
    absent = [i for items in scales.values() for i in items if i not in questionnaire.columns]
    if absent or id not in questionnaire.columns:
        raise KeyError(
            f"background_indices: columns {absent or [id]} not in questionnaire; "
            f"columns are: {list(questionnaire.columns)[:10]}"
        )
    w = np.ones(len(questionnaire)) if weight is None else np.asarray(weight, dtype=float)
    out = pd.DataFrame({id: questionnaire[id].to_numpy()})
    for name, items in scales.items():
        x = (
            questionnaire[list(items)]
            .astype(float)
            .where(~questionnaire[list(items)].isin(list(missing)))
        )
        if len(items) >= 3:
            res = scale_analysis(x, reverse=[r for r in reverse if r in items])
            value = pd.Series(np.nan, index=x.index)
            value.loc[res.scores["person"]] = res.scores["estimate"].to_numpy()
            value = value.clip(-8, 8).to_numpy()
        else:
            value = x.iloc[:, 0].to_numpy()
            if items[0] in reverse:
                value = np.nanmax(value) + np.nanmin(value) - value
        ok = np.isfinite(value) & np.isfinite(w)
        mean = np.average(value[ok], weights=w[ok])
        sd = np.sqrt(np.average((value[ok] - mean) ** 2, weights=w[ok]))
        out[name] = centre + spread * (value - mean) / sd
    return out


def _item_table(frame: pd.DataFrame, model: RaschModel) -> pd.DataFrame:
    complete = frame.dropna().to_numpy()
    k = complete.shape[1]
    total = complete.sum(axis=1)
    fa = one_factor(frame)
    fit = model.itemfit()
    return pd.DataFrame(
        {
            "item_id": [str(c) for c in frame.columns],
            "n": frame.notna().sum().to_numpy(),
            "mean": frame.mean().to_numpy(),
            "sd": frame.std().to_numpy(),
            "r_item_rest": [
                np.corrcoef(complete[:, j], total - complete[:, j])[0, 1] for j in range(k)
            ],
            "alpha_if_dropped": [
                cronbach_alpha(np.delete(complete, j, axis=1)) if k > 2 else np.nan
                for j in range(k)
            ],
            "loading": fa["loading"].to_numpy(),
            "location": model.difficulty.to_numpy(),
            "infit_msq": fit["infit_msq"].to_numpy(),
            "outfit_msq": fit["outfit_msq"].to_numpy(),
        }
    )


def _scale_table(frame: pd.DataFrame) -> pd.DataFrame:
    rel = reliability(frame)
    fa = one_factor(frame)
    ev = dimensionality(frame, n_iter=1)["eigenvalue"].to_numpy()
    n = int(rel["n"].iloc[0])
    return pd.DataFrame(
        {
            "statistic": ["alpha", "omega_total", "cfi", "rmsea", "eigenvalue_ratio"],
            "estimate": [*rel["estimate"], fa["cfi"].iloc[0], fa["rmsea"].iloc[0], ev[0] / ev[1]],
            "se": [rel["se"].iloc[0], np.nan, np.nan, np.nan, np.nan],
            "n": n,
        }
    )
