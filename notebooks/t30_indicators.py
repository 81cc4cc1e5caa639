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
# Stage T30: every indicator of the framework (workbench/frameworks/<framework>.yaml) per
# institution and programme, with SE and CI, response rates and flags (workbench.indicators).
# The tidy table outputs/<cycle>/data/indicators.parquet is what the results database loads.

# %% tags=["parameters"]
cycle = "teacher-ed-pilot"  # cycle id: parameters/<cycle>.yaml
lang = "en"  # report language: ky, ru or en
seed = 20260401  # the cycle's seed (this stage draws nothing)
framework = "teacher_education"  # the indicator framework
min_n = 10  # flag survey indicators with fewer respondents
min_rate = 0.2  # flag response rates below this
ci = 0.95  # confidence level

# %%
from IPython.display import display

import workbench as wb
from workbench.indicators import cycle as tc
from workbench.indicators import load_framework
from workbench.indicators import report as tr

fw = load_framework(framework)
year = tc.current_year(cycle)
wb.report.text("teacher_ed", "t30_title", lang=lang)

# %%
wb.report.text("teacher_ed", "t30_intro", lang=lang, version=fw.version, ci=round(100 * ci))

# %%
wb.report.text("teacher_ed", "t30_framework", lang=lang)

# %%
wb.report.table(
    tr.indicator_names(fw), lang=lang, verbatim=("indicator",), localized=("group", "name")
)

# %%
indicators = tc.indicator_stage(cycle, framework=framework, min_n=min_n, min_rate=min_rate, ci=ci)
display(wb.report.headline("indicators", indicators["indicator"].nunique(), lang=lang))
wb.report.headline("institutions", indicators["institution"].nunique(), lang=lang)

# %%
wb.report.text("teacher_ed", "t30_rates", lang=lang)

# %%
wb.report.table(tr.flagged_rates(tc.load(cycle, "response_rates"), year=year), lang=lang)

# %%
wb.report.text("teacher_ed", "t30_sector", lang=lang)

# %%
wb.report.table(
    tr.sector_summary(indicators, fw, year=year),
    lang=lang,
    verbatim=("indicator",),
    localized=("name",),
)

# %%
wb.report.text("teacher_ed", "t30_table", lang=lang)

# %%
wb.report.table(
    tr.institution_table(indicators, year=year),
    lang=lang,
    verbatim=("indicator",),
    digits={"response_rate": 2},
)
