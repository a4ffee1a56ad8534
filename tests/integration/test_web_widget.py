"""The chat page (channels/web_page.py + web/) in a real headless Chromium, against
the real Rasa and action servers: the page is served by the Rasa server at /chat/,
its widget (web/assets/webchat.js) talks socket.io to the same origin with
session_persistence on, renders markdown, and a reload continues the conversation.
Its accessibility is tested in test_accessibility.py.

Chromium is Debian's (scripts/install_browser.sh); Playwright only drives it, it
never downloads a browser. Without Chromium the browser tests are skipped, except
in CI (CI set), where they fail.
"""

import http.client
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from channels.web_page import SOCKET_CLIENT, WebChatPage
from harness.servers import CREDENTIALS, PROJECT_DIR, RasaServer
from tests.integration.browser import WAIT_MS, Widget

SCREENSHOT = PROJECT_DIR / "results" / "screenshots" / "assessment.png"
DOCS_SCREENSHOT = PROJECT_DIR / "docs" / "widget-assessment.png"

# Answers that lead to BPO, by slot; compared with each option's value and title.
BPO_ANSWERS = {
    "process": "customer care",
    "core": "supporting",
    "complexity": "routine",
    "qualifications": "basic",
    "sensitivity": "low",
    "goal": "cost",
}


# --- the page over plain HTTP -------------------------------------------------------


def test_credentials_enable_the_page_and_persistent_sessions() -> None:
    """The browser tests below only prove something with this configuration."""
    channels = yaml.safe_load(Path(CREDENTIALS).read_text()) or {}
    assert "channels.web_page.WebChatPage" in channels, (
        f"{CREDENTIALS} lacks the `channels.web_page.WebChatPage:` entry that serves /chat/"
    )
    # Rasa's `socketio` or our guarded subclass of it (channels/socketio.py).
    socketio = (
        channels.get("socketio") or channels.get("channels.socketio.GuardedSocketIOInput") or {}
    )
    assert socketio.get("session_persistence") is True, "socketio.session_persistence must be true"


def test_page_and_widget_are_served_by_the_rasa_server(rasa_server: RasaServer) -> None:
    base = rasa_server.base_url
    redirect = requests.get(f"{base}/chat", allow_redirects=False, timeout=10)
    assert redirect.status_code in (301, 302, 307, 308)
    assert requests.compat.urljoin(f"{base}/chat", redirect.headers["Location"]) == f"{base}/chat/"

    page = requests.get(f"{base}/chat/", timeout=10)
    assert page.status_code == 200, page.text[:500]
    assert "<title>Outsourcing Advisor</title>" in page.text
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]

    client = requests.get(f"{base}/chat/assets/socket.io.js", timeout=10)
    assert client.status_code == 200
    assert client.headers["Content-Type"].startswith("application/javascript")
    assert "Socket.IO" in client.text[:2000]
    again = requests.get(
        f"{base}/chat/assets/socket.io.js",
        timeout=10,
        headers={"If-None-Match": client.headers["ETag"]},
    )
    assert again.status_code == 304
    assert "AdvisorChat" in requests.get(f"{base}/chat/assets/webchat.js", timeout=10).text

    for own_asset in ("chat.js", "chat.css"):
        assert requests.get(f"{base}/chat/assets/{own_asset}", timeout=10).status_code == 200

    # socket.io is on the same origin: the page needs no CORS.
    handshake = requests.get(f"{base}/socket.io/?EIO=4&transport=polling", timeout=10)
    assert handshake.status_code == 200 and '"sid"' in handshake.text


def raw_get(base_url: str, path: str) -> tuple[int, bytes]:
    """GET `path` exactly as written: `requests` (urllib3) would resolve "../" and
    re-encode it before sending, so the server would never see the attack."""
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


# Files outside web/assets/ and a line of each that must never be served.
_SECRETS = {
    "index.html": b"<title>Outsourcing Advisor</title>",
    "credentials.yml": b"channels.rest.GuardedRestInput",
    "passwd": b"root:",
    "package.json": b'"name"',
}


@pytest.mark.parametrize(
    "path",
    [
        "../index.html",
        "..%2Findex.html",
        "..%2findex.html",
        "%2e%2e/index.html",
        "%2E%2E%2Findex.html",
        "../../credentials.yml",
        "%2e%2e/%2e%2e/credentials.yml",
        "..%2f..%2fcredentials.yml",
        "..%5c..%5ccredentials.yml",
        "..\\..\\credentials.yml",
        "....//....//credentials.yml",
        "%252e%252e/%252e%252e/credentials.yml",
        "/etc/passwd",
        "%2Fetc%2Fpasswd",
        "//etc/passwd",
        "../../../../../../etc/passwd",
        ".hidden",
        "./../index.html",
        "chat.css/../../index.html",
        "../node_modules/socket.io-client/package.json",
        "chat.js%00.css",
        "chat.css%00/../../index.html",
    ],
)
def test_assets_cannot_escape_the_web_folder(rasa_server: RasaServer, path: str) -> None:
    status, body = raw_get(rasa_server.base_url, f"/chat/assets/{path}")
    assert status in (400, 404), (path, status, body[:200])
    for leaked in _SECRETS.values():
        assert leaked not in body, (path, body[:200])


def test_raw_requests_reach_the_asset_handler(rasa_server: RasaServer) -> None:
    """The traversal test above proves something: its raw client gets real assets."""
    status, body = raw_get(rasa_server.base_url, "/chat/assets/chat.css")
    assert status == 200 and body == (PROJECT_DIR / "web" / "assets" / "chat.css").read_bytes()
    status, body = raw_get(rasa_server.base_url, "/chat/assets/./chat.css")
    assert status == 404  # sent as written: urllib3 would have sent /chat/assets/chat.css


def test_missing_socket_client_gives_a_clear_503(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<html></html>")
    channel = WebChatPage(web_dir=str(tmp_path))  # no node_modules there

    page = channel.page_response()
    assert page.status == 503 and b"make setup" in page.body
    client = channel.asset_response("socket.io.js")
    assert client.status == 503 and b"make setup" in client.body

    # Installed: served as it is.
    installed = tmp_path / SOCKET_CLIENT
    installed.parent.mkdir(parents=True)
    installed.write_bytes(b"/*x*/window.io=function(){};")
    assert channel.page_response().status == 200
    served = channel.asset_response("socket.io.js")
    assert served.status == 200 and served.body == b"/*x*/window.io=function(){};"


def test_channel_handles_no_messages() -> None:
    """It only serves files: no webhook route, the socketio channel does the talking."""
    blueprint = WebChatPage().blueprint(lambda message: None)  # type: ignore[arg-type, return-value]
    uris = sorted(route.uri for route in blueprint._future_routes)
    assert uris == ["", "/", "/assets/<name:path>"]
    assert WebChatPage().url_prefix() == "/chat"


# --- the widget in a browser ---------------------------------------------------------


def assert_markdown_rendered(message: dict[str, Any]) -> None:
    """No raw markdown left in a bot message: **bold** and [links](...) are HTML."""
    assert "**" not in message["text"], message["text"]
    assert not re.search(r"\]\((https?:|mailto:)", message["text"]), message["text"]


def test_greeting_buttons_and_a_typed_question(widget: Widget) -> None:
    widget.open()
    greeting = widget.wait_for_bot(0)  # initPayload /greet, answered with buttons
    assert "Assess my process" in greeting["buttons"], greeting

    before = widget.say("what is kpo?")
    answer = widget.wait_for_bot(before, "Knowledge Process Outsourcing")
    assert_markdown_rendered(answer)
    assert any(m["text"] == "what is kpo?" for m in widget.messages() if not m["bot"])
    widget.assert_clean()


def _questions() -> dict[str, Any]:
    from advisor.questions import QUESTIONS  # written alongside; titles change

    return dict(QUESTIONS)


def _final_titles() -> list[str]:
    from actions.recommendation import FOLLOW_UP_BUTTONS

    return [button["title"] for button in FOLLOW_UP_BUTTONS]


def _checklist_titles() -> list[str]:
    from advisor.checklist import CATEGORY_TITLES  # "Protect your data", ...

    return list(CATEGORY_TITLES.values())


def _choose(buttons: list[str], questions: dict[str, Any]) -> str:
    """The BPO-leaning option of the question these buttons belong to."""
    for slot, question in questions.items():
        titles = [option.title for option in question.options]
        if set(titles) != set(buttons):
            continue
        wanted = BPO_ANSWERS.get(str(getattr(slot, "value", slot)), "")
        for option in question.options:
            value = str(getattr(option.value, "value", option.value)).lower()
            if wanted and (value == wanted or wanted in option.title.lower()):
                return option.title
        return titles[0]
    return buttons[0]  # not one of the six questions (e.g. a confirmation)


def test_full_assessment_by_clicking_buttons(widget: Widget) -> None:
    questions = _questions()
    final_titles = set(_final_titles())
    widget.open()
    widget.wait_for_bot(0)

    after = widget.click("Assess my process")
    asked = []
    for _ in range(12):
        message = widget.wait_for_bot(after)
        if final_titles & set(message["buttons"]):
            break
        choice = _choose(message["buttons"], questions)
        asked.append((message["text"].splitlines()[-1], choice))
        after = widget.click(choice)
    else:
        pytest.fail(f"no recommendation after 12 answers: {asked}")

    assert len(asked) >= len(questions), asked
    # Rasa's socketio channel sends each paragraph as its own bubble, the buttons
    # with the last one: the recommendation is every bot bubble of this turn.
    final = [m for m in widget.messages()[after:] if m["bot"]]
    text = "\n".join(m["text"] for m in final)
    headline = final[0]  # "**My recommendation for customer care: BPO (...)**, ..."
    assert re.search(r"\b(BPO|KPO|in-house)\b", headline["text"]), text
    assert re.search(r"\bBPO\b", headline["text"]), f"BPO-leaning answers {asked} gave: {text}"
    assert re.search(r"<(strong|b)>[^<]*BPO", headline["html"]), headline["html"]
    assert any(title in text for title in _checklist_titles()), text
    for bubble in final:
        assert_markdown_rendered(bubble)

    # Show the recommendation from its headline on.
    widget.page.locator(Widget.MESSAGES).nth(widget.messages().index(headline)).evaluate(
        "e => e.scrollIntoView({block: 'start'})"
    )
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    widget.page.mouse.move(0, 0)  # no hover look on a button
    widget.page.screenshot(path=str(SCREENSHOT))
    # The README's picture: written when missing, or refreshed on request.
    if not DOCS_SCREENSHOT.exists() or os.environ.get("UPDATE_DOCS_SCREENSHOT"):
        DOCS_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SCREENSHOT, DOCS_SCREENSHOT)
    widget.assert_clean()


def test_reload_continues_the_conversation(widget: Widget) -> None:
    widget.open()
    widget.wait_for_bot(0)
    before = widget.say("what is bpo?")
    widget.wait_for_bot(before, "Business Process Outsourcing")
    shown = [m["text"] for m in widget.messages()]
    session = widget.storage()["session_id"]

    widget.reload()
    widget.page.wait_for_function(
        "n => document.querySelectorAll('.ac-transcript > .ac-message').length >= n",
        arg=len(shown),
        timeout=WAIT_MS,
    )
    assert [m["text"] for m in widget.messages()][: len(shown)] == shown
    assert widget.storage()["session_id"] == session
    # Same session on the server: replies still arrive, and no second greeting.
    before = widget.say("what is kpo?")
    widget.wait_for_bot(before, "Knowledge Process Outsourcing")
    greetings = [m for m in widget.bot_messages() if "Assess my process" in m["buttons"]]
    assert len(greetings) <= 1
    widget.assert_clean()


def test_bot_markdown_renders_bold_and_links(widget: Widget) -> None:
    widget.open()
    greeting = widget.wait_for_bot(0)
    assert re.search(r"<(strong|b)>[^<]*(BPO|KPO)", greeting["html"]), greeting["html"]
    assert_markdown_rendered(greeting)
    real_links = [m for m in widget.bot_messages() if "<a " in m["html"]]

    # No answer has a link yet, so add one the way the widget stores bot messages
    # (localStorage, rasa-webchat's format) and let it render it after a reload.
    link = "https://example.org/outsourcing-guide"
    state = widget.storage()
    template = next(m for m in state["conversation"] if m.get("sender") == "response")
    state["conversation"].append(
        {
            **template,
            "type": "text",
            "quick_replies": None,
            "text": f"Read the [vendor guide]({link}) and **compare** vendors.",
        }
    )
    widget.page.evaluate("s => localStorage.setItem('chat_session', s)", json.dumps(state))
    widget.reload()
    anchor = widget.page.wait_for_selector(f".ac-bot a[href='{link}']", timeout=WAIT_MS)
    # A link opening a new tab says so (to assistive technology; an arrow shows it).
    assert re.fullmatch(r"vendor guide\s*\(opens in a new tab\)\s*↗", anchor.inner_text())
    assert anchor.get_attribute("target") == "_blank"
    assert "noopener" in (anchor.get_attribute("rel") or "")
    stored = widget.page.locator(".ac-bot", has_text="vendor guide")
    assert stored.locator("strong, b").inner_text() == "compare"
    for message in real_links:
        assert re.search(r'<a [^>]*href="https?://', message["html"]), message["html"]
    widget.assert_clean()


def test_a_conversation_begun_with_rasa_webchat_goes_on(widget: Widget) -> None:
    """Browsers that chatted with the former widget (rasa-webchat 1.0.1) keep their
    conversation: same localStorage key and session; the entries it stored but never
    showed are left out, and the questions answered there are answered here."""
    widget.open()
    widget.wait_for_bot(0)
    after = widget.click("Assess my process")
    question = widget.wait_for_bot(after)
    shown = [m["text"] for m in widget.messages()]
    state = widget.storage()
    # The shape rasa-webchat 1.0.1 stored (seen in its localStorage): buttons messages
    # typed "buttons", a hidden "text" entry after each quick reply, no answered flag.
    conversation: list[dict[str, Any]] = []
    for message in state["conversation"]:
        conversation.append(
            {
                "type": "buttons" if message.get("quick_replies") else "text",
                "sender": message["sender"],
                "text": message["text"],
                "quick_replies": message.get("quick_replies") or None,
                "showAvatar": False,
                "timestamp": message["timestamp"],
            }
        )
        if message["sender"] == "client":
            conversation.append(
                {"type": "text", "sender": "client", "text": "text", "hidden": True}
            )
    old = {
        "params": {"storage": "local"},
        "lastUpdate": 0,
        "version": "1.0.1",
        "session_id": state["session_id"],
        "conversation": conversation,
        "metadata": {},
    }
    widget.page.evaluate("s => localStorage.setItem('chat_session', s)", json.dumps(old))
    widget.reload()
    widget.page.wait_for_function(
        "n => document.querySelectorAll('.ac-transcript > .ac-message').length >= n",
        arg=len(shown),
        timeout=WAIT_MS,
    )
    assert [m["text"] for m in widget.messages()] == shown
    open_replies = widget.page.locator(Widget.OPEN_REPLIES).all_inner_texts()
    assert open_replies == question["buttons"]  # the greeting's were answered
    after = widget.click(question["buttons"][0])  # the same session goes on
    widget.wait_for_bot(after)
    widget.assert_clean()
