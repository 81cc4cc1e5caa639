"""Cycle parameter files: the demo validates; every wrong file gets one line naming the key."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from tests.conftest import DEMO, ROOT
from workbench.params import ParamsError, load_params, parse_params


def demo_dict() -> dict:
    return yaml.safe_load(DEMO.read_text(encoding="utf-8"))


def test_demo_parameters_validate():
    params = load_params(DEMO)
    assert params.cycle == "sabat6-demo"
    assert params.language in {"ky", "ru", "en"}
    assert list(params.stages)[:6] == [
        "frame",
        "sample_design",
        "field_data",
        "weights",
        "validity",
        "scaling",
    ]  # later stages may follow
    assert params.data.source == "synthetic"


def test_stage_params_carry_cycle_language_and_defaults():
    stage = load_params(DEMO).stage_params("frame")
    assert stage["cycle"] == "sabat6-demo"
    assert stage["seed"] == load_params(DEMO).seed
    assert stage["lang"] == load_params(DEMO).language
    assert stage["strata"] == ["region", "locality", "language"]
    assert stage["min_enrolment"] == 1


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(language="de"), r"language: Input should be 'ky', 'ru' or 'en'"),
        (lambda d: d.update(year="next"), r"year: .*integer.*\(got 'next'\)"),
        (lambda d: d.pop("seed"), r"seed: required key is missing"),
        (lambda d: d.update(seeed=1), r"seeed: unknown key"),
        (
            lambda d: d.update(cycle="Has Spaces"),
            r"cycle: a cycle id is lower-case Latin letters, digits, '-' and '_'"
            r".*\(got 'Has Spaces'\)",
        ),
        (lambda d: d["data"].update(source="census"), r"data.source: Input should be"),
        (lambda d: d["data"].update(source="register"), r"data: source 'register' needs"),
        (lambda d: d["stages"].update(reslts={}), r"stages.reslts: unknown stage; known stages"),
        (
            lambda d: d["stages"]["frame"].update(min_enrolment=0),
            r"stages.frame.min_enrolment: Input should be greater than or equal to 1 \(got 0\)",
        ),
        (
            lambda d: d["stages"]["frame"].update(columns={"enrolment": "x"}),
            r"stages.frame: the register's column map is given once, under data.register.columns",
        ),
        (lambda d: d.update(stages={}), r"stages: no stages listed"),
    ],
)
def test_wrong_parameters_get_one_line_naming_the_key(change, expected):
    raw = demo_dict()
    change(raw)
    with pytest.raises(ParamsError, match=expected) as caught:
        parse_params(raw, source="cycle.yaml")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("cycle.yaml: ")


def test_yaml_syntax_error_names_the_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("cycle: x\nyear: [2026\nlanguage: ky\n", encoding="utf-8")
    with pytest.raises(ParamsError, match=r"bad.yaml line \d+: YAML syntax error"):
        load_params(bad)


def test_top_level_must_be_a_mapping(tmp_path):
    bad = tmp_path / "list.yaml"
    bad.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="expected a mapping of keys at the top, got list"):
        load_params(bad)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(ParamsError, match="no such parameter file"):
        load_params(tmp_path / "absent.yaml")


@pytest.mark.parametrize("command", ["check", "run"])
def test_cli_prints_one_line_and_no_traceback(tmp_path, command):
    raw = demo_dict()
    raw["language"] = "de"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "workbench", command, str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "language" in lines[0] and "bad.yaml" in lines[0]
