"""Figures of the stage reports, drawn in any report language.

Each function takes a (small) data frame and ``lang`` and returns a matplotlib ``Figure``;
notebooks show them with :func:`workbench.report.figure`, which keeps the data so the runner
draws the figure again in every report language with no kernel.
"""

from workbench.plots import (
    field_data,
    frame,
    results,
    sample_design,
    scaling,
    school_monitoring,
    validity,
    weights,
)

__all__ = [
    "field_data",
    "frame",
    "results",
    "sample_design",
    "scaling",
    "school_monitoring",
    "validity",
    "weights",
]
