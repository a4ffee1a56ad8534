"""Knowledge answers over the real REST channel: each topic's answer carries its
key facts from the source, whatever the phrasing; off-topic never gets one."""

import pytest

# topic -> (phrasings a user might type, facts the answer must contain)
TOPICS = {
    "what_is_bpo": (
        ["what is BPO?", "bpo?", "can u explain business proces outsourcing"],
        ["Business Process Outsourcing", "third-party", "non-primary"],
    ),
    "what_is_kpo": (
        ["What is KPO", "define knowledge process outsourcing pls", "kpo meaning?"],
        ["Knowledge Process Outsourcing", "subset of BPO", "professional qualifications"],
    ),
    "difference": (
        ["kpo vs bpo", "whats the diffrence between bpo and kpo", "How does KPO differ from BPO?"],
        ["subset of BPO", "qualifications", "core"],
    ),
    "bpo_services": (
        ["which services are usually outsourced to a BPO?", "examples of bpo work"],
        ["Human Resources", "Customer Care", "Technical Support", "Accounting", "Website"],
    ),
    "kpo_services": (
        ["what kind of work do KPO firms do?", "typical kpo services"],
        [
            "Research and Development",
            "Management Consulting",
            "Data Analytics",
            "Legal Services",
            "Investment Research",
        ],
    ),
    "benefits": (
        ["what are the benefits of outsourcing?", "why would a company outsource at all"],
        ["cost reduction", "flexibility", "core processes", "specialisation"],
    ),
    "risks": (
        ["what are the risks of kpo?", "is it dangerous to outsource core processes?"],
        ["security", "NDA", "access control"],
    ),
    "qualifications": (
        ["what qualifications do kpo staff need?", "do bpo agents need degrees"],
        ["basic qualifications", "technical and professional qualifications"],
    ),
    "which_is_better": (
        ["which is better, bpo or kpo?", "is kpo superior to bpo"],
        ["no definite", "depends"],
    ),
    "due_diligence": (
        [
            "what should I check before signing with an outsourcing vendor?",
            "how do i choose an outsourcing provider",
        ],
        ["due diligence", "compare several vendors", "ask"],
    ),
}

CASES = [(topic, text, facts) for topic, (texts, facts) in TOPICS.items() for text in texts]


@pytest.mark.parametrize("topic,message,facts", CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_each_topic_answer_has_its_key_facts(new_chat, topic, message, facts):
    reply = new_chat().text(message)
    for fact in facts:
        assert fact.lower() in reply.lower(), f"{message!r} -> {reply!r} lacks {fact!r}"


def test_which_is_better_offers_an_assessment(new_chat):
    chat = new_chat()
    chat.text("which one is better bpo or kpo")
    assert any("assess" in button["title"].lower() for button in chat.buttons())


@pytest.mark.parametrize(
    "message",
    [
        "what's the weather like in London?",
        "tell me a joke",
        "how do I reverse a list in python",
        "what is apple's share price today",
        "who won the football match yesterday",
    ],
)
def test_out_of_scope_gets_a_redirect_never_a_definition(new_chat, message):
    reply = new_chat().text(message)
    assert "Business Process Outsourcing" not in reply
    assert "Knowledge Process Outsourcing" not in reply
    assert "outside what I know" in reply or "not sure what you mean" in reply


def test_greeting_says_what_the_bot_can_do_with_buttons(new_chat):
    chat = new_chat()
    reply = chat.text("hi there")
    assert "BPO" in reply and "KPO" in reply
    assert {"What is BPO?", "Assess my process"} <= {b["title"] for b in chat.buttons()}


@pytest.mark.parametrize(
    "message,expected",
    [
        ("are you a bot?", "I'm a bot"),
        ("what can you do", "Here's what I can do"),
        ("thanks a lot", "You're welcome"),
        ("bye", "Goodbye"),
    ],
)
def test_small_talk(new_chat, message, expected):
    assert expected in new_chat().text(message)


def test_gibberish_suggests_topics_as_buttons(new_chat):
    chat = new_chat()
    reply = chat.text("blorf zibble quantum marmalade")
    assert "Business Process Outsourcing" not in reply
    assert chat.buttons(), f"expected suggestion buttons, got {chat.last}"
