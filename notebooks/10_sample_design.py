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
# Stage 10 · sample design: planning, exclusions, allocation, PPS systematic selection of
# schools with replacements, class selection, and the design's evaluation by simulation.
# The logic is `workbench.sampling`; the words are `workbench/texts/sample_design.yaml`.

# %% tags=["parameters"]
cycle = "sabat6-demo"  # cycle id: parameters/<cycle>.yaml
lang = "en"  # report language: ky, ru or en
seed = 1  # the cycle's seed: school draw uses it, classes seed + 1, simulation seed + 2
n_schools = 200  # schools to sample
strata = ["region", "locality"]  # explicit strata (frame columns)
sort_by = ["language", "school_type", "enrol_g6"]  # implicit stratification, serpentine
allocation = "proportional"  # proportional (to enrolment) or equal
minimum = 2  # schools per explicit stratum at least
small_mos = 8  # very small schools: fewer grade-6 students than this
small_rule = "exclude"  # exclude them (within the limit) or put them in their own stratum
exclusion_limit = 0.05  # largest share of students excluded at school level
replacements = 2  # replacement schools per sampled school
classes = {"per_school": 1, "large_mos": 150, "per_large_school": 2}  # class sampling
planning = {"icc": [0.3, 0.4, 0.5], "class_size": [20, 25], "n_eff": 400}  # planning table
evaluation_reps = 1000  # simulated samples for the design evaluation
domain_reps = 200  # samples of the domain evaluation through the real chain (seed + 3)

# %%
import matplotlib.pyplot as plt
import seaborn as sns
from IPython.display import display

import workbench as wb

wb.report.setup_plots()
cat = wb.open_catalog(cycle)
frame = cat.frame.read()
class_list = cat.classes.read()
design = dict(strata=strata, size="enrol_g6", sort_by=sort_by, allocation=allocation,
              minimum=minimum, small_mos=small_mos, small_rule=small_rule,
              exclusion_limit=exclusion_limit)
wb.report.text("sample_design", "title", lang=lang)

# %%
wb.report.text("sample_design", "intro", lang=lang)

# %%
wb.report.text("sample_design", "planning", lang=lang)

# %%
display(wb.report.text("sample_design", "planning_note", lang=lang, n_schools=n_schools,
                       n_eff=planning["n_eff"]))
plan = wb.sampling.planning_table(icc=planning["icc"], class_size=planning["class_size"],
                                  n_schools=n_schools, n_eff=planning["n_eff"])
wb.report.table(plan, lang=lang, digits={"icc": 2, "se": 2, "n_eff": 0})

# %%
wb.report.text("sample_design", "exclusions", lang=lang)

# %%
display(wb.report.text("sample_design", "exclusions_note", lang=lang, small_mos=small_mos,
                       limit=exclusion_limit))
exclusions = wb.sampling.school_exclusions(frame, size="enrol_g6", id="school_id",
                                           small_mos=small_mos, small_rule=small_rule)
wb.report.table(exclusions.assign(share=100 * exclusions["share"]), lang=lang,
                digits={"share": 2})

# %%
wb.report.text("sample_design", "allocation", lang=lang)

# %%
display(wb.report.text("sample_design", "allocation_note", lang=lang,
                       strata=" × ".join(wb.labels.label(s, lang) for s in strata),
                       minimum=minimum, sort_by=", ".join(wb.labels.label(s, lang)
                                                          for s in sort_by)))
allocated = wb.sampling.allocate(frame, n_schools, strata=strata, size="enrol_g6",
                                 allocation=allocation, minimum=minimum)
wb.report.table(allocated.drop(columns="stratum").assign(share=100 * allocated["share"]),
                lang=lang, digits={"mos": 0})

# %%
sample = wb.sampling.school_ids(wb.sampling.select_schools(
    frame, n=n_schools, replacements=replacements, seed=seed, **design))
sampled = sample[sample["role"] == "sampled"]
sampled_classes = wb.sampling.select_classes(
    class_list, sampled, mos="mos", n_classes=classes["per_school"],
    large_mos=classes["large_mos"], n_classes_large=classes["per_large_school"], seed=seed + 1)
display(wb.report.headline("sampled_schools", len(sampled), lang=lang))
display(wb.report.headline("replacements", int((sample["role"] != "sampled").sum()), lang=lang))
display(wb.report.headline("certainty_schools", int(sampled["certainty"].sum()), lang=lang))
display(wb.report.headline("sampled_classes", len(sampled_classes), lang=lang))
wb.report.headline("sampled_students", int(sampled_classes["enrol"].sum()), lang=lang)

# %%
wb.report.text("sample_design", "sample", lang=lang)

# %%
display(wb.report.text("sample_design", "sample_note", lang=lang))
wb.report.table(sample.head(12), lang=lang, digits={"probability": 3, "mos": 0},
                verbatim=("school_id", "sampled_school", "stratum", "IDSCHOOL", "REPLACES"))

# %%
wb.report.table(wb.sampling.sample_summary(sample, sampled_classes, by=strata), lang=lang)

# %%
shares = wb.sampling.composition(
    frame, sampled_classes.merge(frame[["school_id", "region"]], on="school_id"), by="region",
    size="enrol_g6", sample_size="enrol")
shares = shares.assign(region=shares["region"].map(lambda code: wb.labels.label(code, lang)))
shares = shares.melt(id_vars="region", value_vars=["population", "sample"], var_name="source",
                     value_name="share")
shares["source"] = shares["source"].map(lambda key: wb.labels.label(key, lang))
ax = sns.barplot(data=shares, y="region", x="share", hue="source")
ax.set(xlabel=wb.labels.label("share_students", lang), ylabel=wb.labels.label("region", lang),
       title=wb.report.text("sample_design", "coverage", lang=lang).data)
ax.get_legend().set_title("")

# %%
grid = wb.sampling.sampling_fraction(frame, sampled_classes, rows="region", columns="locality")
grid = grid.assign(region=grid["region"].map(lambda code: wb.labels.label(code, lang)))
grid = grid.set_index("region").rename(columns=lambda code: wb.labels.label(code, lang))
ax = sns.heatmap(grid, annot=True, fmt=".1f", cmap="Blues", cbar_kws={"label": "%"})
ax.set(xlabel=wb.labels.label("locality", lang), ylabel=wb.labels.label("region", lang),
       title=wb.report.text("sample_design", "fraction", lang=lang).data)
plt.show()

# %%
wb.report.text("sample_design", "classes", lang=lang)

# %%
display(wb.report.text("sample_design", "classes_note", lang=lang,
                       large_mos=classes["large_mos"], per_large=classes["per_large_school"]))
by_language = wb.sampling.composition(class_list, sampled_classes, by="class_language",
                                      size="enrol", sample_size="enrol")
wb.report.table(by_language, lang=lang, digits={"share": 1})

# %%
wb.report.text("sample_design", "evaluation", lang=lang)

# %%
population = wb.sampling.evaluation_population(
    frame, class_list, wb.catalog.read_optional(cycle, "students"), icc=planning["icc"][1],
    seed=seed + 2)
simulations = wb.sampling.simulate_design(
    frame, population, n=n_schools, reps=evaluation_reps, seed=seed + 2,
    n_classes=classes["per_school"], large_mos=classes["large_mos"],
    n_classes_large=classes["per_large_school"], **design)
evaluation = wb.sampling.summarize_simulations(simulations)
display(wb.report.text("sample_design", "evaluation_note", lang=lang, reps=evaluation_reps))
display(wb.report.headline("coverage", evaluation["coverage"].iloc[0], lang=lang, digits=3))
wb.report.table(evaluation, lang=lang, digits={"coverage": 3, "coverage_mc_se": 3,
                                               "se_ratio": 2, "level": 2})

# %%
hajek = simulations[simulations["estimator"] == "hajek"]
ax = sns.histplot(hajek["estimate"], bins=40, color="#4c72b0")
ax.axvline(hajek["true_mean"].iloc[0], color="#c62828", lw=2)
ax.set(xlabel=wb.labels.label("estimate", lang), ylabel=wb.labels.label("reps", lang),
       title=wb.report.text("sample_design", "evaluation_figure", lang=lang).data)
plt.show()

# %%
wb.report.text("sample_design", "domains", lang=lang)

# %%
domain_quality = wb.sampling.evaluate_domains(
    frame, class_list, wb.sampling.study_population(
        frame, class_list, wb.catalog.read_optional(cycle, "students"), icc=planning["icc"][1],
        seed=seed + 3),
    reps=domain_reps, seed=seed + 3, n_schools=n_schools,
    classes_per_school=classes["per_school"], large_mos=classes["large_mos"],
    classes_large=classes["per_large_school"], **design)
display(wb.report.text("sample_design", "domains_note", lang=lang, reps=domain_reps,
                       low=0.93, high=0.97, mc=(0.95 * 0.05 / domain_reps) ** 0.5))
display(wb.sampling.domain_summary(domain_quality, lang=lang))
wb.report.table(wb.sampling.domain_report(domain_quality, lang=lang), lang=lang)

# %%
wb.catalog.save(cycle, "sample_schools", sample);
wb.catalog.save(cycle, "sample_classes", sampled_classes);
wb.catalog.save(cycle, "sample_allocation", allocated);
wb.catalog.save(cycle, "design_evaluation", evaluation);
