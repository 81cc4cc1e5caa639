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
# Stage 30 · weights: school, class and student base weights and non-response adjustments,
# TOTWGT, jackknife zones and JK2 replicate weights (`workbench.weights`); the check uses the
# estimation engine `workbench.survey.RepDesign`.

# %% tags=["parameters"]
cycle = "sabat6-demo"  # cycle id: parameters/<cycle>.yaml
lang = "en"  # report language: ky, ru or en
seed = 1  # the cycle's seed (this stage draws nothing)
suppress_below = 10  # public tables: cells with fewer students show no estimate
trim = None  # cap TOTWGT at this many times the stratum median (None: no trimming)
odd = "across"  # odd strata: "across" (pair leftovers across strata) or "split" (IEA)
replicates = 75  # JK2 replicate weights
strata = ["region", "locality"]  # the sample design's explicit strata (given by the cycle)

# %%
from IPython.display import display

import workbench as wb

cat = wb.open_catalog(cycle)
frame = cat.frame.read()
sample = cat.sample_schools.read()
school_tracking = cat.school_tracking.read()
weights = wb.weights.cycle_weights(
    sample,
    school_tracking,
    cat.class_tracking.read(),
    cat.student_tracking.read(),
    frame,
    listed=cat.sample_classes.read(),
    trim=trim,
    odd=odd,
    replicates=replicates,
)
students = wb.weights.with_region(weights.students, school_tracking)
wb.report.text("weights", "title", lang=lang)

# %%
display(wb.report.text("weights", "intro", lang=lang, replicates=replicates))
display(wb.report.headline("students_weighted", len(students), lang=lang))
display(wb.report.headline("weighted_population", students["TOTWGT"].sum(), lang=lang))
display(wb.report.headline("jk_zones_n", int(weights.zones["JKZONE"].max()), lang=lang))
wb.report.text(
    "weights", "class_counts", lang=lang, **wb.weights.class_count_sources(weights.classes)
)

# %%
wb.report.text("weights", "distribution", lang=lang)

# %%
display(wb.report.text("weights", "distribution_note", lang=lang))
wb.report.table(
    wb.weights.weight_summary(students, by="stratum"),
    lang=lang,
    digits={"cv": 2, "weighting_effect": 2},
)

# %%
wb.report.figure(
    wb.plots.weights.weight_histogram,
    students[["TOTWGT", "stratum"]],
    lang=lang,
    alt=wb.report.text("weights", "histogram", lang=lang),
)

# %%
wb.report.text("weights", "adjustments", lang=lang)

# %%
display(wb.report.text("weights", "adjustments_note", lang=lang))
wb.report.table(
    wb.weights.adjustment_summary(students),
    lang=lang,
    digits={"WGTADJ1": 3, "WGTADJ2": 3, "WGTADJ3": 3},
)

# %%
wb.report.text("weights", "totals", lang=lang)

# %%
display(wb.report.text("weights", "totals_note", lang=lang))
wb.report.table(
    wb.weights.totals_check(students, frame, frame_by=strata),
    lang=lang,
    digits={"ratio": 3},
)

# %%
wb.report.text("weights", "zones", lang=lang)

# %%
display(wb.report.text("weights", "zones_note", lang=lang))
wb.report.table(wb.weights.zone_units(weights.zones), lang=lang)

# %%
wb.report.text("weights", "check", lang=lang)

# %%
if strata:  # the first explicit stratum's shares against the frame's
    by_first = wb.weights.with_frame_column(students, sample, frame, strata[0])
    design = wb.survey.RepDesign(by_first, weight="TOTWGT", replicates="RWGT*", method="JK2")
    check = wb.weights.share_check(design.percent(strata[0]), frame, by=strata[0])
    display(wb.report.text("weights", "check_note", lang=lang, by=wb.report.term(strata[0])))
    display(
        wb.report.table(
            check,
            lang=lang,
            digits={"estimate": 1, "se": 2, "population": 1, "difference": 2, "z": 2},
        )
    )
else:
    display(wb.report.text("weights", "check_one_stratum", lang=lang))

# %%
wb.report.text("weights", "reconciliation", lang=lang)

# %%
reconciliation = wb.weights.reconcile_weights(
    cat.reconciliation.read(),
    weights,
    school_tracking,
    cat.class_tracking.read(),
    cat.student_tracking.read(),
    cat.scored_responses.read(),
)
display(wb.report.text("weights", "reconciliation_note", lang=lang))
display(
    wb.report.table(
        wb.fielddata.reconciliation_flow(reconciliation),
        lang=lang,
        prefixes={"level": "rc_", "step": "rc_"},
    )
)
wb.report.table(
    wb.weights.reconciliation_changes(reconciliation),
    lang=lang,
    prefixes={"level": "rc_", "step": "rc_", "change": "rc_", "reason": "rc_"},
)

# %%
wb.catalog.save(cycle, "weights_reconciliation", reconciliation)
wb.catalog.save(cycle, "weights", weights.students)
wb.catalog.save(cycle, "school_weights", weights.schools)
wb.catalog.save(cycle, "jk_zones", weights.zones)
