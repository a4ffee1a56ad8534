"""The policies' window (runtime/policy_window.py, used by runtime/policies.py): a
MemoizationPolicy-like policy gets exactly the states Rasa's own `_prediction_states`
gives it, after every event of long random conversations; without the incremental
states, or with RASA_RUNTIME_SKIP=runtime.policies, Rasa's own method answers.
(RulePolicy's window is checked on the trained model: test_runtime_equivalence.py.)"""

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from rasa.core.featurizers.tracker_featurizers import MaxHistoryTrackerFeaturizer
from rasa.core.policies.policy import Policy, SupportedData
from rasa.shared.core.trackers import DialogueStateTracker

from runtime import patches
from runtime.policy_window import prediction_states
from runtime.settings import rasa_settings
from tests.runtime.test_runtime_tracker_history import DOMAIN, RULE_ONLY, conversation


def policy(data: SupportedData, max_history: int = 4) -> SimpleNamespace:
    return SimpleNamespace(
        featurizer=MaxHistoryTrackerFeaturizer(None, max_history=max_history),
        supported_data=lambda: data,
    )


@pytest.fixture(autouse=True)
def patched() -> Iterator[None]:
    with patches.installed():
        yield


@pytest.mark.parametrize("data", [SupportedData.ML_DATA, SupportedData.ML_AND_RULE_DATA])
@pytest.mark.parametrize("seed", range(2))
def test_the_window_gives_what_rasa_gives(seed: int, data: SupportedData) -> None:
    fake = policy(data)
    events = conversation(seed, 100)
    tracker = DialogueStateTracker.from_events("s", [], slots=DOMAIN.slots)
    for event in events:
        tracker.update(event)
        ours = prediction_states(fake, tracker, DOMAIN, False, RULE_ONLY)  # type: ignore[arg-type]
        patches.uninstall()
        try:
            fresh = DialogueStateTracker.from_events("s", list(tracker.events), DOMAIN.slots)
            rasas = Policy._prediction_states(fake, fresh, DOMAIN, False, RULE_ONLY)  # type: ignore[arg-type]
        finally:
            patches.install()
        assert ours == rasas, event


def test_rasas_method_answers_without_the_incremental_states(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tracker = DialogueStateTracker.from_events("s", conversation(0, 40), DOMAIN.slots)
    fake = policy(SupportedData.ML_AND_RULE_DATA)
    assert prediction_states(fake, tracker, DOMAIN, False, None) is not None  # type: ignore[arg-type]
    monkeypatch.setenv("RASA_RUNTIME_SKIP", "runtime.policies")
    rasa_settings.cache_clear()
    assert prediction_states(fake, tracker, DOMAIN, False, None) is None  # type: ignore[arg-type]
    monkeypatch.delenv("RASA_RUNTIME_SKIP")
    rasa_settings.cache_clear()
    patches.uninstall()
    assert prediction_states(fake, tracker, DOMAIN, False, None) is None  # type: ignore[arg-type]
