"""The demo cycle's field returns: what the field agency would deliver from the drawn sample.

The runner calls :func:`prepare_demo_returns` before the field-data stage. For a synthetic
cycle it writes the returns into ``fieldwork/<cycle>/incoming`` (remade only when the sample,
the nation or the synthetic code changed); for a real cycle it does nothing, and the agency's
files are put there by hand.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from workbench.atomic import write_json
from workbench.catalog import entry_path, open_catalog
from workbench.params import CycleParams
from workbench.paths import fieldwork_dir

__all__ = ["prepare_demo_returns"]


def prepare_demo_returns(params: CycleParams) -> bool:
    """Write the synthetic field returns of ``params.cycle``; ``True`` if (re)made."""
    if params.data.source != "synthetic":
        return False
    from workbench.synth import Nation
    from workbench.synth.fieldwork import make_field_returns

    folder = fieldwork_dir(params.cycle) / "incoming"
    stamp = fieldwork_dir(params.cycle) / "incoming.json"
    inputs = ("sample_schools", "sample_classes", "students", "responses", "items")
    digest = hashlib.sha256()
    for path in [entry_path(params.cycle, name) for name in inputs]:
        digest.update(path.read_bytes())
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    fingerprint = f"{params.seed}:{params.year}:{digest.hexdigest()}"
    if stamp.exists() and json.loads(stamp.read_text())["fingerprint"] == fingerprint:
        return False
    cat = open_catalog(params.cycle)
    names = ("register", "classes", "students", "items", "responses")
    nation = Nation(tables={name: cat[name].read() for name in names}, truth=cat.truth.read())
    shutil.rmtree(folder, ignore_errors=True)
    make_field_returns(nation, cat.sample_schools.read(), cat.sample_classes.read(), folder,
                       seed=params.seed + 20, year=params.year)
    write_json(stamp, {"fingerprint": fingerprint})
    return True
