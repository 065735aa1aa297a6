"""How many BLAS threads a command should use: the cores not already busy.

OpenBLAS starts one thread per core; when another CPU-bound process holds a core, those threads
wait on each other (measured: a 512 x 512 float `verify decompose` beside a `while True: pass`
process took 4.4-5.0 s with 2 threads and 2.9-3.7 s with 1, on 2 cores). The command line sizes the
pool once, before numpy loads: to the cores minus the one-minute load average, at least 1. An
explicit ``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS`` or ``MKL_NUM_THREADS`` is left alone. The
library itself never changes the caller's thread settings.
"""
from __future__ import annotations

import os
import sys
from typing import Optional

BLAS_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def free_cores(cpus: Optional[int] = None, load: Optional[float] = None) -> int:
    """``max(1, cpus - round(load))``: the cores not taken by the one-minute load average (``cpus``,
    ``load``: this machine's when not given)."""
    cpus = (os.cpu_count() or 1) if cpus is None else cpus
    if load is None:
        try:
            load = os.getloadavg()[0]
        except (OSError, AttributeError):  # not available on this platform
            load = 0.0
    return max(1, cpus - round(load))


def size_blas_threads() -> Optional[int]:
    """Limit BLAS to :func:`free_cores` threads, unless the caller set a thread variable; returns the
    number chosen (``None`` when left alone). Before numpy is imported this sets the environment
    variables; after, it uses threadpoolctl when that is installed."""
    if any(v in os.environ for v in BLAS_VARIABLES):
        return None
    n = free_cores()
    if "numpy" not in sys.modules:
        for v in BLAS_VARIABLES:
            os.environ[v] = str(n)
        return n
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return None
    threadpool_limits(limits=n, user_api="blas")
    return n
