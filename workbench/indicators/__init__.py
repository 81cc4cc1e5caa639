"""Institution monitoring: teacher-education institutions (concept 000), the second kind of cycle.

Modules: :mod:`.framework` (the indicator framework as validated data), :mod:`.surveys`
(survey intake through :mod:`workbench.fielddata`, scale validation through
:mod:`workbench.psychometrics`), :mod:`.compute` (indicators with SE/CI, response rates),
:mod:`.composite` (composite indices and their sensitivity analysis), :mod:`.compare`
(comparison with sector and peers, change, employment cohorts), :mod:`.params` (stage
parameters), :mod:`.cycle` (the stages, one call per notebook cell), :mod:`.report`
(figures and report tables). The synthetic sector is :mod:`workbench.synth.sector`.
"""

from workbench.indicators import compare, composite, compute, cycle, framework, params, surveys
from workbench.indicators.compare import (
    change_from_previous,
    compare_with_peers,
    employment_cohorts,
)
from workbench.indicators.composite import composite_index, sensitivity
from workbench.indicators.compute import compute_indicators, response_rates
from workbench.indicators.framework import Framework, FrameworkError, load_framework
from workbench.indicators.params import load_teacher_ed
from workbench.indicators.surveys import intake_surveys, scale_scores, validate_scales

__all__ = [
    "compare",
    "composite",
    "compute",
    "cycle",
    "framework",
    "params",
    "surveys",
    "Framework",
    "FrameworkError",
    "load_framework",
    "load_teacher_ed",
    "intake_surveys",
    "validate_scales",
    "scale_scores",
    "compute_indicators",
    "response_rates",
    "composite_index",
    "sensitivity",
    "compare_with_peers",
    "change_from_previous",
    "employment_cohorts",
]
