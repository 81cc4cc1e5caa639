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
    """A private outputs folder for the whole session (``WORKBENCH_OUTPUTS``)."""
    folder = tmp_path_factory.mktemp("outputs")
    previous = os.environ.get("WORKBENCH_OUTPUTS")
    os.environ["WORKBENCH_OUTPUTS"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("WORKBENCH_OUTPUTS", None)
    else:
        os.environ["WORKBENCH_OUTPUTS"] = previous


@pytest.fixture(scope="session")
def demo_run(outputs_root):
    """The whole demo cycle, run through papermill exactly as ``make demo`` runs it."""
    from workbench.run import run_cycle

    result = run_cycle(DEMO, echo=None)
    assert result.ok, result.error
    return result
