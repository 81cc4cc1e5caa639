"""Columns with one rule validated in one pass give what the column-by-column check gives.

Reference: the column-by-column path of ``workbench.fielddata.validate`` (``_check_column``,
the code every field-data test was written against), run on the same frame with the
grouping switched off; planted odd cells (spaces, decimals, commas, letters, formulas,
invisible characters, blanks) in item, questionnaire, integer and decimal columns.
"""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest

from workbench.fielddata.schema import Schema

v = importlib.import_module("workbench.fielddata.validate")  # the module, not the function

ODD = ["", " 1", "1.0", "1,5", "2.5", "x", "7", "9", "=A1", "1\u200b", "-3", "20", "1e1", None]
SCHEMA = Schema(
    name="students",
    id_columns=["IDSTUD"],
    unique=[["IDSTUD"]],
    columns=[
        {"name": "IDSTUD", "type": "int", "min": 1},
        {"name": ["R01", "R02", "R03"], "type": "code", "codes": [0, 1, 2], "missing": {9: "o"}},
        {"name": ["M01", "M02"], "type": "code", "codes": ["A", "B"], "missing": {"9": "o"}},
        {"name": ["Q01", "Q02"], "type": "int", "min": 1, "max": 4, "allow_blank": True},
        {"name": ["W1", "W2"], "type": "float", "min": 0, "max": 10, "required": False},
    ],
)


def _frame(seed: int, n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    good = {"R": ["0", "1", "2", "9"], "M": ["A", "B", "9"], "Q": ["1", "2", "4"], "W": ["0.5"]}
    data = {"IDSTUD": [str(i) for i in rng.choice(n * 2, n, replace=False) + 1]}
    for name in ["R01", "R02", "R03", "M01", "M02", "Q01", "Q02", "W1", "W2"]:
        cells = rng.choice(good[name[0]], n).astype(object)
        odd = rng.random(n) < 0.08
        cells[odd] = rng.choice(np.array(ODD, dtype=object), odd.sum())
        data[name] = cells
    frame = pd.DataFrame(data)
    frame.loc[5, "IDSTUD"] = frame.loc[6, "IDSTUD"]  # a duplicate
    frame.loc[9, list(data)] = None  # a blank row
    return frame


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_grouped_columns_give_the_column_by_column_result(seed, monkeypatch):
    frame = _frame(seed)
    grouped = v.validate(frame, SCHEMA)
    monkeypatch.setattr(v, "_check_groups", lambda *args: {})
    one_by_one = v.validate(frame, SCHEMA)
    assert len(grouped.issues) > 50  # the odd cells were found
    pd.testing.assert_frame_equal(grouped.issues, one_by_one.issues)
    pd.testing.assert_frame_equal(grouped.accepted, one_by_one.accepted)
    pd.testing.assert_frame_equal(grouped.quarantined, one_by_one.quarantined)
    assert grouped.reconciliation == one_by_one.reconciliation


def test_columns_not_read_as_text_are_checked_one_by_one():
    frame = pd.DataFrame({"IDSTUD": [1, 2], "R01": [1, 5], "R02": ["1", 5]})
    schema = Schema(
        name="s",
        columns=[
            {"name": "IDSTUD", "type": "int"},
            {"name": ["R01", "R02"], "type": "code", "codes": [0, 1, 2]},
        ],
    )
    assert v._check_groups(frame, schema, np.ones(2, dtype=bool)) == {}
    reasons = v.validate(frame, schema).issues["reason"].tolist()
    assert reasons == [f"{c} code not allowed (allowed: 0, 1, 2)" for c in ("R01", "R02")]
