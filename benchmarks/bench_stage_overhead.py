"""Benchmark: the fixed cost of a stage and of a command-line start.

Each figure is the median wall time of fresh processes (no warm interpreter): ``import
workbench``, ``workbench --help``, ``workbench check <parameters>``, ``import nbformat`` (what
the runner loads to execute a notebook), and a stage kernel: start an ipykernel, run the first
cell of a stage (``import workbench as wb`` and the report module) and a figure cell (the
plotting imports, paid only by stages that draw). Target: a stage's fixed cost <= 2 s.

``--blas``: the same MML calibration with standard errors (2PL, 3,000 students x 24 items)
with BLAS limited to one thread and with the library's default (one per core), to decide the
thread limit (benchmarks/README.md).

Run: ``python benchmarks/bench_stage_overhead.py [repeats]`` (default 3) or ``... --blas``.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
PARAMS = "parameters/sabat6-demo.yaml"
COMMANDS = {
    "import workbench": [PY, "-c", "import workbench"],
    "workbench --help": [PY, "-m", "workbench", "--help"],
    f"workbench check {PARAMS}": [PY, "-m", "workbench", "check", PARAMS],
    "import nbformat (runner)": [PY, "-c", "import workbench, nbformat"],
}
FIRST_CELL = "from IPython.display import display\nimport workbench as wb\nwb.report"
FIGURE_CELL = "import workbench.plots, matplotlib.pyplot, seaborn"


def _wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def _kernel() -> tuple[float, float, float]:
    """Seconds to a ready kernel, then to run the first cell, then the figure cell."""
    from jupyter_client.manager import start_new_kernel

    start = time.perf_counter()
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(ROOT))
    ready = time.perf_counter()
    try:
        kc.execute_interactive(FIRST_CELL, timeout=120, output_hook=lambda msg: None)
        first = time.perf_counter()
        kc.execute_interactive(FIGURE_CELL, timeout=120, output_hook=lambda msg: None)
        figure = time.perf_counter()
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return ready - start, first - ready, figure - first


def main(repeats: int = 3) -> None:
    for name, cmd in COMMANDS.items():
        times = [_wall(cmd) for _ in range(repeats)]
        print(f"{name:<48} {statistics.median(times):6.2f} s  (median of {repeats})")
    runs = [_kernel() for _ in range(repeats)]
    ready, first, figure = (statistics.median(col) for col in zip(*runs, strict=True))
    print(f"{'stage kernel: start to ready':<48} {ready:6.2f} s")
    print(f"{'stage kernel: first cell (import workbench)':<48} {first:6.2f} s")
    print(f"{'stage fixed cost (ready + first cell)':<48} {ready + first:6.2f} s  (target <= 2 s)")
    print(f"{'figure cell (plots, matplotlib, seaborn)':<48} {figure:6.2f} s  (drawing stages)")


def blas(repeats: int = 2) -> None:
    """Calibration with SEs: one BLAS thread against the default, best of ``repeats``."""
    from threadpoolctl import threadpool_info, threadpool_limits

    import workbench.synth as synth
    from workbench.psychometrics import calibrate

    nation = synth.make_nation(seed=5, schools=300, items=24, blocks=4)
    data = nation.tables["responses"].sample(3000, random_state=1)
    items = nation.tables["items"]["item_id"]
    default = max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")
    for threads in (1, default):
        times = []
        for _ in range(repeats):
            with threadpool_limits(limits=threads, user_api="blas"):
                start = time.perf_counter()
                calibrate(data, items=items, se=True, omitted="missing", not_reached="missing")
                times.append(time.perf_counter() - start)
        print(
            f"calibrate 3,000 x 24 with SEs, {threads} BLAS thread(s): {min(times):6.2f} s "
            f"(best of {repeats})"
        )


if __name__ == "__main__":
    if sys.argv[1:] == ["--blas"]:
        blas()
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
