"""``humanloop.evals.types``: the runs-era names of the arguments of ``evaluations.run``.

They are the 0.8.6 ones of :mod:`humanloop.eval_utils` (which also take ``version_id`` and
``environment``): ``FileEvalConfig`` is ``File``, ``DatasetEvalConfig`` is ``Dataset``,
``EvaluatorEvalConfig`` is ``Evaluator``.
"""

from ..eval_utils import Dataset as DatasetEvalConfig
from ..eval_utils import Evaluator as EvaluatorEvalConfig
from ..eval_utils import EvaluatorCheck, Identifiers
from ..eval_utils import File as FileEvalConfig

__all__ = ["DatasetEvalConfig", "EvaluatorCheck", "EvaluatorEvalConfig", "FileEvalConfig", "Identifiers"]
