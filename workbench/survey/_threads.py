"""One BLAS thread for the engine's small dense products (threadpoolctl).

The kernels multiply (n x R+1) weights by a few columns: too little work per call for
threads to pay, and on a busy machine OpenBLAS threads wait for each other (a regression on
4,554 rows x 76 weights: 16 ms with one thread, 45-60 ms with two on a loaded 2-core
machine; benchmarks/README.md). The limit holds only while a kernel runs.

>>> @one_blas_thread
... def f(a): return a @ a
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

from threadpoolctl import ThreadpoolController

F = TypeVar("F", bound=Callable)
_CONTROLLER: list[ThreadpoolController] = []


def one_blas_thread(func: F) -> F:
    """Run ``func`` with BLAS limited to one thread (restored afterwards)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if not _CONTROLLER:
            _CONTROLLER.append(ThreadpoolController())
        with _CONTROLLER[0].limit(limits=1, user_api="blas"):
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
