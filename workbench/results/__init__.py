"""The IEA-style exhibits of a cycle's results (stage: results, ``notebooks/60_results.py``).

From the cycle's analysis file (``student_results``) through one ``RepDesign``: the
achievement distribution, the international benchmarks, the gaps between groups, the context
of achievement (background, regression, between- and within-school variance), the trend since
the base cycle, the international context beside PIRLS 2021, the reporting rules, and the
Excel workbook of every table.
"""

from workbench.results._common import GROUPS, add_labels, inference
from workbench.results.benchmarks import benchmarks, level_names
from workbench.results.context import (
    analysis_frame,
    context_means,
    expand_predictors,
    regression,
    variance_split,
)
from workbench.results.display import term_labels, wide, with_codebook
from workbench.results.distribution import PERCENTILES, distribution
from workbench.results.excel import notes_table, workbook_path, write_workbook
from workbench.results.figures import (
    benchmarks_figure,
    distribution_figure,
    international_figure,
    skipped_figure,
)
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
from workbench.results.publish import CHECKS, publish
from workbench.results.rules import Rules, apply_rules, legend, rule_counts
from workbench.results.trend import percent_linking_error, trend

__all__ = [
    "CAVEATS",
    "CHECKS",
    "DOWN",
    "GROUPS",
    "UP",
    "PERCENTILES",
    "Rules",
    "add_labels",
    "analysis_frame",
    "apply_rules",
    "benchmarks",
    "benchmarks_figure",
    "context_means",
    "distribution",
    "distribution_figure",
    "expand_predictors",
    "gaps",
    "inference",
    "international",
    "international_figure",
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
    "skipped_figure",
    "term_labels",
    "trend",
    "variance_split",
    "wide",
    "with_codebook",
    "workbook_path",
    "write_workbook",
]
