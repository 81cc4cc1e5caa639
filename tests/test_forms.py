"""The sampling hand-offs (workbench.sampling.forms): class listing forms out, returned class
lists read and checked, classes sampled from them, student tracking forms out. Every fault in a
returned list is one line naming file, sheet, row and column."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
import yaml

from tests.conftest import ROOT
from workbench.sampling.forms import (
    ClassListError,
    ClassListsMissing,
    classes_from_lists,
    list_summary,
    missing_lists,
    read_class_lists,
    write_listing_forms,
    write_tracking_forms,
)

TEXTS = yaml.safe_load((ROOT / "workbench" / "texts" / "forms.yaml").read_text(encoding="utf-8"))
SAMPLE = pd.DataFrame(
    {
        "school_id": ["A-7", "B-2", "C-9", "D-4", "E-5", "F-1"],
        "role": [
            "sampled",
            "replacement_1",
            "replacement_2",
            "sampled",
            "replacement_1",
            "sampled",
        ],
        "IDSCHOOL": [10, 11, 12, 20, 21, 30],
        "REPLACES": [0, 10, 10, 0, 20, 0],
        "mos": [180.0, 60.0, 40.0, 55.0, 50.0, 12.0],
    }
)


def fill(form, lines, sheet="ky"):
    """Fill a written listing form as a school would: (CLASS_NAME, N_STUDENTS, CLASS_LANG)."""
    book = openpyxl.load_workbook(form)
    rows = list(book[sheet].iter_rows())
    start = next(k for k, row in enumerate(rows) if row[0].value == "IDSCHOOL") + 1
    for row, (name, count, language) in zip(rows[start:], lines, strict=False):
        row[2].value, row[3].value, row[4].value = name, count, language
    book.save(form)
    return form


@pytest.fixture
def returned(tmp_path):
    forms = write_listing_forms(SAMPLE, tmp_path / "forms")
    lists = tmp_path / "lists"
    lists.mkdir()
    by_id = {p.stem: p for p in forms}
    fill(by_id["10"], [("6А", 27, "ky"), ("6Б", 25, "ky"), ("6В", 26, "ru")])
    fill(by_id["20"], [("6-1", 22, None)], sheet="ru")
    (lists / "10.xlsx").write_bytes(by_id["10"].read_bytes())
    (lists / "20.xlsx").write_bytes(by_id["20"].read_bytes())
    (lists / "others.csv").write_text(
        "IDSCHOOL,CLASS_NAME,N_STUDENTS\n30,6a,12\n", encoding="utf-8"
    )
    return lists


def test_listing_form_per_school_in_ky_and_ru_with_iea_ids(tmp_path):
    forms = write_listing_forms(SAMPLE, tmp_path)
    assert sorted(p.name for p in forms) == [
        "10.xlsx",
        "11.xlsx",
        "12.xlsx",
        "20.xlsx",
        "21.xlsx",
        "30.xlsx",
    ]
    book = openpyxl.load_workbook(tmp_path / "11.xlsx")
    assert book.sheetnames == ["ky", "ru"]
    for lang in ("ky", "ru"):
        cells = [
            [c for c in row if c is not None] for row in book[lang].iter_rows(values_only=True)
        ]
        assert cells[0] == [TEXTS["listing_title"][lang]]
        assert cells[1] == [TEXTS["school"][lang], 11] and cells[2][1] == "B-2"
        assert cells[3][1] == TEXTS["replacement"][lang].format(of=10)
        code_row = cells.index(["IDSCHOOL", "IDCLASS", "CLASS_NAME", "N_STUDENTS", "CLASS_LANG"])
        assert cells[code_row + 1 : code_row + 4] == [[11, 1101], [11, 1102], [11, 1103]]
    # nothing English on the ky and ru sheets besides the IEA codes
    assert "class" not in " ".join(str(c) for c in book["ky"]["A"] if c.value).lower()


def test_returned_lists_give_classes_with_iea_ids(returned):
    listed = read_class_lists(returned, SAMPLE)
    assert listed[
        ["school_id", "IDCLASS", "class_id", "CLASS_NAME", "enrol", "class_language"]
    ].fillna("").values.tolist() == [
        ["A-7", 1001, "A-701", "6А", 27, "ky"],
        ["A-7", 1002, "A-702", "6Б", 25, "ky"],
        ["A-7", 1003, "A-703", "6В", 26, "ru"],
        ["D-4", 2001, "D-401", "6-1", 22, ""],
        ["F-1", 3001, "F-101", "6a", 12, ""],
    ]
    assert list_summary(listed) == {"schools": 3, "classes": 5, "students": 112, "declined": 0}
    assert missing_lists(SAMPLE, listed).empty


def test_classes_are_sampled_from_the_lists(returned):
    listed = read_class_lists(returned, SAMPLE)
    picked = classes_from_lists(
        listed,
        SAMPLE,
        lists="l/",
        forms="f/",
        per_school=1,
        large_mos=150,
        per_large_school=2,
        seed=3,
    )
    per_school = picked.groupby("school_id").agg(
        n=("class_id", "size"), total=("n_classes", "first"), p=("class_probability", "first")
    )
    # school A-7 (MOS 180 > 150) lists 3 classes and gives 2; the others list 1 and give it
    assert per_school.to_dict("index") == {
        "A-7": {"n": 2, "total": 3, "p": 2 / 3},
        "D-4": {"n": 1, "total": 1, "p": 1.0},
        "F-1": {"n": 1, "total": 1, "p": 1.0},
    }


def test_waiting_names_the_schools_and_the_folders(returned):
    (returned / "others.csv").unlink()
    listed = read_class_lists(returned, SAMPLE)
    assert missing_lists(SAMPLE, listed)["IDSCHOOL"].tolist() == [30]
    with pytest.raises(ClassListsMissing) as caught:
        classes_from_lists(
            listed,
            SAMPLE,
            lists="inputs/c/class_lists/",
            forms="outputs/c/forms/class_listing/",
            per_school=1,
            large_mos=None,
            per_large_school=2,
            seed=1,
        )
    message = str(caught.value)
    assert message.startswith("waiting for the class lists of 1 of 3 sampled schools (IDSCHOOL 30)")
    assert "inputs/c/class_lists/" in message and "outputs/c/forms/class_listing/" in message
    assert "\n" not in message


def test_a_replacement_list_or_a_declined_school_answers_for_its_slot(tmp_path):
    (tmp_path / "a.csv").write_text(
        "IDSCHOOL,CLASS_NAME,N_STUDENTS\n11,6А,20\n20,,0\n", encoding="utf-8"
    )
    listed = read_class_lists(tmp_path, SAMPLE)
    assert listed["IDSCHOOL"].tolist() == [11] and listed.attrs["declined"] == [20]
    assert missing_lists(SAMPLE, listed)["IDSCHOOL"].tolist() == [30]


@pytest.mark.parametrize(
    ("csv", "message"),
    [
        (
            "IDSCHOOL,CLASS_NAME,N_STUDENTS\n10,6А,abc\n",
            r"^lists/a.csv, row 2, column N_STUDENTS: 'abc' is not a whole number from 0 to 80$",
        ),
        (
            "IDSCHOOL,CLASS_NAME,N_STUDENTS\n10,6А,25\n99,6Б,20\n",
            r"row 3, column IDSCHOOL: 99 is not a school of the sample",
        ),
        (
            "IDSCHOOL,CLASS_NAME,N_STUDENTS\n10,6А,25\n10,6А,20\n",
            r"row 3, column CLASS_NAME: class 6А of IDSCHOOL 10 is listed twice",
        ),
        ("IDSCHOOL,CLASS_NAME,N_STUDENTS\n10,,25\n", r"row 2, column CLASS_NAME: empty"),
        (
            "IDSCHOOL,CLASS_NAME,N_STUDENTS,CLASS_LANG\n10,6А,25,english\n",
            r"row 2, column CLASS_LANG: 'english'; use one of ky, ru, uz, tj",
        ),
        (
            "IDSCHOOL,IDCLASS,CLASS_NAME,N_STUDENTS\n10,2001,6А,25\n",
            r"row 2, column IDCLASS: 2001 is not a class of IDSCHOOL 10",
        ),
        ("IDSCHOOL,CLASS,N_STUDENTS\n10,6А,25\n", r"^lists/a.csv: no column CLASS_NAME"),
    ],
)
def test_csv_faults_are_one_line_with_file_row_column(tmp_path, csv, message):
    (tmp_path / "a.csv").write_text(csv, encoding="utf-8")
    with pytest.raises(ClassListError, match=message):
        read_class_lists(tmp_path, SAMPLE, shown="lists")


def test_form_faults_name_the_sheet_and_row(returned, tmp_path):
    form = returned / "20.xlsx"
    fill(form, [("6-1", "двадцать", None)], sheet="ru")
    with pytest.raises(
        ClassListError,
        match=r"^lists/20.xlsx, sheet ru, row 8, column "
        "N_STUDENTS: 'двадцать' is not a whole number",
    ):
        read_class_lists(returned, SAMPLE, shown="lists/")
    fill(form, [("6-1", 22, None)], sheet="ru")
    fill(form, [("6-1", 22, None)], sheet="ky")
    with pytest.raises(ClassListError, match="sheets ky and ru are both filled"):
        read_class_lists(returned, SAMPLE)
    fill(form, [(None, None, None)], sheet="ky")
    (returned / "again.csv").write_text("IDSCHOOL,CLASS_NAME,N_STUDENTS\n20,6-2,20\n")
    with pytest.raises(
        ClassListError,
        match=r"again.csv, row 2: IDSCHOOL 20 is also listed in "
        r"lists/20.xlsx",
    ):
        read_class_lists(returned, SAMPLE, shown="lists")


def test_tracking_form_per_class_with_idstud_and_rotated_booklets(returned, tmp_path):
    from workbench.instruments import write_templates

    listed = read_class_lists(returned, SAMPLE)
    instruments = tmp_path / "instruments"
    write_templates(instruments)  # one booklet: every student gets 1
    forms = write_tracking_forms(listed.head(2), tmp_path / "tracking", instruments=instruments)
    assert [p.name for p in forms] == ["1001.xlsx", "1002.xlsx"]
    sheet = openpyxl.load_workbook(forms[0])["ru"]
    rows = [r for r in sheet.iter_rows(values_only=True)]
    code_row = rows.index(
        ("IDSCHOOL", "IDCLASS", "IDSTUD", "STUDENT_NAME", "SEX", "EXCLUSION", "PARTICIP", "IDBOOK")
    )
    lines = rows[code_row + 1 :]
    assert len(lines) == 27 + 5  # the listed students and 5 spare lines
    assert [r[2] for r in lines[:3]] == [100101, 100102, 100103]
    assert {r[7] for r in lines} == {1} and all(r[3] is None for r in lines)
    assert rows[0][0] == TEXTS["tracking_title"]["ru"]
    none = write_tracking_forms(listed.head(1), tmp_path / "t2")
    assert {
        r[7]
        for r in openpyxl.load_workbook(none[0])["ky"].iter_rows(
            min_row=code_row + 2, values_only=True
        )
    } == {None}


def test_an_empty_lists_folder_waits_for_every_sampled_school(tmp_path):
    listed = read_class_lists(tmp_path, SAMPLE)
    assert listed.empty and listed["class_id"].tolist() == []
    assert missing_lists(SAMPLE, listed)["IDSCHOOL"].tolist() == [10, 20, 30]


def test_report_tables_and_figures_of_the_sample_design():
    import matplotlib

    matplotlib.use("Agg")
    from workbench.plots import sample_design as plots
    from workbench.sampling import report_tables as tables

    frame = pd.DataFrame(
        {
            "school_id": ["a", "b", "c"],
            "region": ["osh", "osh", "chui"],
            "locality": ["rural", "urban", "rural"],
            "enrol_g6": [30, 50, 20],
        }
    )
    picked = pd.DataFrame(
        {
            "school_id": ["a", "c"],
            "class_id": ["a01", "c01"],
            "enrol": [30, 20],
            "class_language": [None, None],
        }
    )
    shares = tables.coverage_shares(frame, picked, "region").set_index("region")
    assert shares.loc["osh", "population"] == 80.0 and shares.loc["osh", "sample"] == 60.0
    assert tables.language_composition(frame, picked) is None  # the lists gave no language
    sims = pd.DataFrame(
        {"estimator": ["hajek", "ht", "hajek"], "estimate": [499.0, 1.0, 503.0], "true_mean": 500.0}
    )
    assert tables.hajek_estimates(sims)["estimate"].tolist() == [499.0, 503.0]
    for figure in (
        plots.coverage_bars(shares.reset_index(), lang="ky", by="region"),
        plots.estimate_histogram(tables.hajek_estimates(sims), lang="ru"),
    ):
        assert figure.axes and figure.axes[0].get_xlabel()
