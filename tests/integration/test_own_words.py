"""People in their own words, over the real REST channel: whole assessments typed
freely, several answers in one message, questions the source can't answer,
follow-ups that lean on the previous answer, long chatty messages.

The assessments and multi-answer messages come from tests/answers/
free_text_assessments.yml, never trained on. Stored answers are read from the
Rasa server's own tracker store (SQLite), i.e. what the conversation will use.
"""

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.servers import Chat, RasaServer

CASES = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "answers" / "free_text_assessments.yml").read_text()
)
UNCLEAR = ("didn't catch that", "still didn't get that", "pick one of these")
# How the bot says it has no data (utter_out_of_source).
DECLINE = "I don't have data on that"


def stored_slots(server: RasaServer, sender: str) -> dict[str, Any]:
    """The latest value of every slot set in `sender`'s conversation."""
    assert server.tracker_db is not None
    with sqlite3.connect(server.tracker_db) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'slot' ORDER BY id",
            (sender,),
        ).fetchall()
    slots: dict[str, Any] = {}
    for (data,) in rows:
        event = json.loads(data)
        slots[event["name"]] = event["value"]
    return slots


def answer_like_a_person(chat: Chat, reply: str, slot: str, value: str) -> str:
    """What a person does when the bot checks: "yes" if it understood them, else
    the button with what they meant."""
    if "Sounds like" in reply:
        payload = "/inform" + json.dumps({slot: value})
        offered = [b for b in chat.buttons() if b["payload"] == payload]
        return chat.text("yes") if offered and offered[0]["title"] == "Yes" else chat.text(payload)
    if reply.strip().startswith("Which ") and "?" in reply.split("\n")[0]:
        payload = "/inform" + json.dumps({slot: value})
        if any(b["payload"] == payload for b in chat.buttons()):
            return chat.text(payload)
    return reply


def expected_values(expect: dict[str, str]) -> dict[str, str]:
    return {slot: value for slot, value in expect.items() if slot != "process"}


@pytest.mark.parametrize(
    "case", CASES["assessments"], ids=[c["persona"] for c in CASES["assessments"]]
)
def test_whole_assessment_in_own_words_is_never_pushed_onto_buttons(rasa_server, case):
    chat = Chat(rasa_server.base_url)
    chat.text("I'd like to assess one of our processes")
    replies = []
    for turn in case["turns"]:
        reply = chat.text(turn["text"])
        for slot, value in expected_values(turn["expect"]).items():
            reply = answer_like_a_person(chat, reply, slot, value)
        replies.append(reply)
        assert not any(phrase in reply for phrase in UNCLEAR), (turn["text"], reply)
    assert "My recommendation" in replies[-1], replies[-1]
    slots = stored_slots(rasa_server, chat.sender)
    for turn in case["turns"]:
        for slot, value in expected_values(turn["expect"]).items():
            assert slots.get(slot) == value, (turn["text"], slot, slots.get(slot))


@pytest.mark.parametrize(
    "case", CASES["multi_answer"], ids=[c["persona"] for c in CASES["multi_answer"]]
)
def test_several_answers_in_one_message_keep_every_answer(rasa_server, case):
    chat = Chat(rasa_server.base_url)
    if "process" not in case["expect"]:  # answers in the middle of an assessment
        chat.text("I'd like to assess our image editing")
    chat.text(case["text"])
    slots = stored_slots(rasa_server, chat.sender)
    kept = {slot: slots.get(slot) for slot in case["expect"]}
    assert all(kept.values()), f"lost answers: {kept}"
    assert kept == {
        slot: (kept["process"] if slot == "process" else value)
        for slot, value in case["expect"].items()
    }


# --- questions the source can't answer ------------------------------------------
# Written for this test: not in the NLU training data or the hold-out.
OUT_OF_SOURCE = [
    "what's the average salary of a BPO agent in Manila?",
    "list the top 5 KPO companies in India",
    "can you find me a BPO job?",
    "how much does a kpo analyst earn per month in bangalore",
    "which bpo firm has the most employees worldwide",
    "what will the global outsourcing market be worth in 2030",
    "how much should I pay per hour for an offshore call centre agent",
    "what's the going rate for outsourced bookkeeping per invoice",
    "how many people work in BPO in the Philippines",
    "is Accenture hiring for kpo roles right now",
    "give me the phone number of a good kpo vendor",
    "what's the tax rate for bpo companies in India",
    "which country has the cheapest BPO labour",
    "what is the share price of Genpact today",
    "when was the first BPO company founded",
    "help me write a CV for a BPO call centre job",
    "what are the night shift timings at BPOs in Pune",
    "how fast is the KPO sector growing per year",
]


@pytest.mark.parametrize("question", OUT_OF_SOURCE)
def test_questions_beyond_the_source_are_declined_honestly(new_chat, question):
    reply = new_chat().text(question)
    assert DECLINE in reply, reply
    assert "assess" in reply  # says what it can do instead
    for other_answer in (
        "**BPO (Business Process Outsourcing)**",
        "Neither is better",
        "qualifications",
        "**KPO (Knowledge Process Outsourcing)**",
    ):
        assert other_answer not in reply.split(DECLINE)[0], reply


# --- follow-ups that lean on the previous answer ---------------------------------
DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text())


def response(name: str) -> str:
    """The response's first paragraph (channels send each paragraph as its own message)."""
    return str(DOMAIN["responses"][name][0]["text"]).split("\n\n")[0]


FOLLOW_UPS = [
    # (question, follow-up, the response the follow-up must get)
    ("what is bpo?", "and kpo?", "utter_faq/what_is_kpo"),
    ("what is kpo?", "and for bpo?", "utter_faq/what_is_bpo"),
    ("what is kpo?", "give me examples", "utter_faq/kpo_services"),
    ("what is bpo?", "examples?", "utter_faq/bpo_services"),
    ("what is bpo?", "tell me more", "utter_faq/bpo_services"),
    ("which services does a kpo firm offer?", "and bpo?", "utter_faq/bpo_services"),
    ("what are the benefits of outsourcing?", "and for kpo?", "utter_about_kpo_benefits"),
    ("what are the risks of outsourcing?", "what about bpo?", "utter_about_bpo_risks"),
    ("what qualifications does kpo need?", "and bpo?", "utter_about_bpo_qualifications"),
    ("what is kpo?", "why?", "utter_why_what_is_kpo"),
    ("which is better, bpo or kpo?", "why?", "utter_why_which_is_better"),
    ("how do I choose a vendor?", "why?", "utter_why_due_diligence"),
    ("what's the difference between bpo and kpo?", "examples?", "utter_faq/bpo_services"),
]


@pytest.mark.parametrize("question,follow_up,expected", FOLLOW_UPS)
def test_follow_up_answers_about_the_topic_in_play(new_chat, question, follow_up, expected):
    chat = new_chat()
    chat.text(question)
    assert response(expected) in chat.text(follow_up)


def test_follow_ups_chain_on_the_latest_answer(new_chat):
    chat = new_chat()
    chat.text("what is bpo?")
    assert response("utter_faq/what_is_kpo") in chat.text("and kpo?")
    assert response("utter_faq/kpo_services") in chat.text("examples?")
    assert response("utter_faq/bpo_services") in chat.text("and for bpo?")


def test_follow_up_with_nothing_to_follow_says_what_it_can_explain(new_chat):
    reply = new_chat().text("and kpo?")
    assert "haven't made a recommendation" not in reply
    assert "explain" in reply


# --- long, chatty messages ----------------------------------------------------------
LONG_MESSAGES = [
    (
        "We're a 50-person firm thinking about outsourcing. My boss keeps talking about it. "
        "I have no idea what KPO is. Can you explain?",
        "utter_faq/what_is_kpo",
    ),
    ("hi! quick q — what's kpo?", "utter_faq/what_is_kpo"),
    ("<@U024BE7LH> :wave: what's the difference between bpo and kpo?", "utter_faq/difference"),
    (
        "Morning! We run a chain of dental clinics and the admin is drowning us. Someone at a "
        "conference mentioned BPO. What does BPO actually mean?",
        "utter_faq/what_is_bpo",
    ),
    (
        "hey there :) our CFO wants to outsource stuff and I'm doing the research. Budget is "
        "tight this year. What are the main benefits of outsourcing?",
        "utter_faq/benefits",
    ),
]


@pytest.mark.parametrize("message,expected", LONG_MESSAGES)
def test_long_message_gets_the_answer_to_its_question(new_chat, message, expected):
    assert response(expected) in new_chat().text(message)
