"""PostgreSQL mode: the tracker database stops mid-conversation. The user is told
(503, "I can't reach my memory right now..."), no new conversation is started
silently, and when the database is back the conversation continues where it was
(stores/tracker_store.py, channels/rest.py). A throwaway PostgreSQL cluster
(Debian's packages, scripts/install_services.sh) runs on a free loopback port."""

import json
import os
import time
import uuid
from collections.abc import Iterator

import pytest
import requests

from advisor.questions import QUESTIONS
from channels.resilience import MEMORY_DOWN
from harness.postgres import Postgres, postgres_bin
from harness.servers import ActionServer, Chat, RasaServer
from tests.integration.fake_slack import TEAM_ID, FakeSlack, sign


@pytest.fixture(scope="module")
def pg_stack(
    tmp_path_factory: pytest.TempPathFactory,
    hardened_stack: tuple[RasaServer, ActionServer],
    fake_slack: FakeSlack,
) -> Iterator[tuple[RasaServer, Postgres]]:
    if postgres_bin() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed: run `sudo bash scripts/install_services.sh`")
        pytest.skip("PostgreSQL is not installed (scripts/install_services.sh)")
    workdir = tmp_path_factory.mktemp("pg")
    database = Postgres().init().start()
    server = RasaServer(
        workdir,
        hardened_stack[1].url,
        workdir / "unused.db",
        tracker_store=(
            "tracker_store:\n  type: stores.tracker_store.CachingSQLTrackerStore\n"
            f"  dialect: postgresql\n  url: 127.0.0.1\n  port: {database.port}\n"
            "  db: postgres\n  username: postgres\n"
        ),
        extra_env=fake_slack.env(),  # Slack too: its users get the same reply
    )
    try:
        yield server.start(), database
    finally:
        server.stop()
        database.remove()


def post(server: RasaServer, sender: str, message: str) -> requests.Response:
    return requests.post(
        f"{server.base_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        timeout=30,
    )


def test_database_down_then_back_continues_the_conversation(
    pg_stack: tuple[RasaServer, Postgres],
) -> None:
    server, database = pg_stack
    chat = Chat(server.base_url)
    assert QUESTIONS["core"].text in chat.text("help me decide for payroll")
    assert QUESTIONS["complexity"].text in chat.text("necessary but not what we're known for")

    database.stop()
    for message in ("very routine and rule based", "hello", "what is kpo?"):
        started = time.monotonic()
        response = post(server, chat.sender, message)
        assert response.status_code == 503, response.text
        assert response.json() == [{"recipient_id": chat.sender, "text": MEMORY_DOWN}]
        assert time.monotonic() - started < 10
    # A brand-new user is not silently given a fresh in-memory conversation either.
    assert post(server, "newcomer", "hello").status_code == 503

    database.start()
    # Same conversation, same place: the third question comes next, then the rest.
    assert QUESTIONS["qualifications"].text in chat.text("very routine and rule based")
    assert QUESTIONS["sensitivity"].text in chat.text("basic skills")
    assert QUESTIONS["goal"].text in chat.text("highly sensitive employee salary and bank data")
    assert "My recommendation for payroll: BPO" in chat.text("lower costs")


def test_database_restarted_between_messages_the_next_message_is_answered(
    pg_stack: tuple[RasaServer, Postgres],
) -> None:
    """The pooled connections die with the server. The next message's first read finds
    out and runs again on a new connection: the user notices nothing."""
    server, database = pg_stack
    chat = Chat(server.base_url)
    assert QUESTIONS["core"].text in chat.text("help me decide for payroll")
    database.stop()
    database.start()
    assert QUESTIONS["complexity"].text in chat.text("necessary but not what we're known for")
    assert QUESTIONS["qualifications"].text in chat.text("very routine and rule based")


def test_database_down_a_slack_user_is_told_too(
    pg_stack: tuple[RasaServer, Postgres], fake_slack: FakeSlack
) -> None:
    """Slack answers its webhook at once and handles the message in the background:
    the failure reply is posted to Slack instead of leaving the user in silence."""
    server, database = pg_stack
    user, channel = f"U{uuid.uuid4().hex[:10].upper()}", f"D{uuid.uuid4().hex[:10].upper()}"
    database.stop()
    try:
        event = {
            "type": "message",
            "channel": channel,
            "user": user,
            "text": "what is bpo?",
            "ts": f"{time.time():.6f}",
            "channel_type": "im",
        }
        body = json.dumps(
            {
                "type": "event_callback",
                "team_id": TEAM_ID,
                "event_id": f"Ev{uuid.uuid4().hex[:10]}",
                "event": event,
            }
        ).encode()
        response = requests.post(
            f"{server.base_url}/webhooks/slack/webhook",
            data=body,
            timeout=10,
            headers={"Content-Type": "application/json", **sign(body)},
        )
        assert response.status_code == 200  # Slack must get its answer within 3 s, whatever happens
        [post] = fake_slack.wait_for_posts(channel, timeout=30)
        assert post["text"] == MEMORY_DOWN
    finally:
        database.start()
