"""Intake messages in the report's language: every message the intake writes is known.

Reference: the malformed-file corpus of ``test_fielddata_corpus`` (30 planted faults) and
the planted delivery of ``fielddata_delivery`` (faults across files): each English message
they produce must map to a code of ``workbench/texts/field_data_messages.yaml`` (none falls
to "another problem"), and its Kyrgyz and Russian wording carries no English word by the
page scan of ``tests/test_languages.py`` — the English stays in the intake log.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests import fielddata_delivery as dl
from tests.test_fielddata_corpus import CASES, KNOWN, SCHEMA, corpus  # noqa: F401 (fixture)
from tests.test_languages import leaks
from workbench import fielddata as fd
from workbench.fielddata.messages import explain, in_languages, issue_rows, say


def _page(text: str) -> str:
    return f"<p>{text}</p>"


def _corpus_messages(corpus) -> list[str]:  # noqa: F811
    with pytest.warns(UserWarning):
        result = fd.intake([corpus / c.name for c in CASES], SCHEMA, known_ids=KNOWN)
    rejected = result.log.loc[result.log["status"] == "rejected", "message"].tolist()
    return rejected + result.issues["reason"].tolist()


def test_every_message_of_the_malformed_corpus_has_a_code(corpus):  # noqa: F811
    messages = _corpus_messages(corpus)
    assert len(messages) >= 30
    unknown = [m for m in messages if explain(m)[0] == "other"]
    assert not unknown, unknown[:5]


def test_the_corpus_messages_carry_no_english_in_kyrgyz_or_russian(corpus):  # noqa: F811
    for message in set(_corpus_messages(corpus)):
        for lang in ("ky", "ru"):
            shown = say(message, lang)
            assert not leaks(_page(shown), lang), (message, shown)


def _planted() -> dict:
    """The delivery of ``fielddata_delivery`` with the faults of ``test_fielddata_delivery``."""
    content = dl.files()
    content["extra/booklets_late.csv"] = dl.booklets(1701)  # unexpected folder
    content["booklets/scan_notes.docx"] = b"PK\x03\x04 not a table"  # unknown extension
    content["readme.txt"] = b"delivered 2025-05-01"  # top of the delivery
    content["booklets/.DS_Store"] = b"\x00\x00"  # system file
    book = content["booklets/booklets_a.csv"]
    book.loc[0, ["IDSCHOOL", "IDCLASS"]] = ["18", "1801"]  # another school and class
    book.loc[2, "IDSTUD"] = "17О103"  # Cyrillic O for zero
    book.loc[3, "IDSTUD"] = "1701\u200b04"  # zero-width space
    book.loc[5, "R201"] = "C"  # booklet 1: R201 not in it
    excluded = book.iloc[[1]].assign(IDSTUD="170111", IDBOOK="2")  # the excluded student
    content["booklets/booklets_a.csv"] = pd.concat([book, excluded], ignore_index=True)
    content["booklets/booklets_a_copy.csv"] = content["booklets/booklets_a.csv"]  # twice
    content["reliability/double_coding.csv"].loc[1, "CODER2"] = "2"
    track = content["tracking/student_tracking.csv"]
    track.loc[track["IDSTUD"] == "180104", "SEX"] = "x"
    return content


def test_every_message_of_a_planted_delivery_has_a_code(tmp_path):
    folder = dl.write(tmp_path / "incoming", _planted())
    field = fd.intake_returns(
        folder, dl.ITEMS, sample_ids=dl.SAMPLE["IDSCHOOL"], quarantine_dir=tmp_path / "q"
    )
    log = fd.public_log(field)
    summary = fd.issue_summary(fd.public_issues(field, dl.ITEMS))
    messages = [*log.loc[log["fate"] != "read", "reason"], *summary["reason"]]
    assert len(messages) >= 12
    assert not [m for m in messages if explain(m)[0] == "other"]
    shown = issue_rows(summary)
    assert not shown["examples"].str.contains(" row ").any()
    for lang in ("ky", "ru"):
        assert not leaks(_page(" ".join(shown[f"reason_{lang}"])), lang)


@pytest.mark.parametrize(
    ("message", "lang", "expected"),
    [
        (
            "R210 code not allowed (allowed: A, B, C, D; missing: 9, 6)",
            "ky",
            "R210: уруксат берилбеген код (уруксат: A, B, C, D; жооп жок: 9, 6)",
        ),
        ("IDSCHOOL not in sample.IDSCHOOL", "ru", "IDSCHOOL нет в списке выборки"),
        (
            "read_csv: file is empty (tracking/a.csv, 0 bytes); ask the region for it again",
            "ru",
            "файл пуст (0 байт); запросите его у региона ещё раз",
        ),
        (
            "IDSTUD not in tracking.IDSTUD: non-Latin digit U+0663 (ARABIC-INDIC DIGIT THREE)",
            "ky",
            "IDSTUD каттоо формасында жок: латын эмес цифра U+0663",
        ),
        ("AGE not a date in format %Y-%m-%d", "en", "AGE not a date in format %Y-%m-%d"),
    ],
)
def test_a_message_is_worded_per_language(message, lang, expected):
    assert say(message, lang) == expected


def test_an_unknown_message_stays_english_only_on_english_pages():
    assert say("zzz: something new", "en") == "zzz: something new"
    assert say("zzz: something new", "ru") == "другая проблема (см. журнал приёма)"


def test_a_message_column_becomes_one_column_per_language_in_place():
    table = pd.DataFrame({"file": ["a.csv"], "reason": ["blank row (all cells empty)"], "n": [1]})
    out = in_languages(table, "reason")
    assert out.columns.tolist() == ["file", "reason_ky", "reason_ru", "reason_en", "n"]
    assert out["reason_en"].item() == "blank row (all cells empty)"


def test_columns_are_named_by_their_labels_and_notes_are_said_one_by_one():
    missing = "validate: missing required column(s) ['lang'] in row 1 (x/a.csv; columns read: [])"
    assert say(missing, "ru").startswith("в строке 1 нет обязательных столбцов: Язык;")
    assert say("duplicate respondent_id st-1 (rows 3, 4)", "ru").startswith("повторяющийся Код")
    notes = (
        "read_csv: line ends are CR only (an old Mac export) (a.csv); read as rows | "
        "read_csv: 2 row(s) end with an extra ',' (a trailing delimiter; first at row 3) (a.csv)"
    )
    assert say(notes, "ky").count(" | ") == 1
    assert not leaks(_page(say(notes, "ky")), "ky")
    assert say("", "ru") == ""
