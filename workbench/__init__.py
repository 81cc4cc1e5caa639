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
import os
import sys

from workbench.catalog import open_catalog
from workbench.params import load_params

# jsonschema, loaded by nbformat (the runner, jupytext), builds a URL grammar at import when the
# optional rfc3987-syntax is installed (1.8-2.7 s of every command-line start); notebook
# schemas use no "iri" format, so it is not loaded (jsonschema skips that check).
sys.modules.setdefault("rfc3987_syntax", None)


def _pin_blas_threads() -> None:
    """One BLAS thread per process unless ``WORKBENCH_BLAS_THREADS`` says otherwise.

    The workbench's products are small (n x 76 weights, p x p Hessians): threads do not pay,
    and on a busy machine they wait for each other (a calibration with SEs 0.8 s with one
    thread, 9.9 s with two on a loaded 2-core machine; benchmarks/README.md). Stages run in
    parallel are separate processes, each with its one thread. ``0`` keeps the library's
    default (one per core).
    """
    value = os.environ.get("WORKBENCH_BLAS_THREADS", "").strip() or "1"
    if not value.isdigit():
        raise SystemExit(
            f"WORKBENCH_BLAS_THREADS={value!r}: give a whole number of threads "
            "(1 = one thread, 0 = the library's default)."
        )
    threads = int(value)
    if threads > 0:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=threads, user_api="blas")


_pin_blas_threads()

__all__ = ["open_catalog", "load_params"]
__version__ = "0.1.0"

_SUBMODULES = {
    "atomic",
    "catalog",
    "cli",
    "fielddata",
    "frame",
    "labels",
    "params",
    "paths",
    "plots",
    "provenance",
    "psychometrics",
    "publish",
    "render",
    "report",
    "results",
    "run",
    "sampling",
    "scaling",
    "sources",
    "stages",
    "survey",
    "synth",
    "weights",
}


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"workbench.{name}")
    raise AttributeError(f"module 'workbench' has no attribute {name!r}")
