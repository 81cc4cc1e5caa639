"""Shared fixtures: the demo cycle, run once per session into a temporary outputs folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "parameters" / "sabat6-demo.yaml"
SHARED_REFERENCE = ROOT.parent / "shared" / "reference"


@pytest.fixture(scope="session")
def outputs_root(tmp_path_factory) -> Path:
    """Private outputs, fieldwork and inputs folders for the whole session
    (``WORKBENCH_OUTPUTS``, ``WORKBENCH_FIELDWORK``, ``WORKBENCH_INPUTS``), so tests never touch
    a researcher's own runs."""
    folder = tmp_path_factory.mktemp("outputs")
    names = {
        "WORKBENCH_OUTPUTS": folder,
        "WORKBENCH_FIELDWORK": tmp_path_factory.mktemp("fieldwork"),
        "WORKBENCH_INPUTS": tmp_path_factory.mktemp("inputs"),
    }
    previous = {name: os.environ.get(name) for name in names}
    os.environ.update({name: str(path) for name, path in names.items()})
    yield folder
    for name, value in previous.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def demo_run(outputs_root):
    """The whole demo cycle, run through papermill exactly as ``make demo`` runs it."""
    from workbench.run import run_cycle

    result = run_cycle(DEMO, echo=None)
    assert result.ok, result.error
    return result
