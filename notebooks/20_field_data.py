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
# Stage 20 · field data: intake and verification of the field agency's delivery
# (`fieldwork/<cycle>/incoming`, laid out as `workbench.fielddata.LAYOUT`), quarantine,
# participation, de-identification. Raw files are never modified; quarantined rows and the
# pseudonymization key stay in `fieldwork/<cycle>/`, outside `outputs/`.

# %% tags=["parameters"]
cycle = "sabat6-demo"  # cycle id: parameters/<cycle>.yaml
lang = "en"  # report language: ky, ru or en
seed = 1  # the cycle's seed (this stage draws nothing)
suppress_below = 10  # public tables: cells with fewer students show no estimate
incoming = "incoming"  # the delivery folder, under fieldwork/<cycle>/
key_file = "pseudonym.key"  # pseudonymization key, under fieldwork/<cycle>/
link_across_cycles = False  # True: pseudonyms shared with other cycles using the same key

# %%
from IPython.display import display

import workbench as wb

wb.report.setup_plots()
cat = wb.open_catalog(cycle)
items = cat.items.read()
sample = cat.sample_schools.read()
restricted = wb.paths.fieldwork_dir(cycle)
wb.report.text("field_data", "title", lang=lang)

# %%
wb.report.text("field_data", "intro", lang=lang)

# %%
field = wb.fielddata.intake_returns(
    restricted / incoming,
    items,
    sample_ids=sample["IDSCHOOL"],
    quarantine_dir=restricted / "quarantine",
    codebooks=cat.codebooks.read(),
)
log = wb.fielddata.public_log(field)
counts = field.reconciliation()
heads = wb.fielddata.intake_headlines(field, log)
display(wb.report.headline("files_received", heads["files_received"], lang=lang))
display(wb.report.headline("rows_read", heads["rows_read"], lang=lang))
display(wb.report.headline("rows_quarantined", heads["rows_quarantined"], lang=lang))
wb.report.headline("files_rejected", heads["files_rejected"], lang=lang)

# %%
wb.report.text("field_data", "arrived", lang=lang)

# %%
display(wb.report.text("field_data", "arrived_note", lang=lang))
wb.report.table(counts, lang=lang)

# %%
wb.report.text("field_data", "audit", lang=lang)

# %%
display(wb.report.text("field_data", "audit_note", lang=lang))
display(wb.report.table(wb.report.counts(log, "fate"), lang=lang, prefixes={"fate": "rc_"}))
not_read = wb.fielddata.files_not_read(log)
display(wb.report.text("field_data", "rejected" if len(not_read) else "none_rejected", lang=lang))
wb.report.table(
    not_read,
    lang=lang,
    codes=("folder", "file"),
    localized=("reason",),
    prefixes={"fate": "rc_"},
)

# %%
wb.report.text("field_data", "quarantine", lang=lang)

# %%
issues = wb.fielddata.public_issues(field, items)
display(
    wb.report.text(
        "field_data", "quarantine_note", lang=lang, where=f"fieldwork/{cycle}/quarantine"
    )
)
reasons = wb.fielddata.issue_rows(wb.fielddata.issue_summary(issues))
wb.report.table(reasons, lang=lang, codes=("column", "examples"), localized=("reason",))

# %%
wb.report.text("field_data", "checks", lang=lang)

# %%
display(wb.report.text("field_data", "checks_note", lang=lang))
wb.report.table(field.checks, lang=lang, prefixes={"check": "rc_", "action": "rc_"})

# %%
key = wb.fielddata.load_key(restricted / key_file)
tables = wb.fielddata.clean_tables(
    field, items, key=key, cycle=cycle, link_across_cycles=link_across_cycles
)
reconciliation = wb.fielddata.reconcile_intake(field, sample)
schools, classes = wb.fielddata.participation_inputs(tables, sample)
rates = wb.fielddata.participation_rates(schools, classes)
summary = wb.fielddata.annotate_participation(rates)
wb.report.text("field_data", "participation", lang=lang)

# %%
percent = wb.fielddata.participation_headlines(rates)
display(
    wb.report.headline("school_participation", percent["school_participation"], lang=lang, digits=1)
)
display(
    wb.report.headline(
        "student_participation", percent["student_participation"], lang=lang, digits=1
    )
)
display(wb.report.headline("students_assessed", len(tables["scored_responses"]), lang=lang))
display(wb.report.text("field_data", "participation_note", lang=lang))
wb.report.table(wb.fielddata.rates_table(rates), lang=lang)

# %%
display(wb.report.text("field_data", "annotation", lang=lang))
rules = wb.fielddata.annotation_rows(summary)
display(wb.report.table(rules, lang=lang, localized=("rule",)))
wb.report.text(
    "field_data",
    "messages_from_text",
    lang=lang,
    **wb.fielddata.messages_from_text(not_read, reasons, rules),
)

# %%
wb.report.text("field_data", "quality", lang=lang)

# %%
missing = wb.fielddata.item_missing(tables["scored_responses"], items)
wb.report.figure(
    wb.plots.field_data.missing_by_position,
    missing,
    lang=lang,
    alt=wb.report.text("field_data", "quality_figure", lang=lang),
)

# %%
wb.report.table(missing, lang=lang, verbatim=("item_id",), digits={"omitted": 1, "not_reached": 1})

# %%
wb.report.text("field_data", "reconciliation", lang=lang)

# %%
display(wb.report.text("field_data", "reconciliation_note", lang=lang))
display(
    wb.report.table(
        reconciliation,
        lang=lang,
        prefixes={"level": "rc_", "step": "rc_", "change": "rc_", "reason": "rc_"},
    )
)
broken = wb.fielddata.check_reconciliation(reconciliation)
display(wb.report.text("field_data", "reconciliation_broken", lang=lang))
wb.report.table(broken, lang=lang)

# %%
outputs = {
    **tables,
    "participation": rates,
    "participation_summary": summary,
    "intake_log": log,
    "intake_issues": issues,
    "reconciliation": reconciliation,
}
saved = wb.fielddata.save_tables(cycle, outputs)
wb.report.text("field_data", "privacy", lang=lang)

# %%
display(
    wb.report.text(
        "field_data",
        "privacy_note",
        lang=lang,
        dropped=wb.report.term(*wb.fielddata.identifier_columns()),
        pseudonyms=wb.report.term(*wb.fielddata.pseudonymized_columns()),
    )
)
findings = wb.fielddata.scan_for_identifiers(
    wb.paths.cycle_dir(cycle),
    wb.fielddata.identifier_values(field, items),
    paths=[restricted.resolve()],
)
display(wb.report.headline("identifier_findings", len(findings), lang=lang))
wb.report.table(wb.fielddata.findings_summary(findings), lang=lang, codes=("file",))

# %%
wb.fielddata.assert_no_identifiers(findings)
