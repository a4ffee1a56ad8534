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
