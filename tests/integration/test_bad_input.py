"""Bad input on the REST and socket.io channels of the real running server:
a clear 4xx or a polite reply, never a 5xx, and the conversation is not corrupted
(channels/input_guard.py, channels/rest.py, channels/socketio.py).
Slack's bad input (forged signature, stale timestamp, bad JSON) is covered by
test_slack.py."""

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from advisor.questions import QUESTIONS
from channels.input_guard import EMPTY, MAX_MESSAGE_CHARS, TOO_LONG
from harness.servers import Chat, RasaServer
from tests.integration.sockets import SocketChat

KPO_FACT = "Knowledge Process Outsourcing"


def post(server: RasaServer, body: Any, raw: bool = False, **headers: str) -> requests.Response:
    data = body if raw else json.dumps(body)
    return requests.post(
        f"{server.base_url}/webhooks/rest/webhook", data=data, headers=headers, timeout=30
    )


# --- REST: 400 with a JSON error ------------------------------------------------------


@pytest.mark.parametrize(
    "body, error",
    [
        (b"", "malformed_json"),
        (b"{not json", "malformed_json"),
        (b'{"sender": "x", "message": "hi"', "malformed_json"),
        (b"[1, 2, 3]", "malformed_json"),
        (b'"just a string"', "malformed_json"),
        (b'{"sender": "x", "message": NaN}', "malformed_json"),
        (b"\xff\xfe\x00garbage", "malformed_json"),
        (b"[" * 50_000, "malformed_json"),
        (b'{"message": "hi"}', "missing_sender"),
        (b'{"sender": null, "message": "hi"}', "missing_sender"),
        (b'{"sender": 42, "message": "hi"}', "invalid_sender"),
        (b'{"sender": ["a"], "message": "hi"}', "invalid_sender"),
        (b'{"sender": "", "message": "hi"}', "invalid_sender"),
        (b'{"sender": "a\\u0000b", "message": "hi"}', "invalid_sender"),
        (b'{"sender": "\\ud800", "message": "hi"}', "invalid_sender"),
        (json.dumps({"sender": "x" * 500, "message": "hi"}).encode(), "invalid_sender"),
        (b'{"sender": "x"}', "missing_message"),
        (b'{"sender": "x", "message": 12}', "invalid_message"),
        (b'{"sender": "x", "message": {"text": "hi"}}', "invalid_message"),
        (b'{"sender": "x", "message": ""}', "empty_message"),
        (b'{"sender": "x", "message": "   \\n\\t  "}', "empty_message"),
        (b'{"sender": "x", "message": "\\u0000\\u0007\\u001b"}', "empty_message"),
        (b'{"sender": "x", "message": "hi", "metadata": [1]}', "invalid_metadata"),
        (b'{"sender": "x", "message": "hi", "metadata": "not json"}', "invalid_metadata"),
        (
            json.dumps({"sender": "x", "message": "hi", "metadata": {"a": "b" * 10_000}}).encode(),
            "invalid_metadata",
        ),
    ],
)
def test_rest_rejects_bad_requests_with_400(
    rasa_server: RasaServer, body: bytes, error: str
) -> None:
    response = post(rasa_server, body, raw=True)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == error
    assert response.json()["message"]


def test_empty_message_says_why(rasa_server: RasaServer) -> None:
    assert post(rasa_server, {"sender": "x", "message": " "}).json()["message"] == EMPTY


def test_too_long_message_gets_a_polite_reply_and_is_not_processed(rasa_server: RasaServer) -> None:
    chat = Chat(rasa_server.base_url)
    response = post(rasa_server, {"sender": chat.sender, "message": "what is kpo? " * 400})
    assert response.status_code == 200
    assert response.json() == [{"recipient_id": chat.sender, "text": TOO_LONG}]
    assert f"{MAX_MESSAGE_CHARS:,}" in TOO_LONG
    # Exactly at the limit is fine.
    exact = "what is kpo?".ljust(MAX_MESSAGE_CHARS, " ") + "?"
    assert KPO_FACT in Chat(rasa_server.base_url).text(exact[:MAX_MESSAGE_CHARS])


def test_oversized_body_is_refused_by_sanic(rasa_server: RasaServer) -> None:
    body = json.dumps({"sender": "x", "message": "a" * 400_000})
    assert post(rasa_server, body, raw=True).status_code == 413


@pytest.mark.parametrize(
    "message",
    [
        "what is kpo? 😀🚀👩‍💻",
        "\u202bwhat is kpo?\u202c ما هو",
        "what\u0000 is\u0007 kpo?\u001b[31m",
        "what is kpo?\ud800",
    ],
)
def test_emoji_rtl_and_control_characters_are_understood(
    rasa_server: RasaServer, message: str
) -> None:
    body = json.dumps(
        {"sender": f"odd-{abs(hash(message))}", "message": message}
    )  # ensure_ascii keeps \ud800
    response = post(rasa_server, body, raw=True)
    assert response.status_code == 200, response.text
    assert KPO_FACT in " ".join(reply.get("text", "") for reply in response.json())


@pytest.mark.parametrize(
    "message",
    [
        "'; DROP TABLE events; --",
        "<script>alert(1)</script><img src=x onerror=alert(1)>",
        "{{7*7}} ${jndi:ldap://127.0.0.1/a} %s%s%n",
        "../../../../etc/passwd",
        '/inform{"process": "<script>"}',
        "/faq",
        '/faq{"x": 1}',
        "/faq@0.99",
    ],
)
def test_injection_strings_are_just_text(rasa_server: RasaServer, message: str) -> None:
    chat = Chat(rasa_server.base_url)
    assert chat.say(message) and all(isinstance(reply.get("text", ""), str) for reply in chat.last)
    assert KPO_FACT in chat.text("what is kpo?")  # the conversation still works


def test_client_cannot_choose_the_input_channel(rasa_server: RasaServer) -> None:
    response = post(
        rasa_server, {"sender": "chan", "message": "what is kpo?", "input_channel": "slack"}
    )
    assert response.status_code == 200 and KPO_FACT in response.text


@pytest.mark.parametrize(
    "junk",
    [
        "'; DROP TABLE events; --",
        '/inform{"process": ',
        "/nonexistent_intent",
        "\u0000",
        "x" * 5000,
        "🙂" * 30,
        "\u202e\u202e\u202e",
    ],
)
def test_bad_input_mid_assessment_does_not_corrupt_the_conversation(
    rasa_server: RasaServer, junk: str
) -> None:
    chat = Chat(rasa_server.base_url)
    chat.text("help me decide for payroll")
    chat.text("necessary but not what we're known for")
    response = post(rasa_server, {"sender": chat.sender, "message": junk})
    assert response.status_code < 500, response.text
    # The assessment carries on where it was: the third question comes next.
    assert QUESTIONS["complexity"].text in chat.text("what do you recommend so far?")
    assert QUESTIONS["qualifications"].text in chat.text("very routine and rule based")


# --- socket.io: polite replies, handler never crashes ----------------------------------


@pytest.fixture
def socket_chat(rasa_server: RasaServer) -> Iterator[SocketChat]:
    chat = SocketChat(rasa_server.base_url).connect()
    try:
        yield chat
    finally:
        chat.close()


@pytest.mark.parametrize(
    "payload",
    [
        None,
        42,
        "hello",
        [1, 2],
        {},
        {"message": "hi"},
        {"message": "hi", "session_id": 5},
        {"message": "hi", "session_id": "a\u0000b"},
        {"message": 7, "session_id": "S"},
        {"message": "   ", "session_id": "S"},
        {"message": "x" * 3000, "session_id": "S"},
        {"message": "hi", "session_id": "S", "metadata": "{broken"},
        {"message": "hi", "session_id": "S", "metadata": [1]},
    ],
)
def test_socketio_bad_payloads_get_a_polite_reply(socket_chat: SocketChat, payload: Any) -> None:
    if isinstance(payload, dict) and payload.get("session_id") == "S":
        payload = {**payload, "session_id": socket_chat.session_id}
    socket_chat.drain()
    socket_chat.send(payload)  # acknowledged: the handler finished without crashing
    replies = socket_chat.drain()
    assert len(replies) == 1 and replies[0]["text"], replies
    assert KPO_FACT in " ".join(r.get("text", "") for r in socket_chat.say("what is kpo?"))


def test_socketio_odd_text_is_answered(socket_chat: SocketChat) -> None:
    replies = socket_chat.say("what is kpo? 😀 \u202bما هو\u202c \u0000")
    assert KPO_FACT in " ".join(r.get("text", "") for r in replies)


def test_socketio_invalid_session_request_gets_a_fresh_session(rasa_server: RasaServer) -> None:
    chat = SocketChat(rasa_server.base_url, session_id="bad\u0000id").connect()
    try:
        # A fresh id signed by the server (channels/socketio.py): <uuid hex>.<mac>
        assert chat.session_id != "bad\u0000id"
        assert re.fullmatch(r"[0-9a-f]{32}\.[A-Za-z0-9_-]{22}", chat.session_id), chat.session_id
        assert KPO_FACT in " ".join(r.get("text", "") for r in chat.say("what is kpo?"))
    finally:
        chat.close()
