"""The faster model loading (runtime/model_loading.py) predicts exactly what Rasa's own does.

Loads the trained model twice in this process, once with Rasa's loader and once with
ours, and compares NLU results (intents, FAQ answers, the whole intent ranking, which
DIET's scores feed) on the hold-out messages, and the policies' chosen next action
after each of them. (DIET is the model's one TensorFlow model since TED went, #14.)
"""

import asyncio
from typing import Any

import numpy as np
import pytest
from rasa.core.agent import Agent
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.loading import load_data
from rasa.utils.tensorflow.models import RasaModel

from harness.servers import MODEL, PROJECT_DIR
from runtime.model_loading import eager_weight_building

MESSAGES = [
    example.get("text")
    for example in load_data(str(PROJECT_DIR / "tests/nlu/holdout.yml")).intent_examples
]
Prediction = tuple[dict[str, Any], str, list[float]]


async def _predict_all(agent: Agent) -> list[Prediction]:
    results = []
    for text in MESSAGES:
        parsed = await agent.parse_message(text)
        tracker = DialogueStateTracker.from_events(
            "loading-test",
            [
                ActionExecuted("action_listen"),
                UserUttered(text, parsed["intent"], parse_data=parsed),
            ],
        )
        prediction = agent.processor.predict_next_with_tracker(tracker)
        assert prediction is not None
        results.append(
            (
                parsed,
                prediction["policy"],
                [score["score"] for score in prediction["scores"]],
            )
        )
    return results


def _load_and_predict() -> list[Prediction]:
    return asyncio.run(_predict_all(Agent.load(str(MODEL))))


@pytest.fixture(scope="module")
def rasa_and_ours() -> tuple[list[Prediction], list[Prediction]]:
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make test`, which trains first.")
    rasa_loader = RasaModel.__dict__["load"]
    stock = _load_and_predict()
    try:
        RasaModel.load = eager_weight_building(rasa_loader)  # only this patch (runtime/)
        ours = _load_and_predict()
    finally:
        RasaModel.load = rasa_loader  # stock Rasa for the tests after this one
    return stock, ours


def test_same_intents_and_faq_answers(
    rasa_and_ours: tuple[list[Prediction], list[Prediction]],
) -> None:
    stock, ours = rasa_and_ours
    assert len(ours) == len(MESSAGES) > 200
    for (stock_parse, *_), (our_parse, *_) in zip(stock, ours, strict=True):
        assert our_parse["intent"]["name"] == stock_parse["intent"]["name"], stock_parse["text"]
        assert our_parse["intent"]["confidence"] == pytest.approx(
            stock_parse["intent"]["confidence"], abs=1e-5
        )
        stock_answer = stock_parse["response_selector"]["faq"]["response"]
        our_answer = our_parse["response_selector"]["faq"]["response"]
        assert our_answer["utter_action"] == stock_answer["utter_action"], stock_parse["text"]
        assert our_answer["confidence"] == pytest.approx(stock_answer["confidence"], abs=1e-5)


def test_same_next_action_predictions(
    rasa_and_ours: tuple[list[Prediction], list[Prediction]],
) -> None:
    stock, ours = rasa_and_ours
    for (parse, stock_policy, stock_scores), (_, our_policy, our_scores) in zip(
        stock, ours, strict=True
    ):
        assert our_policy == stock_policy, parse["text"]
        assert np.allclose(our_scores, stock_scores, atol=1e-5), parse["text"]


def test_same_intent_rankings(rasa_and_ours: tuple[list[Prediction], list[Prediction]]) -> None:
    stock, ours = rasa_and_ours
    for (stock_parse, *_), (our_parse, *_) in zip(stock, ours, strict=True):
        stock_ranking, our_ranking = stock_parse["intent_ranking"], our_parse["intent_ranking"]
        assert len(stock_ranking) > 5, "too short a ranking to compare"
        assert [i["name"] for i in our_ranking] == [i["name"] for i in stock_ranking]
        assert np.allclose(
            [i["confidence"] for i in our_ranking],
            [i["confidence"] for i in stock_ranking],
            atol=1e-5,
        ), stock_parse["text"]
