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
# Stage 60 · results: the IEA-style exhibits from the student analysis file
# (`workbench.results`): distribution, benchmarks, gaps, context, trend, international
# context, the reporting rules and the Excel workbook.

# %% tags=["parameters"]
cycle = "sabat6-demo"  # cycle id: parameters/<cycle>.yaml
lang = "en"  # report language: ky, ru or en
seed = 1  # the cycle's seed (not used: no random draws here)
suppress_below = 10  # public tables: cells with fewer students show no estimate
groups = ["region", "locality", "language", "school_type", "ITSEX"]  # reporting groups
percentiles = [5, 25, 50, 75, 95]  # percentiles of the distribution exhibit
background = [
    "ASBG04",
    "LANGHOME",
    "ASBH02",
    "ACBG07",
    "ACBG08",
    "ATBG04",
    "ASBGSLR",
    "ASBGHRL",
]  # background variables shown by category
indicators = {
    "ITSEX": "2",
    "locality": "rural",
    "language": "ky",
    "school_type": "general",
}  # 0/1 indicators against these references
regression = ["ITSEX", "locality", "language", "school_type", "ASBG04"]  # model predictors
adjust = "holm"  # multiple-comparison adjustment beside the IEA unadjusted rule
max_se = 10.0  # flag score estimates with a larger SE (points)
max_cv = 0.3  # flag percentages with a larger coefficient of variation
answered = 85.0  # IEA share (%) of students who must have answered a background variable
base_cycle = None  # trend: the base cycle (None: no trend)
pirls_file = None  # PIRLS 2021 table (None: ../shared/reference/pirls2021_reading.csv)
pirls_countries = []  # PIRLS participants shown (empty: all)
neighbours = [
    "Kazakhstan",
    "Uzbekistan",
    "Russian Federation",
    "Georgia",
    "Azerbaijan",
    "Turkey",
]  # highlighted participants
linked_to_pirls = False  # is the cycle's scale linked to PIRLS?
country = "Kyrgyzstan (Sabat-6)"  # name of this cycle's row in the international panel

# %%
from IPython.display import display

import workbench as wb

wb.report.setup_plots()
cat = wb.open_catalog(cycle)
codebook = cat.codebook.read()
frame, joins = wb.results.analysis_frame(
    cat.student_results.read(),
    schools=cat.school_results.read(),
    teachers=cat.teacher_results.read(),
    background=background,
    indicators=indicators,
)
cuts = cat.proficiency_levels.read()["lower"].dropna().tolist()
design = wb.survey.RepDesign.iea(frame, scale="reading", levels=cuts)
base = (
    wb.survey.RepDesign.iea(
        wb.open_catalog(base_cycle).student_results.read(), scale="reading", levels=cuts
    )
    if base_cycle
    else None
)
linking_error = float(cat.linking.read()["linking_error_points"].sum()) if base_cycle else 0.0
rules = wb.results.Rules(
    suppress_below=suppress_below, max_se=max_se, max_cv=max_cv, answered=answered
)
pirls, pirls_reason = wb.results.read_pirls(pirls_file)
wb.report.text("results", "title", lang=lang)

# %%
wb.report.text(
    "results",
    "intro",
    lang=lang,
    n=len(frame),
    schools=frame["IDSCHOOL"].nunique(),
    replicates=len(design.replicates),
    n_pv=len(design.pvs["reading"]),
)

# %%
wb.report.table(joins, lang=lang, verbatim=("key",))

# %%
plan = wb.results.layout(groups)  # the groups of each exhibit (areas, gap columns)
published = wb.results.publish(
    cycle,
    {
        "results_distribution": wb.results.distribution(
            design, groups=groups, percentiles=percentiles
        ),
        "results_benchmarks": wb.results.benchmarks(design, groups=groups),
        "results_gaps": wb.results.gaps(design, locality=plan.locality, language=plan.language),
        "results_regions": wb.results.region_vs_national(design, by=plan.area, adjust=adjust),
        "results_region_pairs": wb.results.region_pairs(design, by=plan.area, adjust=adjust),
        "results_context": wb.results.context_means(design, background),
        "results_regression": wb.results.regression(design, regression),
        "results_variance": wb.results.variance_split(design, regression),
        "results_trend": wb.results.trend(design, base, linking_error=linking_error, groups=groups),
        "results_international": wb.results.international(
            pirls,
            design,
            country=country,
            countries=pirls_countries or None,
            neighbours=neighbours,
            linked=linked_to_pirls,
        ),
    },
    rules,
    lang=lang,
    source=f"student_results of {cycle} (stage scaling); workbench.results",
    codebook=codebook,
)
mean = published["results_distribution"].iloc[0]
display(wb.report.headline("results_mean", float(mean["estimate"]), lang=lang, digits=1))
display(
    wb.report.headline(
        "results_low",
        float(published["results_benchmarks"]["estimate"].iloc[0]),
        lang=lang,
        digits=1,
    )
)
wb.report.headline(
    "results_gender_gap", float(published["results_gaps"]["estimate"].iloc[0]), lang=lang, digits=1
)

# %%
wb.report.text("results", "distribution", lang=lang)

# %%
display(wb.report.text("results", "distribution_note", lang=lang))
centre, spread = wb.results.distribution_views(published["results_distribution"])
display(wb.report.table(centre, lang=lang, localized=("label",)))
wb.report.table(spread, lang=lang, localized=("label",))

# %%
wb.report.figure(
    wb.plots.results.distribution_figure,
    published["results_distribution"],
    lang=lang,
    group_var=plan.area,
)

# %%
wb.report.figure(
    wb.plots.results.distribution_figure,
    published["results_distribution"],
    lang=lang,
    group_var=list(plan.others),
)

# %%
wb.report.text("results", "benchmarks", lang=lang)

# %%
display(wb.report.text("results", "benchmarks_note", lang=lang))
wb.report.table(
    wb.results.wide(
        published["results_benchmarks"],
        column="benchmark",
        where={"measure": "at_or_above"},
        prefix="at_or_above_",
        keep=["n"],
    ),
    lang=lang,
    localized=("label",),
)

# %%
wb.report.table(
    wb.results.wide(
        published["results_benchmarks"], column="benchmark", where={"measure": "within"}
    ),
    lang=lang,
    localized=("label",),
)

# %%
wb.report.figure(
    wb.plots.results.benchmarks_figure,
    published["results_benchmarks"],
    lang=lang,
    group_var=list(plan.benchmark_groups),
)

# %%
wb.report.text("results", "gaps", lang=lang)

# %%
display(wb.report.text("results", "gaps_note", lang=lang, up=wb.results.UP, down=wb.results.DOWN))
display(*wb.results.left_out_notes(plan, lang=lang))
wb.report.table(
    wb.results.view(
        published["results_gaps"],
        [
            "comparison",
            "label",
            "estimate",
            "se",
            "ci_lower",
            "ci_upper",
            "p_value",
            "symbol",
            "n",
            "flags",
        ],
    ),
    lang=lang,
    localized=("label",),
    digits={"se": 2, "p_value": 3},
)

# %%
display(wb.report.text("results", "regions_national", lang=lang))
wb.report.table(
    wb.results.view(
        published["results_regions"],
        [
            "label",
            "estimate_group",
            "estimate_total",
            "estimate",
            "se",
            "p_value",
            "symbol",
            "symbol_adjusted",
            "n",
            "flags",
        ],
    ),
    lang=lang,
    localized=("label",),
    digits={"se": 2, "p_value": 3},
)

# %%
display(wb.report.text("results", "regions_pairs", lang=lang))
wb.report.table(
    wb.results.view(
        published["results_region_pairs"],
        [
            "label",
            "estimate",
            "se",
            "p_value",
            "symbol",
            "p_adjusted",
            "symbol_adjusted",
            "flags",
        ],
    ),
    lang=lang,
    localized=("label",),
    digits={"se": 2, "p_value": 3, "p_adjusted": 3},
)

# %%
wb.report.text("results", "context", lang=lang)

# %%
display(wb.report.text("results", "context_note", lang=lang))
wb.report.table(
    wb.results.view(
        published["results_context"],
        [
            "label",
            "percent",
            "percent_se",
            "estimate",
            "se",
            "ci_lower",
            "ci_upper",
            "n",
            "n_schools",
            "answered",
            "flags",
        ],
    ),
    lang=lang,
    localized=("label",),
    digits={"percent_se": 2, "se": 2},
)

# %%
display(
    wb.report.text(
        "results",
        "regression",
        lang=lang,
        r2=float(published["results_regression"]["estimate"].iloc[-1]),
    )
)
wb.report.table(
    wb.results.view(
        published["results_regression"],
        [
            "label",
            "estimate",
            "se",
            "ci_lower",
            "ci_upper",
            "p_value",
            "standardized",
            "standardized_se",
            "n",
            "note",
        ],
    ),
    lang=lang,
    localized=("label", "note"),
    digits={
        "estimate": 2,
        "se": 2,
        "ci_lower": 2,
        "ci_upper": 2,
        "p_value": 3,
        "standardized": 3,
        "standardized_se": 3,
    },
)

# %%
display(wb.report.text("results", "multilevel", lang=lang))
wb.report.table(
    wb.results.view(
        published["results_variance"],
        ["label", "estimate", "se", "ci_lower", "ci_upper", "n", "n_schools"],
        label_as="variance_component",
    ),
    lang=lang,
    localized=("variance_component",),
    digits={"estimate": 3, "se": 3, "ci_lower": 3, "ci_upper": 3},
)

# %%
wb.report.text("results", "trend", lang=lang)

# %%
display(
    wb.report.text(
        "results",
        "trend_note" if base_cycle else "trend_none",
        lang=lang,
        base_cycle=base_cycle,
        linking_error=linking_error,
        up=wb.results.UP,
        down=wb.results.DOWN,
    )
)
display(
    wb.report.headline(
        "results_trend",
        float(published["results_trend"]["difference"].iloc[0]),
        lang=lang,
        digits=1,
    )
) if base_cycle else None
wb.report.table(
    wb.results.view(
        published["results_trend"],
        [
            "statistic",
            "group_var",
            "label",
            "benchmark",
            "estimate_base",
            "estimate_current",
            "difference",
            "se_sampling",
            "linking_error",
            "se",
            "p_value",
            "symbol",
            "n",
            "flags",
        ],
    ),
    lang=lang,
    localized=("label",),
    digits={"se_sampling": 2, "linking_error": 2, "se": 2, "p_value": 3},
)

# %%
wb.report.text("results", "international", lang=lang)

# %%
display(
    wb.report.text(
        "results", "international_linked" if linked_to_pirls else "international_context", lang=lang
    )
)
wb.report.figure(
    wb.plots.results.international_figure,
    published["results_international"],
    lang=lang,
    linked=linked_to_pirls,
    caveats=list(wb.results.CAVEATS),
) if pirls is not None else None

# %%
display(
    wb.report.text("results", "international_source", lang=lang)
    if pirls is not None
    else wb.report.text(
        "results",
        "international_missing",
        lang=lang,
        file=wb.results.reference_path(pirls_file).name,
    )
)
wb.report.table(
    wb.results.view(
        wb.results.highlighted(published["results_international"]),
        ["label", "mean", "se", "pct_at_or_above_400", "pct_at_or_above_400_se", "n", "flags"],
        label_as="country",
    ),
    lang=lang,
    localized=("country",),
    digits={"se": 2, "pct_at_or_above_400_se": 2},
)

# %%
wb.report.text("results", "rules", lang=lang)

# %%
display(wb.report.text("results", "rules_note", lang=lang))
display(
    wb.report.table(
        wb.results.view(published["results_legend"], ["symbol", "meaning"]),
        lang=lang,
        verbatim=("symbol",),
        localized=("meaning",),
    )
)
display(
    wb.report.headline("rule_cells", int(published["results_rules"]["touched"].sum()), lang=lang)
)
wb.report.table(
    published["results_rules"],
    lang=lang,
    prefixes={"rule": "reporting_rule_"},
)

# %%
wb.report.text("results", "workbook", lang=lang, path=wb.results.workbook_path(cycle).name)
