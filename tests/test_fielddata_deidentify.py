"""De-identification: keyed pseudonyms, the key's location, dropping and scanning."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from workbench import fielddata as fd

STUDENTS = pd.DataFrame(
    {
        "IDSTUD": [1001, 1002, 1003],
        "IDSCHOOL": [17, 17, 18],
        "NAME": ["Aizada Toktogulova", "Бектур Асанов", "Nurlan Sadykov"],
        "BIRTHDATE": pd.to_datetime(["2013-05-14", "2012-11-02", "2013-01-30"]),
        "PIN": ["21405201300123", "20211201200456", "23001201300789"],
        "SCORE": [1, 0, 1],
    }
)


def test_keyed_pseudonyms_are_stable_and_shared_across_tables(tmp_path):
    key = fd.load_key(tmp_path / "keys" / "pseudonym.key")
    a = fd.pseudonymize(STUDENTS, columns=["IDSTUD", "IDSCHOOL"], key=key)
    b = fd.pseudonymize(
        STUDENTS,
        columns=["IDSTUD", "IDSCHOOL"],
        key=fd.load_key(tmp_path / "keys" / "pseudonym.key"),
    )
    pd.testing.assert_frame_equal(a, b)
    assert a["IDSTUD"].str.len().eq(12).all() and a["IDSTUD"].nunique() == 3
    schools = pd.DataFrame({"IDSCHOOL": [17.0, 18.0]})  # float ids from SPSS
    same = fd.pseudonymize(schools, columns=["IDSCHOOL"], key=key)
    assert same["IDSCHOOL"].tolist() == a["IDSCHOOL"].iloc[1:].tolist()
    assert STUDENTS["IDSTUD"].tolist() == [1001, 1002, 1003]  # input unchanged


def test_different_keys_give_different_pseudonyms(tmp_path):
    k1, k2 = fd.load_key(tmp_path / "k1.key"), fd.load_key(tmp_path / "k2.key")
    assert k1 != k2
    p1 = fd.pseudonymize(STUDENTS, columns=["IDSTUD"], key=k1)["IDSTUD"]
    p2 = fd.pseudonymize(STUDENTS, columns=["IDSTUD"], key=k2)["IDSTUD"]
    assert not set(p1) & set(p2)


def test_key_inside_outputs_is_rejected(tmp_path):
    with pytest.raises(ValueError, match=r"inside an 'outputs' folder .*keep it outside"):
        fd.load_key(tmp_path / "outputs" / "sabat6-demo" / "pseudonym.key")
    assert not (tmp_path / "outputs").exists()


def test_key_file_is_private_and_missing_key_without_create_raises(tmp_path):
    path = tmp_path / "pseudonym.key"
    fd.load_key(path)
    assert path.stat().st_mode & 0o077 == 0
    with pytest.raises(FileNotFoundError, match="no key file"):
        fd.load_key(tmp_path / "other.key", create=False)


def test_drop_identifiers_removes_names_dates_and_personal_numbers():
    out = fd.drop_identifiers(STUDENTS)
    assert list(out.columns) == ["IDSTUD", "IDSCHOOL", "SCORE"]
    custom = fd.drop_identifiers(STUDENTS, columns=["pin"])
    assert "PIN" not in custom.columns and "NAME" in custom.columns


def test_scan_finds_planted_name_date_and_pin_in_csv_parquet_html_and_notebook(tmp_path):
    clean = fd.pseudonymize(fd.drop_identifiers(STUDENTS), columns=["IDSTUD"], key=b"k" * 32)
    clean.to_csv(tmp_path / "clean.csv", index=False)
    clean.to_parquet(tmp_path / "clean.parquet")
    values = {
        "name": STUDENTS["NAME"],
        "birth_date": STUDENTS["BIRTHDATE"],
        "personal_number": STUDENTS["PIN"],
    }
    assert fd.scan_for_identifiers(tmp_path, values).empty
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "report.html").write_text(
        "<p>Best reader: <b>Бектур&nbsp;Асанов</b></p>", encoding="utf-8"
    )
    leak = STUDENTS[["NAME", "SCORE"]].iloc[[0]]
    leak.to_parquet(tmp_path / "leak.parquet")
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "source": ["df.head()"],
                "outputs": [
                    {"output_type": "stream", "text": ["born 30.01.2013, PIN 23001201300789\n"]}
                ],
            }
        ]
    }
    (tmp_path / "stage.ipynb").write_text(json.dumps(nb, ensure_ascii=True), encoding="utf-8")
    found = fd.scan_for_identifiers(tmp_path, values)
    got = set(zip(found["file"], found["kind"], strict=True))
    assert got == {
        ("html/report.html", "name"),
        ("leak.parquet", "name"),
        ("stage.ipynb", "birth_date"),
        ("stage.ipynb", "personal_number"),
    }
    assert "Toktogulova" not in found.to_string()  # findings do not leak values themselves
