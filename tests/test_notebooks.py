"""Stage notebooks stay thin: jupytext percent, a tagged parameters cell, no logic."""

from __future__ import annotations

import ast

import jupytext
import pytest

from tests.conftest import ROOT
from workbench.stages import STAGES

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))


def test_every_stage_has_its_notebook_and_every_notebook_a_stage():
    assert {stage.notebook for stage in STAGES.values()} == {path.name for path in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_has_a_tagged_parameters_cell_with_cycle_and_lang(path):
    notebook = jupytext.read(path)
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    names = {node.targets[0].id for node in ast.parse(tagged[0].source).body}
    assert {"cycle", "lang"} <= names
    stage = next(s for s in STAGES.values() if s.notebook == path.name)
    assert set(stage.params.model_fields) <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_holds_no_functions_classes_or_loops(path):
    for cell in jupytext.read(path).cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.For, ast.While)), (
                f"{path.name}: move this logic into workbench/")
