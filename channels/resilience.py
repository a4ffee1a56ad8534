"""What the user hears when something fails, instead of silence: every failure reply
is here, with the code that sends it.

* Custom actions: the action guard (runtime/action_guard.py, a patch of
  `RemoteAction.run`) bounds every call and sends ACTION_SERVER_DOWN,
  CONVERSATION_TOO_LONG or ACTION_BROKEN.
* Handling a message raises (e.g. the tracker store or the Redis lock store is
  unreachable): `deliver()` catches it, tells the user, and reports the failure
  to the channel so it can answer 503 / 500 instead of Rasa's ``200 []``.
* A conversation sending faster than people type (channels/rate_limit.py) gets
  a polite "slow down" reply; its message is not processed or stored.

Replies to bad input itself (too long, empty) are with its checks, in
channels/input_guard.py.
"""

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import UserMessage

from channels.rate_limit import SenderRateLimit
from runtime.settings import rasa_settings
from stores.tracker_store import TrackerStoreUnavailable

logger = logging.getLogger(__name__)

ACTION_SERVER_DOWN = (
    "I can't work out the recommendation right now — your answers are saved, "
    "please try again in a moment."
)
# Failures that trying again cannot fix: the user is told what to do instead.
CONVERSATION_TOO_LONG = (
    "This conversation has grown too long for me to work out the recommendation in it, "
    "and trying again won't change that. Your answers are saved: please start a new chat, "
    "or come back after an hour without messages, when a fresh session begins with your answers."
)
ACTION_BROKEN = (
    "Sorry, something went wrong on my side while working out the recommendation, and I've "
    "logged it for the team. Your answers are saved; you can keep asking me questions meanwhile."
)
MEMORY_DOWN = (
    "I can't reach my memory right now, so I can't continue our conversation. "
    "Nothing you told me is lost — please try again in a minute."
)
INTERNAL_ERROR = "Sorry, something went wrong on my side. Please try again."
TOO_FAST = (
    "You're sending messages faster than I can read them — please wait a few seconds "
    "and send that again."
)


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
    """This process's limit (its settings), made on first use."""
    global _sender_limit
    if _sender_limit is None:
        _sender_limit = SenderRateLimit(rasa_settings().max_messages_per_minute)
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
    lock store, stores/lock_store.py, or Rasa's own `type: redis`): a Redis error
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
