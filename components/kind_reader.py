"""Rasa glue for `advisor.reading.kind_model`: trained by `rasa train`, run on every
message, so the action server's turn interpreter reads what kind of message it is from
the parse data and does no machine learning itself.

Output: `parse_data["message_kind"]` = {kind: calibrated probability}.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from advisor.reading import kind_model, linear_text
from advisor.reading.answer_model import load_examples
from advisor.reading.kind_model import KindModel, kind_examples_from, load_kind_examples
from components.linear_model_component import LinearModelComponent
from components.parallel import in_parallel
from components.question_focus import FULL_TEXT

MESSAGE_KIND = "message_kind"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class KindReader(LinearModelComponent[KindModel]):
    """Says, for each message, how likely it is an answer, a question, "not sure"..."""

    model_class = KindModel
    model_modules = (kind_model, linear_text)

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"answers": "data/answers", "kinds": "data/kinds"}

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Also retrain when the example files change: Rasa doesn't know them."""
        digest = hashlib.sha256(str(super().fingerprint_addon(config)).encode())
        defaults = cls.get_default_config()
        for key in ("answers", "kinds"):
            for path in sorted(Path(config.get(key, defaults[key])).glob("*.yml")):
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
        return digest.hexdigest()

    def train_model(self, training_data: TrainingData) -> KindModel:
        intent_examples = [
            (str(example.get(INTENT_RESPONSE_KEY) or example.get(INTENT)), str(example.get(TEXT)))
            for example in training_data.intent_examples
            if example.get(TEXT) and example.get(INTENT)
        ]
        examples = kind_examples_from(
            intent_examples,
            load_examples(Path(self._config["answers"])),
            load_kind_examples(Path(self._config["kinds"])),
        )
        return KindModel.train(examples, run=in_parallel)

    def process(self, messages: list[Message]) -> list[Message]:
        if self._model is None:
            return messages
        for message in messages:
            text = message.get(FULL_TEXT) or message.get(TEXT) or ""
            if isinstance(text, str) and text.strip() and not text.startswith("/"):
                message.set(MESSAGE_KIND, self._model.kinds(text), add_to_output=True)
        return messages
