"""The demo cycle's field returns: what the field agency would deliver from the drawn sample.

The runner calls :func:`prepare_demo_class_lists` before the sample-design stage (the class
lists the demo's sampled schools return, into ``inputs/<cycle>/class_lists``) and
:func:`prepare_demo_returns` before the field-data stage. For a synthetic
cycle it writes the returns into ``fieldwork/<cycle>/incoming`` (remade only when the sample,
the nation or the synthetic code changed); for a real cycle it does nothing, and the agency's
files are put there by hand.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd

from workbench.atomic import write_json
from workbench.catalog import entry_path, open_catalog
from workbench.params import CycleParams
from workbench.paths import fieldwork_dir, inputs_dir

__all__ = ["prepare_demo_returns", "prepare_demo_class_lists"]


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
    tables = {name: cat[name].read() for name in names}
    register = tables["register"]  # read_register keeps text; the nation wrote numbers
    register["enrol_g6"] = pd.to_numeric(register["enrol_g6"], errors="coerce")
    nation = Nation(tables=tables, truth=cat.truth.read())
    shutil.rmtree(folder, ignore_errors=True)
    make_field_returns(
        nation,
        cat.sample_schools.read(),
        cat.sample_classes.read(),
        folder,
        seed=params.seed + 20,
        year=params.year,
    )
    write_json(stamp, {"fingerprint": fingerprint})
    return True


def prepare_demo_class_lists(params: CycleParams) -> bool:
    """Write the class lists the demo's sampled schools return (``inputs/<cycle>/class_lists``),
    drawn with the stage's own school sample; ``True`` if (re)made. A real cycle: nothing."""
    if params.data.source != "synthetic":
        return False
    from workbench.sampling.forms import draw_school_sample
    from workbench.synth.inputs import write_class_lists

    stage = params.stage_params("sample_design")
    frame_path, classes_path = (
        entry_path(params.cycle, "frame"),
        entry_path(params.cycle, "classes"),
    )
    if not frame_path.is_file() or not classes_path.is_file():
        return False  # the runner names the missing input
    folder = inputs_dir(params.cycle)
    target = folder / stage["class_lists"] / "class_lists.csv"
    stamp = folder / ".class_lists.json"
    digest = hashlib.sha256(json.dumps(stage, sort_keys=True).encode())
    for path in [frame_path, classes_path, *sorted(Path(__file__).parent.rglob("*.py"))]:
        digest.update(path.read_bytes())
    if (
        target.is_file()
        and stamp.is_file()
        and json.loads(stamp.read_text())["fingerprint"] == digest.hexdigest()
    ):
        return False
    sample = draw_school_sample(pd.read_parquet(frame_path), stage)
    shutil.rmtree(folder / stage["class_lists"], ignore_errors=True)
    write_class_lists(pd.read_parquet(classes_path), sample, target)
    write_json(stamp, {"fingerprint": digest.hexdigest()})
    return True
