"""The hand-off's actions (actions/handoff.py) with real Rasa SDK objects."""

import asyncio
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import fallback, handoff
from advisor.handoff_settings import HandoffSettings

ON = HandoffSettings(slack_channel="C1", bot_token="xoxb-test")
OFF = HandoffSettings(slack_channel="", bot_token="xoxb-test")


def tracker(slots: dict[str, Any] | None = None) -> Tracker:
    return Tracker(
        sender_id="unit-test",
        slots=slots or {},
        latest_message={"text": "yes", "intent": {"name": "affirm", "confidence": 1.0}},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run(action: Any, tracker_: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_, {}))
    return dispatcher.messages, events


@pytest.mark.parametrize("action", [handoff.ActionOfferHandoff(), handoff.ActionStartHandoff()])
def test_without_a_hand_off_channel_the_bot_says_no_consultant_is_available(monkeypatch, action):
    monkeypatch.setattr(handoff, "SETTINGS", OFF)
    messages, events = run(action, tracker())
    assert [m["text"] for m in messages] == [handoff.NO_CONSULTANT]
    assert events == []


def test_the_offer_is_a_yes_no_question(monkeypatch):
    monkeypatch.setattr(handoff, "SETTINGS", ON)
    (message,), events = run(handoff.ActionOfferHandoff(), tracker())
    assert message["text"] == handoff.OFFER
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/deny"]
    assert events == []


def test_starting_pauses_the_conversation_and_asks_the_server_to_post_it(monkeypatch):
    monkeypatch.setattr(handoff, "SETTINGS", ON)
    messages, events = run(handoff.ActionStartHandoff(), tracker())
    assert messages[0]["custom"] == {
        "handoff": {"summary": "No assessment finished yet.", "report_url": None}
    }
    assert messages[1]["text"] == handoff.WAITING
    assert [e["event"] for e in events] == ["pause"]


def user(intent: str) -> dict[str, Any]:
    return {"event": "user", "text": "x", "parse_data": {"intent": {"name": intent}}}


def test_failed_turns_count_the_latest_misunderstood_messages_in_a_row():
    bot = {"event": "bot", "text": "Sorry?"}
    assert handoff.failed_turns_in_a_row([]) == 0
    assert handoff.failed_turns_in_a_row([user("nlu_fallback"), bot, user("greet")]) == 0
    events = [user("nlu_fallback"), user("greet"), bot, user("nlu_fallback"), bot]
    assert handoff.failed_turns_in_a_row(events + [user("nlu_fallback")] * 2) == 3
    assert handoff.failed_turns_in_a_row([user("out_of_scope"), user("nlu_fallback")]) == 2


def failing(count: int) -> Tracker:
    failed = tracker()
    failed.events = [user("out_of_scope")] + [user("nlu_fallback")] * (count - 1)
    failed.latest_message = {"text": "qwpeoiu", "intent": {"name": "nlu_fallback"}}
    return failed


def test_the_third_misunderstood_message_in_a_row_gets_the_offer_not_a_fallback(monkeypatch):
    monkeypatch.setattr(handoff, "SETTINGS", ON)
    every_fallback = (
        fallback.ActionDefaultAskAffirmation(),
        fallback.ActionOutOfScope(),
        fallback.ActionDefaultAskRephrase(),
        fallback.ActionDefaultFallback(),
    )
    for action in every_fallback:
        messages, events = run(action, failing(2))
        assert messages, "the first two get the usual reply"
        messages, events = run(action, failing(3))
        # Nothing said by the fallback: the turn goes on with the offer itself.
        assert messages == []
        assert (events[-1]["event"], events[-1]["name"]) == ("followup", "action_offer_handoff")
        assert run(action, failing(4))[0], "not offered again at each message"
    (offer,), _ = run(handoff.ActionOfferHandoff(), failing(3))
    assert offer["text"] == handoff.STILL_LOST + handoff.OFFER
    assert [b["payload"] for b in offer["buttons"]] == ["/affirm", "/deny"]
    # Without a team to hand over to, the usual replies.
    monkeypatch.setattr(handoff, "SETTINGS", OFF)
    for action in every_fallback:
        messages, events = run(action, failing(3))
        assert messages and all(event["event"] != "followup" for event in events)
