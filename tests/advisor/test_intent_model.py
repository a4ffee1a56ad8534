"""The linear intent classifier (advisor.reading.intent_model) and how its ranking is
blended with DIET's, trained on the project's own NLU examples."""

from pathlib import Path

import pytest
import yaml

from advisor.reading.intent_model import IntentModel, blend

pytestmark = (
    pytest.mark.slow
)  # fits the intent model (once per session): CI runs it, `make unit` does not

NLU = Path(__file__).resolve().parents[2] / "data" / "nlu"


def nlu_examples() -> dict:
    """label -> texts; retrieval intents by topic ("faq/risks"), as the component passes them."""
    examples: dict = {}
    for path in sorted(NLU.glob("*.yml")):
        for block in yaml.safe_load(path.read_text()).get("nlu", []):
            if "intent" in block:
                texts = [
                    line[2:] for line in block["examples"].splitlines() if line.startswith("- ")
                ]
                examples.setdefault(block["intent"], []).extend(texts)
    return examples


@pytest.fixture(scope="module")
def model(intent_model: IntentModel, tmp_path_factory: pytest.TempPathFactory) -> IntentModel:
    """The session's model (tests/conftest.py), saved and loaded: what the Rasa component runs."""
    folder = tmp_path_factory.mktemp("intent_model")
    intent_model.save(folder)
    return IntentModel.load(folder)


def test_ranking_is_a_distribution_over_every_intent(model: IntentModel) -> None:
    ranking = model.ranking("what is kpo")
    assert {name for name, _ in ranking} == set(nlu_examples())
    assert sum(p for _, p in ranking) == pytest.approx(1.0)
    assert [p for _, p in ranking] == sorted((p for _, p in ranking), reverse=True)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("could you walk me through what knowledge process outsourcing means", "faq"),
        ("I want to work out whether our payroll team should be outsourced", "start_assessment"),
        ("what monthly wage would a kpo researcher in pune take home", "out_of_source"),
        ("cheers, that was useful", "thank"),
    ],
)
def test_unseen_phrasings_get_their_intent(model: IntentModel, text: str, intent: str) -> None:
    intents, _ = model.read(text)
    assert max(intents, key=intents.__getitem__) == intent


def test_a_retrieval_intent_sums_its_topics_and_topics_are_conditional(model: IntentModel) -> None:
    intents, topics = model.read("what can go wrong if we hand our analytics to a kpo")
    ranking = dict(model.ranking("what can go wrong if we hand our analytics to a kpo"))
    faq_total = sum(p for label, p in ranking.items() if label.startswith("faq/"))
    assert intents["faq"] == pytest.approx(faq_total)
    assert sum(topics["faq"].values()) == pytest.approx(1.0)
    assert max(topics["faq"], key=topics["faq"].__getitem__) == "faq/risks"


def test_blend_is_the_weighted_mean_and_keeps_intents_only_one_side_knows() -> None:
    linear = {"faq": 0.6, "greet": 0.4}
    diet = {"faq": 0.2, "out_of_source": 0.8}
    blended = dict(blend(linear, diet, linear_weight=0.5))
    assert blended == pytest.approx({"faq": 0.4, "greet": 0.2, "out_of_source": 0.4})
    assert blend(linear, diet, linear_weight=1.0)[0] == ("faq", 0.6)
    assert blend(linear, diet, linear_weight=0.0)[0] == ("out_of_source", 0.8)


def test_without_diet_the_linear_ranking_stands() -> None:
    assert blend({"greet": 0.3, "faq": 0.7}, {}, linear_weight=0.5) == [
        ("faq", 0.7),
        ("greet", 0.3),
    ]
