"""The results database: ``outputs/results.duckdb``, every published estimate of every cycle.

Rebuilt from the stored tables of every cycle under ``outputs/`` after each run (into a
temporary file, then renamed: readers never see half a database), in a fixed row order, so
the same tables give the same query results. Tables:

- ``estimates``: one row per published estimate: ``cycle, year, exhibit, variable,
  group_var, group, statistic, estimate, se, ci_lower, ci_upper, df, n, p_value,
  significant, flags, label_ky, label_ru, label_en``;
- ``item_calibration``, ``item_verdicts``, ``participation``: the stage tables with ``cycle``;
- ``cycles``: ``cycle, year, title, base_cycle``;
- the other kinds of cycle's tables (:data:`KIND_TABLES`), each with ``cycle``: a
  teacher-education cycle's ``teacher_ed_indicators`` (estimate, SE, CI, n, response rate,
  flags per institution and programme), ``teacher_ed_composite``, ``teacher_ed_change``, ...

Examples
--------
>>> import tempfile, pathlib
>>> build_results_db(pathlib.Path(tempfile.mkdtemp())) is None    # no cycle: no database
True
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from intake.readers.datatypes import SQLQuery
from intake.readers.readers import BaseReader

from workbench.publish._text import group_label

__all__ = [
    "build_results_db",
    "results_db",
    "db_path",
    "estimates_of",
    "COLUMNS",
    "ResultsDBReader",
]

#: columns of the ``estimates`` table, in order
COLUMNS = (
    "cycle",
    "year",
    "exhibit",
    "variable",
    "group_var",
    "group",
    "statistic",
    "estimate",
    "se",
    "ci_lower",
    "ci_upper",
    "df",
    "n",
    "p_value",
    "significant",
    "flags",
    "label_ky",
    "label_ru",
    "label_en",
)
_STAGE_TABLES = ("item_calibration", "item_verdicts", "participation")
#: the other kinds of cycle: where each names its tables (database table -> stored table, or a
#: tuple of names kept as they are); a cycle is of the kind when it stored the first of them
KIND_TABLES = (
    "workbench.indicators.cycle:DATABASE_TABLES",
    "workbench.monitoring.cycle:DATABASE_TABLES",
)


def db_path(root: Path | None = None) -> Path:
    """``outputs/results.duckdb`` (under ``root``, default the outputs root)."""
    from workbench.paths import outputs_root

    return Path(root or outputs_root()) / "results.duckdb"


def results_db(root: Path | None = None):
    """A read-only DuckDB connection to the results database.

    Examples of queries are in the README ("The analytical report and the site").

    Raises
    ------
    FileNotFoundError
        When the database has not been built yet (run a cycle, or ``workbench render``).
    """
    import duckdb

    path = db_path(root)
    if not path.is_file():
        raise FileNotFoundError(
            f"results_db: {path} does not exist; run a cycle "
            "(workbench run parameters/<cycle>.yaml) or `workbench render "
            "parameters/<cycle>.yaml` to build it"
        )
    return duckdb.connect(str(path), read_only=True)


class ResultsDBReader(BaseReader):
    """Intake reader of the results database (catalog entry ``results_database``): the
    ``query`` (a table name or a SELECT) as a DataFrame, from a read-only connection that is
    closed at once (a rebuild is never blocked)."""

    output_instance = "pandas:DataFrame"
    implements = {SQLQuery}

    def _read(self, data, **kwargs):
        query = data.query if len(data.query.split()) > 1 else f"SELECT * FROM {data.query}"
        con = results_db(Path(data.conn).parent)
        try:
            return con.sql(query).df()
        finally:
            con.close()


def build_results_db(root: Path | None = None) -> Path | None:
    """Rebuild ``results.duckdb`` from every cycle under ``root`` that has results tables.

    Returns the path, or ``None`` when no cycle has results yet.

    Checked against
    ---------------
    Two builds from the same tables give identical query results; every row of the stored
    ``results_gaps`` appears with its estimate: ``tests/test_publish.py``.
    """
    import duckdb

    root = Path(root) if root is not None else db_path().parent
    cycles = sorted(p.parent.parent.name for p in root.glob("*/data/results_distribution.parquet"))
    others = _kind_tables(root)
    if not cycles and not others:
        return None
    meta = [_cycle_meta(root, c) for c in cycles]
    estimates = pd.concat(
        [
            estimates_of(root / c / "data", c, m.get("year"))
            for c, m in zip(cycles, meta, strict=False)
        ]
        or [pd.DataFrame(columns=list(COLUMNS))],
        ignore_index=True,
    )
    estimates = estimates.sort_values(
        ["cycle", "exhibit", "group_var", "group", "variable", "statistic"], kind="stable"
    ).reset_index(drop=True)
    stage = {name: _stacked(root, cycles, name) for name in _STAGE_TABLES} | others
    target = db_path(root)
    fd, tmp = tempfile.mkstemp(prefix=".results.", suffix=".duckdb.tmp", dir=root)
    os.close(fd)
    os.unlink(tmp)  # duckdb creates the file itself
    try:
        con = duckdb.connect(tmp)
        con.register("estimates_df", estimates)
        con.execute("CREATE TABLE estimates AS SELECT * FROM estimates_df")
        con.register(
            "cycles_df", pd.DataFrame(meta, columns=["cycle", "year", "title", "base_cycle"])
        )
        con.execute("CREATE TABLE cycles AS SELECT * FROM cycles_df ORDER BY cycle")
        for name, table in stage.items():
            if table is not None:
                con.register(f"{name}_df", table)
                con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_df")
        con.close()
        os.replace(tmp, target)
    finally:
        for leftover in (tmp, tmp + ".wal"):
            if os.path.exists(leftover):
                os.unlink(leftover)
    return target


def estimates_of(folder: Path, cycle: str, year: int | None = None) -> pd.DataFrame:
    """The long table of one cycle's published estimates (``COLUMNS``) from its
    ``results_*.parquet`` files in ``folder``."""
    parts = []
    for exhibit, shape in _SHAPES.items():
        path = Path(folder) / f"results_{exhibit}.parquet"
        if not path.is_file():
            continue
        table = pd.read_parquet(path)
        if len(table):
            parts.append(shape(table).assign(exhibit=exhibit))
    if not parts:
        return pd.DataFrame(columns=list(COLUMNS))
    out = pd.concat(parts, ignore_index=True)
    out["cycle"], out["year"] = cycle, year
    for column in COLUMNS:
        if column not in out:
            out[column] = np.nan
    for lang in ("ky", "ru", "en"):  # the results stage's labels, else made from the codes
        made = [_label(gv, g, lang) for gv, g in zip(out["group_var"], out["group"], strict=False)]
        stored = out.get(f"label_{lang}", pd.Series(np.nan, index=out.index))
        out[f"label_{lang}"] = stored.where(stored.notna() & (stored != ""), made)
    out["flags"] = out["flags"].fillna("").astype(str)
    out["significant"] = out["significant"].astype("boolean")
    for column in ("estimate", "se", "ci_lower", "ci_upper", "df", "n", "p_value"):
        out[column] = pd.to_numeric(out[column], errors="coerce").astype(float)
    for column in ("variable", "group_var", "group", "statistic"):
        out[column] = out[column].astype(str)
    return out[list(COLUMNS)]


def _label(group_var: str, group: str, lang: str) -> str:
    if "|" in str(group):
        a, b = str(group).split("|", 1)
        return f"{group_label(a, lang)} − {group_label(b, lang)}"
    return group_label(group, lang)


def _keep(table: pd.DataFrame, **columns) -> pd.DataFrame:
    out = pd.DataFrame(
        {k: (table[v] if isinstance(v, str) and v in table else v) for k, v in columns.items()},
        index=table.index,
    )
    for c in (
        "estimate",
        "se",
        "ci_lower",
        "ci_upper",
        "df",
        "n",
        "p_value",
        "significant",
        "flags",
        "label_ky",
        "label_ru",
        "label_en",
    ):
        if c not in out and c in table:
            out[c] = table[c]
    return out


def _pair(a: pd.Series, b: pd.Series) -> pd.Series:
    return a.astype(str) + "|" + b.astype(str)


_SHAPES = {
    "distribution": lambda t: _keep(
        t, variable="variable", group_var="group_var", group="group", statistic="statistic"
    ),
    "benchmarks": lambda t: _keep(
        t,
        variable="variable",
        group_var="group_var",
        group="group",
        statistic=t["measure"].astype(str) + "_" + t["benchmark"].astype(str),
    ),
    "gaps": lambda t: _keep(
        t,
        variable="variable",
        group_var="comparison",
        group=_pair(t["group"], t["reference"]),
        statistic="difference",
    ),
    "regions": lambda t: _keep(
        t,
        variable="variable",
        group_var="region",
        group="group",
        statistic="difference_from_national",
    ),
    "region_pairs": lambda t: _keep(
        t,
        variable="variable",
        group_var="region_pair",
        group=_pair(t["group"], t["other"]),
        statistic="difference",
    ),
    "context": lambda t: pd.concat(
        [
            _keep(
                t,
                variable="background",
                group_var="background",
                group=t["category"].astype(str),
                statistic="mean",
            ),
            _keep(
                t.assign(
                    estimate=t["percent"],
                    se=t["percent_se"],
                    ci_lower=np.nan,
                    ci_upper=np.nan,
                    p_value=np.nan,
                ),
                variable="background",
                group_var="background",
                group=t["category"].astype(str),
                statistic=pd.Series("percent", index=t.index),  # not the column "percent"
            ),
        ]
    ),
    "regression": lambda t: _keep(
        t,
        variable="term",
        group_var="all",
        group="all",
        statistic=np.where(t["term"] == "r2", "r2", "coefficient"),
    ),
    "variance": lambda t: _keep(
        t, variable="component", group_var="model", group="model", statistic="variance_component"
    ),
    "trend": lambda t: _keep(
        t.assign(estimate=t["difference"]),
        variable="statistic",
        group_var="group_var",
        group="group",
        statistic=_change(t),
    ),
    "international": lambda t: _keep(
        t[t["source"] == "this_cycle"].assign(estimate=t["mean"], ci_lower=np.nan, ci_upper=np.nan),
        variable="reading",
        group_var="all",
        group="all",
        statistic="mean_beside_pirls",
    ),
}


def _change(t: pd.DataFrame) -> list[str]:
    """``change_mean``, ``change_at_or_above_400``, ...: the trend row's statistic."""
    bench = t["benchmark"] if "benchmark" in t else pd.Series([None] * len(t), index=t.index)
    return [
        f"change_{s}" + (f"_{b}" if b is not None and pd.notna(b) and str(b) else "")
        for s, b in zip(t["statistic"], bench, strict=False)
    ]


def _stacked(root: Path, cycles: list[str], name: str) -> pd.DataFrame | None:
    parts = []
    for cycle in cycles:
        path = root / cycle / "data" / f"{name}.parquet"
        if path.is_file():
            table = pd.read_parquet(path)
            table.insert(0, "cycle", cycle)
            parts.append(table)
    return pd.concat(parts, ignore_index=True) if parts else None


def _kind_tables(root: Path) -> dict[str, pd.DataFrame]:
    """The tables of the other kinds of cycle (:data:`KIND_TABLES`) found under ``root``."""
    import importlib

    found = {}
    for target in KIND_TABLES:
        module, name = target.split(":")
        try:
            tables = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            continue  # a kind not built yet
        tables = tables if isinstance(tables, dict) else {t: t for t in tables}
        first = next(iter(tables.values()))
        cycles = sorted(p.parent.parent.name for p in root.glob(f"*/data/{first}.parquet"))
        for db_name, stored in tables.items():
            table = _stacked(root, cycles, stored)
            if table is not None:
                found[db_name] = table
    return found


def _cycle_meta(root: Path, cycle: str) -> dict:
    path = root / cycle / "publication" / "meta.json"
    meta = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return {
        "cycle": cycle,
        "year": meta.get("year"),
        "title": meta.get("title", cycle),
        "base_cycle": meta.get("base_cycle"),
    }
