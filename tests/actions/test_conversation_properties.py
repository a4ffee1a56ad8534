"""Properties of whole generated assessments, run through the form's real validation action
(rasa-sdk objects, as the action server runs it) with the form's loop around it:

- no question is asked a third time: after a reply meant as an answer leaves the question
  open, it may be asked once more, never again (a question the user asks in between is
  answered and the open question comes back: that is resuming, not asking again);
- nothing is stored that the user did not say or confirm, unless it is listed as an
  assumption (`assumed_answers`), which the bot says when it takes it.

The replies are drawn from answers the rules read exactly, unclear text, "not sure",
"what do you mean?", questions, yes/no and repeats of the previous reply; the models'
outputs are given as the parse data carries them.
"""

import asyncio
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.form_validation import ValidateAssessmentForm
from advisor.answers import ANSWER_SLOTS
from advisor.questions import QUESTIONS

pytestmark = pytest.mark.slow  # hypothesis over whole assessments: CI runs it, `make unit` does not


@dataclass(frozen=True)
class Reply:
    text: str
    gives: dict[str, str]  # what the text says outright
    intent: str = "inform"
    kinds: tuple[tuple[str, float], ...] = (("answer", 0.9), ("question", 0.1))


ANSWERS = [
    Reply("payroll", {"process": "payroll"}),
    Reply("it sets us apart from our competitors", {"core": "core"}),
    Reply("it's pretty routine, mostly scripted", {"complexity": "routine"}),
    Reply("needs expert judgement", {"complexity": "expert"}),
    Reply("basic skills are enough", {"qualifications": "basic"}),
    Reply("it's highly confidential client data", {"sensitivity": "high"}),
    Reply("mainly to cut costs", {"goal": "cost"}),
    Reply(
        "routine work and the data is highly sensitive",
        {"complexity": "routine", "sensitivity": "high"},
    ),
]
OTHERS = [
    Reply("purple elephant", {}),
    Reply("hmm", {}),
    Reply("no idea", {}, kinds=(("not_sure", 0.95), ("answer", 0.05))),
    Reply("what do you mean?", {}, kinds=(("clarify", 0.9), ("question", 0.1))),
    Reply("what are the risks?", {}, "faq", (("question", 0.95), ("answer", 0.05))),
    Reply("quick q, what is kpo tho", {}, "inform", (("question", 0.9), ("answer", 0.1))),
    Reply("yes", {}, "affirm", (("smalltalk", 0.6), ("answer", 0.4))),
    Reply("no", {}, "deny", (("smalltalk", 0.6), ("answer", 0.4))),
]
REPEAT = Reply("<repeat>", {})
REPLIES = ANSWERS + OTHERS + [REPEAT]


def _tracker(reply: Reply, slots: dict[str, Any]) -> Tracker:
    return Tracker(
        sender_id="property",
        slots=slots,
        latest_message={
            "text": reply.text,
            "intent": {"name": reply.intent, "confidence": 0.95},
            "entities": [],
            "message_kind": dict(reply.kinds),
            "answer_guesses": {},
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": "assessment_form"},
        latest_action_name="action_listen",
    )


def _open_question(slots: dict[str, Any]) -> str | None:
    return next((slot for slot in ANSWER_SLOTS if slots.get(slot) is None), None)


def _yes_no_means(reply: Reply, requested: str, slot: str, value: str) -> bool:
    """A bare "yes"/"no" says what the open question's yes/no means (advisor.questions)."""
    if slot != requested or reply.intent not in ("affirm", "deny"):
        return False
    question = QUESTIONS[slot]
    return value == (question.yes if reply.intent == "affirm" else question.no)


def converse(replies: list[Reply]) -> tuple[Counter[str], list[str]]:
    """Run the replies through the form; (asks per question, violations of "said or
    confirmed or assumed")."""
    slots: dict[str, Any] = {"unclear_answers": 0, "assumed_answers": []}
    asks: Counter[str] = Counter()
    violations: list[str] = []
    previous = ANSWERS[0]
    asked = _open_question(slots)
    asks[str(asked)] += 1
    for drawn in replies:
        reply = previous if drawn is REPEAT else drawn
        previous = reply
        requested = _open_question(slots)
        if requested is None:
            break
        pending = slots.get("pending_answer") or {}
        dispatcher = CollectingDispatcher()
        tracker = _tracker(reply, {**slots, "requested_slot": requested})
        events = asyncio.run(ValidateAssessmentForm().run(dispatcher, tracker, {}))
        set_now = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
        slots.update(set_now)
        for slot in ANSWER_SLOTS:
            if slot not in set_now or set_now[slot] is None:
                continue
            confirmed = reply.intent == "affirm" and pending.get("value") == set_now[slot]
            said = (
                reply.gives.get(slot) == set_now[slot]
                or _yes_no_means(reply, requested, slot, set_now[slot])
                # the process question takes the user's own words
                or (slot == requested == "process" and set_now[slot] == reply.text)
            )
            assumed = slot in (slots.get("assumed_answers") or [])
            if not (said or confirmed or assumed):
                violations.append(f"{slot}={set_now[slot]} from {reply.text!r}")
        # Rules answered it (no event), or the action answered a question or explained
        # the open question: the question comes back as a resumption.
        answered_elsewhere = not events or reply.kinds[0][0] in ("question", "clarify")
        now_open = _open_question(slots)
        if now_open == requested and not answered_elsewhere:
            asks[requested] += 1  # asked again after a reply that did not settle it
        elif now_open != requested and now_open is not None:
            asks[now_open] += 1
    return asks, violations


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(REPLIES), min_size=1, max_size=30))
def test_no_question_a_third_time_and_nothing_unsaid_is_stored(replies: list[Reply]) -> None:
    asks, violations = converse(replies)
    assert max(asks.values()) <= 2, asks
    assert not violations, violations


def test_the_generator_reaches_the_end_of_an_assessment() -> None:
    """The property is not vacuous: plain answers finish the form."""
    replies = [ANSWERS[i] for i in (0, 1, 2, 4, 5, 6)]
    asks, violations = converse(replies)
    assert set(asks) == set(ANSWER_SLOTS) and max(asks.values()) == 1 and not violations
