"""Scoring of missing-response codes for the item-review and scaling stages (IEA convention)."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["score_missing", "score_responses", "missing_rates", "CR_SCHEME", "RAW_MISSING"]


def score_missing(
    codes: pd.DataFrame,
    *,
    omitted: int = 9,
    not_reached: int = 6,
    not_administered: int = 7,
    not_reached_as: str = "not administered",
) -> pd.DataFrame:
    """Turn response codes into scores: omitted -> 0, not administered -> NaN.

    Parameters
    ----------
    codes
        Wide response codes, one column per item: scores 0, 1, 2 and the missing codes.
    omitted, not_reached, not_administered
        The codes used (IEA: 9, 6, 7). Omitted answers score 0.
    not_reached_as
        ``"not administered"`` (NaN: the PIRLS convention for item statistics and item
        calibration) or ``"incorrect"`` (0: the convention for scoring students).

    Returns
    -------
    DataFrame
        Same shape, index and columns; float scores with NaN for not administered.

    Raises
    ------
    ValueError
        An unknown ``not_reached_as``, or codes that are neither scores nor missing codes.

    Notes
    -----
    Checked against the synthetic nation's codes in ``tests/test_psychometrics.py``.

    Examples
    --------
    >>> import pandas as pd
    >>> score_missing(pd.DataFrame({"R101": [1, 9, 6, 7, 2]}))["R101"].tolist()
    [1.0, 0.0, nan, nan, 2.0]
    """
    if not_reached_as not in ("not administered", "incorrect"):
        raise ValueError(
            f"score_missing: unknown not_reached_as ({not_reached_as!r}); "
            "use 'not administered' or 'incorrect'"
        )
    if not isinstance(codes, pd.DataFrame):
        raise TypeError(
            f"score_missing: codes must be a DataFrame (got "
            f"{type(codes).__name__}); pass one column per item"
        )
    x = codes.to_numpy(dtype=float, na_value=np.nan)
    special = {omitted, not_reached, not_administered}
    valid = (
        np.isnan(x)
        | np.isin(x, list(special))
        | ((x >= 0) & (x < min(special)) & (x == np.round(x)))
    )
    if not valid.all():
        bad = sorted(set(x[~valid].tolist()))[:5]
        raise ValueError(
            f"score_missing: codes {bad} are neither scores nor missing codes "
            f"(omitted={omitted}, not_reached={not_reached}, "
            f"not_administered={not_administered}); recode them first"
        )
    reached = np.nan if not_reached_as == "not administered" else 0.0
    out = np.where(x == omitted, 0.0, x)
    out = np.where(x == not_reached, reached, out)
    out = np.where(x == not_administered, np.nan, out)
    return pd.DataFrame(out, index=codes.index, columns=codes.columns)


#: IEA booklet codes (``workbench/fielddata/schemas/README.md``): credit of each CR code
CR_SCHEME = {1: {"10": 1, "70": 0, "79": 0}, 2: {"20": 2, "10": 1, "70": 0, "79": 0}}
#: missing-response codes of raw booklets: MC ``9``/``6``, CR ``99``/``96``; blank = not given
RAW_MISSING = {"9": "omitted", "99": "omitted", "6": "not reached", "96": "not reached"}
_RULES = ("incorrect", "not administered")


def score_responses(
    raw: pd.DataFrame,
    items: pd.DataFrame,
    *,
    omitted: str = "incorrect",
    not_reached: str = "not administered",
    scheme: dict | None = None,
) -> pd.DataFrame:
    """Score raw booklet answers with the answer keys and the coding scheme.

    Parameters
    ----------
    raw
        One column per item: multiple-choice letters, constructed-response codes (``10``,
        ``20``, ``70``, ``79``), missing codes (``9``/``99`` omitted, ``6``/``96`` not reached)
        and blanks (not administered). Other columns are ignored.
    items
        Item table with ``item_id, type`` (``MC``/``CR``), ``max_score`` and ``key``.
    omitted, not_reached
        The scoring rule: ``"incorrect"`` (score 0) or ``"not administered"`` (NaN). IEA:
        omitted incorrect always; not reached not administered for item statistics and
        calibration, incorrect for scoring students.
    scheme
        ``{max_score: {code: score}}`` for CR items (default :data:`CR_SCHEME`).

    Returns
    -------
    DataFrame
        One float column per item of ``items`` (same row index as ``raw``); NaN where the
        rule makes a response not administered.

    Raises
    ------
    KeyError, ValueError
        Items missing from ``raw``, an unknown rule, codes outside the scheme.

    Notes
    -----
    Checked against :func:`workbench.fielddata.score_booklets` on the demo booklets
    (``tests/test_psychometrics_validity.py``).

    Examples
    --------
    >>> import pandas as pd
    >>> items = pd.DataFrame({"item_id": ["q1", "q2"], "type": ["MC", "CR"],
    ...                       "max_score": [1, 2], "key": ["B", None]})
    >>> raw = pd.DataFrame({"q1": ["B", "A", "9", None], "q2": ["20", "10", "96", "99"]})
    >>> score_responses(raw, items).to_dict("list")
    {'q1': [1.0, 0.0, 0.0, nan], 'q2': [2.0, 1.0, nan, 0.0]}
    """
    for name, rule in (("omitted", omitted), ("not_reached", not_reached)):
        if rule not in _RULES:
            raise ValueError(
                f"score_responses: unknown {name} rule ({rule!r}); use "
                "'incorrect' or 'not administered'"
            )
    absent = [i for i in items["item_id"] if i not in raw.columns]
    if absent:
        raise KeyError(
            f"score_responses: items {absent[:5]} are not columns of raw; pass the "
            "booklet table of the same item bank"
        )
    scheme = scheme or CR_SCHEME
    missing_score = {
        "omitted": 0.0 if omitted == "incorrect" else np.nan,
        "not reached": 0.0 if not_reached == "incorrect" else np.nan,
    }
    out = {}
    for item in items.itertuples(index=False):
        codes = raw[item.item_id].map(_code_text)
        if item.type == "MC":
            table = {letter: float(letter == item.key) for letter in "ABCDEFGH"}
        else:
            table = {k: float(v) for k, v in scheme[int(item.max_score)].items()}
        table.update({k: missing_score[v] for k, v in RAW_MISSING.items()})
        table[""] = np.nan
        unknown = sorted(set(codes) - set(table))
        if unknown:
            raise ValueError(
                f"score_responses: item {item.item_id!r} has codes {unknown[:5]} "
                f"outside its scheme ({sorted(table)}); correct the booklets"
            )
        out[item.item_id] = codes.map(table).astype(float)
    return pd.DataFrame(out, index=raw.index)


def missing_rates(
    codes: pd.DataFrame, *, omitted: int = 9, not_reached: int = 6, not_administered: int = 7
) -> pd.DataFrame:
    """Omit and not-reached rates per item, among the students the item was administered to.

    Parameters
    ----------
    codes
        Scored codes, one column per item (``0, 1, 2`` and the missing codes; NaN counts as
        not administered).
    omitted, not_reached, not_administered
        The codes (IEA: 9, 6, 7).

    Returns
    -------
    DataFrame
        ``item_id, n_administered, omitted, not_reached`` (shares 0-1).

    Notes
    -----
    Invariant checked in ``tests/test_psychometrics_validity.py`` (shares add up with the
    answered share).

    Examples
    --------
    >>> import pandas as pd
    >>> missing_rates(pd.DataFrame({"q": [1, 9, 6, 7]})).round(3).to_dict("list")
    {'item_id': ['q'], 'n_administered': [3], 'omitted': [0.333], 'not_reached': [0.333]}
    """
    x = codes.to_numpy(dtype=float, na_value=np.nan)
    given = ~np.isnan(x) & (x != not_administered)
    n = given.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.DataFrame(
            {
                "item_id": [str(c) for c in codes.columns],
                "n_administered": n,
                "omitted": (x == omitted).sum(axis=0) / n,
                "not_reached": (x == not_reached).sum(axis=0) / n,
            }
        )


def _code_text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value == int(value):
        value = int(value)
    return str(value).strip()
