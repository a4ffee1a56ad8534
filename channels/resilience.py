"""What the user hears when a dependency fails, instead of silence.

* Custom actions: Rasa waits up to 300 s for the action server and, when a call
  fails, logs it and answers nothing. `guard_remote_action_run` (a patch of
  `RemoteAction.run`, listed in runtime/patches.py) bounds every call
  to ``RASA_ACTION_TIMEOUT`` seconds (default 3) and tells the user once per
  message. Rasa's own handling is otherwise unchanged: the failed action adds no
  events, so the form and every slot stay as they were, and the next message
  after the action server is back continues the conversation.
  What the user is told depends on whether trying again can help: a down, slow
  or overloaded action server (no connection, timeout, 502/503/504) gets "try
  again in a moment"; a tracker too big for the action server (413) and a broken
  action (other 4xx/5xx) get a reply that does not promise a retry will work.
* Handling a message raises (e.g. the tracker store or the Redis lock store is
  unreachable): `deliver()` catches it, tells the user, and reports the failure
  to the channel so it can answer 503 / 500 instead of Rasa's ``200 []``.
* A conversation sending faster than people type (channels/rate_limit.py) gets
  a polite "slow down" reply; its message is not processed or stored.
"""

import asyncio
import hashlib
import logging
import os
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.shared.core.events import Event
from rasa.shared.exceptions import RasaException

from channels.input_guard import (
    ACTION_BROKEN,
    ACTION_SERVER_DOWN,
    CONVERSATION_TOO_LONG,
    INTERNAL_ERROR,
    MEMORY_DOWN,
    TOO_FAST,
)
from channels.rate_limit import SenderRateLimit, limit_from_environment
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
            _original_run(self, output_channel, nlg, tracker, domain), action_timeout()
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


def log_name(sender_id: str) -> str:
    """How logs name a conversation: a REST sender id is a bearer secret (whoever
    knows it can read the conversation), so only a short digest of it, enough to
    follow one conversation through the log. Slack and web chat ids are kept."""
    if sender_id.startswith(("slack:", "socketio:")):
        return repr(sender_id)
    digest = hashlib.sha256(sender_id.encode("utf-8", "surrogatepass")).hexdigest()
    return f"rest#{digest[:12]}"


@dataclass(frozen=True)
class Failure:
    status: int  # HTTP status for channels that have one
    text: str  # what the user is told


_sender_limit: SenderRateLimit | None = None


def sender_limit() -> SenderRateLimit:
    """This process's limit, read from the environment on first use."""
    global _sender_limit
    if _sender_limit is None:
        _sender_limit = SenderRateLimit(limit_from_environment())
    return _sender_limit


async def deliver(
    on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage
) -> Failure | None:
    """Hand `message` to Rasa; on failure tell the user and return what failed."""
    if not sender_limit().allow(message.sender_id):
        logger.warning(f"Too many messages from {log_name(message.sender_id)}: asked to slow down.")
        return await _tell(message, Failure(200, TOO_FAST))  # a polite reply, not an error
    try:
        await on_new_message(message)
        return None
    except TrackerStoreUnavailable as error:
        logger.error(
            f"Tracker store unavailable, message from {log_name(message.sender_id)} not "
            f"processed: {error}"
        )
        failure = Failure(503, MEMORY_DOWN)
    except asyncio.CancelledError:
        raise
    except Exception as error:  # a bug must not leave the user in silence
        if _lock_store_unavailable(error):
            logger.error(
                f"Lock store unavailable, message from {log_name(message.sender_id)} not "
                f"processed: {error}"
            )
            failure = Failure(503, MEMORY_DOWN)
        else:
            logger.exception(f"Handling a message from {log_name(message.sender_id)} failed.")
            failure = Failure(500, INTERNAL_ERROR)
    return await _tell(message, failure)


def _lock_store_unavailable(error: BaseException) -> bool:
    """The conversation's lock could not be taken because Redis failed (the scale-out
    lock store, deploy/lock_store.py, or Rasa's own `type: redis`): a Redis error
    anywhere in the chain of causes. Nothing of the message was processed."""
    try:
        from redis.exceptions import RedisError
    except ImportError:  # pragma: no cover - redis is a dependency of Rasa
        return False
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, RedisError):
            return True
        current = current.__cause__ or current.__context__
    return False


async def _tell(message: UserMessage, failure: Failure) -> Failure:
    try:
        await message.output_channel.send_response(message.sender_id, {"text": failure.text})
    except Exception:  # the channel itself is broken; the status still tells
        logger.exception("Could not tell the user about the failure.")
    return failure
