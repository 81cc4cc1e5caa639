"""The questionnaire codebooks of a cycle's instruments drive the field-data validation.

The delivery is the small one of ``tests/fielddata_delivery.py`` plus a student questionnaire
(20 assessed students, every code 1). The codebooks are written as a researcher writes them
(``instruments.yaml``, codes ``"1=girl; 2=boy"``) and read back with
:func:`workbench.instruments.read_instruments`. Expected counts are by construction: one
planted cell, one row.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests import fielddata_delivery as dl
from workbench import fielddata as fd
from workbench.fielddata.returns import field_schemas
from workbench.instruments import read_instruments, write_instruments

CODED = ["ASBG01", "ASBG03", "LANGHOME", "ASBG04", "ASBR01A", "ASBR01B", "ASBR01C"]


def questionnaire() -> pd.DataFrame:
    """The student questionnaire of the 20 assessed students, every code 1."""
    rows = []
    for idclass in dl.CLASSES:
        for k in range(1, 11):
            rows.append(
                {
                    "IDSCHOOL": str(idclass // 100),
                    "IDCLASS": str(idclass),
                    "IDSTUD": str(idclass * 100 + k),
                    "SURNAME": f"Фамилия{k}",
                    "FIRST_NAME": f"Имя{k}",
                    "PIN": f"2{k:013d}",
                    "BIRTHDATE": "2014-03-01",
                }
                | dict.fromkeys(CODED, "1")
            )
    return pd.DataFrame(rows)


def codebooks(tmp_path, entries: list[dict]) -> pd.DataFrame:
    """The codebooks of an ``instruments.yaml`` holding ``entries``, read back."""
    folder = tmp_path / "instruments"
    write_instruments(folder / "instruments.yaml", dl.ITEMS, {1: [1], 2: [2]}, entries)
    return read_instruments(folder).codebooks


def take_in(tmp_path, survey: pd.DataFrame, books: pd.DataFrame | None, name: str):
    content = dl.files() | {"questionnaires/student_all.csv": survey}
    return dl.take_in(tmp_path / name, content, codebooks=books)


def student(field):
    return field.results["student_questionnaire"]


def test_a_code_the_codebook_allows_is_accepted_and_quarantined_without_it(tmp_path):
    survey = questionnaire()
    survey.loc[survey["IDSTUD"] == "170103", "ASBG01"] = "3"
    books = codebooks(
        tmp_path,
        [{"questionnaire": "student", "variable": "ASBG01", "label": "Sex",
          "codes": "1=girl; 2=boy; 3=other; 9=omitted"}],
    )  # fmt: skip
    without = student(take_in(tmp_path, survey, None, "plain"))
    assert (len(without.accepted), len(without.quarantined)) == (19, 1)
    assert without.issues["reason"].tolist() == [
        "ASBG01 code not allowed (allowed: 1, 2; missing: 9)"
    ]
    field = take_in(tmp_path, survey, books, "coded")
    assert (len(student(field).accepted), len(student(field).quarantined)) == (20, 0)
    column = field_schemas(dl.ITEMS, books)["student_questionnaire"].column("ASBG01")
    assert column.codes == [1, 2, 3] and column.missing == {9: "omitted"}
    assert column.code_labels == {1: "girl", 2: "boy", 3: "other"}


def test_a_variable_only_the_codebook_declares_is_validated(tmp_path):
    survey = questionnaire().assign(ASBG10="1")
    survey.loc[survey["IDSTUD"] == "180104", "ASBG10"] = "5"
    survey = survey.rename(columns={"ASBG10": "Есть компьютер"})  # the codebook's label
    books = codebooks(
        tmp_path,
        [{"questionnaire": "student_questionnaire", "variable": "ASBG10",
          "label": "Есть компьютер", "codes": "1=Да; 2=Нет"}],
    )  # fmt: skip
    without = student(take_in(tmp_path, survey, None, "plain"))
    assert without.log["status"].tolist() == ["rejected"]  # a column the schema lacks
    field = take_in(tmp_path, survey, books, "coded")
    result = student(field)
    assert (len(result.accepted), len(result.quarantined)) == (19, 1)
    assert result.issues[["column", "reason"]].values.tolist() == [
        ["ASBG10", "ASBG10 code not allowed (allowed: 1, 2)"]
    ]
    assert set(result.accepted["ASBG10"].astype(str)) == {"1"}
    shown = fd.public_issues(field, dl.ITEMS)
    assert shown[shown["column"] == "ASBG10"]["value"].tolist() == ["5"]


def test_a_school_questionnaire_is_the_principal_questionnaire(tmp_path):
    books = codebooks(
        tmp_path,
        [{"questionnaire": "school", "variable": "ACBG99", "label": "Библиотека",
          "codes": "1=Да; 2=Нет"}],
    )  # fmt: skip
    column = field_schemas(codebooks=books)["principal_questionnaire"].column("ACBG99")
    assert (column.codes, column.required, column.aliases) == ([1, 2], False, ["Библиотека"])


def test_an_unknown_questionnaire_is_one_line_naming_it(tmp_path):
    books = codebooks(
        tmp_path,
        [{"questionnaire": "pupil", "variable": "ASBG01", "label": "Sex", "codes": "1=girl"}],
    )
    with pytest.raises(ValueError) as err:
        field_schemas(dl.ITEMS, books)
    message = str(err.value)
    assert "\n" not in message and "'pupil'" in message and "ASBG01" in message
    assert "student" in message and "principal" in message


def test_sources_keep_the_codebooks_beside_the_item_bank(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from workbench.sources import _prepare_instruments

    monkeypatch.setenv("WORKBENCH_INPUTS", str(tmp_path / "inputs"))
    where = tmp_path / "inputs" / "cyc" / "instruments" / "instruments.yaml"
    entry = {"questionnaire": "student", "variable": "ASBG01", "label": "Sex", "codes": "1=a; 2=b"}
    write_instruments(where, dl.ITEMS, {1: [1], 2: [2]}, [entry])
    folder = tmp_path / "data"
    folder.mkdir()
    _prepare_instruments(SimpleNamespace(cycle="cyc"), folder)
    books = pd.read_parquet(folder / "codebooks.parquet")
    assert books[["variable", "code", "code_label"]].values.tolist() == [
        ["ASBG01", "1", "a"],
        ["ASBG01", "2", "b"],
    ]
    write_instruments(where, dl.ITEMS, {1: [1], 2: [2]}, [entry | {"questionnaire": "pupil"}])
    with pytest.raises(ValueError) as err:
        _prepare_instruments(SimpleNamespace(cycle="cyc"), folder)
    assert str(err.value).startswith(
        "inputs/cyc/instruments/instruments.yaml, codebooks: unknown questionnaire 'pupil'"
    )
    where.unlink()
    _prepare_instruments(SimpleNamespace(cycle="cyc"), folder)
    assert not (folder / "codebooks.parquet").exists()
