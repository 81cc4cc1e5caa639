"""The synthetic teacher-education sector: its make-up, its planted cases, and truth that
matches its data (concept 000; workbench.synth.sector)."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.synth.sector import PROGRAMMES, SPECIALITIES, make_feedback, make_sector


@pytest.fixture(scope="module")
def sector():
    return make_sector(11, institutions=40, years=(2025, 2026))


def test_sector_has_both_levels_oblasts_and_the_programme_groups(sector):
    inst = sector.institutions[sector.institutions["year"] == 2025]
    assert len(inst) == 40
    assert set(inst["level"]) == {"higher", "vocational"}
    assert inst["oblast"].nunique() >= 5
    progs = sector.programmes
    higher = progs.loc[progs["level"] == "higher", "programme"]
    assert set(higher) <= set(PROGRAMMES) and higher.nunique() >= 6
    assert set(progs.loc[progs["level"] == "vocational", "programme"]) <= set(SPECIALITIES)


def test_effects_are_kept_between_years_except_for_the_improvers(sector):
    e = sector.effects.pivot_table(index=["institution", "group"], columns="year", values="effect")
    change = (e[2026] - e[2025]).groupby(level="institution").mean()
    improvers = sector.planted["improvers"]
    assert np.allclose(change.loc[improvers], 1.0)
    assert np.allclose(change.drop(improvers), 0.0)


def test_respondents_never_exceed_the_invited_population(sector):
    for resp, data in sector.returns.items():
        got = data.groupby(["year", "institution"]).size()
        inv = (
            sector.invited[sector.invited["respondent"] == resp]
            .groupby(["year", "institution"])["n_invited"]
            .sum()
        )
        assert (got <= inv.reindex(got.index)).all(), resp


def test_low_response_institutions_answer_far_less_than_the_others(sector):
    rates = (
        sector.returns["students"].groupby("institution").size()
        / sector.invited[sector.invited["respondent"] == "students"]
        .groupby("institution")["n_invited"]
        .sum()
    )
    low = sector.planted["low_response"]
    assert rates.loc[low].max() < 0.12 < rates.drop(low).min()


def test_item_truth_matches_respondents_except_for_the_planted_shift(sector):
    """Among ky respondents the returned item means agree with the population truth (the
    respondents are a random part of the population); ru respondents read PRG3 higher."""
    st = sector.returns["students"]
    st = st[st["year"] == 2025]
    truth = sector.truth_items.query("year == 2025 and respondent == 'students'")
    pop = truth.pivot(index="institution", columns="item", values="population_mean").mean()
    ky = st[st["lang"] == "ky"]
    ru = st[st["lang"] == "ru"]
    for item in ("PRG1", "PRG3", "RES2"):
        assert abs(ky[item].replace(9, np.nan).mean() - pop[item]) < 0.08
    shift = ru["PRG3"].replace(9, np.nan).mean() - ru["PRG1"].replace(9, np.nan).mean()
    assert shift > 0.4


def test_eighteen_months_are_unobserved_for_the_latest_cohort(sector):
    d = sector.destinations
    assert d.loc[d["cohort"] == 2025, "teaching_18m"].isna().all()
    assert d.loc[d["cohort"] == 2024, "teaching_18m"].notna().all()
    assert (d["teaching_12m"] >= d["teaching_6m"]).all()


def test_sector_is_reproducible_from_its_seed():
    a = make_sector(5, institutions=8, years=(2025,))
    b = make_sector(5, institutions=8, years=(2025,))
    assert a.returns["staff"].equals(b.returns["staff"])
    assert a.planted == b.planted


def test_sector_refuses_too_few_institutions():
    with pytest.raises(ValueError, match="institutions must be at least 8"):
        make_sector(1, institutions=3)


def test_feedback_names_topics_and_comments_in_the_respondents_language():
    fb = make_feedback(2, [101, 102, 103])
    assert len(fb) == 18 and fb["rating"].between(1, 5).all()
    assert set(fb["lang"]) <= {"ky", "ru"} and fb["comment"].str.len().min() > 10
