"""Keep the loaded model out of Python's full garbage collections.

After the model is loaded, the Rasa process holds hundreds of thousands of objects
that live as long as the model (TensorFlow graphs, featurizer vocabularies, the domain).
Python's cyclic garbage collector walks all of them on every full (generation 2)
collection, a pause every request in flight waits through (p95 and p99 under load;
measured in bench/README.md). `gc.freeze()` right after loading moves them to the permanent
generation, which collections skip; objects created later are collected as before.
Before loading another model (`PUT /model`) the previous freeze is undone, so the old
model can be collected. Installed by the registry in runtime/patches.py on
`Agent.load_model`; tests/runtime/test_runtime_gc_freeze.py checks that the model loads as
with Rasa's own method and that it is frozen.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rasa.core.agent import Agent


def freeze_after_loading(rasa_load_model: Callable[..., None]) -> Callable[..., None]:
    """The replacement of `Agent.load_model`."""

    def load_model(
        self: Agent, model_path: str | Path, fingerprint: str | None = None, **kwargs: Any
    ) -> None:
        gc.unfreeze()  # a previous model becomes collectable again
        rasa_load_model(self, model_path, fingerprint, **kwargs)
        gc.collect()  # what loading left behind goes now, not into the frozen set
        gc.freeze()

    load_model.__doc__ = rasa_load_model.__doc__
    return load_model
