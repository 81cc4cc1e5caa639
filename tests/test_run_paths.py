"""No absolute local path leaves a run: not the project folder, the home directory, nor the
outputs, fieldwork or inputs folders, in any notebook, HTML, JSON or Parquet file written."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from workbench.paths import PROJECT_ROOT, fieldwork_dir, inputs_dir, outputs_root
from workbench.run import scrub_paths


def _local_paths() -> list[str]:
    found = [
        str(PROJECT_ROOT),
        str(outputs_root()),
        str(fieldwork_dir("x").parent),
        str(inputs_dir("x").parent),
        str(Path.home()),
    ]
    return [p for p in found if len(p) > 1]


def _texts(path: Path) -> list[str]:
    """What a reader of the file sees: its bytes as text, and for Parquet also the schema
    metadata and every text cell (data pages are compressed)."""
    texts = [path.read_bytes().decode("utf-8", errors="replace")]
    if path.suffix == ".parquet":
        table = pq.read_table(path)
        texts.append(str(table.schema.metadata or {}))
        for column in table.column_names:
            if str(table.schema.field(column).type) in ("string", "large_string"):
                texts.append("\n".join(map(str, table.column(column).to_pylist())))
    return texts


def test_scrub_paths_makes_papermill_metadata_and_outputs_relative(tmp_path):
    target = tmp_path / "sabat6-demo" / "notebooks" / "20_field_data.ipynb"
    home = str(Path.home())
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "source": "x",
                "metadata": {},
                "execution_count": 1,
                "outputs": [
                    {
                        "output_type": "stream",
                        "name": "stderr",
                        "text": f"{PROJECT_ROOT}/.venv/lib/x.py:3: UserWarning\n"
                        f"{outputs_root()}/c/data/t.parquet "
                        f"{home}/notes.txt",
                    }
                ],
            }
        ],
        "metadata": {
            "papermill": {
                "input_path": f"{tmp_path}/.20.abc.tmp.input.ipynb",
                "output_path": f"{tmp_path}/.20.abc.tmp.ipynb",
                "parameters": {"cycle": "sabat6-demo"},
            }
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "run.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    scrub_paths(path, "20_field_data.py", target)
    text = path.read_text(encoding="utf-8")
    assert not [p for p in _local_paths() if p in text]
    meta = json.loads(text)["metadata"]["papermill"]
    assert meta["input_path"] == "notebooks/20_field_data.py"
    assert meta["output_path"] == "outputs/sabat6-demo/notebooks/20_field_data.ipynb"
    assert "./.venv/lib/x.py" in text and "outputs/c/data/t.parquet" in text


def test_no_output_file_of_a_run_holds_an_absolute_local_path(demo_run, outputs_root):
    paths = _local_paths()
    found = []
    for path in sorted(Path(outputs_root).rglob("*")):
        if not path.is_file() or path.suffix not in (
            ".ipynb",
            ".html",
            ".json",
            ".parquet",
            ".csv",
            ".txt",
            ".md",
        ):
            continue
        for text in _texts(path):
            found += [f"{path.relative_to(outputs_root)}: {p}" for p in paths if p in text]
    assert not found, found[:10]
    assert os.environ["WORKBENCH_OUTPUTS"] == str(outputs_root)


def test_the_publication_pdfs_hold_no_absolute_local_path(demo_run, outputs_root):
    pdfs = sorted(Path(outputs_root).rglob("*.pdf"))
    if not pdfs:
        pytest.skip("no PDF was printed (no chromium here)")
    found = [
        f"{path.name}: {p}"
        for path in pdfs
        for p in _local_paths()
        if p.encode() in path.read_bytes()
    ]
    assert not found, found[:10]


def test_a_failed_stage_is_listed_on_the_index_without_local_folders(outputs_root):
    from workbench.params import load_params
    from workbench.run import _write_index

    params = load_params(PROJECT_ROOT / "parameters" / "sabat6-demo.yaml")
    missing = Path(outputs_root) / params.cycle / "data" / "codebooks.parquet"
    state = {"field_data": {"status": "failed", "error": f"FileNotFoundError: {missing}"}}
    index = _write_index(params, state, "run-1")
    for page in index.parent.glob("index*.html"):
        text = page.read_text(encoding="utf-8")
        assert "outputs/sabat6-demo/data/codebooks.parquet" in text, page.name
        assert not [p for p in _local_paths() if p in text], page.name
