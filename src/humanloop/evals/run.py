"""``humanloop.evals.run``: where the runs-era SDKs keep ``run_eval``; see :mod:`humanloop.eval_utils`."""

from ..eval_utils import CYAN, GREEN, RED, RESET, YELLOW, EvaluatorCheck, run_eval

__all__ = ["CYAN", "GREEN", "RED", "RESET", "YELLOW", "EvaluatorCheck", "run_eval"]
