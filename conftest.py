"""Settings for every test path (tests/ and notebooks/): the notebooks run their small settings under
the tests (each reads ``VERIFY_NOTEBOOK_QUICK``); the stored, executed notebooks come from the full
settings (``python notebooks/refresh.py``, which does not set it)."""
import os

os.environ.setdefault("VERIFY_NOTEBOOK_QUICK", "1")
