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
strata = ["region", "locality", "language"]  # register columns that must be filled; tabulated
min_enrolment = 1  # schools with fewer grade-6 students are outside the target population

# %%
import matplotlib.pyplot as plt
import seaborn as sns
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
coverage = 100 * frame["enrol_g6"].sum() / review.reconciliation["students"].iloc[0]
display(wb.report.headline("register_records", len(register), lang=lang))
display(wb.report.headline("frame_schools", len(frame), lang=lang))
display(wb.report.headline("enrolment", frame["enrol_g6"].sum(), lang=lang))
wb.report.headline("frame_coverage", coverage, lang=lang, digits=1)

# %%
wb.report.text("frame", "checks", lang=lang)

# %%
display(wb.report.text("frame", "checks_note", lang=lang))
wb.report.table(review.summary(), lang=lang)

# %%
wb.report.table(review.reconciliation, lang=lang)

# %%
display(wb.report.text("frame", "listing", lang=lang))
wb.report.table(review.checks, lang=lang, verbatim=("school_id", "column", "value"))
shown = [column for column in strata if frame[column].nunique() <= 40]  # tabulated columns

# %%
wb.report.text("frame", "composition", lang=lang)

# %%
if not shown:
    display(wb.report.text("frame", "no_columns", lang=lang))
for column in shown:
    wb.report.table(wb.frame.frame_summary(frame, column), lang=lang,
                    caption=wb.report.text("frame", "by_column", lang=lang,
                                           column=wb.labels.label(column, lang)).data)

# %%
if shown:
    first = shown[0]
    counts = wb.frame.frame_summary(frame, first)
    counts = counts[counts[first] != "total"].sort_values("students")
    counts = counts.assign(**{first: counts[first].map(lambda code: wb.labels.label(code, lang))})
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    sns.barplot(data=counts, y=first, x="schools", ax=axes[0], color="#4c72b0")
    sns.barplot(data=counts, y=first, x="students", ax=axes[1], color="#dd8452")
    axes[0].set(xlabel=wb.labels.label("schools", lang), ylabel=wb.labels.label(first, lang))
    axes[1].set(xlabel=wb.labels.label("enrolment", lang), ylabel="")
    fig.suptitle(wb.report.text("frame", "by_column", lang=lang,
                                column=wb.labels.label(first, lang)).data)
    fig.tight_layout()

# %%
if len(shown) >= 2:
    rows, columns = shown[0], shown[-1]
    wb.report.table(wb.frame.crosstab(frame, rows, columns), lang=lang,
                    caption=wb.report.text("frame", "crosstab", lang=lang,
                                           rows=wb.labels.label(rows, lang),
                                           columns=wb.labels.label(columns, lang)).data)

# %%
wb.report.text("frame", "size", lang=lang)

# %%
display(wb.report.text("frame", "size_note", lang=lang))
hue = next((column for column in shown if frame[column].nunique() <= 6), None)
sized = frame if hue is None else frame.assign(
    **{hue: frame[hue].map(lambda code: wb.labels.label(code, lang))})
ax = sns.histplot(data=sized, x="enrol_g6", hue=hue, log_scale=True, bins=40, element="step")
ax.set(xlabel=wb.labels.label("enrolment", lang), ylabel=wb.labels.label("schools", lang))
if hue is not None:
    ax.get_legend().set_title(wb.labels.label(hue, lang))

# %%
wb.catalog.save(cycle, "frame", frame);
wb.catalog.save(cycle, "frame_checks", review.checks);
