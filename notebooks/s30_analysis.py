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
# Stage S30: dynamic analysis (change with its uncertainty) and comparative analysis (against
# the rest of the district and similar schools, never a league table);
# workbench.monitoring.analysis.

# %% tags=["parameters"]
cycle = "school-monitoring-demo"  # cycle id: parameters/<cycle>.yaml
lang = "ky"  # report language: ky, ru or en
seed = 20260901  # the cycle's seed (this stage draws nothing)
size_bands = [300, 800]  # students: small below the first, large from the second
similar_by = ["locality", "language", "size_band"]  # schools like it
min_similar = 3  # fewer similar schools: no comparison
margin = 5.0  # exact indicators: a difference counts beyond this many points
results = ["R1", "R3"]  # an improving school improved on all of these
level = 0.95  # confidence level

# %%
import workbench as wb
from workbench.monitoring import cycle as mc
from workbench.monitoring import tables as mt
from workbench.plots import school_monitoring as plots

wb.report.setup_plots()
wb.report.text("school_monitoring", "s30_title", lang=lang)

# %%
wb.report.text("school_monitoring", "s30_intro", lang=lang, ci=round(100 * level))

# %%
out = mc.analysis_stage(
    cycle,
    size_bands=size_bands,
    similar_by=similar_by,
    min_similar=min_similar,
    margin=margin,
    results=results,
    level=level,
)
year = mc.current_year(cycle)
school = mc.shown_unit(cycle, "improving_school")
wb.report.text("school_monitoring", "s30_improving", lang=lang)

# %%
wb.report.table(mt.improving_display(out["improving"]), lang=lang, verbatim=("mon_unit",))

# %%
wb.report.text("school_monitoring", "s30_counts", lang=lang)

# %%
wb.report.table(mt.assessment_counts(out["dynamic"], "school_internal"), lang=lang)

# %%
wb.report.text("school_monitoring", "s30_school", lang=lang, school=school)

# %%
wb.report.table(mt.changes_table(out["dynamic"], school), lang=lang, digits={"se_change": 2})

# %%
wb.report.text("school_monitoring", "s30_fig_dynamics", lang=lang, school=school)

# %%
wb.report.figure(
    plots.indicator_dynamics,
    mt.dynamics_data(
        mc.load(cycle, "school_indicators"), school=school, shown=results, level=level
    ),
    lang=lang,
    alt=wb.report.text(
        "school_monitoring",
        "s30_fig_dynamics_alt",
        lang=lang,
        school=school,
        indicators=wb.report.term(*mt.indicator_codes(results)),
        ci=round(100 * level),
    ),
    school=school,
)

# %%
wb.report.text("school_monitoring", "s30_compare", lang=lang, school=school, year=year)

# %%
wb.report.table(
    mt.school_comparison(out["comparison"], school), lang=lang, prefixes={"position": "pos_"}
)

# %%
wb.report.text("school_monitoring", "s30_fig_compare", lang=lang, year=year)

# %%
wb.report.figure(
    plots.schools_compared,
    mt.compared_data(out["comparison"], shown=results),
    lang=lang,
    alt=wb.report.text(
        "school_monitoring",
        "s30_fig_compare_alt",
        lang=lang,
        indicators=wb.report.term(*mt.indicator_codes(results)),
        ci=round(100 * level),
        margin=margin,
    ),
    margin=margin,
)

# %%
wb.report.text("school_monitoring", "s30_positions", lang=lang)

# %%
wb.report.table(mt.position_counts(out["comparison"], "school_internal"), lang=lang)

# %%
wb.report.text("school_monitoring", "s30_colleges", lang=lang)

# %%
wb.report.table(mt.position_counts(out["comparison"], "college_internal"), lang=lang)
