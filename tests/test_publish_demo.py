"""The analytical report of the real demo cycle (slow: uses the session's demo run).

Renders the publication of the demo cycle from the tables its stages stored, in the three
languages, and checks what a reviewer would meet: no untranslated word on a Kyrgyz or Russian
page, every link of every page resolving, the findings linked to tables that exist, and the
results database holding the cycle's national mean as the results stage stored it.
"""

from __future__ import annotations

import pytest

from tests.conftest import DEMO
from workbench.publish import checks

pytestmark = pytest.mark.slow


def test_demo_publication_is_translated_linked_and_in_the_database(demo_run, outputs_root):
    import pandas as pd

    from workbench.params import load_params
    from workbench.publish import render_cycle, results_db

    made = render_cycle(
        load_params(DEMO), languages=("ky", "ru", "en"), pdf=False, screenshots=False, echo=None
    )
    assert made["untranslated"] == {"ky": [], "ru": [], "en": []}
    pages = sorted(outputs_root.glob("*.html")) + sorted(
        (outputs_root / "sabat6-demo" / "publication").glob("*.html")
    )
    assert len(pages) == 4 + 6
    assert {str(p): checks.broken_links(p) for p in pages} == {str(p): [] for p in pages}
    stored = pd.read_parquet(outputs_root / "sabat6-demo" / "data" / "results_distribution.parquet")
    mean = stored[(stored["group_var"] == "all") & (stored["statistic"] == "mean")]
    got = (
        results_db(outputs_root)
        .sql(
            "SELECT estimate, se FROM estimates WHERE cycle = 'sabat6-demo' AND exhibit = "
            "'distribution' AND group_var = 'all' AND statistic = 'mean'"
        )
        .fetchall()[0]
    )
    assert got == pytest.approx((mean["estimate"].iloc[0], mean["se"].iloc[0]), rel=1e-12)
