"""Follow-ups keep the topic in play and change only what they say."""

import pytest

from advisor.follow_ups import (
    FAQ_TOPICS,
    MORE,
    SUBJECT_TOPICS,
    agree_with_subject,
    asks_again_for_one_model,
    follow_up,
)


@pytest.mark.parametrize(
    "previous,text,expected",
    [
        ("what_is_bpo", "and kpo?", ("what_is_kpo",)),
        ("what_is_kpo", "and for bpo?", ("what_is_bpo",)),
        ("what_is_kpo", "give me examples", ("kpo_services",)),
        ("what_is_bpo", "examples?", ("bpo_services",)),
        ("bpo_services", "and kpo?", ("kpo_services",)),
        ("benefits", "and for kpo?", ("kpo_benefits",)),
        ("kpo_risks", "what about bpo", ("bpo_risks",)),
        ("qualifications", "and bpo?", ("bpo_qualifications",)),
        ("what_is_kpo", "and the other one?", ("what_is_bpo",)),
        ("difference", "examples?", ("bpo_services", "kpo_services")),
        ("what_is_bpo", "tell me more", ("bpo_services",)),
    ],
)
def test_follow_up_answers_about_the_topic_in_play(previous, text, expected):
    assert follow_up(previous, text) == ("answer", expected)


def test_why_explains_the_previous_answer():
    assert follow_up("what_is_kpo", "why?") == ("why", ("what_is_kpo",))
    assert follow_up("kpo_risks", "how come?") == ("why", ("risks",))


def test_every_topic_has_somewhere_to_go():
    for key in {**FAQ_TOPICS, **SUBJECT_TOPICS}:
        for text in ("tell me more", "and kpo?", "and bpo?", "examples?", "risks?", "why?"):
            kind, keys = follow_up(key, text)
            assert keys, (key, text)
    assert set(MORE) == {topic.aspect for topic in FAQ_TOPICS.values()}


def test_the_same_question_under_a_condition_keeps_the_topic():
    assert follow_up("which_is_better", "for a small accountancy?") == (
        "answer",
        ("which_is_better",),
    )
    assert follow_up("risks", "what about in healthcare?") == ("answer", ("risks",))


def test_a_topic_about_one_model_follows_the_model_the_user_names():
    assert agree_with_subject("what_is_kpo", "my manager keeps saying BPO, what is it") == (
        "what_is_bpo"
    )
    assert agree_with_subject("bpo_services", "what kinds of work do kpo firms take on") == (
        "kpo_services"
    )
    assert agree_with_subject("what_is_kpo", "what is kpo, compared with bpo?") == "what_is_kpo"
    assert agree_with_subject("risks", "is bpo risky") == "risks"
    assert agree_with_subject("what_is_kpo", "i know bpo. so what is kpo?") == "what_is_kpo"


@pytest.mark.parametrize(
    "previous,text,expected",
    [
        ("risks", "and is it any different with kpo", "kpo_risks"),
        (
            "due_diligence",
            "would those considerations differ for a KPO engagement?",
            "due_diligence",
        ),
        ("benefits", "same for bpo?", "bpo_benefits"),
    ],
)
def test_the_last_answer_asked_again_for_one_model(previous: str, text: str, expected: str) -> None:
    assert asks_again_for_one_model(text)
    assert follow_up(previous, text) == ("answer", (expected,))


@pytest.mark.parametrize(
    "text",
    [
        "whats the difference between bpo and kpo",
        "how is kpo different from bpo",
        "I'm confused between kpo and bpo, how do they differ",
    ],
)
def test_the_difference_between_the_models_is_not_a_follow_up(text: str) -> None:
    assert not asks_again_for_one_model(text)
