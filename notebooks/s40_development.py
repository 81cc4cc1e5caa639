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
# Stage S40: teachers' professional development (instruction 003): last course, due date,
# compliance with the five-year rule by school, district and oblast, lists for the methodical
# unions (pseudonyms) and a proposed schedule (workbench.monitoring.development).

# %% tags=["parameters"]
cycle = "school-monitoring-demo"  # cycle id: parameters/<cycle>.yaml
lang = "ky"  # report language: ky, ru or en
seed = 20260901  # the cycle's seed (this stage draws nothing)
years = 5  # a course at least once every so many years (003 §13)
soon_months = 12  # due within this many months: due soon
course_months = [9, 10, 11, 1, 2, 3, 4, 5]  # months with courses
capacity_per_month = 40  # course places a month (all schools)
per_school_month = 3  # teachers a school can release a month
suppress_below = 5  # the cycle's threshold: fewer teachers, no counts published

# %%
import workbench as wb
from workbench.monitoring import cycle as mc
from workbench.monitoring import tables as mt

wb.report.text("school_monitoring", "s40_title", lang=lang)

# %%
wb.report.text("school_monitoring", "s40_intro", lang=lang, as_of=mc.reference_date(cycle))

# %%
out = mc.development_stage(
    cycle,
    years=years,
    soon_months=soon_months,
    course_months=course_months,
    capacity_per_month=capacity_per_month,
    per_school_month=per_school_month,
    suppress_below=suppress_below,
)
compliance = out["pd_compliance"]
wb.report.headline("teachers", len(out["pd_status"]), lang=lang)

# %%
wb.report.text("school_monitoring", "s40_compliance", lang=lang)

# %%
wb.report.table(mt.compliance_table(compliance, schools=False), lang=lang)

# %%
wb.report.text("school_monitoring", "s40_schools", lang=lang)

# %%
wb.report.table(mt.compliance_table(compliance, schools=True), lang=lang, verbatim=("school_id",))

# %%
wb.report.text("school_monitoring", "s40_suppressed", lang=lang, min_n=suppress_below)

# %%
school = mc.shown_unit(cycle, "noncompliant_school")
wb.report.text("school_monitoring", "s40_lists", lang=lang, school=school)

# %%
wb.report.table(
    mt.published_rows(out["pd_lists"], compliance, school),
    lang=lang,
    verbatim=("school_id", "teacher", "due"),
)

# %%
wb.report.text("school_monitoring", "s40_restricted", lang=lang)

# %%
wb.report.text(
    "school_monitoring",
    "s40_schedule",
    lang=lang,
    capacity=capacity_per_month,
    per_school=per_school_month,
)

# %%
wb.report.table(mt.schedule_by_month(out["pd_schedule"]), lang=lang)

# %%
wb.report.text("school_monitoring", "s40_schedule_schools", lang=lang)

# %%
wb.report.table(mt.schedule_schools(out["pd_schedule_schools"]), lang=lang, verbatim=("school_id",))
