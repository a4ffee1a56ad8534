"""Rasa glue for `advisor.reading.intent_model`: a second intent classifier whose ranking
is mixed with DIET's, and which picks the answer of the retrieval intent `faq`.

Placed after DIETClassifier and before FallbackClassifier, it rewrites `intent`
and `intent_ranking`, and writes the `response_selector` output Rasa's retrieval
action reads (`utter_faq/<topic>`), so the fallback threshold, the policies and
the retrieval action see one decision. With a ResponseSelector in the pipeline
its topics are mixed in (`topic_weight`); without one, the linear model picks
the topic alone. Trained by `rasa train` on the same NLU examples.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from advisor.follow_ups import agree_with_subject
from advisor.reading import intent_model, linear_text
from advisor.reading.intent_model import IntentModel, blend
from components.linear_model_component import LinearModelComponent
from components.question_focus import FULL_TEXT

RANKING_LENGTH = 10  # as DIET reports


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class IntentBlender(LinearModelComponent[IntentModel]):
    """Mixes DIET's intents (and a ResponseSelector's topics, if one ran) with a
    linear n-gram model's (weights `intent_weight` and `topic_weight` for the latter)."""

    model_class = IntentModel
    model_modules = (intent_model, linear_text)

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"intent_weight": 0.7, "topic_weight": 0.9}

    def train_model(self, training_data: TrainingData) -> IntentModel:
        examples: dict[str, list[str]] = {}
        for example in training_data.intent_examples:
            label = example.get(INTENT_RESPONSE_KEY) or example.get(INTENT)
            if example.get(TEXT) and label:
                examples.setdefault(str(label), []).append(str(example.get(TEXT)))
        return IntentModel.train(examples)

    def process(self, messages: list[Message]) -> list[Message]:
        if self._model is None:
            return messages
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text.strip():
                continue
            intents, topics = self._model.read(text)
            # A button payload ("/inform{...}") keeps the intent it names (Rasa's
            # RegexMessageHandler sets it after the pipeline), but still gets a topic:
            # a typed "/ faq" is unpacked as the FAQ intent, and utter_faq fails without one.
            if not text.startswith("/"):
                self._set_intent(message, intents)
            for retrieval_intent, distribution in topics.items():
                self._set_topic(message, retrieval_intent, distribution, text)
        return messages

    def _set_intent(self, message: Message, linear: dict[str, float]) -> None:
        diet = {
            entry[INTENT_NAME_KEY]: float(entry[PREDICTED_CONFIDENCE_KEY])
            for entry in message.get(INTENT_RANKING_KEY) or []
        }
        blended = blend(linear, diet, float(self._config["intent_weight"]))
        ranking = [
            {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
            for name, confidence in blended[:RANKING_LENGTH]
        ]
        message.set(INTENT, ranking[0], add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)

    def _set_topic(
        self, message: Message, retrieval_intent: str, linear: dict[str, float], text: str
    ) -> None:
        """Select the answer for `retrieval_intent` in the format of Rasa's
        ResponseSelector; the retrieval action renders the top one's `utter_action`.
        A one-model topic follows the model the user names (`agree_with_subject`)."""
        selector = dict(message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {})
        selection = selector.get(retrieval_intent) or {}
        other = {
            entry[INTENT_RESPONSE_KEY]: float(entry[PREDICTED_CONFIDENCE_KEY])
            for entry in selection.get(RESPONSE_SELECTOR_RANKING_KEY) or []
        }
        mixed = blend(linear, other, float(self._config["topic_weight"]))
        key, confidence = mixed[0]
        intent, _, topic = key.partition("/")
        agreed = f"{intent}/{agree_with_subject(topic, str(message.get(FULL_TEXT) or text))}"
        if agreed != key:
            mixed = [(agreed, confidence)] + [pair for pair in mixed if pair[0] != agreed]
            key = agreed
        response = dict(selection.get(RESPONSE_SELECTOR_PREDICTION_KEY) or {})
        if response.get(INTENT_RESPONSE_KEY) != key:
            # The answer texts live in the domain; the action renders `utter_action`.
            response.pop(RESPONSE_SELECTOR_RESPONSES_KEY, None)
        response.update(
            {
                INTENT_RESPONSE_KEY: key,
                PREDICTED_CONFIDENCE_KEY: confidence,
                RESPONSE_SELECTOR_UTTER_ACTION_KEY: f"utter_{key}",
            }
        )
        selector[retrieval_intent] = {
            RESPONSE_SELECTOR_PREDICTION_KEY: response,
            RESPONSE_SELECTOR_RANKING_KEY: [
                {INTENT_RESPONSE_KEY: label, PREDICTED_CONFIDENCE_KEY: p}
                for label, p in mixed[:RANKING_LENGTH]
            ],
        }
        known = list(selector.get(RESPONSE_SELECTOR_RETRIEVAL_INTENTS) or [])
        selector[RESPONSE_SELECTOR_RETRIEVAL_INTENTS] = list(
            dict.fromkeys([*known, retrieval_intent])
        )
        message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selector, add_to_output=True)
