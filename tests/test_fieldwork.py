"""Simulated field returns (workbench.synth.fieldwork) and their intake with the declared
schemas (workbench/fielddata/schemas)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench import fielddata as fd
from workbench.frame import review_frame
from workbench.sampling import select_classes, select_schools
from workbench.synth import make_nation
from workbench.synth.fieldwork import (
    KINDS,
    SCHEMA_DIR,
    FieldworkRates,
    field_schemas,
    make_field_returns,
)

SEED = 18  # fieldwork seed: 5 refusals, 2 first and 2 second replacements used, 1 school lost


@pytest.fixture(scope="module")
def design():
    nation = make_nation(7, schools=300, items=24, blocks=4)
    frame = review_frame(nation.tables["register"], strata=["region", "locality", "language"]).frame
    schools = select_schools(frame, n=40, strata="region", sort_by=["locality", "enrol_g6"], seed=3)
    classes = select_classes(
        nation.tables["classes"], schools[schools["role"] == "sampled"], seed=4
    )
    return nation, schools, classes


@pytest.fixture(scope="module")
def returns(design, tmp_path_factory):
    nation, schools, classes = design
    return make_field_returns(
        nation, schools, classes, tmp_path_factory.mktemp("returns"), seed=SEED
    )


@pytest.fixture(scope="module")
def intakes(returns):
    """Intake of every kind; the tracking ids come from the accepted tracking forms."""
    schemas = returns.schemas()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tracking = {
            k: fd.intake(returns.by_kind[k], schemas[k], known_ids=returns.known_ids())
            for k in ("school_tracking", "class_tracking", "student_tracking")
        }
        known = {
            "sample.IDSCHOOL": tracking["school_tracking"].accepted["IDSCHOOL"],
            "tracking.IDCLASS": tracking["class_tracking"].accepted["IDCLASS"],
            "tracking.IDSTUD": tracking["student_tracking"].accepted["IDSTUD"],
        }
        rest = {
            k: fd.intake(returns.by_kind[k], schemas[k], known_ids=known)
            for k in KINDS
            if k not in tracking
        }
    return {**tracking, **rest}


def rescore(booklets: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """Scored codes (0/1/2, 6 not reached, 7 not administered, 9 omitted) from the booklets."""
    out = {}
    for item in items.itertuples(index=False):
        raw = booklets[item.item_id].astype(object).where(booklets[item.item_id].notna(), "")
        raw = raw.astype(str)
        if item.type == "MC":
            score = np.where(raw == item.key, 1, 0)
            score = np.select([raw == "", raw == "9", raw == "6"], [7, 9, 6], score)
        else:
            score = raw.map({"10": 1, "20": 2, "70": 0, "79": 0, "99": 9, "96": 6, "": 7})
        out[item.item_id] = np.asarray(score, dtype="int64")
    return pd.DataFrame(out, index=booklets.index)


# ----------------------------------------------------------------------------- files


def test_returns_are_byte_identical_for_the_same_seed(design, returns, tmp_path):
    nation, schools, classes = design
    again = make_field_returns(nation, schools, classes, tmp_path, seed=SEED)
    rel = [p.relative_to(returns.folder) for p in returns.files]
    assert rel == [p.relative_to(tmp_path) for p in again.files]
    assert [fd.sha256_file(p) for p in returns.files] == [fd.sha256_file(p) for p in again.files]
    pd.testing.assert_frame_equal(returns.students, again.students)


def test_every_kind_is_written_and_every_file_reads(returns):
    assert all(returns.by_kind[k] for k in KINDS)
    broken = set(returns.faults.loc[returns.faults["level"] == "file", "file"])
    formats = set()
    for path in returns.files:
        if str(path) in broken:
            continue
        ff = fd.read_field_file(path)
        formats.add((ff.format, ff.encoding, ff.delimiter))
        assert ff.n_rows > 0
    assert {
        ("csv", "utf-8", ","),
        ("csv", "cp1251", ";"),
        ("xlsx", None, None),
        ("sav", None, None),
    } <= formats


def test_cp1251_files_have_russian_headers_and_spellings_utf8_files_kyrgyz(returns):
    chui = next(p for p in returns.by_kind["student_questionnaire"] if "chui" in p.name)
    ff = fd.read_field_file(chui)
    assert ff.encoding == "cp1251" and "Фамилия" in ff.frame.columns
    utf8 = [
        fd.read_field_file(p).frame
        for p in returns.by_kind["student_questionnaire"]
        if fd.read_field_file(p).encoding == "utf-8"
    ]
    names = pd.concat(utf8)["SURNAME"].str.cat()
    assert any(ch in names for ch in "ңөүҢӨҮ")


def test_parent_file_has_value_labels_and_keeps_not_returned_apart_from_omitted(returns):
    ff = fd.read_field_file(returns.by_kind["parent_questionnaire"][0])
    assert ff.value_labels["ASBH03"][9.0] == "omitted"
    assert ff.value_labels["ASBH01"][1.0] == "mother"
    frame = ff.frame
    assert frame["ASBH03"].isna().mean() == pytest.approx(0.15, abs=0.05)  # not returned
    assert (frame["ASBH03"] == 9).any()  # omitted
    assert len(frame) == (returns.students["PARTICIP"] == 1).sum()


# ----------------------------------------------------------------------------- intake


def test_schemas_load_for_every_kind_and_flag_the_identifiers():
    schemas = field_schemas()
    assert set(schemas) == set(KINDS) == {p.stem for p in SCHEMA_DIR.glob("*.yaml")}
    assert set(schemas["student_questionnaire"].identifiers) == {
        "SURNAME",
        "FIRST_NAME",
        "PIN",
        "BIRTHDATE",
    }
    assert schemas["student_tracking"].identifiers == ["STUDENT_NAME"]


def test_intake_quarantines_exactly_the_planted_row_faults(returns, intakes):
    planted = returns.faults[returns.faults["level"] == "row"]
    found = pd.concat([r.issues for r in intakes.values()], ignore_index=True)
    as_set = {(f, int(r), c) for f, r, c in found[["file", "row", "column"]].values}
    assert as_set == {(f, int(r), c) for f, r, c in planted[["file", "row", "column"]].values}
    merged = planted.merge(found, on=["file", "row", "column"])
    assert all(e in reason for e, reason in merged[["expected", "reason"]].values)
    assert set(planted["fault"]) == {
        "duplicate_row",
        "unknown_school",
        "unknown_student",
        "wrong_letter",
        "out_of_range_code",
        "date_format",
        "blank_row",
    }


def test_intake_rejects_the_empty_and_merged_header_files_with_clear_messages(returns, intakes):
    log = intakes["principal_questionnaire"].log
    rejected = log[log["status"] == "rejected"].set_index("file")["message"]
    planted = returns.faults[returns.faults["level"] == "file"].set_index("file")["expected"]
    assert sorted(rejected.index) == sorted(planted.index)
    for file, expected in planted.items():
        assert expected in rejected[file] and Path(file).name in rejected[file]
    assert (log["status"] == "accepted").sum() == len(log) - 2


def test_counts_reconcile_per_file_and_with_the_truth(returns, intakes):
    planted = returns.faults[returns.faults["level"] == "row"]
    for kind, result in intakes.items():
        log = result.log[result.log["status"] != "rejected"]
        assert (log["rows_read"] == log["rows_accepted"] + log["rows_quarantined"]).all()
        bad = planted[planted["file"].isin(log["file"])].groupby("file")["row"].nunique()
        got = log.set_index("file")["rows_quarantined"]
        assert got.to_dict() == bad.reindex(got.index, fill_value=0).to_dict(), kind
    s = returns.students
    bad_ids = set(pd.to_numeric(planted.loc[planted["column"] == "IDSTUD", "value"]))
    booklet_ids = set(intakes["booklets"].accepted["IDSTUD"])
    assessed = set(s.loc[s["PARTICIP"] == 1, "IDSTUD"])
    assert booklet_ids <= assessed and len(assessed - booklet_ids) <= len(planted)
    assert (assessed - booklet_ids) <= bad_ids | _ids_of_changed_rows(returns, "booklets")
    classes = intakes["class_tracking"].accepted
    assert (
        classes["N_LISTED"] == classes[["N_EXCLUDED", "N_ABSENT", "N_ASSESSED"]].sum(axis=1)
    ).all()
    assert classes["N_LISTED"].sum() == len(intakes["student_tracking"].accepted)


def _ids_of_changed_rows(returns, kind: str) -> set[int]:
    """IDSTUD of rows whose cells were changed (wrong letter, out-of-range code)."""
    ids = set()
    planted = returns.faults[
        (returns.faults["level"] == "row")
        & returns.faults["file"].isin(map(str, returns.by_kind[kind]))
    ]
    for file, rows in planted.groupby("file")["row"]:
        frame = fd.read_field_file(file).frame.set_index("_source_row")
        col = "IDSTUD" if "IDSTUD" in frame else "Код ученика"
        ids |= set(pd.to_numeric(frame.loc[rows.astype(int), col], errors="coerce").dropna())
    return {int(i) for i in ids}


def test_without_faults_every_row_is_accepted(design, tmp_path):
    nation, schools, classes = design
    clean = make_field_returns(nation, schools, classes, tmp_path, seed=SEED, faults=False)
    assert clean.faults.empty
    schemas = clean.schemas()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for kind in KINDS:
            paths = clean.by_kind[kind][:4]  # (XLSX intake is slow: 4 principal files do)
            r = fd.intake(
                paths if kind == "principal_questionnaire" else clean.by_kind[kind],
                schemas[kind],
                known_ids=clean.known_ids(),
            )
            assert r.reconciliation.quarantined == 0 and (r.log["status"] == "accepted").all()


# ----------------------------------------------------------------------------- content


def test_booklets_rescored_with_the_keys_reproduce_the_nations_scores(design, returns, intakes):
    nation = design[0]
    items = nation.tables["items"]
    acc = intakes["booklets"].accepted
    ids = returns.students.set_index("IDSTUD")["student_id"]
    truth = (
        nation.tables["responses"]
        .set_index("student_id")
        .loc[ids.loc[acc["IDSTUD"]].to_numpy(), items["item_id"]]
        .reset_index(drop=True)
    )
    scored = rescore(acc, items)
    assert (scored.to_numpy() == truth.to_numpy()).all()
    assert (
        acc["IDBOOK"].to_numpy()
        == nation.tables["responses"]
        .set_index("student_id")
        .loc[ids.loc[acc["IDSTUD"]], "booklet"]
        .to_numpy()
    ).all()
    counts = pd.Series(scored.to_numpy().ravel()).value_counts()
    assert {6, 7, 9} <= set(counts.index)  # not reached, not administered, omitted distinct


def test_missing_codes_are_written_distinctly_for_mc_and_cr(design, returns):
    items = design[0].tables["items"].set_index("item_id")
    frame = pd.concat([fd.read_field_file(p).frame for p in returns.by_kind["booklets"]])
    mc = items.index[items["type"] == "MC"]
    cr = items.index[items["type"] == "CR"]
    mc_values = set(frame[mc].to_numpy().ravel())
    cr_values = set(frame[cr].to_numpy().ravel())
    assert {"A", "B", "C", "D", "6", "9", ""} <= mc_values
    assert {"10", "70", "79", "96", "99", ""} <= cr_values and "20" in cr_values
    assert not {"96", "99"} & mc_values and not {"6", "9"} & cr_values


def test_refusals_and_replacements_in_the_tracking_form_match_the_truth(returns, intakes):
    form = intakes["school_tracking"].accepted.set_index("IDSCHOOL")
    truth = returns.schools.set_index("IDSCHOOL")
    refused = form[(form["ROLE"] == 0) & (form["PARTICIP"] == 2)]["SCHCODE"]
    assert sorted(refused) == sorted(returns.refused) and len(refused) == 5
    used = form[(form["ROLE"] > 0) & (form["PARTICIP"] == 1)]
    assert (
        dict(zip(form.loc[used["REPLACES"], "SCHCODE"], used["SCHCODE"], strict=True))
        == returns.replacements_used
    )
    assert sorted(used["ROLE"].value_counts().items()) == [(1, 2), (2, 2)]
    assert (form["PARTICIP"].to_numpy() == truth.loc[form.index, "PARTICIP"].to_numpy()).all()
    per_group = (
        form[form["PARTICIP"] == 1]
        .groupby(form["REPLACES"].where(form["ROLE"] > 0, form.index.to_series()))
        .size()
    )
    assert per_group.max() == 1  # never an original and its replacement both
    took_part = set(form.index[form["PARTICIP"] == 1])
    assert set(intakes["class_tracking"].accepted["IDSCHOOL"]) == took_part


def test_tracking_forms_feed_participation_rates(returns, intakes):
    form = intakes["school_tracking"].accepted
    schools = pd.DataFrame(
        {
            "IDSCHOOL": form["IDSCHOOL"],
            "role": form["ROLE"].map({0: "sampled", 1: "replacement_1", 2: "replacement_2"}),
            "replaces": form["REPLACES"],
            "participated": form["PARTICIP"] == 1,
            "mos": form["MOS"].astype(float),
            "weight": 1.0,
        }
    )
    classes = intakes["class_tracking"].accepted.rename(
        columns={"N_LISTED": "listed", "N_EXCLUDED": "excluded", "N_ASSESSED": "assessed"}
    )
    rates = fd.participation_rates(schools, classes).query("weighting == 'unweighted'")
    rates = rates.set_index("rate")["estimate"]
    assert rates["school_before_replacement"] == pytest.approx(35 / 40)
    assert rates["school_after_replacement"] == pytest.approx(39 / 40)


def test_student_outcomes_match_the_truth_and_the_target_rates(returns, intakes):
    form = intakes["student_tracking"].accepted.set_index("IDSTUD")
    s = returns.students.set_index("IDSTUD")
    assert (form["PARTICIP"].to_numpy() == s.loc[form.index, "PARTICIP"].to_numpy()).all()
    assert form["EXCLUSION"].notna().eq(form["PARTICIP"] == 3).all()
    assert form["IDBOOK"].isna().eq(form["PARTICIP"] == 3).all()
    n = len(s)
    excluded = (s["PARTICIP"] == 3).mean()
    absent = (s.loc[s["PARTICIP"] != 3, "PARTICIP"] == 2).mean()
    assert excluded == pytest.approx(0.015, abs=4 * np.sqrt(0.015 * 0.985 / n))
    assert absent == pytest.approx(0.05, abs=4 * np.sqrt(0.05 * 0.95 / n))
    low = s["theta"] < s["theta"].median()
    assert (s.loc[low, "PARTICIP"] == 2).mean() > (s.loc[~low, "PARTICIP"] == 2).mean()


def test_student_questionnaire_answers_follow_the_truth(returns, intakes):
    q = intakes["student_questionnaire"].accepted.set_index("IDSTUD")
    s = returns.students.set_index("IDSTUD").loc[q.index]
    answered = q["ASBG04"] != 9
    answered = answered.to_numpy()
    assert (q["ASBG04"].to_numpy()[answered] == s["books"].to_numpy()[answered]).all()
    girl = (q["ASBG01"] == 1).to_numpy()
    assert (s["female"].to_numpy()[girl] == 1).all()
    pin = q["PIN"].str
    assert (pin.len() == 14).all()
    assert (pin[1:9] == q["BIRTHDATE"].dt.strftime("%d%m%Y")).all()
    assert (pin[0].astype(int).to_numpy() == np.where(s["female"] == 1, 1, 2)).all()


def test_double_coding_agreement_is_near_the_target(returns, intakes):
    dc = intakes["double_coding"].accepted
    n = len(dc)
    assert n >= 200 * 5
    agree = (dc["CODE1"] == dc["CODE2"]).mean()
    assert agree == pytest.approx(0.90, abs=4 * np.sqrt(0.09 / n))
    assert (dc["CODER1"] != dc["CODER2"]).all()
    booklets = intakes["booklets"].accepted.set_index("IDSTUD")
    mine = dc[dc["IDSTUD"].isin(booklets.index)]
    first = [booklets.at[i, item] for i, item in mine[["IDSTUD", "ITEM"]].values]
    assert (mine["CODE1"].to_numpy() == np.array(first, dtype="int64")).all()


def test_make_field_returns_rejects_a_sample_without_roles(design, tmp_path):
    nation, schools, classes = design
    with pytest.raises(KeyError, match="sample_schools lacks columns \\['role'\\]"):
        make_field_returns(nation, schools.drop(columns="role"), classes, tmp_path, seed=1)


def test_rates_are_configurable(design, tmp_path):
    nation, schools, classes = design
    fr = make_field_returns(
        nation,
        schools,
        classes,
        tmp_path,
        seed=SEED,
        faults=False,
        rates=FieldworkRates(refusal=0.0, cp1251_regions=()),
    )
    assert fr.refused == [] and not fr.replacements_used
    assert all(fd.read_field_file(p).encoding == "utf-8" for p in fr.by_kind["booklets"])


def test_stale_files_in_the_folder_are_reported(design, tmp_path):
    nation, schools, classes = design
    (tmp_path / "booklets").mkdir()
    (tmp_path / "booklets" / "booklets_old.csv").write_text("IDSTUD\n1\n", encoding="utf-8")
    with pytest.warns(UserWarning, match="1 file\\(s\\) .* not written by this call"):
        make_field_returns(nation, schools, classes, tmp_path, seed=SEED, faults=False)
