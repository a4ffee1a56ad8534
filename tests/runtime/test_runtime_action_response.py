"""The compiled action-response validator accepts and rejects what Rasa's own check does."""

from collections.abc import Iterator

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

from runtime import patches
from runtime.action_response import _validate_action_result

VALID = {
    "events": [
        {"event": "slot", "name": "process", "value": "payroll"},
        {"event": "active_loop", "name": None},
    ],
    "responses": [
        {"text": "Which process?", "buttons": [{"title": "Payroll", "payload": "/inform"}]}
    ],
}
INVALID = [
    {"events": [{"event": "slot", "value": "payroll"}]},  # a slot event needs a name
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"responses": ["not an object"]},
]


@pytest.fixture(scope="module")
def action() -> Iterator[RemoteAction]:
    with patches.installed():
        assert RemoteAction._validate_action_result is _validate_action_result
        yield RemoteAction("validate_assessment_form", None)


def test_valid_response_passes(action: RemoteAction) -> None:
    assert action._validate_action_result(VALID) is True


@pytest.mark.parametrize("response", INVALID)
def test_invalid_response_raises_like_rasa(action: RemoteAction, response: dict) -> None:
    with pytest.raises(ValidationError):  # what jsonschema.validate says too
        validate(response, RemoteAction.action_response_format_spec())
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result(response)
