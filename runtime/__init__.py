"""Process-wide adjustments of Rasa's runtime that make serving faster.

Each one keeps Rasa's behaviour (same predictions, same errors) and only removes
work that is repeated or thrown away; the README's "Performance" section
measures them. Our input channels call `install()` when Rasa creates them, which
is before the server loads the model. ``RASA_RUNTIME_TUNING=off`` keeps Rasa's
stock code paths (the benchmark compares both; also a switch for operators
after a Rasa upgrade).
"""
import logging
import os

from runtime.action_response import install_response_validator
from runtime.event_lookup import install_event_type_cache
from runtime.model_loading import install_eager_weight_building

logger = logging.getLogger(__name__)


def install() -> None:
    if os.environ.get("RASA_RUNTIME_TUNING", "on").strip().lower() == "off":
        logger.info("RASA_RUNTIME_TUNING=off: Rasa's stock code paths.")
        return
    install_response_validator()
    install_eager_weight_building()
    install_event_type_cache()
