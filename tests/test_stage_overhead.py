"""Stage fixed cost: nbformat's schema validator is loaded without the URL grammar that cost
1.8-2.7 s per start (benchmarks/bench_stage_overhead.py), notebooks still validate; BLAS runs
one thread per process unless WORKBENCH_BLAS_THREADS says otherwise."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

CODE = """
import sys
import workbench
import nbformat
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
nbformat.validate(nb)
bad = nbformat.v4.new_notebook()
bad["cells"] = [{"cell_type": "code"}]
try:
    nbformat.validate(bad)
except nbformat.ValidationError:
    print("invalid notebook refused")
print("rfc3987_syntax loaded:", sys.modules.get("rfc3987_syntax") is not None)
"""


def test_nbformat_validates_without_loading_the_url_grammar():
    out = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, check=True
    ).stdout
    assert "invalid notebook refused" in out
    assert "rfc3987_syntax loaded: False" in out


BLAS = """
import workbench
from threadpoolctl import threadpool_info
print(max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"))
"""


def _blas_threads(value: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "WORKBENCH_BLAS_THREADS"}
    if value is not None:
        env["WORKBENCH_BLAS_THREADS"] = value
    return subprocess.run(
        [sys.executable, "-c", BLAS], capture_output=True, text=True, env=env, check=False
    )


@pytest.mark.parametrize("value", [None, "", "1"])
def test_blas_runs_one_thread_by_default(value):
    assert _blas_threads(value).stdout.strip() == "1"


def test_blas_thread_setting_is_checked_in_one_line():
    done = _blas_threads("two")
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        "WORKBENCH_BLAS_THREADS='two': give a whole number of threads (1 = one thread, 0 = the "
        "library's default)."
    ]
