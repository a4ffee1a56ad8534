"""Slack gets the same input guard as the other channels, shows user text as typed
in every field it posts, and answers signed payloads of unexpected shape with 400,
never 500 (issue #24, findings 2, 3 and 8), against the real Rasa server."""

import json
import time
import urllib.parse
from typing import Any

import pytest

from channels.input_guard import TOO_LONG
from harness.servers import RasaServer
from tests.integration.fake_slack import FakeSlack
from tests.integration.test_slack import (
    BOT_USER_ID,
    TEAM_ID,
    SlackClient,
    conversation,
    new_id,
    new_ts,
    texts,
)


@pytest.fixture(scope="module")
def slack(rasa_server: RasaServer, fake_slack: FakeSlack) -> SlackClient:
    """The shared servers' Slack channel (as test_slack.py's fixture)."""
    fake_slack.wait_for(lambda: fake_slack.posts(method="auth.test"), timeout=10)
    return SlackClient(rasa_server.base_url, fake_slack, rasa_server.tracker_db)


# What a user can put in a process name: mentions of everyone, of one user, a link.
INJECTIONS = ("<!channel>", "<@U123>", "<http://x|y>")
PROCESS = "<!channel> <@U123> <http://x|y> processing"


def test_a_long_slack_message_gets_the_polite_reply_and_is_not_stored(slack: SlackClient):
    user, channel = new_id("U"), new_id("D")
    started = time.monotonic()
    assert slack.dm(user, channel, "what is bpo? " * 3100).status_code == 200  # 40,300 chars
    [reply] = slack.fake.wait_for_posts(channel)
    assert "please keep it under 2,000" in reply["text"], reply
    assert time.monotonic() - started < 5
    # Just over the limit, after Slack's own encoding is undone: the same reply.
    assert slack.dm(user, channel, "&lt;" * 2001).status_code == 200
    replies = slack.fake.wait_for_posts(channel, 2)
    assert "please keep it under 2,000" in replies[1]["text"]
    # Control characters are dropped, as on REST and socket.io.
    assert slack.dm(user, channel, "what is\x00 bpo?\x1b\x7f").status_code == 200
    slack.barrier(user, channel)
    assert slack.user_texts(conversation(channel)) == ["what is bpo?", "what is kpo?"]
    assert TOO_LONG.startswith("That message is a bit long")


def every_post_of(slack: SlackClient, channel: str) -> str:
    return json.dumps(slack.fake.posts(channel) + slack.fake.posts(channel, method="chat.update"))


def test_user_text_is_escaped_in_every_slack_reply_path(slack: SlackClient):
    """Text, buttons, the Block Kit summary (custom JSON) and a clicked button's label."""
    user, channel = new_id("U"), new_id("D")
    # As Slack sends what a user typed literally: & < > as entities.
    inform = "/inform" + json.dumps({"process": PROCESS}).replace("<", "&lt;").replace(">", "&gt;")
    assert slack.dm(user, channel, "/start_assessment").status_code == 200
    slack.fake.wait_for_posts(channel)
    answers = [
        inform,
        '/inform{"core": "supporting"}',
        '/inform{"complexity": "routine"}',
        '/inform{"qualifications": "basic"}',
        '/inform{"sensitivity": "low"}',
        '/inform{"goal": "cost"}',
    ]
    for answer in answers:
        assert slack.dm(user, channel, answer).status_code == 200

    def summary_posted() -> tuple[dict[str, Any]] | None:
        posts = slack.place_posts(channel)
        headed = [p for p in posts if (p.get("blocks") or [{}])[0].get("type") == "header"]
        return (headed[0],) if headed else None

    (summary,) = slack.fake.wait_for(summary_posted, timeout=60)
    assert "&lt;!channel&gt;" in summary["text"], summary["text"]
    # "why?" and "compare" echo the process name in text and with buttons.
    assert slack.dm(user, channel, "compare my processes").status_code == 200
    slack.barrier(user, channel)
    # A click whose button label carries the same text: the "you chose" mark.
    with_buttons = [p for p in slack.place_posts(channel) if p.get("blocks")]
    message = {"ts": new_ts(), "text": "x", "blocks": with_buttons[-1]["blocks"]}
    button = {"type": "button", "text": {"type": "plain_text", "text": PROCESS}, "value": "hi"}
    assert slack.click(user, channel, message, button).status_code == 200
    slack.fake.wait_for(lambda: slack.fake.posts(channel, method="chat.update"))
    slack.barrier(user, channel)

    posted = every_post_of(slack, channel)
    assert "&lt;!channel&gt;" in posted
    for injection in INJECTIONS:
        assert injection not in posted, injection
    assert "processing" in texts(slack.place_posts(channel))


INTERACTIVE_SHAPES = [
    {"type": "block_actions", "actions": ["x"]},
    {"type": "block_actions", "actions": [], "user": {"id": "U1"}},
    {"type": "block_actions", "actions": "x"},
    {"type": "block_actions", "actions": [{"type": "button", "value": "hi"}], "user": "U"},
    {"type": "block_actions", "actions": [{"type": "button", "value": "hi"}], "channel": "D1"},
    {"type": "block_actions", "actions": [{"type": "button", "value": "hi"}], "team": 5},
    {"type": "block_actions", "actions": [{"type": "button", "value": "hi"}], "message": []},
    {"type": "block_actions", "actions": [{"type": "button", "value": "hi"}], "container": 1},
]
HARMLESS_SHAPES = [  # nothing to answer, but nothing wrong either: 200, nothing done
    {"type": "block_actions", "actions": [{"type": "select"}]},
    {"type": "block_actions", "actions": [{"type": "static_select"}]},
    {"type": "block_actions", "actions": [{"type": "static_select", "selected_option": 3}]},
    {"type": "block_actions", "actions": [{"type": "button", "value": {"a": 1}}]},
    {"type": "block_actions", "actions": [{"type": ["button"]}]},
]
EVENT_SHAPES = [
    {"authed_users": 5},
    {"authed_users": [5, None]},
    {"authorizations": "x"},
    {"authorizations": [{"user_id": ["x"]}]},
    {"event": {"type": "message", "subtype": ["x"], "channel": "D1", "user": "U", "text": "hi"}},
    {"event": {"type": "message", "channel": "D1", "user": "U", "text": "hi", "thread_ts": {}}},
    {"event": {"type": "message", "channel": ["D1"], "user": "U", "text": "hi"}},
    {"event": {"type": ["message"], "channel": "D1", "user": "U", "text": "hi"}},
    {"team_id": ["T"], "event": {"type": "message", "channel": "D1", "user": "U", "text": "x"}},
]


def interactive(payload: dict[str, Any]) -> bytes:
    return ("payload=" + urllib.parse.quote(json.dumps(payload))).encode()


def test_signed_payloads_of_unexpected_shape_never_get_500(
    slack: SlackClient, rasa_server: RasaServer
):
    assert rasa_server.server is not None
    log_before = rasa_server.server.log.read_text(errors="replace")
    form = "application/x-www-form-urlencoded"
    for payload in INTERACTIVE_SHAPES:
        answer = slack.post(interactive(payload), content_type=form)
        assert answer.status_code == 400, (payload, answer.status_code, answer.text[:200])
    for payload in HARMLESS_SHAPES:
        answer = slack.post(interactive(payload), content_type=form)
        assert answer.status_code == 200, (payload, answer.status_code, answer.text[:200])
    for fields in EVENT_SHAPES:
        envelope = {"type": "event_callback", "team_id": TEAM_ID, "event_id": new_id("Ev")}
        event = {"type": "message", "channel": new_id("D"), "user": "U1", "text": "hi"}
        body = {**envelope, "event": {**event, "ts": new_ts()}, **fields}
        answer = slack.post(json.dumps(body).encode())
        assert answer.status_code < 500, (fields, answer.status_code, answer.text[:200])
    # The server is fine and logged no traceback for any of them.
    user, channel = new_id("U"), new_id("D")
    slack.barrier(user, channel)
    new_log = rasa_server.server.log.read_text(errors="replace")[len(log_before) :]
    assert "Traceback" not in new_log, new_log[-3000:]


@pytest.mark.parametrize("text", [f"<@{BOT_USER_ID}>", f"<@{BOT_USER_ID}> \x00\x1b"])
def test_a_mention_alone_is_not_answered(slack: SlackClient, text: str):
    user, channel, ts = new_id("U"), new_id("C"), new_ts()
    assert slack.mention(user, channel, text, ts=ts).status_code == 200
    assert slack.barrier(user, channel, thread_ts=ts) == []
