"""The action server gets the recent events: the rest of Rasa's request is unchanged,
and what our actions and rasa_sdk's form validation read from it is the same."""

from collections.abc import Iterator
from typing import Any

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Tracker

from actions.conversation import (
    last_bot_action,
    latest_intent,
    slot_set_this_turn,
    topic_in_play,
    user_text,
)
from harness.env import PROJECT_DIR
from runtime import patches
from runtime.action_events import RECENT_USER_TURNS, recent_events_only, window_start

RASA_CALL_FORMAT = RemoteAction.__dict__["_action_call_format"]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_DIR / "domain.yml"))


@pytest.fixture(scope="module")
def action() -> Iterator[RemoteAction]:
    with patches.installed():
        assert RemoteAction.__dict__["_action_call_format"] is not RASA_CALL_FORMAT
        yield RemoteAction("validate_assessment_form", None)
    assert RemoteAction.__dict__["_action_call_format"] is RASA_CALL_FORMAT


def user(text: str, intent: str, topic: str | None = None) -> UserUttered:
    parse: dict[str, Any] = {"intent": {"name": intent, "confidence": 0.97}, "entities": []}
    if topic:
        key = f"faq/{topic}"
        parse["response_selector"] = {
            "faq": {"response": {"intent_response_key": key, "confidence": 0.9}, "ranking": []}
        }
    return UserUttered(text, parse["intent"], [], parse, input_channel="rest")


def turn(text: str, intent: str, *bot: Event, topic: str | None = None) -> list[Event]:
    return [ActionExecuted("action_listen"), user(text, intent, topic), *bot]


def conversation(small_talk: int) -> list[Event]:
    """A session: a FAQ question, `small_talk` turns of thanks, then a stop
    confirmation inside the form, and the form's slot candidates at the end."""
    events: list[Event] = [ActionExecuted("action_session_start"), SessionStarted()]
    events += turn(
        "what is bpo?",
        "faq",
        ActionExecuted("utter_faq"),
        BotUttered("BPO is ..."),
        topic="what_is_bpo",
    )
    for number in range(small_talk):
        events += turn(f"thanks {number}", "thank", ActionExecuted("utter_welcome"))
    events += turn(
        "assess my process",
        "start_assessment",
        ActionExecuted("assessment_form"),
        ActiveLoop("assessment_form"),
        SlotSet("requested_slot", "process"),
    )
    events += turn("stop", "stop_assessment", ActionExecuted("utter_confirm_stop"))
    events += turn("no", "deny", SlotSet("unclear_answers", 0), SlotSet("process", "payroll"))
    return events


def tracker_of(events: list[Event], domain: Domain) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("someone", events, domain.slots)


def sdk_tracker(payload: dict[str, Any]) -> Tracker:
    return Tracker.from_dict(payload["tracker"])


def what_actions_read(tracker: Tracker) -> dict[str, Any]:
    return {
        "latest_message": tracker.latest_message,
        "user_text": user_text(tracker),
        "latest_intent": latest_intent(tracker),
        "input_channel": tracker.get_latest_input_channel(),
        "last_bot_action": last_bot_action(tracker),
        "unclear_answers_set_this_turn": slot_set_this_turn(tracker, "unclear_answers"),
        "slots_to_validate": tracker.slots_to_validate(),
        "topic_in_play": topic_in_play(tracker),
        "slots": tracker.slots,
        "active_loop": tracker.active_loop_name,
        "latest_action_name": tracker.latest_action_name,
        "sender_id": tracker.sender_id,
    }


def test_a_short_conversation_is_sent_whole(action: RemoteAction, domain: Domain) -> None:
    tracker = tracker_of(conversation(small_talk=3), domain)
    assert action._action_call_format(tracker, domain) == RASA_CALL_FORMAT(action, tracker, domain)


def test_a_long_conversation_sends_its_last_turns_and_the_rest_unchanged(
    action: RemoteAction, domain: Domain
) -> None:
    tracker = tracker_of(conversation(small_talk=40), domain)
    stock = RASA_CALL_FORMAT(action, tracker, domain)
    ours = action._action_call_format(tracker, domain)
    stock_events, our_events = stock["tracker"].pop("events"), ours["tracker"].pop("events")
    assert ours == stock  # slots, latest message, active loop, domain, version ...
    assert our_events == stock_events[-len(our_events) :]
    assert sum(e["event"] == "user" for e in our_events) == RECENT_USER_TURNS
    assert our_events[0]["event"] == "action" and our_events[0]["name"] == "action_listen"
    assert len(our_events) < len(stock_events) / 3


@pytest.mark.parametrize("small_talk", [0, 5, RECENT_USER_TURNS - 4, 40])
def test_what_the_actions_read_is_the_same_as_from_the_whole_tracker(
    action: RemoteAction, domain: Domain, small_talk: int
) -> None:
    events = conversation(small_talk)
    # The form's validation call: Rasa appends the slot candidates to a temporary tracker.
    events += [ActionExecuted("assessment_form"), SlotSet("core", "supporting")]
    tracker = tracker_of(events, domain)
    stock = what_actions_read(sdk_tracker(RASA_CALL_FORMAT(action, tracker, domain)))
    ours = what_actions_read(sdk_tracker(action._action_call_format(tracker, domain)))
    assert ours == stock
    assert stock["last_bot_action"] == "utter_confirm_stop"
    assert stock["slots_to_validate"] == {"core": "supporting"}
    assert stock["input_channel"] == "rest"


def test_the_topic_in_play_is_found_across_eight_turns_of_small_talk(
    action: RemoteAction, domain: Domain
) -> None:
    def topic(small_talk: int, call_format: Any) -> str | None:
        events = turn("what is kpo?", "faq", ActionExecuted("utter_faq"), topic="what_is_kpo")
        for number in range(small_talk):
            events += turn(f"hi {number}", "greet", ActionExecuted("utter_greet"))
        events += turn("and bpo?", "follow_up")
        tracker = tracker_of(events, domain)
        return topic_in_play(sdk_tracker(call_format(action, tracker, domain)))

    for small_talk in range(RECENT_USER_TURNS - 1):
        assert topic(small_talk, RASA_CALL_FORMAT) == "what_is_kpo"
        assert topic(small_talk, RemoteAction._action_call_format) == "what_is_kpo"
    # The one difference: a FAQ question ten or more user turns ago is no longer in play.
    for small_talk in (RECENT_USER_TURNS - 1, 3 * RECENT_USER_TURNS):
        assert topic(small_talk, RASA_CALL_FORMAT) == "what_is_kpo"
        assert topic(small_talk, RemoteAction._action_call_format) is None


def test_window_start() -> None:
    listen, hi = ActionExecuted("action_listen"), UserUttered("hi")
    bot = ActionExecuted("utter_greet")
    assert window_start([]) == 0
    assert window_start([hi, bot], turns=1) == 0
    assert window_start([listen, hi, bot, listen, hi, bot], turns=1) == 3
    assert window_start([listen, hi, bot, listen, hi, bot], turns=2) == 0
    assert window_start([listen, hi, bot, listen, hi, bot], turns=3) == 0
    assert window_start([bot, hi, bot], turns=1) == 1  # no action_listen before it


def test_it_wraps_rasas_own_call_format(domain: Domain) -> None:
    calls = []

    def rasa_call_format(self: Any, tracker: Any, domain: Any) -> dict[str, Any]:
        calls.append(tracker)
        return {"tracker": tracker.current_state()}

    tracker = tracker_of(conversation(small_talk=0), domain)
    assert recent_events_only(rasa_call_format)(None, tracker, domain)["tracker"]["events"] is None
    assert calls[0].sender_id == "someone"
