"""The project's trained NLU components through Rasa's own graph-component
life cycle: create, train on the project's data, persist, load, process.

The fit itself (the component's `train_model`) is done once per session by
tests/conftest.py, which the advisor tests share; here `train` stores that model
and `load` reads it back from Rasa's model storage."""

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message

from components.answer_guesser import GUESSES, AnswerGuesser
from components.intent_blender import IntentBlender

# Fits the NLU models (once per session): CI runs it, `make unit` does not.
pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parents[2]


def train_and_load(component_class, config, training_data, fitted, folder):
    """Rasa's life cycle, with the session's fitted model as what `train_model` returns."""
    storage = LocalModelStorage(folder)
    context = ExecutionContext(GraphSchema({}), "test")
    resource = Resource(component_class.__name__)
    config = {**component_class.get_default_config(), **config}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(component_class, "train_model", lambda self, data: fitted)
        component_class.create(config, storage, resource, context).train(training_data)
    return component_class.load(config, storage, resource, context)


def test_answer_guesser_guesses_every_slot_after_a_round_trip(
    nlu_training_data, answer_model, tmp_path
):
    examples = str(PROJECT / "data" / "answers")
    guesser = train_and_load(
        AnswerGuesser, {"examples": examples}, nlu_training_data, answer_model, tmp_path
    )
    [message] = guesser.process([Message(data={"text": "it's dull repetitive data entry"})])
    best = message.get(GUESSES)["complexity"][0]
    assert best[0] == "routine"


@pytest.fixture(scope="module")
def blender(nlu_training_data, intent_model, tmp_path_factory):
    folder = tmp_path_factory.mktemp("blender")
    return train_and_load(IntentBlender, {}, nlu_training_data, intent_model, folder)


def test_intent_blender_mixes_diet_and_picks_the_faq_topic(blender):
    message = Message(
        data={
            "text": "what could go wrong if a kpo handles our client data",
            # DIET unsure between two intents; the ResponseSelector picked another topic.
            "intent_ranking": [
                {"name": "faq", "confidence": 0.5},
                {"name": "out_of_source", "confidence": 0.5},
            ],
            "response_selector": {
                "all_retrieval_intents": ["faq"],
                "faq": {
                    "response": {
                        "responses": [{"text": "BPO is ..."}],
                        "confidence": 0.6,
                        "intent_response_key": "faq/what_is_bpo",
                        "utter_action": "utter_faq/what_is_bpo",
                    },
                    "ranking": [
                        {"intent_response_key": "faq/what_is_bpo", "confidence": 0.6},
                        {"intent_response_key": "faq/risks", "confidence": 0.4},
                    ],
                },
            },
        }
    )
    [message] = blender.process([message])
    assert message.get("intent")["name"] == "faq"
    assert message.get("intent")["confidence"] > 0.5
    response = message.get("response_selector")["faq"]["response"]
    assert response["intent_response_key"] == "faq/risks"
    assert response["utter_action"] == "utter_faq/risks"


def test_button_payloads_keep_their_intent(blender):
    intent = {"name": "inform", "confidence": 1.0}
    message = Message(data={"text": '/inform{"core": "core"}', "intent": intent})
    [message] = blender.process([message])
    assert message.get("intent") == intent


def test_without_a_response_selector_the_blender_selects_the_faq_answer(blender):
    [message] = blender.process([Message(data={"text": "what does kpo stand for?"})])
    assert message.get("intent")["name"] == "faq"
    selector = message.get("response_selector")
    assert selector["all_retrieval_intents"] == ["faq"]
    response = selector["faq"]["response"]
    assert response["intent_response_key"] == "faq/what_is_kpo"
    assert response["utter_action"] == "utter_faq/what_is_kpo"
    ranking = selector["faq"]["ranking"]
    assert ranking[0]["intent_response_key"] == "faq/what_is_kpo"
    assert sum(entry["confidence"] for entry in ranking) <= 1.0 + 1e-9


def test_the_answer_guessers_fingerprint_survives_a_cached_node(tmp_path):
    """Retraining after an NLU change, with the answer model cached: Rasa fingerprints
    the cached node's stand-in ({"output": ...}) with this class; it must not fail."""
    default = AnswerGuesser.get_default_config()
    assert AnswerGuesser.fingerprint_addon({"output": object()}) == (
        AnswerGuesser.fingerprint_addon(default)
    )
    (tmp_path / "core.yml").write_text("answers: []\n")
    assert AnswerGuesser.fingerprint_addon({"examples": str(tmp_path)}) != (
        AnswerGuesser.fingerprint_addon(default)
    )
