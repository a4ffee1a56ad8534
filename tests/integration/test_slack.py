"""The Slack channel against the real Rasa server: signed Events API and
interactivity requests in, Web API calls recorded by a local fake Slack out.

Replies are sent asynchronously, so tests wait for the fake to see them. To prove
that something produced *no* (second) answer, a test sends a "barrier" question
in the same conversation (DM or thread) afterwards: Rasa handles one
conversation's messages strictly in order and the channel posts to one place in
order, so once the barrier is answered, any extra answer would already have arrived.

Conversation ids are `slack:<team>:<channel>` for a DM and
`slack:<team>:<channel>:<thread ts>` for a thread (`conversation()` below).

At the end: a Slack-only Rasa server (the action guard is installed without the
REST channel), and two Slack channels sharing a real redis-server (de-duplication
across replicas), in-process."""

import asyncio
import json
import logging
import re
import shutil
import socket
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import requests

from advisor.questions import QUESTIONS
from channels.resilience import ACTION_SERVER_DOWN
from harness.servers import MODEL, RasaServer, free_port, wait_http_ok
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


def conversation(channel: str, thread_ts: str | None = None) -> str:
    """The conversation id of a DM (no thread) or a thread."""
    return f"slack:{TEAM_ID}:{channel}" + (f":{thread_ts}" if thread_ts else "")


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
        """A click on `button` of the bot's `message` (ts, text, blocks, thread_ts if
        it was posted in a thread)."""
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
                **({"thread_ts": message["thread_ts"]} if message.get("thread_ts") else {}),
            },
            "channel": {"id": channel, "name": "directmessage"},
            "message": {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, **message},
            "response_url": "http://127.0.0.1:9/unused",
            "actions": [{**button, "block_id": "b1", "action_ts": new_ts()}],
        }
        body = "payload=" + requests.utils.quote(json.dumps(payload))
        return self.post(body.encode(), content_type="application/x-www-form-urlencoded")

    def place_posts(self, channel: str, thread_ts: str | None = None) -> list[dict[str, Any]]:
        """The bot's posts in a DM (top level) or in one thread."""
        return [p for p in self.fake.posts(channel) if p.get("thread_ts") == thread_ts]

    def barrier(
        self, user: str, channel: str, thread_ts: str | None = None
    ) -> list[dict[str, Any]]:
        """Wait until everything sent before in this DM (or thread) has been answered;
        return the posts there before the barrier's own answer."""
        before = len(self.place_posts(channel, thread_ts))
        if thread_ts:
            sent = self.mention(
                user, channel, f"<@{BOT_USER_ID}> what is kpo?", thread_ts=thread_ts
            )
        else:
            sent = self.dm(user, channel, "what is kpo?")
        assert sent.status_code == 200

        def answered() -> tuple[list[dict[str, Any]]] | None:
            posts = self.place_posts(channel, thread_ts)
            for index in range(before, len(posts)):
                if KPO in posts[index].get("text", ""):
                    return (posts[:index],)
            return None

        (earlier,) = self.fake.wait_for(answered)
        return earlier

    def events(self, conversation_id: str, type_name: str) -> list[dict[str, Any]]:
        with sqlite3.connect(self.tracker_db) as db:
            rows = db.execute(
                "SELECT data FROM events WHERE sender_id = ? AND type_name = ? ORDER BY id",
                (conversation_id, type_name),
            ).fetchall()
        return [json.loads(data) for (data,) in rows]

    def user_texts(self, conversation_id: str) -> list[str]:
        return [event.get("text") for event in self.events(conversation_id, "user")]


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
    assert slack.barrier(user, channel) == [post]
    assert slack.user_texts(conversation(channel)) == ["what is bpo?", "what is kpo?"]
    assert slack.user_texts(user) == []  # never a bare Slack user id


def test_mention_in_a_channel_is_answered_in_its_thread_without_the_mention(slack):
    user, channel, ts = new_id("U"), new_id("C"), new_ts()
    assert slack.mention(user, channel, f"<@{BOT_USER_ID}> what is bpo?", ts=ts).status_code == 200
    [post] = slack.fake.wait_for_posts(channel)
    assert BPO in post["text"] and post["thread_ts"] == ts
    thread = conversation(channel, ts)
    assert slack.fake.wait_for(lambda: "what is bpo?" in slack.user_texts(thread))
    assert not any("<@" in text for text in slack.user_texts(thread))

    # Mentioned again inside that thread: the answer stays in the thread.
    assert (
        slack.mention(user, channel, f"what is kpo? <@{BOT_USER_ID}>", thread_ts=ts).status_code
        == 200
    )
    posts = slack.fake.wait_for_posts(channel, 2)
    assert posts[1]["thread_ts"] == ts
    assert slack.fake.wait_for(lambda: len(slack.user_texts(thread)) == 2)


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
    [answer] = slack.barrier(user, channel)
    assert BPO in answer["text"]
    assert slack.user_texts(conversation(channel)) == ["what is bpo?", "what is kpo?"]


def test_the_same_message_as_message_and_app_mention_is_answered_once(slack):
    user, channel, ts = new_id("U"), new_id("D"), new_ts()
    text = f"<@{BOT_USER_ID}> what is bpo?"
    assert slack.mention(user, channel, text, ts=ts).status_code == 200
    assert slack.dm(user, channel, text, ts=ts).status_code == 200
    [answer] = slack.barrier(user, channel)
    assert BPO in answer["text"]


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
    assert slack.barrier(user, channel) == []


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
    assert slack.barrier(user, channel) == []


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
    assert slack.barrier(user, channel) == []


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
    assert slack.fake.wait_for(lambda: "What is BPO?" in slack.user_texts(conversation(channel)))
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
    earlier = slack.barrier(user, channel)
    assert slack.user_texts(conversation(channel)).count("What is BPO?") == 1
    assert len(earlier) == 2  # the greeting and one answer
    assert BPO in earlier[1]["text"]


# ---- conversations belong to the place they happen in


def test_a_dm_and_a_channel_thread_of_the_same_user_stay_apart(slack):
    """An assessment started in a DM does not follow the user into a public thread:
    there a question is just answered (mid-assessment the DM's next question would
    come back after the answer), and what was said in each place is stored apart."""
    user, dm, channel, ts = new_id("U"), new_id("D"), new_id("C"), new_ts()
    core = QUESTIONS["core"].text
    assert slack.dm(user, dm, "help me decide for payroll").status_code == 200
    slack.fake.wait_for(lambda: core in texts(slack.fake.posts(dm)))

    assert slack.mention(user, channel, f"<@{BOT_USER_ID}> what is bpo?", ts=ts).status_code == 200
    earlier = slack.barrier(user, channel, ts)
    assert BPO in texts(earlier)
    assert core not in texts(slack.fake.posts(channel))
    assert all(post["thread_ts"] == ts for post in slack.fake.posts(channel))  # in the thread

    # Back in the DM the assessment is where it was: the next answer is taken.
    assert slack.dm(user, dm, "necessary but not what we're known for").status_code == 200
    slack.fake.wait_for(lambda: QUESTIONS["complexity"].text in texts(slack.fake.posts(dm)))
    assert slack.user_texts(conversation(dm)) == [
        "help me decide for payroll",
        "necessary but not what we're known for",
    ]
    assert slack.user_texts(conversation(channel, ts)) == ["what is bpo?", "what is kpo?"]
    assert slack.user_texts(user) == []
    first = slack.events(conversation(channel, ts), "user")[0]
    assert first["input_channel"] == "slack"
    assert first["metadata"]["slack"]["user"] == user  # who said it is kept


def test_a_click_in_a_thread_belongs_to_the_threads_conversation(slack):
    user, channel, ts = new_id("U"), new_id("C"), new_ts()
    assert slack.mention(user, channel, f"<@{BOT_USER_ID}> hi", ts=ts).status_code == 200
    [greeting] = slack.fake.wait_for_posts(channel)
    assert greeting["thread_ts"] == ts
    button = next(
        element
        for block in greeting["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["text"]["text"] == "What is BPO?"
    )
    message = {
        "ts": new_ts(),
        "thread_ts": ts,
        "text": greeting["text"],
        "blocks": greeting["blocks"],
    }
    assert slack.click(user, channel, message, button).status_code == 200
    posts = slack.fake.wait_for_posts(channel, 2)
    assert BPO in posts[1]["text"] and posts[1]["thread_ts"] == ts
    thread = conversation(channel, ts)
    assert slack.fake.wait_for(lambda: slack.user_texts(thread) == ["hi", "What is BPO?"])
    assert slack.user_texts(conversation(channel)) == []


# ---- a failing Slack API never loses the user's turn


def test_slack_api_failing_twice_then_recovering_still_answers(slack):
    """The first two chat.postMessage calls get no answer (connection dropped): the
    reply is retried (0.5 s, then 1 s later) and arrives once; the turn is stored."""
    user, channel = new_id("U"), new_id("D")
    slack.fake.fail_posts(channel, 2, how="drop")
    assert slack.dm(user, channel, "what is bpo?").status_code == 200
    [post] = slack.fake.wait_for_posts(channel)
    assert BPO in post["text"]
    assert len(slack.fake.failed_posts(channel)) == 2
    assert slack.fake.failed_posts(channel)[0]["text"] == post["text"]  # the same reply, retried
    assert slack.barrier(user, channel) == [post]  # once, not three times
    assert slack.user_texts(conversation(channel)) == ["what is bpo?", "what is kpo?"]
    assert any(BPO in event["text"] for event in slack.events(conversation(channel), "bot"))


def test_slack_api_down_the_turn_is_stored_and_the_failure_logged(slack, rasa_server):
    user, channel = new_id("U"), new_id("D")
    log = rasa_server.server.log
    slack.fake.fail_posts(channel, None, how="http_503")
    try:
        assert slack.dm(user, channel, "what is bpo?").status_code == 200
        gave_up = f"Slack chat.postMessage to {channel} failed 4 times"
        slack.fake.wait_for(lambda: gave_up in log.read_text(errors="replace"), timeout=30)
    finally:
        slack.fake.fail_posts(channel, 0)
    assert len(slack.fake.failed_posts(channel)) == 4  # tried, then retried 3 times
    assert slack.fake.posts(channel) == []
    assert "HTTP 503, service_unavailable" in log.read_text(errors="replace")
    # The user's message and the bot's reply are in the conversation all the same...
    assert slack.user_texts(conversation(channel)) == ["what is bpo?"]
    assert any(BPO in event["text"] for event in slack.events(conversation(channel), "bot"))
    # ...which continues once Slack is back.
    assert slack.barrier(user, channel) == []
    assert slack.user_texts(conversation(channel)) == ["what is bpo?", "what is kpo?"]


# ---- a Slack-only deployment still has the action-timeout guard


class SilentActionServer:
    """Accepts connections and never answers: a hung action server."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/webhook"

    def close(self) -> None:
        self.sock.close()


@pytest.fixture(scope="module")
def slack_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RasaServer, FakeSlack]]:
    """A Rasa server whose credentials enable Slack alone, with a hung action server."""
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make test`, which trains first.")
    workdir = tmp_path_factory.mktemp("slack-only")
    credentials = workdir / "credentials.yml"
    credentials.write_text("channels.slack.SlackChannel:\n")
    actions = SilentActionServer()
    with FakeSlack() as fake:
        server = RasaServer(
            workdir,
            actions.url,
            workdir / "tracker.db",
            credentials=str(credentials),
            extra_env=fake.env(),
        )
        try:
            wait_http_ok(f"{server.base_url}/webhooks/slack/", server.launch(), 180)
            yield server, fake
        finally:
            server.stop()
            actions.close()


def test_a_slack_only_server_has_the_action_guard(slack_only):
    """Rasa would wait 300 s for the hung action server and say nothing; the guard
    (installed by the launcher whatever the channels) answers within its timeout."""
    server, fake = slack_only
    assert requests.get(f"{server.base_url}/webhooks/rest/", timeout=10).status_code == 404
    client = SlackClient(server.base_url, fake, server.tracker_db)
    user, channel = new_id("U"), new_id("D")
    started = time.monotonic()
    assert client.dm(user, channel, "help me decide for payroll").status_code == 200
    fake.wait_for(lambda: ACTION_SERVER_DOWN in texts(fake.posts(channel)), timeout=30)
    assert time.monotonic() - started < 10
    assert client.user_texts(conversation(channel)) == ["help me decide for payroll"]


# ---- two replicas sharing Redis (in-process channels, a real redis-server)


REDIS_PASSWORD = "test-only-redis-password"


class RedisServer:
    """A private redis-server on a free loopback port, stopped by its PID."""

    def __init__(self, directory: Path) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                binary, "--port", str(self.port), "--bind", "127.0.0.1",
                "--requirepass", REDIS_PASSWORD, "--save", "", "--appendonly", "no",
                "--dir", str(directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    if not (shutil.which("redis-server") or Path("/usr/bin/redis-server").exists()):
        pytest.skip("redis-server is not installed (scripts/install_services.sh)")
    server = RedisServer(tmp_path)
    try:
        yield server
    finally:
        server.stop()


def lock_store_for(redis: RedisServer) -> Any:
    """The lock store the way the scale-out replicas create it (deploy/endpoints.scale.yml)."""
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import EndpointConfig

    return LockStore.create(
        EndpointConfig(
            url="127.0.0.1",
            type="stores.lock_store.AtomicRedisLockStore",
            port=redis.port,
            password=REDIS_PASSWORD,
            db=1,
            key_prefix="advisor",
            socket_timeout=5,
        )
    )


def replica(lock_store: Any) -> Any:
    """A configured Slack channel, as each replica has one, de-duplicating via Redis."""
    from channels.slack import SlackChannel

    channel = SlackChannel("xoxb-unused", SIGNING_SECRET, api_url="http://127.0.0.1:9/api/")
    channel._use_shared_dedupe(lock_store)
    return channel


def signed_request(body: bytes, content_type: str = "application/json") -> Any:
    return SimpleNamespace(
        body=body,
        headers={"content-type": content_type, **{k.lower(): v for k, v in sign(body).items()}},
    )


def event_body(event_id: str, channel: str, ts: str, kind: str = "message") -> bytes:
    event = {
        "type": kind,
        "channel": channel,
        "user": "UREPLICAS",
        "text": "what is bpo?",
        "ts": ts,
    }
    if kind == "message":
        event["channel_type"] = "im"
    return json.dumps(
        {"type": "event_callback", "team_id": TEAM_ID, "event_id": event_id, "event": event}
    ).encode()


def click_body(channel: str, message_ts: str) -> bytes:
    payload = {
        "type": "block_actions",
        "user": {"id": "UREPLICAS"},
        "team": {"id": TEAM_ID},
        "channel": {"id": channel},
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
        "message": {"ts": message_ts, "text": "Pick one"},
        "actions": [
            {
                "type": "button",
                "action_id": "rasa_button_0",
                "value": "/faq_what_is_bpo",
                "text": {"type": "plain_text", "text": "What is BPO?"},
                "action_ts": new_ts(),
            }
        ],
    }
    return ("payload=" + requests.utils.quote(json.dumps(payload))).encode()


async def handle_all(
    requests_to: list[tuple[Any, bytes, str]],
) -> tuple[list[Any], list[int]]:
    """Send each (replica, body, content type); return the messages handed to Rasa."""
    received: list[Any] = []

    async def on_new_message(message: Any) -> None:
        received.append(message)

    statuses = []
    for channel, body, content_type in requests_to:
        answer = await channel.handle(signed_request(body, content_type), on_new_message)
        statuses.append(answer.status)
    for _ in range(20):  # the background deliveries
        await asyncio.sleep(0.01)
    return received, statuses


def test_two_replicas_sharing_redis_answer_a_retry_once(redis_server):
    """Each of Slack's repeats reaches the other replica: a retried event, one DM
    message delivered as `message` and `app_mention`, a replayed click."""
    form = "application/x-www-form-urlencoded"
    dm, ts, event_id, message_ts = new_id("D"), new_ts(), new_id("Ev"), new_ts()
    other_dm, other_ts = new_id("D"), new_ts()

    async def scenario() -> tuple[list[Any], list[int]]:
        lock_store = lock_store_for(redis_server)
        one, other = replica(lock_store), replica(lock_store)
        assert one.dedupe.shared and other.dedupe.shared
        return await handle_all(
            [
                (one, event_body(event_id, dm, ts), "application/json"),
                (other, event_body(event_id, dm, ts), "application/json"),  # Slack's retry
                (one, event_body(new_id("Ev"), other_dm, other_ts), "application/json"),
                (
                    other,
                    event_body(new_id("Ev"), other_dm, other_ts, "app_mention"),
                    "application/json",
                ),
                (other, click_body(dm, message_ts), form),
                (one, click_body(dm, message_ts), form),  # the same click, replayed
            ]
        )

    received, statuses = asyncio.run(scenario())
    assert statuses == [200] * 6
    assert [(m.text, m.sender_id) for m in received] == [
        ("what is bpo?", conversation(dm)),
        ("what is bpo?", conversation(other_dm)),
        ("/faq_what_is_bpo", conversation(dm)),  # the button's payload
    ]


def test_redis_unreachable_loses_no_message(redis_server, caplog):
    """Redis stopped: each replica falls back to its own memory (a retry reaching the
    same replica is still dropped), and says so in the log."""

    async def scenario() -> tuple[list[Any], list[int]]:
        one = replica(lock_store_for(redis_server))
        redis_server.stop()
        channel, ts, event_id = new_id("D"), new_ts(), new_id("Ev")
        started = time.monotonic()
        result = await handle_all(
            [
                (one, event_body(event_id, channel, ts), "application/json"),
                (one, event_body(event_id, channel, ts), "application/json"),
                (one, event_body(new_id("Ev"), channel, new_ts()), "application/json"),
            ]
        )
        assert time.monotonic() - started < 3  # short timeouts: Slack waits 3 s at most
        return result

    with caplog.at_level(logging.WARNING, logger="channels.slack_dedupe"):
        received, statuses = asyncio.run(scenario())
    assert statuses == [200, 200, 200]
    assert [m.text for m in received] == ["what is bpo?", "what is bpo?"]
    assert [r for r in caplog.records if "unreachable for de-duplication" in r.getMessage()]


def test_the_recommendation_links_its_report_and_sums_it_up_in_blocks(slack):
    user, channel = new_id("U"), new_id("D")
    whole_assessment = (
        "We want to outsource payroll. It's not core and very routine, basic skills are "
        "enough, the data is not sensitive and we mainly want to cut costs."
    )
    assert slack.dm(user, channel, whole_assessment).status_code == 200

    def summary_posted() -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
        posts = slack.place_posts(channel)
        headed = [p for p in posts if (p.get("blocks") or [{}])[0].get("type") == "header"]
        return (posts, headed[0]) if headed else None

    posts, summary = slack.fake.wait_for(summary_posted)
    link = re.search(r"<(http://127\.0\.0\.1:\d+/report/[\w-]+)\|Open the report>", texts(posts))
    assert link, texts(posts)
    assert "Recommendation for payroll: BPO" in summary["text"]
    fields = " ".join(f["text"] for b in summary["blocks"] for f in b.get("fields", []))
    assert "*Recommendation*" in fields and "a clear fit" in fields
    (actions,) = [b for b in summary["blocks"] if b["type"] == "actions"]
    assert actions["elements"][0]["url"] == link.group(1)
    report = requests.get(link.group(1), timeout=30)
    assert report.status_code == 200 and "payroll" in report.text


def test_what_would_change_it_in_slack(slack):
    user, channel = new_id("U"), new_id("D")
    whole_assessment = (
        "We want to outsource payroll. It's not core and very routine, basic skills are "
        "enough, the data is not sensitive and we mainly want to cut costs."
    )
    assert slack.dm(user, channel, whole_assessment).status_code == 200

    def summary_posted() -> dict[str, Any] | None:
        posts = slack.place_posts(channel)
        headed = [p for p in posts if (p.get("blocks") or [{}])[0].get("type") == "header"]
        return headed[0] if headed else None

    summary = slack.fake.wait_for(summary_posted)
    assert "*What would change it*" in json.dumps(summary["blocks"])
    before = len(slack.place_posts(channel))
    assert slack.dm(user, channel, "what would change your recommendation?").status_code == 200
    posts = slack.fake.wait_for(
        lambda: (
            slack.place_posts(channel)[before:]
            if len(slack.place_posts(channel)) > before
            else None
        )
    )
    assert "My recommendation for payroll is BPO." in posts[0]["text"]
    assert "Settled:" in posts[0]["text"]


def test_a_hybrid_split_in_slack(slack):
    user, channel = new_id("U"), new_id("D")
    distinctive_routine = (
        "We want to outsource customer care. It sets us apart, but it's mostly routine, "
        "basic skills are enough, the data is not sensitive and we mainly want to cut costs."
    )
    assert slack.dm(user, channel, distinctive_routine).status_code == 200

    def summary_posted() -> dict[str, Any] | None:
        posts = slack.place_posts(channel)
        headed = [p for p in posts if (p.get("blocks") or [{}])[0].get("type") == "header"]
        return headed[0] if headed else None

    summary = slack.fake.wait_for(summary_posted)
    assert "a hybrid split between BPO and keeping it in-house" in summary["text"]
