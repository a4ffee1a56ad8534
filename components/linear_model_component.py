"""What the project's trained NLU components share: a scikit-learn model from
`advisor.reading.linear_text`, trained by `rasa train`, kept in Rasa's model storage, and
retrained when its code changes. Subclasses say which model, how to train it from
the NLU data, and what to do with each message.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import ModuleType
from typing import Any, Generic, TypeVar

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.training_data import TrainingData

from advisor.reading import linear_text
from advisor.reading.linear_text import LinearTextModel

Model = TypeVar("Model", bound=LinearTextModel)
Component = TypeVar("Component", bound="LinearModelComponent[Any]")


class LinearModelComponent(GraphComponent, Generic[Model]):
    """Storage and fingerprinting for one `LinearTextModel` subclass."""

    model_class: type[Model]
    # Modules whose source defines the pickled model: a change retrains it (Rasa
    # only fingerprints its own inputs, and a stale pickle would not load).
    model_modules: tuple[ModuleType, ...] = (linear_text,)

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Model | None = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls: type[Component],
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Component:
        return cls(config, model_storage, resource)

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        digest = hashlib.sha256()
        for module in cls.model_modules:
            digest.update(Path(str(module.__file__)).read_bytes())
        return digest.hexdigest()

    def train(self, training_data: TrainingData) -> Resource:
        self._model = self.train_model(training_data)
        with self._model_storage.write_to(self._resource) as directory:
            self._model.save(directory)
        return self._resource

    def train_model(self, training_data: TrainingData) -> Model:
        raise NotImplementedError

    @classmethod
    def load(
        cls: type[Component],
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> Component:
        with model_storage.read_from(resource) as directory:
            model = cls.model_class.load(directory)
        return cls(config, model_storage, resource, model)
