"""Rasa glue for `advisor.reading.opener`: a message about outsourcing a process of the
writer's own starts the assessment, however much context surrounds it ("I head finance at
a 200-person practice. We're weighing up outsourcing our accounts payable...").

Runs after the intent classifiers and before FallbackClassifier: such a message gets the
intent `start_assessment`, with the classifiers' ranking kept below it.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from advisor.reading.opener import opener_process
from components.question_focus import FULL_TEXT

START = "start_assessment"
# Intents that already start or answer the assessment: nothing to change.
STARTING_INTENTS = {START, "inform"}
CONFIDENCE = 0.95


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class OpenerReader(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> OpenerReader:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(FULL_TEXT) or message.get(TEXT)
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if not isinstance(text, str) or text.startswith("/") or intent in STARTING_INTENTS:
                continue
            if opener_process(text) is None:
                continue
            top = {INTENT_NAME_KEY: START, PREDICTED_CONFIDENCE_KEY: CONFIDENCE}
            others = [
                entry
                for entry in message.get(INTENT_RANKING_KEY) or []
                if entry.get(INTENT_NAME_KEY) != START
            ]
            message.set(INTENT, top, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [top, *others], add_to_output=True)
        return messages
