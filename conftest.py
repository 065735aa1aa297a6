"""Settings for every test path (tests/ and notebooks/), inherited by the notebook kernels and the CLI
subprocesses the tests start:

* the notebooks run their small settings (each reads ``VERIFY_NOTEBOOK_QUICK``); the stored,
  executed notebooks come from the full settings (``python notebooks/refresh.py``, which does not
  set it);
* one BLAS thread per process: the tests' matrices are small, and on a busy machine OpenBLAS's
  threads fight the other load (the flows notebook took 72 s beside one CPU-bound process, 7 s quiet).
"""
import os

os.environ.setdefault("VERIFY_NOTEBOOK_QUICK", "1")
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
