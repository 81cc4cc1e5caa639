"""``workbench new-cycle NAME``: a commented parameter file that loads, the input folders with
templates and a README, never an overwrite, a wrong id in plain words."""

from __future__ import annotations

import pytest
import yaml

from workbench.cli import main
from workbench.newcycle import INPUT_FOLDERS, NewCycleError, new_cycle
from workbench.params import load_params
from workbench.paths import fieldwork_dir, inputs_dir
from workbench.stages import CYCLE_ID_RULE


def test_new_cycle_writes_a_parameter_file_that_loads_and_the_folders(outputs_root, tmp_path):
    made = new_cycle("kg-2027", year=2027, language="ru", parameters=tmp_path)
    assert made.params == tmp_path / "kg-2027.yaml"
    params = load_params(made.params)
    assert (params.cycle, params.year, params.language) == ("kg-2027", 2027, "ru")
    assert params.data.source == "register"
    assert params.data.register_file.path == inputs_dir("kg-2027") / "register" / "register.xlsx"
    assert set(params.data.register_file.columns.values()) == {"school_id", "enrol_g6"}
    assert list(params.stages)[:2] == ["frame", "sample_design"]
    assert params.stage_params("sample_design")["strata"] == []
    text = made.params.read_text(encoding="utf-8")
    assert text.count("#") > 30  # commented for a new user
    assert "locality" not in text and "language:" in text  # nothing invented
    for folder in INPUT_FOLDERS:
        assert (inputs_dir("kg-2027") / folder).is_dir()
    assert (fieldwork_dir("kg-2027") / "incoming").is_dir()
    readme = (inputs_dir("kg-2027") / "README.md").read_text(encoding="utf-8")
    for words in (
        "register/",
        "class_lists/",
        "instruments/",
        "fieldwork/kg-2027/incoming/",
        "school_id",
        "enrol_g6",
        "workbench check",
    ):
        assert words in readme
    template = inputs_dir("kg-2027") / "register" / "register_template.csv"
    assert template.read_text(encoding="utf-8").splitlines()[0].split(",")[0] == "school_id"


def test_new_cycle_never_overwrites(outputs_root, tmp_path):
    new_cycle("kg-twice", parameters=tmp_path)
    before = (tmp_path / "kg-twice.yaml").read_bytes()
    with pytest.raises(
        NewCycleError,
        match=r"kg-twice\.yaml already exists; it is never "
        "overwritten",
    ):
        new_cycle("kg-twice", parameters=tmp_path)
    (tmp_path / "kg-twice.yaml").unlink()
    with pytest.raises(
        NewCycleError,
        match=r"inputs/kg-twice already holds files|kg-twice "
        "already holds files",
    ):
        new_cycle("kg-twice", parameters=tmp_path)
    assert not (tmp_path / "kg-twice.yaml").exists() and before


def test_cli_new_cycle_and_a_wrong_id_in_plain_words(outputs_root, tmp_path, capsys):
    assert main(["new-cycle", "kg-cli", "--parameters", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "kg-cli.yaml" in out and "workbench check" in out
    assert main(["new-cycle", "Kyrgyz 2027", "--parameters", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        f"workbench: new-cycle: 'Kyrgyz 2027' is not a cycle id: {CYCLE_ID_RULE} (e.g. sabat6-2027)"
    )
    assert "^[a-z0-9]" not in err and not (tmp_path / "Kyrgyz 2027.yaml").exists()


def test_the_template_names_every_stage_key_it_sets_correctly(outputs_root, tmp_path):
    made = new_cycle("kg-keys", parameters=tmp_path)
    raw = yaml.safe_load(made.params.read_text(encoding="utf-8"))
    assert raw["stages"]["frame"] == {"strata": None, "min_enrolment": 1}
    assert raw["stages"]["sample_design"]["warn_minimum_share"] == 0.5
