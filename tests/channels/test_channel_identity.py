"""The pure parts of the web chat's and REST's identity checks (channels/socketio.py,
channels/rest.py); tests/integration/test_channel_identity.py runs them on a server."""

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from rasa.core.channels.socketio import SocketIOOutput

from channels.rest import (
    RESERVED_PREFIXES,
    GuardedRestInput,
    bearer_matches,
    reserved_sender,
    rest_token,
)
from channels.socket_origin import configured_origins, origin_allowed
from channels.socket_sessions import (
    SENDER_PREFIX,
    Session,
    SessionBindings,
    new_session,
    resume_session,
)
from channels.socketio import GuardedSocketIOOutput, quick_reply
from runtime.settings import rasa_settings

SECRET = "unit-test-secret-not-a-real-one-0123456789abcdef"


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVISOR_SECRET_KEY", SECRET)


# --- sessions ---------------------------------------------------------------------------


def test_a_new_session_is_signed_and_channel_scoped() -> None:
    session = new_session()
    value, _ = session.token.split(".")
    assert len(value) == 32 and session.sender_id == SENDER_PREFIX + value
    assert new_session().token != session.token
    assert resume_session(session.token) == session


@pytest.mark.parametrize(
    "token",
    [
        None,
        42,
        "",
        "0" * 32,  # unsigned
        "0" * 32 + ".",
        "0" * 32 + ".AAAAAAAAAAAAAAAAAAAAAA",  # forged mac
        "socketio:" + "0" * 32,  # the conversation id is not a session token
        "é" * 40 + ".x",
        "x" * 5000,
    ],
)
def test_unsigned_or_forged_ids_are_not_resumed(token: Any) -> None:
    assert resume_session(token) is None


def test_ids_signed_for_another_purpose_or_with_another_secret_are_not_resumed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    value = "0123456789abcdef0123456789abcdef"
    assert resume_session(rasa_settings().keyring.sign("report-link", value)) is None
    signed = rasa_settings().keyring.sign("socket-session", value)
    assert resume_session(signed) == Session(signed, SENDER_PREFIX + value)
    # A value this server signed but not in the session format is not taken either.
    assert resume_session(rasa_settings().keyring.sign("socket-session", "slack:T1:U1")) is None
    monkeypatch.setenv("ADVISOR_SECRET_KEY", "another-secret-" + "y" * 40)
    rasa_settings.cache_clear()  # a server started with another secret
    assert resume_session(signed) is None


def test_bindings_are_per_socket_bounded_and_released() -> None:
    bindings = SessionBindings(limit=2)
    a, b, c = new_session(), new_session(), new_session()
    assert bindings.bind("sid-a", a) == []
    assert bindings.bind("sid-b", b) == []
    assert bindings.get("sid-a") == a and bindings.get("sid-b") == b
    assert bindings.bind("sid-a", c) == []  # a socket asking again gets its new session
    assert bindings.get("sid-a") == c and len(bindings) == 2
    assert bindings.bind("sid-c", a) == ["sid-b"]  # the oldest is evicted
    assert bindings.get("sid-b") is None and len(bindings) == 2
    assert bindings.release("sid-a") == c and bindings.get("sid-a") is None
    assert bindings.release("sid-a") is None and len(bindings) == 1


# --- Origin -------------------------------------------------------------------------------

ALLOWED = frozenset({"https://chat.allowed.example"})
HOSTS = ["127.0.0.1:5005", None]


@pytest.mark.parametrize(
    "origins, allowed",
    [
        ([], True),  # not a browser
        (["http://127.0.0.1:5005"], True),  # the page at /chat/ on the server itself
        (["HTTP://127.0.0.1:5005"], True),
        (["https://chat.allowed.example"], True),
        (["https://evil.example"], False),
        (["http://127.0.0.1:5006"], False),
        (["https://chat.allowed.example.evil.example"], False),
        (["null"], False),
        (["https://chat.allowed.example", "https://evil.example"], False),
    ],
)
def test_origins(origins: list[str], allowed: bool) -> None:
    assert origin_allowed(origins, ALLOWED, HOSTS) is allowed


def test_own_origin_through_a_proxy_and_default_ports() -> None:
    assert origin_allowed(["https://chat.example"], frozenset(), ["chat.example"])
    assert origin_allowed(["https://chat.example"], frozenset(), ["chat.example:443"])
    assert origin_allowed(["http://chat.example"], frozenset(), ["chat.example:80"])
    assert origin_allowed(["https://chat.example"], frozenset(), ["10.0.0.5:5005", "chat.example"])
    assert not origin_allowed(["https://chat.example"], frozenset(), [None, ""])


def test_wildcard_allows_any_origin() -> None:
    assert origin_allowed(["https://evil.example"], None, HOSTS)


def _app(*origin_lists: Any) -> Any:
    resources = [("/*", {"origins": origins}) for origins in origin_lists]
    return SimpleNamespace(ctx=SimpleNamespace(sanic_cors=SimpleNamespace(resources=resources)))


def test_configured_origins_come_from_the_cors_setting_and_the_environment() -> None:
    app = _app(["https://a.example", "https://b.example"])
    assert configured_origins(app, {}) == {"https://a.example", "https://b.example"}
    assert configured_origins(
        app, {"RASA_CORS_ORIGINS": "https://c.example  https://d.example"}
    ) == {
        "https://a.example",
        "https://b.example",
        "https://c.example",
        "https://d.example",
    }
    assert configured_origins(_app([""]), {}) == frozenset()  # Rasa without --cors
    assert configured_origins(SimpleNamespace(), {}) == frozenset()  # no sanic-cors at all
    assert configured_origins(_app([".*"]), {}) is None  # --cors "*"
    assert configured_origins(_app([]), {"RASA_CORS_ORIGINS": "*"}) is None


# --- buttons ------------------------------------------------------------------------------


class FakeSio:
    def __init__(self) -> None:
        self.emitted: list[tuple[str, Any, str]] = []

    async def emit(self, event: str, data: Any, room: str, **kwargs: Any) -> None:
        self.emitted.append((event, data, room))


def _sent(output_class: type, text: str, buttons: list[dict[str, Any]]) -> list[Any]:
    sio = FakeSio()
    asyncio.run(output_class(sio, "bot_uttered").send_text_with_buttons("room-1", text, buttons))
    assert all(event == "bot_uttered" and room == "room-1" for event, _, room in sio.emitted)
    return [data for _, data, _ in sio.emitted]


def test_url_buttons_reach_the_widget_as_link_buttons() -> None:
    buttons = [
        {"title": "Open the report", "url": "/report/abc"},
        {"title": "Sources", "url": "https://example.org/guide"},
        {"title": "Assess another process", "payload": "/start_assessment"},
    ]
    sent = _sent(GuardedSocketIOOutput, "Here it is.\n\nEnjoy.", buttons)
    assert sent == [
        {"text": "Here it is.", "quick_replies": []},
        {
            "text": "Enjoy.",
            "quick_replies": [
                # rasa-webchat renders type "web_url" as <a href=url target=_blank>
                {"type": "web_url", "title": "Open the report", "url": "/report/abc"},
                {"type": "web_url", "title": "Sources", "url": "https://example.org/guide"},
                {
                    "content_type": "text",
                    "title": "Assess another process",
                    "payload": "/start_assessment",
                },
            ],
        },
    ]


def test_payload_buttons_are_sent_exactly_as_rasa_sends_them() -> None:
    buttons = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
    for text in ("One.\n\nTwo.\n\nThree?", "Just one?", ""):
        assert _sent(GuardedSocketIOOutput, text, buttons) == _sent(SocketIOOutput, text, buttons)


def test_odd_buttons_do_not_break_the_reply() -> None:
    assert quick_reply({"title": "Tell me more"}) == {
        "content_type": "text",
        "title": "Tell me more",
        "payload": "Tell me more",
    }
    for unsafe in ("javascript:alert(1)", "data:text/html,x", "report/abc", "", 7, "/a b"):
        assert quick_reply({"title": "x", "url": unsafe}) is None, unsafe
    assert quick_reply({"url": "/report/abc"}) == {
        "type": "web_url",
        "title": "/report/abc",
        "url": "/report/abc",
    }
    # actions/report.py's link button also carries a payload (for channels without links).
    report = {
        "title": "Open the report",
        "type": "web_url",
        "url": "http://h/report/t",
        "payload": "x",
    }
    assert quick_reply(report) == {
        "type": "web_url",
        "title": "Open the report",
        "url": "http://h/report/t",
    }
    sent = _sent(GuardedSocketIOOutput, "Pick", [{"title": "Bad", "url": "javascript:x"}])
    assert sent == [{"text": "Pick", "quick_replies": []}]


# --- REST -----------------------------------------------------------------------------------


def test_rest_token_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert rest_token({}) is None
    assert rest_token({"REST_TOKEN": "  "}) is None
    assert rest_token({"REST_TOKEN": "s3cret-token"}) == "s3cret-token"
    monkeypatch.delenv("REST_TOKEN", raising=False)
    assert GuardedRestInput().token is None  # read when the channel is created
    monkeypatch.setenv("REST_TOKEN", "s3cret-token")
    rasa_settings.cache_clear()  # a server started with it
    assert GuardedRestInput().token == "s3cret-token"


@pytest.mark.parametrize(
    "header, ok",
    [
        ("Bearer s3cret-token", True),
        ("bearer   s3cret-token ", True),
        (None, False),
        ("", False),
        ("Bearer", False),
        ("Bearer ", False),
        ("Bearer s3cret-tokenX", False),
        ("Bearer s3cret", False),
        ("Basic s3cret-token", False),
        ("s3cret-token", False),
        ("Bearer s3cret-tökén\udcff", False),
    ],
)
def test_bearer_token(header: str | None, ok: bool) -> None:
    assert bearer_matches(header, "s3cret-token") is ok


@pytest.mark.parametrize(
    "sender, reserved",
    [
        ("slack:T1:C1", True),
        ("SLACK:T1:C1", True),
        ("socketio:0123456789abcdef0123456789abcdef", True),
        ("SocketIO:0123", True),
        ("ｓｌａｃｋ:T1", True),  # fullwidth letters: NFKC folds them
        ("me", False),
        ("test-1234", False),
        ("slack", False),
        ("my-slack:x", False),
        ("0123456789abcdef0123456789abcdef.AAAA", False),
        (None, False),
        (42, False),
    ],
)
def test_rest_senders_cannot_be_other_channels_ids(sender: Any, reserved: bool) -> None:
    assert reserved_sender(sender) is reserved
    assert "slack:" in RESERVED_PREFIXES and SENDER_PREFIX in RESERVED_PREFIXES
