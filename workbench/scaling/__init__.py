"""Scaling (stage: scaling): latent regression, plausible values, the reporting scale,
benchmarks, trend linking and the analysis files.

The IRT engine it builds on (MML calibration, EAP/WLE person scores, item fit) lives in
:mod:`workbench.psychometrics.irt`: ``wb.psychometrics.calibrate`` and
``wb.psychometrics.person_scores(..., method="eap" | "wle")``.

Examples
--------
>>> import workbench.synth as synth
>>> from workbench.psychometrics import calibrate
>>> nation = synth.make_nation(seed=3, schools=60, items=12, blocks=2)
>>> cal = calibrate(nation.tables["responses"], items=nation.tables["items"]["item_id"],
...                 se=False)
>>> cal.converged
True
"""

from workbench.scaling.analysis_file import (
    GROUPS,
    MISSING_KINDS,
    clean_missing,
    codebook,
    cycle_labels,
    join_log,
    missing_code_rows,
    pv_step_rows,
    scaling_frame,
    school_results,
    student_background,
    student_results,
    teacher_results,
    unlabelled,
    value_labels,
    with_value_labels,
)
from workbench.scaling.conditioning import Conditioning, category_words, conditioning_variables
from workbench.scaling.cycle import CycleScaling, read_constants, scale_cycle
from workbench.scaling.groups import (
    direct_groups,
    first_group,
    mean_tables,
    other_groups,
    school_groups,
)
from workbench.scaling.levels import (
    LEVEL_DESCRIPTIONS,
    benchmark_cuts,
    benchmark_table,
    levels_table,
    national_change,
    proficiency_levels,
    trend_difference,
    trend_report,
)
from workbench.scaling.linking import Linking, link
from workbench.scaling.population import PopulationModel, latent_regression, plausible_values
from workbench.scaling.reporting import (
    PIRLS_BENCHMARKS,
    ScaleTransform,
    benchmark_levels,
    reporting_scale,
)

__all__ = [
    "PopulationModel",
    "latent_regression",
    "plausible_values",
    "ScaleTransform",
    "reporting_scale",
    "PIRLS_BENCHMARKS",
    "benchmark_levels",
    "Linking",
    "link",
    "Conditioning",
    "conditioning_variables",
    "category_words",
    "CycleScaling",
    "scale_cycle",
    "read_constants",
    "LEVEL_DESCRIPTIONS",
    "proficiency_levels",
    "benchmark_table",
    "levels_table",
    "national_change",
    "trend_difference",
    "trend_report",
    "benchmark_cuts",
    "MISSING_KINDS",
    "GROUPS",
    "clean_missing",
    "student_background",
    "scaling_frame",
    "student_results",
    "school_results",
    "teacher_results",
    "codebook",
    "cycle_labels",
    "unlabelled",
    "value_labels",
    "with_value_labels",
    "join_log",
    "school_groups",
    "direct_groups",
    "first_group",
    "other_groups",
    "mean_tables",
    "missing_code_rows",
    "pv_step_rows",
]
