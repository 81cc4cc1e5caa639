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
# Stage T10 of a teacher-education cycle (kind: teacher_ed): the sector, the participating
# institutions (all, or the §7 pilot) and the survey delivery written to
# fieldwork/<cycle>/incoming/surveys/. Logic: workbench.indicators.cycle, workbench.synth.sector.

# %% tags=["parameters"]
cycle = "teacher-ed-pilot"  # cycle id: parameters/<cycle>.yaml
lang = "en"  # report language: ky, ru or en
seed = 20260401  # the cycle's seed: the synthetic sector follows from it
institutions = 80  # institutions in the synthetic sector
years = [2026]  # monitoring years; the last is the cycle's year
pilot_per_level = 2  # pilot: institutions per level (None: all institutions)
faults = True  # plant faults in the delivery (the intake must catch them)

# %%
from IPython.display import display

import workbench as wb
from workbench.indicators import cycle as tc
from workbench.indicators import report as tr

wb.report.text("teacher_ed", "t10_title", lang=lang)

# %%
wb.report.text("teacher_ed", "t10_intro", lang=lang)

# %%
summary = tc.prepare_sector(
    cycle,
    seed=seed,
    institutions=institutions,
    years=years,
    pilot_per_level=pilot_per_level,
    faults=faults,
)
display(wb.report.headline("institutions", int(summary["institutions"].sum()), lang=lang))
wb.report.table(summary, lang=lang)

# %%
wb.report.text("teacher_ed", "t10_pilot", lang=lang, per_level=pilot_per_level or "–")

# %%
wb.report.table(tr.shown(tc.load(cycle, "institutions")), lang=lang, verbatim=("name",))

# %%
wb.report.text("teacher_ed", "t10_delivery", lang=lang)

# %%
wb.report.table(tr.shown(tc.load(cycle, "delivery_faults")), lang=lang, codes=("file",))

# %%
wb.report.text("teacher_ed", "t10_feedback", lang=lang)

# %%
wb.report.table(tc.load(cycle, "feedback"), lang=lang, verbatim=("comment",))
