"""Copy a tracker by copying its state, not by replaying the whole conversation.

Rasa runs every action on a copy of the tracker (`MessageProcessor._run_action`, so a
rejected action's events can be dropped), and `DialogueStateTracker.copy()` builds that
copy by replaying every event of the conversation into a new tracker, several times
per message, each time longer (measured in bench/README.md).

A tracker's state is, by Rasa's design, exactly what replaying its events gives
("MUST be re-creatable by processing all the events", trackers.py), so the copy takes
the state as it is: the same events in a new list, copies of the slots, the active
loop and the latest action, and the same (immutable) latest message and bot
utterance. What Rasa's copy does not carry is not carried either: it is a plain
`DialogueStateTracker` without model id, assistant id or sender source. Trackers of
other classes, with bounded event history (`max_event_history`, whose replay differs
from the state) or without a domain's slots get Rasa's replay. Installed by the
registry in runtime/patches.py; tests/runtime/test_runtime_tracker_history.py compares
both copies after every event of long generated conversations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa.core.actions.forms import FormAction
from rasa.shared.core.constants import REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SlotSet
from rasa.shared.core.trackers import AnySlotDict, DialogueStateTracker

from runtime.tracker_history import state_copy


def copyable(tracker: DialogueStateTracker) -> bool:
    return (
        type(tracker) is DialogueStateTracker
        and tracker.events.maxlen is None
        and not isinstance(tracker.slots, AnySlotDict)
    )


def copy_by_state(rasa_copy: Callable[[DialogueStateTracker], DialogueStateTracker]) -> Callable:
    """The replacement of `DialogueStateTracker.copy`."""

    def copy_tracker(self: DialogueStateTracker) -> DialogueStateTracker:
        return state_copy(self) if copyable(self) else rasa_copy(self)

    copy_tracker.__doc__ = rasa_copy.__doc__
    return copy_tracker


def form_tracker_by_state(rasa_temporary_tracker: Callable[..., DialogueStateTracker]) -> Callable:
    """The replacement of `FormAction._temporary_tracker`: on every turn of a form, Rasa
    rebuilds the conversation since the last restart plus the form's new events by
    replaying them all. A copy of the tracker's state with the new events applied is the
    same tracker. After a restart (Rasa replays only the events since, a short list) or
    if the tracker's slots are not the domain's, Rasa's replay is used."""

    def _temporary_tracker(
        self: FormAction,
        current_tracker: DialogueStateTracker,
        additional_events: list[Event],
        domain: Domain,
    ) -> Any:
        if (
            not copyable(current_tracker)
            or list(current_tracker.slots) != [slot.name for slot in domain.slots]
            or current_tracker.idx_after_latest_restart()
        ):
            return rasa_temporary_tracker(self, current_tracker, additional_events, domain)
        tracker = state_copy(current_tracker)
        for event in [
            # as Rasa's: the requested slot belongs to this form; the form's execution
            # marks where the new events begin
            SlotSet(REQUESTED_SLOT, self.get_slot_to_fill(current_tracker)),
            ActionExecuted(self.name()),
            *additional_events,
        ]:
            tracker.update(event)
        return tracker

    _temporary_tracker.__doc__ = rasa_temporary_tracker.__doc__
    return _temporary_tracker
