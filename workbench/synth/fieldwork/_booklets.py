"""Test booklets as coded in the field, and the double coding of constructed responses.

Coding: :mod:`workbench.fielddata.booklets` (also ``workbench/fielddata/schemas/README.md``):

* multiple choice: the letter ticked, ``A``-``D``; ``9`` omitted, ``6`` not reached;
* constructed response, 1 point: ``10`` correct, ``70`` incorrect, ``79`` other incorrect;
  2 points: ``20`` full, ``10`` partial, ``70``, ``79``; ``99`` omitted, ``96`` not reached;
* blank: not administered (the item is not in the student's booklet).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.fielddata.booklets import CR_CODES

__all__ = ["booklet_answers", "double_coding"]

_LETTERS = np.array(list("ABCD"))
_SCORE_OF = {10: 1, 20: 2, 70: 0, 79: 0}


def booklet_answers(
    rng: np.random.Generator, codes: pd.DataFrame, items: pd.DataFrame
) -> pd.DataFrame:
    """Turn scored codes (0/1/2, 6, 7, 9) into what coders write in the booklet file.

    Parameters
    ----------
    codes
        One column per item (``items.item_id``), scored codes as in the nation's responses.
    items
        The item bank (``item_id, type, max_score, key``).

    Returns
    -------
    pandas.DataFrame
        Same shape, text cells: letters or scoring codes, ``""`` when not administered.

    Examples
    --------
    >>> items = pd.DataFrame({"item_id": ["R101", "R102"], "type": ["MC", "CR"],
    ...                       "max_score": [1, 2], "key": ["B", None]})
    >>> codes = pd.DataFrame({"R101": [1, 9, 7], "R102": [2, 1, 6]})
    >>> booklet_answers(np.random.default_rng(0), codes, items).values.tolist()
    [['B', '20'], ['9', '10'], ['', '96']]
    """
    out = {}
    for item in items.itertuples(index=False):
        score = codes[item.item_id].to_numpy()
        if item.type == "MC":
            out[item.item_id] = _mc_letters(rng, score, item.key)
        else:
            out[item.item_id] = _cr_codes(rng, score, int(item.max_score))
    return pd.DataFrame(out, index=codes.index)


def double_coding(
    rng: np.random.Generator,
    booklets: pd.DataFrame,
    items: pd.DataFrame,
    *,
    per_item: int,
    share: float,
    agreement: float,
    coders: int = 6,
) -> pd.DataFrame:
    """A second coder re-codes a random subsample of the constructed responses.

    For each CR item, ``max(per_item, share x responses)`` valid responses (capped at all of
    them; omitted and not-reached ones are not re-coded) are drawn. The second code equals the
    first with probability ``agreement``; otherwise another code of the item, mostly a
    neighbouring one (``70``/``79``, or one score point away).

    Returns
    -------
    pandas.DataFrame
        ``IDSTUD, IDBOOK, ITEM, CODER1, CODE1, CODER2, CODE2`` (codes as integers).
    """
    parts = []
    for item in items[items["type"] == "CR"].itertuples(index=False):
        code = pd.to_numeric(booklets[item.item_id], errors="coerce")
        valid = booklets.loc[code.isin(list(_SCORE_OF)), ["IDSTUD", "IDBOOK"]]
        n = min(len(valid), max(per_item, int(np.ceil(share * len(valid)))))
        pick = np.sort(rng.choice(len(valid), n, replace=False))
        first = code.loc[valid.index].to_numpy()[pick].astype(int)
        coder1 = rng.integers(1, coders + 1, n)
        coder2 = (coder1 + rng.integers(1, coders, n) - 1) % coders + 1
        second = _second_codes(rng, first, list(CR_CODES[int(item.max_score)]), agreement)
        parts.append(
            pd.DataFrame(
                {
                    "IDSTUD": valid["IDSTUD"].to_numpy()[pick],
                    "IDBOOK": valid["IDBOOK"].to_numpy()[pick],
                    "ITEM": item.item_id,
                    "CODER1": coder1,
                    "CODE1": first,
                    "CODER2": coder2,
                    "CODE2": second,
                }
            )
        )
    columns = ["IDSTUD", "IDBOOK", "ITEM", "CODER1", "CODE1", "CODER2", "CODE2"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def _mc_letters(rng: np.random.Generator, score: np.ndarray, key: str) -> np.ndarray:
    wrong = _LETTERS[_LETTERS != key]
    out = np.where(score == 1, key, wrong[rng.integers(0, 3, len(score))]).astype(object)
    out[score == 9] = "9"
    out[score == 6] = "6"
    out[score == 7] = ""
    return out


def _cr_codes(rng: np.random.Generator, score: np.ndarray, max_score: int) -> np.ndarray:
    incorrect = np.where(rng.random(len(score)) < 0.75, "70", "79")
    credit = {1: "10", 2: "20"} if max_score == 2 else {1: "10"}
    out = np.where(score == 0, incorrect, "").astype(object)
    for points, text in credit.items():
        out[score == points] = text
    out[score == 9] = "99"
    out[score == 6] = "96"
    return out


def _second_codes(
    rng: np.random.Generator, first: np.ndarray, codes: list[int], agreement: float
) -> np.ndarray:
    second = first.copy()
    differ = np.flatnonzero(rng.random(len(first)) >= agreement)
    for i in differ:
        others = [c for c in codes if c != first[i]]
        gap = np.array([abs(_SCORE_OF[c] - _SCORE_OF[first[i]]) for c in others])
        weight = np.where(gap <= 1, 2.0, 1.0)
        second[i] = rng.choice(others, p=weight / weight.sum())
    return second
