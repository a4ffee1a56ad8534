"""Send the action server the conversation's recent events, not all of them.

Rasa's `RemoteAction._action_call_format` puts the whole tracker into every
custom-action call (`current_state(EventVerbosity.ALL)`): every event since the
conversation began, each user message with its full NLU parse. The request, and
the time Rasa spends serialising it and rasa_sdk parsing it, grow with the
conversation (bench/README.md, "Send the action server only what it needs").

What the actions read from `tracker.events` (actions/*.py, rasa_sdk 3.6):

* the latest user event: input channel (`get_latest_input_channel`);
* the events since it: slots set this turn (`slot_set_this_turn`), the slot
  candidates the form appends for its validation (`slots_to_validate`);
* the bot action before it (`last_bot_action`, "Do you want to stop?");
* the topic in play for follow-ups ("and kpo?", `topic_in_play`): back to the
  latest FAQ question, `last_topic` slot or assessment step.

Everything else travels outside the events: slots, `latest_message` (the latest
parse), `active_loop`, `latest_action_name`, `latest_input_channel`,
`followup_action`, `latest_event_time` (all from the whole tracker, as before).

`recent_events_only` keeps the events from the `action_listen` before the
`RECENT_USER_TURNS`-th last user message on (the whole tracker when it has fewer
user messages): the first three items need two turns, a follow-up's topic is
found across up to eight turns of small talk in between. The one difference
from Rasa: a follow-up whose FAQ question was ten or more user messages ago,
with no `last_topic` or assessment step since, finds no topic in play
(`utter_no_topic_yet`: "What would you like to know more about?") instead of one
from long ago. Installed by the registry in runtime/patches.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

RECENT_USER_TURNS = 10


def window_start(events: Sequence[Event], turns: int = RECENT_USER_TURNS) -> int:
    """Index of the first event sent: the `action_listen` (if any) right before the
    `turns`-th last user message; 0 when there are fewer user messages."""
    seen = 0
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], UserUttered):
            seen += 1
            if seen == turns:
                before = events[index - 1] if index > 0 else None
                if isinstance(before, ActionExecuted) and before.action_name == ACTION_LISTEN_NAME:
                    return index - 1
                return index
    return 0


class RecentEventsTracker:
    """The tracker as `_action_call_format` reads it, with only the recent events."""

    def __init__(self, tracker: DialogueStateTracker, turns: int = RECENT_USER_TURNS) -> None:
        self._tracker = tracker
        self._turns = turns

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tracker, name)

    def current_state(
        self, event_verbosity: EventVerbosity = EventVerbosity.NONE
    ) -> dict[str, Any]:
        # Everything but the events from the whole tracker, as Rasa computes it.
        state = self._tracker.current_state(EventVerbosity.NONE)
        if event_verbosity == EventVerbosity.NONE:
            return state
        events = list(self._tracker._events_for_verbosity(event_verbosity) or [])
        state["events"] = [e.as_dict() for e in events[window_start(events, self._turns) :]]
        return state


CallFormat = Callable[[Any, DialogueStateTracker, Any], dict[str, Any]]


def recent_events_only(rasa_call_format: CallFormat) -> CallFormat:
    """The replacement of `RemoteAction._action_call_format`, from Rasa's."""

    def _action_call_format(
        self: Any, tracker: DialogueStateTracker, domain: Any
    ) -> dict[str, Any]:
        recent: Any = RecentEventsTracker(tracker)
        return rasa_call_format(self, recent, domain)

    return _action_call_format
