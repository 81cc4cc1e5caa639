"""The IEA-style exhibits of a cycle's results (stage: results, ``notebooks/60_results.py``).

From the cycle's analysis file (``student_results``) through one ``RepDesign``: the
achievement distribution, the international benchmarks, the gaps between groups, the context
of achievement (background, regression, between- and within-school variance), the trend since
the base cycle, the international context beside PIRLS 2021, the reporting rules, the labels
of every row in three languages, and the Excel workbook of every table. The figures are in
:mod:`workbench.plots.results`.
"""

from workbench.results._common import GROUPS, inference
from workbench.results.benchmarks import benchmarks, level_names
from workbench.results.context import (
    analysis_frame,
    context_means,
    expand_predictors,
    regression,
    variance_split,
)
from workbench.results.display import distribution_views, highlighted, view, wide
from workbench.results.distribution import PERCENTILES, distribution
from workbench.results.excel import notes_table, workbook_path, write_workbook
from workbench.results.gaps import (
    DOWN,
    UP,
    gaps,
    majority_language,
    mark,
    region_pairs,
    region_vs_national,
)
from workbench.results.international import CAVEATS, international, read_pirls, reference_path
from workbench.results.labelling import LABEL_COLUMNS, codebook_words, exhibit_labels, term_label
from workbench.results.layout import Layout, layout, left_out_notes
from workbench.results.publish import CHECKS, publish
from workbench.results.rules import Rules, apply_rules, legend, rule_counts
from workbench.results.trend import percent_linking_error, trend

__all__ = [
    "CAVEATS",
    "CHECKS",
    "LABEL_COLUMNS",
    "Layout",
    "DOWN",
    "GROUPS",
    "UP",
    "PERCENTILES",
    "Rules",
    "analysis_frame",
    "apply_rules",
    "benchmarks",
    "codebook_words",
    "context_means",
    "distribution",
    "distribution_views",
    "exhibit_labels",
    "expand_predictors",
    "gaps",
    "highlighted",
    "inference",
    "international",
    "layout",
    "left_out_notes",
    "legend",
    "level_names",
    "majority_language",
    "mark",
    "notes_table",
    "percent_linking_error",
    "publish",
    "read_pirls",
    "reference_path",
    "region_pairs",
    "region_vs_national",
    "regression",
    "rule_counts",
    "term_label",
    "trend",
    "variance_split",
    "view",
    "wide",
    "workbook_path",
    "write_workbook",
]
