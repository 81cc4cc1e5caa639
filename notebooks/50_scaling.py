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
# Stage 50 · scaling: MML calibration, population model on background dummies and principal
# components of the questionnaire, plausible values, the reporting scale, proficiency levels
# and (for a trend cycle) linking to the base cycle (`workbench.scaling`).

# %% tags=["parameters"]
cycle = "sabat6-demo"  # cycle id: parameters/<cycle>.yaml
lang = "en"  # report language: ky, ru or en
seed = 1  # the cycle's seed (plausible values are drawn from seed + 50)
n_pv = 5  # plausible values per student
cuts = [400, 475, 550, 625]  # cut scores of the proficiency levels
exclude_items = []  # items left out of scaling (besides the validity verdicts "drop")
model = "2PL"  # item model: 2PL, 3PL, 1PL or pirls
questionnaire = ["ASBG03", "LANGHOME", "ASBG04", "ASBR01A", "ASBR01B", "ASBR01C"]  # for PCA
components_share = 0.9  # principal components: share of questionnaire variance kept ...
max_components = 10  # ... but at most this many
base_cycle = None  # trend cycle: the base cycle's id (None: this cycle sets the scale)
linking = "stocking_lord"  # common-item linking: stocking_lord, mean_sigma, mean_mean
suppress_below = 10  # public tables: cells with fewer students show no estimate
groups = ["region", "locality", "language", "school_type", "ITSEX"]  # reporting groups

# %%
from IPython.display import display

import workbench as wb

wb.report.setup_plots()
cat = wb.open_catalog(cycle)
codebooks = wb.catalog.read_optional(cycle, "codebooks")  # the instruments' questionnaires
schemas = wb.fielddata.field_schemas(codebooks=codebooks)  # their codes and missing codes
words = wb.scaling.cycle_labels(codebooks, lang)  # their labels, in the language written
students = wb.scaling.student_background(
    cat.weights.read(),
    sample=cat.sample_schools.read(),
    frame=cat.frame.read(),
    classes=cat.class_tracking.read(),
    questionnaires={
        "student_questionnaire": cat.student_questionnaire.read(),
        "parent_questionnaire": cat.parent_questionnaire.read(),
    },
    scale_scores=wb.catalog.read_optional(cycle, "scale_scores"),
    schemas=schemas,
    groups=groups,
)
school_groups = wb.scaling.school_groups(groups)
first_group = wb.scaling.first_group(groups)  # the first table and the trend by
frame = wb.scaling.scaling_frame(cat.scored_responses.read(), students)
base = wb.open_catalog(base_cycle) if base_cycle else None
wb.report.text("scaling", "title", lang=lang)

# %%
conditioning = wb.scaling.conditioning_variables(
    frame,
    direct=wb.scaling.direct_groups(groups),
    background=questionnaire,
    share=components_share,
    max_components=max_components,
    id="IDSTUD",
)
scaled = wb.scaling.scale_cycle(
    frame,
    conditioning,
    items=cat.items.read(),
    seed=seed + 50,
    n_pv=n_pv,
    model=model,
    base=base.scale_constants.read() if base else None,
    method=linking,
    exclude=exclude_items,
    verdicts=wb.catalog.read_optional(cycle, "item_verdicts"),
)
results = wb.scaling.student_results(students, scaled.students, pvs=scaled.pvs)
design = wb.survey.RepDesign.iea(results, scale="reading", levels=cuts, n_pv=n_pv)
display(wb.report.text("scaling", "intro", lang=lang, model=model, n_pv=n_pv))
display(wb.report.headline("students_scaled", len(scaled.students), lang=lang))
display(wb.report.headline("items_scaled", len(scaled.items), lang=lang))
wb.report.headline("conditioning_n", len(conditioning.columns), lang=lang)

# %%
wb.report.text("scaling", "conditioning", lang=lang)

# %%
display(wb.report.text("scaling", "conditioning_note", lang=lang, explained=conditioning.explained))
wb.report.table(
    wb.scaling.category_words(
        conditioning.table()[["variable", "category", "source", "variance_share"]], words=words
    ),
    lang=lang,
    digits={"variance_share": 3},
    localized=("category",),
)

# %%
wb.report.text("scaling", "population", lang=lang)

# %%
display(wb.report.text("scaling", "population_note", lang=lang))
display(wb.report.headline("iterations", int(scaled.model.iterations), lang=lang))
display(wb.report.headline("converged", bool(scaled.model.converged), lang=lang))
wb.report.table(
    wb.scaling.category_words(
        conditioning.terms(scaled.coefficients()).drop(columns="term"), words=words
    ),
    lang=lang,
    digits={"estimate": 3, "points": 1},
    localized=("category",),
)

# %%
wb.report.text("scaling", "distributions", lang=lang)

# %%
display(wb.report.text("scaling", "distributions_note", lang=lang))
wb.report.table(
    design.std(["reading", "EAP", "WLE"])[["variable", "estimate", "se", "n"]],
    lang=lang,
    digits={"se": 2},
    suppress_below=suppress_below,
)

# %%
wb.report.figure(
    wb.plots.scaling.score_densities,
    scaled.students[[scaled.pvs[0], "EAP", "WLE"]],
    lang=lang,
    alt=wb.report.text("scaling", "histogram", lang=lang),
)

# %%
wb.report.text("scaling", "scale", lang=lang)

# %%
display(
    wb.report.text(
        "scaling", "scale_trend" if base_cycle else "scale_base", lang=lang, base_cycle=base_cycle
    )
)
wb.report.table(scaled.transform.table(), lang=lang, digits={"estimate": 4})

# %%
display(
    wb.report.headline(
        "national_mean", float(design.mean("reading")["estimate"].iloc[0]), lang=lang, digits=1
    )
)
wb.report.text("scaling", "levels", lang=lang)

# %%
levels = wb.scaling.benchmark_table(design, scale="reading")
display(wb.report.text("scaling", "levels_note", lang=lang))
display(
    wb.report.headline("at_or_above_low", float(levels["estimate"].iloc[1]), lang=lang, digits=1)
)
wb.report.table(
    wb.scaling.levels_table(levels),
    lang=lang,
    digits={"lower": 0, "upper": 0, "se": 2, "n": 0},
    suppress_below=suppress_below,
)

# %%
wb.report.text("scaling", "groups", lang=lang)

# %%
display(wb.report.text("scaling", "groups_note", lang=lang))
display(wb.report.text("scaling", "small_cells", lang=lang, suppress_below=suppress_below))
wb.report.table(
    design.mean("reading", by=first_group),
    lang=lang,
    digits={"se": 2},
    suppress_below=suppress_below,
)

# %%
wb.report.table(
    design.mean("reading", by="ITSEX"),
    lang=lang,
    digits={"se": 2},
    values={"ITSEX": "ITSEX"},
    suppress_below=suppress_below,
)

# %%
display(
    *wb.scaling.mean_tables(
        design,
        wb.scaling.other_groups(groups),
        variable="reading",
        lang=lang,
        suppress_below=suppress_below,
    )
)

# %%
wb.report.text("scaling", "linking", lang=lang)

# %%
display(
    wb.report.text(
        "scaling",
        "linking_trend" if base_cycle else "linking_base",
        lang=lang,
        base_cycle=base_cycle,
        method=wb.report.term(linking),
    )
)
wb.report.table(
    scaled.linking_table(),
    lang=lang,
    digits={"A": 4, "B": 4, "se_A": 4, "se_B": 4, "linking_error": 4, "linking_error_points": 2},
)

# %%
trend = wb.scaling.trend_report(
    design,
    wb.survey.RepDesign.iea(base.student_results.read(), scale="reading", levels=cuts, n_pv=n_pv)
    if base
    else None,
    variable="reading",
    linking_error=scaled.linking_error,
    by=first_group,
)
display(wb.report.text("scaling", "trend_table", lang=lang))
display(wb.report.headline("trend_change", wb.scaling.national_change(trend), lang=lang, digits=1))
wb.report.table(
    trend,
    lang=lang,
    digits={
        "se_base": 2,
        "se_current": 2,
        "se_sampling": 2,
        "linking_error": 2,
        "se": 2,
        "z": 2,
        "p_value": 3,
    },
)

# %%
wb.report.text("scaling", "analysis_file", lang=lang)

# %%
schools = wb.scaling.school_results(
    results,
    sample=cat.sample_schools.read(),
    frame=cat.frame.read(),
    questionnaire=cat.principal_questionnaire.read(),
    school_weights=cat.school_weights.read(),
    schema=schemas["principal_questionnaire"],
    groups=groups,
)
teachers = wb.scaling.teacher_results(
    cat.teacher_questionnaire.read(), students=results, schema=schemas["teacher_questionnaire"]
)
codebook = wb.scaling.codebook(
    {"student_results": results, "school_results": schools, "teacher_results": teachers},
    schemas=schemas,
    groups=school_groups,
    codebooks=codebooks,
    language=lang,
)
display(wb.report.text("scaling", "analysis_file_note", lang=lang))
wb.report.table(
    wb.scaling.join_log(
        weights=cat.weights.read(),
        scored=cat.scored_responses.read(),
        students=students,
        results=results,
        teachers=cat.teacher_questionnaire.read(),
        teacher_results=teachers,
    ),
    lang=lang,
    verbatim=(),
)

# %%
reconciliation = wb.fielddata.plausible_values_step(
    cat.weights_reconciliation.read(),
    weighted=cat.weights.read()["IDSTUD"],
    scored=cat.scored_responses.read()["IDSTUD"],
    scaled=scaled.students["IDSTUD"],
)
display(
    wb.report.table(
        wb.fielddata.reconciliation_flow(reconciliation),
        lang=lang,
        prefixes={"level": "rc_", "step": "rc_"},
    )
)
wb.report.table(
    wb.scaling.pv_step_rows(reconciliation),
    lang=lang,
    prefixes={"level": "rc_", "step": "rc_", "change": "rc_", "reason": "rc_"},
)

# %%
display(wb.report.text("scaling", "codebook_note", lang=lang))
wb.report.table(
    wb.scaling.missing_code_rows(codebook).drop(columns="n_not_reached"),
    lang=lang,
    verbatim=("variable", "missing_code"),
    prefixes={"meaning": "missing_kind_"},
)

# %%
wb.report.table(wb.scaling.unlabelled(codebook), lang=lang, caption="unlabelled_caption")

# %%
wb.catalog.save(cycle, "plausible_values", scaled.students)
wb.catalog.save(cycle, "scale_constants", scaled.constants())
wb.catalog.save(cycle, "proficiency_levels", wb.scaling.proficiency_levels(cuts))  # codes
wb.catalog.save(cycle, "student_results", results)
wb.catalog.save(cycle, "school_results", schools)
wb.catalog.save(cycle, "teacher_results", teachers)
wb.catalog.save(cycle, "codebook", codebook)
wb.catalog.save(cycle, "population_model", scaled.population_table())
wb.catalog.save(cycle, "linking", scaled.linking_table())
