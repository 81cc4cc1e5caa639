"""The publication side of a cycle: the analytical report, the site, the results database.

Everything here reads stored tables only -- it renders, it never estimates:

- :mod:`workbench.publish.document`: the analytical report, one HTML document per language;
- :mod:`workbench.publish.findings`: key findings drafted from the numbers, or written;
- :mod:`workbench.publish.site`: ``outputs/index.html`` and each cycle's publication page;
- :mod:`workbench.publish.database`: ``outputs/results.duckdb`` (:func:`results_db`);
- :mod:`workbench.publish.browser`: headless Chromium (PDF, screenshots, DOM);
- :mod:`workbench.publish.checks`: untranslated words and broken links of a page.
"""

from workbench.publish.database import build_results_db, results_db
from workbench.publish.document import Bundle, load_bundle, report_html
from workbench.publish.findings import Finding, draft, findings_for, read_written
from workbench.publish.render import render_cycle, render_site

__all__ = [
    "Bundle",
    "Finding",
    "build_results_db",
    "draft",
    "findings_for",
    "load_bundle",
    "read_written",
    "render_cycle",
    "render_site",
    "report_html",
    "results_db",
]
