"""Intake messages carry their code and values from where they are raised.

Reference: the malformed-file corpus of ``test_fielddata_corpus`` (30 planted faults) and the
planted delivery of ``test_fielddata_report_messages`` (faults across files). Every message
they produce must come with a code (not "other") in the ``code`` column, without the English
patterns: the pattern reader (``messages.explain``) is made to fail while the pages' tables
are worded. A reworded English template (the log's text) must still give the same Kyrgyz and
Russian wording, written out by hand below from ``texts/field_data_messages.yaml`` (the old
pattern reader knew only the old English and said "another problem"). The fallback for a log
with no codes is counted, not silent.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests import fielddata_delivery as dl
from tests.test_fielddata_corpus import CASES, KNOWN, SCHEMA, corpus  # noqa: F401 (fixture)
from tests.test_fielddata_report_messages import _planted
from tests.test_languages import leaks
from workbench import fielddata as fd
from workbench.fielddata import messages
from workbench.fielddata.messages import in_languages, issue_rows, message


def _intake_corpus(root) -> fd.IntakeResult:
    with pytest.warns(UserWarning):
        return fd.intake([root / c.name for c in CASES], SCHEMA, known_ids=KNOWN)


def _no_patterns(monkeypatch) -> None:
    """Make the English-pattern reader fail: what is worded now comes from the source."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"a message was read from its English text: {args[:1]}")

    monkeypatch.setattr(messages, "explain", refuse)
    monkeypatch.setattr(messages, "_match", refuse)


def _corpus_tables(result: fd.IntakeResult) -> tuple[pd.DataFrame, pd.DataFrame]:
    rejected = result.log.loc[result.log["status"] == "rejected"].rename(
        columns={"message": "reason"}
    )
    return rejected[["file", "reason", "code", "values"]], result.issues


def _page(*texts: str) -> str:
    return "<p>" + " ".join(texts) + "</p>"


def test_every_message_of_the_malformed_corpus_has_a_code_from_its_source(corpus, monkeypatch):  # noqa: F811
    rejected, issues = _corpus_tables(_intake_corpus(corpus))
    assert len(rejected) == 15 and len(issues) >= 15
    for table in (rejected, issues):
        assert (table["code"] != "").all() and (table["code"] != "other").all()
        assert table["code"].isin(messages._catalog()).all()
        assert table["values"].map(lambda v: isinstance(json.loads(v), dict)).all()
    assert set(rejected["code"]) >= {"empty_file", "merged_header", "nul_bytes", "bad_bytes"}
    _no_patterns(monkeypatch)
    for table in (rejected, issues):
        shown = in_languages(table, "reason")
        assert shown.attrs["from_text"] == 0 and shown.attrs["unknown"] == 0
        for lang in ("ky", "ru"):
            assert not leaks(_page(*shown[f"reason_{lang}"]), lang)


def test_every_message_of_a_planted_delivery_has_a_code_from_its_source(tmp_path, monkeypatch):
    field = dl.take_in(tmp_path, _planted())
    log = fd.public_log(field)
    summary = fd.issue_summary(fd.public_issues(field, dl.ITEMS))
    not_read = log[log["fate"] != "read"]
    assert len(not_read) == 5 and len(summary) >= 7
    for table in (not_read, summary):
        assert (table["code"] != "").all() and (table["code"] != "other").all()
    assert set(not_read["code"]) == {
        "delivered_twice",
        "unknown_type",
        "unexpected_folder",
        "outside_folders",
        "system_file",
    }
    assert {"school_class_differ", "items_outside_booklet", "same_coder"} <= set(summary["code"])
    assert "/" + tmp_path.name not in " ".join(log["values"])  # no local path in the values
    _no_patterns(monkeypatch)
    files, reasons = fd.files_not_read(log), issue_rows(summary)
    assert fd.messages_from_text(files, reasons) == {
        "coded": len(not_read) + len(summary),
        "n": 0,
        "unknown": 0,
    }
    named = files[not_read["code"].to_numpy() != "delivered_twice"]  # (it names a file)
    for lang in ("ky", "ru"):
        assert not leaks(_page(*named[f"reason_{lang}"], *reasons[f"reason_{lang}"]), lang)


#: English templates reworded (as someone editing the log's wording might)
REWORDED = {
    "code_not_allowed_missing": "{column}: {{value outside}} the codes {allowed} / {missing}",
    "empty_file": "{func} found nothing in {path} ({bytes} bytes)",
    "not_in_sample": "school code {column} unknown to sample.{listed}",
    "unexpected_folder": "folder {folder}/ is not one of {folders}",
    "not_whole_number": "{column} is no whole number",
    "cause_look_alike": "letter {letter!r} ({code}) at {at} looks like a digit",
}


@pytest.fixture
def reworded(monkeypatch):
    for code, template in REWORDED.items():
        monkeypatch.setitem(messages._catalog()[code], "log", template)


def test_a_reworded_english_template_is_still_said_in_kyrgyz_and_russian(corpus, reworded):  # noqa: F811
    rejected, issues = _corpus_tables(_intake_corpus(corpus))
    empty = rejected[rejected["file"].str.endswith("/empty.csv")]
    assert empty["reason"].item().startswith("read_csv found nothing in ")  # the new English
    shown = in_languages(empty, "reason")
    assert shown["reason_ru"].item() == "файл пуст (0 байт); запросите его у региона ещё раз"
    assert shown["reason_ky"].item() == "файл бош (0 байт); регионго кайра сураныңыз"
    sex = issues[(issues["column"] == "SEX") & (issues["file"].str.endswith("codes.csv"))]
    assert sex["reason"].iloc[0] == "SEX: {value outside} the codes 1, 2 / 9"
    assert messages.explain(sex["reason"].iloc[0])[0] == "other"  # the patterns: lost
    shown = in_languages(sex.iloc[[0]], "reason")
    assert shown["reason_ru"].item() == "SEX: недопустимый код (допустимы: 1, 2; пропуск: 9)"
    assert shown["reason_ky"].item() == "SEX: уруксат берилбеген код (уруксат: 1, 2; жооп жок: 9)"
    school = in_languages(issues[issues["code"] == "not_in_sample"], "reason")
    assert school["reason_ru"].tolist() == ["IDSCHOOL нет в списке выборки"]
    assert school.attrs["from_text"] == 0


def test_a_reworded_template_with_a_cause_is_still_said_in_a_planted_delivery(tmp_path, reworded):
    field = dl.take_in(tmp_path, _planted())
    log = fd.public_log(field)
    folder = log[log["file"] == "booklets_late.csv"]
    assert folder["reason"].item().startswith("folder extra/ is not one of ")
    assert fd.files_not_read(folder)["reason_ru"].item() == (
        "в непредусмотренной папке; переместите в нужную папку"
    )
    issues = fd.public_issues(field, dl.ITEMS)
    look_alike = issues[issues["reason"].str.contains("looks like a digit")]
    assert len(look_alike) == 1
    assert look_alike["reason"].item() == (
        "IDSTUD is no whole number: letter 'О' (U+041E) at 3 looks like a digit"
    )
    shown = in_languages(look_alike, "reason")
    assert shown["reason_ru"].item() == (
        "IDSTUD не целое число: похожая на цифру буква U+041E в позиции 3, где должна быть цифра"
    )
    assert shown["reason_ky"].item() == (
        "IDSTUD бүтүн сан эмес: 3-белгиде сандын ордуна окшош тамга U+041E"
    )


def test_messages_with_no_code_are_read_from_their_text_and_counted():
    old_log = pd.DataFrame(  # an audit written before the code and values columns
        {
            "kind": "",
            "folder": "",
            "file": ["a.csv", "b.csv", "c.csv"],
            "fate": ["rejected", "rejected", "read"],
            "reason": [
                "read_csv: file is empty (x/a.csv, 0 bytes); ask the region for the return again",
                "zzz: something new",
                "",
            ],
        }
    )
    shown = fd.files_not_read(old_log)
    assert shown["reason_ru"].tolist() == [
        "файл пуст (0 байт); запросите его у региона ещё раз",
        "другая проблема (см. журнал приёма)",
    ]
    assert fd.messages_from_text(shown) == {"coded": 0, "n": 2, "unknown": 1}


def test_a_message_keeps_the_english_of_before_byte_for_byte():
    """The English texts as the intake wrote them before the templates (copied from it)."""
    said = {
        message("empty_file", func="read_csv", path="x/a.csv", bytes=0): (
            "read_csv: file is empty (x/a.csv, 0 bytes); ask the region for the return again"
        ),
        message("bad_bytes", row=4, byte=0x98, offset=61, path="a.csv"): (
            "read_csv: row 4 has bytes that are neither UTF-8 nor Windows-1251 (byte 0x98 at "
            "offset 61) (a.csv); re-save the file as 'CSV UTF-8'"
        ),
        message("duplicate", key="IDSTUD", id="1002", rows="3, 4"): (
            "duplicate IDSTUD 1002 (rows 3, 4)"
        ),
        message("missing_columns", columns=["lang"], file="a.csv", read="[]"): (
            "validate: missing required column(s) ['lang'] in row 1 (a.csv; columns read: []); "
            "check the header spelling or add aliases to the schema"
        ),
    }
    for made, before in said.items():
        assert made == before


def test_a_duplicate_id_is_hidden_in_the_values_too(tmp_path):
    content = dl.files()
    book = content["booklets/booklets_a.csv"]
    content["booklets/booklets_a.csv"] = pd.concat([book, book.iloc[[0]]], ignore_index=True)
    field = dl.take_in(tmp_path, content)
    issues = fd.public_issues(field, dl.ITEMS)
    dup = issues[issues["code"] == "duplicate"]
    assert len(dup) == 2
    raw = str(book["IDSTUD"].iloc[0])
    assert all(json.loads(v)["id"] == "<hidden>" for v in dup["values"])
    assert not dup["values"].str.contains(raw).any() and not dup["reason"].str.contains(raw).any()
