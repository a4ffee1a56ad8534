"""Rasa glue for `advisor.answer_model`: trained by `rasa train`, run on every
message, so the action server reads the guesses from the parse data and does no
machine learning itself.

Output: `parse_data["answer_guesses"]` = {slot: [[value, confidence], ...]}.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from advisor import answer_model
from advisor.answer_model import AnswerModel, load_examples
from components.question_focus import FULL_TEXT

GUESSES = "answer_guesses"
# NLU examples of these intents are answers themselves; every other intent's
# examples (questions, small talk) teach the model what is not an answer.
ANSWER_INTENTS = {"inform"}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class AnswerGuesser(GraphComponent):
    """Scores every assessment answer value for each message."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"examples": "data/answers"}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: AnswerModel | None = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> AnswerGuesser:
        return cls(config, model_storage, resource)

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Retrain when the example files or the model's code change (Rasa only
        fingerprints its own data, and a stale pickle would not load)."""
        digest = hashlib.sha256(Path(answer_model.__file__).read_bytes())
        for path in sorted(Path(config["examples"]).glob("*.yml")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()

    def train(self, training_data: TrainingData) -> Resource:
        unrelated = [
            str(example.get(TEXT))
            for example in training_data.intent_examples
            if example.get(INTENT) not in ANSWER_INTENTS and example.get(TEXT)
        ]
        examples = load_examples(Path(self._config["examples"]))
        self._model = AnswerModel.train(examples, unrelated)
        with self._model_storage.write_to(self._resource) as directory:
            self._model.save(directory)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> AnswerGuesser:
        with model_storage.read_from(resource) as directory:
            model = AnswerModel.load(directory)
        return cls(config, model_storage, resource, model)

    def process(self, messages: list[Message]) -> list[Message]:
        if self._model is None:
            return messages
        for message in messages:
            # The whole message, also when QuestionFocus narrowed the text.
            text = message.get(FULL_TEXT) or message.get(TEXT) or ""
            guesses = self._model.guess(str(text))
            if guesses:
                message.set(GUESSES, guesses, add_to_output=True)
        return messages
