"""channels/slack_outbox.py: posts never raise into Rasa, are retried with backoff
when the failure may pass, given up (and logged) when it cannot, and keep their
order per channel and thread. The same against the running server, with a Slack
API failing: tests/integration/test_slack.py."""

import asyncio
import logging
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from channels import slack_outbox
from channels.slack_outbox import SlackOutbox, retryable


def api_error(status: int, error: str | None) -> SlackApiError:
    data: dict[str, Any] = {"ok": False, **({"error": error} if error else {})}
    response = AsyncSlackResponse(
        client=None,
        http_verb="POST",
        api_url="https://slack.com/api/chat.postMessage",
        req_args={},
        data=data,
        headers={},
        status_code=status,
    )
    return SlackApiError(f"The request to the Slack API failed: {error}", response)


class FlakySlack:
    """chat.postMessage that fails with the given errors first, then succeeds."""

    def __init__(self, *failures: BaseException) -> None:
        self.failures = list(failures)
        self.attempts: list[dict[str, Any]] = []
        self.sent: list[dict[str, Any]] = []

    async def chat_postMessage(self, **kwargs: Any) -> dict[str, Any]:
        self.attempts.append(kwargs)
        await asyncio.sleep(0)
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(kwargs)
        return {"ok": True}


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the backoff instead of waiting it."""
    waited: list[float] = []
    real_sleep = asyncio.sleep

    async def fake_sleep(seconds: float) -> None:
        if seconds:  # sleep(0) is a yield (the fake Slack's), not a backoff
            waited.append(seconds)
        await real_sleep(0)

    monkeypatch.setattr(slack_outbox.asyncio, "sleep", fake_sleep)
    return waited


def send_all(slack: FlakySlack, *texts: str, thread: str | None = None) -> list[bool]:
    async def scenario() -> list[bool]:
        outbox = SlackOutbox()
        extra = {"thread_ts": thread} if thread else {}
        tasks = [
            outbox.post(slack.chat_postMessage, "chat.postMessage", "D1", text=text, **extra)
            for text in texts
        ]
        await outbox.drain()
        return [task.result() for task in tasks]

    return asyncio.run(scenario())


def test_a_post_failing_twice_is_retried_after_half_a_second_then_one(sleeps, caplog):
    slack = FlakySlack(aiohttp.ServerDisconnectedError(), api_error(503, "service_unavailable"))
    with caplog.at_level(logging.INFO, logger="channels.slack_outbox"):
        assert send_all(slack, "hello") == [True]
    assert [post["text"] for post in slack.sent] == ["hello"]
    assert len(slack.attempts) == 3 and sleeps == [0.5, 1.0]
    warnings = [r.message for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2 and "attempt 1 of 4" in warnings[0]
    assert "HTTP 503, service_unavailable" in warnings[1]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_slack_down_for_good_is_given_up_after_four_attempts_and_logged(sleeps, caplog):
    slack = FlakySlack(*[aiohttp.ClientConnectionError("Cannot connect to host")] * 10)
    with caplog.at_level(logging.WARNING, logger="channels.slack_outbox"):
        assert send_all(slack, "hello") == [False]  # returned, not raised
    assert len(slack.attempts) == 4 and sleeps == [0.5, 1.0, 2.0]
    [error] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "failed 4 times" in error.message and "conversation is stored" in error.message


def test_an_error_retrying_cannot_fix_is_not_retried(sleeps, caplog):
    slack = FlakySlack(api_error(200, "channel_not_found"))
    with caplog.at_level(logging.WARNING, logger="channels.slack_outbox"):
        assert send_all(slack, "hello") == [False]
    assert len(slack.attempts) == 1 and sleeps == []
    [error] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "channel_not_found" in error.message and "not retried" in error.message


def test_a_bug_in_sending_is_logged_not_raised(sleeps, caplog):
    slack = FlakySlack(TypeError("unexpected keyword"))
    with caplog.at_level(logging.WARNING, logger="channels.slack_outbox"):
        assert send_all(slack, "hello") == [False]
    assert any(r.levelno == logging.ERROR for r in caplog.records)


def test_posts_to_one_place_keep_their_order_through_retries(sleeps):
    slack = FlakySlack(asyncio.TimeoutError(), asyncio.TimeoutError())
    assert send_all(slack, "first", "second", "third", thread="1700000000.000100") == [True] * 3
    assert [post["text"] for post in slack.sent] == ["first", "second", "third"]
    assert all(post["thread_ts"] == "1700000000.000100" for post in slack.sent)


@pytest.mark.parametrize(
    "error, expected",
    [
        (aiohttp.ClientConnectorError.__new__(aiohttp.ClientConnectorError), True),
        (asyncio.TimeoutError(), True),
        (ConnectionResetError(), True),
        (api_error(500, None), True),
        (api_error(502, None), True),
        (api_error(429, "ratelimited"), True),
        (api_error(200, "internal_error"), True),
        (api_error(200, "invalid_auth"), False),
        (api_error(200, "invalid_blocks"), False),
        (api_error(200, "msg_too_long"), False),
        (ValueError("bug"), False),
    ],
)
def test_what_is_worth_retrying(error, expected):
    assert retryable(error) is expected
