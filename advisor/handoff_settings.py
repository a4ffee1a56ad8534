"""The human hand-off's settings, read from the environment in this one place.

Both servers build them once at start-up: the action server to know whether it may
offer a consultant, the Rasa server to post to Slack and time hand-offs out.
It lives in advisor/ (no Rasa imports) because the action server and its image use it too.

- HANDOFF_SLACK_CHANNEL: the Slack channel id (C…) consultants answer in; unset = off.
- SLACK_BOT_TOKEN, SLACK_API_URL: the same token and API the Slack channel uses.
- HANDOFF_TIMEOUT_MINUTES: a hand-off with no consultant reply for this long is
  ended and the user told (default 15; a float, so tests can use seconds).
- CONVERSATION_RETENTION_DAYS: ended hand-offs are deleted after as many days as
  conversations are kept (default 30, as stores/retention.py).
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_TIMEOUT_MINUTES = 15.0


def _positive_float(text: str | None, default: float) -> float:
    try:
        value = float(text) if text and text.strip() else default
    except ValueError:
        return default
    return value if value > 0 else default


@dataclass(frozen=True)
class HandoffSettings:
    slack_channel: str
    bot_token: str
    api_url: str = DEFAULT_API_URL
    timeout_minutes: float = DEFAULT_TIMEOUT_MINUTES
    # How often each Rasa server looks for consultant messages to push to its web
    # sockets, and for timed-out hand-offs (seconds).
    poll_seconds: float = 0.25
    retention_days: float = 30.0

    @property
    def enabled(self) -> bool:
        """A consultant can be reached: both the channel and the bot token are set."""
        return bool(self.slack_channel and self.bot_token)

    @property
    def timeout_seconds(self) -> float:
        return self.timeout_minutes * 60

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "HandoffSettings":
        env = os.environ if environ is None else environ
        return cls(
            slack_channel=env.get("HANDOFF_SLACK_CHANNEL", "").strip(),
            bot_token=env.get("SLACK_BOT_TOKEN", "").strip(),
            api_url=env.get("SLACK_API_URL", "").strip() or DEFAULT_API_URL,
            timeout_minutes=_positive_float(
                env.get("HANDOFF_TIMEOUT_MINUTES"), DEFAULT_TIMEOUT_MINUTES
            ),
            retention_days=_positive_float(env.get("CONVERSATION_RETENTION_DAYS"), 30.0),
        )
