"""Posting the assistant's replies to Slack without ever losing the user's turn.

Rasa sends a turn's responses while it handles the message and stores the turn
only afterwards: a `chat.postMessage` that raised (Slack unreachable) used to
abort the turn, so the user's message was lost and nothing was retried.

`SlackOutbox.post()` never raises and returns at once: the message is queued
and sent in the background, so the turn is stored whatever Slack does. Each
post is tried, then retried after `RETRY_DELAYS` (0.5, 1 and 2 s) when the
failure may pass (no connection, timeout, HTTP 5xx, Slack's `internal_error`,
`ratelimited`...), and given up at once when it cannot (`channel_not_found`,
`invalid_auth`, `invalid_blocks`...). Every failed attempt is logged (warning),
giving up is an error. Messages to the same place (channel and thread) are sent
one after another, in the order Rasa produced them, retries included.

A reply whose response was lost in transit may reach Slack twice (Slack has no
idempotency key for chat.postMessage): at least once, not at most once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError

logger = logging.getLogger(__name__)

RETRY_DELAYS: tuple[float, ...] = (0.5, 1.0, 2.0)  # seconds before the 2nd, 3rd, 4th attempt
# Slack's errors after which the same call may succeed.
RETRYABLE_ERRORS = {
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
    "ratelimited",
    "team_added_to_org",
}

Send = Callable[..., Awaitable[Any]]  # e.g. AsyncWebClient.chat_postMessage


def describe(error: BaseException) -> str:
    if isinstance(error, SlackApiError):
        status = getattr(error.response, "status_code", "?")
        try:
            code = error.response.get("error")
        except Exception:  # noqa: BLE001 - a non-JSON answer
            code = None
        return f"HTTP {status}, {code or 'no JSON answer'}"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def retryable(error: BaseException) -> bool:
    """Whether the same call may succeed later."""
    if isinstance(error, SlackApiError):
        status = getattr(error.response, "status_code", 0) or 0
        try:
            code = error.response.get("error")
        except Exception:  # noqa: BLE001 - a non-JSON answer (e.g. a proxy's 502 page)
            code = None
        return status >= 500 or status == 429 or code in RETRYABLE_ERRORS
    return isinstance(error, aiohttp.ClientError | asyncio.TimeoutError | OSError)


class SlackOutbox:
    """Ordered, retried, fire-and-forget posts (one per Slack channel instance)."""

    def __init__(self, delays: Sequence[float] = RETRY_DELAYS) -> None:
        self.delays = tuple(delays)
        # (channel, thread) -> the last queued post there: the next one waits for it.
        self._tails: dict[tuple[str, str | None], asyncio.Task[bool]] = {}
        self._tasks: set[asyncio.Task[bool]] = set()

    def post(self, send: Send, method: str, channel: str, **kwargs: Any) -> asyncio.Task[bool]:
        """Queue `send(channel=channel, **kwargs)`; the task's result says if it was sent."""
        place = (channel, kwargs.get("thread_ts"))
        previous = self._tails.get(place)
        task = asyncio.ensure_future(self._send_after(previous, send, method, channel, kwargs))
        self._tails[place] = task
        self._tasks.add(task)

        def done(finished: asyncio.Task[bool]) -> None:
            self._tasks.discard(finished)
            if self._tails.get(place) is finished:
                del self._tails[place]

        task.add_done_callback(done)
        return task

    async def drain(self) -> None:
        """Wait until everything queued so far was sent or given up (tests, shutdown)."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    async def _send_after(
        self,
        previous: asyncio.Task[bool] | None,
        send: Send,
        method: str,
        channel: str,
        kwargs: dict[str, Any],
    ) -> bool:
        if previous is not None:
            await asyncio.wait({previous})  # its outcome does not matter, only its turn
        return await self._send(send, method, channel, kwargs)

    async def _send(self, send: Send, method: str, channel: str, kwargs: dict[str, Any]) -> bool:
        attempts = len(self.delays) + 1
        for attempt in range(1, attempts + 1):
            try:
                await send(channel=channel, **kwargs)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - never into Rasa: the turn must be stored
                if not retryable(error):
                    logger.error(
                        f"Slack {method} to {channel} failed ({describe(error)}); not retried "
                        "(retrying cannot help). The conversation is stored; this reply is lost."
                    )
                    return False
                if attempt == attempts:
                    logger.error(
                        f"Slack {method} to {channel} failed {attempts} times, the last "
                        f"({describe(error)}); giving up. The conversation is stored; this "
                        "reply is lost."
                    )
                    return False
                delay = self.delays[attempt - 1]
                logger.warning(
                    f"Slack {method} to {channel} failed (attempt {attempt} of {attempts}: "
                    f"{describe(error)}); retrying in {delay:g} s."
                )
                await asyncio.sleep(delay)
            else:
                if attempt > 1:
                    logger.info(f"Slack {method} to {channel} succeeded at attempt {attempt}.")
                return True
        return False  # not reached
