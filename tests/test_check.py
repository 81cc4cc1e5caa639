"""Checks before work: ``workbench check`` names the next missing input (file and key), a
register without the columns the parameters name fails there and not 13 s into a run, and a
stage whose input is missing says which step makes it."""

from __future__ import annotations

import yaml

from tests.real_register import COLUMNS, STRATA, write_register_xlsx
from workbench.check import check_inputs, missing_input, producer
from workbench.cli import main
from workbench.newcycle import new_cycle
from workbench.params import load_params
from workbench.paths import data_dir, inputs_dir


def _cycle(tmp_path, name: str):
    made = new_cycle(name, language="ru", parameters=tmp_path)
    raw = yaml.safe_load(made.params.read_text(encoding="utf-8"))
    return made.params, raw


def _save(path, raw) -> None:
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_check_walks_a_new_cycle_from_missing_register_to_ok(outputs_root, tmp_path, capsys):
    path, raw = _cycle(tmp_path, "chk-walk")
    register = inputs_dir("chk-walk") / "register" / "register.xlsx"
    assert main(["check", str(path)]) == 2
    out, err = capsys.readouterr()
    assert err.strip() == (
        f"workbench: {path}: data.register.path: the register file "
        f"inputs/chk-walk/register/register.xlsx does not exist; put the "
        "department's register there (CSV or XLSX) or correct the path"
    )
    assert out.splitlines()[-1] == (
        "next missing input: the school register "
        "inputs/chk-walk/register/register.xlsx (data.register.path) "
        "is missing"
    )
    write_register_xlsx(register, schools=80)
    assert main(["check", str(path)]) == 2  # the placeholders are not columns
    err = capsys.readouterr().err.strip()
    assert err.startswith(
        "workbench: inputs/chk-walk/register/register.xlsx: sheet 'Реестр': no "
        "header row in the first 30 rows holds the mapped columns "
        "['SCHOOL ID COLUMN', 'GRADE 6 ENROLMENT COLUMN']"
    )
    raw["data"]["register"]["columns"] = COLUMNS
    raw["stages"]["sample_design"]["strata"] = ["Район", "language"]
    _save(path, raw)
    assert main(["check", str(path)]) == 2  # a stratum the register lacks
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"workbench: {path}: stages.sample_design.strata: 'language' is not a column "
        "of the register inputs/chk-walk/register/register.xlsx; its columns are "
        "'№ п/п', 'school_id', 'Наименование', 'Район', 'Форма собственности', 'Тип', "
        "'Количество учащихся / 5 класс', 'enrol_g6' (map a file column under "
        "data.register.columns, or name one of these)"
    ]
    raw["stages"]["sample_design"]["strata"] = STRATA
    _save(path, raw)
    assert main(["check", str(path)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "  ok  data.register.path: inputs/chk-walk/register/register.xlsx (82 records" in out


def test_a_frame_stratum_given_explicitly_is_checked_too(outputs_root, tmp_path):
    path, raw = _cycle(tmp_path, "chk-frame")
    write_register_xlsx(inputs_dir("chk-frame") / "register" / "register.xlsx", schools=40)
    raw["data"]["register"]["columns"] = COLUMNS
    raw["stages"]["frame"]["strata"] = ["Район", "locality"]
    _save(path, raw)
    report = check_inputs(load_params(path), "chk.yaml")
    assert report.errors == [report.errors[0]] and report.errors[0].startswith(
        "chk.yaml: stages.frame.strata: 'locality' is not a column of the register"
    )


def test_the_next_missing_input_follows_the_flow(outputs_root, tmp_path):
    path, raw = _cycle(tmp_path, "chk-flow")
    write_register_xlsx(inputs_dir("chk-flow") / "register" / "register.xlsx", schools=40)
    raw["data"]["register"]["columns"] = COLUMNS
    raw["stages"]["field_data"]["incoming"] = "delivery-june"
    _save(path, raw)
    report = check_inputs(load_params(path), "chk.yaml")
    assert report.errors == []
    assert report.next_missing == (
        "the folder fieldwork/chk-flow/delivery-june (stages.field_data.incoming: delivery "
        "folder under fieldwork/<cycle>/) does not exist; stage 'field_data' reads it"
    )
    (inputs_dir("chk-flow") / "class_lists").rmdir()
    raw["stages"] = dict(reversed(list(raw["stages"].items())))  # the file's order is not the flow
    _save(path, raw)
    report = check_inputs(load_params(path), "chk.yaml")
    assert report.next_missing.startswith(
        "the folder inputs/chk-flow/class_lists (stages."
        "sample_design.class_lists) for the returned class"
    )
    assert len(report.waiting) == 2


def test_a_stage_without_its_input_says_which_step_makes_it(outputs_root, tmp_path, capsys):
    path, raw = _cycle(tmp_path, "chk-stage")
    write_register_xlsx(inputs_dir("chk-stage") / "register" / "register.xlsx", schools=40)
    raw["data"]["register"]["columns"] = COLUMNS
    _save(path, raw)
    assert main(["run", str(path), "--stage", "sample_design"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        "workbench: stage 'sample_design' needs 'frame' (outputs/chk-stage/data/"
        "frame.parquet), which stage 'frame' (00_frame.py) makes: run that stage "
        "first"
    )
    assert "sources" not in err
    params = load_params(path)
    sentence = missing_input(
        "frame", "register", data_dir("chk-stage") / "register.parquet", params
    )
    assert sentence == (
        "stage 'frame' needs 'register' (outputs/chk-stage/data/register.parquet)"
        ", which the data preparation before the stages (the school register: "
        "data.register.path: inputs/chk-stage/register/register.xlsx) makes: run "
        "the cycle without --stage so the sources are prepared"
    )
    assert producer("frame_checks") == "stage 'frame' (00_frame.py)"
    assert producer("items", params) == (
        "the data preparation before the stages (the item bank: inputs/chk-stage/instruments/"
        "instruments.yaml (or .xlsx), read before the first stage)"
    )


def test_a_broken_instruments_file_stops_the_check(outputs_root, tmp_path, capsys):
    path, raw = _cycle(tmp_path, "chk-instr")
    write_register_xlsx(inputs_dir("chk-instr") / "register" / "register.xlsx", schools=40)
    raw["data"]["register"]["columns"] = COLUMNS
    _save(path, raw)
    bank = inputs_dir("chk-instr") / "instruments" / "instruments.yaml"
    bank.write_text("items:\n  - {item_id: R1, block: 1}\n", encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("workbench: inputs/chk-instr/instruments/")
    assert "instruments.yaml" in err[0]


def test_the_synthetic_nation_makes_its_own_returns(outputs_root):
    from tests.conftest import DEMO

    report = check_inputs(load_params(DEMO), "demo.yaml")
    assert report.errors == [] and report.next_missing is None
    assert ("data.source", "synthetic", "the synthetic nation makes the register") in report.found


def test_an_operating_system_error_is_words_never_a_bare_number():
    from workbench.cli import _message

    assert _message(FileNotFoundError(2)) == "No such file or directory"
    assert _message(FileNotFoundError(2, "No such file or directory", "inputs/x/r.xlsx")) == (
        "inputs/x/r.xlsx: No such file or directory"
    )


def test_run_stops_before_any_stage_on_a_column_the_register_lacks(outputs_root, tmp_path, capsys):
    path, raw = _cycle(tmp_path, "chk-run")
    write_register_xlsx(inputs_dir("chk-run") / "register" / "register.xlsx", schools=40)
    raw["data"]["register"]["columns"] = COLUMNS
    raw["stages"]["sample_design"]["sort_by"] = ["language", "enrol_g6"]
    _save(path, raw)
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"workbench: {path}: stages.sample_design.sort_by: 'language' is not a column "
        "of the register inputs/chk-run/register/register.xlsx; its columns are "
        "'№ п/п', 'school_id', 'Наименование', 'Район', 'Форма собственности', 'Тип', "
        "'Количество учащихся / 5 класс', 'enrol_g6' (map a file column under "
        "data.register.columns, or name one of these)"
    ]
    assert not (data_dir("chk-run") / "register.parquet").exists()  # no work was done


def test_later_stages_naming_the_demos_school_columns_are_caught(outputs_root, tmp_path):
    path, raw = _cycle(tmp_path, "chk-later")
    write_register_xlsx(inputs_dir("chk-later") / "register" / "register.xlsx", schools=40)
    raw["data"]["register"]["columns"] = COLUMNS
    raw["stages"]["results"] = {"groups": ["region", "locality", "language", "school_type"]}
    raw["stages"]["release"] = {"quasi_identifiers": ["Район", "ITSEX"]}
    _save(path, raw)
    errors = check_inputs(load_params(path), "chk.yaml").errors
    assert [e.split(":")[1].strip() for e in errors] == [
        "stages.results.groups",
        "stages.results.regression",
        "stages.results.indicators",
    ]
    assert errors[0].startswith(
        "chk.yaml: stages.results.groups: 'region', 'locality', "
        "'language', 'school_type' are not columns of the register"
    )
