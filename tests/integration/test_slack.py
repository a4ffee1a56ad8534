"""The Slack channel against the real Rasa server: signed Events API and
interactivity requests in, Web API calls recorded by a local fake Slack out.

Replies are sent asynchronously, so tests wait for the fake to see them. To prove
that something produced *no* (second) answer, a test sends a "barrier" question
for the same user afterwards: Rasa handles one user's messages strictly in order,
so once the barrier is answered, any extra answer would already have arrived."""

import asyncio
import json
import logging
import sqlite3
import time
import uuid
from itertools import count
from types import SimpleNamespace
from typing import Any

import pytest
import requests

from tests.integration.fake_slack import (
    BOT_ID,
    BOT_USER_ID,
    SIGNING_SECRET,
    TEAM_ID,
    FakeSlack,
    sign,
)

BPO = "Business Process Outsourcing"
KPO = "Knowledge Process Outsourcing"
_ts_counter = count(1)


def new_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:10].upper()


def new_ts() -> str:
    return f"{int(time.time())}.{next(_ts_counter):06d}"


class SlackClient:
    """Sends what Slack would send to the assistant's webhook."""

    def __init__(self, base_url: str, fake: FakeSlack, tracker_db: Any) -> None:
        self.webhook = f"{base_url}/webhooks/slack/webhook"
        self.fake = fake
        self.tracker_db = tracker_db

    def post(
        self,
        body: bytes,
        content_type: str = "application/json",
        timestamp: int | None = None,
        secret: str = SIGNING_SECRET,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        all_headers = {
            "Content-Type": content_type,
            **sign(body, timestamp, secret),
            **(headers or {}),
        }
        return requests.post(self.webhook, data=body, headers=all_headers, timeout=10)

    def event(
        self, event: dict[str, Any], event_id: str | None = None, **kwargs: Any
    ) -> requests.Response:
        envelope = {
            "token": "legacy-verification-token",
            "team_id": TEAM_ID,
            "api_app_id": "ATESTAPP",
            "event": {"team": TEAM_ID, "event_ts": event.get("ts"), **event},
            "type": "event_callback",
            "event_id": event_id or new_id("Ev"),
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": TEAM_ID,
                    "user_id": BOT_USER_ID,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        response = self.post(json.dumps(envelope).encode(), **kwargs)
        return response

    def dm(
        self, user: str, channel: str, text: str, ts: str | None = None, **kwargs: Any
    ) -> requests.Response:
        event = {
            "type": "message",
            "channel": channel,
            "user": user,
            "text": text,
            "ts": ts or new_ts(),
            "channel_type": "im",
            "client_msg_id": str(uuid.uuid4()),
        }
        return self.event(event, **kwargs)

    def mention(
        self,
        user: str,
        channel: str,
        text: str,
        ts: str | None = None,
        thread_ts: str | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        event = {
            "type": "app_mention",
            "channel": channel,
            "user": user,
            "text": text,
            "ts": ts or new_ts(),
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        return self.event(event, **kwargs)

    def click(
        self, user: str, channel: str, message: dict[str, Any], button: dict[str, Any]
    ) -> requests.Response:
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": "tester", "team_id": TEAM_ID},
            "api_app_id": "ATESTAPP",
            "team": {"id": TEAM_ID, "domain": "test"},
            "container": {
                "type": "message",
                "message_ts": message["ts"],
                "channel_id": channel,
                "is_ephemeral": False,
            },
            "channel": {"id": channel, "name": "directmessage"},
            "message": {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, **message},
            "response_url": "http://127.0.0.1:9/unused",
            "actions": [{**button, "block_id": "b1", "action_ts": new_ts()}],
        }
        body = "payload=" + requests.utils.quote(json.dumps(payload))
        return self.post(body.encode(), content_type="application/x-www-form-urlencoded")

    def barrier(self, user: str) -> None:
        """Wait until everything this user sent before has been answered."""
        channel = new_id("DBARRIER")
        assert self.dm(user, channel, "what is kpo?").status_code == 200
        self.fake.wait_for(lambda: any(KPO in p.get("text", "") for p in self.fake.posts(channel)))

    def user_texts(self, user: str) -> list[str]:
        with sqlite3.connect(self.tracker_db) as db:
            rows = db.execute(
                "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id",
                (user,),
            ).fetchall()
        return [json.loads(data).get("text") for (data,) in rows]


@pytest.fixture(scope="module")
def slack(rasa_server: Any, fake_slack: FakeSlack) -> SlackClient:
    health = requests.get(f"{rasa_server.base_url}/webhooks/slack/", timeout=10)
    if health.status_code == 404:
        pytest.fail(
            "The Slack channel is not enabled: add `channels.slack.SlackChannel:` to "
            "credentials.yml."
        )
    assert health.json() == {"status": "ok", "configured": True}, health.text
    # The channel checks its token with auth.test at start-up.
    fake_slack.wait_for(lambda: fake_slack.posts(method="auth.test"), timeout=10)
    return SlackClient(rasa_server.base_url, fake_slack, rasa_server.tracker_db)


def texts(posts: list[dict[str, Any]]) -> str:
    return "\n".join(p.get("text", "") for p in posts)


def test_url_verification_is_answered_with_the_challenge(slack):
    body = json.dumps(
        {
            "token": "x",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "type": "url_verification",
        }
    ).encode()
    response = slack.post(body)
    assert response.status_code == 200
    assert response.json()["challenge"] == "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"


def test_direct_message_gets_one_answer_in_mrkdwn(slack):
    user, channel = new_id("U"), new_id("D")
    assert slack.dm(user, channel, "what is bpo?").status_code == 200
    [post] = slack.fake.wait_for_posts(channel)
    assert BPO in post["text"]
    assert "*BPO (Business Process Outsourcing)*" in post["text"] and "**" not in post["text"]
    assert "thread_ts" not in post  # a DM is answered in the conversation itself
    slack.barrier(user)
    assert len(slack.fake.posts(channel)) == 1


def test_mention_in_a_channel_is_answered_in_its_thread_without_the_mention(slack):
    user, channel, ts = new_id("U"), new_id("C"), new_ts()
    assert slack.mention(user, channel, f"<@{BOT_USER_ID}> what is bpo?", ts=ts).status_code == 200
    [post] = slack.fake.wait_for_posts(channel)
    assert BPO in post["text"] and post["thread_ts"] == ts
    assert slack.fake.wait_for(lambda: "what is bpo?" in slack.user_texts(user))
    assert not any("<@" in text for text in slack.user_texts(user))

    # Mentioned again inside that thread: the answer stays in the thread.
    assert (
        slack.mention(user, channel, f"what is kpo? <@{BOT_USER_ID}>", thread_ts=ts).status_code
        == 200
    )
    posts = slack.fake.wait_for_posts(channel, 2)
    assert posts[1]["thread_ts"] == ts


def test_a_retried_event_is_answered_once(slack):
    user, channel, ts, event_id = new_id("U"), new_id("D"), new_ts(), new_id("Ev")
    assert slack.dm(user, channel, "what is bpo?", ts=ts, event_id=event_id).status_code == 200
    retry = slack.dm(
        user,
        channel,
        "what is bpo?",
        ts=ts,
        event_id=event_id,
        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"},
    )
    assert retry.status_code == 200
    slack.barrier(user)
    assert len(slack.fake.posts(channel)) == 1 and BPO in texts(slack.fake.posts(channel))


def test_the_same_message_as_message_and_app_mention_is_answered_once(slack):
    user, channel, ts = new_id("U"), new_id("D"), new_ts()
    text = f"<@{BOT_USER_ID}> what is bpo?"
    assert slack.mention(user, channel, text, ts=ts).status_code == 200
    assert slack.dm(user, channel, text, ts=ts).status_code == 200
    slack.barrier(user)
    assert len(slack.fake.posts(channel)) == 1 and BPO in texts(slack.fake.posts(channel))


def test_forged_or_stale_requests_are_rejected_and_not_answered(slack):
    user, channel = new_id("U"), new_id("D")
    assert slack.dm(user, channel, "what is bpo?", secret="not-the-secret").status_code == 401
    assert (
        slack.dm(user, channel, "what is bpo?", timestamp=int(time.time()) - 6 * 60).status_code
        == 401
    )
    unsigned = requests.post(
        slack.webhook,
        data=b'{"type": "event_callback"}',
        timeout=10,
        headers={"Content-Type": "application/json"},
    )
    assert unsigned.status_code == 401
    slack.barrier(user)
    assert slack.fake.posts(channel) == []


@pytest.mark.parametrize("signature", ["v0=é", "v0=\u2603" + "0" * 60, "v0=" + "ü" * 64])
def test_a_non_ascii_signature_is_rejected_with_401(slack, signature):
    """hmac.compare_digest raises on non-ASCII str: the comparison is on bytes."""
    user, channel = new_id("U"), new_id("D")
    body = json.dumps(
        {
            "type": "event_callback",
            "event_id": new_id("Ev"),
            "event": {
                "type": "message",
                "channel": channel,
                "user": user,
                "text": "what is bpo?",
                "ts": new_ts(),
                "channel_type": "im",
            },
        }
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": str(int(time.time())),
        "X-Slack-Signature": signature.encode("utf-8"),
    }  # raw UTF-8 bytes on the wire
    response = requests.post(slack.webhook, data=body, headers=headers, timeout=10)
    assert response.status_code == 401, response.text
    # A non-ASCII timestamp (int() would accept Arabic-Indic digits) is malformed too.
    headers["X-Slack-Request-Timestamp"] = "١٧٠٠٠٠٠٠٠٠".encode()
    assert requests.post(slack.webhook, data=body, headers=headers, timeout=10).status_code == 401
    slack.barrier(user)
    assert slack.fake.posts(channel) == []


def test_malformed_json_is_a_bad_request(slack):
    assert slack.post(b'{"type": "event_callback", "event": ').status_code == 400
    assert slack.post(b'["not", "an", "object"]').status_code == 400


def test_messages_from_this_or_other_bots_are_ignored(slack):
    user, channel = new_id("U"), new_id("D")
    own = {
        "type": "message",
        "channel": channel,
        "user": BOT_USER_ID,
        "bot_id": BOT_ID,
        "text": "what is bpo?",
        "ts": new_ts(),
        "channel_type": "im",
    }
    other = {
        "type": "message",
        "subtype": "bot_message",
        "channel": channel,
        "bot_id": "BOTHERBOT",
        "username": "other",
        "text": "what is bpo?",
        "ts": new_ts(),
        "channel_type": "im",
    }
    own_user_only = {
        "type": "message",
        "channel": channel,
        "user": BOT_USER_ID,
        "text": "what is bpo?",
        "ts": new_ts(),
        "channel_type": "im",
    }
    for event in (own, other, own_user_only):
        assert slack.event(event).status_code == 200
    slack.barrier(user)
    assert slack.fake.posts(channel) == []


def test_json_with_a_charset_is_accepted(slack):
    user, channel = new_id("U"), new_id("D")
    response = slack.dm(
        user, channel, "what is bpo?", content_type="application/json; charset=utf-8"
    )
    assert response.status_code == 200
    assert BPO in texts(slack.fake.wait_for_posts(channel))


def test_buttons_are_slack_buttons_and_a_click_is_the_users_message(slack):
    user, channel = new_id("U"), new_id("D")
    assert slack.dm(user, channel, "hi").status_code == 200
    [greeting] = slack.fake.wait_for_posts(channel)
    actions = [block for block in greeting["blocks"] if block["type"] == "actions"]
    buttons = [element for block in actions for element in block["elements"]]
    assert all(button["type"] == "button" for button in buttons)
    assert {"What is BPO?", "Assess my process"} <= {button["text"]["text"] for button in buttons}
    bpo_button = next(button for button in buttons if button["text"]["text"] == "What is BPO?")

    message = {"ts": "1700000000.000100", "text": greeting["text"], "blocks": greeting["blocks"]}
    assert slack.click(user, channel, message, bpo_button).status_code == 200
    posts = slack.fake.wait_for_posts(channel, 2)
    assert BPO in posts[1]["text"]
    assert slack.fake.wait_for(lambda: "What is BPO?" in slack.user_texts(user))
    # The clicked message loses its buttons and shows the choice.
    [update] = slack.fake.wait_for(lambda: slack.fake.posts(channel, method="chat.update"))
    assert update["ts"] == message["ts"]
    assert not any(block["type"] == "actions" for block in update["blocks"])
    assert "What is BPO?" in json.dumps(update["blocks"])


# ---- in-process: the channel without Slack settings (no second Rasa server needed)


def test_without_settings_the_webhook_answers_503_and_processes_nothing(monkeypatch, caplog):
    from channels.slack import SlackChannel

    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL"):
        monkeypatch.delenv(name, raising=False)
    with caplog.at_level(logging.WARNING, logger="channels.slack"):
        channel = SlackChannel.from_credentials(None)
    assert [r.levelname for r in caplog.records if "Slack is not configured" in r.getMessage()] == [
        "WARNING"
    ]

    received: list[Any] = []

    async def on_new_message(message: Any) -> None:
        received.append(message)

    body = json.dumps({"type": "url_verification", "challenge": "abc"}).encode()
    request = SimpleNamespace(
        body=body,
        headers={
            "content-type": "application/json",
            **{k.lower(): v for k, v in sign(body).items()},
        },
    )
    response = asyncio.run(channel.handle(request, on_new_message))
    assert response.status == 503 and response.body == b"Slack is not configured"
    assert received == []


def test_a_replayed_or_repeated_click_is_taken_once(slack):
    """The same signed click sent twice (a replay within the 5-minute window), a double
    click and a click on another button of the same message give one answer."""
    user, channel = new_id("U"), new_id("D")
    assert slack.dm(user, channel, "hi").status_code == 200
    [greeting] = slack.fake.wait_for_posts(channel)
    buttons = [
        element
        for block in greeting["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]
    bpo = next(button for button in buttons if button["text"]["text"] == "What is BPO?")
    other = next(button for button in buttons if button is not bpo)
    message = {"ts": new_ts(), "text": greeting["text"], "blocks": greeting["blocks"]}

    payload = "payload=" + requests.utils.quote(
        json.dumps(
            {
                "type": "block_actions",
                "user": {"id": user, "team_id": TEAM_ID},
                "team": {"id": TEAM_ID},
                "container": {
                    "type": "message",
                    "message_ts": message["ts"],
                    "channel_id": channel,
                },
                "channel": {"id": channel},
                "message": {"type": "message", "user": BOT_USER_ID, **message},
                "actions": [{**bpo, "block_id": "b1", "action_ts": new_ts()}],
            }
        )
    )
    signed = sign(payload.encode())
    for _ in range(2):  # byte-for-byte the same request, same signature
        replay = requests.post(
            slack.webhook,
            data=payload.encode(),
            timeout=10,
            headers={"Content-Type": "application/x-www-form-urlencoded", **signed},
        )
        assert replay.status_code == 200
    assert slack.click(user, channel, message, bpo).status_code == 200  # a double click
    assert (
        slack.click(user, channel, message, other).status_code == 200
    )  # another button, same message
    slack.barrier(user)
    assert slack.user_texts(user).count("What is BPO?") == 1
    assert len(slack.fake.posts(channel)) == 2  # the greeting and one answer
    assert BPO in slack.fake.posts(channel)[1]["text"]
