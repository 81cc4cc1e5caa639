# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown] tags=["notes"]
# Stage S50: the yearly monitoring plan (004 §7.3, §4.4) from the parameters, as a table and as
# printable pages in ky and ru (outputs/<cycle>/plan/plan_<lang>.html; workbench.monitoring.plan).

# %% tags=["parameters"]
cycle = "school-monitoring-demo"  # cycle id: parameters/<cycle>.yaml
lang = "ky"  # report language: ky, ru or en
seed = 20260901  # the cycle's seed (this stage draws nothing)
framework = "school_internal"  # directions of the plan
institution = ""  # the school the plan is for (empty: a blank line)
languages = ["ky", "ru"]  # printed plan's languages
activities = []  # the plan's lines (default: workbench.monitoring.params.DEFAULT_PLAN)

# %%
import workbench as wb
from workbench.monitoring import cycle as mc
from workbench.monitoring import tables as mt

wb.report.text("school_monitoring", "s50_title", lang=lang)

# %%
wb.report.text("school_monitoring", "s50_intro", lang=lang)

# %%
table = mc.plan_stage(
    cycle, framework=framework, institution=institution, languages=languages, activities=activities
)
wb.report.table(mt.plan_display(table), lang=lang, verbatim=("section",))
