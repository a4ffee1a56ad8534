"""The action guard: a patch of `RemoteAction.run` (listed in runtime/patches.py).

Rasa waits up to 300 s for the action server and, when a call fails, logs it and
answers nothing. The guard bounds every call to ``RASA_ACTION_TIMEOUT`` seconds
(runtime/settings.py) and tells the user once per message. Rasa's own handling is
otherwise unchanged: the failed action adds no events, so the form and every slot
stay as they were, and the next message after the action server is back continues
the conversation.

What the user is told depends on whether trying again can help: a down, slow or
overloaded action server (no connection, timeout, 502/503/504) gets "try again in
a moment"; a tracker too big for the action server (413) and a broken action
(other 4xx/5xx) get a reply that does not promise a retry will work. The texts are
with the other failure replies, in channels/resilience.py.
"""

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import OutputChannel
from rasa.shared.core.events import Event
from rasa.shared.exceptions import RasaException

from channels.resilience import ACTION_BROKEN, ACTION_SERVER_DOWN, CONVERSATION_TOO_LONG
from runtime.settings import rasa_settings

logger = logging.getLogger(__name__)


class ActionServerUnavailable(RasaException):
    """A custom action could not run (down, slow or broken action server)."""


# Output channels (one per incoming message) whose turn already saw a failure:
# later custom actions of that turn fail at once, so the whole reply stays
# within one timeout and the user is told only once.
_failed_turns: "weakref.WeakSet[OutputChannel]" = weakref.WeakSet()
_original_run: Callable[..., Awaitable[list[Event]]] | None = None


async def _guarded_run(
    self: RemoteAction, output_channel: OutputChannel, nlg: Any, tracker: Any, domain: Any
) -> list[Event]:
    assert _original_run is not None
    if output_channel in _failed_turns:
        raise ActionServerUnavailable(
            f"skipped '{self.name()}': the action server failed earlier in this turn"
        )
    try:
        return await asyncio.wait_for(
            _original_run(self, output_channel, nlg, tracker, domain),
            rasa_settings().action_timeout,
        )
    except ActionExecutionRejection:
        raise  # a form validation saying "no": normal dialogue, not a failure
    except Exception as error:  # any failure: tell the user, keep the state
        _failed_turns.add(output_channel)
        reason = (
            "timed out"
            if isinstance(error, asyncio.TimeoutError)
            else str(error) or type(error).__name__
        )
        status = http_status(error)
        if status is not None:
            reason = f"HTTP {status} from the action server: {reason}"
        reply = failure_reply(error)
        told = (
            "told the user to retry"
            if reply == ACTION_SERVER_DOWN
            else "told the user retrying will not help"
        )
        logger.error(f"Custom action '{self.name()}' failed ({reason}); {told}.")
        await output_channel.send_response(tracker.sender_id, {"text": reply})
        # A RasaException, so Rasa's slot extraction and processor handle it as
        # a failed action (no events) instead of aborting the message.
        raise ActionServerUnavailable(f"custom action '{self.name()}' failed: {reason}") from error


# HTTP statuses from the action server after which the same call may succeed.
RETRYABLE_STATUSES = {408, 429, 502, 503, 504}


# rasa_sdk answers a body over its SANIC_REQUEST_MAX_SIZE with 500 and Sanic's message.
TOO_LARGE_MARKER = "exceeds the size limit"


def _http_error(error: BaseException) -> BaseException | None:
    """The action server's HTTP error behind `error` (Rasa wraps it), if any."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(getattr(current, "status", None), int):
            return current
        current = current.__cause__ or current.__context__
    return None


def http_status(error: BaseException) -> int | None:
    found = _http_error(error)
    return getattr(found, "status", None) if found else None


def failure_reply(error: BaseException) -> str:
    """What to tell the user about a failed custom action."""
    found = _http_error(error)
    status = getattr(found, "status", None)
    if status is None or status in RETRYABLE_STATUSES:
        return ACTION_SERVER_DOWN  # no connection, timeout, overloaded: may pass
    body = getattr(found, "text", b"")
    body = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    if status == 413 or TOO_LARGE_MARKER in body:
        return CONVERSATION_TOO_LONG  # the tracker only grows: retrying can't help
    return ACTION_BROKEN  # the action itself failed (bug, unknown action)


def guard_remote_action_run(rasa_run: Callable[..., Awaitable[list[Event]]]) -> Any:
    """The replacement of `RemoteAction.run` (installed by runtime/patches.py's table;
    forms import the class directly, so the method is replaced on the class)."""
    global _original_run
    _original_run = rasa_run
    return _guarded_run


def forget_original() -> None:
    """Called by runtime/patches.py once Rasa's own `run` is back."""
    global _original_run
    _original_run = None
