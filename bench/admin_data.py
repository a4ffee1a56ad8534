"""Generated conversations for the analytics page: its tests and its benchmark.

Each conversation is described first (`ConversationPlan`: channel, day, how far
the assessment went, how many messages fell back...), then written as the events
Rasa stores for such a conversation (the same event types, slot names and action
names as the assistant's). The tests count every figure from the plans by hand
and compare the page's; the benchmark writes a million events this way.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)

from advisor.answers import SLOT_ORDER, Complexity, Core, Goal, Qualifications, Sensitivity
from advisor.report import FinishedAssessment

CHANNELS = ("socketio", "slack", "rest")
PROCESSES = ("customer care", "payroll", "data analytics", "legal services", "recruitment")
CLOSED: dict[str, list[Any]] = {
    "core": list(Core),
    "complexity": list(Complexity),
    "qualifications": list(Qualifications),
    "sensitivity": list(Sensitivity),
    "goal": list(Goal),
}
FALLBACK_TEXTS = ("asdf qwerty", "can u do my taxes", "what about the blockchain thing")
DECLINED_TEXTS = ("what's the weather in paris", "average salary of a bpo agent")
UNCLEAR_TEXTS = ("hmm whatever you think", "the blue one")
QUESTIONS = tuple(slot.value for slot in SLOT_ORDER)


@dataclass(frozen=True)
class ConversationPlan:
    sender_id: str
    channel: str
    day: date
    chit_chat: int  # plain questions answered (intent faq)
    fallbacks: tuple[str, ...]  # messages that fell back
    declined: tuple[str, ...]  # out of scope / out of source
    started: bool
    answered: int  # questions answered, in order (0-6)
    unclear: tuple[str, ...]  # answers not understood (during the form)
    confirms: int  # answers that needed a "yes"
    not_sure: int  # questions answered "not sure" (among the answered ones)
    answers: dict[str, str] = field(default_factory=dict)
    report_opened: bool = False

    @property
    def recommended(self) -> bool:
        return self.answered == len(QUESTIONS)

    @property
    def user_messages(self) -> int:
        messages = self.chit_chat + len(self.fallbacks) + len(self.declined)
        if self.started:
            messages += 1 + self.answered + len(self.unclear) + self.confirms
        return messages


def make_plans(
    count: int, seed: int, days: Sequence[date], prefix: str = "gen"
) -> list[ConversationPlan]:
    """`count` varied conversations spread over `days`."""
    rng = random.Random(seed)
    plans = []
    for number in range(count):
        started = rng.random() < 0.7
        answered = rng.choice((0, 1, 2, 3, 5, 6, 6, 6)) if started else 0
        answers = {"process": f"{rng.choice(PROCESSES)}"}
        answers.update({slot: rng.choice(values).value for slot, values in CLOSED.items()})
        answered_slots = QUESTIONS[:answered]
        plans.append(
            ConversationPlan(
                sender_id=f"{prefix}-{number:06d}",
                channel=rng.choice(CHANNELS),
                day=rng.choice(list(days)),
                chit_chat=rng.randint(0, 3),
                fallbacks=tuple(rng.sample(FALLBACK_TEXTS, rng.choice((0, 0, 1, 2)))),
                declined=tuple(rng.sample(DECLINED_TEXTS, rng.choice((0, 0, 1)))),
                started=started,
                answered=answered,
                unclear=tuple(rng.sample(UNCLEAR_TEXTS, rng.choice((0, 1)))) if started else (),
                confirms=min(answered, rng.choice((0, 0, 1))),
                not_sure=min(max(answered - 1, 0), rng.choice((0, 0, 1))),
                answers={slot: answers[slot] for slot in answered_slots},
                report_opened=answered == len(QUESTIONS) and rng.random() < 0.5,
            )
        )
    return plans


def events_of(plan: ConversationPlan) -> list[Event]:
    """The events Rasa stores for the conversation, one minute per message."""
    clock = _Clock(datetime(plan.day.year, plan.day.month, plan.day.day, 9, tzinfo=timezone.utc))
    events: list[Event] = [
        ActionExecuted("action_session_start", timestamp=clock.tick()),
        SessionStarted(timestamp=clock.tick()),
        ActionExecuted("action_listen", timestamp=clock.tick()),
    ]

    def say(text: str, intent: str, *after: Event) -> None:
        events.append(
            UserUttered(
                text,
                {"name": intent, "confidence": 0.9},
                input_channel=plan.channel,
                timestamp=clock.minute(),
            )
        )
        for event in after:
            event.timestamp = clock.tick()
            events.append(event)
        events.append(ActionExecuted("action_listen", timestamp=clock.tick()))

    for number in range(plan.chit_chat):
        say(f"what is bpo {number}", "faq", ActionExecuted("utter_faq"), BotUttered("BPO is..."))
    for text in plan.fallbacks:
        say(text, "nlu_fallback", ActionExecuted("action_two_stage_fallback"))
    for number, text in enumerate(plan.declined):
        intent = ("out_of_scope", "out_of_source")[number % 2]
        say(text, intent, ActionExecuted(f"utter_{intent}"), BotUttered("Sorry..."))
    if not plan.started:
        return events
    say(
        "/start_assessment",
        "start_assessment",
        ActionExecuted("action_begin_assessment"),
        ActionExecuted("assessment_form"),
        ActiveLoop("assessment_form"),
        SlotSet("requested_slot", "process"),
    )
    for text in plan.unclear:  # not understood: the counter goes up, the question again
        say(text, "inform", SlotSet("unclear_answers", 1), BotUttered("Sorry, again?"))
    assumed: list[str] = []
    for index, slot in enumerate(QUESTIONS[: plan.answered]):
        if index < plan.confirms:
            pending = {"slot": slot, "kind": "confirm", "value": plan.answers[slot]}
            say(f"maybe {plan.answers[slot]}", "inform", SlotSet("pending_answer", pending))
            say("yes", "affirm", SlotSet(slot, plan.answers[slot]), SlotSet("pending_answer", None))
            continue
        after: list[Event] = [SlotSet(slot, plan.answers[slot]), SlotSet("unclear_answers", 0)]
        if 0 < index <= plan.not_sure:
            assumed.append(slot)
            after.append(SlotSet("assumed_answers", list(assumed)))
        say("not sure" if slot in assumed else plan.answers[slot], "inform", *after)
    if plan.recommended:
        report = FinishedAssessment(
            f"r{plan.sender_id[-8:]:0>8}", dict(plan.answers), tuple(assumed), plan.day.isoformat()
        )
        events[-1:] = [
            ActionExecuted("action_recommend", timestamp=clock.tick()),
            SlotSet("assessment_done", True, timestamp=clock.tick()),
            SlotSet("assessments", [report.to_slot()], timestamp=clock.tick()),
            ActiveLoop(None, timestamp=clock.tick()),
            ActionExecuted("action_listen", timestamp=clock.tick()),
        ]
    return events


def report_opened_at(plan: ConversationPlan) -> float | None:
    """When the plan's report page is opened (the evening of its day)."""
    if not plan.report_opened:
        return None
    return datetime(
        plan.day.year, plan.day.month, plan.day.day, 20, tzinfo=timezone.utc
    ).timestamp()


def rows_of(plan: ConversationPlan) -> Iterator[dict[str, Any]]:
    """The events as rows of Rasa's events table (its save's columns)."""
    for event in events_of(plan):
        data = event.as_dict()
        yield {
            "sender_id": plan.sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }


class _Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start.timestamp()

    def tick(self) -> float:
        self.now += 0.01
        return self.now

    def minute(self) -> float:
        self.now += 60
        return self.now
