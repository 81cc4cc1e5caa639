"""The validity stage's report tables (workbench.psychometrics.review): hand-computed cases."""

import numpy as np
import pandas as pd
import pytest

from workbench.labels import LANGS
from workbench.psychometrics import item_verdicts, review
from workbench.report import table_html


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
            "item_id": ["a", "b", "c", "d"],
            "r_item_rest": [0.4, 0.4, 0.4, 0.4],
            "flags": ["", "", "", ""],
        }
    )
    fit = pd.DataFrame(
        {
            "item_id": ["a", "b", "c", "d"],
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
    assert review.reasons_table(verdicts)["item_id"].tolist() == ["b", "c", "d"]
    assert review.reasons_table(verdicts)["reason"].tolist() == ["infit", "outfit", "misfit_rmsd"]
    counts = [review.verdict_count(verdicts, v) for v in ("keep", "review", "drop")]
    assert counts == [1, 2, 1]  # d is dropped (RMSD above 0.15), b and c reviewed


def test_reasons_are_codes_labelled_in_each_language_with_the_dif_comparison():
    v = pd.DataFrame(
        {"item_id": ["a", "b"], "verdict": ["review", "keep"], "reasons": ["hard;dif_language", ""]}
    )
    shown = review.reasons_table(v)
    assert shown.values.tolist() == [["a", "review", "hard"], ["a", "review", "dif_language"]]
    pages = {lang: table_html(shown, lang=lang, verbatim=("item_id",)) for lang in LANGS}
    assert "DIF уровня C (язык обучения)" in pages["ru"] and "пересмотреть" in pages["ru"]
    assert "C деңгээлиндеги DIF (окутуу тили)" in pages["ky"]
    assert "C-level DIF (language of instruction)" in pages["en"]
    assert not any(word in pages[lang] for lang in ("ky", "ru") for word in ("dif_", ">hard<"))


def test_statistics_flags_are_one_compound_code_labelled_part_by_part():
    s = pd.DataFrame(
        {
            "item_id": ["a", "b"],
            "omitted": [0.05, 0.0],
            "not_reached": [0.0, 0.2],
            "flag_hard": [True, False],
            "flags": ["hard;low_rpb", ""],
        }
    )
    shown = review.statistics_table(s)
    assert list(shown.columns) == ["item_id", "omitted", "not_reached", "flags"]
    assert shown["omitted"].tolist() == [5.0, 0.0] and shown["not_reached"].tolist() == [0.0, 20.0]
    assert "слишком трудное / низкий r" in table_html(shown, lang="ru", verbatim=("item_id",))


def test_headline_figures_of_the_stage():
    summary = pd.DataFrame({"group": ["ky", "all", "girl"], "alpha": [0.71, 0.83, 0.80]})
    assert review.median_alpha(summary) == 0.83
    agreement = pd.DataFrame(
        {"item_id": ["R1", "R2", "overall"], "exact_agreement": [0.80, 0.90, 0.85]}
    )
    assert review.overall_agreement(agreement) == pytest.approx(85.0)


def test_dif_shown_keeps_b_and_c_in_either_method_with_the_groups_compared():
    dif = pd.DataFrame(
        {
            "comparison": ["gender"] * 4,
            "focal": "girl",
            "reference": "boy",
            "item_id": ["a", "b", "c", "d"],
            "max_score": 1,
            "n_reference": 100,
            "n_focal": 90,
            "d_dif": [0.1, -1.2, 0.2, -1.7],
            "d_dif_se": 0.3,
            "smd": 0.0,
            "p_value": 0.5,
            "ets_class": ["A", "B-", "A", "C-"],
            "irt_difference": [0.0, 0.3, 0.6, 0.5],
            "irt_se": 0.1,
            "irt_class": ["A", "B", "C", "C"],
            "flagged": [False, False, False, True],
        }
    )
    shown = review.dif_shown(dif)
    assert shown["item_id"].tolist() == ["b", "c", "d"]  # a is A in both
    assert {"focal", "reference"} <= set(shown.columns) and "p_value" not in shown
    page = table_html(shown, lang="ky", verbatim=("item_id", "ets_class", "irt_class"))
    assert "кыздар" in page and "балдар" in page


def test_score_level_table_takes_the_partial_credit_items_in_percent():
    scores = pd.DataFrame({"m": [0, 1, 1, 0], "p": [0, 1, 2, 2]})
    items = pd.DataFrame({"item_id": ["m", "p"], "max_score": [1, 2]})
    got = review.score_level_table(scores, items)
    assert set(got["item_id"]) == {"p"}
    # p: one student at 0, one at 1, two at 2 -> 25 %, 25 %, 50 %
    assert got["proportion"].tolist() == pytest.approx([25.0, 25.0, 50.0])


def test_loadings_table_adds_each_items_msa():
    loadings = pd.DataFrame({"item_id": ["q1", "q2"], "factor": 1, "loading": [0.7, 0.6]})
    adequacy = pd.DataFrame({"item_id": ["q2", "q1", "overall"], "msa": [0.7, 0.6, 0.65]})
    assert review.loadings_table(loadings, adequacy)["msa"].tolist() == [0.6, 0.7]


def test_weakest_options_picks_the_items_whose_distractor_correlates_most():
    options = pd.DataFrame(
        {
            "item_id": ["a", "a", "b", "b", "c", "c"],
            "option": ["A", "B"] * 3,
            "is_key": [True, False] * 3,
            "proportion": [0.6, 0.4, 0.7, 0.3, 0.8, 0.2],
            "r_option_rest": [0.4, 0.10, 0.4, -0.2, 0.4, 0.05],
        }
    )
    got = review.weakest_options(options, n=2)
    assert sorted(got["item_id"].unique()) == ["a", "c"]
    assert got["proportion"].tolist() == pytest.approx([60.0, 40.0, 80.0, 20.0])


def test_indices_summary_matches_pandas_describe():
    idx = pd.DataFrame({"IDSTUD": ["s1", "s2", "s3"], "X": [8.0, 10.0, np.nan]})
    got = review.indices_summary(idx).iloc[0]
    assert got["count"] == 2 and got["mean"] == 9.0 and got["std"] == pytest.approx(2**0.5)
    assert (got["min"], got["max"]) == (8.0, 10.0)
