"""Independent scikit-learn fits on every core during `rasa train`.

Rasa trains one component at a time, and scikit-learn's solvers hold the GIL, so the
answer model's per-question regressions and the kind model's calibration folds run in
worker processes (joblib's, which start fresh interpreters: forking a process with
TensorFlow's threads running can deadlock). Only training uses it; `advisor/` takes it
as an argument and runs one fit after another without it.
"""

from __future__ import annotations

import os
from typing import Any

from advisor.reading.linear_text import Calls


def in_parallel(calls: Calls) -> list[Any]:
    """`function(*arguments)` for each call, in that order, on every core."""
    workers = min(len(calls), os.cpu_count() or 1)
    if workers < 2:
        return [function(*arguments) for function, arguments in calls]
    from joblib import Parallel, delayed

    jobs = (delayed(function)(*arguments) for function, arguments in calls)
    return list(Parallel(n_jobs=workers)(jobs))
