"""The fake Slack Web API and signed webhook requests: they live in harness/fake_slack.py,
beside the other helpers that start servers, because the hand-off soak (bench/) uses them
too and bench must not import tests. Tests keep importing them from here."""

from harness.fake_slack import (
    BOT_ID,
    BOT_TOKEN,
    BOT_USER_ID,
    CONSULTANT,
    HANDOFF_CHANNEL,
    HANDOFF_TIMEOUT_MINUTES,
    OUTSIDER,
    SIGNING_SECRET,
    TEAM_ID,
    Call,
    FakeSlack,
    SlackWebhook,
    sign,
)

__all__ = [
    "BOT_ID",
    "BOT_TOKEN",
    "BOT_USER_ID",
    "CONSULTANT",
    "HANDOFF_CHANNEL",
    "HANDOFF_TIMEOUT_MINUTES",
    "OUTSIDER",
    "SIGNING_SECRET",
    "TEAM_ID",
    "Call",
    "FakeSlack",
    "SlackWebhook",
    "sign",
]
