"""A conversation that sends faster than people type gets a polite reply, not an
error, and its extra messages are neither processed nor stored
(channels/rate_limit.py; the hardened stack's limit is conftest.MESSAGES_PER_MINUTE)."""

import time

import requests

from channels.resilience import TOO_FAST
from harness.servers import ActionServer, Chat, RasaServer
from tests.integration.conftest import API_TOKEN, MESSAGES_PER_MINUTE


def user_messages(server: RasaServer, sender: str) -> list[str]:
    tracker = requests.get(
        f"{server.base_url}/conversations/{sender}/tracker", params={"token": API_TOKEN}, timeout=10
    ).json()
    return [event["text"] for event in tracker["events"] if event["event"] == "user"]


def test_a_flood_from_one_sender_is_slowed_down_politely(
    hardened_stack: tuple[RasaServer, ActionServer],
) -> None:
    server, _ = hardened_stack
    flooder = Chat(server.base_url)
    started = time.monotonic()
    for number in range(MESSAGES_PER_MINUTE):
        assert TOO_FAST not in flooder.text(f"what is bpo? ({number})")
    # Otherwise the first messages have left the sliding minute and the test proves nothing.
    assert time.monotonic() - started < 50, "the flood was too slow to reach the limit"

    response = requests.post(
        f"{server.base_url}/webhooks/rest/webhook",
        json={"sender": flooder.sender, "message": "what is kpo?"},
        timeout=30,
    )
    assert response.status_code == 200  # a reply in the normal format, not an error
    assert response.json() == [{"recipient_id": flooder.sender, "text": TOO_FAST}]
    assert "Retry-After" in response.headers
    assert "what is kpo?" not in user_messages(server, flooder.sender)
    assert len(user_messages(server, flooder.sender)) == MESSAGES_PER_MINUTE

    # The warning names the conversation by a digest: a REST sender id is a bearer
    # secret and never written to the log.
    assert server.server is not None
    log = server.server.log.read_text(errors="replace")
    assert "Too many messages from rest#" in log
    assert flooder.sender not in log

    # Other people are not slowed down by someone else's flood.
    assert "Knowledge Process Outsourcing" in Chat(server.base_url).text("what is kpo?")
