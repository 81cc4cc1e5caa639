"""The results database holds every published row with its labels in three languages.

Reference: the labels the results stage stored with each row (themselves from the label files
and the cycle's codebook, ``workbench/scaling/codebook.yaml``) and the page-scan rule of
:func:`workbench.publish.checks.untranslated` (no Latin word on a Kyrgyz label but the
allowed method names such as R² and ICC).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from workbench.publish.checks import ALLOWED
from workbench.publish.database import build_results_db, results_db

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*[A-Za-z0-9]")


def _latin(text: str) -> list[str]:
    return [w for w in _WORD.findall(str(text)) if w not in ALLOWED]


def test_stored_labels_are_kept_and_percent_rows_are_named_percent(tmp_path):
    data = tmp_path / "c2025" / "data"
    data.mkdir(parents=True)
    pd.DataFrame(
        {
            "background": ["ASBG04"],
            "category": ["1"],
            "percent": [17.5],
            "percent_se": [1.2],
            "estimate": [452.0],
            "se": [4.0],
            "n": [1000],
            "flags": [""],
            "label_ky": ["Үйдөгү китептер: 0–10"],
            "label_ru": ["Книги дома: 0–10"],
            "label_en": ["Books at home: 0-10"],
        }
    ).to_parquet(data / "results_context.parquet")
    pd.DataFrame(
        {
            "group_var": ["all"],
            "group": ["all"],
            "statistic": ["mean"],
            "estimate": [500.0],
            "se": [3.0],
            "n": [1000],
            "flags": [""],
        }
    ).to_parquet(data / "results_distribution.parquet")
    build_results_db(tmp_path)
    rows = (
        results_db(tmp_path)
        .sql(
            "SELECT exhibit, statistic, estimate, label_ru FROM estimates"
            " ORDER BY exhibit, statistic"
        )
        .fetchall()
    )
    assert rows == [
        ("context", "mean", 452.0, "Книги дома: 0–10"),
        ("context", "percent", 17.5, "Книги дома: 0–10"),
        ("distribution", "mean", 500.0, "По республике"),  # no stored label: made from the code
    ]


@pytest.mark.slow
def test_every_demo_estimate_is_labelled_in_kyrgyz_and_russian(demo_run, outputs_root):
    build_results_db(outputs_root)
    rows = (
        results_db(outputs_root)
        .sql(
            'SELECT exhibit, variable, "group", statistic, label_ky, label_ru, label_en '
            "FROM estimates WHERE cycle = 'sabat6-demo'"
        )
        .df()
    )
    assert len(rows) > 400 and set(rows["exhibit"]) >= {"distribution", "context", "regression"}
    empty = rows[
        rows[["label_ky", "label_ru", "label_en"]].isna().any(axis=1)
        | (rows[["label_ky", "label_ru"]] == "").any(axis=1)
    ]
    assert empty.empty, empty.head()
    latin = {t: _latin(t) for t in rows["label_ky"].unique() if _latin(t)}
    assert latin == {}
    books = rows[(rows["variable"] == "ASBG04") & (rows["group"] == "1")]
    assert set(books["label_ru"]) == {"Книги дома: 0–10"}  # the codebook's words
    girls = rows[(rows["exhibit"] == "regression") & (rows["variable"] == "ITSEX_girl")]
    assert girls["label_ky"].tolist() == ["Жынысы: кыздар"]
    assert set(rows.loc[rows["exhibit"] == "context", "statistic"]) == {"mean", "percent"}
