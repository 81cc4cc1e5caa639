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
# Stage 40 · validity studies: item analysis of the rotated booklets, reliability, IRT
# calibration and fit, DIF by language of instruction and gender, questionnaire scales and
# coder agreement (`workbench.psychometrics`); the verdict per item feeds the scaling stage.

# %% tags=["parameters"]
cycle = "sabat6-demo"  # cycle id: parameters/<cycle>.yaml
lang = "en"  # report language: ky, ru or en
seed = 1  # the cycle's seed (this stage draws nothing)
suppress_below = 10  # public tables: cells with fewer students show no estimate
flag_p = [0.2, 0.95]  # review items with p outside this range
flag_rpb = 0.2  # review items with a lower corrected point-biserial
drop_rpb = 0.1  # drop items with a lower corrected point-biserial
drop_rmsd = 0.15  # drop items with a larger RMSD (IRT misfit)
fit_range = [0.8, 1.2]  # review items with Rasch infit/outfit outside this range
model = "2PL"  # IRT model of the calibration: 2PL, pirls or 1PL
language_focal = "ru"  # DIF: this language of instruction ...
language_reference = "ky"  # ... against this one
dif_language = True  # the cycle has a language of instruction (given by the cycle's groups)
agreement_target = 0.85  # exact agreement of the two coders
kappa_target = 0.7  # Cohen's kappa of the two coders

# %%
from IPython.display import display

import workbench as wb

P = wb.psychometrics
wb.report.setup_plots()
cat = wb.open_catalog(cycle)
items = cat.items.read()
codes = cat.scored_responses.read()
raw = P.validity.booklet_rows(cat.booklets.read(), codes)
groups = P.validity.student_groups(codes, cat.student_tracking.read(), cat.class_tracking.read())
scores = P.score_missing(codes[items["item_id"].tolist()])
wb.report.text("validity", "title", lang=lang)

# %%
display(wb.report.text("validity", "intro", lang=lang))
display(wb.report.headline("students_assessed", len(codes), lang=lang))
display(wb.report.headline("items_analysed", len(items), lang=lang))
wb.report.headline("booklets_n", codes["IDBOOK"].nunique(), lang=lang)

# %%
wb.report.text("validity", "items", lang=lang)

# %%
statistics = P.item_statistics(raw, codes, items, flag_p=flag_p, flag_rpb=flag_rpb)
display(
    wb.report.text("validity", "items_note", lang=lang, low=flag_p[0], high=flag_p[1], rpb=flag_rpb)
)
wb.report.table(
    P.review.statistics_table(statistics),
    lang=lang,
    verbatim=("item_id",),
    digits={"p_value": 2, "r_item_rest": 2, "omitted": 1, "not_reached": 1},
)

# %%
wb.report.text("validity", "options", lang=lang)

# %%
options = P.validity.option_table(raw, items)
display(wb.report.text("validity", "options_note", lang=lang))
wb.report.table(
    P.review.weakest_options(options, n=4),
    lang=lang,
    verbatim=("item_id", "option"),
    prefixes={"option": "option_"},
    digits={"proportion": 1, "r_option_rest": 2},
)

# %%
display(wb.report.text("validity", "levels_note", lang=lang))
wb.report.table(
    P.review.score_level_table(scores, items),
    lang=lang,
    verbatim=("item_id",),
    digits={"proportion": 1, "mean_rest": 1, "r_level_rest": 2},
)

# %%
wb.report.text("validity", "reliability", lang=lang)

# %%
booklet_reliability = P.review.reliability_summary(scores, groups)
display(
    wb.report.headline(
        "alpha_median", P.review.median_alpha(booklet_reliability), lang=lang, digits=2
    )
)
display(wb.report.text("validity", "reliability_note", lang=lang))
wb.report.table(booklet_reliability, lang=lang, digits={"alpha": 2, "omega_total": 2})

# %%
wb.report.text("validity", "irt", lang=lang)

# %%
calibration = wb.psychometrics.calibrate(codes, items=items, model=model)
rasch = P.pcm(scores)
item_calibration = P.validity.calibration_table(calibration.table(), rasch)
display(
    wb.report.text(
        "validity",
        "irt_note",
        lang=lang,
        model=model,
        low=fit_range[0],
        high=fit_range[1],
        rmsd=drop_rmsd,
    )
)
wb.report.table(
    item_calibration[
        [
            "item_id",
            "model",
            "n",
            "a",
            "b",
            "se_b",
            "rmsd",
            "rasch_location",
            "infit_msq",
            "outfit_msq",
        ]
    ],
    lang=lang,
    verbatim=("item_id", "model"),
    digits={
        "a": 2,
        "b": 2,
        "se_b": 3,
        "rmsd": 3,
        "rasch_location": 2,
        "infit_msq": 2,
        "outfit_msq": 2,
    },
)

# %%
information = P.test_information(calibration.table())
wb.report.figure(
    wb.plots.validity.information_curve,
    information,
    lang=lang,
    alt=wb.report.text("validity", "information_figure", lang=lang),
)

# %%
wb.report.figure(
    wb.plots.validity.wright_map,
    P.review.wright_data(rasch),
    lang=lang,
    alt=wb.report.text("validity", "wright_figure", lang=lang),
)

# %%
wb.report.text("validity", "dif", lang=lang)

# %%
dif = P.dif_table(
    scores,
    booklet=groups["IDBOOK"],
    comparisons={
        **(
            {"language": (groups["language"], language_focal, language_reference)}
            if dif_language
            else {}
        ),
        "gender": (groups["gender"], "girl", "boy"),
    },
)
display(
    wb.report.text(
        "validity",
        "dif_note" if dif_language else "dif_no_language",
        lang=lang,
        focal=wb.report.term(language_focal),
        reference=wb.report.term(language_reference),
    )
)
display(wb.report.headline("dif_items_c", int(dif["flagged"].sum()), lang=lang))
wb.report.table(
    P.review.dif_shown(dif),
    lang=lang,
    verbatim=("item_id", "ets_class", "irt_class"),
    digits={"d_dif": 2, "d_dif_se": 2, "smd": 3, "irt_difference": 2, "irt_se": 2},
)

# %%
wb.report.text("validity", "scales", lang=lang)

# %%
questionnaire = cat.student_questionnaire.read()
answers = P.review.questionnaire_answers(
    questionnaire, ["ASBR01A", "ASBR01B", "ASBR01C", "ASBG04", "ASBG03"]
)
adequacy = P.kmo(answers)
sphericity = P.bartlett(answers)
n_factors = int(P.dimensionality(answers, n_iter=50, seed=seed)["retain"].sum()) or 1
display(
    wb.report.text(
        "validity",
        "efa_note",
        lang=lang,
        kmo=float(adequacy["msa"].iloc[-1]),
        chisq=round(float(sphericity["chisq"].iloc[0])),
        df=int(sphericity["df"].iloc[0]),
        factors=n_factors,
    )
)
wb.report.table(
    P.review.loadings_table(P.efa(answers, n_factors=n_factors), adequacy),
    lang=lang,
    verbatim=("item_id",),
    digits={"loading": 2, "communality": 2, "msa": 2},
)

# %%
attitude = {"reading_attitude": ["ASBR01A", "ASBR01B", "ASBR01C"]}
scale_language = P.review.class_language(questionnaire, cat.class_tracking.read())
invariance = (
    P.measurement_invariance(answers, attitude, group=scale_language) if dif_language else None
)
display(wb.report.text("validity", "cfa_note", lang=lang))
display(
    wb.report.table(
        P.cfa(answers, attitude).loadings.drop(columns="group"),
        lang=lang,
        verbatim=("item_id",),
        digits={"loading": 2, "std_loading": 2},
    )
)
(
    wb.report.table(
        invariance[
            ["level", "chisq", "df", "cfi", "rmsea", "srmr", "delta_cfi", "delta_rmsea", "holds"]
        ],
        lang=lang,
        digits={"chisq": 1, "cfi": 3, "rmsea": 3, "srmr": 3, "delta_cfi": 3, "delta_rmsea": 3},
    )
    if dif_language
    else wb.report.text("validity", "invariance_no_language", lang=lang)
)

# %%
indices = P.background_indices(
    questionnaire,
    scales={"ASBGSLR": ["ASBR01A", "ASBR01B", "ASBR01C"], "ASBGHRL": ["ASBG04"]},
    reverse=["ASBR01A", "ASBR01B", "ASBR01C"],
)
display(wb.report.text("validity", "indices_note", lang=lang))
wb.report.table(
    P.review.indices_summary(indices),
    lang=lang,
    verbatim=("variable",),
    digits={"mean": 2, "std": 2, "min": 2, "max": 2},
)

# %%
wb.report.text("validity", "coders", lang=lang)

# %%
agreement = P.coder_agreement(
    cat.double_coding.read(), items, target=agreement_target, kappa_target=kappa_target
)
display(
    wb.report.text(
        "validity", "coders_note", lang=lang, target=100 * agreement_target, kappa=kappa_target
    )
)
display(
    wb.report.headline(
        "coder_agreement_overall", P.review.overall_agreement(agreement), lang=lang, digits=1
    )
)
wb.report.table(
    P.review.percent(agreement, ["exact_agreement", "score_agreement"]),
    lang=lang,
    verbatim=("item_id",),
    prefixes={"item_id": "agreement_"},
    digits={"exact_agreement": 1, "score_agreement": 1, "kappa": 2, "weighted_kappa": 2, "icc": 2},
)

# %%
wb.report.text("validity", "verdicts", lang=lang)

# %%
verdicts = P.item_verdicts(
    statistics,
    fit=item_calibration,
    calibration=item_calibration,
    dif=dif,
    drop_rpb=drop_rpb,
    drop_rmsd=drop_rmsd,
    fit_range=fit_range,
)
display(
    wb.report.text(
        "validity",
        "verdicts_note",
        lang=lang,
        drop_rpb=drop_rpb,
        drop_rmsd=drop_rmsd,
        low=fit_range[0],
        high=fit_range[1],
    )
)
display(wb.report.headline("items_keep", P.review.verdict_count(verdicts, "keep"), lang=lang))
display(wb.report.headline("items_review", P.review.verdict_count(verdicts, "review"), lang=lang))
display(wb.report.headline("items_drop", P.review.verdict_count(verdicts, "drop"), lang=lang))
display(wb.report.headline("misfit_items", P.review.count_reasons(verdicts), lang=lang))
wb.report.table(P.review.reasons_table(verdicts), lang=lang, verbatim=("item_id",))

# %%
wb.catalog.save(cycle, "item_statistics", statistics)
wb.catalog.save(cycle, "item_verdicts", verdicts)
wb.catalog.save(cycle, "item_calibration", item_calibration)
wb.catalog.save(cycle, "dif_results", dif)
wb.catalog.save(cycle, "scale_scores", indices)
wb.catalog.save(cycle, "coder_agreement", agreement)
wb.report.text("validity", "saved", lang=lang)
