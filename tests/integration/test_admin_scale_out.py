"""The operators' page on PostgreSQL, through nginx: the scale-out stack started with
the documented command (scripts/scale_up.sh) and ADVISOR_ADMIN_TOKEN set, one Rasa
replica behind nginx. Conversations go through nginx to the replica, which writes
them to PostgreSQL; the page, read through nginx, counts them, and refuses a
request without the token.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
import requests

from advisor.questions import button_payload
from harness.scale_stack import ScaleStack, make_assessments, raw_request, services_missing
from harness.servers import Chat

TOKEN = "test-only-admin-token-for-the-stack"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
ASSESSMENTS = make_assessments(3, seed=2601, label="admin-pg")


@pytest.fixture(scope="module")
def stack() -> Iterator[ScaleStack]:
    missing = services_missing()
    if missing:
        pytest.skip(missing)
    stack = ScaleStack.start(replicas=1, extra_env={"ADVISOR_ADMIN_TOKEN": TOKEN})
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def driven(stack: ScaleStack) -> list[str]:
    links = []
    for assessment in ASSESSMENTS:
        chat = Chat(stack.url, assessment.sender)
        for message in assessment.messages:
            chat.say(message)
        links += [b["url"] for b in chat.buttons() if b.get("url")]
    partial = Chat(stack.url, "admin-pg-partial")
    for message in [
        "/start_assessment",
        button_payload("process", "payroll"),
        button_payload("core", "supporting"),
    ]:
        partial.say(message)
    assert len(links) == 3
    path = "/report/" + links[0].split("/report/", 1)[1]
    assert requests.get(stack.url + path, timeout=30).status_code == 200  # through nginx
    return links


def table(
    stack: ScaleStack, name: str, headers: dict[str, str] | None = None
) -> list[dict[str, str]]:
    reply = requests.get(
        f"{stack.url}/admin/export/{name}.csv", headers=headers or BEARER, timeout=30
    )
    assert reply.status_code == 200, reply.text
    return list(csv.DictReader(io.StringIO(reply.text)))


def test_the_page_counts_what_the_replica_wrote_to_postgresql(
    stack: ScaleStack, driven: list[str]
) -> None:
    with stack.db() as db, db.cursor() as cursor:  # the replica's tracker store
        cursor.execute("SELECT count(DISTINCT sender_id) FROM events WHERE type_name = 'user'")
        assert cursor.fetchone() == (4,)
    day = datetime.now(timezone.utc).date().isoformat()
    activity = [
        (r["day"], r["channel"], r["conversations"], r["messages"])
        for r in table(stack, "conversations_per_day")
    ]
    assert activity == [(day, "REST", "4", str(3 * 7 + 3))]
    assert [int(r["conversations"]) for r in table(stack, "funnel")] == [4, 4, 4, 3, 3, 3, 3, 3, 1]
    models = {r["recommendation"]: int(r["assessments"]) for r in table(stack, "recommendations")}
    assert models == {a.expected.short_name: 1 for a in ASSESSMENTS}
    found = table(stack, "conversations")
    assert {r["conversation"] for r in found} == {a.sender for a in ASSESSMENTS} | {
        "admin-pg-partial"
    }
    page = requests.get(
        f"{stack.url}/admin/conversations/{ASSESSMENTS[0].sender}", headers=BEARER, timeout=30
    )
    assert page.status_code == 200 and 'href="/report/' in page.text


def test_refused_through_nginx_without_the_token(stack: ScaleStack, driven: list[str]) -> None:
    port = int(stack.settings["SCALE_HTTP_PORT"])
    for path in [
        "/admin/",
        "/admin/mix",
        "/admin/export/funnel.csv",
        f"/admin/conversations/{ASSESSMENTS[0].sender}",
    ]:
        for headers in ({}, {"Authorization": "Bearer not-the-token-at-all"}):
            got = raw_request(port, "GET", path, headers=headers)
            assert got.status == 401, (path, headers, got.status)
            assert ASSESSMENTS[0].sender.encode() not in got.body
        assert raw_request(port, "GET", path, headers=BEARER).status == 200
