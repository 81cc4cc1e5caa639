"""A whole delivery with planted faults: nothing read is lost, nothing delivered is ignored.

The corpus beside ``test_fielddata_corpus.py`` (which spoils single files): here the faults
live between files and folders — unexpected folders and names, a student in two files, an
ID written with a leading zero, a file delivered twice, booklets that contradict the
tracking form, answers outside the booklet, one coder twice, a rejected or empty tracking
form, one bad cell in a tracking row. Each test plants a fault in the small delivery of
``tests/fielddata_delivery.py`` and checks that the intake finds exactly it.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests import fielddata_delivery as dl
from workbench import fielddata as fd


def take_in(tmp_path, content=None):
    return dl.take_in(tmp_path, content)


def issues_of(field, kind):
    issues = field.issues()
    return issues[issues["kind"] == kind]


def test_clean_delivery_is_accepted_whole_and_reconciles(tmp_path):
    field = take_in(tmp_path)
    assert field.issues().empty and field.unmatched == []
    assert (field.checks["n"][field.checks["check"] != "assessed_without_booklet"] == 0).all()
    recon = fd.reconcile_intake(field, dl.SAMPLE)
    assert fd.check_reconciliation(recon).empty
    flow = fd.reconciliation_flow(recon).set_index(["level", "step"])["n"]
    # truth: 24 listed, 2 excluded, 2 absent, 20 assessed with a booklet each
    assert flow[("student", "tracking_read")] == 24
    assert flow[("student", "assessed")] == 20 and flow[("student", "booklet")] == 20
    lost = recon[recon["change"] == "dropped"].set_index(["level", "reason"])["n"]
    assert lost[("student", "absent")] == 2 and lost[("student", "excluded")] == 2


def test_every_file_under_the_delivery_has_exactly_one_row_in_the_audit(tmp_path):
    content = dl.files()
    content["Tracking/Student_Tracking.CSV"] = content.pop("tracking/student_tracking.csv")
    content["extra/booklets_late.csv"] = dl.booklets(1701)  # unexpected folder
    content["booklets/scan_notes.docx"] = b"PK\x03\x04 not a table"  # unknown extension
    content["readme.txt"] = b"delivered 2025-05-01"  # top of the delivery
    content["booklets/.DS_Store"] = b"\x00\x00"  # system file
    field = take_in(tmp_path, content)
    audit = field.audit()
    audit["file"] = (audit["folder"] + "/").where(audit["folder"] != "", "") + audit["file"]
    on_disk = sorted(
        p.relative_to(tmp_path / "incoming").as_posix()
        for p in (tmp_path / "incoming").rglob("*")
        if p.is_file()
    )
    assert sorted(audit["file"]) == on_disk
    fate = audit.set_index("file")["fate"]
    assert fate["Tracking/Student_Tracking.CSV"] == "read"  # capitalised: still read
    assert fate["booklets/scan_notes.docx"] == "rejected"
    assert (
        fate[["extra/booklets_late.csv", "readme.txt", "booklets/.DS_Store"]].eq("unexpected").all()
    )
    reason = audit.set_index("file")["reason"]
    assert "unexpected folder extra/" in reason["extra/booklets_late.csv"]
    assert "unknown file type '.docx'" in reason["booklets/scan_notes.docx"]
    assert (audit["rows_read"] == audit["rows_accepted"] + audit["rows_quarantined"]).all()
    assert issues_of(field, "booklets").empty  # the students' tracking rows were read


def test_student_in_two_files_with_a_leading_zero_is_quarantined_naming_both_sources(tmp_path):
    content = dl.files()
    again = dl.booklets(1701).iloc[[4]].assign(IDSTUD="0170105")
    content["booklets/booklets_b.csv"] = pd.concat([content["booklets/booklets_b.csv"], again])
    field = take_in(tmp_path, content)
    issues = issues_of(field, "booklets")
    assert len(issues) == 2
    assert set(issues["file"].map(lambda f: f.rsplit("/", 1)[-1])) == {
        "booklets_a.csv",
        "booklets_b.csv",
    }
    reason = issues["reason"].iloc[0]
    assert "booklets_a.csv row 6" in reason and "booklets_b.csv row 12" in reason
    assert 170105 not in set(field.results["booklets"].accepted["IDSTUD"])
    recon = fd.reconcile_intake(field, dl.SAMPLE)
    lost = recon[recon["change"] == "dropped"].set_index(["level", "reason"])["n"]
    assert lost[("student", "booklet_quarantined")] == 1


def test_whole_file_delivered_twice_is_read_once_and_the_copy_rejected(tmp_path):
    content = dl.files()
    content["booklets/booklets_a_copy.csv"] = content["booklets/booklets_a.csv"]
    field = take_in(tmp_path, content)
    log = field.audit().set_index("file")
    assert log.loc["booklets_a_copy.csv", "folder"] == "booklets"
    assert log.loc["booklets_a_copy.csv", "fate"] == "rejected"
    assert "delivered twice" in log.loc["booklets_a_copy.csv", "reason"]
    assert "booklets_a.csv" in log.loc["booklets_a_copy.csv", "reason"]
    assert issues_of(field, "booklets").empty
    assert len(field.results["booklets"].accepted) == 20


def test_id_with_a_cyrillic_letter_or_invisible_character_names_the_real_cause(tmp_path):
    content = dl.files()
    book = content["booklets/booklets_a.csv"]
    book.loc[2, "IDSTUD"] = "17О103"  # Cyrillic O for zero
    book.loc[3, "IDSTUD"] = "1701\u200b04"  # zero-width space
    field = take_in(tmp_path, content)
    issues = issues_of(field, "booklets").set_index("row")
    assert "look-alike letter 'О' (U+041E" in issues.loc[4, "reason"]
    assert "character 3" in issues.loc[4, "reason"]
    assert "invisible character U+200B zero-width space at character 5" in issues.loc[5, "reason"]


def test_booklets_that_contradict_the_tracking_form_are_quarantined(tmp_path):
    content = dl.files()
    book = content["booklets/booklets_a.csv"]
    book.loc[0, ["IDSCHOOL", "IDCLASS"]] = ["18", "1801"]  # another school and class
    excluded = book.iloc[[1]].assign(IDSTUD="170111", IDBOOK="2")  # the excluded student
    book.loc[5, "R201"] = "C"  # booklet 1: R201 not in it
    content["booklets/booklets_a.csv"] = pd.concat([book, excluded], ignore_index=True)
    field = take_in(tmp_path, content)
    checks = field.checks.set_index(["check", "kind"])["n"]
    assert checks[("school_class_mismatch", "booklets")] == 1
    assert checks[("booklet_not_assessed", "booklets")] == 1
    assert checks[("answers_outside_booklet", "booklets")] == 1
    reasons = issues_of(field, "booklets").set_index("row")["reason"]
    assert "student_tracking.csv row 2" in reasons[2]  # the tracking row is named
    assert "excluded" in reasons[12]
    assert "outside booklet 1 (R201)" in reasons[7]
    assert 170106 not in set(field.results["booklets"].accepted["IDSTUD"])  # never scored
    recon = fd.reconcile_intake(field, dl.SAMPLE)
    assert fd.check_reconciliation(recon).empty
    lost = recon[recon["change"] == "dropped"].set_index(["level", "reason"])["n"]
    assert lost[("student", "booklet_quarantined")] == 2  # the mismatch and the outside one


def test_one_coder_twice_in_double_coding_is_quarantined(tmp_path):
    content = dl.files()
    content["reliability/double_coding.csv"].loc[1, "CODER2"] = "2"
    field = take_in(tmp_path, content)
    issues = issues_of(field, "double_coding")
    assert issues["row"].tolist() == [3]
    assert "same coder" in issues["reason"].iloc[0]


def test_assessed_students_without_a_booklet_are_counted_and_explained(tmp_path):
    content = dl.files()
    content["booklets/booklets_b.csv"] = content["booklets/booklets_b.csv"].iloc[:-3]
    field = take_in(tmp_path, content)
    checks = field.checks.set_index("check")["n"]
    assert checks["assessed_without_booklet"] == 3
    recon = fd.reconcile_intake(field, dl.SAMPLE)
    lost = recon[recon["change"] == "dropped"].set_index(["level", "reason"])["n"]
    assert lost[("student", "booklet_missing")] == 3


def test_one_bad_cell_in_a_tracking_row_quarantines_that_row_with_its_file_row(tmp_path):
    content = dl.files()
    track = content["tracking/student_tracking.csv"]
    track.loc[track["IDSTUD"] == "180104", "SEX"] = "x"
    field = take_in(tmp_path, content)
    issues = issues_of(field, "student_tracking")
    assert issues[["row", "column"]].values.tolist() == [[dl.row_of(track, IDSTUD="180104"), "SEX"]]
    recon = fd.reconcile_intake(field, dl.SAMPLE)
    assert fd.check_reconciliation(recon).empty
    lost = recon[recon["change"] == "dropped"].set_index(["level", "reason"])["n"]
    assert lost[("student", "tracking_quarantined")] == 1  # counted, not vanished
    tables = fd.clean_tables(field, dl.ITEMS, key=b"k" * 32, cycle="t")
    assert len(tables["student_tracking"]) == 23
    booklet = issues_of(field, "booklets")  # the student's booklet says why it waits
    assert booklet["reason"].tolist() == [
        "IDSTUD's own row on the student tracking form was quarantined (see there)"
    ]


@pytest.mark.parametrize("spoil", ["rejected", "empty", "missing"])
def test_a_rejected_empty_or_missing_tracking_form_does_not_crash_the_intake(tmp_path, spoil):
    content = dl.files()
    if spoil == "rejected":
        content["tracking/class_tracking.csv"] = content["tracking/class_tracking.csv"].assign(
            UNKNOWN="1"
        )
    elif spoil == "empty":
        content["tracking/class_tracking.csv"] = b""
    else:
        del content["tracking/class_tracking.csv"]
    field = take_in(tmp_path, content)
    issues = issues_of(field, "student_tracking")
    assert len(issues) == 24
    assert issues["reason"].str.contains("IDCLASS cannot be checked: the class tracking form").all()
    recon = fd.reconcile_intake(field, dl.SAMPLE)
    assert fd.check_reconciliation(recon).empty
    tables = fd.clean_tables(field, dl.ITEMS, key=b"k" * 32, cycle="t")
    assert tables["class_tracking"].empty and "IDCLASS" in tables["class_tracking"]


def test_an_empty_student_tracking_file_rejects_it_and_explains_every_booklet(tmp_path):
    content = dl.files()
    content["tracking/student_tracking.csv"] = b""
    field = take_in(tmp_path, content)
    audit = field.audit().set_index("file")
    assert audit.loc["student_tracking.csv", "fate"] == "rejected"
    assert (
        "file is empty (tracking/student_tracking.csv"
        in audit.loc["student_tracking.csv", "reason"]
    )
    reasons = issues_of(field, "booklets")["reason"]
    assert len(reasons) == 20
    assert reasons.str.contains("student tracking form was rejected").all()
    recon = fd.reconcile_intake(field, dl.SAMPLE)
    assert fd.check_reconciliation(recon).empty


def test_add_step_appends_a_later_stage_and_keeps_the_counts_reconciled(tmp_path):
    field = take_in(tmp_path)
    recon = fd.reconcile_intake(field, dl.SAMPLE)
    kept = field.results["booklets"].accepted["IDSTUD"]
    after = kept.iloc[:-2]
    out = fd.add_step(
        recon,
        level="student",
        step="plausible_values",
        before=kept,
        after=after,
        reasons={kept.iloc[-1]: "no_responses"},
    )
    assert fd.check_reconciliation(out).empty
    last = out[(out["level"] == "student") & (out["step"] == "plausible_values")]
    assert dict(zip(last["reason"], last["n"], strict=True)) == {
        "kept": 18,
        "no_responses": 1,
        "unexplained": 1,
    }
    shown = fd.reconciliation_table(last, lang="ru")
    assert "Имеют правдоподобные значения" in set(shown["step"])


def test_students_quarantined_in_tracking_stay_counted_through_the_weights(tmp_path):
    from workbench.weights import CycleWeights, reconcile_weights

    content = dl.files()
    track = content["tracking/student_tracking.csv"]
    track.loc[track["IDSTUD"] == "180104", "SEX"] = "x"
    field = take_in(tmp_path, content)
    recon = fd.reconcile_intake(field, dl.SAMPLE)
    t = fd.clean_tables(field, dl.ITEMS, key=b"k" * 32, cycle="t")
    st = t["student_tracking"]
    # planted: class 1801 fell below the 50 % rule, so only class 1701 (school 17) is weighted
    kept = st[(st["PARTICIP"] == 1) & (st["IDCLASS"] == 1701)]
    weights = CycleWeights(
        students=kept[["IDSTUD", "IDSCHOOL", "IDCLASS"]],
        schools=pd.DataFrame({"IDSCHOOL": [17]}),
        classes=pd.DataFrame({"IDCLASS": [1701]}),
        zones=pd.DataFrame(),
    )
    out = reconcile_weights(
        recon, weights, t["school_tracking"], t["class_tracking"], st, t["scored_responses"]
    )
    assert fd.check_reconciliation(out).empty
    lost = out[out["change"] == "dropped"].set_index(["level", "step", "reason"])["n"]
    assert lost[("student", "tracking_accepted", "tracking_quarantined")] == 1
    assert lost[("student", "weighted", "class_below_half_assessed")] == 9  # 10 - 180104
    assert lost[("school", "weighted", "no_class_weighted")] == 1
    assert lost[("class", "weighted", "class_below_half_assessed")] == 1
