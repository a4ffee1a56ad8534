"""Validate action-server responses with a validator built once, not per call.

Rasa checks every custom action's response with ``jsonschema.validate(response,
schema)``. That call first re-validates the (constant) schema against the JSON
Schema meta-schema, and Rasa's event schema is large: profiling a form turn showed
it costing more than NLU and all policies together (bench/README.md).
`compiled_response_validation` replaces
``RemoteAction._validate_action_result`` with a check against a validator
compiled once per process: the same schema, and an invalid response raises the
same ``ValidationError`` with Rasa's message. Installed by the registry in
runtime/patches.py.
"""

from typing import Any

from jsonschema import ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_validator: Validator | None = None


def _response_validator() -> Validator:
    global _validator
    if _validator is None:
        schema = RemoteAction.action_response_format_spec()
        validator_class = validator_for(schema)
        validator_class.check_schema(schema)  # once, instead of on every response
        _validator = validator_class(schema)
    return _validator


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    try:
        _response_validator().validate(result)
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            f"from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def compiled_response_validation(rasa_validate: Any) -> Any:
    """The replacement of `RemoteAction._validate_action_result` (Rasa's is not needed)."""
    return _validate_action_result
