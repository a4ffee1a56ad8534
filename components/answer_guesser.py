"""Rasa glue for `advisor.reading.answer_model`: trained by `rasa train`, run on every
message, so the action server reads the guesses from the parse data and does no
machine learning itself.

Output: `parse_data["answer_guesses"]` = {slot: [[value, confidence], ...]}.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from advisor.reading import answer_model, linear_text
from advisor.reading.answer_model import AnswerModel, load_examples
from components.linear_model_component import LinearModelComponent
from components.parallel import in_parallel
from components.question_focus import FULL_TEXT

GUESSES = "answer_guesses"
# NLU examples of these intents are answers themselves; every other intent's
# examples (questions, small talk) teach the model what is not an answer.
ANSWER_INTENTS = {"inform"}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class AnswerGuesser(LinearModelComponent[AnswerModel]):
    """Scores every assessment answer value for each message."""

    model_class = AnswerModel
    model_modules = (answer_model, linear_text)

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"examples": "data/answers"}

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Also retrain when the example files change: Rasa doesn't know them.

        Rasa also calls this with another node's config (a cached node replaced by
        its stored output, config {"output": ...}), hence the default."""
        digest = hashlib.sha256(str(super().fingerprint_addon(config)).encode())
        examples = config.get("examples", cls.get_default_config()["examples"])
        for path in sorted(Path(examples).glob("*.yml")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()

    def train_model(self, training_data: TrainingData) -> AnswerModel:
        unrelated = [
            str(example.get(TEXT))
            for example in training_data.intent_examples
            if example.get(INTENT) not in ANSWER_INTENTS and example.get(TEXT)
        ]
        return AnswerModel.train(
            load_examples(Path(self._config["examples"])), unrelated, run=in_parallel
        )

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
