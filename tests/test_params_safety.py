"""Parameter files from a hostile or careless hand: planted faults, each refused in one line.

Every fault here is planted by the test (an alias bomb, a key given twice, a binary file, a
path that escapes the cycle's folders, reversed ranges, unknown items); the reference is the
rule the README states, never the code's own output.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pandas as pd
import pytest
import yaml

from tests.conftest import DEMO, ROOT
from workbench.params import MAX_BYTES, ParamsError, load_params, parse_params, read_yaml
from workbench.paths import inputs_dir
from workbench.run import RunRefused, check_against_data, check_cycle_owner


def demo_text() -> str:
    return DEMO.read_text(encoding="utf-8")


def demo_dict() -> dict:
    return yaml.safe_load(demo_text())


def write(tmp_path, raw: dict, name: str = "cycle.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def one_line(err: pytest.ExceptionInfo) -> str:
    message = str(err.value)
    assert "\n" not in message and len(message) < 400, message
    return message


def alias_bomb(levels: int = 24, width: int = 32) -> str:
    """The billion-laughs YAML: ``width ** levels`` values from a few kilobytes."""
    lines = ["lol0: &l0 [" + ", ".join(['"lol"'] * width) + "]"]
    for level in range(1, levels):
        lines.append(f"lol{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_fails_fast_with_one_line(tmp_path):
    bomb = alias_bomb()
    assert 4_000 < len(bomb.encode()) < 6_000  # 5.6 KB, 32**24 values expanded
    path = tmp_path / "bomb.yaml"
    path.write_text(demo_text() + bomb, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(ParamsError, match=r"bomb.yaml: the YAML expands to more than") as err:
        load_params(path)
    assert time.perf_counter() - started < 1.0
    one_line(err)


def test_alias_inside_stage_parameters_fails_fast(tmp_path):
    text = "x-bomb: &bomb\n" + "".join("  " + line + "\n" for line in alias_bomb().splitlines())
    text += demo_text().replace("exclude_items: []", "exclude_items: *l23")
    path = tmp_path / "nested-bomb.yaml"
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(ParamsError, match="expands to more than"):
        load_params(path)
    assert time.perf_counter() - started < 1.0


def test_a_few_ordinary_aliases_are_fine(tmp_path):
    text = demo_text().replace(
        "strata: [region, locality]   ", "strata: &strata [region, locality]   "
    )
    text = text.replace("sort_by: [language, school_type, enrol_g6]", "sort_by: *strata")
    path = tmp_path / "aliases.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_params(path).stages["sample_design"]["sort_by"] == ["region", "locality"]


def test_recursive_alias_is_refused(tmp_path):
    path = tmp_path / "loop.yaml"
    path.write_text("a: &a [1, *a]\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="alias refers to the mapping or list that contains"):
        read_yaml(path)


def test_deep_nesting_is_refused(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="nested too deeply") as err:
        read_yaml(path)
    one_line(err)


def test_oversized_file_is_refused_before_parsing(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text(demo_text() + "#" * (MAX_BYTES + 1), encoding="utf-8")
    with pytest.raises(
        ParamsError,
        match=r"big.yaml: the file has [\d,]+ bytes; a parameter "
        r"file has at most",
    ):
        load_params(path)


@pytest.mark.parametrize(
    ("old", "new", "key", "lines"),
    [
        ("seed: 20261124 ", "seed: 20261124\nseed: 1 ", "seed", True),
        (
            "    min_enrolment: 1 ",
            "    min_enrolment: 1\n    min_enrolment: 5 ",
            "stages.frame.min_enrolment",
            None,
        ),
        ("  weights:  ", "  frame: {}\n  weights:  ", "stages.frame", None),
    ],
)
def test_duplicate_keys_are_refused_naming_key_and_lines(tmp_path, old, new, key, lines):
    text = demo_text()
    assert old in text
    path = tmp_path / "dup.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ParamsError) as err:
        load_params(path)
    message = one_line(err)
    assert message.startswith(f"{path}: {key}: the key is given twice (lines "), message
    if lines:  # the planted key's own line in the file, and the one after it
        first = text[: text.index(old)].count("\n") + 1
        assert f"(lines {first} and {first + 1})" in message


def test_binary_file_is_named_not_its_codec(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(ParamsError, match=r"params.yaml: not a text file") as err:
        load_params(path)
    one_line(err)


def test_non_utf8_text_names_the_byte(tmp_path):
    path = tmp_path / "cp1251.yaml"
    path.write_bytes(demo_text().replace("demo", "демо").encode("cp1251", errors="replace"))
    with pytest.raises(
        ParamsError,
        match=r"cp1251.yaml: not UTF-8 text \(byte 0x[0-9a-f]{2} "
        r"at offset \d+\); save the file as UTF-8",
    ):
        load_params(path)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\x00\x01\x02binary", "not a text file"),
        (None, "no such parameter file"),
    ],
)
def test_cli_names_the_file_in_one_line(tmp_path, content, expected):
    path = tmp_path / "odd.yaml"
    if content is not None:
        path.write_bytes(content)
    for command in ("check", "run"):
        done = subprocess.run(
            [sys.executable, "-m", "workbench", command, str(path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 2
        lines = done.stderr.strip().splitlines()
        assert lines == [f"workbench: {path}: {lines[0].split(': ', 2)[2]}"], done.stderr
        assert expected in lines[0] and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("key_file", "../../../etc/passwd"),
        ("key_file", "/etc/passwd"),
        ("incoming", "../../.."),
        ("incoming", "/tmp"),
        ("incoming", "../other-cycle/incoming"),
    ],
)
def test_paths_outside_the_cycle_folders_are_refused(tmp_path, key, value):
    raw = demo_dict()
    raw["stages"]["field_data"][key] = value
    path = write(tmp_path, raw)
    with pytest.raises(ParamsError) as err:
        load_params(path)
    message = one_line(err)
    assert message.startswith(
        f"{path}: stages.field_data.{key}: {value!r} points outside the "
        "cycle's folders (fieldwork/sabat6-demo/, inputs/sabat6-demo/, "
        "parameters/)"
    ), message
    assert "allow_outside: true" in message


def test_paths_inside_the_cycle_folders_and_allowed_outside_pass(tmp_path):
    raw = demo_dict()
    raw["stages"]["field_data"].update(incoming="deliveries/2025-05", key_file="keys/k.key")
    assert load_params(write(tmp_path, raw)).cycle == "sabat6-demo"
    raw["stages"]["field_data"]["incoming"] = str(tmp_path / "elsewhere")
    with pytest.raises(ParamsError, match="points outside"):
        load_params(write(tmp_path, raw))
    raw["allow_outside"] = True
    assert load_params(write(tmp_path, raw)).allow_outside


def test_register_path_is_confined_too(tmp_path):
    raw = demo_dict()
    raw["data"] = {"source": "register", "register": {"path": "../../etc/passwd"}}
    with pytest.raises(
        ParamsError,
        match=r"data.register.path: '../../etc/passwd' points "
        "outside",
    ):
        load_params(write(tmp_path, raw))
    raw["data"]["register"]["path"] = str(inputs_dir("sabat6-demo") / "register.csv")
    assert load_params(write(tmp_path, raw)).data.source == "register"


def test_every_stage_parameter_naming_a_file_is_confined():
    """A stage parameter whose name says it is a file or folder must carry the path marker,
    or the confinement and the cache would not see it."""
    from workbench.stages import STAGES

    for stage in STAGES.values():
        for name, info in stage.params.model_fields.items():
            looks_like_path = name in {"incoming", "outgoing"} or name.endswith(
                ("_file", "_path", "_dir", "_folder")
            )
            if looks_like_path:
                marker = info.json_schema_extra or {}
                assert marker.get("path") and marker.get("kind"), (stage.name, name)


@pytest.mark.parametrize(
    ("stage", "key", "value", "expected"),
    [
        ("validity", "flag_p", [0.95, 0.2], "0 <= low < high <= 1"),
        ("validity", "flag_p", [0.2, 1.5], "0 <= low < high <= 1"),
        ("validity", "flag_p", [-0.1, 0.9], "0 <= low < high <= 1"),
        ("validity", "fit_range", [1.2, 0.8], "0 < low < high"),
        ("scaling", "cuts", [400, 550, 475, 625], "strictly increasing"),
        ("scaling", "cuts", [400, 400, 550], "strictly increasing"),
        ("scaling", "exclude_items", ["R101", "R101"], "items listed twice: R101"),
    ],
)
def test_ranges_and_orders_are_checked(stage, key, value, expected):
    raw = demo_dict()
    raw["stages"][stage][key] = value
    with pytest.raises(ParamsError) as err:
        parse_params(raw, source="cycle.yaml")
    message = one_line(err)
    assert message.startswith(f"cycle.yaml: stages.{stage}.{key}: "), message
    assert expected in message and "Value error" not in message


def test_unknown_excluded_items_are_refused_when_the_bank_is_known(outputs_root):
    from workbench.paths import data_dir

    raw = demo_dict()
    raw["cycle"] = "bank-known"
    raw["stages"]["scaling"]["exclude_items"] = ["R101", "R999", "X1"]
    params = parse_params(raw, source="bank.yaml")
    check_against_data(params, "bank.yaml")  # no bank yet: nothing to check
    data_dir("bank-known").mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"item_id": ["R101", "R102", "R201"]}).to_parquet(
        data_dir("bank-known") / "items.parquet"
    )
    with pytest.raises(ParamsError) as err:
        check_against_data(params, "bank.yaml")
    assert one_line(err).startswith(
        "bank.yaml: stages.scaling.exclude_items: R999, X1 are not in the item bank (3 items"
    )


def test_cycle_id_used_by_another_parameter_file_is_refused(tmp_path):
    copy = tmp_path / "my-copy.yaml"
    copy.write_text(demo_text(), encoding="utf-8")
    with pytest.raises(RunRefused) as err:
        check_cycle_owner(copy, load_params(copy))
    message = one_line(err)
    assert "'sabat6-demo' is also used by parameters/sabat6-demo.yaml" in message
    assert str(copy) in message
    check_cycle_owner(DEMO, load_params(DEMO))  # the file itself is no rival


def test_base_cycle_id_error_is_plain_words():
    raw = demo_dict()
    raw["stages"]["scaling"]["base_cycle"] = "Sabat 6"
    with pytest.raises(
        ParamsError,
        match=r"stages.scaling.base_cycle: a cycle id is lower-case "
        r"Latin letters.*\(got 'Sabat 6'\)",
    ):
        parse_params(raw, source="cycle.yaml")


VARIABLE_PART = """variable_part: reading club
institution: S0101
version: "1"
indicators:
  - {id: V1, in_direction: results, name: {ky: a, ru: b, en: c},
     compute: {kind: ratio, table: own, numerator: a, denominator: b},
     uncertainty: none, unit: percent, direction: higher_better}
"""


def other_kind_files():
    """``(loader, text of a file it accepts)`` for every other reader of a user's YAML file."""
    from workbench.indicators.framework import framework_path, load_framework
    from workbench.indicators.params import load_teacher_ed
    from workbench.monitoring.framework import load_monitoring_framework, load_variable_part
    from workbench.monitoring.params import load_school_monitoring
    from workbench.stages import load_cycle

    def variable_part(path):
        return load_variable_part(path, load_monitoring_framework("school_internal"))

    cycle = ROOT / "parameters"
    return [
        (load_teacher_ed, (cycle / "teacher-ed-demo.yaml").read_text("utf-8")),
        (load_school_monitoring, (cycle / "school-monitoring-demo.yaml").read_text("utf-8")),
        (load_cycle, (cycle / "teacher-ed-demo.yaml").read_text("utf-8")),
        (load_cycle, (cycle / "school-monitoring-demo.yaml").read_text("utf-8")),
        (load_framework, framework_path("teacher_education").read_text("utf-8")),
        (load_monitoring_framework, framework_path("school_internal").read_text("utf-8")),
        (variable_part, VARIABLE_PART),
    ]


@pytest.mark.parametrize(
    "case",
    range(7),
    ids=[
        "teacher_ed",
        "school",
        "cycle-teacher_ed",
        "cycle-school",
        "framework",
        "monitoring",
        "variable-part",
    ],
)
def test_other_kinds_of_file_are_read_with_the_same_bounds(tmp_path, case):
    load, text = other_kind_files()[case]
    load(write_text(tmp_path / "fine.yaml", text))  # the file as it stands is accepted
    bomb = write_text(tmp_path / "bomb.yaml", text + alias_bomb())
    started = time.perf_counter()
    with pytest.raises(ValueError, match=r"bomb.yaml: the YAML expands to more than") as err:
        load(bomb)
    assert time.perf_counter() - started < 1.0
    one_line(err)
    big = write_text(tmp_path / "big.yaml", text + "#" * (MAX_BYTES + 1))
    with pytest.raises(ValueError, match=r"big.yaml: the file has [\d,]+ bytes; a ") as err:
        load(big)
    one_line(err)


def write_text(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path
