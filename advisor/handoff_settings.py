"""The human hand-off's settings, as one frozen value.

Each process's settings module builds it once at start-up from the environment
(runtime/settings.py for the Rasa server, which posts to Slack and times hand-offs out;
actions/settings.py for the action server, which decides whether to offer a consultant).
It lives in advisor/ because both processes, and the action server's image, use it;
the environment itself is read only by those settings modules.
"""

from dataclasses import dataclass

DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_TIMEOUT_MINUTES = 15.0
DEFAULT_RETENTION_DAYS = 30.0


def _positive_float(text: str, default: float) -> float:
    try:
        value = float(text) if text.strip() else default
    except ValueError:
        return default
    return value if value > 0 else default


@dataclass(frozen=True)
class HandoffSettings:
    slack_channel: str  # HANDOFF_SLACK_CHANNEL: the channel id (C…) consultants answer in
    bot_token: str  # SLACK_BOT_TOKEN: the token the Slack channel uses too
    api_url: str = DEFAULT_API_URL  # SLACK_API_URL
    timeout_minutes: float = DEFAULT_TIMEOUT_MINUTES  # HANDOFF_TIMEOUT_MINUTES
    # How often each Rasa server looks for consultant messages to push to its web
    # sockets, and for timed-out hand-offs (seconds).
    poll_seconds: float = 0.25
    # Ended hand-offs are deleted after as many days as conversations are kept.
    retention_days: float = DEFAULT_RETENTION_DAYS

    @property
    def enabled(self) -> bool:
        """A consultant can be reached: both the channel and the bot token are set."""
        return bool(self.slack_channel and self.bot_token)

    @property
    def timeout_seconds(self) -> float:
        return self.timeout_minutes * 60

    @classmethod
    def from_settings(
        cls,
        slack_channel: str,
        bot_token: str,
        api_url: str = "",
        timeout_minutes: str = "",
        retention_days: float = DEFAULT_RETENTION_DAYS,
    ) -> "HandoffSettings":
        """The settings from their raw texts: an empty or unset value is off (channel,
        token) or the default; a timeout that is no positive number is the default
        (a float, so tests can use seconds)."""
        return cls(
            slack_channel=slack_channel.strip(),
            bot_token=bot_token.strip(),
            api_url=api_url.strip() or DEFAULT_API_URL,
            timeout_minutes=_positive_float(timeout_minutes, DEFAULT_TIMEOUT_MINUTES),
            retention_days=retention_days,
        )
