"""Read a conversation's history once per new event, not once per question asked of it.

For every prediction Rasa derives two things from the *whole* conversation:

* `DialogueStateTracker.applied_events()`: the events left after reverts, restarts and
  form re-runs; recomputed from the first event on many times per message;
* `Domain.states_for_tracker_history()`: one dialogue state per bot action, built by
  replaying every event into a fresh tracker; several times per message (RulePolicy
  and MemoizationPolicy each ask, after every action).

So a message's cost grew with the conversation (bench/README.md, "Long
conversations"). Both computations walk the events
forwards and never revise what they derived from earlier events, except in cases
detected below, so their progress is kept on the tracker object and only new events
are processed: the next call continues where the last one stopped. With the tracker
store keeping the tracker object between messages (stores/tracker_cache.py), this
makes their cost per message independent of the conversation's length.

When the earlier result could change, everything is recomputed as Rasa does:
* `applied_events`: a form (loop) activated for the first time changes how its earlier
  executions are read (Rasa collects loop names over all events first); a replaced
  or bounded (`max_event_history`) event list;
* states: another domain or set of arguments is asked. When the applied events are no
  longer an extension of those already turned into states (each run of a form drops the
  events since its previous run, a revert drops a turn), the work restarts from the
  latest checkpoint before the first difference: one is kept before each of the last
  `CHECKPOINTS` user turns.

Returned lists are fresh, so callers may change them and their states (the featurizers
delete keys from the user sub-state) without touching what is kept. A policy that reads
only the last few states asks `recent_states` for them with its `Window`
(runtime/policies.py), and only those are copied. Installed by the
registry in runtime/patches.py; tests/runtime/test_runtime_tracker_history.py compares
both with Rasa's own code after every event of long generated conversations.
"""

from __future__ import annotations

import copy
import itertools
import json
import operator
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rasa.shared.constants import DEFAULT_SENDER_ID
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_UNLIKELY_INTENT_NAME
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

# Attribute names on the tracker object (its __dict__) for the kept progress.
APPLIED_PROGRESS = "_runtime_applied_events"
STATES_PROGRESS = "_runtime_states"
CHECKPOINTS = 16  # a form's run or a revert reaches back a few user turns


@dataclass(frozen=True)
class Window:
    """The last `states` states are all the caller reads; with `skip_unlikely`, states
    after `action_unlikely_intent` do not count (the ML featurizers drop them first)."""

    states: int
    skip_unlikely: bool


def _tail(states: list[State], window: Window | None) -> list[State]:
    if window is None:
        return states
    start, counted = len(states), 0
    while start > 0 and counted < window.states:
        start -= 1
        previous = states[start].get("prev_action", {}).get("action_name")
        if not (window.skip_unlikely and previous == ACTION_UNLIKELY_INTENT_NAME):
            counted += 1
    return states[start:]


def state_copy(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """A plain tracker in the same state as `tracker` (what replaying its events into
    `tracker.init_copy()` gives): its events in a new list, copies of everything an
    event changes in place, without the work kept here, model id, assistant id or
    sender source."""
    twin = DialogueStateTracker.__new__(DialogueStateTracker)
    kept = {APPLIED_PROGRESS, STATES_PROGRESS}
    twin.__dict__.update({k: v for k, v in tracker.__dict__.items() if k not in kept})
    twin.events = deque(tracker.events)
    twin.sender_id = tracker.sender_id or DEFAULT_SENDER_ID
    twin.slots = {name: copy.copy(slot) for name, slot in tracker.slots.items()}
    twin.active_loop = copy.copy(tracker.active_loop)
    twin.latest_action = copy.copy(tracker.latest_action)
    twin.sender_source = None
    twin.model_id = None
    twin.assistant_id = None
    return twin


# --- applied events -------------------------------------------------------------------


@dataclass
class AppliedProgress:
    events: Any  # the tracker's event deque this was computed from
    consumed: int  # how many of its events were processed
    loop_names: frozenset[str]  # names of the loops any event activates
    applied: list[Event] = field(default_factory=list)


def _loop_names(events: Any) -> frozenset[str]:
    return frozenset(e.name for e in events if isinstance(e, ActiveLoop) and e.name)


def _apply(
    tracker: DialogueStateTracker, event: Event, loops: frozenset[str], applied: list[Event]
) -> None:
    """One step of Rasa's `applied_events` loop, on `applied` in place."""
    if isinstance(event, (Restarted, SessionStarted)):
        applied.clear()
    elif isinstance(event, ActionReverted):
        tracker._undo_till_previous(ActionExecuted, applied)
    elif isinstance(event, UserUtteranceReverted):
        tracker._undo_till_previous(UserUttered, applied)
        tracker._undo_till_previous(ActionExecuted, applied)
    elif (
        isinstance(event, ActionExecuted)
        and event.action_name in loops
        and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
    ):
        tracker._undo_till_previous_loop_execution(event.action_name, applied)
    else:
        applied.append(event)


def applied_progress(tracker: DialogueStateTracker) -> AppliedProgress | None:
    """The tracker's applied events, brought up to date; None if they cannot be kept."""
    events = tracker.events
    if events.maxlen is not None:  # old events drop out: nothing to continue from
        return None
    progress: AppliedProgress | None = tracker.__dict__.get(APPLIED_PROGRESS)
    new = list(itertools.islice(events, progress.consumed, None)) if progress else []
    if (
        progress is None
        or progress.events is not events
        or progress.consumed > len(events)
        or not _loop_names(new) <= progress.loop_names
    ):
        new = list(events)
        progress = AppliedProgress(events, 0, _loop_names(new))
        tracker.__dict__[APPLIED_PROGRESS] = progress
    for event in new:
        _apply(tracker, event, progress.loop_names, progress.applied)
    progress.consumed += len(new)
    return progress


def incremental_applied_events(rasa_applied_events: Callable[..., list[Event]]) -> Callable:
    """The replacement of `DialogueStateTracker.applied_events`."""

    def applied_events(self: DialogueStateTracker) -> list[Event]:
        progress = applied_progress(self)
        if progress is None:
            return rasa_applied_events(self)
        return list(progress.applied)

    applied_events.__doc__ = rasa_applied_events.__doc__
    return applied_events


# --- states ---------------------------------------------------------------------------


@dataclass
class Checkpoint:
    """Where the work stood before applied event number `applied`."""

    applied: int
    replay: DialogueStateTracker  # its state then (without events)
    states: int
    last_ml_action: dict[str, str] | None
    turn_was_hidden: bool


@dataclass
class StatesProgress:
    domain: Domain
    replay: DialogueStateTracker  # the tracker after `applied`
    applied: list[Event] = field(default_factory=list)
    states: list[State] = field(default_factory=list)  # one per ActionExecuted in applied
    last_ml_action: dict[str, str] | None = None
    turn_was_hidden: bool = False
    checkpoints: deque[Checkpoint] = field(default_factory=lambda: deque(maxlen=CHECKPOINTS))

    def checkpoint(self) -> None:
        if self.checkpoints and self.checkpoints[-1].applied == len(self.applied):
            return  # rewound to here
        replay = state_copy(self.replay)
        replay.events = deque()
        self.checkpoints.append(
            Checkpoint(
                len(self.applied),
                replay,
                len(self.states),
                self.last_ml_action,
                self.turn_was_hidden,
            )
        )

    def rewind(self, applied: list[Event]) -> bool:
        """Go back to the latest checkpoint whose events are the start of `applied`;
        False if there is none."""
        same = 0
        for ours, theirs in zip(self.applied, applied, strict=False):
            if ours is not theirs:
                break
            same += 1
        while self.checkpoints and self.checkpoints[-1].applied > same:
            self.checkpoints.pop()
        if not self.checkpoints:
            return False
        point = self.checkpoints[-1]
        self.replay = state_copy(point.replay)
        self.replay.events = deque(applied[: point.applied])
        del self.applied[point.applied :]
        del self.states[point.states :]
        self.last_ml_action, self.turn_was_hidden = point.last_ml_action, point.turn_was_hidden
        return True


@dataclass(frozen=True)
class StateOptions:
    omit_unset_slots: bool
    ignore_rule_only_turns: bool
    rule_only_data: dict[str, Any] | None

    @property
    def key(self) -> tuple[bool, bool, str]:
        return (
            self.omit_unset_slots,
            self.ignore_rule_only_turns,
            json.dumps(self.rule_only_data, sort_keys=True, default=str),
        )


def _state_at(
    domain: Domain,
    replay: DialogueStateTracker,
    hide_rule_turn: bool,
    options: StateOptions,
    progress: StatesProgress,
    commit: bool,
) -> State | None:
    """Rasa's loop body of `states_for_tracker_history` for the tracker before one action
    (or after the last event): the state, or None for a hidden rule turn. `commit`
    records the loop's running values in `progress`; the state is not appended."""
    last_ml_action, turn_was_hidden = progress.last_ml_action, progress.turn_was_hidden
    if options.ignore_rule_only_turns:
        # the last turn that was not hidden gives ML policies their previous action
        if not turn_was_hidden:
            last_ml_action = domain._get_prev_action_sub_state(replay)
        # a follow-up action or the form's happy path does not change hiddenness
        if not replay.followup_action and replay.latest_action_name != replay.active_loop_name:
            turn_was_hidden = hide_rule_turn
    if commit:
        progress.last_ml_action, progress.turn_was_hidden = last_ml_action, turn_was_hidden
    if options.ignore_rule_only_turns and turn_was_hidden:
        return None
    state = domain.get_active_state(replay, omit_unset_slots=options.omit_unset_slots)
    if options.ignore_rule_only_turns:
        domain._remove_rule_only_features(state, options.rule_only_data)
        if progress.states:
            domain._substitute_rule_only_user_input(state, progress.states[-1])
        if last_ml_action:
            state["prev_action"] = last_ml_action
    return domain._clean_state(state)


def _fresh_copy(state: State) -> State:
    # Sub-state values are strings and tuples; callers delete and replace sub-state keys.
    return {kind: dict(sub_state) for kind, sub_state in state.items()}


def states_progress(
    domain: Domain, tracker: DialogueStateTracker, options: StateOptions
) -> StatesProgress:
    """The states of the tracker's applied events so far, brought up to date."""
    applied = tracker.applied_events()
    kept: dict[tuple[bool, bool, str], StatesProgress] = tracker.__dict__.setdefault(
        STATES_PROGRESS, {}
    )
    progress = kept.get(options.key)
    if (
        progress is None
        or progress.domain is not domain
        or (
            len(progress.applied) > len(applied)
            or not all(map(operator.is_, progress.applied, applied))
        )
        and not progress.rewind(applied)
    ):
        progress = kept[options.key] = StatesProgress(domain, tracker.init_copy())
    for event in applied[len(progress.applied) :]:
        if isinstance(event, ActionExecuted):
            if event.action_name == ACTION_LISTEN_NAME:
                progress.checkpoint()
            state = _state_at(
                domain, progress.replay, event.hide_rule_turn, options, progress, True
            )
            if state is not None:
                progress.states.append(state)
        progress.replay.update(event)
        progress.applied.append(event)
    return progress


def handles(tracker: DialogueStateTracker) -> bool:
    """Whether the states of `tracker` are kept here (a plain tracker with unbounded
    events; training's TrackerWithCachedStates keeps its own cache)."""
    return type(tracker) is DialogueStateTracker and tracker.events.maxlen is None


def recent_states(
    domain: Domain, tracker: DialogueStateTracker, options: StateOptions, window: Window | None
) -> list[State]:
    """The states Rasa's `Domain.states_for_tracker_history` gives for `tracker` (a
    tracker this module `handles`), only the last ones `window` asks for (None: all)."""
    progress = states_progress(domain, tracker, options)
    # the tracker after the last event: its state changes with the next event
    last = _state_at(domain, progress.replay, False, options, progress, False)
    states = progress.states if last is None else [*progress.states, last]
    # copies: the last state may share sub-states with kept ones
    return [_fresh_copy(state) for state in _tail(states, window)]


def incremental_states(rasa_states_for_tracker_history: Callable[..., list[State]]) -> Callable:
    """The replacement of `Domain.states_for_tracker_history`. Trackers of other classes
    (training's TrackerWithCachedStates keeps its own cache) get Rasa's code."""

    def states_for_tracker_history(
        self: Domain,
        tracker: DialogueStateTracker,
        omit_unset_slots: bool = False,
        ignore_rule_only_turns: bool = False,
        rule_only_data: dict[str, Any] | None = None,
    ) -> list[State]:
        if not handles(tracker):
            return rasa_states_for_tracker_history(
                self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data
            )
        options = StateOptions(omit_unset_slots, ignore_rule_only_turns, rule_only_data)
        return recent_states(self, tracker, options, None)

    states_for_tracker_history.__doc__ = rasa_states_for_tracker_history.__doc__
    return states_for_tracker_history
