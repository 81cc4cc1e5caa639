"""Every parameter the runner passes to a stage notebook is declared in its parameters cell
(papermill would otherwise print "Passed unknown parameter" and the value would be unused)."""

from __future__ import annotations

import re

import jupytext
import pytest

from tests.conftest import DEMO
from workbench.params import load_params
from workbench.paths import PROJECT_ROOT
from workbench.stages import STAGES


def _declared(notebook: str) -> set[str]:
    nb = jupytext.read(PROJECT_ROOT / "notebooks" / notebook)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    return set(re.findall(r"^(\w+)\s*=", cell.source, re.MULTILINE))


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_every_passed_parameter_is_declared(stage):
    passed = set(load_params(DEMO).stage_params(stage))
    assert passed - _declared(STAGES[stage].notebook) == set()
