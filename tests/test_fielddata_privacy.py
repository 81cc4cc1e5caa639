"""Personal data never leaves: planted names, phones and PINs in bad cells stay hidden, the scan
finds them by value and by shape and fails the stage, no local paths are published, and
pseudonyms are keyed per cycle unless linkage across cycles is asked for."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from tests import fielddata_delivery as dl
from workbench import fielddata as fd

NAME = "Асанова Айгерим"
PHONE = "+996 555 123 456"


def planted(tmp_path):
    content = dl.files()
    book = content["booklets/booklets_a.csv"]
    book.loc[0, "IDSTUD"] = NAME  # a name shifted into IDSTUD
    book.loc[1, "R101"] = PHONE  # a phone typed into an answer cell
    book.loc[2, "R101"] = "E"  # a harmless wrong letter
    dup = book.iloc[[5]]
    content["booklets/booklets_a.csv"] = pd.concat([book, dup], ignore_index=True)
    return dl.take_in(tmp_path, content)


def test_published_issues_hide_identifiers_free_text_and_personal_looking_cells(tmp_path):
    field = planted(tmp_path)
    issues = fd.public_issues(field, dl.ITEMS).set_index(["row", "column"])
    text = issues.to_csv()
    for secret in (NAME, "555 123", "170106", str(tmp_path)):
        assert secret not in text
    assert issues.loc[(2, "IDSTUD"), "value"] == "<hidden: identifier column>"
    assert issues.loc[(3, "R101"), "value"] == "<hidden: looks like personal data>"
    assert issues.loc[(4, "R101"), "value"] == "E"  # safe values stay visible
    assert issues.loc[(7, "IDSTUD"), "reason"].startswith("duplicate IDSTUD <hidden> (rows")
    assert not issues["file"].str.startswith("/").any()


def test_audit_and_its_messages_hold_no_absolute_paths(tmp_path):
    content = dl.files()
    content["tracking/class_tracking.csv"] = b""
    folder = dl.write(tmp_path / "incoming", content)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        field = fd.intake_returns(
            folder,
            dl.ITEMS,
            sample_ids=dl.SAMPLE["IDSCHOOL"],
            quarantine_dir=tmp_path / "quarantine",
        )
    published = fd.public_log(field).to_csv() + fd.public_issues(field, dl.ITEMS).to_csv()
    assert str(tmp_path) not in published and "/tmp" not in published
    assert "tracking/class_tracking.csv" in published


def test_identifier_values_include_failed_id_cells_and_raw_ids(tmp_path):
    values = fd.identifier_values(planted(tmp_path), dl.ITEMS)
    assert NAME in values["failed ID cell"]
    assert "170102" in values["raw IDSTUD"]
    assert "Айгерим Ученица1" in values["STUDENT_NAME"]


def test_scan_finds_planted_values_and_shapes_and_the_stage_fails_naming_the_file(tmp_path):
    out = tmp_path / "outputs"
    (out / "html").mkdir(parents=True)
    (out / "html" / "report.html").write_text(f"<td>{NAME}</td><td>ok</td>", encoding="utf-8")
    (out / "notes.md").write_text("call 0 555 12 34 56; PIN 21505201300123\n")
    pd.DataFrame({"IDSTUD": ["a1b2c3d4e5f6", "041884248860"], "score": [512, 498]}).to_parquet(
        out / "clean.parquet"
    )
    (out / "log.txt").write_text(f"read {tmp_path}/fieldwork/x.csv\n")
    found = fd.scan_for_identifiers(out, {"failed ID cell": [NAME]}, paths=[tmp_path / "fieldwork"])
    got = set(zip(found["file"], found["kind"], strict=True))
    assert got == {
        ("html/report.html", "failed ID cell"),
        ("notes.md", "phone number"),
        ("notes.md", "PIN (personal number)"),
        ("log.txt", "absolute path"),
    }
    assert not found["match"].str.contains("Аса|555|2150").any()
    with pytest.raises(ValueError, match=r"html/report.html \(failed ID cell\)") as info:
        fd.assert_no_identifiers(found)
    assert NAME not in str(info.value) and "555" not in str(info.value)


def test_pseudonyms_are_keyed_per_cycle_unless_linkage_is_asked_for(tmp_path):
    field = planted(tmp_path)
    key = b"k" * 32
    a = fd.clean_tables(field, dl.ITEMS, key=key, cycle="sabat6-2025")["student_tracking"]
    b = fd.clean_tables(field, dl.ITEMS, key=key, cycle="sabat6-2028")["student_tracking"]
    la = fd.clean_tables(field, dl.ITEMS, key=key, cycle="sabat6-2025", link_across_cycles=True)[
        "student_tracking"
    ]
    lb = fd.clean_tables(field, dl.ITEMS, key=key, cycle="sabat6-2028", link_across_cycles=True)[
        "student_tracking"
    ]
    assert not set(a["IDSTUD"]) & set(b["IDSTUD"])
    assert la["IDSTUD"].tolist() == lb["IDSTUD"].tolist()
    assert not a["IDSTUD"].str.fullmatch(r"\d{6}").any()  # no raw ID left
    assert "STUDENT_NAME" not in a
