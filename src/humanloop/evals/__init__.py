"""The import path of ``evaluations.run`` in the runs-era SDKs (0.8.17 and later): ``humanloop.evals``.

The implementation is :mod:`humanloop.eval_utils` (which keeps the 0.8.6 import path); this package
gives its names where programs of the later releases import them.
"""

from .run import run_eval
from .types import FileEvalConfig

__all__ = ["FileEvalConfig", "run_eval"]
