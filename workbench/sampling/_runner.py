"""Run simulated samples of designs in batches, in process or as Dask tasks (sample design).

Every simulated sample r has its own random stream, ``SeedSequence(seed).spawn(reps)[r]``,
and sample r of every design uses the same stream (common random numbers, so designs are
compared on the same draws). A task is a batch of samples of one design; results are
gathered in task order, so they are the same whatever the number of workers.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

import numpy as np
import pandas as pd

from workbench.sampling._chain import (
    DesignSpec,
    Population,
    draw_weighted,
    estimate_domains,
    sample_cost,
)

SYNC = "sync"


def run_designs(
    pop: Population,
    specs: Sequence[DesignSpec],
    *,
    reps: int,
    seed: int,
    client: object = None,
    workers: int = 2,
    batch: int = 25,
    progress: bool | None = None,
    func: str = "design_study",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Estimates (one row per design x sample x domain) and costs (design x sample)."""
    _check(reps, "reps", func, "e.g. 1000")
    _check(batch, "batch", func, "e.g. 25")
    streams = np.random.SeedSequence(seed).spawn(int(reps))
    tasks = [
        (spec, [(r, streams[r]) for r in range(start, min(start + batch, reps))])
        for spec in specs
        for start in range(0, int(reps), int(batch))
    ]
    show = _show_progress(progress)
    if client == SYNC:
        results = [run_batch(pop, spec, seeds) for spec, seeds in _bar(tasks, show, func)]
    else:
        results = _run_dask(pop, tasks, client=client, workers=workers, show=show, func=func)
    estimates = pd.concat([r[0] for r in results], ignore_index=True)
    costs = pd.concat([r[1] for r in results], ignore_index=True)
    return estimates, costs


def run_batch(
    pop: Population, spec: DesignSpec, seeds: list[tuple[int, np.random.SeedSequence]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A batch of samples of one design (the body of a Dask task)."""
    estimates, costs = [], []
    for r, stream in seeds:
        data, fpc = draw_weighted(pop, spec, np.random.default_rng(stream))
        table = estimate_domains(data, fpc, pop.domains)
        table.insert(0, "sample", r + 1)
        table.insert(0, "design", spec.name)
        estimates.append(table)
        costs.append({"design": spec.name, "sample": r + 1, **sample_cost(data)})
    return pd.concat(estimates, ignore_index=True), pd.DataFrame(costs)


def _run_dask(
    pop: Population, tasks: list, *, client: object, workers: int, show: bool, func: str
) -> list:
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if client is None:
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise ValueError(
                f"{func}: workers must be a positive whole number "
                f"(workers={workers!r}); or client='sync' to run in process"
            )
        # shutdown chatter ("worker still alive ... killing") stays out of the report
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        )
        dask_client = Client(cluster)
    elif isinstance(client, str):
        dask_client = Client(client)
    else:
        dask_client = client
    try:
        print(
            f"{func}: Dask dashboard {dask_client.dashboard_link} "
            f"({len(dask_client.scheduler_info()['workers'])} workers, {len(tasks)} tasks)",
            flush=True,
        )
        shared = dask_client.scatter(pop, broadcast=True)
        futures = [
            dask_client.submit(run_batch, shared, spec, seeds, pure=False) for spec, seeds in tasks
        ]
        for _ in _bar(as_completed(futures), show, func, total=len(futures)):
            pass
        return dask_client.gather(futures)
    finally:
        if client is None or isinstance(client, str):
            dask_client.close()
        if cluster is not None:
            cluster.close()


def _bar(items, show: bool, func: str, total: int | None = None):
    if not show:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, total=total, desc=func, unit="task")


def _show_progress(progress: bool | None) -> bool:
    """A bar only in a terminal: not in CI, not when output is not a TTY."""
    if progress is not None:
        return bool(progress)
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        return False
    return sys.stderr.isatty()


def _check(value: object, name: str, func: str, hint: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(
            f"{func}: {name} must be a positive whole number ({name}={value!r}); {hint}"
        )
