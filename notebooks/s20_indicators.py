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
# Stage S20: every indicator of the invariant parts (workbench/frameworks/school_internal.yaml,
# college_internal.yaml) at every level, each school's variable part apart, with traceability
# (workbench.monitoring.rollup). The tidy table outputs/<cycle>/data/school_indicators.parquet
# is what the results database loads.

# %% tags=["parameters"]
cycle = "school-monitoring-demo"  # cycle id: parameters/<cycle>.yaml
lang = "ky"  # report language: ky, ru or en
seed = 20260901  # the cycle's seed (this stage draws nothing)
school_framework = "school_internal"  # invariant part for schools
college_framework = "college_internal"  # invariant part for colleges
variable_parts = ["variable_part.yaml"]  # schools' own parts under inputs/<cycle>/
suppress_below = 5  # the cycle's threshold: fewer teachers, no teacher counts published

# %%
import workbench as wb
from workbench.monitoring import cycle as mc
from workbench.monitoring import tables as mt

wb.report.text("school_monitoring", "s20_title", lang=lang)

# %%
wb.report.text("school_monitoring", "s20_intro", lang=lang)

# %%
summary = mc.indicator_stage(
    cycle,
    school_framework=school_framework,
    college_framework=college_framework,
    variable_parts=variable_parts,
    suppress_below=suppress_below,
)
year = mc.current_year(cycle)
wb.report.headline("indicators", summary["indicators"].max(), lang=lang)

# %%
wb.report.text("school_monitoring", "s20_framework", lang=lang)

# %%
wb.report.table(mt.framework_table(mc.load(cycle, "framework_parts")), lang=lang)

# %%
wb.report.text("school_monitoring", "s20_levels", lang=lang)

# %%
wb.report.table(mt.summary_table(summary), lang=lang)

# %%
wb.report.text("school_monitoring", "s20_variable", lang=lang)

# %%
indicators = mc.load(cycle, "school_indicators")
wb.report.table(
    mt.variable_table(indicators),
    lang=lang,
    verbatim=("school_id",),
    digits={"se": 2, "numerator": 0, "denominator": 0},
)

# %%
wb.report.text("school_monitoring", "s20_districts", lang=lang, year=year)

# %%
wb.report.table(
    mt.level_table(indicators, framework=school_framework, level="district", year=year),
    lang=lang,
    digits={"se": 2},
)

# %%
wb.report.table(
    mt.level_table(indicators, framework=school_framework, level="nation", year=year),
    lang=lang,
    digits={"se": 2},
)

# %%
wb.report.text("school_monitoring", "s20_trace", lang=lang)

# %%
wb.report.table(
    mt.trace_table(
        indicators,
        indicator="R1",
        year=year,
        level="district",
        unit=mc.load(cycle, "schools")["district"].iloc[0],
    ),
    lang=lang,
    digits={"numerator": 0, "denominator": 0},
)

# %%
wb.report.text("school_monitoring", "s20_suppressed", lang=lang, min_n=suppress_below)

# %%
wb.report.table(mt.suppressed_counts(indicators), lang=lang)

# %%
wb.report.text("school_monitoring", "s20_colleges", lang=lang, year=year)

# %%
wb.report.table(
    mt.level_table(indicators, framework=college_framework, level="oblast", year=year),
    lang=lang,
    digits={"se": 2},
)
