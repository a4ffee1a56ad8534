"""The Rasa server's settings: every environment variable its own code reads, read
once at start-up (runtime/launch.py) into one frozen value.

The table of every variable is in the README ("Settings"). Rasa's own variables
(SANIC_*, RASA_TELEMETRY_ENABLED...) and the secrets runtime/launch_env.py turns
into Rasa's arguments are not here: Rasa reads those itself.
"""

import functools
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass

from advisor.handoff_settings import HandoffSettings
from advisor.report_link import ReportLinks, retention_days
from advisor.signing import ROTATION_ENV, SECRET_ENV, Keyring
from stores.tracker_cache import cache_max_bytes, cache_size

DEFAULT_ACTION_TIMEOUT = 3.0  # seconds; leaves room for NLU within the 5 s promise
DEFAULT_MESSAGES_PER_MINUTE = 30


@dataclass(frozen=True)
class RasaSettings:
    action_timeout: float  # RASA_ACTION_TIMEOUT: seconds per custom-action call
    max_messages_per_minute: int  # RASA_MAX_MESSAGES_PER_MINUTE (0: no limit)
    runtime_tuning: bool  # RASA_RUNTIME_TUNING: off skips the speed-only patches
    runtime_skip: frozenset[str]  # RASA_RUNTIME_SKIP: patches (Owner.name) not installed
    retention_days: float  # CONVERSATION_RETENTION_DAYS: report links expire with it
    keyring: Keyring  # ADVISOR_SECRET_KEYS / ADVISOR_SECRET_KEY
    public_url: str  # ADVISOR_PUBLIC_URL: absolute report links (Slack) when set
    web_session_idle_days: float  # WEB_SESSION_IDLE_DAYS (default: the retention)
    tracker_cache_size: int  # TRACKER_CACHE_SIZE (0: no cache)
    tracker_cache_max_bytes: int  # TRACKER_CACHE_MAX_BYTES
    # Read as given; the channel that uses each one checks it.
    rest_token: str  # REST_TOKEN (channels/rest.py)
    admin_token: str  # ADVISOR_ADMIN_TOKEN (channels/admin_page.py)
    cors_origins: str  # RASA_CORS_ORIGINS (channels/socket_origin.py)
    allowed_hosts: str  # ADVISOR_ALLOWED_HOSTS (channels/socket_origin.py)
    request_max_size: str  # SANIC_REQUEST_MAX_SIZE, as Sanic reads it (channels/socketio.py)
    slack_bot_token: str  # SLACK_BOT_TOKEN (channels/slack.py)
    slack_signing_secret: str  # SLACK_SIGNING_SECRET
    slack_api_url: str  # SLACK_API_URL (tests point it at a fake Slack)
    handoff: HandoffSettings  # HANDOFF_SLACK_CHANNEL, HANDOFF_TIMEOUT_MINUTES (channels/handoff.py)

    @property
    def report_links(self) -> ReportLinks:
        return ReportLinks(self.keyring, self.public_url, self.retention_days)


def _positive_float(raw: str, default: float) -> float:
    try:
        value = float(raw)
    except ValueError:
        return default
    return value if math.isfinite(value) and value > 0 else default


def _messages_per_minute(raw: str) -> int:
    if not raw.strip():
        return DEFAULT_MESSAGES_PER_MINUTE
    try:
        return max(int(raw), 0)
    except ValueError:
        return DEFAULT_MESSAGES_PER_MINUTE


def read(environ: Mapping[str, str]) -> RasaSettings:
    """The settings `environ` asks for (ValueError, saying which, for a retention or a
    tracker cache setting that is no valid number)."""
    retention = retention_days(environ.get("CONVERSATION_RETENTION_DAYS", ""))
    return RasaSettings(
        action_timeout=_positive_float(
            environ.get("RASA_ACTION_TIMEOUT", ""), DEFAULT_ACTION_TIMEOUT
        ),
        max_messages_per_minute=_messages_per_minute(
            environ.get("RASA_MAX_MESSAGES_PER_MINUTE", "")
        ),
        runtime_tuning=environ.get("RASA_RUNTIME_TUNING", "on").strip().lower() != "off",
        runtime_skip=frozenset(
            name.strip() for name in environ.get("RASA_RUNTIME_SKIP", "").split(",") if name.strip()
        ),
        retention_days=retention,
        keyring=Keyring.from_settings(environ.get(ROTATION_ENV, ""), environ.get(SECRET_ENV, "")),
        public_url=environ.get("ADVISOR_PUBLIC_URL", "").strip(),
        web_session_idle_days=_positive_float(environ.get("WEB_SESSION_IDLE_DAYS", ""), retention),
        tracker_cache_size=cache_size(environ),
        tracker_cache_max_bytes=cache_max_bytes(environ),
        rest_token=environ.get("REST_TOKEN", ""),
        admin_token=environ.get("ADVISOR_ADMIN_TOKEN", ""),
        cors_origins=environ.get("RASA_CORS_ORIGINS", ""),
        allowed_hosts=environ.get("ADVISOR_ALLOWED_HOSTS", ""),
        request_max_size=environ.get("SANIC_REQUEST_MAX_SIZE", ""),
        slack_bot_token=environ.get("SLACK_BOT_TOKEN", "").strip(),
        slack_signing_secret=environ.get("SLACK_SIGNING_SECRET", "").strip(),
        slack_api_url=environ.get("SLACK_API_URL", "").strip(),
        handoff=handoff_settings(environ, retention),
    )


def handoff_settings(environ: Mapping[str, str], retention_days: float) -> HandoffSettings:
    """The hand-off's settings (actions/settings.py reads the same ones: the action
    server's image has no runtime/)."""
    return HandoffSettings.from_settings(
        environ.get("HANDOFF_SLACK_CHANNEL", ""),
        environ.get("SLACK_BOT_TOKEN", ""),
        environ.get("SLACK_API_URL", ""),
        environ.get("HANDOFF_TIMEOUT_MINUTES", ""),
        retention_days,
    )


@functools.cache
def rasa_settings() -> RasaSettings:
    """This process's settings, read from the environment on first use (the launcher
    reads them before Rasa starts; tests clear the cache to re-read them)."""
    return read(os.environ)
