"""Rasa glue for `advisor.reading.focus`: classify a long message by the question it asks.

Runs first in the pipeline and replaces the text the tokenizer, featurizers and
classifiers see with its focus. The user's whole message stays in the tracker
event and, when it was narrowed, in `parse_data["full_text"]`, which the answer
reader and the actions use.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from advisor.reading.focus import question_focus

FULL_TEXT = "full_text"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class QuestionFocus(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> QuestionFocus:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data  # training examples are already to the point

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or text.startswith("/"):
                continue
            focus = question_focus(text)
            if focus and focus != text:
                message.set(FULL_TEXT, text, add_to_output=True)
                message.set(TEXT, focus)
        return messages
