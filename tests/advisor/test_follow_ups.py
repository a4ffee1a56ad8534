"""Follow-ups keep the topic in play and change only what they say."""

import pytest

from advisor.follow_ups import FAQ_TOPICS, MORE, SUBJECT_TOPICS, follow_up


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
