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


#: statements that are logic, not narrative: they belong in a package function with a test
_LOGIC = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
)
#: methods that reshape, recode or compute on data (``df.merge(...)``, ``s.str.split``, ...)
_DATA_METHODS = {
    "str",
    "map",
    "assign",
    "apply",
    "applymap",
    "merge",
    "join",
    "groupby",
    "pivot",
    "pivot_table",
    "melt",
    "stack",
    "unstack",
    "explode",
    "query",
    "value_counts",
    "rename_axis",
    "agg",
    "aggregate",
    "isin",
    "where",
    "mask",
    "clip",
    "cumsum",
    "diff",
    "set_index",
    "sort_values",
}
#: calls that put words or numbers of one language into what a notebook shows
_ONE_LANGUAGE = {"label", "labels_for", "format_number"}


def logic_in(source: str) -> list[str]:
    """What makes a cell more than parameters, calls and displays (one phrase per finding).

    The rule: no def/class/loops/comprehensions; a lambda only as a call argument; no
    arithmetic or comparison on data (only on names and constants: ``100 * target``); no
    data-reshaping methods (:data:`_DATA_METHODS`); no text made in one language
    (:data:`_ONE_LANGUAGE`); pass numbers and ``wb.report.term`` to texts instead.
    """
    tree = ast.parse(source)
    arguments = {
        id(a)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for a in [*node.args, *(k.value for k in node.keywords)]
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, _LOGIC):
            found.append(f"line {node.lineno}: {type(node).__name__}")
        elif isinstance(node, ast.Lambda) and id(node) not in arguments:
            found.append(f"line {node.lineno}: lambda outside a call argument")
        elif isinstance(node, (ast.BinOp, ast.Compare)) and not all(
            isinstance(part, (ast.Name, ast.Constant, ast.UnaryOp))
            for part in (
                [node.left, node.right]
                if isinstance(node, ast.BinOp)
                else [node.left, *node.comparators]
            )
        ):
            found.append(f"line {node.lineno}: arithmetic or comparison on data")
        elif isinstance(node, ast.Attribute) and node.attr in _DATA_METHODS:
            found.append(f"line {node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Call) and _called(node) in _ONE_LANGUAGE:
            found.append(f"line {node.lineno}: {_called(node)}() makes one language's text")
    return found


def _called(node: ast.Call) -> str:
    function = node.func
    return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_holds_no_logic(path):
    found = [
        f"{path.name} cell {number}, {finding}"
        for number, cell in enumerate(jupytext.read(path).cells)
        if cell.cell_type == "code"
        for finding in logic_in(cell.source)
    ]
    advice = "move this logic into workbench/ (a function with a test):"
    assert not found, "\n".join([advice, *found])


@pytest.mark.parametrize(
    ("source", "finding"),
    [
        ("for x in y:\n    pass", "For"),
        ("[x for x in y]", "ListComp"),
        ("df.assign(a=1)", ".assign"),
        ("s.str.split('/')", ".str"),
        ("t[t['change'] != 'kept']", "on data"),
        ("df['a'] * 2", "on data"),
        ("f = lambda x: x", "lambda outside"),
        ("wb.labels.label(code, lang)", "label()"),
        ("wb.report.format_number(x, lang, 2)", "format_number()"),
    ],
)
def test_the_thinness_rule_finds_logic(source, finding):
    assert any(finding in f for f in logic_in(source))


@pytest.mark.parametrize(
    "source",
    [
        "wb.report.table(wb.weights.zone_units(z), lang=lang, digits={'se': 2})",
        "x = 100 * target",
        "wb.report.text('s', 'k', lang=lang, n=-1)",
        "sorted(t, key=lambda r: r)",
        "students[['TOTWGT', 'stratum']]",
    ],
)
def test_the_thinness_rule_lets_calls_and_parameters_through(source):
    assert logic_in(source) == []
