"""Sample design for Sabat-6: strata, allocation, PPS systematic selection of schools with
replacements, class selection, sample-size planning, design evaluation by simulation (of
the national mean, and of every reporting domain through the real chain) and design studies.

Serves the sample-design stage (``notebooks/10_sample_design.py``). Column names always come
from arguments (defaults follow the synthetic frame: ``school_id``, ``enrol_g6``, ...), so the
same code runs on any school register.
"""

from workbench.sampling.allocation import AllocationCost, allocation_cost, allocation_notes
from workbench.sampling.classes import select_classes
from workbench.sampling.design_study import (
    DesignStudy,
    Targets,
    design_study,
    design_study_verdict,
    frontier_figure,
    study_domain_views,
    study_population,
    study_report,
)
from workbench.sampling.domains import (
    domain_report,
    domain_summary,
    evaluate_domains,
    simulate_domains,
    summarize_domains,
)
from workbench.sampling.evaluation import (
    evaluate_design,
    simulate_design,
    summarize_simulations,
)
from workbench.sampling.ids import ROLE_CODES, school_ids
from workbench.sampling.planning import (
    design_effect,
    effective_sample_size,
    planned_se,
    planning_table,
    schools_needed,
    weighting_effect,
)
from workbench.sampling.probabilities import pps_probabilities
from workbench.sampling.schools import select_schools
from workbench.sampling.strata import SMALL_STRATUM, allocate, school_exclusions, serpentine_sort
from workbench.sampling.summaries import (
    composition,
    evaluation_population,
    sample_summary,
    sampling_fraction,
)

__all__ = [
    "AllocationCost",
    "allocation_cost",
    "allocation_notes",
    "DesignStudy",
    "Targets",
    "design_study",
    "design_study_verdict",
    "domain_report",
    "domain_summary",
    "evaluate_domains",
    "frontier_figure",
    "simulate_domains",
    "study_domain_views",
    "study_population",
    "study_report",
    "summarize_domains",
    "ROLE_CODES",
    "school_ids",
    "SMALL_STRATUM",
    "allocate",
    "composition",
    "evaluation_population",
    "sample_summary",
    "sampling_fraction",
    "design_effect",
    "effective_sample_size",
    "evaluate_design",
    "planned_se",
    "planning_table",
    "pps_probabilities",
    "school_exclusions",
    "schools_needed",
    "select_classes",
    "select_schools",
    "serpentine_sort",
    "simulate_design",
    "summarize_simulations",
    "weighting_effect",
]
