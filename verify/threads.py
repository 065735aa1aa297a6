"""How many BLAS threads a command should use: the cores not already busy.

OpenBLAS starts one thread per core; when another CPU-bound process holds a core, those threads
wait on each other (measured: a 512 x 512 float `verify decompose` beside a `while True: pass`
process took 4.4-5.0 s with 2 threads and 2.9-3.7 s with 1, on 2 cores). The command line sizes the
pool once, before numpy loads: to the cores minus the other processes running now, at least 1.
"Now" is Linux's count of runnable tasks (``/proc/loadavg``, fourth field, less this process); the
one-minute load average, used where that count is missing, lags: for a minute after a finished job
it still counts it (measured: a 2d = 2048 `verify decompose` right after another took 11.6 s on
one thread instead of 7.2 s on two). An
explicit ``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS`` or ``MKL_NUM_THREADS`` is left alone. The
library itself never changes the caller's thread settings.
"""
from __future__ import annotations

import os
import sys
from typing import Optional

BLAS_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def free_cores(cpus: Optional[int] = None, load: Optional[float] = None) -> int:
    """``max(1, cpus - round(load))``: the cores not taken by ``load`` other CPU-bound processes
    (``cpus``: this machine's when not given; ``load``: :func:`busy_now`, else the one-minute load
    average)."""
    cpus = (os.cpu_count() or 1) if cpus is None else cpus
    if load is None:
        load = busy_now()
    if load is None:
        try:
            load = os.getloadavg()[0]
        except (OSError, AttributeError):  # not available on this platform
            load = 0.0
    return max(1, cpus - round(load))


def busy_now(loadavg: Optional[str] = None) -> Optional[int]:
    """The runnable tasks other than this one, from the text of ``/proc/loadavg`` (read when not
    given; its fourth field is ``running/total``), or None where there is no such file."""
    if loadavg is None:
        try:
            with open("/proc/loadavg", encoding="ascii") as f:
                loadavg = f.read()
        except OSError:
            return None
    try:
        return max(0, int(loadavg.split()[3].split("/")[0]) - 1)
    except (IndexError, ValueError):
        return None


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
