"""Test booklets: how answers are coded in the field, their declared columns, and scoring.

Serves the field-data stage (``notebooks/20_field_data.py``). Coding (also in
``workbench/fielddata/schemas/README.md``):

* multiple choice: the letter ticked, ``A``-``D``; ``9`` omitted, ``6`` not reached;
* constructed response, 1 point: ``10`` correct, ``70`` incorrect, ``79`` other incorrect;
  2 points: ``20`` full, ``10`` partial, ``70``, ``79``; ``99`` omitted, ``96`` not reached;
* blank: not administered (the item is not in the student's booklet).

Scored codes (what :func:`score_booklets` returns and the synthetic nation's responses hold):
``0, 1, 2`` score; ``6`` not reached; ``7`` not administered; ``9`` omitted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.fielddata.schema import Column, Schema

__all__ = [
    "MC_MISSING",
    "CR_MISSING",
    "CR_CODES",
    "SCORED_MISSING",
    "item_columns",
    "booklet_schema",
    "score_booklets",
]

MC_MISSING = {"9": "omitted", "6": "not reached"}
CR_MISSING = {99: "omitted", 96: "not reached"}
CR_CODES = {
    1: {10: "correct", 70: "incorrect", 79: "incorrect (other)"},
    2: {20: "full credit", 10: "partial credit", 70: "incorrect", 79: "incorrect (other)"},
}
#: codes of the scored matrix beside the scores 0, 1, 2
SCORED_MISSING = {6: "not reached", 7: "not administered", 9: "omitted"}
_CR_SCORE = {1: {"10": 1, "70": 0, "79": 0}, 2: {"20": 2, "10": 1, "70": 0, "79": 0}}
_CR_MISSING_SCORED = {"99": 9, "96": 6, "": 7}


def item_columns(items: pd.DataFrame) -> list[Column]:
    """Declared booklet columns of an item bank (MC letters, CR scoring codes, blanks allowed).

    Examples
    --------
    >>> items = pd.DataFrame({"item_id": ["R101", "R102"], "type": ["MC", "CR"],
    ...                       "max_score": [1, 1]})
    >>> [(c.name, c.codes) for c in item_columns(items)]
    [('R101', ['A', 'B', 'C', 'D']), ('R102', [10, 70, 79])]
    """
    cols = []
    for item in items.itertuples(index=False):
        if item.type == "MC":
            cols.append(
                Column(
                    name=item.item_id,
                    type="code",
                    codes=list("ABCD"),
                    missing=MC_MISSING,
                    allow_blank=True,
                )
            )
        else:
            codes = CR_CODES[int(item.max_score)]
            cols.append(
                Column(
                    name=item.item_id,
                    type="code",
                    codes=codes,
                    missing=CR_MISSING,
                    allow_blank=True,
                )
            )
    return cols


def booklet_schema(base: Schema, items: pd.DataFrame) -> Schema:
    """The declared booklet schema (``base``: the id columns) completed with the item columns.

    Examples
    --------
    >>> base = Schema(name="booklets", columns=[{"name": "IDSTUD", "type": "int"}])
    >>> items = pd.DataFrame({"item_id": ["R101"], "type": ["MC"], "max_score": [1]})
    >>> [c.name for c in booklet_schema(base, items).columns]
    ['IDSTUD', 'R101']
    """
    known = {c.name for c in base.columns}
    extra = [c for c in item_columns(items) if c.name not in known]
    return base.model_copy(update={"columns": [*base.columns, *extra], "extra_columns": "error"})


def score_booklets(booklets: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """Score validated booklet answers with the item keys.

    Parameters
    ----------
    booklets
        Accepted booklet rows: one column per item (letters or scoring codes, blank or
        missing when not administered), other columns are ignored.
    items
        Item bank: ``item_id, type (MC|CR), max_score, key``.

    Returns
    -------
    DataFrame
        One int8 column per item, same index: ``0, 1, 2`` score, ``6`` not reached,
        ``7`` not administered, ``9`` omitted.

    Raises
    ------
    ValueError
        A code that is not valid for its item (validate the booklets first).

    Examples
    --------
    >>> items = pd.DataFrame({"item_id": ["R101", "R102"], "type": ["MC", "CR"],
    ...                       "max_score": [1, 2], "key": ["B", None]})
    >>> answers = pd.DataFrame({"R101": ["B", "A", "9", None], "R102": [20, 10, "96", None]})
    >>> score_booklets(answers, items).values.tolist()
    [[1, 2], [0, 1], [9, 6], [7, 7]]
    """
    out = {}
    for item in items.itertuples(index=False):
        if item.item_id not in booklets:
            raise KeyError(f"score_booklets: no column for item {item.item_id!r}")
        raw = _as_text(booklets[item.item_id])
        if item.type == "MC":
            mapping = {"A": 0, "B": 0, "C": 0, "D": 0, item.key: 1, "9": 9, "6": 6, "": 7}
        else:
            mapping = {**_CR_SCORE[int(item.max_score)], **_CR_MISSING_SCORED}
        scored = raw.map(mapping)
        if scored.isna().any():
            bad = raw[scored.isna()].unique()[:5].tolist()
            raise ValueError(
                f"score_booklets: item {item.item_id} has codes {bad} that are "
                "not valid for it; validate the booklets before scoring"
            )
        out[item.item_id] = scored.astype("int8")
    return pd.DataFrame(out, index=booklets.index)


def _as_text(column: pd.Series) -> pd.Series:
    """Codes as text: ``20``, ``20.0`` and ``"20"`` become ``"20"``; missing becomes ``""``."""
    numeric = pd.to_numeric(column, errors="coerce")
    text = column.astype("string").str.strip().fillna("")
    as_int = numeric.dropna()
    whole = as_int[as_int == np.floor(as_int)].astype("int64").astype("string")
    return text.where(~text.index.isin(whole.index), whole).astype(object)
