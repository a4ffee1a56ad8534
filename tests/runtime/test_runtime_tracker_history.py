"""The incremental history (runtime/tracker_history.py) gives exactly what Rasa computes.

One tracker receives a long random conversation one event at a time — user messages,
bot actions (some hidden rule turns), slots, the form starting, running and stopping,
reverts, restarts, new sessions — and after every event its applied events and its
states (with every option the policies use) are compared with Rasa's own code on a
tracker rebuilt from the same events with the patches uninstalled."""

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    Event,
    FollowupAction,
    LoopInterrupted,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from runtime import patches
from runtime.tracker_history import APPLIED_PROGRESS, STATES_PROGRESS

DOMAIN = Domain.load(Path(__file__).parents[2] / "domain.yml")
FORM = "assessment_form"
RULE_ONLY = {"rule_only_slots": ["requested_slot"], "rule_only_loops": [FORM]}
OPTIONS = [  # (omit_unset_slots, ignore_rule_only_turns, rule_only_data), as the policies ask
    (False, False, None),
    (False, False, RULE_ONLY),
    (False, True, RULE_ONLY),
    (True, True, None),
]
SLOT_VALUES = {
    "process": ["payroll", "investment research"],
    "core": ["core", "supporting"],
    "assessment_done": [True, False],
    "unclear_answers": [0.0, 1.0],
    "last_topic": ["risks", None],
    "requested_slot": ["core", "goal", None],
}


def user(intent: str) -> UserUttered:
    return UserUttered(f"say {intent}", {"name": intent, "confidence": 0.9})


def random_turn(rng: random.Random) -> list[Event]:
    """A plausible next turn: the user's message and the bot's actions, a rule's turn
    hidden (`hide_rule_turn`, as RulePolicy marks it) or not; sometimes an odd event."""
    actions = [a for a in DOMAIN.action_names_or_texts if a not in ("...", "action_listen")]
    hide = rng.random() < 0.5
    listen = ActionExecuted("action_listen", hide_rule_turn=hide)
    roll = rng.random()
    if roll < 0.45:
        bot = [ActionExecuted(rng.choice(actions), hide_rule_turn=hide)]
        if rng.random() < 0.3:
            slot = rng.choice(list(SLOT_VALUES))
            bot += [SlotSet(slot, rng.choice(SLOT_VALUES[slot]))]
        return [user(rng.choice(DOMAIN.intents)), *bot, listen]
    if roll < 0.55:  # the form starts
        begin = ActionExecuted("action_begin_assessment", hide_rule_turn=hide)
        ask = SlotSet("requested_slot", "core")
        return [
            user("start_assessment"),
            begin,
            ActionExecuted(FORM),
            ActiveLoop(FORM),
            ask,
            listen,
        ]
    if roll < 0.7:  # the form asks its next question
        answer = SlotSet("core", rng.choice(SLOT_VALUES["core"]))
        ask = SlotSet("requested_slot", "goal")
        return [user("inform"), ActionExecuted(FORM), answer, ask, listen]
    if roll < 0.78:  # the form ends, the recommendation follows
        done = [ActiveLoop(None), SlotSet("requested_slot", None)]
        recommend = ActionExecuted("action_recommend", hide_rule_turn=hide)
        return [user("inform"), ActionExecuted(FORM), *done, recommend, listen]
    if roll < 0.85:  # the form is interrupted by a question, then resumes
        answer = ActionExecuted("utter_faq/risks", hide_rule_turn=hide)
        rejected = ActionExecutionRejected(FORM)
        return [user("faq"), rejected, answer, ActionExecuted(FORM), listen]
    odd = rng.choice(
        [
            UserUtteranceReverted(),
            ActionReverted(),
            FollowupAction("utter_greet"),
            Restarted(),
            SessionStarted(),
            ActiveLoop(None),
            ActiveLoop("action_two_stage_fallback"),
            ActionExecuted(FORM, hide_rule_turn=hide),
        ]
    )
    return [odd] if rng.random() < 0.5 else [user(rng.choice(DOMAIN.intents)), odd, listen]


def conversation(seed: int, length: int) -> list[Event]:
    rng = random.Random(seed)
    events: list[Event] = [ActionExecuted("action_session_start"), SessionStarted()]
    while len(events) < length:
        events += random_turn(rng)
    return events


def rasas_view(events: list[Event]) -> tuple[list[Event], list[list[dict]]]:
    """Applied events and states by Rasa's own code (patches uninstalled)."""
    patches.uninstall()
    try:
        tracker = DialogueStateTracker.from_events("rasa", events, slots=DOMAIN.slots)
        return tracker.applied_events(), [tracker.past_states(DOMAIN, *o) for o in OPTIONS]
    finally:
        patches.install()


@pytest.fixture(autouse=True)
def patched() -> Iterator[None]:
    with patches.installed():
        yield


@pytest.mark.parametrize("seed", range(6))
def test_after_every_event_the_history_equals_rasas(seed: int) -> None:
    events = conversation(seed, 220)
    tracker = DialogueStateTracker("ours", DOMAIN.slots)
    for number, event in enumerate(events, start=1):
        tracker.update(event)
        if number % 3 and number < len(events) - 5:
            continue  # every third event, and each of the last few
        rasa_applied, rasa_states = rasas_view(events[:number])
        applied = tracker.applied_events()
        assert [id(e) for e in applied] == [id(e) for e in rasa_applied], number
        for options, expected in zip(OPTIONS, rasa_states, strict=True):
            states = tracker.past_states(DOMAIN, *options)
            assert states == expected, (number, options)
            for state in states:  # the featurizers edit what they get; nothing kept changes
                state.get("user", {}).pop("intent", None)
                state.pop("prev_action", None)
    assert APPLIED_PROGRESS in tracker.__dict__ and STATES_PROGRESS in tracker.__dict__


def tracker_state(tracker: DialogueStateTracker) -> dict:
    """Everything a copy must reproduce (events made during the call have their own time)."""
    dump = tracker.current_state(EventVerbosity.ALL)
    for event in dump["events"]:
        event.pop("timestamp")
    return {
        "dump": dump,
        "slots": {n: (s.value, s.has_been_set) for n, s in tracker.slots.items()},
        "latest": (tracker.latest_message, tracker.latest_bot_utterance, tracker.latest_action),
        "loop": (tracker.active_loop, tracker.followup_action, tracker.is_paused()),
        "ids": (tracker.model_id, tracker.assistant_id, tracker.sender_source, type(tracker)),
    }


@pytest.mark.parametrize("seed", range(3))
def test_copies_equal_rasas_replayed_copy(seed: int) -> None:
    events = conversation(seed, 160)
    tracker = DialogueStateTracker("ours", DOMAIN.slots)
    tracker.model_id = "a-model"
    for number, event in enumerate(events, start=1):
        tracker.update(event)
        before = tracker_state(tracker)
        ours = tracker.copy()
        patches.uninstall()
        try:
            rasas = tracker.copy()
        finally:
            patches.install()
        assert tracker_state(ours) == tracker_state(rasas), number
        ours.update(SlotSet("core", "changed"))  # the copy is independent of the original
        ours.update(LoopInterrupted(True))  # changes the active loop in place
        ours.update(ActionExecutionRejected(FORM))
        assert tracker_state(tracker) == before


def test_work_is_kept_between_calls() -> None:
    tracker = DialogueStateTracker.from_events("ours", conversation(7, 120), slots=DOMAIN.slots)
    tracker.past_states(DOMAIN)
    replay = next(iter(tracker.__dict__[STATES_PROGRESS].values())).replay
    tracker.update(ActionExecuted("action_listen"))
    tracker.past_states(DOMAIN)
    assert next(iter(tracker.__dict__[STATES_PROGRESS].values())).replay is replay


def test_a_forms_turns_continue_from_a_checkpoint() -> None:
    """Each run of the form drops the events since its previous run from the applied
    events: the work goes back a turn, not to the start."""
    start = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
    ]
    tracker = DialogueStateTracker.from_events(
        "ours", start + random_turn(random.Random(1)) * 30, slots=DOMAIN.slots
    )
    tracker.update_with_events(
        [user("start_assessment"), ActionExecuted(FORM), ActiveLoop(FORM)], None
    )
    tracker.past_states(DOMAIN, False, True, RULE_ONLY)
    kept = tracker.__dict__[STATES_PROGRESS]
    for answer in ("core", "supporting", "core"):
        for event in [
            ActionExecuted("action_listen"),
            user("inform"),
            ActionExecuted(FORM),
            SlotSet("core", answer),
        ]:
            tracker.update(event)
            progress = next(iter(kept.values()))
            assert (
                tracker.past_states(DOMAIN, False, True, RULE_ONLY)
                == rasas_view(list(tracker.events))[1][2]
            )
            assert next(iter(kept.values())) is progress  # not started again


def test_bounded_event_history_gets_rasas_code() -> None:
    events = conversation(8, 80)
    tracker = DialogueStateTracker.from_events(
        "ours", events, slots=DOMAIN.slots, max_event_history=30
    )
    assert tracker.past_states(DOMAIN) == rasas_view(events[-30:])[1][0]
    assert APPLIED_PROGRESS not in tracker.__dict__
    assert STATES_PROGRESS not in tracker.__dict__
