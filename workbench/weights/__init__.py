"""Sampling weights and replicate weights for Sabat-6 (stage: weights, ``notebooks/30_weights``).

IEA three-stage weights (school, class, student base weights and non-response
adjustments, TOTWGT, SENWGT, HOUWGT), optional trimming, jackknife zones from the sample
order, JK2 replicate weights (75 half / 150 full) and PISA-style Fay BRR replicates.
Every function takes and returns tidy DataFrames and never modifies its input.
"""

from workbench.weights.adjust import SENATE_TOTAL, adjust_nonresponse, rescale_weights, trim_weights
from workbench.weights.cycle import (
    CycleWeights,
    cycle_weights,
    reconcile_weights,
    weighting_inputs,
)
from workbench.weights.replicates import brr_replicates, hadamard, jk2_replicates
from workbench.weights.stages import class_weights, final_weights, school_weights, student_weights
from workbench.weights.summaries import (
    adjustment_summary,
    class_count_sources,
    reconciliation_changes,
    share_check,
    totals_check,
    weight_summary,
    with_frame_column,
    with_region,
    zone_units,
)
from workbench.weights.zones import MAX_ZONES, assign_zones, jackknife_zones

__all__ = [
    "adjustment_summary",
    "share_check",
    "totals_check",
    "weight_summary",
    "with_region",
    "with_frame_column",
    "class_count_sources",
    "zone_units",
    "reconciliation_changes",
    "CycleWeights",
    "cycle_weights",
    "reconcile_weights",
    "weighting_inputs",
    "MAX_ZONES",
    "SENATE_TOTAL",
    "adjust_nonresponse",
    "assign_zones",
    "brr_replicates",
    "class_weights",
    "final_weights",
    "hadamard",
    "jackknife_zones",
    "jk2_replicates",
    "rescale_weights",
    "school_weights",
    "student_weights",
    "trim_weights",
]
