"""The Intake catalog: the one way notebooks and researchers reach a cycle's data.

Examples
--------
>>> cat = open_catalog("sabat6-demo")
>>> "frame" in list(cat) and "responses" in list(cat)
True
"""

from __future__ import annotations

import json
from pathlib import Path

import fsspec
import intake
import pandas as pd
from intake.readers.datatypes import JSONFile
from intake.readers.readers import FileReader

from workbench.atomic import write_parquet
from workbench.paths import catalog_path, outputs_root

__all__ = ["open_catalog", "entries", "entry_path", "read_optional", "save", "JSONReader"]


def open_catalog(cycle: str):
    """Open the catalog for one cycle.

    Parameters
    ----------
    cycle
        Cycle id, as in ``parameters/<cycle>.yaml``.

    Returns
    -------
    intake.Catalog
        ``cat.frame.read()``, ``cat.students.read()``, ... (``list(cat)`` names them all).
    """
    if not isinstance(cycle, str) or not cycle:
        raise TypeError(f"open_catalog: cycle must be a non-empty string (got {cycle!r})")
    catalog = intake.from_yaml_file(str(catalog_path()))
    return catalog(cycle=cycle, outputs=str(outputs_root()))


def entries() -> dict[str, dict]:
    """Every public entry with its metadata (description, the stage that writes it)."""
    catalog = intake.from_yaml_file(str(catalog_path()))
    return {name: dict(catalog[name].metadata) for name in catalog}


def entry_path(cycle: str, name: str) -> Path:
    """The file behind catalog entry ``name`` for ``cycle``."""
    catalog = open_catalog(cycle)
    if name not in catalog:
        raise KeyError(
            f"entry_path: the catalog has no entry {name!r}; entries are {', '.join(catalog)}"
        )
    return Path(catalog[name].kwargs["args"][0].url)


def read_optional(cycle: str, name: str):
    """Read entry ``name`` if its file exists, else ``None`` (``students`` and ``truth`` exist
    only for the synthetic nation)."""
    return open_catalog(cycle)[name].read() if entry_path(cycle, name).exists() else None


def save(cycle: str, name: str, table: pd.DataFrame) -> Path:
    """Write a stage's output table where catalog entry ``name`` reads it (atomically).

    Examples
    --------
    >>> import pandas as pd, os, tempfile
    >>> saved = dict(os.environ)
    >>> os.environ["WORKBENCH_OUTPUTS"] = tempfile.mkdtemp()
    >>> path = save("doc-cycle", "frame", pd.DataFrame({"school_id": ["a"]}))
    >>> open_catalog("doc-cycle").frame.read()["school_id"].tolist()
    ['a']
    >>> os.environ.clear(); os.environ.update(saved)
    """
    return write_parquet(entry_path(cycle, name), table)


class JSONReader(FileReader):
    """Read a JSON file into a dictionary (used for the synthetic nation's truth)."""

    output_instance = "builtins:dict"
    implements = {JSONFile}

    def _read(self, data, **kwargs):
        with fsspec.open(data.url, mode="rt", encoding="utf-8") as handle:
            return json.load(handle)
