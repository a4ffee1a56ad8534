"""Process-wide adjustments of Rasa's runtime that make serving faster.

Each one keeps Rasa's behaviour (same predictions, same errors) and only removes
work that is repeated or thrown away; the README's "Performance" section
measures them. Our input channels call `install()` when Rasa creates them, which
is before the server loads the model.
"""
from runtime.action_response import install_response_validator
from runtime.model_loading import install_eager_weight_building


def install() -> None:
    install_response_validator()
    install_eager_weight_building()
