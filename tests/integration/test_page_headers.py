"""Pages that are not meant to be embedded can't be framed by another site, and the
Slack app asks only for the scopes the code uses (issue #24, finding 11)."""

import re
from pathlib import Path

import requests
import yaml

from channels.handoff_format import RESUME_SLASH_COMMAND
from harness.env import PROJECT_DIR
from harness.servers import RasaServer


def test_the_chat_page_cannot_be_framed(rasa_server: RasaServer) -> None:
    page = requests.get(f"{rasa_server.base_url}/chat/", timeout=30)
    assert page.status_code == 200
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"


def test_report_pages_cannot_be_framed(rasa_server: RasaServer) -> None:
    missing = requests.get(f"{rasa_server.base_url}/report/not-a-token", timeout=30)
    assert missing.status_code == 404
    assert "frame-ancestors 'none'" in missing.headers["Content-Security-Policy"]


# Web API methods the Slack channel and the hand-off call, and the bot scopes each needs
# (api.slack.com/methods; conversations.members: public and private channels); events
# they subscribe to, and theirs.
SCOPES_OF_METHOD = {
    "chat_postMessage": {"chat:write"},
    "chat_update": {"chat:write"},
    "auth_test": set(),
    "conversations_members": {"channels:read", "groups:read"},
}
SCOPE_OF_EVENT = {
    "app_mention": "app_mentions:read",
    "message.im": "im:history",
    "message.channels": "channels:history",
    "message.groups": "groups:history",
}


def test_the_slack_manifest_asks_only_for_the_scopes_the_code_uses() -> None:
    manifest = yaml.safe_load((PROJECT_DIR / "slack" / "manifest.yml").read_text())
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    sources = [*Path(PROJECT_DIR / "channels").glob("slack*.py")]
    sources += Path(PROJECT_DIR / "channels").glob("handoff*.py")
    code = "".join(path.read_text() for path in sources)
    called = set(re.findall(r"client\.(\w+)", code)) - {"proxy"}
    assert called <= set(SCOPES_OF_METHOD), called
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    needed = set().union(*(SCOPES_OF_METHOD[m] for m in called))
    needed |= {SCOPE_OF_EVENT[e] for e in events}
    # Slash commands need `commands`, and each one is one the code answers, at the webhook.
    commands = manifest["features"].get("slash_commands") or []
    if commands:
        needed.add("commands")
    assert [c["command"] for c in commands] == [RESUME_SLASH_COMMAND]
    assert {c["url"] for c in commands} == {manifest["settings"]["interactivity"]["request_url"]}
    assert scopes == needed, scopes
