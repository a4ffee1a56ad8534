"""The action server's settings: every environment variable the actions read, read
once when the action server starts (runtime/launch.py).

The table of every variable is in the README ("Settings").
"""

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass

from advisor.report_link import ReportLinks, retention_days
from advisor.signing import ROTATION_ENV, SECRET_ENV, Keyring


@dataclass(frozen=True)
class ActionSettings:
    report_links: ReportLinks  # ADVISOR_SECRET_KEY(S), ADVISOR_PUBLIC_URL, retention


def read(environ: Mapping[str, str]) -> ActionSettings:
    return ActionSettings(
        ReportLinks(
            Keyring.from_settings(environ.get(ROTATION_ENV, ""), environ.get(SECRET_ENV, "")),
            environ.get("ADVISOR_PUBLIC_URL", "").strip(),
            retention_days(environ.get("CONVERSATION_RETENTION_DAYS", "")),
        )
    )


@functools.cache
def action_settings() -> ActionSettings:
    """This process's settings, read from the environment on first use."""
    return read(os.environ)
