"""The cycle's archive (§9.9): a dated, checksummed bundle, and its verification.

``workbench archive <cycle>`` (or ``python -m workbench.release.archive archive <cycle>``)
writes ``outputs/archives/<cycle>-<YYYYMMDDTHHMMSSZ>.tar.gz`` holding::

    MANIFEST.sha256        one line per file: SHA-256, two spaces, path (sha256sum format)
    archive.json           cycle, time, counts, what is deliberately left out
    parameters/            the cycle's parameter file (and its recommendations register)
    inputs_sha256.json     SHA-256 of every input file (the delivery is hashed, not copied)
    release/               the public and restricted release files, release report
    reports/               the stage reports (HTML), the index, the Excel workbooks
    database/              the results tables (Parquet), the recommendations ledger, the
                           results database's rows of this cycle when
                           ``outputs/results.duckdb`` exists
    provenance/            the runs' provenance manifests

Never inside: the pseudonymization key, the field delivery, the raw questionnaires (names,
birth dates). Before writing, every file is scanned for the key's bytes; a file holding them
stops the archive. ``workbench verify-archive <bundle>`` recomputes every checksum and lists
files modified, missing or added (exit status 1 when anything differs).

Examples
--------
>>> import io, tarfile, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> bundle = write_bundle(folder / "t.tar.gz", {"a.txt": b"one"}, info={"cycle": "t"})
>>> verify_bundle(bundle)["status"].tolist()
['ok', 'ok']
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import re
import sys
import tarfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from workbench.atomic import write_with
from workbench.paths import PROJECT_ROOT, cycle_dir, fieldwork_dir, outputs_root

__all__ = ["archive_cycle", "collect", "write_bundle", "verify_bundle", "main"]

_REPORT_SUFFIXES = (".html", ".xlsx", ".pdf", ".png", ".css")
_LEFT_OUT = (
    "the pseudonymization key (fieldwork/<cycle>/*.key)",
    "the field delivery (fieldwork/<cycle>/incoming, quarantine): hashed only",
    "the executed notebooks (outputs/<cycle>/notebooks)",
    "the de-identified working tables other than results (outputs/<cycle>/data)",
)


def collect(cycle: str, *, params_path: str | Path | None = None) -> dict[str, bytes]:
    """Every file of the bundle, by its path inside the bundle (nothing written yet)."""
    root = cycle_dir(cycle)
    if not root.is_dir():
        raise ValueError(
            f"archive: no outputs for cycle {cycle!r} ({root}); run the cycle "
            "first (workbench run parameters/<cycle>.yaml)."
        )
    files: dict[str, bytes] = {}
    params = Path(params_path) if params_path else _params_file(cycle)
    if params is not None:
        files[f"parameters/{params.name}"] = params.read_bytes()
        register = PROJECT_ROOT / "parameters" / "recommendations" / f"{cycle}.yaml"
        if register.exists():
            files[f"parameters/recommendations/{register.name}"] = register.read_bytes()
    for path in sorted((root / "release").rglob("*")):
        if path.is_file():
            files[f"release/{path.relative_to(root / 'release').as_posix()}"] = path.read_bytes()
    for sub in ("html", "tables"):
        for path in sorted((root / sub).rglob("*")):
            if path.is_file() and path.suffix in _REPORT_SUFFIXES:
                files[f"reports/{sub}/{path.relative_to(root / sub).as_posix()}"] = (
                    path.read_bytes()
                )
    for path in sorted(root.glob("*.html")) + sorted(root.glob("*.pdf")):
        files[f"reports/{path.name}"] = path.read_bytes()
    for path in sorted((root / "data").glob("*.parquet")):
        if path.stem.startswith(
            (
                "results_",
                "release_",
                "recommendations",
                "method_",
                "codebook",
                "participation",
                "item_",
                "scale_constants",
                "proficiency_levels",
                "linking",
            )
        ):
            files[f"database/{path.name}"] = path.read_bytes()
    ledger = outputs_root() / "recommendations" / "history.jsonl"
    if ledger.exists():  # the register's history (every cycle: a chain)
        files["database/recommendations_history.jsonl"] = ledger.read_bytes()
    extract = _database_extract(cycle)
    if extract is not None:
        files["database/results_duckdb_extract.parquet"] = extract
    inputs: dict[str, str] = {}
    for path in sorted((root / "provenance").glob("*.json")):
        files[f"provenance/{path.name}"] = path.read_bytes()
        try:
            inputs.update(json.loads(path.read_text(encoding="utf-8")).get("inputs", {}))
        except (json.JSONDecodeError, AttributeError):
            pass
    incoming = fieldwork_dir(cycle) / "incoming"
    for path in sorted(incoming.rglob("*")) if incoming.is_dir() else []:
        if path.is_file():
            inputs[f"fieldwork/{cycle}/incoming/{path.relative_to(incoming).as_posix()}"] = (
                hashlib.sha256(path.read_bytes()).hexdigest()
            )
    files["inputs_sha256.json"] = json.dumps(
        inputs, indent=1, sort_keys=True, ensure_ascii=False
    ).encode()
    _refuse_secrets(cycle, files)
    return files


def archive_cycle(
    cycle: str,
    *,
    params_path: str | Path | None = None,
    folder: str | Path | None = None,
    when: dt.datetime | None = None,
) -> Path:
    """Write the cycle's dated, checksummed bundle; return its path.

    Checked against
    ---------------
    ``verify_bundle`` finds a modified, a missing and an added file and the key is never
    inside; ``tests/test_release_archive.py``.
    """
    when = when or dt.datetime.now(dt.UTC)
    files = collect(cycle, params_path=params_path)
    folder = Path(folder) if folder else outputs_root() / "archives"
    stamp = when.strftime("%Y%m%dT%H%M%SZ")
    info = {
        "cycle": cycle,
        "created_utc": when.isoformat(timespec="seconds"),
        "files": len(files),
        "bytes": sum(len(b) for b in files.values()),
        "left_out": list(_LEFT_OUT),
    }
    return write_bundle(folder / f"{cycle}-{stamp}.tar.gz", files, info=info)


def write_bundle(path: Path, files: Mapping[str, bytes], *, info: Mapping) -> Path:
    """Write ``files`` + ``archive.json`` + ``MANIFEST.sha256`` as a tar.gz (atomically)."""
    members = dict(files)
    members["archive.json"] = json.dumps(dict(info), indent=1, ensure_ascii=False).encode()
    manifest = "".join(
        f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(members.items())
    )
    members["MANIFEST.sha256"] = manifest.encode()

    def write(tmp: Path) -> None:
        with tarfile.open(tmp, "w:gz") as tar:
            for name in ["MANIFEST.sha256", *sorted(n for n in members if n != "MANIFEST.sha256")]:
                data = members[name]
                entry = tarfile.TarInfo(name)
                entry.size, entry.mtime, entry.mode = len(data), 0, 0o644
                tar.addfile(entry, io.BytesIO(data))

    return write_with(Path(path), write)


def verify_bundle(path: str | Path) -> pd.DataFrame:
    """Check every file of a bundle against its manifest: ``path, status, detail``.

    ``status``: ``ok``, ``modified`` (checksum differs), ``missing`` (in the manifest, not
    in the bundle), ``added`` (in the bundle, not in the manifest), ``secret`` (a key file).
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(
            f"verify_bundle: no bundle at {path}; give the .tar.gz that workbench archive wrote."
        )
    try:
        with tarfile.open(path, "r:gz") as tar:
            contents = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}
    except (tarfile.TarError, OSError, EOFError) as err:
        raise ValueError(f"verify_bundle: {path} is not a readable tar.gz bundle ({err}).") from err
    if "MANIFEST.sha256" not in contents:
        raise ValueError(f"verify_bundle: {path} has no MANIFEST.sha256; not a workbench archive.")
    listed = {}
    for number, line in enumerate(contents["MANIFEST.sha256"].decode().splitlines(), 1):
        found = re.fullmatch(r"([0-9a-f]{64})  (.+)", line)
        if not found:
            raise ValueError(
                f"verify_bundle: MANIFEST.sha256 line {number} is not "
                f"'<sha256>  <path>' ({line[:60]!r})."
            )
        listed[found.group(2)] = found.group(1)
    rows = []
    for name, sha in sorted(listed.items()):
        if name not in contents:
            rows.append({"path": name, "status": "missing", "detail": "listed, not in bundle"})
            continue
        actual = hashlib.sha256(contents[name]).hexdigest()
        rows.append(
            {
                "path": name,
                "status": "ok" if actual == sha else "modified",
                "detail": "" if actual == sha else f"sha256 {actual[:12]}… ≠ {sha[:12]}…",
            }
        )
    for name in sorted(set(contents) - set(listed) - {"MANIFEST.sha256"}):
        rows.append({"path": name, "status": "added", "detail": "not in the manifest"})
    for row in rows:
        if row["path"].endswith(".key"):
            row["status"], row["detail"] = "secret", "a key file must never be archived"
    return pd.DataFrame(rows, columns=["path", "status", "detail"])


def main(argv: list[str] | None = None) -> int:
    """``archive <cycle> [--params FILE] [--out FOLDER]`` and ``verify-archive <bundle>``."""
    parser = argparse.ArgumentParser(prog="python -m workbench.release.archive")
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("archive", help="write the cycle's dated, checksummed bundle")
    make.add_argument("cycle")
    make.add_argument("--params", help="the cycle's parameter file (default: found by id)")
    make.add_argument("--out", help="folder of the bundle (default: outputs/archives)")
    check = commands.add_parser("verify-archive", help="check a bundle's checksums")
    check.add_argument("bundle")
    args = parser.parse_args(argv)
    return run_command(args)


def run_command(args: argparse.Namespace) -> int:
    """Run a parsed ``archive`` / ``verify-archive`` command; print one line per result."""
    try:
        if args.command == "archive":
            bundle = archive_cycle(args.cycle, params_path=args.params, folder=args.out)
            print(f"archive: {bundle}")
            return 0
        report = verify_bundle(args.bundle)
    except (ValueError, OSError) as err:
        print(f"workbench: {err}", file=sys.stderr)
        return 2
    bad = report[report["status"] != "ok"]
    for row in bad.itertuples(index=False):
        print(f"{row.status}: {row.path} {row.detail}".rstrip())
    print(
        f"{args.bundle}: {len(report) - len(bad)} of {len(report)} files ok"
        + ("" if bad.empty else f", {len(bad)} differ")
    )
    return 0 if bad.empty else 1


# ----------------------------------------------------------------------------- helpers
def _params_file(cycle: str) -> Path | None:
    import yaml

    for path in sorted((PROJECT_ROOT / "parameters").glob("*.yaml")):
        try:
            if (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("cycle") == cycle:
                return path
        except yaml.YAMLError:
            continue
    return None


def _database_extract(cycle: str) -> bytes | None:
    database = outputs_root() / "results.duckdb"
    if not database.exists():
        return None
    try:
        import duckdb
    except ImportError:
        return None
    try:
        con = duckdb.connect(str(database), read_only=True)
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.columns where column_name = 'cycle'"
            ).fetchall()
        ]
        frames = [
            con.execute(f'select * from "{t}" where cycle = ?', [cycle]).df().assign(table=t)
            for t in sorted(set(tables))
        ]
        con.close()
    except Exception:  # noqa: BLE001 - the DB is optional
        return None
    if not frames:
        return None
    buffer = io.BytesIO()
    pd.concat(frames, ignore_index=True).astype(str).to_parquet(buffer, index=False)
    return buffer.getvalue()


def _refuse_secrets(cycle: str, files: Mapping[str, bytes]) -> None:
    keys = [p for p in fieldwork_dir(cycle).glob("*.key")] if fieldwork_dir(cycle).is_dir() else []
    secrets = [p.read_bytes().strip() for p in keys if p.stat().st_size]
    for name, data in files.items():
        if name.endswith(".key"):
            raise ValueError(f"archive: {name} is a key file; it must never be archived.")
        for secret in secrets:
            if len(secret) >= 8 and (secret in data or secret.hex().encode() in data):
                raise ValueError(
                    f"archive: {name} holds the pseudonymization key's bytes; "
                    "the archive was not written. Remove the key from that file."
                )


if __name__ == "__main__":
    raise SystemExit(main())
