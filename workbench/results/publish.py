"""Publishing the exhibits (stage: results): rules, labels, catalog entries and the workbook.

Every exhibit table goes through the same reporting rules (:mod:`workbench.results.rules`),
gets the label of each row in the three languages (:mod:`workbench.results.labelling`), is
saved as its catalog entry and as a sheet of ``outputs/<cycle>/tables/results.xlsx``; a table
counting what each rule touched is saved too (``results_rules``) and printed in the report.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from workbench.catalog import save
from workbench.results.excel import notes_table, workbook_path, write_workbook
from workbench.results.labelling import exhibit_labels
from workbench.results.rules import Rules, apply_rules, legend, rule_counts

__all__ = ["CHECKS", "publish"]

#: which (estimate, SE) columns the SE rule (points) and the CV rule (percentages) check
CHECKS: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "results_distribution": {"score": (("estimate", "se"),), "percent": ()},
    "results_benchmarks": {"score": (), "percent": (("estimate", "se"),)},
    "results_gaps": {"score": (), "percent": ()},
    "results_regions": {"score": (), "percent": ()},
    "results_region_pairs": {"score": (), "percent": ()},
    "results_context": {"score": (("estimate", "se"),), "percent": (("percent", "percent_se"),)},
    "results_regression": {"score": (), "percent": ()},
    "results_variance": {"score": (), "percent": ()},
    "results_trend": {"score": (), "percent": ()},
    "results_international": {
        "score": (("mean", "se"),),
        "percent": (("pct_at_or_above_400", "pct_at_or_above_400_se"),),
    },
}


#: why a rule does not act on a table (label keys, shown in the rule counts)
REASONS: dict[str, dict[str, str]] = {
    name: {"se": "reason_marked"}
    for name in (
        "results_gaps",
        "results_regions",
        "results_region_pairs",
        "results_regression",
        "results_trend",
    )
} | {
    "results_variance": {"se": "reason_variance"},
    "results_benchmarks": {"se": "reason_cv"},
}


def publish(
    cycle: str,
    tables: Mapping[str, pd.DataFrame],
    rules: Rules,
    *,
    lang: str,
    source: str,
    codebook: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """Apply the rules to every table, label it in three languages, save it (catalog +
    workbook sheet).

    Parameters
    ----------
    cycle
        Cycle id (outputs go to ``outputs/<cycle>/``).
    tables
        Exhibit tables by catalog entry name (keys of :data:`CHECKS`).
    rules
        The reporting rules of the cycle.
    lang
        Language of the workbook's notes sheet.
    source
        What the figures come from (printed on the notes sheet).
    codebook
        The cycle's codebook (``label_<lang>``, ``values_<lang>``): words of the background
        variables and regression terms.

    Returns
    -------
    dict
        The published tables by name (with ``label_ky, label_ru, label_en``), plus
        ``results_rules`` (:func:`rule_counts`) and ``results_legend`` (:func:`legend`).

    Raises
    ------
    KeyError
        If a table name has no entry in :data:`CHECKS` (say which columns the rules check).

    Checked against
    ---------------
    The saved Parquet table and the workbook's sheets read back;
    ``tests/test_results_rules.py::test_publish_saves_every_table_and_a_workbook_with_notes``.
    """
    unknown = [name for name in tables if name not in CHECKS]
    if unknown:
        raise KeyError(
            f"publish: no rule columns for tables {unknown}; add them to "
            "workbench.results.publish.CHECKS."
        )
    out = {}
    for name, table in tables.items():
        ruled = apply_rules(table, rules, lang=lang, **CHECKS[name])
        out[name] = exhibit_labels(ruled, codebook)
    counts = rule_counts(out, REASONS)
    key = legend(rules)
    for name, table in out.items():
        save(cycle, name, table)
    save(cycle, "results_rules", counts)
    notes = notes_table(
        cycle=cycle,
        source=source,
        legend=key.rename(columns={f"meaning_{lang}": "meaning"}),
        counts=counts,
        lang=lang,
    )
    write_workbook(workbook_path(cycle), {**out, "results_rules": counts}, notes)
    return {**out, "results_rules": counts, "results_legend": key}
