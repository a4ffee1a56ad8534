"""The Rasa server with the operators' page /admin/ on (ADVISOR_ADMIN_TOKEN set) and the
conversations its figures are checked against: one per test session, shared by
test_admin_page.py (the figures) and test_accessibility.py (WCAG on every admin page),
so CI starts it once. Registered for every test in tests/integration/conftest.py.
Tests only read it: the figures must stay those `conversations` drove.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from advisor.questions import button_payload
from harness.scale_stack import make_assessments
from harness.servers import ActionServer, Chat, RasaServer
from tests.integration.fake_slack import FakeSlack
from tests.integration.sockets import SocketChat
from tests.integration.test_slack import SlackClient, new_id

TOKEN = "test-only-admin-token-0123456789"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
ASSESSMENTS = make_assessments(3, seed=2600, label="admin")  # BPO, KPO, in-house


@pytest.fixture(scope="session")
def admin_server(
    tmp_path_factory: pytest.TempPathFactory, fake_slack: FakeSlack
) -> Iterator[RasaServer]:
    workdir = tmp_path_factory.mktemp("admin")
    actions = ActionServer(workdir)
    server = RasaServer(
        workdir,
        actions.url,
        workdir / "tracker.db",
        extra_env={**fake_slack.env(), "ADVISOR_ADMIN_TOKEN": TOKEN},
    )
    actions.extra_env["ADVISOR_PUBLIC_URL"] = server.base_url
    actions.start()
    try:
        yield server.start()
    finally:
        server.stop()
        actions.stop()


@pytest.fixture(scope="session")
def conversations(admin_server: RasaServer, fake_slack: FakeSlack) -> dict[str, Any]:
    """Drive the conversations the page must count; return what was sent."""
    base = admin_server.base_url
    report_links = []
    for assessment in ASSESSMENTS:
        chat = Chat(base, assessment.sender)
        for message in assessment.messages:
            chat.say(message)
        report_links += [b["url"] for b in chat.buttons() if b.get("url")]
    assert len(report_links) == 3
    opened = requests.get(report_links[0], timeout=30)  # one report is opened (absolute link)
    assert opened.status_code == 200
    partial = Chat(base, "admin-partial")
    for message in [
        "/start_assessment",
        button_payload("process", "payroll"),
        button_payload("core", "supporting"),
    ]:
        partial.say(message)
    asking = Chat(base, "admin-asking")
    asking.say("what is bpo?")
    odd = Chat(base, "admin-odd")
    odd.say("zxqv blorp fnord")
    web = SocketChat(base).connect()
    try:
        for message in ["what is kpo?", "/start_assessment", button_payload("process", "payroll")]:
            assert web.say(message)
    finally:
        web.close()
    slack = SlackClient(base, fake_slack, admin_server.tracker_db)
    fake_slack.wait_for(lambda: fake_slack.posts(method="auth.test"), timeout=20)
    user, channel = new_id("U"), new_id("D")
    assert slack.dm(user, channel, "what is bpo?").status_code == 200
    slack.barrier(user, channel)  # a second message, "what is kpo?", answered after the first
    return {"web": web.sender_id, "links": report_links}
