"""The action server runs actions for the Rasa server only, and a report link opens
only the reports its own conversation holds (issue #24, finding 1).

Before: anyone who could reach the action server posted `next_action:
action_compare_processes` with any sender id and a made-up tracker, and got a
portfolio link (its id the constant "*") that opened that conversation's real
reports and report.json.
"""

import secrets
from datetime import date
from typing import Any

import requests

from harness.env import server_env
from harness.servers import ActionServer, Chat, RasaServer
from tests.integration.test_report import LEGAL, PAYROLL, finish, link_button

TOKEN_ENV = "ACTION_SERVER_TOKEN"


def action_call(sender: str, assessments: list[dict[str, Any]]) -> dict[str, Any]:
    """What Rasa posts to run "compare my processes", with a tracker of our making."""
    return {
        "next_action": "action_compare_processes",
        "sender_id": sender,
        "tracker": {
            "sender_id": sender,
            "slots": {"assessments": assessments},
            "latest_message": {"intent": {"name": "compare_processes"}, "entities": []},
            "latest_event_time": None,
            "followup_action": None,
            "paused": False,
            "events": [],
            "latest_input_channel": "rest",
            "active_loop": {},
            "latest_action": {},
            "latest_action_name": "action_listen",
        },
        "domain": {},
        "version": "3.6.21",
    }


def made_up(process: str) -> dict[str, Any]:
    return {
        "report_id": secrets.token_urlsafe(12),
        "answers": {"process": process},
        "assumed": [],
        "finished_on": date.today().isoformat(),
    }


def test_calls_without_the_token_are_refused(
    hardened_stack: tuple[RasaServer, ActionServer],
) -> None:
    server, actions = hardened_stack
    chat = Chat(server.base_url)
    finish(chat, PAYROLL)
    finish(chat, LEGAL, start="/assess_another")
    body = action_call(chat.sender, [made_up("payroll"), made_up("legal research")])
    token = server_env()[TOKEN_ENV]
    for headers in (
        {},
        {"Authorization": "Bearer wrong-" + token},
        {"Authorization": "Basic " + token},
        {"Authorization": token},
        {"X-Action-Server-Token": token},
    ):
        refused = requests.post(actions.url, json=body, headers=headers, timeout=30)
        assert refused.status_code == 401, (headers, refused.text[:300])
        assert refused.json()["error"] == "unauthorized"
        assert "responses" not in refused.text
    listing = requests.get(actions.url.replace("/webhook", "/actions"), timeout=30)
    assert listing.status_code == 401
    # Liveness probes need no secret.
    assert requests.get(actions.url.replace("/webhook", "/health"), timeout=30).ok
    # The Rasa server itself has the token: the conversation goes on normally.
    assert "**payroll**" in chat.text("compare my processes")


def test_a_link_for_a_made_up_tracker_opens_nothing(
    hardened_stack: tuple[RasaServer, ActionServer],
) -> None:
    """Even a caller holding the token (or a bug sending a wrong tracker) gets links
    only to what the tracker it sent holds: random report ids it cannot know."""
    server, actions = hardened_stack
    chat = Chat(server.base_url)
    finish(chat, PAYROLL)
    finish(chat, LEGAL, start="/assess_another")
    chat.text("compare my processes")
    real = requests.get(server.base_url + link_button(chat, "Open the comparison")["url"])
    assert real.status_code == 200 and "legal research" in real.text

    headers = {"Authorization": "Bearer " + server_env()[TOKEN_ENV]}
    body = action_call(chat.sender, [made_up("payroll"), made_up("legal research")])
    answer = requests.post(actions.url, json=body, headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text[:300]
    (reply,) = answer.json()["responses"]
    links = [b["url"] for b in reply["buttons"] if b.get("type") == "web_url"]
    assert len(links) == 1, reply
    for suffix in ("", "/report.json", "/report.md"):
        page = requests.get(server.base_url + links[0] + suffix, timeout=30)
        assert page.status_code == 404, (suffix, page.text[:300])
        assert "legal research" not in page.text and "payroll" not in page.text
