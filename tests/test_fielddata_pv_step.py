"""The reconciliation's last step: weighted students without plausible values, and why."""

from __future__ import annotations

import pandas as pd

from workbench.fielddata import check_reconciliation, plausible_values_step
from workbench.fielddata.reconciliation import RECONCILIATION_COLUMNS


def _weighted(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("student", "booklet", "kept", "kept", n - 3),
            ("student", "weighted", "kept", "kept", n),
            ("student", "weighted", "added", "weighted_without_booklet", 3),
        ],
        columns=RECONCILIATION_COLUMNS,
    )


def test_weighted_without_booklet_counted_at_the_pv_step_and_the_table_reconciles():
    weighted = [f"s{i}" for i in range(100)]
    scored = weighted[3:]  # 3 assessed students with no booklet
    scaled = weighted[4:]  # 1 with a booklet but no PV (no item kept)
    r = plausible_values_step(_weighted(100), weighted=weighted, scored=scored, scaled=scaled)
    step = r[r["step"] == "plausible_values"].set_index("reason")["n"].to_dict()
    assert step == {"kept": 96, "weighted_without_booklet": 3, "no_responses": 1}
    assert check_reconciliation(r).empty


def test_a_pv_step_that_does_not_start_from_the_weighted_students_says_so():
    weighted = [f"s{i}" for i in range(98)]  # two weighted students lost before scaling
    r = plausible_values_step(_weighted(100), weighted=weighted, scored=weighted, scaled=weighted)
    lost = r[(r["step"] == "plausible_values") & (r["reason"] == "not_reconciled")]
    assert lost[["change", "n"]].values.tolist() == [["dropped", 2]]
