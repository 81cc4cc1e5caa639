"""Command-line start: nbformat's schema validator is loaded without the URL grammar that
cost 1.8-2.7 s per start (benchmarks/bench_stage_overhead.py), and notebooks still validate."""

from __future__ import annotations

import subprocess
import sys

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
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True,
                         check=True).stdout
    assert "invalid notebook refused" in out
    assert "rfc3987_syntax loaded: False" in out
