"""The input guard passes a typed bare retrieval intent on as words, read as Rasa reads
payloads: Rasa would parse it as the intent `faq`, which has no answer to give."""

import pytest

from channels.input_guard import Accepted, check_message


@pytest.mark.parametrize("typed", ["/faq", "/ faq", "/faq {", '/faq{"a":', "/faq@0.9", " /faq\t"])
def test_a_typed_bare_faq_payload_reaches_nlu_as_words(typed: str) -> None:
    checked = check_message("someone", typed)
    assert isinstance(checked, Accepted) and not checked.text.startswith("/")


@pytest.mark.parametrize("payload", ["/start_assessment", '/inform{"core": "core"}', "/restart"])
def test_other_payloads_stay_payloads(payload: str) -> None:
    checked = check_message("someone", payload)
    assert isinstance(checked, Accepted) and checked.text == payload
