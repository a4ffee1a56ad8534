"""Headless Chromium driving the real chat page (web/assets/webchat.js), for the integration
tests: Debian's chromium (scripts/install_browser.sh), driven by Playwright, which
never downloads a browser. Without Chromium these tests are skipped, except in CI
(CI set), where they fail.

The fixtures `playwright_api` and `widget` are offered to every test through
tests/integration/conftest.py.
"""

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.servers import PROJECT_DIR, RasaServer

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_MS = 20_000  # one bot turn: NLU + action server + the widget's typing delay


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (browser tests must run in CI)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def playwright_api() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed: pip install -r requirements-dev.txt")
    if not os.access(CHROMIUM, os.X_OK):
        install = subprocess.run(
            ["bash", str(PROJECT_DIR / "scripts" / "install_browser.sh")],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if install.returncode != 0 or not os.access(CHROMIUM, os.X_OK):
            _unavailable(
                f"Chromium is missing at {CHROMIUM} and could not be installed: "
                f"{(install.stderr or install.stdout).strip()[-500:]}"
            )
    with sync_playwright() as api:
        yield api


class Widget:
    """One browser profile with the chat page open; reads the widget's DOM."""

    MESSAGES = ".ac-transcript > .ac-message"
    INPUT = ".ac-input"
    # Quick replies still to be answered (answered ones are aria-disabled).
    OPEN_REPLIES = ".ac-replies .ac-reply:not([aria-disabled])"

    MESSAGES_JS = """() => [...document.querySelectorAll('.ac-transcript > .ac-message')]
        .map(m => ({
            bot: m.classList.contains('ac-bot'),
            text: m.querySelector('.ac-text').innerText.trim(),
            html: m.querySelector('.ac-text').innerHTML,
            buttons: [...m.querySelectorAll('.ac-reply')].map(b => b.innerText.trim()),
            links: [...m.querySelectorAll('.ac-replies a')].map(a => a.getAttribute('href')),
        }))"""

    # true once a bot message after index `after` matches `needle` (regex, case-
    # insensitive) or, without a needle, once the newest message is a bot's with buttons.
    WAIT_JS = """([after, needle]) => {
        const all = [...document.querySelectorAll('.ac-transcript > .ac-message')];
        const fresh = all.slice(after).filter(m => m.classList.contains('ac-bot'));
        if (needle !== null) {
            const re = new RegExp(needle, 'i');
            return fresh.some(m => re.test(m.innerText));
        }
        const last = all[all.length - 1];
        return fresh.length > 0 && fresh.includes(last) && !!last.querySelector('.ac-reply');
    }"""

    def __init__(self, api: Any, base_url: str, profile: Path, **options: Any) -> None:
        self.base_url = base_url
        self.foreign_requests: list[str] = []
        self.errors: list[str] = []
        self.context = api.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            **{"viewport": {"width": 900, "height": 1000}, **options},
        )
        self.context.on("request", self._check_origin)
        self.page = self.context.pages[0] if self.context.pages else self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        self.page.on(
            "console",
            lambda msg: msg.type == "error" and self.errors.append(f"console error: {msg.text}"),
        )

    def _check_origin(self, request: Any) -> None:
        url = request.url
        if not (
            url.startswith(self.base_url + "/") or url.split(":", 1)[0] in ("data", "blob", "about")
        ):
            self.foreign_requests.append(url)

    def open(self) -> None:
        self.page.goto(f"{self.base_url}/chat/")
        self.wait_connected()

    def reload(self) -> None:
        self.page.reload()
        self.wait_connected()

    def wait_connected(self) -> None:
        self.page.wait_for_function(
            "() => /Connected/.test(document.querySelector('.ac-status')?.textContent || '')",
            timeout=WAIT_MS,
        )

    def messages(self) -> list[dict[str, Any]]:
        return self.page.evaluate(self.MESSAGES_JS)

    def bot_messages(self) -> list[dict[str, Any]]:
        return [message for message in self.messages() if message["bot"]]

    def wait_for_bot(self, after: int, needle: str | None = None) -> dict[str, Any]:
        """The first bot message after index `after` matching `needle` (or the newest
        one, with buttons, when no needle is given)."""
        self.page.wait_for_function(self.WAIT_JS, arg=[after, needle], timeout=WAIT_MS)
        fresh = [m for m in self.messages()[after:] if m["bot"]]
        if needle is None:
            return fresh[-1]
        return next(m for m in fresh if re.search(needle, m["text"], re.IGNORECASE))

    def say(self, text: str) -> int:
        """Type `text` into the widget; returns the message count before it."""
        before = len(self.messages())
        self.page.fill(self.INPUT, text)
        self.page.press(self.INPUT, "Enter")
        return before

    def click(self, title: str) -> int:
        before = len(self.messages())
        buttons = self.page.locator(self.OPEN_REPLIES).filter(
            has_text=re.compile(rf"^\s*{re.escape(title)}\s*$")
        )
        buttons.last.click()
        return before

    def storage(self) -> dict[str, Any]:
        return json.loads(self.page.evaluate("localStorage.getItem('chat_session')") or "{}")

    def assert_clean(self) -> None:
        assert not self.foreign_requests, (
            f"the page loaded from other origins: {self.foreign_requests}"
        )
        assert not self.errors, "\n".join(self.errors)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def widget(playwright_api: Any, rasa_server: RasaServer, tmp_path: Path) -> Iterator[Widget]:
    browser = Widget(playwright_api, rasa_server.base_url, tmp_path / "chromium-profile")
    try:
        yield browser
    finally:
        browser.close()
