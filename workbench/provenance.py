"""Provenance of a run: parameters, input hashes, package versions, git commit.

Every run writes a manifest under ``outputs/<cycle>/provenance/``, and every
report shows it.

Examples
--------
>>> manifest = build_manifest({"cycle": "x"}, inputs={})
>>> sorted(manifest)[:3]
['code_sha256', 'git_commit', 'inputs']
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from workbench.paths import PROJECT_ROOT

__all__ = [
    "build_manifest",
    "file_sha256",
    "code_sha256",
    "code_files",
    "new_run_id",
    "git_commit",
    "PACKAGES",
]

#: code that only renders the publication and the stage reports from stored tables and
#: notebooks (issue 13): not part of the stages' fingerprint, so changing it (wording, labels,
#: figures) re-renders and never reruns a stage
RENDER_ONLY = (
    "workbench/publish/",
    "workbench/texts/",
    "workbench/labels.py",
    "workbench/report.py",
    "workbench/render.py",
    "workbench/plots/",
)
#: the packages whose versions each manifest records
PACKAGES = (
    "sapat-workbench",
    "numpy",
    "pandas",
    "scipy",
    "statsmodels",
    "pyarrow",
    "intake",
    "papermill",
    "nbconvert",
    "jupytext",
    "seaborn",
    "matplotlib",
    "pydantic",
)


def build_manifest(parameters: dict, *, inputs: dict[str, str], run_id: str | None = None) -> dict:
    """The provenance manifest of one run (a JSON-ready dictionary)."""
    now = dt.datetime.now(dt.UTC)
    return {
        "run_id": run_id or new_run_id(),
        "started_utc": now.isoformat(timespec="seconds"),
        "parameters": parameters,
        "inputs": inputs,
        "packages": {name: _version(name) for name in PACKAGES},
        "python": platform.python_version(),
        "git_commit": git_commit(),
        "code_sha256": code_sha256(),
    }


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def new_run_id() -> str:
    """A run id unique across runs: UTC time to the microsecond and the process id.

    Examples
    --------
    >>> new_run_id() != new_run_id()
    True
    """
    now = dt.datetime.now(dt.UTC)
    return f"{now:%Y%m%dT%H%M%S}.{now:%f}Z-{os.getpid()}"


def code_files() -> dict[str, str]:
    """SHA-256 of every file of the ``workbench`` package (sources, schemas, texts), by path;
    the render-only code (:data:`RENDER_ONLY`) is left out."""
    folder = PROJECT_ROOT / "workbench"
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(PROJECT_ROOT)
        if (
            path.is_file()
            and "__pycache__" not in relative.parts
            and path.suffix != ".pyc"
            and not any(part.startswith(".") for part in relative.parts)
            and not relative.as_posix().startswith(RENDER_ONLY)
        ):
            found[relative.as_posix()] = file_sha256(path)
    return found


def code_sha256() -> str:
    """SHA-256 over the ``workbench`` package's files (what "code unchanged" means)."""
    digest = hashlib.sha256()
    for name, sha in code_files().items():
        digest.update(f"{name}\0{sha}\0".encode())
    return digest.hexdigest()


def git_commit() -> str | None:
    """The checked-out commit, with ``+dirty`` when the tree has uncommitted changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=PROJECT_ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=PROJECT_ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+dirty" if dirty else "")


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"
