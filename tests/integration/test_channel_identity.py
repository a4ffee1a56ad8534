"""Conversations belong to their owners, on a real running Rasa server
(channels/socketio.py, channels/rest.py; the pure parts are in
tests/channels/test_channel_identity.py):

* a socket speaks only in the session the server gave it, and cannot join
  (receive the messages of) another one; a reload with the issued id continues the
  conversation; an unsigned, forged or other-purpose id gets a new session;
* socket.io refuses browsers from foreign origins, serves the allowed origin and
  the server's own page;
* with REST_TOKEN set, REST refuses a missing or wrong token and accepts the right
  one; REST can never reach a socket.io (or Slack) conversation.

One Rasa server with REST_TOKEN, the admin API (to read trackers) and an exact-origin
CORS list, started for this module: the other tests talk REST to the shared servers
without a token.
"""

import sqlite3
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import socketio

from advisor.signing import Keyring
from channels.input_guard import MAX_SENDER_CHARS
from channels.socket_sessions import SENDER_PREFIX
from channels.socketio import FORGOTTEN, MOVED, SESSION_PROBLEM
from harness.servers import MODEL, ActionServer, RasaServer
from tests.integration.conftest import ALLOWED_ORIGIN, API_TOKEN
from tests.integration.sockets import SocketChat

REST_TOKEN = "test-only-rest-token-not-a-real-secret"
SECRET = "test-only-advisor-secret-key-0123456789abcdef"  # this server's newest secret
OLD_SECRET = "test-only-older-secret-key-0123456789abcdef"  # rotated out, still in its grace
KPO_FACT = "Knowledge Process Outsourcing"
BPO_FACT = "Business Process Outsourcing"
FOREIGN_ORIGIN = "https://evil.example"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaServer]:
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make test`, which trains first.")
    workdir = tmp_path_factory.mktemp("identity")
    secrets = {"ADVISOR_SECRET_KEYS": f"{SECRET},{OLD_SECRET}"}  # newest first
    actions = ActionServer(workdir, extra_env=secrets).start()
    rasa = RasaServer(
        workdir,
        actions.url,
        workdir / "tracker.db",
        extra_env={**secrets, "REST_TOKEN": REST_TOKEN, "RASA_API_TOKEN": API_TOKEN},
        extra_args=["--cors", ALLOWED_ORIGIN],
    )
    try:
        yield rasa.start()
    finally:
        rasa.stop()
        actions.stop()


@pytest.fixture
def chats(server: RasaServer) -> Iterator[list[SocketChat]]:
    """Socket chats a test opens (closed afterwards)."""
    opened: list[SocketChat] = []
    try:
        yield opened
    finally:
        for chat in opened:
            chat.close()


def connect(server: RasaServer, chats: list[SocketChat], **options: Any) -> SocketChat:
    chat = SocketChat(server.base_url, **options)
    chats.append(chat)
    return chat.connect()


def texts(replies: list[dict[str, Any]]) -> str:
    return "\n".join(str(reply.get("text", "")) for reply in replies)


def tracker(server: RasaServer, sender: str) -> dict[str, Any]:
    answer = requests.get(
        f"{server.base_url}/conversations/{requests.utils.quote(sender, safe=':')}/tracker",
        params={"token": API_TOKEN},
        timeout=10,
    )
    answer.raise_for_status()
    result: dict[str, Any] = answer.json()
    return result


def user_texts(server: RasaServer, sender: str) -> list[str]:
    return [e["text"] for e in tracker(server, sender)["events"] if e["event"] == "user"]


def post(server: RasaServer, body: Any, token: str | None = REST_TOKEN) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return requests.post(
        f"{server.base_url}/webhooks/rest/webhook", json=body, headers=headers, timeout=60
    )


def signed(purpose: str, value: str, secret: str = SECRET) -> str:
    """`value` signed as a server with `secret` signs it (advisor/signing.py)."""
    return Keyring((secret,)).sign(purpose, value)


def quiet_for(chat: SocketChat, seconds: float = 3.0) -> list[dict[str, Any]]:
    """What `chat` received in the next `seconds` (another session's turn is over
    by then: its replies were already acknowledged)."""
    time.sleep(seconds)
    return chat.drain()


# --- socket.io sessions ---------------------------------------------------------------------


def test_sessions_are_issued_signed_and_stored_per_channel(
    server: RasaServer, chats: list[SocketChat]
) -> None:
    alice = connect(server, chats)
    assert alice.session_id == signed("socket-session", alice.session_id.split(".")[0])
    assert KPO_FACT in texts(alice.say("what is kpo?"))
    state = tracker(server, alice.sender_id)
    assert alice.sender_id.startswith(SENDER_PREFIX)
    assert state["latest_input_channel"] == "socketio", [
        e for e in state["events"] if e["event"] == "user"
    ]
    assert [e["text"] for e in state["events"] if e["event"] == "user"] == ["what is kpo?"]
    # Stored under the channel-scoped id, never under the token the client holds.
    assert user_texts(server, alice.session_id) == []


def test_a_socket_cannot_speak_in_another_session(
    server: RasaServer, chats: list[SocketChat]
) -> None:
    alice = connect(server, chats)
    mallory = connect(server, chats)
    assert mallory.session_id != alice.session_id
    assert BPO_FACT in texts(alice.say("what is bpo?"))

    for claimed in (alice.session_id, alice.sender_id, alice.session_id.split(".")[0], None):
        mallory.drain()
        mallory.send({"message": "what is kpo?", "session_id": claimed})
        assert [r.get("text") for r in mallory.drain()] == [SESSION_PROBLEM], claimed
    assert quiet_for(alice) == []
    assert user_texts(server, alice.sender_id) == ["what is bpo?"]
    assert user_texts(server, mallory.sender_id) == []
    # Mallory's own session still works.
    assert KPO_FACT in texts(mallory.say("what is kpo?"))
    assert user_texts(server, alice.sender_id) == ["what is bpo?"]


def test_a_socket_cannot_join_another_session(server: RasaServer, chats: list[SocketChat]) -> None:
    alice = connect(server, chats)
    value = alice.session_id.split(".")[0]
    attempts = [
        alice.sender_id,  # the conversation id
        value,  # unsigned
        value + ".AAAAAAAAAAAAAAAAAAAAAA",  # forged mac
        signed("report-link", value),  # signed for another purpose
        signed("socket-session", value, secret="another-server-" + "k" * 40),
    ]
    eavesdroppers = [connect(server, chats, session_id=attempt) for attempt in attempts]
    for eavesdropper in eavesdroppers:
        assert eavesdropper.session_id != alice.session_id
        assert eavesdropper.sender_id != alice.sender_id
    # A socket already in a session asking for Alice's conversation id gets a new one.
    mallory = eavesdroppers[0]
    assert mallory.request_session(alice.sender_id) not in (alice.session_id, mallory.session_id)

    assert KPO_FACT in texts(alice.say("what is kpo?"))
    for eavesdropper in eavesdroppers:
        assert quiet_for(eavesdropper, 1) == [], "another socket received Alice's replies"


def test_a_reload_with_the_issued_id_continues_the_conversation(
    server: RasaServer, chats: list[SocketChat]
) -> None:
    first = connect(server, chats)
    assert BPO_FACT in texts(first.say("what is bpo?"))
    first.close()

    reloaded = connect(server, chats, session_id=first.session_id)
    assert reloaded.session_id == first.session_id
    assert KPO_FACT in texts(reloaded.say("what is kpo?"))
    assert user_texts(server, first.sender_id) == ["what is bpo?", "what is kpo?"]


def test_one_live_socket_per_session_the_newest_wins(
    server: RasaServer, chats: list[SocketChat]
) -> None:
    first = connect(server, chats)
    assert BPO_FACT in texts(first.say("what is bpo?"))
    # A second tab (or someone who copied the id) presents the session: it takes it
    # over, the first socket is told and hears nothing more of the conversation.
    second = connect(server, chats, session_id=first.session_id)
    assert second.session_id == first.session_id
    assert [r.get("text") for r in quiet_for(first, 1)] == [MOVED]
    assert KPO_FACT in texts(second.say("what is kpo?"))
    assert quiet_for(first, 1) == []
    first.send({"message": "what is bpo?", "session_id": first.session_id})
    assert [r.get("text") for r in first.drain()] == [SESSION_PROBLEM]
    assert user_texts(server, first.sender_id) == ["what is bpo?", "what is kpo?"]
    # Reloading the first tab makes it the live one again.
    assert first.request_session(first.session_id) == first.session_id
    assert [r.get("text") for r in quiet_for(second, 1)] == [MOVED]
    assert KPO_FACT in texts(first.say("what is kpo?"))


def test_a_session_idle_longer_than_the_limit_is_not_resumed(
    server: RasaServer, chats: list[SocketChat]
) -> None:
    first = connect(server, chats)
    assert BPO_FACT in texts(first.say("what is bpo?"))
    first.close()
    assert server.tracker_db is not None
    with sqlite3.connect(server.tracker_db) as db:  # its last message: 31 days ago
        db.execute(
            "UPDATE events SET timestamp = timestamp - ? WHERE sender_id = ?",
            (31 * 86400, first.sender_id),
        )
    later = connect(server, chats, session_id=first.session_id)
    assert later.session_id != first.session_id and later.sender_id != first.sender_id
    assert user_texts(server, later.sender_id) == []


def test_forget_this_conversation_deletes_it(server: RasaServer, chats: list[SocketChat]) -> None:
    chat = connect(server, chats)
    assert BPO_FACT in texts(chat.say("what is bpo?"))
    old_token, old_sender = chat.session_id, chat.sender_id
    assert user_texts(server, old_sender)
    assert [r.get("text") for r in chat.say("Forget this conversation.")] == [FORGOTTEN]
    new_token = chat.confirmed.get(timeout=10)
    assert new_token != old_token
    assert server.tracker_db is not None
    with sqlite3.connect(server.tracker_db) as db:
        rows = db.execute("SELECT count(*) FROM events WHERE sender_id = ?", (old_sender,))
        assert rows.fetchone() == (0,)
    # The socket continues in a fresh conversation; the old id is not honoured any more.
    chat.session_id = new_token
    assert KPO_FACT in texts(chat.say("what is kpo?"))
    assert user_texts(server, chat.sender_id) == ["what is kpo?"]
    again = connect(server, chats, session_id=old_token)
    assert again.session_id not in (old_token, new_token)
    assert user_texts(server, old_sender) == []


def test_values_signed_with_a_rotated_out_secret_stay_valid_in_their_grace(
    server: RasaServer, chats: list[SocketChat]
) -> None:
    chat = connect(server, chats)
    assert BPO_FACT in texts(chat.say("what is bpo?"))
    value = chat.session_id.split(".")[0]
    old_token = signed("socket-session", value, secret=OLD_SECRET)
    chat.close()
    resumed = connect(server, chats, session_id=old_token)
    assert resumed.sender_id == chat.sender_id  # the same conversation...
    assert resumed.session_id == signed("socket-session", value)  # ...under the newest secret
    assert KPO_FACT in texts(resumed.say("what is kpo?"))


# --- Origin -----------------------------------------------------------------------------------


@pytest.mark.parametrize("transports", [("websocket",), ("polling",)])
def test_a_foreign_origin_is_refused(server: RasaServer, transports: tuple[str, ...]) -> None:
    chat = SocketChat(server.base_url, origin=FOREIGN_ORIGIN, transports=transports)
    try:
        with pytest.raises(socketio.exceptions.ConnectionError):
            chat.connect()
    finally:
        chat.close()


@pytest.mark.parametrize("origin", [ALLOWED_ORIGIN, "own"])
@pytest.mark.parametrize("transports", [("websocket",), ("polling",)])
def test_the_allowed_and_the_own_origin_work(
    server: RasaServer, chats: list[SocketChat], origin: str, transports: tuple[str, ...]
) -> None:
    origin = server.base_url if origin == "own" else origin
    chat = connect(server, chats, origin=origin, transports=transports)
    assert KPO_FACT in texts(chat.say("what is kpo?"))


@pytest.mark.parametrize(
    "origin, status, headers",
    [
        (None, 200, None),
        (ALLOWED_ORIGIN, 200, None),
        ("own", 200, None),
        (FOREIGN_ORIGIN, 403, None),
        ("null", 403, None),
        (ALLOWED_ORIGIN + ".evil.example", 403, None),
        # A Host that isn't one of the server's names (DNS rebinding) or a
        # forwarded host (any client can send one) does not make an origin "own".
        ("http://evil.example", 403, {"Host": "evil.example"}),
        ("http://evil.example:80", 403, {"Host": "evil.example:80"}),
        ("http://evil.example", 403, {"X-Forwarded-Host": "evil.example"}),
        ("http://localhost", 200, {"Host": "localhost"}),
    ],
)
def test_polling_handshake_checks_the_origin(
    server: RasaServer, origin: str | None, status: int, headers: dict[str, str] | None
) -> None:
    origin = server.base_url if origin == "own" else origin
    answer = requests.get(
        f"{server.base_url}/socket.io/?EIO=4&transport=polling",
        headers={**({"Origin": origin} if origin else {}), **(headers or {})},
        timeout=10,
    )
    assert answer.status_code == status, answer.text[:200]
    if status == 403:
        assert answer.json()["error"] == "origin_not_allowed"
        assert "Access-Control-Allow-Origin" not in answer.headers
    else:
        assert '"sid"' in answer.text


# --- REST -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": f"Bearer {REST_TOKEN}x"},
        {"Authorization": f"Basic {REST_TOKEN}"},
        {"Authorization": REST_TOKEN},
        {"X-Rest-Token": REST_TOKEN},
    ],
)
def test_rest_refuses_a_missing_or_wrong_token(server: RasaServer, headers: dict[str, str]) -> None:
    sender = f"rest-{time.monotonic_ns()}"
    answer = requests.post(
        f"{server.base_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": "what is kpo?"},
        headers=headers,
        timeout=30,
    )
    assert answer.status_code == 401
    assert answer.json()["error"] == "unauthorized"
    assert user_texts(server, sender) == []  # nothing processed


def test_rest_accepts_the_right_token(server: RasaServer) -> None:
    sender = f"rest-{time.monotonic_ns()}"
    answer = post(server, {"sender": sender, "message": "what is kpo?"})
    assert answer.status_code == 200, answer.text
    assert KPO_FACT in texts(answer.json())
    assert tracker(server, sender)["latest_input_channel"] == "rest"
    # The health check stays open (load balancers, the test harness).
    assert requests.get(f"{server.base_url}/webhooks/rest/", timeout=10).json() == {"status": "ok"}


def test_rest_cannot_reach_a_socket_conversation(
    server: RasaServer, chats: list[SocketChat]
) -> None:
    alice = connect(server, chats)
    assert BPO_FACT in texts(alice.say("what is bpo?"))
    value = alice.session_id.split(".")[0]
    for sender in (
        alice.sender_id,
        alice.sender_id.upper(),
        "SocketIO:" + value,
        "slack:T0001:D0001",
        "Slack:T0001:C0001:1700000000.000100",
    ):
        answer = post(server, {"sender": sender, "message": "why?"})
        assert answer.status_code == 400, (sender, answer.text)
        assert answer.json()["error"] == "reserved_sender"
    # The token the browser holds, or the bare uuid, is just another REST conversation.
    for sender in (alice.session_id, value):
        answer = post(server, {"sender": sender, "message": "what is kpo?"})
        assert answer.status_code == 200 and KPO_FACT in texts(answer.json())
        assert answer.json()[0]["recipient_id"] == sender
    assert quiet_for(alice) == []
    assert user_texts(server, alice.sender_id) == ["what is bpo?"]
    assert len(alice.sender_id) <= MAX_SENDER_CHARS


def test_a_clean_websocket_close_logs_no_error(server: RasaServer) -> None:
    assert server.server is not None
    before = len(server.server.log.read_bytes())
    for _ in range(3):
        chat = SocketChat(server.base_url).connect()
        assert KPO_FACT in texts(chat.say("what is kpo?"))
        chat.close()
    time.sleep(1)  # the server has noticed the closes
    logged = server.server.log.read_bytes()[before:].decode(errors="replace")
    assert "Invalid response type" not in logged and "Traceback" not in logged, logged[-2000:]
