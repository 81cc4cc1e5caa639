"""The reading item bank and the scored responses of every student.

Multiple-choice items follow a two-parameter logistic model (guessing set by
``mc_guessing``, 0 by default); constructed-response items worth 1 or 2
points follow the generalized partial credit model. Students take two blocks
in a rotated booklet design (booklet k holds blocks k and k+1). Omissions
replace only responses that would have scored 0 (so scoring them as wrong,
the IEA rule, is consistent with the model); slow readers do not reach the
last items of their second block whatever they would have scored (so "not
reached" is ignorable and treated as not administered in calibration).

Differential item functioning (DIF) can be planted (:func:`default_dif`, ``dif=`` of
:func:`make_responses`): for a focal group the item's difficulty (and its GPCM steps) is
``shift`` logits higher than for everyone else, centred so that the population-average
difficulty stays the bank's ``b`` (the item's marginal statistics barely move; the validity
stage's DIF checks must find it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["MISSING_CODES", "make_items", "make_responses", "booklet_blocks", "default_dif"]

#: response codes beside scores 0, 1, 2 (IEA convention)
MISSING_CODES = {6: "not reached", 7: "not administered", 9: "omitted"}
_PROCESSES = ("retrieve", "infer", "interpret", "evaluate")


def make_items(
    rng: np.random.Generator, n_items: int = 60, blocks: int = 6, mc_guessing: float = 0.0
) -> pd.DataFrame:
    """Draw the item bank.

    Returns
    -------
    DataFrame
        ``item_id, block, position, text_type, process, type (MC|CR), max_score, key,
        a, b, c, d1, d2`` (``d1, d2``: GPCM step locations of 2-point items, else empty).
    """
    per_block = n_items // blocks
    block = np.repeat(np.arange(1, blocks + 1), per_block)
    position = np.tile(np.arange(1, per_block + 1), blocks)
    n = len(block)
    is_mc = rng.random(n) < 0.6
    max_score = np.where(is_mc, 1, np.where(rng.random(n) < 0.4, 2, 1))
    b = rng.normal(-0.1, 0.9, n)
    spread = rng.uniform(0.4, 0.9, n)
    two_point = max_score == 2
    return pd.DataFrame(
        {
            "item_id": [f"R{k:01d}{p:02d}" for k, p in zip(block, position, strict=True)],
            "block": block,
            "position": position,
            "text_type": np.where(block % 2 == 1, "literary", "informational"),
            "process": rng.choice(_PROCESSES, n),
            "type": np.where(is_mc, "MC", "CR"),
            "max_score": max_score.astype("int8"),
            "key": np.where(is_mc, rng.choice(list("ABCD"), n), None),
            "a": np.exp(rng.normal(0.0, 0.25, n)),
            "b": b,
            "c": np.where(is_mc, mc_guessing, 0.0),
            "d1": np.where(two_point, b - spread, np.nan),
            "d2": np.where(two_point, b + spread, np.nan),
        }
    )


def default_dif(items: pd.DataFrame) -> list[dict]:
    """The DIF planted by default: three multiple-choice items, chosen without random draws.

    * the first MC item of the bank's second sixth: 0.9 logits harder in Russian-language
      classes than in the others (a translation that gives the key away less clearly);
    * the first MC item of the second half: 0.7 logits easier in Russian-language classes;
    * the first MC item of the last sixth: 0.7 logits easier for girls than for boys.

    Returns
    -------
    list of dict
        ``item_id, variable, focal, shift`` (``variable``: a student column, ``focal``: its
        focal value, ``shift``: focal minus the rest's difficulty, logits).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> [d["variable"] for d in default_dif(make_items(rng, 24, 4))]
    ['class_language', 'class_language', 'female']
    """
    mc = items.index[items["type"] == "MC"].to_numpy()
    n = len(items)
    pick = [
        int(mc[mc >= start][0]) if (mc >= start).any() else int(mc[-1])
        for start in (n // 6, n // 2, 5 * n // 6)
    ]
    spec = [("class_language", "ru", 0.9), ("class_language", "ru", -0.7), ("female", 1, -0.7)]
    return [
        {"item_id": str(items.loc[j, "item_id"]), "variable": v, "focal": f, "shift": s}
        for j, (v, f, s) in zip(pick, spec, strict=True)
    ]


def booklet_blocks(booklet: int, blocks: int) -> tuple[int, int]:
    """The two blocks of a booklet (1-based): booklet k holds blocks k and k+1, wrapping."""
    return booklet, booklet % blocks + 1


def make_responses(
    rng: np.random.Generator,
    students: pd.DataFrame,
    items: pd.DataFrame,
    dif: list[dict] | None = None,
) -> pd.DataFrame:
    """Scored responses of every student (wide, one column per item, int8 codes).

    ``dif``: planted DIF, a list of ``{item_id, variable, focal, shift}`` (see
    :func:`default_dif`); ``None`` or ``[]`` plants none. The random draws do not depend on
    it, so the same seed gives the same students and booklets with or without DIF.

    Returns
    -------
    DataFrame
        ``student_id, booklet`` and one column per item: 0, 1, 2 = score;
        6 not reached, 7 not administered, 9 omitted.
    """
    blocks = int(items["block"].max())
    position_in_class = students.groupby("class_id").cumcount().to_numpy()
    start = rng.integers(0, blocks, students["class_id"].nunique())
    class_start = pd.Series(start, index=students["class_id"].unique())
    booklet = (class_start.loc[students["class_id"]].to_numpy() + position_in_class) % blocks + 1
    theta = students["theta"].to_numpy()
    scores = _draw_scores(rng, theta, items, _dif_offsets(students, items, dif or []))
    administered = _administered(booklet, items, blocks)
    codes = np.where(administered, scores, 7).astype("int8")
    codes = _omit_and_not_reach(rng, codes, theta, items, booklet, blocks)
    frame = pd.DataFrame(codes, columns=items["item_id"].to_list())
    frame.insert(0, "booklet", booklet.astype("int8"))
    frame.insert(0, "student_id", students["student_id"].to_numpy())
    return frame


def _dif_offsets(students: pd.DataFrame, items: pd.DataFrame, dif: list[dict]) -> np.ndarray:
    """Per student x item shift of difficulty (centred: the population average is 0)."""
    offsets = np.zeros((len(students), len(items)))
    ids = items["item_id"].tolist()
    for d in dif:
        if d["item_id"] not in ids or d["variable"] not in students.columns:
            raise ValueError(
                f"make_responses: dif names an unknown item or student column "
                f"({d['item_id']!r}, {d['variable']!r}); use the bank's item_id "
                "and a column of students"
            )
        focal = (students[d["variable"]] == d["focal"]).to_numpy()
        offsets[:, ids.index(d["item_id"])] += d["shift"] * (focal - focal.mean())
    return offsets


def _draw_scores(
    rng: np.random.Generator, theta: np.ndarray, items: pd.DataFrame, offsets: np.ndarray
) -> np.ndarray:
    a = items["a"].to_numpy()
    logits = a * (theta[:, None] - items["b"].to_numpy() - offsets)
    c = items["c"].to_numpy()
    p1 = c + (1 - c) / (1 + np.exp(-logits))
    scores = (rng.random(p1.shape) < p1).astype("int8")
    for j in np.flatnonzero(items["max_score"].to_numpy() == 2):
        steps = items.loc[j, ["d1", "d2"]].to_numpy(dtype=float)
        cum = np.cumsum(a[j] * ((theta - offsets[:, j])[:, None] - steps), axis=1)
        numer = np.exp(np.column_stack([np.zeros_like(theta), cum]))
        probs = numer / numer.sum(axis=1, keepdims=True)
        scores[:, j] = (rng.random(len(theta))[:, None] > probs.cumsum(axis=1)).sum(axis=1)
    return scores


def _administered(booklet: np.ndarray, items: pd.DataFrame, blocks: int) -> np.ndarray:
    item_block = items["block"].to_numpy()
    first = booklet
    second = booklet % blocks + 1
    return (item_block == first[:, None]) | (item_block == second[:, None])


def _omit_and_not_reach(
    rng: np.random.Generator,
    codes: np.ndarray,
    theta: np.ndarray,
    items: pd.DataFrame,
    booklet: np.ndarray,
    blocks: int,
) -> np.ndarray:
    codes = codes.copy()
    is_cr = (items["type"] == "CR").to_numpy()
    # Only a student who would not have scored omits, so "omitted = wrong" is the model.
    p_omit = 1 / (1 + np.exp(2.9 + 0.8 * theta[:, None] - 1.2 * is_cr))
    omit = (codes == 0) & (rng.random(codes.shape) < p_omit)
    codes[omit] = 9
    # Slow readers do not reach the last items of their booklet's second block.
    slow = rng.random(len(theta)) < 1 / (1 + np.exp(2.8 + 0.7 * theta))
    n_missed = rng.integers(1, 6, len(theta))
    second = booklet % blocks + 1
    item_block = items["block"].to_numpy()
    position = items["position"].to_numpy()
    last = position.max()
    in_second = item_block == second[:, None]
    not_reached = slow[:, None] & in_second & (position > last - n_missed[:, None])
    codes[not_reached] = 6
    return codes
