"""What the hand-off posts in Slack and tells the user (channels/handoff_format.py)."""

from channels import handoff_format as say
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


def test_resume_names_a_hand_off_by_reference_or_by_a_link_to_its_thread():
    name = say.reference("rest-secret-sender")
    assert name.startswith("H-") and "secret" not in name and len(name) == 8
    assert say.named_in(f"please {name.upper()}") == (name, None)
    link = "https://team.slack.com/archives/CHANDOFF01/p1700000000123456"
    assert say.named_in(link) == (None, "1700000000.123456")
    assert say.named_in(link + "?thread_ts=1700000000.000100&cid=C1") == (None, "1700000000.000100")
    assert say.named_in("") == (None, None)
    assert (
        f"Reference `{name}`"
        in say.handoff_post("a REST API user", "rest", [], None, None, name)["text"]
    )


def test_the_hand_back_repeats_the_open_assessment_question():
    asked = [
        {"event": "active_loop", "name": "assessment_form"},
        {"event": "action", "name": "assessment_form"},
        {"event": "bot", "text": "Which business process?"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "legal research"},
        {"event": "action", "name": "assessment_form"},
        {"event": "bot", "text": "Is it core to what sets you apart?"},
        {"event": "action", "name": "action_offer_handoff"},
        {"event": "bot", "text": "Shall I hand this conversation over?"},
    ]
    question = say.open_question(asked)
    assert question == "Is it core to what sets you apart?"
    assert say.back_message(question) == f"{say.BACK_TO_QUESTION}\n{question}"
    assert say.back_message(question, say.TIMED_OUT).startswith(say.TIMED_OUT)
    assert say.open_question([*asked, {"event": "active_loop", "name": None}]) is None
    assert say.back_message(None) == say.BACK
