"""The cycle's analysis files (``student_results``, ``school_results``, ``teacher_results``),
their codebook, and small-cell suppression.

References: hand-built field tables whose codes are counted by hand; a planted regression
slope (books at home, 18 points per category) that the raw 9 = omitted codes bias and the
cleaned file recovers; the field-data schemas' own code labels; the suppression rule at its
edge (n = min_n shown, n = min_n - 1 suppressed).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import workbench.scaling as ws
from workbench.disclosure import suppress_small_cells
from workbench.fielddata import field_schemas
from workbench.report import table as report_table
from workbench.survey import RepDesign

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = field_schemas()
PVS = ["READ01", "READ02"]


def tables():
    """Six students in two schools (one class each), plus one student with zero weight."""
    ids = [f"s{k}" for k in range(7)]
    weights = pd.DataFrame(
        {
            "IDSTUD": ids,
            "IDSCHOOL": [10, 10, 10, 20, 20, 20, 20],
            "IDCLASS": [1001, 1001, 1001, 2001, 2001, 2001, 2001],
            "SEX": pd.array([1, 2, None, 2, 1, None, 1], dtype="Int64"),
            # the stratum disagrees with the sample on purpose: groups must come from the sample
            "stratum": "wrong/wrong",
            "TOTWGT": [10.0, 10, 10, 20, 20, 20, 0],
            "JKZONE": [1, 1, 1, 2, 2, 2, 2],
            "JKREP": [0, 1, 0, 1, 0, 1, 0],
            "RWGT1": [20.0, 0, 20, 0, 40, 20, 0],
            "RWGT2": [10.0, 10, 10, 40, 0, 40, 0],
        }
    )
    sample = pd.DataFrame(
        {
            "IDSCHOOL": [10, 20, 11],
            "school_id": ["A", "B", "C"],
            "region": ["talas", "chui", "talas"],
            "locality": ["rural", "urban", "rural"],
        }
    )
    frame = pd.DataFrame(
        {
            "school_id": ["A", "B", "C"],
            "language": ["ky", "multi", "ky"],
            "school_type": ["general", "lyceum", "general"],
        }
    )
    classes = pd.DataFrame({"IDCLASS": [1001, 2001], "CLASS_LANG": ["ky", None]})
    student_q = pd.DataFrame(
        {
            "IDSCHOOL": 10,
            "IDCLASS": 1001,
            "IDSTUD": ids[:5],
            "ASBG01": [1, 2, 1, 9, 1],
            "ASBG03": [1, 2, 9, 4, 3],
            "LANGHOME": [1, 1, 2, 5, 9],
            "ASBG04": [1, 9, 3, 9, 5],
            "ASBR01A": [1, 2, 3, 4, 9],
            "ASBR01B": [1, 1, 1, 1, 1],
            "ASBR01C": [2, 2, 2, 7, 2],
        }
    )  # 7: not a declared code -> invalid
    parent_q = pd.DataFrame(
        {"IDSCHOOL": 10, "IDSTUD": ids[:3], "ASBH03": [2.0, 9.0, np.nan]}
    )  # blank = not returned
    scores = pd.DataFrame(
        {
            "IDSTUD": ids[::-1],
            "IDSCHOOL": 0,
            "READ01": [500.0, 510, 520, 530, 540, np.nan, 560],
            "READ02": [505.0, 515, 525, 535, 545, 555, 565],
        }
    )
    return weights, sample, frame, classes, student_q, parent_q, scores


@pytest.fixture(scope="module")
def files():
    weights, sample, frame, classes, student_q, parent_q, scores = tables()
    students = ws.student_background(
        weights,
        sample=sample,
        frame=frame,
        classes=classes,
        questionnaires={"student_questionnaire": student_q, "parent_questionnaire": parent_q},
    )
    results = ws.student_results(students, scores, pvs=PVS)
    principal = pd.DataFrame(
        {
            "IDSCHOOL": [10],
            "ACBG01": [9999],
            "ACBG03": [2],
            "ACBG05": [4],
            "ACBG07": [1],
            "ACBG08": [12],
        }
    )
    schools = ws.school_results(results, sample=sample, frame=frame, questionnaire=principal)
    teacher_q = pd.DataFrame(
        {
            "IDSCHOOL": [10, 30],
            "IDCLASS": [1001, 3001],
            "IDTEACH": [1001, 3001],
            "ATBG01": [99, 3],
            "ATBG02": [1, 2],
            "ATBG03": [2, 3],
            "ATBG04": [9, 1],
            "ATBR01": [4.5, 99.0],
        }
    )
    teachers = ws.teacher_results(teacher_q, students=results)
    book = ws.codebook(
        {"student_results": results, "school_results": schools, "teacher_results": teachers}
    )
    return {
        "students": students,
        "results": results,
        "schools": schools,
        "teachers": teachers,
        "codebook": book,
        "teacher_q": teacher_q,
    }


def test_every_assessed_student_appears_once_with_weights_pvs_and_groups(files):
    out = files["results"]
    # s6 has no weight, s1 has a missing PV: five assessed students remain, once each
    assert sorted(out["IDSTUD"]) == ["s0", "s2", "s3", "s4", "s5"]
    assert not out["IDSTUD"].duplicated().any()
    assert out[["TOTWGT", "RWGT1", "RWGT2", *PVS]].notna().all().all()
    assert (out["TOTWGT"] > 0).all()
    by_id = out.set_index("IDSTUD")
    assert by_id.loc["s0", "READ01"] == 560.0 and by_id.loc["s5", "READ02"] == 515.0
    # groups from the sample and the frame, not from the stratum string
    assert by_id.loc["s0", ["region", "locality", "school_type"]].tolist() == [
        "talas",
        "rural",
        "general",
    ]
    assert by_id.loc["s3", ["region", "locality", "school_type"]].tolist() == [
        "chui",
        "urban",
        "lyceum",
    ]
    # language of the class; the school's frame language where the class has none
    assert by_id.loc["s0", "language"] == "ky" and by_id.loc["s3", "language"] == "multi"
    head = [
        "IDSTUD",
        "IDSCHOOL",
        "IDCLASS",
        "ITSEX",
        "TOTWGT",
        "JKZONE",
        "JKREP",
        "RWGT1",
        "RWGT2",
        "READ01",
        "READ02",
    ]
    assert list(out.columns[: len(head)]) == head


def test_itsex_is_the_only_gender_column_and_missing_stays_missing(files):
    out = files["results"].set_index("IDSTUD")
    gender = [c for c in out.columns if re.search(r"SEX|female|gender|ASBG01", c, re.I)]
    assert gender == ["ITSEX"]
    assert str(out["ITSEX"].dtype) == "Int64"
    # tracking SEX first; a missing one is filled from a valid ASBG01 (s2: girl) ...
    assert out.loc["s0", "ITSEX"] == 1 and out.loc["s3", "ITSEX"] == 2
    assert out.loc["s2", "ITSEX"] == 1
    # ... and stays missing without one (s5: no questionnaire) -- never counted as a boy
    assert pd.isna(out.loc["s5", "ITSEX"])


def test_analysis_file_has_no_raw_missing_codes(files):
    out = files["results"]
    declared = {
        c.name: c
        for kind in ("student_questionnaire", "parent_questionnaire")
        for c in SCHEMAS[kind].columns
        if c.missing
    }
    checked = [c for c in out.columns if c in declared]
    assert {"ASBG03", "ASBG04", "ASBR01C", "ASBH03"} <= set(checked)
    for column in checked:
        codes = [float(k) for k in declared[column].missing]
        assert not out[column].isin(codes).any(), column
        assert pd.api.types.is_float_dtype(out[column]), column
    kinds = out.set_index("IDSTUD")
    # hand counts: s3 omitted books (9); s5 has no questionnaire row; s3 wrote 7 for ASBR01C
    assert kinds.loc["s3", "ASBG04_MISSING"] == "omitted"
    assert kinds.loc["s5", "ASBG04_MISSING"] == "not_administered"
    assert kinds.loc["s3", "ASBR01C_MISSING"] == "invalid" and np.isnan(kinds.loc["s3", "ASBR01C"])
    assert kinds.loc["s0", "ASBH03"] == 2.0 and pd.isna(kinds.loc["s0", "ASBH03_MISSING"])
    assert kinds.loc["s2", "ASBH03_MISSING"] == "not_administered"  # blank: not returned
    assert list(out["ASBG04_MISSING"].cat.categories) == list(ws.MISSING_KINDS)


def test_the_books_slope_is_recovered_only_with_the_missing_codes_cleaned():
    """Planted truth: 18 points per books category; 8 % omit (code 9) and score average."""
    rng = np.random.default_rng(7)
    n = 4000
    books = rng.integers(1, 6, n).astype(float)
    score = 446 + 18 * books[:, None] + rng.normal(0, 80, (n, 2))
    omitted = rng.random(n) < 0.08
    raw = np.where(omitted, 9, books)
    q = pd.DataFrame({"IDSTUD": np.arange(n), "ASBG04": raw.astype(int)})
    clean = ws.clean_missing(q, SCHEMAS["student_questionnaire"], columns=["ASBG04"])
    zone = np.arange(n) % 40
    data = pd.DataFrame(
        {
            "TOTWGT": 1.0,
            "READ01": score[:, 0],
            "READ02": score[:, 1],
            "ASBG04": clean["ASBG04"],
            "RAW": raw.astype(float),
        }
    )
    for r in range(40):
        data[f"RWGT{r + 1}"] = np.where(zone == r, np.where(np.arange(n) % 80 < 40, 2.0, 0.0), 1.0)
    design = RepDesign.iea(data)
    fixed = design.regress("reading ~ ASBG04").set_index("term").loc["ASBG04"]
    naive = design.regress("reading ~ RAW").set_index("term").loc["RAW"]
    assert abs(fixed["estimate"] - 18) < 3 * fixed["se"]
    assert abs(naive["estimate"] - 18) > 5 * naive["se"]  # the 9s bias it toward 0
    assert int(clean["ASBG04_MISSING"].eq("omitted").sum()) == int(omitted.sum())


def test_codebook_covers_every_column_in_three_languages(files):
    book = files["codebook"]
    for name in ("results", "schools", "teachers"):
        file = {
            "results": "student_results",
            "schools": "school_results",
            "teachers": "teacher_results",
        }[name]
        assert book.loc[book["file"] == file, "variable"].tolist() == list(files[name].columns)
    for lang in ("ky", "ru", "en"):
        assert (book[f"label_{lang}"].str.len() > 0).all()
    # labels are real words, not the variable name echoed back
    assert not (book["label_en"] == book["variable"]).any()
    row = book[(book["variable"] == "ASBG04") & (book["file"] == "student_results")].iloc[0]
    assert row["missing_codes"] == "9 = omitted"
    assert row["values_ru"].startswith("1 = 0–10;") and "5 = более 200" in row["values_ru"]
    assert (row["n_valid"], row["n_omitted"], row["n_not_administered"]) == (3, 1, 1)
    assert row["n_valid"] + row["n_missing"] == len(files["results"])
    sex = book[book["variable"] == "ITSEX"].iloc[0]
    assert sex["values_en"] == "1 = girl; 2 = boy" and sex["values_ky"] == "1 = кыз; 2 = бала"
    school = book[(book["variable"] == "ACBG01")].iloc[0]
    assert (school["missing_codes"], school["n_omitted"]) == ("9999 = omitted", 1)
    teacher = book[(book["variable"] == "ATBR01")].iloc[0]
    assert (teacher["n_valid"], teacher["n_missing"]) == (1, 0)  # class 3001 not assessed


def test_codebook_english_value_labels_are_the_schema_code_labels():
    for kind in (
        "student_questionnaire",
        "parent_questionnaire",
        "principal_questionnaire",
        "teacher_questionnaire",
    ):
        for column in SCHEMAS[kind].columns:
            if column.code_labels and column.name != "ASBG01":
                want = {int(k): str(v).replace("-", "–") for k, v in column.code_labels.items()}
                got = {
                    int(k): v.replace("-", "–")
                    for k, v in ws.value_labels(column.name, "en").items()
                }
                assert got == want, column.name


def test_school_and_teacher_files_link_by_id(files):
    schools, teachers = files["schools"], files["teachers"]
    assert schools["IDSCHOOL"].tolist() == [10, 20]
    assert set(files["results"]["IDSCHOOL"]) == set(schools["IDSCHOOL"])
    assert schools.loc[0, "ACBG05"] == 4.0 and np.isnan(schools.loc[0, "ACBG01"])
    assert schools.loc[1, "ACBG03_MISSING"] == "not_administered"  # no questionnaire
    assert schools["language"].tolist() == ["ky", "multi"]
    assert teachers["IDCLASS"].tolist() == [1001]
    assert set(teachers["IDCLASS"]) <= set(files["results"]["IDCLASS"])
    assert np.isnan(teachers.loc[0, "ATBG01"]) and teachers.loc[0, "ATBG01_MISSING"] == "omitted"
    log = ws.join_log(
        weights=tables()[0],
        scored=tables()[6],
        students=files["students"],
        results=files["results"],
        teachers=files["teacher_q"],
        teacher_results=teachers,
    ).set_index("step")
    assert log.loc["weighted_students", "dropped"] == 1  # s6: TOTWGT = 0
    assert log.loc["student_results", "dropped"] == 1  # s1: a missing PV
    assert log.loc["teacher_results", "dropped"] == 1  # class 3001
    assert log.loc["itsex_from_questionnaire", "n"] == 1  # s2
    assert log.loc["itsex_missing", "n"] == 1  # s5


def test_value_labels_replace_codes_for_reports(files):
    table = RepDesign.iea(files["results"]).mean("reading", by="ITSEX")
    shown = ws.with_value_labels(table, lang="ru")
    assert shown["ITSEX"].tolist() == ["девочка", "мальчик"]


def test_small_cells_are_suppressed_at_the_edge():
    t = pd.DataFrame(
        {
            "region": ["a", "b", "c"],
            "estimate": [500.0, 481.5, 470.0],
            "se": [3.0, 4.0, 5.0],
            "ci_lower": [494.0, 472.0, 460.0],
            "ci_upper": [506.0, 488.0, 480.0],
            "n": [10, 9, 250],
        }
    )
    out = suppress_small_cells(t, min_n=10, lang="ru")
    assert out["estimate"].tolist()[0] == 500.0 and out["n"].tolist() == [10, 9, 250]
    assert out.loc[1, ["estimate", "se", "ci_lower", "ci_upper"]].isna().all()
    assert out["note"].tolist() == ["", "n < 10: скрыто", ""]
    assert suppress_small_cells(t, min_n=0)["estimate"].notna().all()
    html = report_table(t, lang="en", suppress_below=10).to_html()
    assert "481.5" not in html and "10: suppressed" in html and "500.0" in html
    assert "Note" not in report_table(t, lang="en", suppress_below=9).to_html()
    with pytest.raises(KeyError, match="suppress_small_cells: no count column 'N'"):
        suppress_small_cells(t, min_n=10, n="N")
    with pytest.raises(ValueError, match="min_n must be an integer"):
        suppress_small_cells(t, min_n=-1)


def test_benchmark_table_reads_the_cuts_from_the_design():
    rng = np.random.default_rng(2)
    n = 400
    df = pd.DataFrame({f"READ0{m}": rng.normal(500, 100, n) for m in range(1, 4)})
    df["TOTWGT"] = 1.0
    zone = np.arange(n) % 20
    for r in range(20):
        df[f"RWGT{r + 1}"] = np.where(zone == r, np.where(np.arange(n) % 40 < 20, 2.0, 0.0), 1.0)
    table = ws.benchmark_table(RepDesign.iea(df, levels=[400, 475, 550, 625]), lang="en")
    assert table["name"].tolist() == ["Below low", "Low", "Intermediate", "High", "Advanced"]
    direct = np.mean([(df[f"READ0{m}"] >= 475).mean() * 100 for m in range(1, 4)])
    assert table.loc[2, "estimate"] == pytest.approx(direct, abs=1e-9)
    assert np.isnan(table.loc[0, "estimate"]) and (table.loc[1:, "se"] > 0).all()
    with pytest.raises(ValueError, match="benchmark_table: the design has no cut scores"):
        ws.benchmark_table(RepDesign.iea(df, levels=None))


def test_one_join_one_gender_coding_no_stratum_parsing_in_scaling():
    removed = ["pv_design", "level_shares", "score_summary", "percent_at_or_above"]
    assert not [name for name in removed if hasattr(ws, name)]
    sources = [
        *sorted((ROOT / "workbench" / "scaling").glob("*.py")),
        ROOT / "notebooks" / "50_scaling.py",
    ]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for pattern in (
            r"\bfemale\b",
            r"\[\"SEX\"\]",
            r"stratum",
            r"pv_design",
            r"level_shares",
            r"score_summary",
        ):
            assert not re.search(pattern, text), (path.name, pattern)


def test_bad_input_is_named():
    weights, sample, frame, classes, *_ = tables()
    with pytest.raises(KeyError, match=r"student_background: weights has no columns \['SEX'\]"):
        ws.student_background(
            weights.drop(columns="SEX"), sample=sample, frame=frame, classes=classes
        )
    with pytest.raises(KeyError, match="no schema for questionnaire 'pupil'"):
        ws.student_background(
            weights,
            sample=sample,
            frame=frame,
            classes=classes,
            questionnaires={"pupil": pd.DataFrame({"IDSTUD": ["s0"]})},
        )
    with pytest.raises(KeyError, match="student_results: scores has no columns"):
        ws.student_results(weights, pd.DataFrame({"IDSTUD": ["s0"]}), pvs=PVS)


def test_the_cycle_threshold_reaches_the_scaling_notebook():
    import ast

    import jupytext

    from workbench.params import load_params

    params = load_params(ROOT / "parameters" / "sabat6-demo.yaml")
    assert params.stage_params("scaling")["suppress_below"] == params.suppress_below == 10
    notebook = jupytext.read(ROOT / "notebooks" / "50_scaling.py")
    calls = [
        node
        for cell in notebook.cells
        if cell.cell_type == "code"
        for node in ast.walk(ast.parse(cell.source))
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("table", "mean_tables")
    ]
    # every report table with an estimate column is given the cycle's threshold (mean_tables:
    # the means by each further reporting group)
    public = [c for c in calls if "design" in ast.unparse(c) or "levels" in ast.unparse(c)]
    assert len(public) >= 5
    assert all(any(k.arg == "suppress_below" for k in c.keywords) for c in public)


def test_a_table_of_counts_only_gets_no_suppression_note():
    counts = pd.DataFrame({"step": ["a", "b"], "n": [3, 40]})
    assert suppress_small_cells(counts, min_n=10)["note"].tolist() == ["", ""]


def check_demo_files(cat) -> None:
    """The demo cycle's own analysis files (the body of the demo-run test below)."""
    results, book = cat.student_results.read(), cat.codebook.read()
    weights = cat.weights.read()
    assert not results["IDSTUD"].duplicated().any()
    assessed = set(weights.loc[weights["TOTWGT"] > 0, "IDSTUD"]) & set(
        cat.scored_responses.read()["IDSTUD"]
    )
    assert set(results["IDSTUD"]) == assessed
    assert [c for c in results.columns if re.search(r"SEX|female|ASBG01", c)] == ["ITSEX"]
    assert set(results["ITSEX"].dropna()) <= {1, 2}
    assert results[["TOTWGT", *[f"READ0{m}" for m in range(1, 6)]]].notna().all().all()
    declared = {
        c.name: c
        for kind in ("student_questionnaire", "parent_questionnaire")
        for c in SCHEMAS[kind].columns
        if c.missing
    }
    checked = [c for c in results.columns if c in declared]
    assert len(checked) >= 14
    for column in checked:
        assert not results[column].isin([float(k) for k in declared[column].missing]).any()
    raw = cat.student_questionnaire.read().set_index("IDSTUD")["ASBG04"]
    omitted = results["ASBG04_MISSING"].eq("omitted")
    assert omitted.sum() == int((raw.reindex(results["IDSTUD"]) == 9).sum()) > 0
    for name in ("student_results", "school_results", "teacher_results"):
        assert book.loc[book["file"] == name, "variable"].tolist() == list(cat[name].read().columns)


def test_the_demo_cycle_writes_clean_analysis_files(demo_run):
    from workbench.catalog import open_catalog

    check_demo_files(open_catalog("sabat6-demo"))


def test_suppress_small_cells_treats_an_unknown_count_as_not_small():
    import pandas as pd

    from workbench.disclosure import suppress_small_cells

    t = pd.DataFrame(
        {
            "estimate": [510.0, 495.0, 480.0],
            "se": [3.0, 4.0, 5.0],
            "n": pd.array([None, 9, 10], dtype="Int64"),
        }
    )
    out = suppress_small_cells(t, min_n=10)
    assert out["estimate"].isna().tolist() == [False, True, False]
    assert out["note"].iloc[0] == "" and out["note"].iloc[1] != ""
