"""Rasa glue for two exact readings of a message that names a process
(`advisor.reading.opener`, `advisor.reading.process_model`):

- a message about outsourcing a process of the writer's own starts the assessment, however
  much context surrounds it ("I head finance at a 200-person practice. We're weighing up
  outsourcing our accounts payable..."): intent `start_assessment`;
- a question which model a named kind of work is ("quick q, is a call centre bpo or kpo?"):
  intent `classify_process`;
- a request for data the source cannot give (a salary, a price, a ranking, a vendor, a job):
  intent `out_of_source`, which is declined honestly.

Runs after the intent classifiers and before FallbackClassifier; the classifiers' ranking
is kept below the intent it sets. A confident knowledge question is never made an opener
("I just started in procurement. What is a BPO?").
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

from advisor.follow_ups import asks_again_for_one_model
from advisor.reading.opener import asks_for_data, opener_process, opens_assessment
from advisor.reading.process_model import asks_which_model
from components.question_focus import FULL_TEXT

START, CLASSIFY, DECLINE = "start_assessment", "classify_process", "out_of_source"
FOLLOW_UP = "follow_up"
# Intents that already start or answer the assessment: no opener to find.
STARTING_INTENTS = {START, "inform"}
# Knowledge intents this sure are left alone by the opener rule.
KNOWLEDGE_INTENTS = {"faq", "out_of_source", "follow_up", CLASSIFY}
SURE_KNOWLEDGE = 0.5
CONFIDENCE = 0.95


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ProcessIntents(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ProcessIntents:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(FULL_TEXT) or message.get(TEXT)
            if not isinstance(text, str) or text.startswith("/"):
                continue
            intent = _intent_of(message)
            if intent is not None:
                _set_intent(message, intent)
        return messages


def _intent_of(message: Message) -> str | None:
    text = str(message.get(FULL_TEXT) or message.get(TEXT))
    current = message.get(INTENT) or {}
    name = current.get(INTENT_NAME_KEY)
    confidence = float(current.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
    # "would actuarial work like our pricing models be bpo or kpo?" asks which model, first.
    if name != CLASSIFY and asks_which_model(text):
        return CLASSIFY
    if name != DECLINE and asks_for_data(text):
        return DECLINE
    # "is it any different with kpo?" asks the last answer again for KPO, not what the
    # difference between the two models is.
    if name in ("faq", CLASSIFY) and asks_again_for_one_model(text) and not asks_which_model(text):
        return FOLLOW_UP
    # Declined only when it asks for data: a recruiter who would outsource "the CV screening"
    # opens an assessment, however sure the classifiers are that CVs mean a job hunt.
    if name == DECLINE and opener_process(text) is not None:
        return START
    knowledge = name in KNOWLEDGE_INTENTS and confidence >= SURE_KNOWLEDGE
    # Also when the classifiers already lean to starting it, but too faintly to clear the
    # fallback threshold ("Partner at a boutique. ... Considering sending it out. Worth it?").
    starting = name in STARTING_INTENTS and confidence >= SURE_KNOWLEDGE
    if not starting and not knowledge and opens_assessment(text):
        return START
    return None


def _set_intent(message: Message, name: str) -> None:
    top = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: CONFIDENCE}
    others = [
        entry
        for entry in message.get(INTENT_RANKING_KEY) or []
        if entry.get(INTENT_NAME_KEY) != name
    ]
    message.set(INTENT, top, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [top, *others], add_to_output=True)
