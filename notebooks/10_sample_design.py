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
# schools with replacements, the class listing forms, the design's evaluation by simulation,
# then the hand-off: class selection from the returned class lists (inputs/<cycle>/class_lists)
# and the student tracking forms. One stage that waits: while lists are missing it stops with
# one sentence naming the schools (the school sample and the forms are already saved).
# The logic is `workbench.sampling`; the words are `workbench/texts/sample_design.yaml`.

# %% tags=["parameters"]
cycle = "sabat6-demo"  # cycle id: parameters/<cycle>.yaml
lang = "en"  # report language: ky, ru or en
seed = 1  # the cycle's seed: school draw uses it, classes seed + 1, simulation seed + 2
suppress_below = 10  # public tables: cells with fewer students show no estimate
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
warn_minimum_share = 0.5  # warn when the minimum per stratum fixes more of the sample
class_lists = "class_lists"  # returned class lists: inputs/<cycle>/class_lists/

# %%
from IPython.display import display

import workbench as wb
from workbench.plots import sample_design as plots
from workbench.sampling import forms
from workbench.sampling import report_tables as tables

wb.report.setup_plots()
cat = wb.open_catalog(cycle)
frame = cat.frame.read()
# the design evaluation simulates a population: the synthetic nation's classes and students
# (its truth) when the cycle has them, else classes as planning assumes them from the frame
population_classes = tables.evaluation_classes(wb.catalog.read_optional(cycle, "classes"), frame)
students = wb.catalog.read_optional(cycle, "students")
where = forms.folders(cycle, class_lists)
design = dict(
    strata=strata,
    size="enrol_g6",
    sort_by=sort_by,
    allocation=allocation,
    minimum=minimum,
    small_mos=small_mos,
    small_rule=small_rule,
    exclusion_limit=exclusion_limit,
)
wb.report.text("sample_design", "title", lang=lang)

# %%
wb.report.text("sample_design", "intro", lang=lang)

# %%
wb.report.text("sample_design", "planning", lang=lang)

# %%
display(
    wb.report.text(
        "sample_design", "planning_note", lang=lang, n_schools=n_schools, n_eff=planning["n_eff"]
    )
)
plan = wb.sampling.planning_table(
    icc=planning["icc"],
    class_size=planning["class_size"],
    n_schools=n_schools,
    n_eff=planning["n_eff"],
)
wb.report.table(plan, lang=lang, digits={"icc": 2, "se": 2, "n_eff": 0})

# %%
wb.report.text("sample_design", "exclusions", lang=lang)

# %%
display(
    wb.report.text(
        "sample_design", "exclusions_note", lang=lang, small_mos=small_mos, limit=exclusion_limit
    )
)
exclusions = wb.sampling.school_exclusions(
    frame, size="enrol_g6", id="school_id", small_mos=small_mos, small_rule=small_rule
)
wb.report.table(tables.in_percent(exclusions, "share"), lang=lang, digits={"share": 2})

# %%
wb.report.text("sample_design", "allocation", lang=lang)

# %%
display(
    wb.report.text(
        "sample_design",
        "allocation_note",
        lang=lang,
        strata=wb.report.term(*strata),
        minimum=minimum,
        sort_by=wb.report.term(*sort_by),
    )
)
allocated = wb.sampling.allocate(
    frame, n_schools, strata=strata, size="enrol_g6", allocation=allocation, minimum=minimum
)
wb.report.table(
    tables.in_percent(allocated, "share").drop(columns="stratum"), lang=lang, digits={"mos": 0}
)

# %%
display(
    *wb.sampling.allocation_notes(
        wb.sampling.allocation_cost(allocated, minimum=minimum, replacements=replacements),
        share=warn_minimum_share,
        lang=lang,
    )
)

# %%
sample = forms.draw_school_sample(
    frame,
    dict(
        n_schools=n_schools,
        replacements=replacements,
        seed=seed,
        strata=strata,
        sort_by=sort_by,
        allocation=allocation,
        minimum=minimum,
        small_mos=small_mos,
        small_rule=small_rule,
        exclusion_limit=exclusion_limit,
    ),
)
counts = tables.sample_counts(sample)
wb.catalog.save(cycle, "sample_schools", sample)
wb.catalog.save(cycle, "sample_allocation", allocated)
listing_forms = forms.write_listing_forms(sample, where["listing"])
display(wb.report.headline("sampled_schools", counts["sampled"], lang=lang))
display(wb.report.headline("replacements", counts["replacements"], lang=lang))
wb.report.headline("certainty_schools", counts["certainty"], lang=lang)

# %%
wb.report.text("sample_design", "sample", lang=lang)

# %%
display(wb.report.text("sample_design", "sample_note", lang=lang))
wb.report.table(
    sample.head(12),
    lang=lang,
    digits={"probability": 3, "mos": 0},
    verbatim=("school_id", "sampled_school", "IDSCHOOL", "REPLACES"),
)

# %%
wb.report.text(
    "sample_design",
    "listing_forms",
    lang=lang,
    forms=len(listing_forms),
    folder=where["listing_shown"],
    lists=where["lists_shown"],
)

# %%
wb.report.text("sample_design", "evaluation", lang=lang)

# %%
population = wb.sampling.evaluation_population(
    frame, population_classes, students, icc=planning["icc"][1], seed=seed + 2
)
simulations = wb.sampling.simulate_design(
    frame,
    population,
    n=n_schools,
    reps=evaluation_reps,
    seed=seed + 2,
    n_classes=classes["per_school"],
    large_mos=classes["large_mos"],
    n_classes_large=classes["per_large_school"],
    **design,
)
evaluation = wb.sampling.summarize_simulations(simulations)
wb.catalog.save(cycle, "design_evaluation", evaluation)
display(wb.report.text("sample_design", "evaluation_note", lang=lang, reps=evaluation_reps))
display(wb.report.headline("coverage", evaluation["coverage"].iloc[0], lang=lang, digits=3))
accuracy, coverage = tables.evaluation_views(evaluation)  # two tables: each fits the page
display(wb.report.table(accuracy, lang=lang))
wb.report.table(
    coverage, lang=lang, digits={"coverage": 3, "coverage_mc_se": 3, "se_ratio": 2, "level": 2}
)

# %%
wb.report.figure(
    plots.estimate_histogram,
    tables.hajek_estimates(simulations),
    lang=lang,
    alt=wb.report.text("sample_design", "evaluation_figure", lang=lang),
)

# %%
wb.report.text("sample_design", "domains", lang=lang)

# %%
absent = tables.absent_columns(frame, ["region", "locality", "language"])
if absent:
    display(
        wb.report.text(
            "sample_design", "skipped_columns", lang=lang, columns=wb.report.term(*absent)
        )
    )
else:
    domain_quality = wb.sampling.evaluate_domains(
        frame,
        population_classes,
        wb.sampling.study_population(
            frame, population_classes, students, icc=planning["icc"][1], seed=seed + 3
        ),
        reps=domain_reps,
        seed=seed + 3,
        n_schools=n_schools,
        classes_per_school=classes["per_school"],
        large_mos=classes["large_mos"],
        classes_large=classes["per_large_school"],
        **design,
    )
    display(
        wb.report.text(
            "sample_design",
            "domains_note",
            lang=lang,
            reps=domain_reps,
            low=0.93,
            high=0.97,
            mc=tables.mc_se(domain_reps),
        )
    )
    display(wb.sampling.domain_summary(domain_quality, lang=lang))
    display(wb.report.table(wb.sampling.domain_report(domain_quality, lang=lang), lang=lang))

# %%
wb.report.text("sample_design", "classes", lang=lang)

# %%
listed = forms.read_class_lists(where["lists"], sample, shown=where["lists_shown"])
sampled_classes = forms.classes_from_lists(
    listed,
    sample,
    lists=where["lists_shown"],
    forms=where["listing_shown"],
    per_school=classes["per_school"],
    large_mos=classes["large_mos"],
    per_large_school=classes["per_large_school"],
    seed=seed + 1,
)
tracking_forms = forms.write_tracking_forms(
    sampled_classes, where["tracking"], instruments=where["instruments"]
)
wb.catalog.save(cycle, "sample_classes", sampled_classes)
display(wb.report.headline("sampled_classes", len(sampled_classes), lang=lang))
wb.report.headline("sampled_students", int(sampled_classes["enrol"].sum()), lang=lang)

# %%
wb.report.text(
    "sample_design",
    "class_lists_read",
    lang=lang,
    **forms.list_summary(listed),
    forms=len(tracking_forms),
    folder=where["tracking_shown"],
)

# %%
wb.report.table(
    wb.sampling.sample_summary(sample, sampled_classes, by=strata or ["role"]), lang=lang
)

# %%
figure_strata = tables.two_strata(strata)  # region x locality in the demo
if figure_strata:
    display(
        wb.report.figure(
            plots.coverage_bars,
            tables.coverage_shares(frame, sampled_classes, strata[0]),
            lang=lang,
            by=strata[0],
            alt=wb.report.text("sample_design", "coverage", lang=lang),
        )
    )
    display(
        wb.report.figure(
            plots.fraction_heatmap,
            wb.sampling.sampling_fraction(
                frame, sampled_classes, rows=strata[0], columns=strata[1]
            ),
            lang=lang,
            rows=strata[0],
            columns=strata[1],
            alt=wb.report.text("sample_design", "fraction", lang=lang),
        )
    )

# %%
display(
    wb.report.text(
        "sample_design",
        "classes_note",
        lang=lang,
        large_mos=classes["large_mos"],
        per_large=classes["per_large_school"],
    )
)
by_language = tables.language_composition(population_classes, sampled_classes)
if by_language is not None:
    display(wb.report.table(by_language, lang=lang, digits={"share": 1}))
