"""The stages of a ``teacher_ed`` cycle as :class:`workbench.stages.Stage` entries of the runner's
registry of cycle kinds (:data:`workbench.stages.KINDS`): notebook, parameter model, the tables
each reads and writes (``outputs/<cycle>/data/<name>.parquet``), the project files it reads.
The runner caches, resumes, locks and records them as it does Sabat-6 stages.

Examples
--------
>>> list(TEACHER_ED_STAGES)[:2], TEACHER_ED_STAGES["t40_composite"].inputs
(['t10_sector', 't20_surveys'], ('cycle_info', 'indicators', 'institutions'))
"""

from __future__ import annotations

from workbench.indicators.cycle import TABLES
from workbench.indicators.params import STAGE_MODELS
from workbench.stages import Stage

__all__ = ["TEACHER_ED_STAGES"]

_FRAMEWORK = ("workbench/frameworks",)
_READS = {
    "t10_sector": (),
    "t20_surveys": ("cycle_info", "institutions"),
    "t30_indicators": (
        "cycle_info",
        "scale_validation",
        "institutions",
        "programmes",
        "enrolment",
        "staff",
        "destinations",
        "invited",
        "scores_students",
        "scores_graduates",
        "scores_employers",
        "scores_staff",
    ),
    "t40_composite": ("cycle_info", "indicators", "institutions"),
    "t50_comparison": ("cycle_info", "indicators", "institutions", "destinations"),
}

#: stage name -> Stage, in running order
TEACHER_ED_STAGES: dict[str, Stage] = {
    name: Stage(
        name=name,
        notebook=notebook,
        params=model,
        inputs=_READS[name],
        outputs=tuple(TABLES[name]),
        fieldwork=name == "t20_surveys",
        package_inputs=() if name == "t10_sector" else _FRAMEWORK,
    )
    for name, (notebook, model) in STAGE_MODELS.items()
}
