"""A register as it comes: other column names, other strata, no language column, an Excel
sheet with title rows and a merged two-row header; the frame and the school sample run on it,
and the allocation's cost is warned about (design effect checked against Kish's formula on
student-level weights)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.real_register import COLUMNS, SORT_BY, STRATA, write_register_xlsx
from workbench.frame import review_frame
from workbench.register import RegisterError, read_register
from workbench.sampling import allocate, allocation_cost, allocation_notes, select_schools


@pytest.fixture(scope="module")
def sheet(tmp_path_factory):
    path = tmp_path_factory.mktemp("register") / "Реестр школ 2026.xlsx"
    return path, write_register_xlsx(path, schools=420, seed=3)


@pytest.fixture(scope="module")
def register(sheet):
    return read_register(sheet[0], columns=COLUMNS)


def test_the_merged_header_below_title_rows_is_found_and_mapped(sheet, register):
    _, truth = sheet
    records = truth["records"]
    assert list(register.columns) == [
        "№ п/п",
        "school_id",
        "Наименование",
        "Район",
        "Форма собственности",
        "Тип",
        "Количество учащихся / 5 класс",
        "enrol_g6",
        "register_row",
    ]
    assert "language" not in register and "locality" not in register
    assert len(register) == len(records) + 2  # a duplicate and the total row
    first = register.iloc[0]
    assert first["school_id"] == records["Код школы"].iloc[0]  # leading zeros kept
    assert first["school_id"].startswith("00")
    assert first["register_row"] == 6  # 2 title rows, blank, 2 header rows
    assert first["enrol_g6"] == str(records["6 класс"].iloc[0])
    assert register["register_row"].iloc[-1] == truth["faults"]["total_row"][0]


def test_a_column_is_mapped_by_its_full_merged_name_too(sheet):
    full = read_register(
        sheet[0], columns={"Код школы": "school_id", "Количество учащихся / 6 класс": "enrol_g6"}
    )
    assert (
        full["enrol_g6"].tolist() == read_register(sheet[0], columns=COLUMNS)["enrol_g6"].tolist()
    )


def test_the_frame_finds_the_planted_faults_and_students_reconcile(sheet, register):
    _, truth = sheet
    review = review_frame(register, strata=[*STRATA, "Тип"])
    found = review.checks.groupby("check")["school_id"].apply(list).to_dict()
    assert found["zero_enrolment"] == truth["faults"]["zero_enrolment"]
    assert found["duplicate_record"] == truth["faults"]["duplicate"]
    total = review.checks[review.checks["check"] == "total_row"]
    assert total["register_row"].tolist() == [str(r) for r in truth["faults"]["total_row"]]
    assert total["action"].tolist() == ["not_a_school"] and "missing_id" not in found
    assert review.coverage == pytest.approx(
        100
        * truth["students"]
        / (truth["records"]["6 класс"].sum() + truth["records"]["6 класс"].iloc[10])
    )
    assert review.frame["enrol_g6"].sum() == truth["students"]
    assert len(review.frame) == len(truth["records"]) - 1
    assert review.frame["school_id"].is_unique


def test_schools_are_sampled_by_the_registers_own_strata(register):
    frame = review_frame(register, strata=[*STRATA, "Тип"]).frame
    sample = select_schools(
        frame, n=150, strata=STRATA, sort_by=SORT_BY, minimum=2, seed=4, small_mos=None
    )
    sampled = sample[sample["role"] == "sampled"]
    assert len(sampled) == 150
    strata = frame.groupby(STRATA).ngroups
    assert sampled.groupby(STRATA).ngroups == strata  # every stratum has its minimum
    assert set(sampled["stratum"]) == set(frame[STRATA[0]] + "/" + frame[STRATA[1]])


def test_allocation_warns_when_the_minimum_fixes_most_of_the_sample(register):
    frame = review_frame(register, strata=[*STRATA, "Тип"]).frame
    allocated = allocate(frame, 150, strata=STRATA, minimum=2)
    cost = allocation_cost(allocated, minimum=2, replacements=2)
    assert cost.strata == len(allocated) > 40
    assert cost.fixed == int(np.minimum(2, allocated["n_schools"]).sum())
    assert cost.fixed_share > 0.5 and cost.deff > 1.05
    short = allocated.loc[allocated["n_schools"] < 3 * allocated["n"], "stratum"].tolist()
    assert sorted(cost.short) == sorted(short)
    assert {s for s in allocated["stratum"] if s.startswith("Район 19/")} <= set(short)
    lack = allocated.set_index("stratum").eval("n_schools - 3 * n").loc[cost.short]
    assert lack.is_monotonic_increasing  # the most lacking named first
    warning, named = allocation_notes(cost, share=0.5, lang="ru")
    assert warning.key == "allocation_warning" and named.key == "replacements_short"
    assert f"{cost.fixed} из 150 школ" in warning.data
    assert f"{cost.deff:.2f}".replace(".", ",") in warning.data
    assert f"около {cost.n_effective:.0f}." in warning.data
    assert "Warning" not in warning.data and "design effect" not in warning.data
    assert cost.short[0] in named.data and "replacements" not in named.data
    assert f"(+{len(cost.short) - 12})" in named.data
    english = allocation_notes(cost, share=0.5, lang="en")[0].render("en")
    assert f"fixes {cost.fixed} of the 150 schools" in english


def test_no_warning_without_a_binding_minimum(register):
    frame = review_frame(register, strata=[*STRATA, "Тип"]).frame
    allocated = allocate(frame, 150, strata=STRATA[:1], minimum=2)
    cost = allocation_cost(allocated, minimum=2, replacements=0)
    assert allocation_notes(cost) == []


def test_allocation_design_effect_equals_kish_on_student_weights():
    """Reference: Kish's 1 + CV^2 of the weights, n * sum(w^2) / sum(w)^2, computed over the
    students of a sample with m students per school (the formula is not used)."""
    table = pd.DataFrame(
        {
            "stratum": ["a", "b", "c", "d"],
            "n_schools": [300, 40, 12, 5],
            "mos": [24000.0, 3000.0, 600.0, 150.0],
            "n": [12, 4, 2, 2],
        }
    )
    table["share"] = table["mos"] / table["mos"].sum()
    m = 25
    weights = np.concatenate(
        [
            np.full(int(n * m), mos / (n * m))
            for mos, n in zip(table["mos"], table["n"], strict=True)
        ]
    )
    kish = len(weights) * np.sum(weights**2) / np.sum(weights) ** 2
    cost = allocation_cost(table, minimum=2, replacements=2)
    assert cost.deff == pytest.approx(kish, rel=1e-12)
    assert cost.n_effective == pytest.approx(20 / kish)
    proportional = table.assign(
        n=[16, 2, 1, 1], mos=[1.0, 1.0, 1.0, 1.0], share=[16 / 20, 2 / 20, 1 / 20, 1 / 20]
    )
    assert allocation_cost(proportional, minimum=0).deff == pytest.approx(1.0)


def test_a_csv_with_bom_or_windows_1251_and_semicolons_is_read(tmp_path):
    rows = "Код;Область;Учащихся 6 кл.\n0101;Чуй;31\n0102;Ош;0\n"
    utf = tmp_path / "bom.csv"
    utf.write_bytes(b"\xef\xbb\xbf" + rows.encode("utf-8"))
    cp = tmp_path / "cp.csv"
    cp.write_bytes(rows.encode("cp1251"))
    columns = {"Код": "school_id", "Учащихся 6 кл.": "enrol_g6"}
    for path in (utf, cp):
        table = read_register(path, columns=columns)
        assert table[["school_id", "Область", "enrol_g6"]].values.tolist() == [
            ["0101", "Чуй", "31"],
            ["0102", "Ош", "0"],
        ]
        assert table["register_row"].tolist() == [2, 3]


@pytest.mark.parametrize(
    ("columns", "sheet", "expected"),
    [
        (
            {"Код": "school_id", "6 класс": "enrol_g6"},
            None,
            r"^r\.xlsx: sheet 'Реестр': no header row in the first 30 rows holds the mapped "
            r"columns "
            r"\['Код', '6 класс'\]; the first filled row reads \['Реестр общеобразовательных",
        ),
        (
            {"Код школы": "school_id"},
            None,
            r"^r\.xlsx: no column is mapped to enrol_g6; add \"<its column>\": enrol_g6 for the "
            r"grade-6 enrolment under data.register.columns \(the file's columns are \['№ п/п', ",
        ),
        (
            COLUMNS,
            "Лист2",
            r"^r\.xlsx: data.register.sheet: no sheet 'Лист2'; the sheets are "
            r"\['Реестр'\]",
        ),
        (COLUMNS, 3, r"^r\.xlsx: data.register.sheet: there is no sheet 3 \(0 is the first\)"),
        ({**COLUMNS, "Тип": "Район"}, None, r"^r\.xlsx: two columns would be named 'Район'"),
    ],
)
def test_a_wrong_map_is_one_line_naming_file_sheet_and_column(tmp_path, columns, sheet, expected):
    path = tmp_path / "r.xlsx"
    write_register_xlsx(path, schools=30)
    with pytest.raises(RegisterError, match=expected) as caught:
        read_register(path, columns=columns, sheet=sheet)
    assert "\n" not in str(caught.value) and str(tmp_path) not in str(caught.value)


def test_a_csv_column_not_in_the_file_is_named_with_the_files_columns(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("id,n6\n1,20\n", encoding="utf-8")
    with pytest.raises(
        RegisterError,
        match=r"^inputs/r\.csv: column 'ID' \(data.register."
        r"columns\) is not in the file; the file's columns are \['id', 'n6'\]",
    ):
        read_register(path, columns={"ID": "school_id", "n6": "enrol_g6"}, shown="inputs/r.csv")


def test_frame_and_sample_design_stages_run_on_the_foreign_register(outputs_root, tmp_path):
    """The runner on a register unlike the demo's: the frame stage reports its own columns, the
    sample design warns about the allocation and then waits for the class lists."""
    import yaml

    from tests.real_register import register_params
    from workbench.paths import cycle_dir, inputs_dir
    from workbench.run import run_cycle

    register = inputs_dir("foreign-reg") / "register" / "Реестр.xlsx"
    register.parent.mkdir(parents=True)
    truth = write_register_xlsx(register, schools=420, seed=3)
    (inputs_dir("foreign-reg") / "class_lists").mkdir()
    params = tmp_path / "foreign-reg.yaml"
    params.write_text(
        yaml.safe_dump(
            register_params("foreign-reg", str(register)), allow_unicode=True, sort_keys=False
        ),
        encoding="utf-8",
    )
    result = run_cycle(params, echo=None)
    assert result.statuses["frame"] == "ok"
    frame = pd.read_parquet(cycle_dir("foreign-reg") / "data" / "frame.parquet")
    assert frame["enrol_g6"].sum() == truth["students"] and "language" not in frame
    page = (cycle_dir("foreign-reg") / "html" / "frame.html").read_text(encoding="utf-8")
    assert "Школы и учащиеся 6-х классов: Район, Форма собственности, Тип" in page
    assert "Итоговая строка" in page and "Traceback" not in page
    assert result.statuses["sample_design"] == "failed"
    assert "waiting for the class lists" in result.error
    design = (cycle_dir("foreign-reg") / "html" / "sample_design.html").read_text(encoding="utf-8")
    assert "Внимание:" in design and "закрепляет" in design
    assert "Не хватает школ для замены" in design and "Район " in design


def test_a_parquet_register_keeps_ids_as_text_and_blanks_blank(tmp_path):
    path = tmp_path / "r.parquet"
    pd.DataFrame(
        {
            "id": ["007", "008"],
            "n6": pd.array([12, None], dtype="Int64"),
            "share": [0.5, float("nan")],
        }
    ).to_parquet(path)
    table = read_register(path, columns={"id": "school_id", "n6": "enrol_g6"})
    assert table[["school_id", "enrol_g6", "share"]].values.tolist() == [
        ["007", "12", "0.5"],
        ["008", "", ""],
    ]
    assert table["register_row"].tolist() == [1, 2]
