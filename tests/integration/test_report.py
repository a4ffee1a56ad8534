"""The assessment report and "compare my processes", against the real servers.

A finished assessment gives its conversation a link to one report page, served by
the Rasa server (channels/report_page.py), with Markdown and JSON exports. The link
is sealed with the servers' secret: it can't be guessed, altered or pointed at
another conversation.
"""

import io
import json
import os
import re
import shutil
import sqlite3
from html import unescape
from typing import Any

import pytest
import requests
from pypdf import PdfReader

from harness.env import PROJECT_DIR, server_env
from harness.servers import Chat, RasaServer
from runtime.settings import rasa_settings
from tests.integration.browser import WAIT_MS, Widget

PAYROLL = [
    ("process", "payroll"),
    ("core", "supporting"),
    ("complexity", "routine"),
    ("qualifications", "basic"),
    ("sensitivity", "low"),
    ("goal", "cost"),
]
LEGAL = [
    ("process", "legal research"),
    ("core", "important"),
    ("complexity", "expert"),
    ("qualifications", "professional"),
    ("sensitivity", "high"),
]  # the goal is kept from the first assessment


def finish(chat: Chat, answers: list[tuple[str, str]], start: str = "/start_assessment") -> str:
    chat.text(start)
    reply = ""
    for slot, value in answers:
        reply = chat.text("/inform" + json.dumps({slot: value}))
    return reply


def link_button(chat: Chat, title: str) -> dict[str, Any]:
    links = [b for b in chat.buttons() if b.get("type") == "web_url" and title in b["title"]]
    assert len(links) == 1, chat.buttons()
    return links[0]


def token_of(url: str) -> str:
    match = re.fullmatch(r"http://127\.0\.0\.1:\d+/report/([A-Za-z0-9_-]{40,})", url)
    assert match, url
    return match.group(1)


@pytest.fixture
def payroll_report(new_chat) -> tuple[Chat, str]:
    chat = new_chat()
    final = finish(chat, PAYROLL)
    assert "BPO (Business Process Outsourcing)" in final
    return chat, link_button(chat, "Open the report")["url"]


def test_the_final_recommendation_links_its_report(payroll_report, rasa_server: RasaServer):
    chat, url = payroll_report
    page = requests.get(url, timeout=30)
    assert page.status_code == 200, page.text[:300]
    assert page.headers["Content-Type"].startswith("text/html")
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "script-src" not in page.headers["Content-Security-Policy"]  # no script at all
    html = page.text
    assert 'data-recommendation="bpo"' in html and "BPO (Business Process Outsourcing)" in html
    assert "<svg" in html and "Points towards each option" in html
    assert html.count("type='checkbox'") >= 5
    assert 'no definite "superior" option' in unescape(html)
    assert re.search(r"\d{4}-\d{2}-\d{2}", html)
    assert "<h2>What would change it</h2>" in html and "Settled:" in html
    css = requests.get(f"{rasa_server.base_url}/chat/assets/report.css", timeout=10)
    assert css.status_code == 200 and "@media print" in css.text


def test_markdown_and_json_exports(payroll_report):
    _, url = payroll_report
    markdown = requests.get(f"{url}/report.md", timeout=30)
    assert markdown.status_code == 200
    assert markdown.headers["Content-Type"].startswith("text/markdown")
    assert "attachment" in markdown.headers["Content-Disposition"]
    assert markdown.text.startswith("# Outsourcing assessment: payroll")
    assert "- [ ] " in markdown.text
    assert "## What would change it" in markdown.text
    data = requests.get(f"{url}/report.json", timeout=30).json()
    assert data["recommendation"] == "bpo" and data["answers"]["goal"] == "cost"
    assert {r["option"] for r in data["what_would_change"]["routes"]} >= {"kpo", "in_house"}
    assert requests.get(f"{url}/report.pdf", timeout=30).status_code == 404


def test_a_changed_answer_updates_the_same_report(payroll_report):
    chat, url = payroll_report
    changed = chat.text("actually it needs expert judgement and lawyers, and it sets us apart")
    assert "KPO" in changed or "in-house" in changed, changed
    data = requests.get(f"{url}/report.json", timeout=30).json()
    assert data["answers"]["complexity"] == "expert", data["answers"]
    assert data["recommendation"] != "bpo"


def test_forged_altered_or_foreign_report_ids_get_404(payroll_report, new_chat, rasa_server):
    chat, url = payroll_report
    base, token = url.rsplit("/", 1)
    altered = token[:30] + ("A" if token[30] != "A" else "B") + token[31:]
    for bad in [altered, "A" * len(token), token + "x", token[:-4]]:
        assert requests.get(f"{base}/{bad}", timeout=30).status_code == 404, bad
    # Another conversation's report id, in a link sealed with the servers' own secret
    # for a conversation that doesn't hold it: not found. Sealed for its own
    # conversation, the same id opens.
    other = new_chat()
    finish(other, PAYROLL)
    (report_id,) = stored_report_ids(rasa_server, chat.sender)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ADVISOR_SECRET_KEY", server_env()["ADVISOR_SECRET_KEY"])
        foreign = rasa_settings().report_links.make_token(other.sender, report_id)
        own = rasa_settings().report_links.make_token(chat.sender, report_id)
    assert requests.get(f"{base}/{foreign}", timeout=30).status_code == 404
    assert requests.get(f"{base}/{own}", timeout=30).status_code == 200


def stored_report_ids(rasa_server: RasaServer, conversation_id: str) -> list[str]:
    """The report ids the conversation's latest "assessments" slot holds."""
    assert rasa_server.tracker_db is not None
    with sqlite3.connect(rasa_server.tracker_db) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'slot' ORDER BY id",
            (conversation_id,),
        ).fetchall()
    slots = [json.loads(data) for (data,) in rows]
    latest = [s["value"] for s in slots if s["name"] == "assessments"][-1]
    return [a["report_id"] for a in latest]


def test_compare_my_processes(new_chat):
    chat = new_chat()
    assert "nothing to compare" in chat.text("compare my processes")
    finish(chat, PAYROLL)
    one = chat.text("/compare_processes")
    assert "one process" in one and "payroll" in one
    finish(chat, LEGAL, start="/assess_another")
    assert any(b["title"] == "Compare my processes" for b in chat.buttons())
    both = chat.text("how do my processes compare?")
    assert "**payroll**: BPO" in both and "**legal research**" in both, both
    portfolio = requests.get(link_button(chat, "Open the comparison")["url"], timeout=30)
    assert portfolio.status_code == 200
    assert "payroll" in portfolio.text and "legal research" in portfolio.text
    assert portfolio.text.count("<svg") == 1


# --- in the browser: from the widget's button to a printed PDF ---------------------

WHOLE_ASSESSMENT = (
    "We want to outsource payroll. It's not core and very routine, basic skills are "
    "enough, the data is not sensitive and we mainly want to cut costs."
)
DOCS_SCREENSHOT = PROJECT_DIR / "docs" / "report.png"


def test_the_report_opens_from_the_widget_renders_and_prints(
    widget: Widget,
    rasa_server: RasaServer,
    tmp_path,
):
    widget.open()
    widget.wait_for_bot(0)
    after = widget.say(WHOLE_ASSESSMENT)
    widget.wait_for_bot(after, "My recommendation for payroll")
    link = widget.page.locator(".ac-replies a", has_text="Open the report")
    link.last.wait_for(timeout=WAIT_MS)
    with widget.context.expect_page() as opened:
        link.last.click()
    report = opened.value
    report.wait_for_load_state()
    assert report.url.startswith(widget.base_url + "/report/")
    assert report.locator("h1").inner_text() == "payroll"
    changes = report.locator("section", has=report.locator("h2", has_text="What would change it"))
    assert "KPO if" in changes.inner_text() and "Settled:" in changes.inner_text()
    chart = report.locator("figure.chart svg")
    assert chart.count() == 1 and chart.bounding_box()["height"] > 100
    assert "Points towards each option" in (chart.text_content() or "")
    boxes = report.locator(".checklist input[type=checkbox]")
    assert boxes.count() >= 5
    report.set_viewport_size({"width": 1000, "height": 1400})
    report.screenshot(path=str(tmp_path / "report.png"), full_page=False)
    if not DOCS_SCREENSHOT.exists() or os.environ.get("UPDATE_DOCS_SCREENSHOT"):
        shutil.copyfile(tmp_path / "report.png", DOCS_SCREENSHOT)
    boxes.first.check()  # people tick items off before printing
    assert boxes.first.is_checked()

    pdf = report.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = re.sub(r"\s+", " ", text)
    assert "BPO (Business Process Outsourcing)" in text, text[:500]
    assert "Due-diligence checklist" in text and "What would change it" in text
    assert "Download as Markdown" not in text  # the print stylesheet hides the links

    # The widget's "What would change it?" button answers in the chat.
    after = widget.click("What would change it?")
    widget.wait_for_bot(after, "Settled:")

    # Another conversation's report, in a link sealed for this browser's: not found.
    other = Chat(widget.base_url)
    finish(other, PAYROLL)
    (report_id,) = stored_report_ids(rasa_server, other.sender)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ADVISOR_SECRET_KEY", server_env()["ADVISOR_SECRET_KEY"])
        foreign = rasa_settings().report_links.make_token("another-conversation", report_id)
    assert report.goto(f"{widget.base_url}/report/{foreign}").status == 404
    assert "Report not found" in report.inner_text("h1")
    widget.assert_clean()


def test_asking_for_the_report_in_words_gives_its_link(new_chat):
    chat = new_chat()
    assert "as soon as an assessment is finished" in chat.text("can I get the report as a pdf?")
    finish(chat, PAYROLL)
    first = link_button(chat, "Open the report")["url"]
    reply = chat.text("I need something I can share with my boss")
    assert "report for **payroll**" in reply, reply
    again = link_button(chat, "Open the report")["url"]
    same = [requests.get(f"{url}/report.json", timeout=30).json() for url in (first, again)]
    assert same[0] == same[1] and same[0]["process"] == "payroll"


def test_a_hybrid_split_is_reported_and_counted_in_the_comparison(new_chat):
    chat = new_chat()
    split = [
        ("process", "customer care"),
        ("core", "core"),
        ("complexity", "routine"),
        ("qualifications", "basic"),
        ("sensitivity", "low"),
        ("goal", "cost"),
    ]
    final = finish(chat, split)
    assert "a hybrid split between BPO and keeping it in-house" in final
    page = requests.get(link_button(chat, "Open the report")["url"], timeout=30).text
    assert 'data-recommendation="hybrid_bpo_in_house"' in page and "Set up the split" in page
    finish(chat, PAYROLL, start="/assess_another")
    both = chat.text("/compare_processes")
    assert "**customer care**: a hybrid split, BPO + in-house" in both, both
    assert "hybrid split 1" in both


def test_a_hybrid_split_in_the_widget(widget: Widget):
    widget.open()
    widget.wait_for_bot(0)
    after = widget.say(
        "We want to outsource customer care. It sets us apart, but it's mostly routine, "
        "basic skills are enough, the data is not sensitive and we mainly want to cut costs."
    )
    widget.wait_for_bot(after, "a hybrid split between BPO and keeping it in-house")
    widget.wait_for_bot(after, "Set up the split")
    after = widget.click("What would change it?")
    widget.wait_for_bot(after, "My recommendation for customer care is a hybrid split")
    widget.assert_clean()
