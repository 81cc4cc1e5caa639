"""Labels downstream of the field data come from the cycle's own schemas and codebooks.

References, worked by hand:

* the conditioning dummy ``ITSEX_2`` is the category "boy" of ``ITSEX`` (the package's value
  labels of ``ITSEX``: 1 girl / кыз / девочка, 2 boy / бала / мальчик), not the code ``2``;
* the results' and the scaling stage's school-level groups are one rule: what
  :func:`workbench.scaling.school_groups` leaves out, :func:`workbench.results.layout` leaves
  out too;
* a variable only the instruments' codebook declares (``ASBG10``, written by a researcher in
  Russian: "Есть компьютер", 1 = Да, 2 = Нет) keeps its Russian words in the analysis
  files' codebook, the results' labels and the release's ``.sav`` labels; in Kyrgyz and English,
  which the codebook does not give, it shows its name and codes, and the count of unlabelled
  variables says so (one variable, one coded variable, in each of those two languages).
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests import fielddata_delivery as dl
from tests.test_languages import leaks
from tests.test_scaling_report import _conditioning
from workbench.fielddata import field_schemas
from workbench.instruments import read_instruments, write_instruments
from workbench.report import table_html
from workbench.scaling import (
    category_words,
    clean_missing,
    codebook,
    conditioning_variables,
    cycle_labels,
    unlabelled,
    value_labels,
)


def test_a_sex_dummy_is_shown_by_its_value_label_in_each_language():
    shown = category_words(_conditioning().table()[["variable", "category", "source"]])
    sex = shown[shown["variable"] == "ITSEX"].iloc[0]
    words = (sex["category_ky"], sex["category_ru"], sex["category_en"])
    assert words == ("бала", "мальчик", "boy")
    region = shown[shown["variable"] == "region"]
    assert region["category_ru"].tolist() == ["Чуйская обл.", "г. Ош"]
    assert shown[shown["variable"] == "PC01"]["category_en"].tolist() == [""]
    pages = {lang: table_html(shown, lang=lang, localized=("category",)) for lang in ("ky", "ru")}
    assert "мальчик" in pages["ru"] and ">2<" not in pages["ru"]
    assert "бала" in pages["ky"] and leaks(pages["ky"], "ky") == []


def test_a_missing_answer_dummy_is_named_in_words():
    data = pd.DataFrame({"ITSEX": [1, 2, None, 1]})
    table = conditioning_variables(data, direct=["ITSEX"]).table()
    shown = category_words(table[["variable", "category", "source"]])
    assert shown["category_ru"].tolist() == ["мальчик", "нет ответа"]
    assert leaks(table_html(shown, lang="ky", localized=("category",)), "ky") == []


def test_results_and_scaling_share_one_rule_for_school_groups(monkeypatch):
    import workbench.scaling.groups as groups
    from workbench.results import layout

    # a cycle whose student-level group were named SEX: both stages must follow the rule
    monkeypatch.setattr(groups, "STUDENT_GROUP", "SEX")
    assert groups.school_groups(["SEX", "district"]) == ["district"]
    assert layout(["SEX", "district"]).area == "district"
    with pytest.raises(ValueError, match="no school-level group"):
        layout(["SEX"])


def _books(tmp_path, entries):
    folder = tmp_path / "instruments"
    write_instruments(folder / "instruments.yaml", dl.ITEMS, {1: [1], 2: [2]}, entries)
    return read_instruments(folder).codebooks


COMPUTER = {
    "questionnaire": "student",
    "variable": "ASBG10",
    "label": "Есть компьютер",
    "codes": "1=Да; 2=Нет",
}


@pytest.fixture
def files(tmp_path):
    books = _books(tmp_path, [COMPUTER])
    schemas = field_schemas(codebooks=books)
    students = clean_missing(
        pd.DataFrame(
            {"IDSTUD": [1, 2, 3, 4], "ITSEX": [1, 2, 2, 1], "ASBG10": [1, 2, 1, None]}
        ).astype({"ITSEX": "Int64"}),
        schemas["student_questionnaire"],
        columns=["ASBG10"],
    )
    book = codebook({"student_results": students}, schemas=schemas, codebooks=books, language="ru")
    return {"books": books, "students": students, "codebook": book}


def test_a_codebook_only_variable_is_labelled_in_the_analysis_codebook(files):
    row = files["codebook"].set_index("variable").loc["ASBG10"]
    assert (row["label_ru"], row["values_ru"]) == ("Есть компьютер", "1 = Да; 2 = Нет")
    # Kyrgyz and English are not given: the name and the codes, counted below
    assert (row["label_ky"], row["values_ky"]) == ("ASBG10", "1 = 1; 2 = 2")
    assert (row["label_en"], row["values_en"]) == ("ASBG10", "1 = 1; 2 = 2")
    assert (row["type"], int(row["n_valid"]), int(row["n_not_administered"])) == ("code", 3, 1)
    counts = unlabelled(files["codebook"]).set_index("report_language")
    assert counts.loc["ru"].tolist() == [0, 0]
    assert counts.loc["ky"].tolist() == [1, 1] and counts.loc["en"].tolist() == [1, 1]


def test_a_codebook_only_variable_reaches_the_results_labels(files):
    from workbench.results import exhibit_labels

    context = pd.DataFrame({"background": ["ASBG10", "ASBG10"], "category": ["1", "2"]})
    shown = exhibit_labels(context, files["codebook"])
    assert shown["label_ru"].tolist() == ["Есть компьютер: Да", "Есть компьютер: Нет"]
    assert shown["label_ky"].tolist() == ["ASBG10: 1", "ASBG10: 2"]


def test_a_codebook_only_variable_reaches_the_release_labels(files):
    from workbench.release.files import prepare

    data, meta = prepare(
        files["students"], "student_results", codebook=files["codebook"], country="KGZ"
    )
    assert meta["labels"]["ru"]["ASBG10"] == "Есть компьютер"
    assert meta["values"]["ru"]["ASBG10"][1.0] == "Да"
    assert meta["values"]["ru"]["ASBG10"][2.0] == "Нет"
    assert meta["labels"]["ky"]["ASBG10"] == "ASBG10"
    # coded: the blank gets the IEA missing code of a one-digit variable (9 omitted / 6 n.r.)
    assert meta["missing"]["ASBG10"] == [6.0, 9.0]


def test_the_package_labels_win_and_the_codebook_fills_what_they_lack(tmp_path):
    books = _books(
        tmp_path,
        [
            {"questionnaire": "parent", "variable": "ASBH01", "label": "Who filled it in",
             "codes": "1=mom; 2=father; 3=other; 4=grandmother"},
            {"questionnaire": "student", "variable": "ASBG12", "label": "Үйдө китеп барбы",
             "codes": "1=Ооба; 2=Жок"},
        ],
    )  # fmt: skip
    words = cycle_labels(books, "ru")
    # the package's "mother" stays; the new code 4 is English only (no Russian given)
    assert value_labels("ASBH01", "en", words) == {
        1: "mother",
        2: "father",
        3: "other",
        4: "grandmother",
    }
    assert value_labels("ASBH01", "ru", words) == {1: "мать", 2: "отец", 3: "другой"}
    # Kyrgyz letters in the label: the whole variable is Kyrgyz, "Жок" included
    assert value_labels("ASBG12", "ky", words) == {1: "Ооба", 2: "Жок"}
    assert value_labels("ASBG12", "ru", words) == {}


def test_no_codebook_leaves_the_package_labels_as_they_were():
    assert cycle_labels(None) == {} and value_labels("ITSEX", "ky", {}) == {1: "кыз", 2: "бала"}
    # a codebook read back with blanks as <NA> (string dtype): no words from the blanks
    blanks = pd.DataFrame(
        {"variable": ["A", "A"], "label": [pd.NA, pd.NA], "code": ["1", pd.NA],
         "code_label": ["Да", pd.NA]}
    ).astype("string")  # fmt: skip
    assert cycle_labels(blanks, "ru") == {"A": {"label": {}, "values": {1: [None, "Да", None]}}}
    with pytest.raises(KeyError, match="code_label"):
        cycle_labels(pd.DataFrame({"variable": ["A"], "label": ["x"], "code": ["1"]}))
