"""Pages that are not meant to be embedded can't be framed by another site, and the
Slack app asks only for the scopes the code uses (issue #24, finding 11)."""

import re
from pathlib import Path

import requests
import yaml

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


# Web API methods the Slack channel calls, and the bot scope each needs
# (api.slack.com/methods); events it subscribes to, and theirs.
SCOPE_OF_METHOD = {"chat_postMessage": "chat:write", "chat_update": "chat:write", "auth_test": ""}
SCOPE_OF_EVENT = {"app_mention": "app_mentions:read", "message.im": "im:history"}


def test_the_slack_manifest_asks_only_for_the_scopes_the_code_uses() -> None:
    manifest = yaml.safe_load((PROJECT_DIR / "slack" / "manifest.yml").read_text())
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    code = "".join(p.read_text() for p in Path(PROJECT_DIR / "channels").glob("slack*.py"))
    called = set(re.findall(r"client\.(\w+)", code)) - {"proxy"}
    assert called <= set(SCOPE_OF_METHOD), called
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    needed = {SCOPE_OF_METHOD[m] for m in called} | {SCOPE_OF_EVENT[e] for e in events}
    assert scopes == needed - {""}, scopes
