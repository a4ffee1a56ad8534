"""runtime/settings.py: the Rasa server's environment, read once, into one frozen value."""

import dataclasses
import os
import subprocess
import sys

import pytest

from actions import settings as action_settings
from runtime import settings as runtime_settings
from runtime.settings import DEFAULT_ACTION_TIMEOUT, read


def test_defaults_and_values() -> None:
    defaults = read({})
    assert defaults.action_timeout == DEFAULT_ACTION_TIMEOUT
    assert defaults.max_messages_per_minute == 30
    assert defaults.retention_days == defaults.web_session_idle_days == 30
    assert defaults.runtime_tuning and not defaults.runtime_skip
    given = read(
        {
            "RASA_ACTION_TIMEOUT": "5",
            "CONVERSATION_RETENTION_DAYS": "7",
            "RASA_RUNTIME_SKIP": " RasaModel.load, runtime.policies",
            "ADVISOR_PUBLIC_URL": "https://advisor.example.com",
        }
    )
    assert given.action_timeout == 5
    assert given.web_session_idle_days == 7  # follows the retention unless set
    assert given.runtime_skip == {"RasaModel.load", "runtime.policies"}
    assert given.report_links.base_url == "https://advisor.example.com"
    with pytest.raises(dataclasses.FrozenInstanceError):
        given.action_timeout = 1  # type: ignore[misc]


def test_a_bad_setting_stops_the_start_with_its_name() -> None:
    """A setting that is no valid value stops `python -m runtime.launch` with one line
    naming it, before Rasa starts."""
    env = {**os.environ, "CONVERSATION_RETENTION_DAYS": "thirty"}
    done = subprocess.run(
        [sys.executable, "-m", "runtime.launch", "--version"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1
    assert "CONVERSATION_RETENTION_DAYS must be a positive number of days, not 'thirty'" in (
        done.stderr
    )
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("read", [runtime_settings.read, action_settings.read])
def test_both_servers_read_the_hand_off_settings(read) -> None:  # type: ignore[no-untyped-def]
    """Off without the channel or the token; the timeout read leniently."""
    assert not read({"SLACK_BOT_TOKEN": "x"}).handoff.enabled
    assert not read({"HANDOFF_SLACK_CHANNEL": "C1"}).handoff.enabled
    on = read(
        {"HANDOFF_SLACK_CHANNEL": "C1", "SLACK_BOT_TOKEN": "x", "HANDOFF_TIMEOUT_MINUTES": "0.5"}
    ).handoff
    assert on.enabled and on.timeout_seconds == 30
    for bad in ("soon", "-1", "0", ""):
        assert read({"HANDOFF_TIMEOUT_MINUTES": bad}).handoff.timeout_minutes == 15
    # Ended hand-offs are kept as long as conversations: the one retention setting.
    assert read({"CONVERSATION_RETENTION_DAYS": "7"}).handoff.retention_days == 7
