"""Small cells in public tables (regulation: the cycle's ``suppress_below``).

A cell (a row of an estimate table) whose unweighted number of students is below the
cycle's threshold keeps its ``n`` but shows no estimate, no standard error and no interval,
and says why in a ``note`` column, in the report language. ``wb.report.table(...,
suppress_below=...)`` applies the rule to every table it shows that has an ``n`` column.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"region": ["talas", "chui"], "estimate": [488.0, 501.0],
...                   "se": [6.1, 3.0], "n": [9, 420]})
>>> suppress_small_cells(t, min_n=10)[["estimate", "n", "note"]].values.tolist()
[[nan, 9, 'n < 10: suppressed'], [501.0, 420, '']]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from workbench.labels import label

__all__ = ["STATISTICS", "hidden_with_complements", "suppress_small_cells"]

#: columns blanked in a suppressed cell (besides any ``estimate*``, ``se*``, ``ci_*``)
STATISTICS = (
    "estimate",
    "se",
    "ci_lower",
    "ci_upper",
    "p_value",
    "df",
    "t",
    "z",
    "se_sampling",
    "se_imputation",
    "sum_weights",
    "difference",
    "linking_error",
)


def suppress_small_cells(
    table: pd.DataFrame,
    *,
    min_n: int,
    n: str = "n",
    lang: str = "en",
    columns: Sequence[str] | None = None,
    note: str = "note",
) -> pd.DataFrame:
    """Blank the estimates of rows whose unweighted count ``n`` is below ``min_n``.

    Parameters
    ----------
    table
        A tidy estimate table (one row per cell) with an unweighted count column.
    min_n
        The cycle's ``suppress_below``: a row with ``n < min_n`` is suppressed, a row with
        ``n == min_n`` is shown. ``0`` suppresses nothing.
    n
        The count column (kept in suppressed rows: readers see why the cell is empty).
    lang
        Language of the note (``ky``, ``ru``, ``en``).
    columns
        Columns to blank (default: :data:`STATISTICS` and every column starting with
        ``estimate``, ``se_`` or ``ci_`` present in ``table``).
    note
        Name of the column saying why (``"n < 10: suppressed"``; empty when shown).

    Returns
    -------
    DataFrame
        A copy of ``table``; blanked cells are NaN; ``note`` added (or filled) last.

    Checked against
    ---------------
    The rule at its edge (n = min_n shown, n = min_n - 1 suppressed);
    ``tests/test_scaling_analysis.py::test_small_cells_are_suppressed_at_the_edge``.
    """
    if n not in table.columns:
        raise KeyError(
            f"suppress_small_cells: no count column {n!r} (columns: "
            f"{list(table.columns)}); pass n= the unweighted count column."
        )
    if not isinstance(min_n, (int, np.integer)) or isinstance(min_n, bool) or min_n < 0:
        raise ValueError(
            f"suppress_small_cells: min_n must be an integer >= 0 ({min_n!r} "
            "given); use the cycle's suppress_below."
        )
    if columns is None:
        columns = [
            c
            for c in table.columns
            if c != n and (c in STATISTICS or str(c).startswith(("estimate", "se_", "ci_")))
        ]
    absent = [c for c in columns if c not in table.columns]
    if absent:
        raise KeyError(
            f"suppress_small_cells: columns {absent} not in the table; pass existing columns."
        )
    out = table.copy()
    counts = pd.to_numeric(out[n], errors="coerce")
    # a table with nothing to blank (counts only) is not a cell table: no note either
    small = (counts < min_n).fillna(False).to_numpy(dtype=bool) & bool(len(columns))
    for column in columns:
        if small.any():
            out[column] = out[column].astype(float).where(~small)
    why = label("suppressed_small_cell", lang).format(min_n=min_n)
    previous = out[note].fillna("").astype(str) if note in out.columns else ""
    out[note] = np.where(small, why, previous)
    return out


def hidden_with_complements(
    table: pd.DataFrame, *, count: str, siblings: Sequence[str], min_n: int, caller: str
) -> pd.Series:
    """Why each row of a table of counts is hidden: ``small_cell`` when its ``count`` is
    below ``min_n`` (the cycle's ``suppress_below``); ``complementary`` for the sibling with
    the smallest ``count`` when a row is the only one hidden among its ``siblings`` (rows
    sharing those columns), so that the parent's total minus the shown rows never gives it
    back; empty when shown. ``caller`` names the function in the error for a bad ``min_n``.

    Examples
    --------
    >>> t = pd.DataFrame({"parent": ["d", "d", "d", "e"], "teachers": [4, 30, 20, 3]})
    >>> hidden_with_complements(t, count="teachers", siblings=["parent"], min_n=5,
    ...                         caller="example").tolist()
    ['small_cell', '', 'complementary', 'small_cell']
    """
    if isinstance(min_n, bool) or not isinstance(min_n, (int, np.integer)) or min_n < 0:
        raise ValueError(
            f"{caller}: min_n must be an integer >= 0 ({min_n!r} given); "
            "use the cycle's suppress_below"
        )
    why = pd.Series("", index=table.index, dtype=object)
    why[table[count] < min_n] = "small_cell"
    for _, rows in table.groupby(list(siblings), sort=False):
        hidden = why[rows.index] != ""
        if hidden.sum() == 1 and len(rows) > 1:
            why[rows.loc[~hidden.to_numpy(), count].idxmin()] = "complementary"
    return why
