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
# Stage T50: each institution against the sector and its peers, change from the previous
# year, graduate-employment cohorts at 6/12/18 months (workbench.indicators.compare).

# %% tags=["parameters"]
cycle = "teacher-ed-pilot"  # cycle id: parameters/<cycle>.yaml
lang = "en"  # report language: ky, ru or en
seed = 20260401  # the cycle's seed (this stage draws nothing)
peer = "level"  # peer groups: level or oblast
alpha = 0.05  # significance level

# %%
from IPython.display import display

import workbench as wb
from workbench.indicators import cycle as tc
from workbench.indicators import report as tr
from workbench.plots import teacher_ed

wb.report.setup_plots()
wb.report.text("teacher_ed", "t50_title", lang=lang)

# %%
wb.report.text("teacher_ed", "t50_intro", lang=lang)

# %%
results = tc.comparison_stage(cycle, peer=peer, alpha=alpha)
wb.report.text("teacher_ed", "t50_peers", lang=lang)

# %%
wb.report.table(tr.comparison_summary(results["comparison"]), lang=lang, verbatim=("indicator",))

# %%
wb.report.text("teacher_ed", "t50_change", lang=lang)

# %%
display(
    wb.report.text("teacher_ed", "t50_no_change", lang=lang)
    if results["change"].empty
    else wb.report.table(tr.change_summary(results["change"]), lang=lang, verbatim=("indicator",))
)

# %%
wb.report.text("teacher_ed", "t50_cohorts", lang=lang)

# %%
wb.report.table(tr.cohort_table(results["employment_cohorts"]), lang=lang)

# %%
wb.report.figure(
    teacher_ed.cohorts,
    results["employment_cohorts"],
    lang=lang,
    alt=wb.report.text("teacher_ed", "t50_cohorts_alt", lang=lang),
)
