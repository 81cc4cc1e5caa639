"""Schemas, validation, quarantine and intake-log writing (workbench.fielddata)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from workbench import fielddata as fd

SCHEMA = fd.Schema(
    name="students",
    id_columns=["IDSTUD"],
    unique=[["IDSCHOOL", "IDSTUD"]],
    columns=[
        {"name": "IDSTUD", "type": "int"},
        {"name": "IDSCHOOL", "type": "int", "references": "sample"},
        {
            "name": "SEX",
            "type": "code",
            "codes": [1, 2],
            "missing": {9: "omitted"},
            "aliases": ["Пол"],
        },
        {"name": "LANG", "type": "code", "codes": ["ky", "ru", "uz"]},
        {"name": "SCORE", "type": "float", "min": 0, "max": 1, "allow_blank": True},
        {"name": "TESTDATE", "type": "date", "required": False},
    ],
)


def frame(**overrides: list) -> pd.DataFrame:
    base = {
        "IDSTUD": ["1", "2", "3"],
        "IDSCHOOL": ["17", "17", "18"],
        "Пол": ["1", "2", "9"],
        "LANG": ["ky", "ru", "ky"],
        "SCORE": ["0.5", "", "1"],
    }
    return pd.DataFrame({**base, **overrides})


def test_validate_types_accepted_columns_and_keeps_missing_codes():
    r = fd.validate(frame(), SCHEMA, known_ids={"sample": [17, 18]})
    acc = r.accepted
    assert list(acc.columns) == [
        "IDSTUD",
        "IDSCHOOL",
        "SEX",
        "LANG",
        "SCORE",
        "_source_file",
        "_source_row",
    ]
    assert str(acc["IDSTUD"].dtype) == "Int64" and str(acc["SCORE"].dtype) == "Float64"
    assert acc["SEX"].tolist() == [1, 2, 9]  # 9 = omitted, kept as a code
    assert acc["SCORE"].isna().tolist() == [False, True, False]
    assert acc["_source_row"].tolist() == [2, 3, 4]
    assert r.reconciliation == fd.Reconciliation(read=3, accepted=3, quarantined=0)


def test_validate_does_not_modify_its_input():
    df = frame(SCORE=["7", "x", ""])
    before = df.copy()
    fd.validate(df, SCHEMA, known_ids={"sample": [17]})
    pd.testing.assert_frame_equal(df, before)


def test_several_problems_in_one_row_are_joined_in_one_quarantined_row():
    r = fd.validate(
        frame(LANG=["ky", "en", "ky"], SCORE=["0.5", "2", ""]),
        SCHEMA,
        known_ids={"sample": [17, 18]},
    )
    q = r.quarantined
    assert len(q) == 1 and q["row"].item() == 3
    assert q["column"].item() == "LANG; SCORE"
    assert q["value"].item() == "en; 2"
    assert (
        q["reason"]
        .item()
        .startswith("LANG code not allowed (allowed: ky, ru, uz); SCORE above maximum 1")
    )
    assert len(r.issues) == 2


def test_composite_duplicate_key_names_all_rows():
    r = fd.validate(
        frame(IDSTUD=["5", "5", "5"], IDSCHOOL=["17", "17", "18"]),
        SCHEMA,
        known_ids={"sample": [17, 18]},
    )
    assert r.issues["reason"].tolist() == ["duplicate IDSCHOOL+IDSTUD 17+5 (rows 2, 3)"] * 2


def test_duplicates_across_files_name_the_files():
    df = frame(IDSTUD=["5", "5", "6"]).assign(
        _source_file=["a.csv", "b.csv", "b.csv"], _source_row=[2, 2, 3]
    )
    r = fd.validate(df, SCHEMA, known_ids={"sample": [17, 18]})
    assert r.issues["reason"].iloc[0] == "duplicate IDSCHOOL+IDSTUD 17+5 (rows a.csv:2, b.csv:2)"


def test_unknown_reference_key_raises_keyerror_naming_it():
    with pytest.raises(KeyError, match=r"references 'sample' but known_ids has no such key"):
        fd.validate(frame(), SCHEMA, known_ids={})


def test_two_headers_for_one_column_are_rejected():
    df = frame().assign(SEX=["1", "1", "1"])
    with pytest.raises(fd.FieldDataError, match=r"headers 'Пол' and 'SEX' both mean column"):
        fd.validate(df, SCHEMA, known_ids={"sample": [17, 18]})


def test_extra_columns_error_policy_rejects_the_file():
    strict = SCHEMA.model_copy(update={"extra_columns": "error"})
    with pytest.raises(fd.FieldDataError, match=r"undeclared column\(s\) \['NOTE'\]"):
        fd.validate(frame(NOTE=["a", "b", "c"]), strict, known_ids={"sample": [17, 18]})


def test_reconciliation_raises_when_counts_do_not_add_up():
    with pytest.raises(RuntimeError, match=r"rows read \(5\) != accepted \(3\)"):
        fd.Reconciliation(read=5, accepted=3, quarantined=1)


def test_schema_rejects_inconsistent_declarations():
    with pytest.raises(ValueError, match="code column 'X' has no codes"):
        fd.Column(name="X", type="code")
    with pytest.raises(ValueError, match=r"id/unique columns \['IDSTUD'\] are not declared"):
        fd.Schema(name="t", columns=[{"name": "A"}], unique=[["IDSTUD"]])


def test_load_schema_from_yaml_expands_item_lists_and_names_bad_keys(tmp_path):
    good = tmp_path / "s.yaml"
    good.write_text(
        "name: items\ncolumns:\n  - {name: IDSTUD, type: int}\n"
        "  - {name: [R01, R02, R03], type: code, codes: [0, 1],"
        " missing: {9: omitted, 8: not reached}}\n",
        encoding="utf-8",
    )
    s = fd.load_schema(good)
    assert [c.name for c in s.columns] == ["IDSTUD", "R01", "R02", "R03"]
    assert s.column("R03").missing == {9: "omitted", 8: "not reached"}
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ncolumns:\n  - {name: A, type: integer}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"invalid schema at 'columns.0.type'.*bad\.yaml"):
        fd.load_schema(bad)


def test_write_quarantine_is_atomic_and_utf8(tmp_path):
    r = fd.validate(frame(LANG=["ky", "кырг", "ky"]), SCHEMA, known_ids={"sample": [17, 18]})
    path = tmp_path / "q" / "quarantine.csv"
    path.parent.mkdir()
    path.write_text("old", encoding="utf-8")
    fd.write_quarantine(r, path)
    back = pd.read_csv(path, encoding="utf-8", dtype=str)
    assert back[["row", "column", "value"]].values.tolist() == [["3", "LANG", "кырг"]]
    assert [p.name for p in path.parent.iterdir()] == ["quarantine.csv"]


def test_atomic_write_leaves_the_old_file_when_writing_fails(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("previous", encoding="utf-8")

    def boom(tmp):
        tmp.write_text("half", encoding="utf-8")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        fd.atomic_write(path, boom)
    assert path.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["log.csv"]


def test_intake_log_has_one_row_per_file_with_hash_and_counts(tmp_path):
    (tmp_path / "a.csv").write_text(
        "IDSTUD,IDSCHOOL,SEX,LANG,SCORE\n1,17,1,ky,0.1\n2,99,1,ky,0.2\n", encoding="utf-8"
    )
    (tmp_path / "b.xlsx").write_bytes(b"junk")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = fd.intake(
            [tmp_path / "a.csv", tmp_path / "b.xlsx"],
            SCHEMA,
            known_ids={"sample": [17]},
            log_path=tmp_path / "out" / "log.csv",
        )
    log = pd.read_csv(tmp_path / "out" / "log.csv", keep_default_na=False)
    assert log["status"].tolist() == ["partly quarantined", "rejected"]
    assert log["sha256"].iloc[0] == fd.sha256_file(tmp_path / "a.csv")
    assert log[["rows_read", "rows_accepted", "rows_quarantined"]].iloc[0].tolist() == [2, 1, 1]
    assert "b.xlsx" in log["message"].iloc[1]
    assert r.reconciliation == fd.Reconciliation(read=2, accepted=1, quarantined=1)
