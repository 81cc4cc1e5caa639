"""The stages of a ``school_monitoring`` cycle for the runner's registry of cycle kinds, as
:class:`workbench.stages.Stage` entries: notebook, parameter model, the tables each reads and
writes (``outputs/<cycle>/data/<name>.parquet``, or ``release/restricted/`` for
:data:`workbench.monitoring.cycle.RESTRICTED`), the project files it reads.

Examples
--------
>>> list(SCHOOL_MONITORING_STAGES)[:2], SCHOOL_MONITORING_STAGES["s30_analysis"].inputs
(['s10_district', 's20_indicators'], ('school_indicators', 'school_indicators_full', \
'schools', 'colleges'))
"""

from __future__ import annotations

from workbench.monitoring.cycle import TABLES
from workbench.monitoring.params import SCHOOL_STAGES
from workbench.stages import Stage

__all__ = ["SCHOOL_MONITORING_STAGES"]

_READS = {
    "s10_district": (),
    "s20_indicators": (
        "schools",
        "classes",
        "school_years",
        "colleges",
        "groups",
        "college_years",
        "school_cycle_info",
    ),
    "s30_analysis": ("school_indicators", "school_indicators_full", "schools", "colleges"),
    "s40_development": ("teachers", "courses", "schools", "school_cycle_info"),
    "s50_plan": ("school_cycle_info",),
}
#: files under inputs/<cycle>/ a stage reads (s10 with source: synthetic writes them first)
_FILES = {
    "s10_district": (
        "schools.csv",
        "classes.csv",
        "school_years.csv",
        "colleges.csv",
        "groups.csv",
        "college_years.csv",
        "teachers.csv",
        "courses.csv",
        "own.csv",
    ),
    "s20_indicators": ("own.csv", "variable_part.yaml"),
}
_PACKAGE = {
    "s20_indicators": ("workbench/frameworks",),
    "s30_analysis": ("workbench/frameworks",),
    "s50_plan": ("workbench/frameworks",),
}

#: stage name -> Stage, in running order
SCHOOL_MONITORING_STAGES: dict[str, Stage] = {
    name: Stage(
        name=name,
        notebook=notebook,
        params=model,
        inputs=_READS[name],
        outputs=tuple(TABLES[name]),
        package_inputs=_PACKAGE.get(name, ()),
        input_files=_FILES.get(name, ()),
    )
    for name, (notebook, model) in SCHOOL_STAGES.items()
}
