"""Fuzz the running server's REST and socket.io channels with hypothesis-generated
input (FUZZ_REST + FUZZ_SOCKET >= 5,000 inputs, ~2-3 min): never a server error,
the server healthy afterwards, and a normal conversation still works.

Inputs mix raw bytes, arbitrary JSON shapes and well-formed messages whose text
is arbitrary unicode (emoji, RTL, control characters, lone surrogates), over-long
text and injection strings. Rejected input is cheap; about a third of the inputs
go through the whole NLU and dialogue pipeline.
"""

import json
import os
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import requests
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from harness.servers import Chat, RasaServer
from tests.integration.sockets import SocketChat

FUZZ_REST = int(os.environ.get("FUZZ_REST", "3000"))
FUZZ_SOCKET = int(os.environ.get("FUZZ_SOCKET", "2000"))
SOCKETS = 20  # socket.io connections (conversations) the fuzzed messages are spread over
KPO_FACT = "Knowledge Process Outsourcing"
WEBSOCKET_CLOSE = (
    'Traceback (most recent call last):\n  File "handle_request", line 124, in handle_request\n'
    "sanic.exceptions.ServerError: Invalid response type None (need HTTPResponse)"
)

INJECTIONS = [
    "'; DROP TABLE events; --",
    '" OR 1=1 --',
    "<script>alert(1)</script>",
    "{{7*7}}",
    "${jndi:ldap://127.0.0.1/x}",
    "%s%s%s%n",
    "../../etc/passwd",
    "\u202egnp.exe",
    "/restart",
    "/session_start",
    '/inform{"process": 5}',
    "/inform{{{",
    '/faq{"a":',
    "/start_assessment",
    "/action_listen",
    "/nlu_fallback",
    "/" * 50,
    "\\u0000",
    "Z̷̢͎a̸l̶g̵o̵",
    "\ud800",
    "\udfff\ud800",
    "\x00" * 10,
    "\r\n" * 20,
    "🏳️‍🌈👨‍👩‍👧‍👦",
    "مرحبا ما هو BPO؟",
    "什么是外包",
]

text = st.one_of(
    st.text(max_size=120),
    st.text(st.characters(codec=None), max_size=60),
    st.sampled_from(INJECTIONS),
    st.builds(lambda a, b: a + b, st.sampled_from(INJECTIONS), st.text(max_size=40)),
    st.builds(lambda n: "x" * n, st.integers(1990, 2600)),
    st.text(st.characters(blacklist_categories=["Cs"]), min_size=1900, max_size=2100),
)
surrogates = st.builds(chr, st.integers(0xD800, 0xDFFF))
json_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30)
)
json_value = st.recursive(
    json_scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
# Many conversations, so no tracker grows to thousands of events.
senders = st.integers(0, 4999).map(lambda i: f"fuzz-{i}")
sender = st.one_of(
    senders,
    senders,
    senders,
    st.uuids().map(lambda u: f"fuzz-{u.hex[:12]}"),
    json_scalar,
    st.text(max_size=200),
    surrogates,
)
message = st.one_of(text, text, text, surrogates, json_value)
message_body = st.fixed_dictionaries(
    {"sender": sender, "message": message},
    optional={"metadata": st.one_of(json_value, st.text(max_size=20)), "input_channel": json_value},
)
# Well-formed messages with arbitrary text: these go through NLU and dialogue.
valid_body = st.fixed_dictionaries(
    {"sender": senders, "message": st.one_of(text, st.text(min_size=1, max_size=80))}
)
rest_body = st.one_of(
    valid_body.map(lambda body: json.dumps(body).encode()),  # ensure_ascii: surrogates survive
    valid_body.map(lambda body: json.dumps(body).encode()),
    message_body.map(lambda body: json.dumps(body).encode()),
    json_value.map(lambda value: json.dumps(value).encode()),
    st.dictionaries(st.sampled_from(["sender", "message", "metadata", "x"]), json_value).map(
        lambda value: json.dumps(value).encode()
    ),
    st.binary(max_size=300),
    message_body.map(
        lambda body: json.dumps(body).encode()[: len(json.dumps(body)) // 2]
    ),  # truncated
)
socket_payload = st.one_of(
    st.fixed_dictionaries({"message": st.one_of(text, st.text(min_size=1, max_size=80))}),
    st.fixed_dictionaries({"message": st.one_of(text, st.text(min_size=1, max_size=80))}),
    st.fixed_dictionaries(
        {"message": message}, optional={"metadata": st.one_of(json_value, st.text(max_size=20))}
    ),
    json_value,
)

SETTINGS = {
    "deadline": None,
    "database": None,
    "phases": [Phase.generate],
    "derandomize": True,
    "suppress_health_check": list(HealthCheck),
}


def run(count: int, strategy: st.SearchStrategy, send: Callable[[Any], str]) -> Counter:
    """Send `count` generated inputs; tally the outcomes send() reports."""
    tally: Counter = Counter()

    @settings(max_examples=count, **SETTINGS)
    @given(strategy)
    def one(value: Any) -> None:
        tally[send(value)] += 1

    one()
    return tally


def test_fuzz_rest_and_socketio(rasa_server: RasaServer) -> None:
    base = rasa_server.base_url
    log = rasa_server.workdir / f"rasa-{rasa_server.port}.log"
    log_start = log.stat().st_size
    session = requests.Session()
    started = time.monotonic()

    def send_rest(body: bytes) -> str:
        try:
            response = session.post(f"{base}/webhooks/rest/webhook", data=body, timeout=30)
        except requests.RequestException as error:
            return f"error {type(error).__name__}"
        if response.status_code >= 500:
            return f"error {response.status_code} {body[:80]!r}"
        return str(response.status_code)

    rest = run(FUZZ_REST, rest_body, send_rest)
    rest_seconds = time.monotonic() - started

    # Each socket may only speak in the session the server gave it: well-formed
    # messages are spread over a few sockets (conversations), each with its own id.
    pool = [SocketChat(base).connect() for _ in range(SOCKETS)]
    chat = pool[0]
    tally_socket = [0]
    try:

        def send_socket(payload: Any) -> str:
            sender = chat
            if isinstance(payload, dict) and "message" in payload:
                sender = pool[tally_socket[0] % SOCKETS]
                payload = {**payload, "session_id": sender.session_id}
                tally_socket[0] += 1
            try:
                sender.send(payload, timeout=30)
            except Exception as error:  # noqa: BLE001 - no ack: the handler crashed or hung
                return f"error {type(error).__name__} {str(payload)[:80]!r}"
            return "handled"

        sockets = run(FUZZ_SOCKET, socket_payload, send_socket)
        total = sum(rest.values()) + sum(sockets.values())
        print(
            f"\nfuzz: {total} inputs in {time.monotonic() - started:.0f} s "
            f"(REST {sum(rest.values())} in {rest_seconds:.0f} s: {dict(rest)}; "
            f"socket.io {sum(sockets.values())}: {dict(sockets)})"
        )
        assert all(c.connected for c in pool), "a socket.io connection was dropped"
        assert KPO_FACT in " ".join(r.get("text", "") for r in chat.say("what is kpo?"))
    finally:
        for connection in pool:
            connection.close()

    errors = {k: v for k, v in {**rest, **sockets}.items() if k.startswith("error")}
    assert not errors, f"server errors: {errors}"
    assert total >= 5000
    # Healthy afterwards, and nothing crashed inside (no traceback logged).
    assert requests.get(f"{base}/webhooks/rest/", timeout=10).json() == {"status": "ok"}
    chat_after = Chat(base)
    assert KPO_FACT in chat_after.text("what is kpo?")
    assert "6 short questions" in chat_after.text("help me decide for payroll")
    with log.open("rb") as handle:
        handle.seek(log_start)
        logged = handle.read().decode("utf-8", "replace")
    # engine.io's Sanic adapter logs this when a websocket closes (our client leaving).
    logged = logged.replace(WEBSOCKET_CLOSE, "")
    assert "Traceback" not in logged, logged[logged.index("Traceback") - 500 :][:3000]
