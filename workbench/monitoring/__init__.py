"""Internal quality monitoring of schools and colleges (regulations 002, 004) and teachers'
professional development (instruction 003): the third kind of cycle, ``school_monitoring``.

Modules: :mod:`.framework` (invariant and variable parts), :mod:`.rollup` (class -> school ->
district -> oblast -> nation, college -> oblast -> nation, traceable), :mod:`.analysis`
(dynamic and comparative analysis), :mod:`.registers` (teacher and course registers),
:mod:`.development` (the five-year rule, compliance, lists, schedule), :mod:`.plan` (the
yearly plan), :mod:`.params` (cycle file), :mod:`.cycle` (the stages), :mod:`.tables`
(report tables). The synthetic district set is :mod:`workbench.synth.district`.
"""

from workbench.monitoring import analysis, development, framework, plan, registers, rollup
from workbench.monitoring.framework import load_monitoring_framework, load_variable_part
from workbench.monitoring.params import load_school_monitoring

__all__ = [
    "analysis",
    "development",
    "framework",
    "plan",
    "registers",
    "rollup",
    "load_monitoring_framework",
    "load_variable_part",
    "load_school_monitoring",
]
