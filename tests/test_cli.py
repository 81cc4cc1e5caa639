"""The command line's exit codes and one-line errors, for every kind of cycle and command.

Reference: the contract in :mod:`workbench.cli`'s docstring (0 ok, 1 a stage failed, 2 the
parameters or a file they name cannot be used, 3 the run was refused; one line, no
traceback). The failures are planted where each command meets them (loading the parameters,
checking the cycle's owner, running the stages).
"""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import pytest

from tests.conftest import ROOT
from workbench.check import RunRefused
from workbench.cli import main
from workbench.params import ParamsError
from workbench.run import StageFailed

SABAT6 = str(ROOT / "parameters" / "sabat6-demo.yaml")
TEACHER_ED = str(ROOT / "parameters" / "teacher-ed-pilot.yaml")
FAILURES = [
    (RunRefused("sabat6-demo is being run by process 42"), 3),
    (ValueError("cuts: must rise"), 2),
    (KeyError("stages"), 2),
    (FileNotFoundError(2, "No such file or directory", "inputs/register.csv"), 2),
]


def _raise(error):
    def planted(*args, **kwargs):
        raise error

    return planted


def _said_once(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("workbench: ") and "Traceback" not in err
    return err


@pytest.mark.parametrize(("error", "code"), [*FAILURES, (ParamsError("year: not a year"), 2)])
@pytest.mark.parametrize("command", ["check", "run"])
def test_a_sabat6_cycle_stopped_while_its_parameters_are_read(
    command, error, code, monkeypatch, capsys
):
    monkeypatch.setattr("workbench.params.load_params", _raise(error))
    assert main([command, SABAT6]) == code
    _said_once(capsys)


@pytest.mark.parametrize(
    ("error", "code"), [*FAILURES, (StageFailed("weights: no class lists"), 2)]
)
def test_a_sabat6_run_stopped_by_the_runner(error, code, monkeypatch, capsys):
    monkeypatch.setattr("workbench.check.register_problems", lambda params, source: [])
    monkeypatch.setattr("workbench.run.run_cycle", _raise(error))
    assert main(["run", SABAT6]) == code
    _said_once(capsys)


@pytest.mark.parametrize(("error", "code"), FAILURES)
@pytest.mark.parametrize("command", ["check", "run"])
def test_another_kind_stopped_while_its_owner_is_checked(command, error, code, monkeypatch, capsys):
    monkeypatch.setattr("workbench.check.check_cycle_owner", _raise(error))
    assert main([command, TEACHER_ED]) == code
    _said_once(capsys)


@pytest.mark.parametrize(("error", "code"), [*FAILURES, (StageFailed("t10: no sector"), 2)])
def test_another_kind_run_stopped_by_the_runner(error, code, monkeypatch, capsys):
    monkeypatch.setattr("workbench.check.check_cycle_owner", lambda source, params: None)
    monkeypatch.setattr("workbench.run.run_cycle", _raise(error))
    assert main(["run", TEACHER_ED]) == code
    _said_once(capsys)


@pytest.mark.parametrize("path", [SABAT6, TEACHER_ED])
def test_a_run_prints_its_index_and_a_failed_stage_exits_1(path, monkeypatch, capsys):
    monkeypatch.setattr("workbench.check.register_problems", lambda params, source: [])
    monkeypatch.setattr("workbench.check.check_cycle_owner", lambda source, params: None)
    results = iter(
        [
            SimpleNamespace(index="outputs/x/index.html", error=None),
            SimpleNamespace(index="outputs/x/index.html", error="weights: failed, see its log"),
        ]
    )
    monkeypatch.setattr("workbench.run.run_cycle", lambda *a, **k: next(results))
    assert main(["run", path]) == 0
    assert capsys.readouterr().out == "index: outputs/x/index.html\n"
    assert main(["run", path]) == 1
    assert _said_once(capsys) == "workbench: weights: failed, see its log\n"


def test_checking_another_kind_of_cycle_loads_no_runner():
    code = (
        "import sys; from workbench.cli import main; code = main(['check', sys.argv[1]]); "
        "print(code, 'papermill' in sys.modules, 'workbench.run' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, TEACHER_ED], capture_output=True, text=True, cwd=ROOT
    )
    assert done.stdout.splitlines()[-1] == "0 False False", done.stderr
