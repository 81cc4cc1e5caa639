"""Sapat Workbench: reproducible national education-quality monitoring.

The package behind the Sabat-6 stage notebooks. Researchers use::

    import workbench as wb
    p = wb.load_params("parameters/sabat6-demo.yaml")
    cat = wb.open_catalog("sabat6-demo")
    frame = cat.frame.read()

Submodules (``wb.synth``, ``wb.report``, ``wb.sampling``, ...) load on first use,
so ``import workbench`` stays fast.
"""

from __future__ import annotations

import importlib
import sys

from workbench.catalog import open_catalog
from workbench.params import load_params

# jsonschema, loaded by nbformat (the runner, jupytext), builds a URL grammar at import when the
# optional rfc3987-syntax is installed (1.8-2.7 s of every command-line start); notebook
# schemas use no "iri" format, so it is not loaded (jsonschema skips that check).
sys.modules.setdefault("rfc3987_syntax", None)

__all__ = ["open_catalog", "load_params"]
__version__ = "0.1.0"

_SUBMODULES = {"atomic", "catalog", "cli", "fielddata", "frame", "labels", "params", "paths",
               "plots", "provenance", "psychometrics", "publish", "render", "report", "results",
               "run", "sampling", "scaling", "sources", "stages", "survey", "synth", "weights"}


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"workbench.{name}")
    raise AttributeError(f"module 'workbench' has no attribute {name!r}")
