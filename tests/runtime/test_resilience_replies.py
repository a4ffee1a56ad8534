"""What the user is told about a failed custom action: "try again in a moment" only
when trying again can help (runtime/action_guard.py)."""

import asyncio

import aiohttp
import pytest
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import ClientResponseError

from channels.resilience import ACTION_BROKEN, ACTION_SERVER_DOWN, CONVERSATION_TOO_LONG
from runtime.action_guard import failure_reply


def as_rasa_raises(error: BaseException) -> BaseException:
    """`error` wrapped the way RemoteAction.run re-raises it."""
    try:
        try:
            raise error
        except Exception as cause:
            raise RasaException("Failed to execute custom action 'action_x'") from cause
    except RasaException as wrapped:
        return wrapped


TOO_LARGE = b'{"error":"Request body exceeds the size limit","request_body":null}'


@pytest.mark.parametrize(
    "error, reply",
    [
        (asyncio.TimeoutError(), ACTION_SERVER_DOWN),  # hung: RASA_ACTION_TIMEOUT
        (as_rasa_raises(aiohttp.ClientConnectionError("refused")), ACTION_SERVER_DOWN),  # down
        (as_rasa_raises(ClientResponseError(503, "Unavailable", b"")), ACTION_SERVER_DOWN),
        (as_rasa_raises(ClientResponseError(502, "Bad Gateway", b"")), ACTION_SERVER_DOWN),
        (as_rasa_raises(ClientResponseError(429, "Too Many", b"")), ACTION_SERVER_DOWN),
        # rasa_sdk answers an over-limit body with 500 and Sanic's message; a proxy with 413.
        (
            as_rasa_raises(ClientResponseError(500, "Internal Server Error", TOO_LARGE)),
            CONVERSATION_TOO_LONG,
        ),
        (as_rasa_raises(ClientResponseError(413, "Payload Too Large", b"")), CONVERSATION_TOO_LONG),
        (
            as_rasa_raises(ClientResponseError(500, "Internal Server Error", b'{"error":"boom"}')),
            ACTION_BROKEN,
        ),
        (as_rasa_raises(ClientResponseError(404, "Not Found", b"")), ACTION_BROKEN),
    ],
)
def test_the_reply_says_whether_retrying_can_help(error: BaseException, reply: str) -> None:
    assert failure_reply(error) == reply


def test_only_the_transient_reply_promises_a_retry() -> None:
    assert "try again in a moment" in ACTION_SERVER_DOWN
    for permanent in (CONVERSATION_TOO_LONG, ACTION_BROKEN):
        assert (
            "try again in a moment" not in permanent and "please try again" not in permanent.lower()
        )
