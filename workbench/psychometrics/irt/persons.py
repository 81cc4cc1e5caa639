"""Person scores for given item parameters: EAP or Warm's WLE, one verb (``method=``).

Not reached items are scored wrong by default here (IEA: missing in calibration, wrong in
proficiency estimation); omitted items are scored wrong; not administered items are skipped.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.psychometrics.irt import _data
from workbench.psychometrics.irt._em import log_prior, posterior
from workbench.psychometrics.irt._model import (
    ItemSet,
    log_likelihood,
    probabilities,
    safe_log,
    theta_derivatives,
)
from workbench.psychometrics.irt.calibration import Calibration

__all__ = ["person_scores", "item_set", "METHODS"]

METHODS = ("eap", "wle")

_CHUNK = 20_000


def person_scores(
    responses: pd.DataFrame,
    *,
    items: Calibration | pd.DataFrame,
    method: str = "eap",
    id: str | None = None,
    omitted: str = "wrong",
    not_reached: str = "wrong",
    mean: float = 0.0,
    sd: float = 1.0,
    points: int = 41,
    bounds: tuple[float, float] = (-6.0, 6.0),
) -> pd.DataFrame:
    """Ability of each student given the item parameters, by ``method`` ``"eap"`` or ``"wle"``.

    Parameters
    ----------
    responses
        Scored responses, one column per item (codes as in :func:`calibrate`).
    items
        A :class:`Calibration` or its ``.table()`` (``item_id, model, a, b, c, d1..``).
    method
        ``"eap"``: expected a posteriori ability and posterior SD under a normal prior
        (``mean``, ``sd``; ``points`` quadrature nodes on [-6, 6]). ``"wle"``: Warm's weighted
        likelihood estimate and its SE, by bisection within ``bounds`` (finite for perfect
        and zero scores).
    id
        Optional id column copied to the result.
    omitted, not_reached
        ``'wrong'`` (default, IEA proficiency rule) or ``'missing'``.

    Returns
    -------
    DataFrame
        ``[id], eap, psd, n_items`` (EAP) or ``[id], wle, se, n_items`` (WLE; NaN for a
        student without any counted response).

    Checked against
    ---------------
    EAP: ``scipy.integrate.quad`` of the posterior; WLE: ``scipy.optimize.brentq`` on the
    Warm equation (``tests/test_scaling_persons.py``).

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"item_id": ["i1", "i2"], "model": "2PL", "a": 1.0,
    ...                       "b": [-0.5, 0.5]})
    >>> x = pd.DataFrame({"i1": [1, 0], "i2": [1, 0]})
    >>> person_scores(x, items=table, method="wle").round(3)
         wle     se  n_items
    0  1.746  1.961        2
    1 -1.746  1.961        2
    """
    if method == "eap":
        return _eap(
            responses,
            items=items,
            mean=mean,
            sd=sd,
            id=id,
            omitted=omitted,
            not_reached=not_reached,
            points=points,
        )
    if method == "wle":
        return _wle(
            responses, items=items, id=id, omitted=omitted, not_reached=not_reached, bounds=bounds
        )
    raise ValueError(f"person_scores: unknown method ({method!r}); use one of {METHODS}")


def _eap(
    responses: pd.DataFrame,
    *,
    items: Calibration | pd.DataFrame,
    mean: float,
    sd: float,
    id: str | None,
    omitted: str,
    not_reached: str,
    points: int,
) -> pd.DataFrame:
    """EAP and posterior SD under a normal prior (``scipy.integrate.quad`` checked)."""
    its, x = _prepare(responses, items, "person_scores", omitted, not_reached)
    if not (np.isfinite(sd) and sd > 0):
        raise ValueError(f"person_scores: sd must be positive ({sd!r} given); pass the prior SD.")
    theta = _data.grid(points)
    logprior = log_prior(theta, np.array([mean]), np.array([sd]))
    out_mean, out_sd = np.empty(len(x)), np.empty(len(x))
    for rows in _chunks(len(x)):
        post, _ = posterior(person_loglik(its, x[rows], theta), logprior)
        out_mean[rows] = post @ theta
        out_sd[rows] = np.sqrt(np.clip(post @ theta**2 - out_mean[rows] ** 2, 0, None))
    return _result(responses, id, {"eap": out_mean, "psd": out_sd}, x)


def _wle(
    responses: pd.DataFrame,
    *,
    items: Calibration | pd.DataFrame,
    id: str | None,
    omitted: str,
    not_reached: str,
    bounds: tuple[float, float],
) -> pd.DataFrame:
    """Warm WLE: ``l'(theta) + J / (2 I) = 0`` by bisection; SE ``1 / sqrt(I)`` (Warm 1989)."""
    its, x = _prepare(responses, items, "person_scores", omitted, not_reached)
    est, se = np.full(len(x), np.nan), np.full(len(x), np.nan)
    for rows in _chunks(len(x)):
        est[rows], se[rows] = _wle_chunk(its, x[rows], bounds)
    some = np.isfinite(x).any(axis=1)
    return _result(
        responses, id, {"wle": np.where(some, est, np.nan), "se": np.where(some, se, np.nan)}, x
    )


def item_set(items: Calibration | pd.DataFrame, *, caller: str) -> ItemSet:
    """Item parameters of a calibration or an item table, as kernel arrays."""
    table = items.items if isinstance(items, Calibration) else items
    return _data.itemset_from_table(table, caller=caller)


def person_loglik(items: ItemSet, x: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """Log-likelihood ``(N, Q)`` of scored responses ``x`` (NaN = skip) at the nodes."""
    logp = safe_log(probabilities(items, theta))
    return log_likelihood(_data.onehot(x, items.kmax), logp)


def _prepare(
    responses: pd.DataFrame,
    items: Calibration | pd.DataFrame,
    caller: str,
    omitted: str,
    not_reached: str,
) -> tuple[ItemSet, np.ndarray]:
    its = item_set(items, caller=caller)
    x = _data.score_matrix(
        responses, its.ids, caller=caller, omitted=omitted, not_reached=not_reached
    )
    over = np.isfinite(x) & (x > its.ncat[None, :])
    if over.any():
        j = int(np.argwhere(over)[0, 1])
        raise ValueError(
            f"{caller}: item {its.ids[j]!r} has scores above its maximum "
            f"({int(its.ncat[j])}); check the item table or the scoring."
        )
    return its, x


def _wle_chunk(
    items: ItemSet, x: np.ndarray, bounds: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray]:
    lo = np.full(len(x), float(bounds[0]))
    hi = np.full(len(x), float(bounds[1]))
    for _ in range(48):
        mid = (lo + hi) / 2
        up = _warm(items, x, mid)[0] > 0
        lo, hi = np.where(up, mid, lo), np.where(up, hi, mid)
    est = (lo + hi) / 2
    with np.errstate(divide="ignore"):
        return est, 1 / np.sqrt(_warm(items, x, est)[1])


def _warm(items: ItemSet, x: np.ndarray, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The Warm estimating function and the test information at person-specific theta."""
    p, d1, d2 = theta_derivatives(items, theta)
    seen = np.isfinite(x)
    k = np.where(seen, x, 0).astype(int)[..., None]
    px = np.take_along_axis(p, k, axis=2)[..., 0]
    dx = np.take_along_axis(d1, k, axis=2)[..., 0]
    score = np.where(seen, dx / np.clip(px, 1e-300, None), 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        info_jk = np.where(p > 0, d1**2 / p, 0.0)
        warm_jk = np.where(p > 0, d1 * d2 / p, 0.0)
    info = (info_jk.sum(axis=2) * seen).sum(axis=1)
    warm = (warm_jk.sum(axis=2) * seen).sum(axis=1)
    return score + warm / (2 * np.clip(info, 1e-300, None)), info


def _chunks(n: int) -> list[slice]:
    return [slice(s, min(s + _CHUNK, n)) for s in range(0, max(n, 1), _CHUNK)]


def _result(responses: pd.DataFrame, id: str | None, columns: dict, x: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame(columns)
    frame["n_items"] = np.isfinite(x).sum(axis=1)
    if id is not None:
        if id not in responses.columns:
            raise KeyError(
                f"scaling: id column {id!r} is not in responses; pass an existing "
                "column or id=None."
            )
        frame.insert(0, id, responses[id].to_numpy())
    return frame
