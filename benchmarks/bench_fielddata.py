"""Benchmark: verify a census-size field return (workbench.fielddata).

150,000 students x 40 item columns + 30 questionnaire columns (+ ids and a birth date) are
written as one UTF-8 CSV (in a child process, so its memory does not count), with about
0.1% of rows damaged (bad codes, unknown schools, duplicate ids). The parent then reads,
validates and writes the quarantine file, and prints wall time and peak memory (peak RSS of
the process from ``resource.getrusage``). Targets: < 60 s and < 4 GiB.

``--tracking``: a 1,000,000-row student tracking form (planted faults of
``tests/test_fielddata_million.py``) taken in with :func:`workbench.fielddata.intake`, CSV read
and validated in chunks; prints time, the peak RSS above the warmed-up child process, the
typed accepted table's size and the counts by reason.

``--columns``: the same return validated with the columns that share a rule checked in one
pass (:mod:`workbench.fielddata.blocks`) and column by column (the path before issue 19.1),
alternately, best of 3 each, at the same moment of the (shared) machine; results compared.

Run: ``python benchmarks/bench_fielddata.py [n_students]``,
``python benchmarks/bench_fielddata.py --tracking [chunk_rows]`` or
``python benchmarks/bench_fielddata.py --columns [n_students]``
"""

from __future__ import annotations

import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

N_ITEMS, N_QUEST, N_SCHOOLS = 40, 30, 1500


def schema():
    from workbench.fielddata import Schema

    items = [f"R{i:02d}" for i in range(1, N_ITEMS + 1)]
    quest = [f"Q{i:02d}" for i in range(1, N_QUEST + 1)]
    return Schema(
        name="students",
        id_columns=["IDSTUD"],
        unique=[["IDSTUD"]],
        columns=[
            {"name": "IDSTUD", "type": "int", "min": 1},
            {"name": "IDSCHOOL", "type": "int", "references": "sample.IDSCHOOL"},
            {"name": "IDCLASS", "type": "int"},
            {"name": "SEX", "type": "code", "codes": [1, 2], "missing": {9: "omitted"}},
            {"name": "BIRTHDATE", "type": "date", "identifier": True},
            {
                "name": items,
                "type": "code",
                "codes": [0, 1, 2],
                "missing": {9: "omitted", 8: "not reached", 7: "not administered"},
            },
            {"name": quest, "type": "code", "codes": [1, 2, 3, 4], "missing": {9: "omitted"}},
            {"name": "AGE", "type": "float", "min": 9, "max": 16, "allow_blank": True},
        ],
    )


def make_return(path: str, n: int, seed: int = 2025) -> None:
    """Write the synthetic return (runs in a child process)."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "IDSTUD": np.arange(1, n + 1) + 10_000_000,
            "IDSCHOOL": rng.integers(1, N_SCHOOLS + 1, n),
            "IDCLASS": rng.integers(1, 4, n),
            "SEX": rng.choice([1, 2, 9], n, p=[0.49, 0.49, 0.02]),
            "BIRTHDATE": (
                pd.Timestamp("2012-09-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
            ).strftime("%Y-%m-%d"),
        }
    )
    items = rng.choice([0, 1, 2, 9, 8], (n, N_ITEMS), p=[0.35, 0.45, 0.1, 0.06, 0.04])
    quest = rng.choice([1, 2, 3, 4, 9], (n, N_QUEST), p=[0.25, 0.25, 0.25, 0.2, 0.05])
    df = pd.concat(
        [
            df,
            pd.DataFrame(items, columns=[f"R{i:02d}" for i in range(1, 41)]),
            pd.DataFrame(quest, columns=[f"Q{i:02d}" for i in range(1, 31)]),
        ],
        axis=1,
    )
    df["AGE"] = np.round(rng.normal(12.4, 0.4, n), 1)
    bad = rng.choice(n, n // 1000, replace=False)
    df.loc[bad[0::3], "R07"] = 5  # code not allowed
    df.loc[bad[1::3], "IDSCHOOL"] = 99_999  # unknown school
    df.loc[bad[2::3], "IDSTUD"] = df.loc[bad[2::3] - 1, "IDSTUD"].to_numpy()  # duplicates
    df.to_csv(path, index=False)


def main(n: int = 150_000) -> dict:
    from workbench import fielddata as fd

    tmp = Path(tempfile.mkdtemp())
    path = tmp / "census_return.csv"
    child = mp.get_context("spawn").Process(target=make_return, args=(str(path), n))
    child.start()
    child.join()
    size_mb = path.stat().st_size / 2**20
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB -> GiB
    t0 = time.perf_counter()
    raw = fd.read_field_file(path)
    t1 = time.perf_counter()
    result = fd.validate(
        raw.frame, schema(), known_ids={"sample.IDSCHOOL": range(1, N_SCHOOLS + 1)}
    )
    t2 = time.perf_counter()
    fd.write_quarantine(result, tmp / "quarantine.csv")
    t3 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    rec = result.reconciliation
    out = {
        "rows": n,
        "columns": raw.frame.shape[1] - 2,
        "file_mib": round(size_mb, 1),
        "read_s": round(t1 - t0, 2),
        "validate_s": round(t2 - t1, 2),
        "quarantine_s": round(t3 - t2, 2),
        "total_s": round(t3 - t0, 2),
        "peak_rss_gib": round(peak, 2),
        "rss_before_gib": round(base, 2),
        "accepted": rec.accepted,
        "quarantined": rec.quarantined,
    }
    for key, value in out.items():
        print(f"{key:>15}: {value}")
    ok = out["total_s"] < 60 and peak < 4
    print(f"{'target':>15}: {'met' if ok else 'MISSED'} (< 60 s, < 4 GiB)")
    return out


def tracking(chunk_rows: int = 100_000) -> dict:
    """The million-row tracking form through intake, measured in a child process."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.test_fielddata_million import run_measure, write_tracking

    path = Path(tempfile.mkdtemp()) / "student_tracking.csv"
    write_tracking(path)
    out = run_measure(path, chunk_rows)
    for key, value in out.items():
        print(f"{key:>15}: {value}")
    return out


def columns(n: int = 150_000, repeats: int = 3) -> dict:
    """Validation with grouped columns against column by column, same frame, same moment."""
    import importlib

    from workbench import fielddata as fd

    module = importlib.import_module("workbench.fielddata.validate")
    path = Path(tempfile.mkdtemp()) / "census_return.csv"
    child = mp.get_context("spawn").Process(target=make_return, args=(str(path), n))
    child.start()
    child.join()
    frame = fd.read_field_file(path).frame
    known = {"sample.IDSCHOOL": range(1, N_SCHOOLS + 1)}
    grouped_path = module._check_groups
    best = {"grouped": float("inf"), "one_by_one": float("inf")}
    results = {}
    for _ in range(repeats):
        for way, check in (("one_by_one", lambda *args: {}), ("grouped", grouped_path)):
            module._check_groups = check
            t0 = time.perf_counter()
            results[way] = module.validate(frame, schema(), known_ids=known)
            best[way] = min(best[way], time.perf_counter() - t0)
    module._check_groups = grouped_path
    same = results["grouped"].issues.equals(results["one_by_one"].issues) and results[
        "grouped"
    ].accepted.equals(results["one_by_one"].accepted)
    out = {
        "rows": n,
        "columns": frame.shape[1] - 2,
        "one_by_one_s": round(best["one_by_one"], 2),
        "grouped_s": round(best["grouped"], 2),
        "ratio": round(best["one_by_one"] / best["grouped"], 2),
        "same_result": same,
        "quarantined": results["grouped"].reconciliation.quarantined,
    }
    for key, value in out.items():
        print(f"{key:>15}: {value}")
    return out


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--tracking":
        tracking(int(sys.argv[2]) if len(sys.argv) > 2 else 100_000)
    elif len(sys.argv) > 1 and sys.argv[1] == "--columns":
        columns(int(sys.argv[2]) if len(sys.argv) > 2 else 150_000)
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 150_000)
