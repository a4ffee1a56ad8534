"""The action server's settings: every environment variable the actions read, read
once when the action server starts (runtime/launch.py).

The table of every variable is in the README ("Settings").
"""

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass

from advisor.handoff_settings import HandoffSettings
from advisor.report_link import ReportLinks, retention_days
from advisor.signing import ROTATION_ENV, SECRET_ENV, Keyring


@dataclass(frozen=True)
class ActionSettings:
    report_links: ReportLinks  # ADVISOR_SECRET_KEY(S), ADVISOR_PUBLIC_URL, retention
    handoff: HandoffSettings  # HANDOFF_SLACK_CHANNEL, SLACK_BOT_TOKEN: may a consultant be offered


def read(environ: Mapping[str, str]) -> ActionSettings:
    retention = retention_days(environ.get("CONVERSATION_RETENTION_DAYS", ""))
    return ActionSettings(
        ReportLinks(
            Keyring.from_settings(environ.get(ROTATION_ENV, ""), environ.get(SECRET_ENV, "")),
            environ.get("ADVISOR_PUBLIC_URL", "").strip(),
            retention,
        ),
        # The same variables as the Rasa server's (runtime/settings.py), read here too
        # because the action server's image has no runtime/settings.py.
        HandoffSettings.from_settings(
            environ.get("HANDOFF_SLACK_CHANNEL", ""),
            environ.get("SLACK_BOT_TOKEN", ""),
            environ.get("SLACK_API_URL", ""),
            environ.get("HANDOFF_TIMEOUT_MINUTES", ""),
            retention,
        ),
    )


@functools.cache
def action_settings() -> ActionSettings:
    """This process's settings, read from the environment on first use."""
    return read(os.environ)
