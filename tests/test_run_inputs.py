"""What the cache hashes for the field-data stage: every file it reads, wherever it lies.

Planted faults: a delivery folder the parameters move elsewhere, files in unexpected folders
and with capitalised or hidden names, a file added to the delivery, an edited field-data
schema, a missing delivery, a missing register. The reference for each hash is the file's
own SHA-256 computed here, not the runner's record.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pandas as pd
import pytest
import yaml

from tests.conftest import DEMO, ROOT
from workbench.params import parse_params
from workbench.paths import PROJECT_ROOT, data_dir, fieldwork_dir, inputs_dir
from workbench.run import StageFailed, _decide, _input_hashes


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def field_cycle(cycle: str, **field_data):
    """Parameters of ``cycle`` (the demo's) with the catalog inputs of field_data in place."""
    raw = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    raw["cycle"] = cycle
    raw["stages"]["field_data"].update(field_data)
    for entry in ("sample_schools", "items", "codebooks"):
        data_dir(cycle).mkdir(parents=True, exist_ok=True)
        pd.DataFrame({"a": [1]}).to_parquet(data_dir(cycle) / f"{entry}.parquet")
    return parse_params(raw, source=f"{cycle}.yaml")


def inputs_of(params):
    hashes, secret = _input_hashes(
        params.cycle, "field_data", params=params, params_path=PROJECT_ROOT / f"{params.cycle}.yaml"
    )
    return hashes, secret


def decide(before: dict, after: dict) -> tuple[bool, str]:
    """The runner's verdict for a stage whose last run read ``before`` and now reads
    ``after`` (parameters, notebook and code the same; no outputs recorded)."""
    common = {"params": {}, "notebook": "n", "code": {}}
    previous = {**common, "inputs": before, "status": "ok", "run_id": "r1", "outputs": {}}
    return _decide("any", previous, {**common, "inputs": after}, force=False)


def test_delivery_is_hashed_wherever_incoming_points_whatever_the_names(outputs_root):
    params = field_cycle("fd-moved", incoming="deliveries/2025-05")
    moved = fieldwork_dir("fd-moved") / "deliveries" / "2025-05"
    planted = {
        "booklets/B01.csv": "IDSTUD\n1\n",
        "Booklets/B02.CSV": "IDSTUD\n2\n",
        "unexpected/deeper/notes.txt": "x",
        ".hidden.csv": "IDSTUD\n3\n",
        "student_tracking.XLSX": "not really",
    }
    for name, text in planted.items():
        (moved / name).parent.mkdir(parents=True, exist_ok=True)
        (moved / name).write_text(text, encoding="utf-8")
    decoy = fieldwork_dir("fd-moved") / "incoming" / "booklets" / "old.csv"
    decoy.parent.mkdir(parents=True, exist_ok=True)
    decoy.write_text("IDSTUD\n9\n", encoding="utf-8")
    hashes, _ = inputs_of(params)
    delivered = {key: value for key, value in hashes.items() if key.startswith("incoming/")}
    assert delivered == {f"incoming/{name}": sha(moved / name) for name in planted}
    # A file added to the delivery, or one changed, reruns the stage and is named.
    (moved / "Extra").mkdir()
    (moved / "Extra" / "LATE.csv").write_text("IDSTUD\n4\n", encoding="utf-8")
    (moved / "booklets" / "B01.csv").write_text("IDSTUD\n1\n5\n", encoding="utf-8")
    after, _ = inputs_of(params)
    skip, reason = decide(hashes, after)
    assert not skip
    assert reason == "inputs changed: incoming/Extra/LATE.csv (new), incoming/booklets/B01.csv"
    (moved / "Booklets" / "B02.CSV").unlink()
    assert (
        decide(after, inputs_of(params)[0])[1] == "inputs changed: incoming/Booklets/B02.CSV "
        "(removed)"
    )


def test_field_data_schemas_are_inputs_and_an_edit_reruns(outputs_root):
    params = field_cycle("fd-schemas")
    (fieldwork_dir("fd-schemas") / "incoming").mkdir(parents=True, exist_ok=True)
    hashes, _ = inputs_of(params)
    folder = PROJECT_ROOT / "workbench" / "fielddata" / "schemas"
    schemas = sorted(folder.glob("*.yaml"))
    assert len(schemas) >= 9
    for schema in schemas:
        assert hashes[f"workbench/fielddata/schemas/{schema.name}"] == sha(schema)
    edited = dict(hashes)
    edited["workbench/fielddata/schemas/booklets.yaml"] = "0" * 64
    assert decide(edited, hashes) == (
        False,
        "inputs changed: workbench/fielddata/schemas/booklets.yaml",
    )
    assert decide(hashes, dict(hashes))[0]  # nothing changed: skipped


def test_the_key_is_an_input_but_never_shown_in_the_provenance(outputs_root):
    params = field_cycle("fd-key")
    (fieldwork_dir("fd-key") / "incoming").mkdir(parents=True, exist_ok=True)
    hashes, secret = inputs_of(params)
    assert secret == {"key_file": "absent"}  # made by the stage's first run
    key = fieldwork_dir("fd-key") / "pseudonym.key"
    key.write_text("ab" * 32, encoding="utf-8")
    hashes, secret = inputs_of(params)
    assert secret == {"key_file": sha(key)}
    assert "key_file" not in hashes and sha(key) not in hashes.values()
    skip, reason = decide({**hashes, "key_file": "0" * 64}, {**hashes, **secret})
    assert (skip, reason) == (False, "inputs changed: key_file")


def test_a_missing_delivery_names_the_key_and_the_folder(outputs_root):
    params = field_cycle("fd-nodelivery", incoming="delivery-june")
    with pytest.raises(StageFailed) as err:
        inputs_of(params)
    assert str(err.value) == (
        "fd-nodelivery.yaml: stages.field_data.incoming: the folder "
        "fieldwork/fd-nodelivery/delivery-june does not exist; put the "
        "files stage 'field_data' reads there"
    )


def test_a_missing_register_is_one_sentence_naming_file_and_key(outputs_root, tmp_path):
    raw = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    raw["cycle"] = "reg-missing"
    missing = inputs_dir("reg-missing") / "register.xlsx"
    raw["data"] = {"source": "register", "register": {"path": str(missing)}}
    params = tmp_path / "reg-missing.yaml"
    params.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "workbench", "run", str(params)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"workbench: {params}: data.register.path: the register file "
        f"{missing} does not exist; put it there or correct the path"
    )
