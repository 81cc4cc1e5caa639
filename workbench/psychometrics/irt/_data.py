"""Response coding, item specifications and the quadrature grid (private).

Codes follow the IEA convention used by :mod:`workbench.synth`: scores ``0..K``;
``6`` not reached, ``7`` not administered, ``9`` omitted; ``NaN`` is not administered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from workbench.psychometrics.irt._model import MODELS, ItemSet, par_from_steps

NOT_REACHED, NOT_ADMINISTERED, OMITTED = 6, 7, 9
_TREATMENTS = ("wrong", "missing")


def grid(points: int, bound: float = 6.0) -> np.ndarray:
    """Equally spaced quadrature nodes on ``[-bound, bound]``."""
    if not isinstance(points, int | np.integer) or points < 11:
        raise ValueError(
            f"scaling: points must be an integer >= 11 ({points!r} given); "
            "use 41 (the default) or more."
        )
    return np.linspace(-bound, bound, int(points))


def score_matrix(
    responses: pd.DataFrame,
    item_ids: Sequence[str],
    *,
    caller: str,
    omitted: str = "wrong",
    not_reached: str = "missing",
) -> np.ndarray:
    """Scores as floats ``(N, J)`` with NaN where the item does not count.

    ``omitted``/``not_reached``: ``"wrong"`` scores the code 0, ``"missing"`` treats it as
    not administered.
    """
    if not isinstance(responses, pd.DataFrame):
        raise TypeError(
            f"{caller}: responses must be a DataFrame ({type(responses).__name__} "
            "given); pass one column per item."
        )
    for name, value in (("omitted", omitted), ("not_reached", not_reached)):
        if value not in _TREATMENTS:
            raise ValueError(
                f"{caller}: {name} must be 'wrong' or 'missing' ({value!r} given); "
                "IEA scores omitted as wrong and not reached as missing in "
                "calibration."
            )
    missing = [i for i in item_ids if i not in responses.columns]
    if missing:
        raise KeyError(
            f"{caller}: item columns {missing[:5]} are not in responses; columns "
            f"are {list(responses.columns)[:8]}...; check the item ids."
        )
    x = responses[list(item_ids)].to_numpy(dtype=float, na_value=np.nan).copy()
    recode = {
        OMITTED: 0.0 if omitted == "wrong" else np.nan,
        NOT_REACHED: 0.0 if not_reached == "wrong" else np.nan,
        NOT_ADMINISTERED: np.nan,
    }
    for code, value in recode.items():
        x[x == code] = value
    bad = np.isfinite(x) & ((x < 0) | (x != np.round(x)) | (x > 5))
    if bad.any():
        values = sorted(set(x[bad].tolist()))[:5]
        raise ValueError(
            f"{caller}: responses hold codes that are neither scores 0-5 nor "
            f"6/7/9 ({values} given); recode them first."
        )
    return x


def onehot(x: np.ndarray, kmax: int) -> list[np.ndarray]:
    """Category indicators ``(N, J)`` for ``k = 0..kmax`` (0 where missing)."""
    return [(x == k).astype(float) for k in range(kmax + 1)]


def item_models(
    item_ids: Sequence[str],
    ncat: np.ndarray,
    model: str | Mapping[str, str],
    items: pd.DataFrame | None,
) -> tuple[str, ...]:
    """Resolve ``model`` to one model name per item."""
    if isinstance(model, Mapping):
        out = tuple(
            model.get(i, "2PL" if k == 1 else "GPCM") for i, k in zip(item_ids, ncat, strict=True)
        )
    elif model in ("1PL", "Rasch"):
        out = tuple("1PL" if k == 1 else "PCM" for k in ncat)
    elif model in ("2PL", "3PL"):
        out = tuple(model if k == 1 else "GPCM" for k in ncat)
    elif model == "pirls":
        if items is None or "type" not in items.columns:
            raise ValueError(
                "calibrate: model='pirls' needs items as a DataFrame with a 'type' "
                "column (MC or CR); pass the item table."
            )
        kinds = items.set_index("item_id").loc[list(item_ids), "type"].to_numpy()
        out = tuple(
            "3PL" if t == "MC" and k == 1 else ("2PL" if k == 1 else "GPCM")
            for t, k in zip(kinds, ncat, strict=True)
        )
    else:
        raise ValueError(
            f"calibrate: unknown model ({model!r}); use '2PL', '3PL', '1PL', "
            "'pirls' or a mapping item_id -> model."
        )
    unknown = sorted({m for m in out if m not in MODELS})
    wrong = [
        i
        for i, m, k in zip(item_ids, out, ncat, strict=True)
        if (m in ("GPCM", "PCM")) != (k > 1) and m in MODELS
    ]
    if unknown or wrong:
        raise ValueError(
            f"calibrate: models {unknown} unknown or not fitting the item's "
            f"score range (items {wrong[:5]}); use {MODELS} (GPCM/PCM only "
            "for items scored above 1)."
        )
    return out


def item_ids_of(items: pd.DataFrame | Sequence[str], *, caller: str) -> list[str]:
    if isinstance(items, pd.DataFrame):
        if "item_id" not in items.columns:
            raise KeyError(
                f"{caller}: items has no 'item_id' column (columns "
                f"{list(items.columns)[:8]}); name the item column item_id."
            )
        ids = items["item_id"].astype(str).tolist()
    else:
        ids = [str(i) for i in items]
    if not ids or len(set(ids)) != len(ids):
        raise ValueError(
            f"{caller}: items must be non-empty and unique ({len(ids)} given); list each item once."
        )
    return ids


def itemset_from_table(table: pd.DataFrame, *, caller: str) -> ItemSet:
    """Parameters from a ``Calibration.table()``-like frame (item_id, model, a, b, c, d1..)."""
    need = {"item_id", "model", "a", "b"}
    if not isinstance(table, pd.DataFrame) or not need <= set(table.columns):
        got = list(table.columns) if isinstance(table, pd.DataFrame) else type(table).__name__
        raise ValueError(
            f"{caller}: items must be a Calibration or a table with columns "
            f"{sorted(need)} ({got} given); pass calibrate(...) or its .table()."
        )
    steps = sorted(
        (c for c in table.columns if c[:1] == "d" and c[1:].isdigit()), key=lambda c: int(c[1:])
    )
    d = table[steps].to_numpy(dtype=float) if steps else np.empty((len(table), 0))
    b = table["b"].to_numpy(dtype=float)
    poly = table["model"].isin(["GPCM", "PCM"]).to_numpy()
    ncat = np.where(poly, np.isfinite(d).sum(axis=1) if steps else 1, 1).astype(int)
    kmax = max(1, int(ncat.max()))
    full = np.full((len(table), kmax), np.nan)
    full[:, : d.shape[1]] = d[:, :kmax] if d.shape[1] else full[:, :0]
    full[~poly, 0] = b[~poly]
    c = table["c"].fillna(0.0).to_numpy(float) if "c" in table.columns else np.zeros(len(b))
    a = table["a"].to_numpy(dtype=float)
    if not np.all(np.isfinite(a) & (a > 0)) or not np.all(np.isfinite(b)):
        raise ValueError(
            f"{caller}: item parameters a must be positive and a, b finite; "
            "check the item table for missing values."
        )
    par = par_from_steps(a, full, c, ncat)
    return ItemSet(tuple(table["item_id"].astype(str)), tuple(table["model"]), ncat, par)
