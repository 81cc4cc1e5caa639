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
# Stage 15 · design study: a grid of candidate sample designs, each run over many simulated
# samples of the population through the real chain, on Dask. The logic is
# `workbench.sampling.design_study`; the words are `workbench/texts/design_study.yaml`.
# Run it with `workbench run parameters/sabat6-design-study.yaml`; set `scheduler` to a Dask
# scheduler address to use a cluster (no code change).

# %% tags=["parameters"]
cycle = "sabat6-design-study"  # cycle id: parameters/<cycle>.yaml
lang = "en"  # report language: ky, ru or en
seed = 1  # the cycle's seed: every sample's random stream is spawned from it
suppress_below = 10  # public tables: cells with fewer students show no estimate
grid = [{"n_schools": 200}]  # candidate designs (see workbench.sampling.design_study)
reps = 200  # simulated samples per design
batch = 25  # samples per Dask task
workers = 2  # local Dask worker processes (when no scheduler is given)
scheduler = None  # address of a Dask scheduler, e.g. "tcp://10.0.0.5:8786"; None: local
targets = {
    "se_national": 3.0,
    "se_region": 8.0,
    "coverage": [0.93, 0.97],
    "interval": "t_fpc",
}  # precision targets
icc = 0.4  # ICC of simulated scores when the population is a real register

# %%
import matplotlib.pyplot as plt
from IPython.display import display

import workbench as wb

wb.report.setup_plots()
cat = wb.open_catalog(cycle)
frame = cat.frame.read()
class_list = cat.classes.read()
population = wb.sampling.study_population(
    frame, class_list, wb.catalog.read_optional(cycle, "students"), icc=icc, seed=seed
)
wb.report.text("design_study", "title", lang=lang)

# %%
wb.report.text("design_study", "intro", lang=lang, reps=reps)

# %%
study = wb.sampling.design_study(
    grid,
    frame=frame,
    classes=class_list,
    students=population,
    reps=reps,
    seed=seed,
    client=scheduler,
    workers=workers,
    batch=batch,
    targets=targets,
)
wb.report.text("design_study", "grid", lang=lang)

# %%
wb.report.table(wb.sampling.study_report(study.designs, lang=lang), lang=lang)

# %%
wb.report.text("design_study", "frontier", lang=lang)

# %%
display(
    wb.report.text(
        "design_study",
        "targets",
        lang=lang,
        se_national=targets["se_national"],
        se_region=targets["se_region"],
        low=targets["coverage"][0],
        high=targets["coverage"][1],
        interval=targets["interval"],
    )
)
frontier = study.table()
display(wb.sampling.design_study_verdict(frontier, lang=lang))
wb.report.table(wb.sampling.study_report(frontier, lang=lang), lang=lang)

# %%
display(wb.report.text("design_study", "frontier_note", lang=lang))
wb.sampling.frontier_figure(study, lang=lang)
plt.show()

# %%
wb.report.text("design_study", "needs", lang=lang)

# %%
display(wb.report.text("design_study", "needs_note", lang=lang, se_region=targets["se_region"]))
wb.report.table(wb.sampling.study_report(study.needs(), lang=lang), lang=lang)

# %%
wb.report.text("design_study", "domains", lang=lang)

# %%
precision, coverage = wb.sampling.study_domain_views(study.domains)  # two: each fits the page
display(wb.report.table(wb.sampling.study_report(precision, lang=lang), lang=lang))
wb.report.table(wb.sampling.study_report(coverage, lang=lang), lang=lang)

# %%
wb.catalog.save(cycle, "design_study", frontier)
wb.catalog.save(cycle, "design_study_domains", study.domains)
