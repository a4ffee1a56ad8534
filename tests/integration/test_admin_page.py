"""The operators' page /admin/ (channels/admin_page.py) on a real Rasa server with
SQLite, over conversations the servers wrote: REST, the web widget's socket.io and
Slack (the fake Slack API). The figures are those the conversations must give; the
page is refused without the token, and off when the server has none.

PostgreSQL and nginx: test_admin_scale_out.py. Every figure against a hand count on
a generated set, on both databases: test_admin_analytics.py. The server and the
conversations (`admin_server`, `conversations`) are session fixtures of
tests/integration/admin_stack.py, shared with test_accessibility.py.
"""

from __future__ import annotations

import csv
import io
import re
import time
from datetime import datetime, timezone
from html import unescape
from typing import Any

import requests

from advisor.scoring import score
from harness.servers import RasaServer
from tests.integration.admin_stack import ASSESSMENTS, BEARER, TOKEN
from tests.integration.browser import CHROMIUM, CHROMIUM_ARGS


def get(server: RasaServer, path: str, **kwargs: Any) -> requests.Response:
    kwargs.setdefault("headers", BEARER)
    return requests.get(server.base_url + path, timeout=30, allow_redirects=False, **kwargs)


def csv_rows(server: RasaServer, table: str, query: str = "") -> list[dict[str, str]]:
    reply = get(server, f"/admin/export/{table}.csv{query}")
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(reply.text)))


def today() -> str:
    return datetime.now(timezone.utc).date().isoformat()


def test_conversations_and_messages_per_day_and_channel(admin_server, conversations) -> None:
    rows = csv_rows(admin_server, "conversations_per_day")
    got = {
        row["channel"]: (row["day"], int(row["conversations"]), int(row["messages"]))
        for row in rows
    }
    # REST: 3 assessments of 7 messages, 3 of a partial one, 1 question, 1 odd message
    assert got == {
        "REST": (today(), 6, 3 * 7 + 3 + 1 + 1),
        "web": (today(), 1, 3),
        "Slack": (today(), 1, 2),
    }
    web_only = csv_rows(admin_server, "conversations_per_day", "?channel=socketio")
    assert [(r["channel"], r["conversations"]) for r in web_only] == [("web", "1")]
    page = get(admin_server, "/admin/")
    assert page.status_code == 200 and "<svg" in page.text and "Outsourcing Advisor" in page.text
    assert get(admin_server, "/admin").status_code in (200, 301, 302, 308)  # no slash: found


def test_the_funnel(admin_server, conversations) -> None:
    steps = [(r["step"], int(r["conversations"])) for r in csv_rows(admin_server, "funnel")]
    # started: 3 complete, 1 partial (2 answers), the web one (1 answer)
    assert [n for _, n in steps] == [5, 5, 4, 3, 3, 3, 3, 3, 1]
    assert steps[0][0] == "assessment started" and steps[-1][0] == "report opened"
    drop = [r["stopped after this step"] for r in csv_rows(admin_server, "funnel")]
    assert drop == ["0", "1", "1", "0", "0", "0", "0", "2", ""]


def test_the_mix(admin_server, conversations) -> None:
    models = {
        r["recommendation"]: int(r["assessments"])
        for r in csv_rows(admin_server, "recommendations")
    }
    assert models == {a.expected.short_name: 1 for a in ASSESSMENTS}
    certainty = {r["certainty"]: int(r["assessments"]) for r in csv_rows(admin_server, "certainty")}
    expected: dict[str, int] = {}
    for assessment in ASSESSMENTS:
        level = score(assessment.answers).certainty
        assert level is not None
        expected[level.value] = expected.get(level.value, 0) + 1
    assert certainty == expected
    processes = {r["process"] for r in csv_rows(admin_server, "processes")}
    assert processes == {str(a.answers.process).lower() for a in ASSESSMENTS}


def test_understanding_and_the_messages_not_understood(admin_server, conversations) -> None:
    rows = csv_rows(admin_server, "understanding")
    counts = {r["case"]: int(r["messages"]) for r in rows}
    odd = counts["fell back (no intent)"] + counts["declined (out of scope or not in the source)"]
    assert odd == 1, f"the odd message fell back or was declined: {counts}"  # nothing else
    assert counts["needed a confirmation or a choice"] == 0  # buttons only
    missed = csv_rows(admin_server, "not_understood")
    if counts["fell back (no intent)"]:
        assert [(r["message"], r["latest conversation"]) for r in missed] == [
            ("zxqv blorp fnord", "admin-odd")
        ]
        page = get(admin_server, "/admin/understanding")
        assert 'href="/admin/conversations/admin-odd"' in page.text
    else:
        assert missed == []


def test_the_conversation_list_search_and_a_transcript(admin_server, conversations) -> None:
    listed = [r["conversation"] for r in csv_rows(admin_server, "conversations")]
    assert len(listed) == 8 and set(listed) >= {a.sender for a in ASSESSMENTS} | {
        conversations["web"]
    }
    found = [r["conversation"] for r in csv_rows(admin_server, "conversations", "?q=BLORP")]
    assert found == ["admin-odd"]
    page = get(admin_server, "/admin/conversations?q=blorp")
    assert page.status_code == 200 and "admin-odd" in page.text
    first = ASSESSMENTS[0]
    transcript = get(admin_server, f"/admin/conversations/{first.sender}")
    assert transcript.status_code == 200
    text = unescape(transcript.text)
    assert first.expected.short_name in text and str(first.answers.process) in text
    link = re.search(r'href="(/report/[^"]+)"', transcript.text)
    assert link and requests.get(admin_server.base_url + unescape(link.group(1)), timeout=30).ok
    lines = list(
        csv.reader(
            io.StringIO(get(admin_server, f"/admin/export/transcript.csv?id={first.sender}").text)
        )
    )
    assert [line[2] for line in lines[1:] if line[1] == "user"] == first.messages
    [assessed] = csv_rows(admin_server, "assessments", f"?id={first.sender}")
    assert assessed["recommendation"] == first.expected.short_name
    assert f"process: {first.answers.process}" in assessed["answers"]
    assert requests.get(admin_server.base_url + assessed["report"], timeout=30).ok
    assert get(admin_server, "/admin/conversations/nobody-at-all").status_code == 404


def test_bad_filters_get_a_clear_message(admin_server, conversations) -> None:
    for query, message in [
        ("?from=yesterday", "YYYY-MM-DD"),
        ("?from=2026-12-05&to=2026-12-01", "after the last day"),
        ("?channel=fax", "Unknown channel"),
    ]:
        reply = get(admin_server, "/admin/" + query)
        assert reply.status_code == 400 and message in reply.text, (query, reply.text[:300])
    assert get(admin_server, "/admin/export/nothing.csv").status_code == 404


PATHS = [
    "/admin/",
    "/admin/mix",
    "/admin/understanding",
    "/admin/conversations",
    "/admin/conversations/admin-odd",
    "/admin/export/funnel.csv",
]


def test_refused_without_the_token(admin_server, conversations) -> None:
    for path in PATHS:
        for headers in (
            {},
            {"Authorization": "Bearer wrong-token-0123456789"},
            {"Authorization": f"Basic {TOKEN}"},
            {"Cookie": "advisor_admin=1999999999.00"},
        ):
            reply = get(admin_server, path, headers=headers)
            assert reply.status_code == 401, (path, headers, reply.status_code)
            assert "admin-odd" not in reply.text and "zxqv" not in reply.text
    browser = get(admin_server, "/admin/", headers={"Accept": "text/html"})
    assert browser.status_code == 401 and "name=token" in browser.text


def test_the_login_form_sets_a_strict_http_only_cookie(admin_server, conversations) -> None:
    session = requests.Session()
    url = admin_server.base_url + "/admin/login"
    started = time.monotonic()
    wrong = session.post(url, data={"token": "not-it"}, allow_redirects=False, timeout=30)
    assert wrong.status_code == 401 and "not right" in wrong.text and not session.cookies
    assert time.monotonic() - started >= 1  # guessing is slowed down
    right = session.post(url, data={"token": TOKEN}, allow_redirects=False, timeout=30)
    assert right.status_code == 303 and right.headers["location"] == "/admin/"
    cookie = right.headers["set-cookie"]
    assert re.search(r"(?i)httponly", cookie) and re.search(r"(?i)samesite=strict", cookie)
    assert "Path=/admin/" in cookie and TOKEN not in cookie
    assert session.get(admin_server.base_url + "/admin/mix", timeout=30).status_code == 200
    out = session.post(admin_server.base_url + "/admin/logout", allow_redirects=False, timeout=30)
    assert out.status_code == 303
    assert session.get(admin_server.base_url + "/admin/mix", timeout=30).status_code == 401


def test_off_when_the_server_has_no_token(rasa_server: RasaServer) -> None:
    for path in [*PATHS, "/admin/login"]:
        reply = requests.get(rasa_server.base_url + path, headers=BEARER, timeout=30)
        assert reply.status_code == 404, path
    assert (
        requests.post(
            rasa_server.base_url + "/admin/login", data={"token": TOKEN}, timeout=30
        ).status_code
        == 404
    )


def test_in_chromium_login_and_every_page(admin_server, conversations, playwright_api) -> None:
    """Log in with the form, visit every page: nothing is fetched from elsewhere and
    the cookie is invisible to scripts. (The docs' screenshots: bench/admin_screenshots.py.)"""
    browser = playwright_api.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        page = browser.new_page(viewport={"width": 1200, "height": 1000})
        foreign: list[str] = []
        page.on(
            "request", lambda r: r.url.startswith(admin_server.base_url) or foreign.append(r.url)
        )
        page.goto(admin_server.base_url + "/admin/")
        page.fill("input[name=token]", TOKEN)
        page.click("button")
        page.wait_for_selector("text=The assessment funnel")
        assert page.evaluate("document.cookie") == ""  # HttpOnly
        for path, heading in [
            ("/admin/", "The assessment funnel"),
            ("/admin/mix", "Most assessed processes"),
            ("/admin/understanding", "Messages not understood"),
            ("/admin/conversations?q=blorp", "admin-odd"),
            (f"/admin/conversations/{ASSESSMENTS[1].sender}", "Transcript"),
        ]:
            page.goto(admin_server.base_url + path)
            page.wait_for_selector(f"text={heading}")
        assert foreign == []
    finally:
        browser.close()
