"""The validity stage's report tables (workbench.psychometrics.review): hand-computed cases."""

import numpy as np
import pandas as pd
import pytest

from workbench.psychometrics import item_verdicts, review


def test_questionnaire_answers_blank_the_schema_missing_codes_only():
    q = pd.DataFrame({"ASBG04": [1, 5, 9, None], "ASBR01A": ["4", "9", "2", "x"]})
    got = review.questionnaire_answers(q, ["ASBG04", "ASBR01A"])
    assert got["ASBG04"].tolist()[:2] == [1.0, 5.0] and got["ASBG04"].isna().tolist()[2:] == [
        True,
        True,
    ]
    assert got["ASBR01A"].iloc[0] == 4.0 and np.isnan(got["ASBR01A"].iloc[1])
    assert got["ASBR01A"].iloc[2] == 2.0 and np.isnan(got["ASBR01A"].iloc[3])
    assert q["ASBG04"].iloc[2] == 9  # the input is unchanged


def test_questionnaire_answers_names_an_unknown_column():
    with pytest.raises(KeyError, match=r"questionnaire_answers: columns \['NOPE'\]"):
        review.questionnaire_answers(pd.DataFrame({"ASBG04": [1]}), ["NOPE"])


def test_count_reasons_follows_the_verdict_rule_for_misfit():
    stats = pd.DataFrame(
        {
            "item": ["a", "b", "c", "d"],
            "r_item_rest": [0.4, 0.4, 0.4, 0.4],
            "flags": ["", "", "", ""],
        }
    )
    fit = pd.DataFrame(
        {
            "item": ["a", "b", "c", "d"],
            "infit_msq": [1.0, 1.3, 1.0, 1.0],
            "outfit_msq": [1.0, 1.0, 0.7, 1.0],
        }
    )
    calibration = pd.DataFrame(
        {"item_id": ["a", "b", "c", "d"], "a": [1.0] * 4, "rmsd": [0.02, 0.02, 0.02, 0.2]}
    )
    verdicts = item_verdicts(
        stats, fit=fit, calibration=calibration, drop_rmsd=0.15, fit_range=(0.8, 1.2)
    )
    # b (infit 1.3), c (outfit 0.7) and d (RMSD 0.2) misfit; a does not
    assert review.count_reasons(verdicts) == 3
    assert review.reasons_table(verdicts, lang="en")["item_id"].tolist() == ["b", "c", "d"]


def test_reasons_table_labels_dif_with_its_comparison_in_each_language():
    v = pd.DataFrame({"item_id": ["a"], "verdict": ["review"], "reasons": ["dif_language"]})
    for lang in ("ky", "ru", "en"):
        shown = review.reasons_table(v, lang=lang)["reasons"].iloc[0]
        assert "dif_" not in shown and "(" in shown


def test_weakest_options_picks_the_items_whose_distractor_correlates_most():
    options = pd.DataFrame(
        {
            "item": ["a", "a", "b", "b", "c", "c"],
            "option": ["A", "B"] * 3,
            "is_key": [True, False] * 3,
            "proportion": [0.6, 0.4, 0.7, 0.3, 0.8, 0.2],
            "r_option_rest": [0.4, 0.10, 0.4, -0.2, 0.4, 0.05],
        }
    )
    got = review.weakest_options(options, n=2)
    assert sorted(got["item"].unique()) == ["a", "c"]
    assert got["proportion"].tolist() == pytest.approx([60.0, 40.0, 80.0, 20.0])


def test_indices_summary_matches_pandas_describe():
    idx = pd.DataFrame({"IDSTUD": ["s1", "s2", "s3"], "X": [8.0, 10.0, np.nan]})
    got = review.indices_summary(idx).iloc[0]
    assert got["count"] == 2 and got["mean"] == 9.0 and got["std"] == pytest.approx(2**0.5)
    assert (got["min"], got["max"]) == (8.0, 10.0)
