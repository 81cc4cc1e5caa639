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
# Stage T20: intake of the survey delivery with the declared schemas
# (workbench/indicators/schemas/, through workbench.fielddata) and validation of every scale
# before use (workbench.psychometrics: reliability, CFA, DIF, invariance across language).

# %% tags=["parameters"]
cycle = "teacher-ed-pilot"  # cycle id: parameters/<cycle>.yaml
lang = "en"  # report language: ky, ru or en
seed = 20260401  # the cycle's seed (this stage draws nothing)
min_alpha = 0.7  # scales need Cronbach's alpha at least this
min_cfi = 0.9  # one-factor CFA: CFI at least
max_rmsea = 0.08  # one-factor CFA: RMSEA at most
focal = "ru"  # DIF and invariance: this respondent language ...
reference = "ky"  # ... against this one
dif_classes = ["C"]  # ETS classes that take an item out of its scale
min_group = 100  # DIF and invariance need this many complete answers per language

# %%
from IPython.display import display

import workbench as wb
from workbench.indicators import cycle as tc
from workbench.indicators import report as tr

wb.report.text("teacher_ed", "t20_title", lang=lang)

# %%
wb.report.text("teacher_ed", "t20_intro", lang=lang)

# %%
scales = tc.survey_stage(
    cycle,
    min_alpha=min_alpha,
    min_cfi=min_cfi,
    max_rmsea=max_rmsea,
    focal=focal,
    reference=reference,
    dif_classes=dif_classes,
    min_group=min_group,
)
log = tc.load(cycle, "survey_log")
display(wb.report.headline("files_read", len(log), lang=lang))
wb.report.headline("scales_used", int((scales["status"] == "used").sum()), lang=lang)

# %%
wb.report.text("teacher_ed", "t20_log", lang=lang)

# %%
wb.report.table(
    wb.fielddata.in_languages(tr.problem_files(log), "message"),
    lang=lang,
    codes=("file",),
    localized=("message",),
)

# %%
wb.report.text("teacher_ed", "t20_issues", lang=lang)

# %%
wb.report.table(
    wb.fielddata.in_languages(tr.shown(tc.load(cycle, "survey_issues")), "reason"),
    lang=lang,
    codes=("file", "value"),
    localized=("reason",),
)

# %%
display(wb.report.text("teacher_ed", "t20_scales", lang=lang))
wb.report.text(
    "teacher_ed",
    "t20_scales_note",
    lang=lang,
    alpha=min_alpha,
    cfi=min_cfi,
    rmsea=max_rmsea,
    delta=0.01,
)

# %%
reliability, fit = tr.scale_tables(scales)  # two tables: each fits the page
display(
    wb.report.table(
        reliability,
        lang=lang,
        verbatim=("items_used",),
        digits={"alpha": 3, "alpha_lower": 3, "omega": 3},
    )
)
wb.report.table(fit, lang=lang, digits={"cfi": 3, "rmsea": 3})

# %%
wb.report.text("teacher_ed", "t20_items", lang=lang)

# %%
items = tc.load(cycle, "scale_items")
wb.report.table(
    tr.shown(items[items["flagged"]]),
    lang=lang,
    verbatim=("item",),
    digits={"loading": 2, "smd": 2, "p_value": 4},
)

# %%
wb.report.text("teacher_ed", "t20_invariance", lang=lang)

# %%
wb.report.table(
    tr.invariance_table(tc.load(cycle, "scale_invariance")),
    lang=lang,
    digits={"cfi": 3, "rmsea": 3, "delta_cfi": 3, "delta_rmsea": 3},
)
