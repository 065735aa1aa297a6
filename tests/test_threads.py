"""BLAS threads sized to the free cores (verify/threads.py), never against the caller's choice."""
from __future__ import annotations

import os

from verify.threads import BLAS_VARIABLES, busy_now, free_cores, size_blas_threads


def test_free_cores_subtracts_the_load():
    assert free_cores(2, 0.1) == 2
    assert free_cores(2, 1.0) == 1
    assert free_cores(4, 9.0) == 1
    assert free_cores(8, 2.6) == 5
    assert 1 <= free_cores() <= (os.cpu_count() or 1)


def test_busy_now_counts_the_other_runnable_tasks():
    """Linux's instantaneous count (``/proc/loadavg``'s fourth field) less this process; not the
    one-minute average, which lags behind finished jobs."""
    assert busy_now("1.93 1.20 0.80 1/87 10147") == 0  # only this process runs: the average is stale
    assert busy_now("0.10 0.10 0.10 3/87 10147") == 2
    assert busy_now("garbage") is None
    now = busy_now()
    assert now is None or now >= 0


def test_a_busy_process_takes_a_core():
    import subprocess
    import sys
    import time

    if busy_now() is None or (os.cpu_count() or 1) < 2:
        return  # not Linux, or one core: nothing to take
    before = busy_now()
    spin = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.5)
        assert busy_now() >= 1 and free_cores() <= (os.cpu_count() or 1) - 1 or before >= 1
    finally:
        spin.kill()
        spin.wait()


def test_an_explicit_thread_setting_is_left_alone(monkeypatch):
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    assert size_blas_threads() is None
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"


def test_after_numpy_loads_threadpoolctl_sets_the_pool(monkeypatch):
    import numpy  # noqa: F401
    from threadpoolctl import threadpool_info, threadpool_limits

    for v in BLAS_VARIABLES:
        monkeypatch.delenv(v, raising=False)
    before = threadpool_info()
    try:
        n = size_blas_threads()
        assert n == free_cores() or n == free_cores() - 1 or n == free_cores() + 1  # the load may move
        assert all(i["num_threads"] == n for i in threadpool_info() if i["user_api"] == "blas")
    finally:
        for info in before:
            if info["user_api"] == "blas":
                threadpool_limits(limits=info["num_threads"], user_api="blas")
