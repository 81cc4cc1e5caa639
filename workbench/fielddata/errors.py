"""Errors of the field-data stage (``workbench.fielddata``).

A :class:`FieldDataError` is raised for problems that concern a whole file (it cannot be
read, it is empty, a required column is missing, its Excel header is merged, ...).
Problems with single rows never raise: those rows are quarantined instead.
"""

from __future__ import annotations

__all__ = ["FieldDataError"]


class FieldDataError(ValueError):
    """A field-data file cannot be taken in as a whole.

    The message is one line and names the file (and the row and column where that means
    something), followed by what to do.

    Examples
    --------
    >>> err = FieldDataError("read_csv: file is empty (returns/school_17.csv); re-export it")
    >>> isinstance(err, ValueError)
    True
    """
