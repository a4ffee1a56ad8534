"""Long messages are classified by the question they ask (advisor.reading.focus)."""

import pytest

from advisor.reading.focus import question_focus


@pytest.mark.parametrize(
    "text,focus",
    [
        (
            "We're a 50-person firm thinking about outsourcing. My boss keeps talking about it. "
            "I have no idea what KPO is. Can you explain?",
            "I have no idea what KPO is. Can you explain?",
        ),
        ("hi! quick q — what's kpo?", "what's kpo?"),
        (
            "<@U024BE7LH> :wave: what's the difference between bpo and kpo?",
            "what's the difference between bpo and kpo?",
        ),
        ("Hey there, what is BPO", "what is BPO"),
        ("What is BPO? We are a small firm. My boss keeps asking me.", "What is BPO?"),
        (
            "see <https://example.com/x|this article> - is it right?",
            "see this article - is it right?",
        ),
    ],
)
def test_the_question_is_what_gets_classified(text, focus):
    assert question_focus(text) == focus


@pytest.mark.parametrize(
    "text",
    [
        "hi, I'm Sam",
        "hello!",
        "payroll, not core, routine. basic skills. low sensitivity. we want to save money.",
        "what is kpo?",
        "Our support desk is routine. Should we outsource it?",
    ],
)
def test_short_messages_greetings_and_answers_stay_whole(text):
    assert question_focus(text) == text


def test_the_focus_never_turns_words_into_a_button_payload() -> None:
    # Rasa reads a leading "/" as a payload: "<@U1> /faq" would become the bare intent.
    for text in ("<@U024BE7LH> /faq", ":wave: /faq@0.9", "<@U024BE7LH> //"):
        assert not question_focus(text).startswith("/")
    assert question_focus("/restart") == "/restart"  # a payload the user sent stays one
