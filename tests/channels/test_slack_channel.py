"""channels/slack.py in-process (no Rasa server, no Slack): which conversation each
Slack message and click belongs to, where the replies go, that posting never
raises into Rasa (every kind of response, custom Block Kit JSON included), and
that the launcher installs the action guard for a Slack-only server. Against the
running server: tests/integration/test_slack.py."""

import asyncio
import json
import sys
import time
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest

from channels.slack import SlackChannel, SlackReplies, conversation_id
from channels.slack_outbox import SlackOutbox
from tests.integration.fake_slack import SIGNING_SECRET, TEAM_ID, sign

BOT = "UBOT"


def test_conversation_ids_carry_team_channel_and_thread():
    assert conversation_id("T1", "D1") == "slack:T1:D1"
    assert conversation_id("T1", "C1", "1700000000.000100") == "slack:T1:C1:1700000000.000100"
    assert conversation_id(None, "D1") == "slack:-:D1"


def channel() -> SlackChannel:
    slack = SlackChannel("xoxb-unit", SIGNING_SECRET, api_url="http://127.0.0.1:9/api/")
    slack.bot_user_ids.add(BOT)
    return slack


def request(body: bytes, content_type: str = "application/json") -> Any:
    return SimpleNamespace(
        body=body,
        headers={"content-type": content_type, **{k.lower(): v for k, v in sign(body).items()}},
    )


def event(kind: str, channel_id: str, ts: str, thread_ts: str | None = None, **extra: Any) -> bytes:
    body: dict[str, Any] = {
        "type": kind,
        "channel": channel_id,
        "user": "UALICE",
        "text": f"<@{BOT}> what is bpo?",
        "ts": ts,
        **extra,
    }
    if thread_ts:
        body["thread_ts"] = thread_ts
    envelope = {
        "type": "event_callback",
        "team_id": TEAM_ID,
        "event_id": f"Ev{ts}",
        "event": body,
    }
    return json.dumps(envelope).encode()


def click(channel_id: str, message_ts: str, thread_ts: str | None = None) -> bytes:
    message: dict[str, Any] = {"ts": message_ts, "text": "Pick one"}
    container: dict[str, Any] = {"type": "message", "message_ts": message_ts}
    if thread_ts:
        message["thread_ts"] = container["thread_ts"] = thread_ts
    payload = {
        "type": "block_actions",
        "user": {"id": "UBOB", "team_id": TEAM_ID},
        "team": {"id": TEAM_ID},
        "channel": {"id": channel_id},
        "container": container,
        "message": message,
        "actions": [
            {
                "type": "button",
                "action_id": "rasa_button_0",
                "value": "/faq_what_is_bpo",
                "text": {"type": "plain_text", "text": "What is BPO?"},
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    return ("payload=" + quote(json.dumps(payload))).encode()


def handled(slack: SlackChannel, *bodies: tuple[bytes, str]) -> list[Any]:
    """The messages handed to Rasa for these webhook requests."""
    received: list[Any] = []

    async def on_new_message(message: Any) -> None:
        received.append(message)

    async def scenario() -> None:
        for body, content_type in bodies:
            assert (await slack.handle(request(body, content_type), on_new_message)).status == 200
        await asyncio.gather(*slack._background_tasks)

    asyncio.run(scenario())
    return received


JSON, FORM = "application/json", "application/x-www-form-urlencoded"


def where(message: Any) -> tuple[str, str | None, str]:
    """(conversation, thread of the replies, channel of the replies)"""
    output = message.output_channel
    return message.sender_id, output.thread_id, output.slack_channel


def test_a_dm_is_one_conversation_and_answered_in_the_dm():
    [message] = handled(channel(), (event("message", "D1", "1.000001", channel_type="im"), JSON))
    assert where(message) == (f"slack:{TEAM_ID}:D1", None, "D1")
    assert message.input_channel == "slack"
    assert message.metadata["slack"]["user"] == "UALICE"


def test_a_mention_starts_a_thread_that_is_its_own_conversation():
    slack = channel()
    first, in_thread, elsewhere = handled(
        slack,
        (event("app_mention", "C1", "1.000001"), JSON),
        (event("app_mention", "C1", "1.000005", thread_ts="1.000001"), JSON),
        (event("app_mention", "C1", "1.000009"), JSON),  # a new mention: a new thread
    )
    assert where(first) == (f"slack:{TEAM_ID}:C1:1.000001", "1.000001", "C1")
    assert where(in_thread) == where(first)
    assert where(elsewhere) == (f"slack:{TEAM_ID}:C1:1.000009", "1.000009", "C1")


def test_a_click_belongs_to_the_conversation_of_the_message_with_the_button():
    slack = channel()
    in_dm, in_thread = handled(
        slack, (click("D1", "2.000001"), FORM), (click("C1", "2.000002", "1.000001"), FORM)
    )
    assert where(in_dm) == (f"slack:{TEAM_ID}:D1", None, "D1")
    assert where(in_thread) == (f"slack:{TEAM_ID}:C1:1.000001", "1.000001", "C1")


def test_a_replayed_click_is_taken_once():
    slack = channel()
    body = click("D1", "2.000001")
    assert len(handled(slack, (body, FORM), (body, FORM), (click("D1", "2.000001"), FORM))) == 1


def test_without_a_team_in_the_request_the_workspace_of_the_token_is_used():
    slack = channel()
    slack.team_id = "TFROMAUTH"
    body = json.loads(event("message", "D1", "1.000001", channel_type="im"))
    del body["team_id"]
    [message] = handled(slack, (json.dumps(body).encode(), JSON))
    assert message.sender_id == "slack:TFROMAUTH:D1"


class FailingClient:
    """chat.postMessage failing `failures` times (no connection), then recording."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.sent: list[dict[str, Any]] = []

    async def chat_postMessage(self, **kwargs: Any) -> dict[str, Any]:
        if self.failures:
            self.failures -= 1
            raise aiohttp.ClientConnectionError("Cannot connect to host slack.com:443")
        self.sent.append(kwargs)
        return {"ok": True}


def replies(client: FailingClient, thread: str | None = None) -> tuple[SlackReplies, SlackOutbox]:
    outbox = SlackOutbox(delays=(0, 0, 0))
    output = SlackReplies(
        "xoxb-unit", "http://127.0.0.1:9/api/", "C1", thread, outbox=outbox, client=client
    )
    return output, outbox


def test_every_kind_of_response_is_posted_in_the_thread_without_raising():
    client = FailingClient(failures=2)
    output, outbox = replies(client, thread="1.000001")

    async def scenario() -> None:
        # None of these raises, although Slack fails the first two posts.
        await output.send_response("recipient", {"text": "**BPO** answer"})
        await output.send_response(
            "recipient", {"text": "Pick one", "buttons": [{"title": "Yes", "payload": "/yes"}]}
        )
        block_kit = {
            "text": "My recommendation: BPO",
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*BPO*"}}],
            "channel": "CELSEWHERE",  # a reply never leaves its conversation
        }
        await output.send_response("recipient", {"custom": block_kit})
        await outbox.drain()

    asyncio.run(scenario())
    assert [post["text"] for post in client.sent] == [
        "*BPO* answer",
        "Pick one",
        "My recommendation: BPO",
    ]
    assert all(post["channel"] == "C1" and post["thread_ts"] == "1.000001" for post in client.sent)
    assert client.sent[1]["blocks"][-1]["elements"][0]["value"] == "/yes"
    assert client.sent[2]["blocks"][0]["text"]["text"] == "*BPO*"
    assert not {"as_user", "type"} & {key for post in client.sent for key in post}


def test_a_slack_api_down_for_good_does_not_raise_into_rasa():
    client = FailingClient(failures=100)
    output, outbox = replies(client)

    async def scenario() -> None:
        await output.send_text_message("recipient", "hello")
        await outbox.drain()

    asyncio.run(scenario())
    assert client.sent == [] and client.failures == 100 - 4


def test_the_launcher_installs_the_action_guard_for_a_slack_only_server(monkeypatch, tmp_path):
    """The guard is not a channel's business: runtime.launch installs it before Rasa
    reads credentials.yml, so a server with only Slack enabled has it."""
    import rasa.__main__
    from rasa.core.actions.action import RemoteAction

    from runtime import action_guard, launch, patches

    credentials = tmp_path / "credentials.yml"
    credentials.write_text("channels.slack.SlackChannel:\n")
    seen: dict[str, Any] = {}

    def rasa_main() -> None:  # instead of starting the server
        seen["run"] = RemoteAction.__dict__["run"]
        seen["argv"] = list(sys.argv)

    monkeypatch.setattr(launch, "prepare", lambda args: list(args))
    monkeypatch.setattr(rasa.__main__, "main", rasa_main)
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    try:
        launch.main(["run", "--credentials", str(credentials)])
    finally:
        patches.uninstall()
    assert seen["run"] is action_guard._guarded_run
    assert seen["argv"] == ["rasa", "run", "--credentials", str(credentials)]
    assert RemoteAction.__dict__["run"] is not action_guard._guarded_run  # undone


@pytest.mark.parametrize("content_type", [JSON, FORM])
def test_nothing_is_handed_to_rasa_for_an_unsigned_request(content_type):
    slack = channel()
    received: list[Any] = []

    async def on_new_message(message: Any) -> None:
        received.append(message)

    body = event("message", "D1", "1.000001", channel_type="im")
    unsigned = SimpleNamespace(body=body, headers={"content-type": content_type})
    assert asyncio.run(slack.handle(unsigned, on_new_message)).status == 401
    assert received == []
