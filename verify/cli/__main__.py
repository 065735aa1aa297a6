"""``python -m verify.cli``: the ``verify`` command."""
import sys

from . import main

sys.exit(main())
