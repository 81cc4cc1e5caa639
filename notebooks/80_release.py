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
# Stage 80 · release: public and restricted IEA files (CSV, SPSS with ky/ru/en labels),
# disclosure control with its report, the codebook and technical chapter, the register of
# recommendations and its follow-up, proposals to correct the method (`workbench.release`).
# The archive is a command: `workbench archive <cycle>`.

# %% tags=["parameters"]
cycle = "sabat6-demo"  # cycle id: parameters/<cycle>.yaml
lang = "en"  # report language: ky, ru or en
seed = 1  # the cycle's seed: the release's new IDs are drawn from it
suppress_below = 10  # public tables: cells with fewer students show no estimate
release_id = "v1"  # this release: IDs are re-keyed per release
country = "KGZ"  # ISO alpha-3 country code (IDCNTRY 417)
cycle_code = "S1"  # cycle in the IEA file names (ASGKGZS1)
grade = 6  # IDGRADE
k = 10  # k-anonymity of the public student file
k_schools = 3  # k-anonymity of the public school file
quasi_identifiers = ["region", "locality", "language", "school_type", "ITSEX"]
recodes = []  # global recoding steps [{variable, map}]
suppress_order = None  # local suppression order (None: quasi_identifiers reversed)
free_text = []  # more columns dropped as free text
restricted_only = ["EAP", "EAP_SE", "WLE", "WLE_SE"]  # restricted-use files only
recommendations = None  # register file (None: parameters/recommendations/<cycle>.yaml)
base_cycle = None  # previous cycle: indicators of its recommendations before and after
max_se = 10.0  # method proposals: domains whose mean has a larger SE
agreement_target = 0.85  # method proposals: coder agreement target

# %%
from IPython.display import display

import workbench as wb
from workbench.release import stage, views

built = stage.build_release(
    cycle,
    seed=seed,
    release_id=release_id,
    country=country,
    cycle_code=cycle_code,
    grade=grade,
    k=k,
    k_schools=k_schools,
    quasi_identifiers=quasi_identifiers,
    recodes=recodes,
    suppress_order=suppress_order,
    free_text=free_text,
    restricted_only=restricted_only,
)
wb.report.text("release", "title", lang=lang)

# %%
wb.report.text("release", "intro", lang=lang, files=wb.report.term(*built["names"].values()))

# %%
wb.report.text("release", "disclosure", lang=lang)

# %%
protected = views.disclosure_summary(built["disclosure"])
display(
    wb.report.text(
        "release",
        "disclosure_rule",
        lang=lang,
        quasi=wb.report.term(*quasi_identifiers),
        k=k,
        k_schools=k_schools,
        **protected,
    )
)
display(wb.report.headline("release_k", protected["k_after"], lang=lang))
wb.report.table(
    views.disclosure_view(built["disclosure"]),
    lang=lang,
    verbatim=("step",),
    localized=("variable",),
    prefixes={"action": "release_action_"},
)

# %%
check = stage.check_release(cycle, built)
wb.report.text("release", "check", lang=lang)

# %%
display(
    wb.report.text("release", "check_note", lang=lang, difference=views.largest_difference(check))
)
wb.report.table(
    check,
    lang=lang,
    codes=("file",),
    digits={
        "estimate": 3,
        "se": 4,
        "published_estimate": 3,
        "published_se": 4,
        "difference_estimate": 9,
        "difference_se": 9,
    },
)

# %%
wb.report.text("release", "files", lang=lang)

# %%
wb.report.table(
    built["manifest"].drop(columns="sha256"),
    lang=lang,
    verbatim=("name",),
    codes=("path",),
    prefixes={"format": "release_format_"},
)

# %%
documents = stage.document(cycle, built, lang=lang)
wb.report.text("release", "codebook", lang=lang)

# %%
display(wb.report.text("release", "codebook_note", lang=lang))
wb.report.table(
    views.codebook_view(documents["codebook"]),
    lang=lang,
    verbatim=("variable",),
    localized=("release_label", "missing_codes"),
)

# %%
followup = stage.register(cycle, path=recommendations, lang=lang, base_cycle=base_cycle)
wb.report.text("release", "recommendations", lang=lang)

# %%
display(
    wb.report.text(
        "release",
        "recommendations_note",
        lang=lang,
        file=followup["shown_file"],
        appended=len(followup["appended"]),
    )
)
display(wb.report.table(views.summary_view(followup["summary"]), lang=lang, localized=("cycle",)))
display(
    wb.report.table(
        views.followup_view(followup["report"], part="recommendation"),
        lang=lang,
        localized=("cycle", "recommendation"),
        codes=("id",),
    )
)
wb.report.table(
    views.followup_view(followup["report"], part="followup"),
    lang=lang,
    codes=("id", "due", "last_followup"),
    prefixes={"aim": "release_aim_"},
    digits={"indicator_before": 1, "indicator_after": 1, "change": 1},
)

# %%
proposals = stage.proposals(cycle, lang=lang, max_se=max_se, agreement_target=agreement_target)
wb.report.text("release", "method", lang=lang)

# %%
display(wb.report.text("release", "method_note", lang=lang))
display(wb.report.headline("method_proposals", views.draft_count(proposals), lang=lang))
wb.report.table(
    views.proposals_view(proposals),
    lang=lang,
    localized=("subject", "figure", "target", "proposal"),
    prefixes={"check": "release_check_", "evidence": "release_evidence_"},
)

# %%
wb.report.text("release", "archive", lang=lang, cycle=cycle)
