"""A whole real cycle through the forms, on a register unlike the demo's (Russian column names,
merged header, districts as strata, no language or locality column): the frame, the sample
design that stops while the class lists are missing (one sentence naming the schools and the
folders), the class listing forms filled in as the schools would, and the classes sampled from
them with their tracking forms, then the field agency's delivery made on those classes and read
by the field-data stage; then the weights, whose class factors come from the returned class
lists and whose sums give back the register's grade-6 enrolment of the sampled districts;
then the validity studies, which leave out what needs a language of instruction (the register
has none) and say so; then scaling, results and release, which report by the district and
the student's sex (the urban-rural and language gaps left out, each with a sentence) and
release the district as a coded variable. The truth is what the helper wrote into the
register, the forms and the delivery."""

from __future__ import annotations

import openpyxl
import pandas as pd
import yaml

from tests.real_cycle import fill_listing_forms, make_delivery, start_cycle
from tests.real_register import COLUMNS, write_register_xlsx
from workbench.check import check_inputs
from workbench.params import load_params
from workbench.paths import cycle_dir, data_dir, inputs_dir
from workbench.run import run_cycle
from workbench.sampling.forms import waiting_for


def test_a_real_cycle_waits_for_class_lists_and_samples_classes_from_the_forms(
    outputs_root, tmp_path
):
    params, truth = start_cycle("real-forms", tmp_path, n_schools=60)
    assert run_cycle(params, stage="frame", echo=None).statuses == {"frame": "ok"}
    items = pd.read_parquet(data_dir("real-forms") / "items.parquet")
    assert items["item_id"].tolist() == ["L101", "L102", "L103", "L201", "L202"]  # from the file

    waiting = run_cycle(params, stage="sample_design", echo=None)
    assert waiting.statuses == {"sample_design": "failed"}
    sentence = waiting.error.split("ClassListsMissing: ", 1)[1]
    assert sentence.startswith(
        "waiting for the class lists of 60 of 60 sampled schools "
        "(IDSCHOOL 10, 20, 30, 40, 50 and 55 more): fill their class "
        "listing forms (outputs/real-forms/forms/class_listing/)"
    )
    assert sentence.endswith("put them in inputs/real-forms/class_lists/, then run again")
    assert "Traceback" not in waiting.error and "/tmp" not in sentence
    sample = pd.read_parquet(data_dir("real-forms") / "sample_schools.parquet")
    assert (sample["role"] == "sampled").sum() == 60  # saved before it stopped
    forms = cycle_dir("real-forms") / "forms" / "class_listing"
    assert sorted(int(p.stem) for p in forms.glob("*.xlsx")) == sorted(sample["IDSCHOOL"])
    cycle = load_params(params)
    assert [s for _, _, s in waiting_for(cycle)] == [sentence]  # what `check` shows

    written = fill_listing_forms(forms, inputs_dir("real-forms") / "class_lists", sample)
    assert waiting_for(cycle) == []
    done = run_cycle(params, stage="sample_design", echo=None)
    assert done.statuses == {"sample_design": "ok"}, done.error
    classes = pd.read_parquet(data_dir("real-forms") / "sample_classes.parquet")
    listed = written.groupby("IDSCHOOL").agg(n=("CLASS_NAME", "size"), pupils=("N_STUDENTS", "sum"))
    per_school = classes.groupby("IDSCHOOL").agg(
        n_classes=("n_classes", "first"),
        n_sampled=("n_sampled", "first"),
        p=("class_probability", "first"),
    )
    # every answering school (59 sampled, 1 replacement of the one that declined) has classes
    assert sorted(per_school.index) == sorted(listed.index)
    assert (per_school["n_classes"] == listed["n"]).all()
    assert (per_school["p"] == per_school["n_sampled"] / listed["n"]).all()
    mos = sample.set_index("IDSCHOOL")["mos"].reindex(per_school.index)
    wanted = (mos > 150).map({True: 2, False: 1})
    assert (per_school["n_sampled"] == wanted.clip(upper=listed["n"])).all()
    # each sampled class is a line of its school's returned list, with its own count
    back = classes.merge(written, on=["IDSCHOOL", "CLASS_NAME"])
    assert len(back) == len(classes) and (back["enrol"] == back["N_STUDENTS"]).all()
    assert (classes["IDCLASS"] // 100 == classes["IDSCHOOL"]).all()
    # one tracking form per sampled class, a line per listed student + 5, booklets 1 and 2
    tracking = cycle_dir("real-forms") / "forms" / "student_tracking"
    assert sorted(int(p.stem) for p in tracking.glob("*.xlsx")) == sorted(classes["IDCLASS"])
    first = classes.iloc[0]
    rows = list(
        openpyxl.load_workbook(tracking / f"{first['IDCLASS']}.xlsx")["ru"].iter_rows(
            min_row=7, values_only=True
        )
    )
    assert len(rows) == first["enrol"] + 5
    assert {r[7] for r in rows} == {1, 2} and rows[0][2] == first["IDCLASS"] * 100 + 1
    # the report says what was read (ru: the cycle's language)
    page = (cycle_dir("real-forms") / "html" / "sample_design.html").read_text(encoding="utf-8")
    assert f"{len(written)} классов" in page and "1 школ сообщили, что не участвуют" in page

    # the delivery, played out on the sampled classes, goes through the field-data stage
    played = make_delivery("real-forms")
    field = run_cycle(params, stage="field_data", echo=None)
    assert field.statuses == {"field_data": "ok"}, field.error
    tracked = pd.read_parquet(data_dir("real-forms") / "class_tracking.parquet")
    from_lists = played.classes.loc[~played.classes["drawn_in_field"], "IDCLASS"]
    assert set(from_lists) <= set(classes["IDCLASS"])  # the forms' IDCLASS reached it
    assert set(from_lists) <= set(tracked["IDCLASS"].astype(int))
    took_part = played.schools.loc[played.schools["PARTICIP"] == 1, "IDSCHOOL"]
    summary = pd.read_parquet(data_dir("real-forms") / "participation.parquet")
    assert len(summary) > 0 and took_part.nunique() > 40

    # the school tracking form's REGION is the register's district: every school accepted
    tracking = pd.read_parquet(data_dir("real-forms") / "school_tracking.parquet")
    assert len(tracking) == len(sample)
    assert set(tracking.loc[tracking["PARTICIP"] == 1, "IDSCHOOL"]) == set(took_part)

    # weights: the class factor is the returned list's class count over the classes sampled
    weighted = run_cycle(params, stage="weights", echo=None)
    assert weighted.statuses == {"weights": "ok"}, weighted.error
    weights = pd.read_parquet(data_dir("real-forms") / "weights.parquet")
    listed_here = weights[weights["IDSCHOOL"].isin(listed.index)]
    factor = listed_here["IDSCHOOL"].map(listed["n"] / per_school["n_sampled"])
    assert len(listed_here) > 0.8 * len(weights)
    assert (listed_here["WGTFAC2"] - factor).abs().max() < 1e-9
    # ... and the weights add up to the register's grade-6 students of each district (the
    # design leaves out schools under 8 students) where every school's classes were listed
    records = truth["records"]
    valid = records[~records["Код школы"].isin(truth["faults"]["zero_enrolment"])]
    district = valid[valid["6 класс"] >= 8].groupby("Район")["6 класс"].sum()
    unlisted = weights.loc[~weights["IDSCHOOL"].isin(listed.index), "stratum"]
    sums = weights.groupby("stratum")["TOTWGT"].sum().drop(unlisted.unique())
    assert len(sums) >= 12
    # the weights stand for the students not excluded: the register's count less the district's
    # share of excluded students on the tracking forms (one school of 19 with 2 excluded: 17/19)
    students = pd.read_parquet(data_dir("real-forms") / "student_tracking.parquet")
    stratum = students["IDSCHOOL"].map(weights.groupby("IDSCHOOL")["stratum"].first())
    excluded = (students["PARTICIP"].astype(int) == 3).groupby(stratum).mean()
    ratio = sums / (district.reindex(sums.index) * (1 - excluded.reindex(sums.index)))
    # classes of unequal size (by one) and class sampling move a district by a few per cent
    assert ratio.between(0.93, 1.07).all(), ratio
    page = (cycle_dir("real-forms") / "html" / "weights.html").read_text(encoding="utf-8")
    from_lists = listed_here["IDSCHOOL"].nunique()
    assert f"{from_lists} школ — из возвращённых списков классов" in page
    assert "Взвешенные доли по первой явной страте (Район)" in page

    # validity: the bank's items analysed; DIF by gender only, the language left out in words
    valid_run = run_cycle(params, stage="validity", echo=None)
    assert valid_run.statuses == {"validity": "ok"}, valid_run.error
    verdicts = pd.read_parquet(data_dir("real-forms") / "item_verdicts.parquet")
    assert verdicts["item_id"].tolist() == ["L101", "L102", "L103", "L201", "L202"]
    dif = pd.read_parquet(data_dir("real-forms") / "dif_results.parquet")
    assert set(dif["comparison"]) == {"gender"} and len(dif) == 5
    page = (cycle_dir("real-forms") / "html" / "validity.html").read_text(encoding="utf-8")
    assert "DIF по языку обучения не проводился" in page
    assert "Инвариантность измерения по языкам обучения не проверялась" in page

    # scaling, results and release report by the register's district and the student's sex
    raw = yaml.safe_load(params.read_text(encoding="utf-8"))
    raw["stages"].update(scaling={}, results={}, release={})
    params.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for stage in ("scaling", "results", "release"):
        later = run_cycle(params, stage=stage, echo=None)
        assert later.statuses == {stage: "ok"}, later.error
    students = pd.read_parquet(data_dir("real-forms") / "student_results.parquet")
    assert not {"region", "locality", "language", "school_type"} & set(students.columns)
    # each student's district is the register's district of the school (the truth)
    district_of = records.set_index(records["Код школы"].astype(str))["Район"]
    code_of = sample.drop_duplicates("IDSCHOOL").set_index("IDSCHOOL")["school_id"].astype(str)
    truth_district = students["IDSCHOOL"].map(code_of).map(district_of)
    assert truth_district.notna().all() and (students["Район"] == truth_district).all()
    book = pd.read_parquet(data_dir("real-forms") / "codebook.parquet")
    assert set(book.loc[book["type"] == "group", "variable"]) == {"Район"}
    dist = pd.read_parquet(data_dir("real-forms") / "results_distribution.parquet")
    assert set(dist["group_var"]) == {"all", "Район", "ITSEX"}
    gaps = pd.read_parquet(data_dir("real-forms") / "results_gaps.parquet")
    assert set(gaps["comparison"]) == {"girls_boys"}  # no urban-rural, no language gap
    areas = pd.read_parquet(data_dir("real-forms") / "results_regions.parquet")
    assert len(areas) == students["Район"].nunique()  # each district against the nation
    page = (cycle_dir("real-forms") / "html" / "results.html").read_text(encoding="utf-8")
    assert "Разница между городом и селом не приводится" in page
    assert "Разницы по языку обучения не приводятся" in page
    # the public files carry the district as a coded variable labelled by its column's name
    public = cycle_dir("real-forms") / "release" / "public"
    released = pd.read_csv(next(p for p in public.glob("ASG*.csv") if "_labels" not in p.name))
    assert "RAION" in released.columns
    assert not {"REGION", "LOCALITY", "LANGINST", "SCHTYPE", "Район"} & set(released.columns)
    labels = pd.read_csv(next(public.glob("ASG*_labels.csv")))
    raion = labels[labels["variable"] == "RAION"]
    assert raion.loc[raion["value"].isna(), "label_ru"].tolist() == ["Район"]
    coded = raion.dropna(subset=["value"])
    assert set(coded["label_ru"]) <= set(records["Район"])
    assert set(released["RAION"].dropna()) <= set(coded["value"].astype(float))


def test_later_stages_of_a_register_cycle_report_by_its_own_columns(outputs_root, tmp_path):
    """Empty results, release and validity sections on a register stratified by district:
    the groups are the district and the student's sex, nothing the register lacks, and
    `workbench check` finds nothing to object to."""
    from workbench.newcycle import new_cycle

    made = new_cycle("real-groups", language="ru", year=2026, parameters=tmp_path)
    raw = yaml.safe_load(made.params.read_text(encoding="utf-8"))
    raw["data"]["register"]["columns"] = COLUMNS
    raw["stages"]["sample_design"]["strata"] = ["Район"]
    raw["stages"].update(validity={}, results={}, release={})
    made.params.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    write_register_xlsx(inputs_dir("real-groups") / "register" / "register.xlsx", schools=40)
    cycle = load_params(made.params)
    results = cycle.stage_params("results")
    assert results["groups"] == ["Район", "ITSEX"]
    assert results["indicators"] == {"ITSEX": "2"}
    assert results["regression"] == ["ITSEX", "ASBG04"]  # ASBG04: the student questionnaire's
    assert cycle.stage_params("release")["quasi_identifiers"] == ["Район", "ITSEX"]
    assert cycle.stage_params("validity")["dif_language"] is False
    assert cycle.stage_params("weights")["strata"] == ["Район"]
    assert cycle.stage_params("scaling")["groups"] == ["Район", "ITSEX"]
    assert check_inputs(cycle, "real-groups.yaml").errors == []
    # groups the file names are kept as named (and checked against the register)
    raw["stages"]["results"] = {"groups": ["Район", "Тип", "ITSEX"]}
    made.params.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    named = load_params(made.params)
    assert named.stage_params("release")["quasi_identifiers"] == ["Район", "Тип", "ITSEX"]
    assert check_inputs(named, "real-groups.yaml").errors == []


def test_a_register_group_is_released_as_a_coded_variable_named_after_its_column():
    """A group the demo does not know (codebook type ``group``) gets codes 1.. in the order
    given, value labels = its values and the variable label = its column's name."""
    from workbench.release.files import group_variable, prepare

    table = pd.DataFrame({"IDSCHOOL": [1, 2, 3], "Район": ["Район 02", "Район 01", None]})
    book = pd.DataFrame(
        {
            "variable": ["Район"],
            "file": ["school_results"],
            "type": ["group"],
            **{f"label_{lang}": ["Район"] for lang in ("ky", "ru", "en")},
            **{f"values_{lang}": ["Район 01 = Район 01"] for lang in ("ky", "ru", "en")},
        }
    )
    order = {"Район": ["Район 01", "Район 02"]}
    data, meta = prepare(table, "school_results", codebook=book, country="KGZ", groups=order)
    assert group_variable("Район") == "RAION" and group_variable("locality") == "LOCALITY"
    assert data["RAION"].tolist()[:2] == [2.0, 1.0] and pd.isna(data["RAION"].iloc[2])
    assert meta["labels"]["ru"]["RAION"] == "Район" and meta["source"]["RAION"] == "Район"
    assert meta["values"]["en"]["RAION"] == {1.0: "Район 01", 2.0: "Район 02"}
