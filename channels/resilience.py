"""What the user hears when a dependency fails, instead of silence.

* Custom actions: Rasa waits up to 300 s for the action server and, when a call
  fails, logs it and answers nothing. `install_action_guard()` bounds every call
  to ``RASA_ACTION_TIMEOUT`` seconds (default 3) and tells the user once per
  message. Rasa's own handling is otherwise unchanged: the failed action adds no
  events, so the form and every slot stay as they were, and the next message
  after the action server is back continues the conversation.
* Handling a message raises (e.g. the tracker store is unreachable): `deliver()`
  catches it, tells the user, and reports the failure to the channel so it can
  answer 503 / 500 instead of Rasa's ``200 []``.
"""
import asyncio
import logging
import os
import weakref
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, List, Optional, Text

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.shared.core.events import Event
from rasa.shared.exceptions import RasaException

from channels.input_guard import ACTION_SERVER_DOWN, INTERNAL_ERROR, MEMORY_DOWN
from stores.tracker_store import TrackerStoreUnavailable

logger = logging.getLogger(__name__)

DEFAULT_ACTION_TIMEOUT = 3.0  # seconds; leaves room for NLU within the 5 s promise


class ActionServerUnavailable(RasaException):
    """A custom action could not run (down, slow or broken action server)."""


def action_timeout() -> float:
    try:
        value = float(os.environ.get("RASA_ACTION_TIMEOUT", DEFAULT_ACTION_TIMEOUT))
    except ValueError:
        return DEFAULT_ACTION_TIMEOUT
    return value if value > 0 else DEFAULT_ACTION_TIMEOUT


# Output channels (one per incoming message) whose turn already saw a failure:
# later custom actions of that turn fail at once, so the whole reply stays
# within one timeout and the user is told only once.
_failed_turns: "weakref.WeakSet[OutputChannel]" = weakref.WeakSet()
_original_run: Optional[Callable[..., Awaitable[List[Event]]]] = None


async def _guarded_run(
    self: RemoteAction, output_channel: OutputChannel, nlg: Any, tracker: Any, domain: Any
) -> List[Event]:
    assert _original_run is not None
    if output_channel in _failed_turns:
        raise ActionServerUnavailable(f"skipped '{self.name()}': the action server failed earlier in this turn")
    try:
        return await asyncio.wait_for(
            _original_run(self, output_channel, nlg, tracker, domain), action_timeout()
        )
    except ActionExecutionRejection:
        raise  # a form validation saying "no": normal dialogue, not a failure
    except Exception as error:  # noqa: BLE001 - any failure: tell the user, keep the state
        _failed_turns.add(output_channel)
        reason = "timed out" if isinstance(error, asyncio.TimeoutError) else str(error) or type(error).__name__
        logger.error(f"Custom action '{self.name()}' failed ({reason}); told the user to retry.")
        await output_channel.send_response(tracker.sender_id, {"text": ACTION_SERVER_DOWN})
        # A RasaException, so Rasa's slot extraction and processor handle it as
        # a failed action (no events) instead of aborting the message.
        raise ActionServerUnavailable(f"custom action '{self.name()}' failed: {reason}") from error


def install_action_guard() -> None:
    """Wrap RemoteAction.run once per process (forms import the class directly,
    so the method is replaced on the class, not the module attribute)."""
    global _original_run
    if _original_run is None:
        _original_run = RemoteAction.run
        RemoteAction.run = _guarded_run  # type: ignore[assignment]


@dataclass(frozen=True)
class Failure:
    status: int  # HTTP status for channels that have one
    text: Text  # what the user is told


async def deliver(
    on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage
) -> Optional[Failure]:
    """Hand `message` to Rasa; on failure tell the user and return what failed."""
    try:
        await on_new_message(message)
        return None
    except TrackerStoreUnavailable as error:
        logger.error(f"Tracker store unavailable, message from {message.sender_id!r} not processed: {error}")
        failure = Failure(503, MEMORY_DOWN)
    except asyncio.CancelledError:
        raise
    except Exception:  # noqa: BLE001 - a bug must not leave the user in silence
        logger.exception(f"Handling a message from {message.sender_id!r} failed.")
        failure = Failure(500, INTERNAL_ERROR)
    try:
        await message.output_channel.send_response(message.sender_id, {"text": failure.text})
    except Exception:  # noqa: BLE001 - the channel itself is broken; the status still tells
        logger.exception("Could not tell the user about the failure.")
    return failure
