"""The archive: a checksummed bundle that verify-archive checks; never the key."""

from __future__ import annotations

import io
import tarfile

import pytest

from workbench.release import archive

KEY = b"0f3c9a7e5b1d2468ace13579bdf02468"


@pytest.fixture()
def cycle(tmp_path, monkeypatch):
    outputs, fieldwork = tmp_path / "outputs", tmp_path / "fieldwork"
    monkeypatch.setenv("WORKBENCH_OUTPUTS", str(outputs))
    monkeypatch.setenv("WORKBENCH_FIELDWORK", str(fieldwork))
    root = outputs / "arc-demo"
    for path, text in {
        "release/public/ASGKGZS1.csv": "IDSTUD,TOTWGT\n1010101,20.5\n",
        "release/public/sav/ru/ASGKGZS1.sav": "sav bytes",
        "html/results.html": "<html>results</html>",
        "index.html": "<html>index</html>",
        "data/results_distribution.parquet": "parquet bytes",
        "data/students.parquet": "names and birth dates",
        "provenance/run1-results.json": '{"inputs": {"data/x": "abc"}}',
    }.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    (fieldwork / "arc-demo" / "incoming").mkdir(parents=True)
    (fieldwork / "arc-demo" / "incoming" / "tracking.csv").write_text("name,birth\nA,2013\n")
    (fieldwork / "arc-demo" / "pseudonym.key").write_bytes(KEY)
    params = tmp_path / "arc-demo.yaml"
    params.write_text("cycle: arc-demo\n", encoding="utf-8")
    return {"root": root, "params": params, "folder": tmp_path / "archives"}


def _members(bundle) -> dict[str, bytes]:
    with tarfile.open(bundle, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def test_archive_verifies_and_never_holds_the_key_or_the_delivery(cycle):
    bundle = archive.archive_cycle("arc-demo", params_path=cycle["params"], folder=cycle["folder"])
    assert bundle.name.startswith("arc-demo-") and bundle.name.endswith("Z.tar.gz")
    report = archive.verify_bundle(bundle)
    assert (report["status"] == "ok").all() and len(report) >= 8
    members = _members(bundle)
    assert "release/public/ASGKGZS1.csv" in members and "parameters/arc-demo.yaml" in members
    assert not any(KEY in data or KEY.hex().encode() in data for data in members.values())
    assert not any(
        name.endswith(".key") or "incoming" in name or "students" in name for name in members
    )
    assert "fieldwork/arc-demo/incoming/tracking.csv" in members["inputs_sha256.json"].decode()


def test_verify_catches_a_modified_a_missing_and_an_added_file(cycle, tmp_path):
    bundle = archive.archive_cycle("arc-demo", params_path=cycle["params"], folder=cycle["folder"])
    members = _members(bundle)
    members["release/public/ASGKGZS1.csv"] = b"IDSTUD,TOTWGT\n1010101,99.9\n"  # tampered
    del members["reports/index.html"]
    members["release/public/extra.csv"] = b"x\n"
    forged = tmp_path / "forged.tar.gz"
    with tarfile.open(forged, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    report = archive.verify_bundle(forged).set_index("path")["status"]
    assert report["release/public/ASGKGZS1.csv"] == "modified"
    assert report["reports/index.html"] == "missing"
    assert report["release/public/extra.csv"] == "added"
    assert archive.main(["verify-archive", str(forged)]) == 1
    assert archive.main(["verify-archive", str(bundle)]) == 0


def test_a_file_holding_the_key_stops_the_archive(cycle):
    (cycle["root"] / "release" / "public" / "leak.txt").write_bytes(b"key=" + KEY)
    with pytest.raises(ValueError, match="pseudonymization key"):
        archive.archive_cycle("arc-demo", params_path=cycle["params"], folder=cycle["folder"])
    assert not cycle["folder"].exists() or not list(cycle["folder"].iterdir())
