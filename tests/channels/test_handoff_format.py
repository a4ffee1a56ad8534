"""What the hand-off posts in Slack and tells the user (channels/handoff_format.py)."""

from channels.handoff_format import (
    RESUME_ACTION,
    describe_user,
    ended_note,
    handoff_post,
    is_resume_command,
    recent_lines,
    user_line,
)


def test_recent_lines_keep_the_last_user_and_bot_messages_only():
    events = [{"event": "action", "name": "x"}] + [
        {"event": "user" if i % 2 == 0 else "bot", "text": f"message {i}"} for i in range(14)
    ]
    events.append({"event": "bot", "text": None})  # a buttons-only or custom message
    lines = recent_lines(events, limit=4)
    assert lines == [
        "User: message 10",
        "Assistant: message 11",
        "User: message 12",
        "Assistant: message 13",
    ]


def test_a_long_message_is_shortened_and_flattened():
    (line,) = recent_lines([{"event": "user", "text": "word\n" * 200}])
    assert len(line) <= 6 + 300 and line.endswith("…") and "\n" not in line


def test_the_post_says_who_where_what_was_said_the_summary_and_the_report():
    post = handoff_post(
        "<@U123>",
        "slack",
        ["User: is payroll BPO?", "Assistant: Yes <b>really</b>"],
        "payroll: **BPO** fits (a clear fit)",
        "https://advisor.example/report/abc",
    )
    text = post["text"]
    assert "<@U123> would like to talk to a consultant" in text and "via Slack" in text
    assert "> User: is payroll BPO?" in text
    assert "&lt;b&gt;really&lt;/b&gt;" in text  # what users typed can't mention or link
    assert "payroll: *BPO* fits" in text
    assert "<https://advisor.example/report/abc|open the report>" in text
    buttons = post["blocks"][-1]["elements"]
    assert [(b["action_id"], b["text"]["text"]) for b in buttons] == [
        (RESUME_ACTION, "Hand back to the bot")
    ]


def test_without_an_assessment_the_post_says_so():
    text = handoff_post("a REST API user", "rest", [], None, None)["text"]
    assert "none finished yet" in text and "Report" not in text and "(no messages)" in text


def test_the_user_is_described_without_their_secret_sender_id():
    assert describe_user("rest", "my-secret-sender", {}) == "a REST API user"
    assert describe_user("slack", "slack:T:D1", {"slack": {"user": "U9"}}) == "<@U9>"
    assert describe_user("socketio", "socketio:0123456789abcdef", None).endswith("(89abcdef)")


def test_user_lines_cannot_ping_the_channel():
    assert user_line("hi <!channel>") == "*User:* hi &lt;!channel&gt;"


def test_resume_commands():
    assert is_resume_command("/resume") and is_resume_command(" Resume ")
    assert not is_resume_command("please resume the assessment")


def test_ended_notes():
    assert "by <@U1>" in ended_note("resume", "U1")
    assert "No reply in time" in ended_note("timeout", None)
