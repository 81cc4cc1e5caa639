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
# Stage T40: the composite index under the parameters' choices and its sensitivity analysis
# (JRC/OECD 2008): positions as ranges, never a bare league table (workbench.indicators).

# %% tags=["parameters"]
cycle = "teacher-ed-pilot"  # cycle id: parameters/<cycle>.yaml
lang = "en"  # report language: ky, ru or en
seed = 20260401  # the cycle's seed: the Monte Carlo draws follow from it
normalisation = "minmax"  # minmax | zscore | rank
weighting = "equal_groups"  # equal_groups | equal_indicators | custom
aggregation = "arithmetic"  # arithmetic | geometric
custom_weights = {}  # group -> weight (weighting: custom)
alternatives = {}  # normalisations / weightings / aggregations the analysis varies
n_draws = 500  # Monte Carlo draws of choices, weights and sampling error
weight_concentration = 20.0  # Dirichlet concentration of the drawn weights
top_share = 0.25  # share of institutions called the top group

# %%
import workbench as wb
from workbench.indicators import cycle as tc
from workbench.indicators import report as tr
from workbench.plots import teacher_ed

wb.report.setup_plots()
wb.report.text("teacher_ed", "t40_title", lang=lang)

# %%
wb.report.text(
    "teacher_ed",
    "t40_intro",
    lang=lang,
    normalisation=normalisation,
    weighting=weighting,
    aggregation=aggregation,
    draws=n_draws,
)

# %%
positions = tc.composite_stage(
    cycle,
    seed=seed,
    normalisation=normalisation,
    weighting=weighting,
    aggregation=aggregation,
    custom_weights=custom_weights,
    alternatives=alternatives,
    n_draws=n_draws,
    weight_concentration=weight_concentration,
    top_share=top_share,
)
wb.report.text("teacher_ed", "t40_positions", lang=lang)

# %%
wb.report.figure(
    teacher_ed.positions,
    positions,
    lang=lang,
    alt=wb.report.text("teacher_ed", "t40_positions_alt", lang=lang),
)

# %%
wb.report.table(positions, lang=lang, verbatim=("name",), digits={"p_top": 2})

# %%
wb.report.text("teacher_ed", "t40_moved", lang=lang)

# %%
wb.report.table(tr.most_moved(positions), lang=lang, verbatim=("name",))
