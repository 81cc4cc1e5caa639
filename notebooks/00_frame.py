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
# Stage 00 · sampling frame review. Run it with `workbench run parameters/<cycle>.yaml`;
# the report's words come from `workbench/texts/frame.yaml` in the cycle's language,
# the checks from `workbench.frame`. Cells tagged `notes` are for researchers: the HTML
# report leaves them out.

# %% tags=["parameters"]
cycle = "sabat6-demo"  # cycle id: parameters/<cycle>.yaml
lang = "en"  # report language: ky, ru or en
seed = 1  # the cycle's seed (this stage draws nothing)
suppress_below = 10  # public tables: cells with fewer students show no estimate
strata = ["region", "locality", "language"]  # register columns that must be filled; tabulated
min_enrolment = 1  # schools with fewer grade-6 students are outside the target population

# %%
from IPython.display import display

import workbench as wb

wb.report.setup_plots()
cat = wb.open_catalog(cycle)
register = cat.register.read()
wb.report.text("frame", "title", lang=lang)

# %%
wb.report.text("frame", "intro", lang=lang)

# %%
review = wb.frame.review_frame(register, strata=strata, min_enrolment=min_enrolment)
frame = review.frame
display(wb.report.headline("register_records", len(register), lang=lang))
display(wb.report.headline("frame_schools", len(frame), lang=lang))
display(wb.report.headline("enrolment", frame["enrol_g6"].sum(), lang=lang))
wb.report.headline("frame_coverage", review.coverage, lang=lang, digits=1)

# %%
wb.report.text("frame", "checks", lang=lang)

# %%
display(wb.report.text("frame", "checks_note", lang=lang))
wb.report.table(review.summary(), lang=lang)

# %%
wb.report.table(review.reconciliation, lang=lang)

# %%
display(wb.report.text("frame", "listing", lang=lang))
wb.report.table(  # "column" holds register column names: shown by their labels
    review.checks,
    lang=lang,
    verbatim=("school_id", "value", "register_row"),
    prefixes={"column": ""},
)

# %%
wb.report.text("frame", "composition", lang=lang)

# %%
shown = wb.frame.tabulated(frame, strata)  # the parameters' columns with at most 40 values
wb.report.table(
    wb.frame.composition(frame, shown),
    lang=lang,
    caption=wb.report.text(
        "frame", "by_column" if shown else "no_columns", lang=lang, column=wb.report.term(*shown)
    ),
)

# %%
wb.report.figure(
    wb.plots.frame.group_bars,
    wb.frame.composition(frame, shown[:1]),
    lang=lang,
    alt=wb.report.text("frame", "by_column", lang=lang, column=wb.report.term(*shown[:1])),
)

# %%
wb.report.text("frame", "size", lang=lang)

# %%
display(wb.report.text("frame", "size_note", lang=lang))
sizes = wb.frame.size_groups(frame, shown)
wb.report.figure(
    wb.plots.frame.size_histogram,
    sizes,
    lang=lang,
    group=sizes.attrs["group"],
    alt=wb.report.text("frame", "size_figure", lang=lang),
)

# %%
wb.catalog.save(cycle, "frame", frame)
wb.catalog.save(cycle, "frame_checks", review.checks)
