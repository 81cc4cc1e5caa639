"""Test information and Wright-map data for the validity stage, from calibrated items.

Works on an item table in the :func:`workbench.psychometrics.calibrate` form (``item_id, model, a,
b, c, d1..``; logistic metric): 2PL/3PL/1PL items and (generalized) partial credit items with
step locations ``d1, d2, ...``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["item_information", "test_information", "wright_map"]


def item_information(items: pd.DataFrame, *, theta=None) -> pd.DataFrame:
    """Fisher information of every item along the ability scale.

    Parameters
    ----------
    items
        ``item_id, a, b`` and optionally ``c`` (3PL) and ``d1, d2, ...`` (step locations of
        polytomous items; a polytomous item has more than one non-missing ``d``).
    theta
        Ability points (logits); default -4 to 4 by 0.1.

    Returns
    -------
    DataFrame
        ``item_id, theta, information``. 2PL: ``a² P Q``; 3PL: Birnbaum's
        ``a² (P - c)² Q / ((1 - c)² P)``; GPCM: ``a² Var(X | theta)``.

    Notes
    -----
    Checked against numerical second derivatives of the log-likelihood in
    ``tests/test_psychometrics_validity.py``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"item_id": ["i"], "a": [1.0], "b": [0.0]})
    >>> float(item_information(t, theta=[0.0])["information"].iloc[0])
    0.25
    """
    th = np.arange(-4, 4.0001, 0.1) if theta is None else np.asarray(theta, dtype=float)
    missing = [c for c in ("item_id", "a", "b") if c not in items.columns]
    if missing:
        raise KeyError(
            f"item_information: items lacks columns {missing}; pass a calibration "
            "table (workbench.psychometrics.calibrate(...).table())"
        )
    steps = sorted(
        [c for c in items.columns if c[:1] == "d" and c[1:].isdigit()], key=lambda c: int(c[1:])
    )
    parts = []
    for row in items.itertuples(index=False):
        r = row._asdict()
        d = np.array([r[s] for s in steps], dtype=float)
        d = d[np.isfinite(d)]
        a, b = float(r["a"]), float(r["b"])
        c = float(r.get("c", 0.0) or 0.0) if pd.notna(r.get("c", 0.0)) else 0.0
        info = _poly_info(th, a, d) if len(d) > 1 else _binary_info(th, a, b, c)
        parts.append(pd.DataFrame({"item_id": r["item_id"], "theta": th, "information": info}))
    return pd.concat(parts, ignore_index=True)


def test_information(items: pd.DataFrame, *, theta=None) -> pd.DataFrame:
    """Information of the whole item set and the conditional standard error.

    Parameters
    ----------
    items, theta
        As :func:`item_information`. For a rotated design, pass one booklet's items.

    Returns
    -------
    DataFrame
        ``theta, information, se`` (``se = 1 / sqrt(information)``).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"item_id": ["i", "j"], "a": [1.0, 1.0], "b": [0.0, 0.0]})
    >>> test_information(t, theta=[0.0])[["information", "se"]].iloc[0].round(4).tolist()
    [0.5, 1.4142]
    """
    per = item_information(items, theta=theta)
    out = per.groupby("theta", sort=True)["information"].sum().reset_index()
    out["se"] = 1 / np.sqrt(out["information"])
    return out


def wright_map(items: pd.DataFrame, persons, *, bins=None) -> pd.DataFrame:
    """The data of a Wright (person-item) map: person counts and item locations on one axis.

    Parameters
    ----------
    items
        ``item_id, b`` (item difficulty or location), optionally ``d1, d2, ...`` thresholds.
    persons
        Person abilities on the same scale (logits); NaN ignored.
    bins
        Bin edges (default 0.25 logits over the range of both).

    Returns
    -------
    DataFrame
        ``kind`` (``person`` or ``item``), ``label`` (bin centre or item id, with ``.k`` for the
        k-th threshold of a polytomous item), ``location``, ``count`` (persons in the bin; 1
        for items).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"item_id": ["i"], "b": [0.3]})
    >>> wright_map(t, [0.1, 0.2, -1.0], bins=[-2, 0, 2])["count"].tolist()
    [1, 2, 1]
    """
    p = np.asarray(persons, dtype=float)
    p = p[np.isfinite(p)]
    steps = sorted(
        [c for c in items.columns if c[:1] == "d" and c[1:].isdigit()], key=lambda c: int(c[1:])
    )
    rows = []
    for r in items.to_dict("records"):
        d = [(k + 1, float(r[s])) for k, s in enumerate(steps) if pd.notna(r[s])]
        if len(d) > 1:
            rows += [(f"{r['item_id']}.{k}", v) for k, v in d]
        else:
            rows.append((str(r["item_id"]), float(r["b"])))
    locs = np.array([v for _, v in rows]) if rows else np.array([])
    if bins is None:
        lo = np.floor(min(p.min(initial=0), locs.min(initial=0)) * 4) / 4
        hi = np.ceil(max(p.max(initial=0), locs.max(initial=0)) * 4) / 4 + 0.25
        bins = np.arange(lo, hi + 1e-9, 0.25)
    edges = np.asarray(bins, dtype=float)
    counts, _ = np.histogram(p, edges)
    centre = (edges[:-1] + edges[1:]) / 2
    people = pd.DataFrame(
        {
            "kind": "person",
            "label": [f"{c:.2f}" for c in centre],
            "location": centre,
            "count": counts,
        }
    )
    marks = pd.DataFrame(
        {"kind": "item", "label": [k for k, _ in rows], "location": locs, "count": 1}
    )
    return pd.concat([people, marks], ignore_index=True)


def _binary_info(th: np.ndarray, a: float, b: float, c: float) -> np.ndarray:
    p_star = 1 / (1 + np.exp(-a * (th - b)))
    if c == 0:
        return a**2 * p_star * (1 - p_star)
    p = c + (1 - c) * p_star
    return a**2 * (p - c) ** 2 * (1 - p) / ((1 - c) ** 2 * p)


def _poly_info(th: np.ndarray, a: float, d: np.ndarray) -> np.ndarray:
    z = np.cumsum(a * (th[:, None] - d[None, :]), axis=1)
    z = np.column_stack([np.zeros_like(th), z])
    pr = np.exp(z - z.max(axis=1, keepdims=True))
    pr /= pr.sum(axis=1, keepdims=True)
    k = np.arange(len(d) + 1)
    mean = pr @ k
    return a**2 * (pr @ k**2 - mean**2)
