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
# Stage S10: the schools' and colleges' data and the teacher and course registers, read through
# the same doors as a real export (workbench.monitoring.registers); teachers pseudonymized.

# %% tags=["parameters"]
cycle = "school-monitoring-demo"  # cycle id: parameters/<cycle>.yaml
lang = "ky"  # report language: ky, ru or en
seed = 20260901  # the cycle's seed (the synthetic district set)
source = "synthetic"  # synthetic: draw the set into inputs/<cycle>/; files: read what is there
years = [2024, 2025, 2026]  # school years by the calendar year they end in
as_of = "2026-09-01"  # reference date of the five-year rule and the plan
schools_per_district = 6  # synthetic: schools per district
teacher_columns = {}  # teacher register: {file column: workbench name}
course_columns = {}  # course register: {file column: workbench name}

# %%
import workbench as wb
from workbench.monitoring import cycle as mc

wb.report.text("school_monitoring", "s10_title", lang=lang)

# %%
wb.report.text("school_monitoring", "s10_intro", lang=lang)

# %%
summary = mc.district_stage(
    cycle,
    seed=seed,
    source=source,
    years=years,
    as_of=as_of,
    schools_per_district=schools_per_district,
    teacher_columns=teacher_columns,
    course_columns=course_columns,
)
wb.report.table(summary.rename(columns={"level": "mon_level"}), lang=lang)

# %%
wb.report.headline("schools", mc.load(cycle, "schools")["school_id"].nunique(), lang=lang)

# %%
wb.report.text("school_monitoring", "s10_registers", lang=lang)

# %%
wb.report.text("school_monitoring", "s10_notes", lang=lang)

# %%
wb.report.table(mc.load(cycle, "register_notes"), lang=lang)

# %%
wb.report.text("school_monitoring", "s10_restricted", lang=lang)
