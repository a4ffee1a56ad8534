"""Long conversations keep working. Rasa posts the conversation to the action server
on every custom action (the last 10 user turns since runtime/action_events.py; the
whole tracker before), which would outgrow the 256 KiB limit for user-facing
requests, so the action server has its own limit (ACTIONS_REQUEST_MAX_SIZE,
runtime/launch_env.py). A conversation that outgrows even that is told so, not
"try again in a moment" (channels/resilience.py)."""

import json
import sqlite3
from collections.abc import Iterator

import pytest

from channels.resilience import ACTION_SERVER_DOWN, CONVERSATION_TOO_LONG
from harness.env import defaults
from harness.servers import ActionServer, Chat, RasaServer
from harness.situations import BUTTON_ANSWERS

KNOWLEDGE = [
    ("what is bpo?", "Business Process Outsourcing"),
    ("what is kpo?", "Knowledge Process Outsourcing"),
    ("kpo vs bpo", "subset of BPO"),
    ("what are the risks of kpo?", "NDA"),
]


def stored_bytes(tracker_db: object, sender: str) -> int:
    """Size of the conversation's stored events: about what Rasa posts to the action server."""
    with sqlite3.connect(str(tracker_db)) as db:
        (total,) = db.execute(
            "SELECT SUM(LENGTH(data)) FROM events WHERE sender_id = ?", (sender,)
        ).fetchone()
    return int(total or 0)


def test_150_messages_then_a_full_assessment_gets_a_recommendation(
    new_chat, rasa_server: RasaServer
) -> None:
    chat = new_chat()
    for number in range(150):
        question, fact = KNOWLEDGE[number % len(KNOWLEDGE)]
        reply = chat.text(question)
        assert fact in reply, (number, question, reply)
    user_limit = int(defaults()["SANIC_REQUEST_MAX_SIZE"])
    # The conversation is far bigger than any user request may be: the old failure mode.
    assert stored_bytes(rasa_server.tracker_db, chat.sender) > user_limit

    replies = [chat.text("/start_assessment")]
    for slot, value in BUTTON_ANSWERS:
        replies.append(chat.text("/inform" + json.dumps({slot: value})))
    for reply in replies:
        assert ACTION_SERVER_DOWN not in reply and CONVERSATION_TOO_LONG not in reply, reply
    assert (
        "**My recommendation for investment research: KPO (Knowledge Process Outsourcing)**"
        in replies[-1]
    ), replies[-1]


@pytest.fixture
def small_action_limit(hardened_stack: tuple[RasaServer, ActionServer]) -> Iterator[RasaServer]:
    """hardened_stack's action server restarted with a 40 KB request limit (then restored)."""
    server, actions = hardened_stack
    actions.stop()
    actions.extra_env = {"ACTIONS_REQUEST_MAX_SIZE": "40000"}
    actions.start()
    try:
        yield server
    finally:
        actions.stop()
        actions.extra_env = {}
        actions.start()


def test_a_conversation_too_long_for_the_action_server_is_told_retrying_will_not_help(
    small_action_limit: RasaServer,
) -> None:
    chat = Chat(small_action_limit.base_url)
    for number in range(20):  # well over 40 KB of conversation
        question, fact = KNOWLEDGE[number % len(KNOWLEDGE)]
        assert fact in chat.text(question)
    for attempt in ("/start_assessment", "/start_assessment"):  # and again: same honest answer
        reply = chat.text(attempt)
        assert CONVERSATION_TOO_LONG in reply, reply
        assert ACTION_SERVER_DOWN not in reply and "try again in a moment" not in reply
    # Knowledge answers need no action server and keep working.
    assert "Business Process Outsourcing" in chat.text("what is bpo?")
