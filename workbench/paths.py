"""Where things live: the project root, the catalog and each cycle's outputs.

Every stage serves itself from here, so that no path depends on the current
working directory of a notebook kernel.

Examples
--------
>>> from workbench.paths import cycle_dir
>>> cycle_dir("sabat6-demo").name
'sabat6-demo'
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "PROJECT_ROOT",
    "catalog_path",
    "outputs_root",
    "cycle_dir",
    "data_dir",
    "restricted_dir",
    "fieldwork_dir",
    "inputs_dir",
]

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def outputs_root() -> Path:
    """The outputs folder: ``$WORKBENCH_OUTPUTS`` if set (tests use it), else ``<root>/outputs``."""
    return Path(os.environ.get("WORKBENCH_OUTPUTS", PROJECT_ROOT / "outputs")).resolve()


def cycle_dir(cycle: str) -> Path:
    """``outputs/<cycle>``: everything one cycle's run writes."""
    return outputs_root() / cycle


def data_dir(cycle: str) -> Path:
    """``outputs/<cycle>/data``: the Parquet tables the catalog serves."""
    return cycle_dir(cycle) / "data"


def restricted_dir(cycle: str) -> Path:
    """``outputs/<cycle>/release/restricted``: the restricted-use tier (person-level or
    unsuppressed tables), never in the public ``data/`` folder or on a page."""
    return cycle_dir(cycle) / "release" / "restricted"


def catalog_path() -> Path:
    """The Intake catalog file of the project."""
    return PROJECT_ROOT / "catalogs" / "sabat6.yaml"


def fieldwork_dir(cycle: str) -> Path:
    """``fieldwork/<cycle>``: raw field returns and the pseudonymization key, outside ``outputs/``.

    Holds personal data, so it is git-ignored and never published; ``$WORKBENCH_FIELDWORK``
    moves it (tests use it).
    """
    root = os.environ.get("WORKBENCH_FIELDWORK", PROJECT_ROOT / "fieldwork")
    return Path(root).resolve() / cycle


def inputs_dir(cycle: str) -> Path:
    """``inputs/<cycle>``: files a cycle's parameters name that are not personal data (a school
    register, a national item bank); ``$WORKBENCH_INPUTS`` moves it (tests use it)."""
    root = os.environ.get("WORKBENCH_INPUTS", PROJECT_ROOT / "inputs")
    return Path(root).resolve() / cycle
