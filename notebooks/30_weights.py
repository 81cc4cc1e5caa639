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
trim = None  # cap TOTWGT at this many times the stratum median (None: no trimming)
odd = "across"  # odd strata: "across" (pair leftovers across strata) or "split" (IEA)
replicates = 75  # JK2 replicate weights

# %%
import seaborn as sns
from IPython.display import display

import workbench as wb

wb.report.setup_plots()
cat = wb.open_catalog(cycle)
frame = cat.frame.read()
school_tracking = cat.school_tracking.read()
weights = wb.weights.cycle_weights(cat.sample_schools.read(), school_tracking,
                                   cat.class_tracking.read(), cat.student_tracking.read(),
                                   frame, trim=trim, odd=odd, replicates=replicates)
students = weights.students.merge(school_tracking[["IDSCHOOL", "REGION"]], on="IDSCHOOL")
wb.report.text("weights", "title", lang=lang)

# %%
display(wb.report.text("weights", "intro", lang=lang, replicates=replicates))
display(wb.report.headline("students_weighted", len(students), lang=lang))
display(wb.report.headline("weighted_population", students["TOTWGT"].sum(), lang=lang))
wb.report.headline("jk_zones_n", int(weights.zones["JKZONE"].max()), lang=lang)

# %%
wb.report.text("weights", "distribution", lang=lang)

# %%
display(wb.report.text("weights", "distribution_note", lang=lang))
wb.report.table(wb.weights.weight_summary(students, by="stratum"), lang=lang,
                verbatim=("stratum",), digits={"cv": 2, "weighting_effect": 2})

# %%
shown = students.assign(locality=students["stratum"].str.split("/").str[1].map(
    lambda code: wb.labels.label(code, lang)))
ax = sns.histplot(data=shown, x="TOTWGT", hue="locality", bins=50, log_scale=True,
                  element="step")
ax.set(xlabel=wb.labels.label("TOTWGT", lang), ylabel=wb.labels.label("students", lang),
       title=wb.report.text("weights", "histogram", lang=lang).data)
ax.get_legend().set_title(wb.labels.label("locality", lang))

# %%
wb.report.text("weights", "adjustments", lang=lang)

# %%
display(wb.report.text("weights", "adjustments_note", lang=lang))
wb.report.table(wb.weights.adjustment_summary(students), lang=lang, verbatim=("stratum",),
                digits={"WGTADJ1": 3, "WGTADJ2": 3, "WGTADJ3": 3})

# %%
wb.report.text("weights", "totals", lang=lang)

# %%
display(wb.report.text("weights", "totals_note", lang=lang))
wb.report.table(wb.weights.totals_check(students, frame, frame_by=["region", "locality"]),
                lang=lang, verbatim=("stratum",), digits={"ratio": 3})

# %%
wb.report.text("weights", "zones", lang=lang)

# %%
display(wb.report.text("weights", "zones_note", lang=lang))
wb.report.table(weights.zones["jk_unit"].value_counts().rename_axis("jk_unit").rename(
    "schools").reset_index(), lang=lang)

# %%
wb.report.text("weights", "check", lang=lang)

# %%
design = wb.survey.RepDesign(students, weight="TOTWGT", replicates="RWGT*", method="JK2")
check = wb.weights.share_check(design.percent("REGION"), frame, by="region")
display(wb.report.text("weights", "check_note", lang=lang))
wb.report.table(check, lang=lang, digits={"estimate": 1, "se": 2, "population": 1,
                                          "difference": 2, "z": 2})

# %%
wb.report.text("weights", "reconciliation", lang=lang)

# %%
reconciliation = wb.weights.reconcile_weights(
    cat.reconciliation.read(), weights, school_tracking, cat.class_tracking.read(),
    cat.student_tracking.read(), cat.scored_responses.read())
display(wb.report.text("weights", "reconciliation_note", lang=lang))
display(wb.report.table(wb.fielddata.reconciliation_table(
    wb.fielddata.reconciliation_flow(reconciliation), lang=lang), lang=lang,
    verbatim=("level", "step")))
wb.report.table(wb.fielddata.reconciliation_table(
    reconciliation[reconciliation["change"] != "kept"], lang=lang), lang=lang,
    verbatim=("level", "step", "change", "reason"))

# %%
wb.catalog.save(cycle, "weights_reconciliation", reconciliation)
wb.catalog.save(cycle, "weights", weights.students)
wb.catalog.save(cycle, "school_weights", weights.schools)
wb.catalog.save(cycle, "jk_zones", weights.zones);
