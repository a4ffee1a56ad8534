"""Loading a model through the patched `Agent.load_model` freezes it, and loads it as
Rasa's own method does."""

import asyncio
import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.core.agent import Agent

from runtime import patches

RASA_LOAD_MODEL = Agent.__dict__["load_model"]


@pytest.fixture
def model(tmp_path: Path) -> Iterator[Path]:
    """A tiny trained model: the project's own takes minutes to train."""
    from rasa.api import train

    (tmp_path / "domain.yml").write_text(
        'version: "3.1"\nintents: [greet]\nresponses:\n  utter_hi:\n  - text: "hi"\n'
    )
    (tmp_path / "config.yml").write_text(
        "recipe: default.v1\nlanguage: en\npipeline:\n"
        "  - name: WhitespaceTokenizer\n  - name: KeywordIntentClassifier\n"
        "policies:\n  - name: RulePolicy\n"
    )
    (tmp_path / "data.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hello\n    - hi\n'
        "rules:\n- rule: greet\n  steps:\n  - intent: greet\n  - action: utter_hi\n"
    )
    result = train(
        str(tmp_path / "domain.yml"),
        str(tmp_path / "config.yml"),
        [str(tmp_path / "data.yml")],
        output=str(tmp_path / "models"),
    )
    assert result.model, result
    yield Path(result.model)


def test_the_loaded_model_is_frozen_and_answers_as_with_rasas_loader(model: Path) -> None:
    gc.unfreeze()
    stock = Agent.load(str(model))
    assert gc.get_freeze_count() == 0
    with patches.installed():
        assert Agent.__dict__["load_model"] is not RASA_LOAD_MODEL
        ours = Agent.load(str(model))
        assert gc.get_freeze_count() > 10_000
        frozen = gc.get_freeze_count()
        ours.load_model(str(model))  # another model (PUT /model): the old one is released
        assert gc.get_freeze_count() < 2 * frozen
    assert Agent.__dict__["load_model"] is RASA_LOAD_MODEL
    gc.unfreeze()
    assert ours.domain.as_dict() == stock.domain.as_dict()
    for text in ("hello", "hi", "something else"):
        ours_parse, stock_parse = (asyncio.run(a.parse_message(text)) for a in (ours, stock))
        assert ours_parse["intent"] == stock_parse["intent"], text
