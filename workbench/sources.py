"""A cycle's data sources, made ready for the catalog.

Before any stage runs, the runner calls :func:`prepare_sources`. One door for real and
synthetic inputs: a real cycle's files are in ``inputs/<cycle>/`` (the register named in
``data.register``, the instruments in ``instruments/``); a synthetic cycle first writes its
nation's register and instruments there (``workbench.synth.inputs``, the truth tables go to
``outputs/<cycle>/data``). Either way the register is read by
:func:`workbench.register.read_register` into ``register.parquet`` and the item bank by
:func:`workbench.instruments.read_instruments` into ``items.parquet`` (no instruments yet: no
``items``, the field-data stage says so).

``outputs/<cycle>/data/sources.json`` records the fingerprint, the SHA-256 of each source
table written (a deleted or altered table remakes the sources) and the parameter file that made
them (:func:`sources_owner`; the runner refuses a second parameter file for one cycle).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from workbench.atomic import write_json, write_parquet
from workbench.instruments import instruments_file, read_instruments
from workbench.params import CycleParams
from workbench.paths import PROJECT_ROOT, data_dir, inputs_dir
from workbench.provenance import file_sha256
from workbench.register import read_register
from workbench.synth.inputs import INSTRUMENTS_FILE, REGISTER_FILE, write_inputs

__all__ = ["prepare_sources", "source_fingerprint", "sources_owner", "stale_sources"]


def source_fingerprint(params: CycleParams) -> str:
    """A hash of what the sources depend on: seed, source settings and the synthetic nation's
    code (or the register file's bytes)."""
    spec = {"seed": params.seed, "data": params.data.model_dump(mode="json", by_alias=True)}
    if params.data.source == "register":
        spec["file_sha256"] = _sha256(_register_path(params))
        found = instruments_file(inputs_dir(params.cycle) / "instruments")
        spec["instruments_sha256"] = file_sha256(found) if found else "absent"
        return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]
    spec["synth_code"] = _synth_code()
    if params.data.synthetic.trend is not None:
        from workbench.params import load_params

        base = PROJECT_ROOT / "parameters" / f"{params.data.synthetic.trend.base_cycle}.yaml"
        spec["base_seed"] = load_params(base).seed
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]


def prepare_sources(
    params: CycleParams, *, force: bool = False, params_file: str | None = None
) -> bool:
    """Write the cycle's source tables under ``outputs/<cycle>/data``.

    Returns ``True`` if they were (re)made, ``False`` if the ones there were still current
    (same fingerprint, and every table recorded is there with its recorded SHA-256).
    ``params_file`` is recorded as the parameter file that owns the cycle.
    """
    folder = data_dir(params.cycle)
    stamp = folder / "sources.json"
    fingerprint = source_fingerprint(params)
    record = _read_stamp(stamp)
    if (
        not force
        and record.get("fingerprint") == fingerprint
        and not stale_sources(params.cycle)
        and not _synthetic_inputs_missing(params)
        and not _codebooks_missing(folder)
    ):
        return False
    before = _snapshot(folder)
    if params.data.source == "synthetic":
        _prepare_synthetic(params, folder)
    else:
        _prepare_register(params, folder)
    _prepare_instruments(params, folder)
    after = _snapshot(folder)
    tables = {
        name: file_sha256(folder / name) for name, stat in after.items() if before.get(name) != stat
    }
    if record.get("fingerprint") == fingerprint:  # remade in place: keep what it recorded
        tables = {**record.get("tables", {}), **tables}
    write_json(
        stamp,
        {
            "fingerprint": fingerprint,
            "source": params.data.source,
            "params_file": params_file or record.get("params_file"),
            "tables": tables,
        },
    )
    return True


def sources_owner(cycle: str) -> str | None:
    """The parameter file that made ``outputs/<cycle>/data`` (``None``: not recorded)."""
    return _read_stamp(data_dir(cycle) / "sources.json").get("params_file")


def stale_sources(cycle: str) -> list[str]:
    """Source tables recorded in ``sources.json`` that are missing or changed since."""
    folder = data_dir(cycle)
    record = _read_stamp(folder / "sources.json")
    if not record:
        return ["sources.json"]
    return [
        name
        for name, sha in record.get("tables", {}).items()
        if not (folder / name).is_file() or file_sha256(folder / name) != sha
    ]


def _read_stamp(stamp: Path) -> dict:
    try:
        return json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _snapshot(folder: Path) -> dict[str, tuple]:
    if not folder.is_dir():
        return {}
    return {
        p.name: (p.stat().st_mtime_ns, p.stat().st_size, p.stat().st_ino)
        for p in folder.iterdir()
        if p.is_file() and p.name != "sources.json" and not p.name.startswith(".")
    }


def _prepare_synthetic(params: CycleParams, folder: Path) -> None:
    from workbench.synth import Nation, make_nation

    spec = params.data.synthetic
    if spec.trend is not None:
        nation = _trend_nation(params)
    else:
        nation = make_nation(
            seed=params.seed, schools=spec.schools, items=spec.items, blocks=spec.blocks
        )
    inputs = inputs_dir(params.cycle)
    write_inputs(nation, inputs)
    truth = {k: v for k, v in nation.tables.items() if k not in {"register", "items"}}
    Nation(tables=truth, truth=nation.truth).write(folder)
    register = read_register(inputs / REGISTER_FILE, shown=f"inputs/{params.cycle}/{REGISTER_FILE}")
    # the nation's own class counts, numeric as it wrote them (read_register keeps text)
    register["n_classes_g6"] = pd.to_numeric(register["n_classes_g6"]).astype("int64")
    write_parquet(folder / "register.parquet", register)


def _synthetic_inputs_missing(params: CycleParams) -> bool:
    inputs = inputs_dir(params.cycle)
    return params.data.source == "synthetic" and not all(
        (inputs / name).is_file() for name in (REGISTER_FILE, INSTRUMENTS_FILE)
    )


def _codebooks_missing(folder: Path) -> bool:
    """Sources made before the codebooks were kept: an item bank without its codebooks."""
    return (folder / "items.parquet").is_file() and not (folder / "codebooks.parquet").is_file()


def _prepare_instruments(params: CycleParams, folder: Path) -> None:
    """``items.parquet`` and ``codebooks.parquet`` from ``inputs/<cycle>/instruments`` (left
    out while there is none); the codebooks' questionnaires are checked here, before a stage."""
    from workbench.fielddata.returns import field_schemas

    where = inputs_dir(params.cycle) / "instruments"
    if where.is_dir() and instruments_file(where) is not None:
        shown = f"inputs/{params.cycle}/instruments/"
        bank = read_instruments(where, shown=shown)
        try:
            field_schemas(bank.items, bank.codebooks)
        except ValueError as err:
            raise ValueError(f"{shown}{instruments_file(where).name}, {err}") from None
        write_parquet(folder / "items.parquet", bank.items)
        write_parquet(folder / "codebooks.parquet", bank.codebooks)
    else:
        (folder / "items.parquet").unlink(missing_ok=True)
        (folder / "codebooks.parquet").unlink(missing_ok=True)


def _trend_nation(params: CycleParams):
    """A trend cycle's nation: the base cycle's parameter file gives the base seed and sizes."""
    from workbench.params import load_params
    from workbench.synth.trend import make_trend_nation

    spec = params.data.synthetic
    base = load_params(PROJECT_ROOT / "parameters" / f"{spec.trend.base_cycle}.yaml")
    sizes = ("schools", "items", "blocks")
    if base.data.source != "synthetic" or any(
        getattr(base.data.synthetic, k) != getattr(spec, k) for k in sizes
    ):
        raise ValueError(
            f"prepare_sources: data.synthetic of {params.cycle} must have the "
            f"schools, items and blocks of the synthetic base cycle "
            f"{base.cycle}; copy them from its parameter file."
        )
    return make_trend_nation(
        base.seed,
        params.seed,
        schools=spec.schools,
        items=spec.items,
        blocks=spec.blocks,
        change=spec.trend.change,
        gap_change=spec.trend.gap_change,
        common_share=spec.trend.common_share,
    )


def _prepare_register(params: CycleParams, folder: Path) -> None:
    """The register file read through :func:`workbench.register.read_register` (its column map
    applied), written as ``register.parquet``."""
    from workbench.register import read_register

    spec = params.data.register_file
    frame = read_register(
        _register_path(params),
        columns=spec.columns,
        sheet=spec.sheet,
        header_row=spec.header_row,
        shown=str(spec.path),
    )
    write_parquet(folder / "register.parquet", frame)


def _register_path(params: CycleParams) -> Path:
    path = params.data.register_file.path
    return path if path.is_absolute() else PROJECT_ROOT / path


def _synth_code() -> str:
    digest = hashlib.sha256()
    for path in sorted((PROJECT_ROOT / "workbench" / "synth").rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _sha256(path: Path) -> str:
    if not Path(path).is_file():
        raise FileNotFoundError(
            f"prepare_sources: data.register.path: the register file "
            f"{path} does not exist; put it there or correct the path"
        )
    return file_sha256(Path(path))
