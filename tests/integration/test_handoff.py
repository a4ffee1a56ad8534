"""Human hand-off through Slack, against the session's real Rasa and action servers and
the fake Slack API: a REST user, a Slack user and a web user (headless Chromium) each
ask for a consultant, accept, get two consultant replies, write back (the fake Slack
receives it in the thread) and are handed back to the bot.

The consultant's side is what Slack would send: signed `message` events in the hand-off
thread and a signed "Hand back to the bot" click. Retries (same event_id) and replies by
people outside the hand-off channel must not reach the user.
"""

import json
import os
import re
import signal
import sqlite3
import time
import uuid
from typing import Any

import requests

from channels.handoff_format import (
    BACK,
    BACK_TO_QUESTION,
    RESUME_ACTION,
    TIMED_OUT,
    UNSTUCK,
    reference,
)
from harness.servers import Chat, RasaServer
from tests.integration.browser import Widget
from tests.integration.fake_slack import (
    CONSULTANT,
    HANDOFF_CHANNEL,
    HANDOFF_TIMEOUT_MINUTES,
    OUTSIDER,
    Call,
    FakeSlack,
    SlackWebhook,
)

OFFER = "Shall I hand this conversation over?"
WAITING = "passed our conversation to a consultant"
HEADLINE = "would like to talk to a consultant"


def handoff_post(fake: FakeSlack, marker: str) -> Call:
    """The hand-off's post in the channel whose last messages show `marker`."""

    def found() -> list[Call]:
        return [
            call
            for call in fake.posted(HANDOFF_CHANNEL, HEADLINE)
            if marker in str(call.args.get("text"))
        ]

    posts: list[Call] = fake.wait_for(found, timeout=30)
    assert len(posts) == 1, "one post per hand-off"
    assert posts[0].ts
    return posts[0]


def wait_stored(rasa_server: RasaServer, thread_ts: str, seconds: float = 30) -> None:
    """Until the server has stored the hand-off of that post (it does once Slack has
    answered the post; a person cannot reply faster than that, a test can)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with sqlite3.connect(str(rasa_server.tracker_db)) as db:
            found = db.execute(
                "SELECT 1 FROM handoffs WHERE thread_ts = ? AND state = 'active'", (thread_ts,)
            ).fetchone()
        if found:
            return
        time.sleep(0.1)
    raise AssertionError(f"hand-off of thread {thread_ts} not stored after {seconds} s")


def in_thread(fake: FakeSlack, thread_ts: str, containing: str, timeout: float = 20) -> Any:
    return fake.wait_for(
        lambda: [
            call
            for call in fake.posted(HANDOFF_CHANNEL, containing)
            if call.args.get("thread_ts") == thread_ts
        ],
        timeout,
    )


def poll(rasa_server: RasaServer, sender: str) -> list[dict[str, Any]]:
    response = requests.get(
        f"{rasa_server.base_url}/webhooks/rest/messages", params={"sender": sender}, timeout=10
    )
    response.raise_for_status()
    messages: list[dict[str, Any]] = response.json()
    return messages


def poll_until(rasa_server: RasaServer, sender: str, seconds: float = 20) -> list[dict[str, Any]]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        messages = poll(rasa_server, sender)
        if messages:
            return messages
        time.sleep(0.2)
    raise AssertionError(f"nothing for {sender} after {seconds} s")


def ask_for_consultant(chat: Chat, marker: str) -> None:
    chat.text(f"hello, I'm {marker}")
    assert OFFER in chat.text("can I speak to a consultant")
    assert WAITING in chat.click("Yes, a consultant please")


def test_a_rest_user_hands_off_talks_to_a_consultant_and_is_handed_back(
    rasa_server: RasaServer, fake_slack: FakeSlack
) -> None:
    slack = SlackWebhook(rasa_server.base_url)
    marker = f"rest-{uuid.uuid4().hex[:6]}"
    chat = Chat(rasa_server.base_url)
    ask_for_consultant(chat, marker)

    post = handoff_post(fake_slack, marker)
    text = str(post.args["text"])
    assert "a REST API user" in text and "via REST API" in text and chat.sender not in text
    assert "> User: can I speak to a consultant" in text
    assert any(block["type"] == "actions" for block in post.args["blocks"])
    thread = str(post.ts)
    wait_stored(rasa_server, thread)

    # Unsigned, or by someone outside the hand-off channel: never reaches the user.
    forged = requests.post(slack.url, json={"type": "event_callback"}, timeout=10)
    assert forged.status_code == 401
    assert slack.message(HANDOFF_CHANNEL, OUTSIDER, "I'm not a consultant", thread).ok

    # Reply 1, then a retry of the same event: delivered once.
    first = slack.message(HANDOFF_CHANNEL, CONSULTANT, "Hi, I'm Ana from the team.", thread, "EvR1")
    assert first.ok
    assert slack.message(
        HANDOFF_CHANNEL, CONSULTANT, "Hi, I'm Ana from the team.", thread, "EvR1", 1
    ).ok
    assert poll_until(rasa_server, chat.sender) == [
        {"recipient_id": chat.sender, "text": "Hi, I'm Ana from the team.", "from": "consultant"}
    ]
    assert poll(rasa_server, chat.sender) == []

    # ...and kept in the conversation, marked as the consultant's (transcripts, retention;
    # written just after the reply is queued).
    def consultant_events() -> list[dict[str, Any]]:
        with sqlite3.connect(str(rasa_server.tracker_db)) as db:
            stored = db.execute(
                "SELECT data FROM events WHERE sender_id = ? AND type_name = 'bot'", (chat.sender,)
            ).fetchall()
        return [json.loads(data) for (data,) in stored if "Ana from the team" in data]

    deadline = time.monotonic() + 10
    while not consultant_events() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [e["metadata"]["from"] for e in consultant_events()] == ["consultant"]

    # Reply 2 comes back with the user's next message, which goes to the thread.
    assert slack.message(HANDOFF_CHANNEL, CONSULTANT, "What volume per month?", thread).ok
    replies = chat.say("About 2,000 invoices a month.")
    assert [(r["text"], r.get("from")) for r in replies] == [
        ("What volume per month?", "consultant")
    ]
    in_thread(fake_slack, thread, "*User:* About 2,000 invoices a month.")

    # The consultant hands back with /resume: the user is told, the bot answers again.
    assert slack.message(HANDOFF_CHANNEL, CONSULTANT, "/resume", thread).ok
    assert [m["text"] for m in poll_until(rasa_server, chat.sender)] == [BACK]
    in_thread(fake_slack, thread, f"Handed back to the bot by <@{CONSULTANT}>")
    assert "Business Process Outsourcing" in chat.text("what is BPO?")

    # The /resume slash command is checked like events: signed, in the hand-off channel,
    # by one of its members, naming an active hand-off.
    assert (
        slack.command("/resume", "H-000000", HANDOFF_CHANNEL, CONSULTANT, "wrong").status_code
        == 401
    )
    refusals = {
        (HANDOFF_CHANNEL, OUTSIDER, "H-abcdef"): "Only members",
        ("CELSEWHERE", CONSULTANT, "H-abcdef"): "hand-off channel only",
        (HANDOFF_CHANNEL, CONSULTANT, ""): "Name the hand-off",
        (HANDOFF_CHANNEL, CONSULTANT, "H-abcdef"): "No active hand-off H-abcdef",
    }
    for (channel, person, text), refusal in refusals.items():
        answer = slack.command("/resume", text, channel, person)
        assert answer.status_code == 200 and refusal in answer.json()["text"]

    # The poll endpoint refuses what the webhook refuses: another channel's id, no sender.
    url = f"{rasa_server.base_url}/webhooks/rest/messages"
    for params in ({"sender": "socketio:abc"}, {}):
        assert requests.get(url, params=params, timeout=10).status_code == 400


def test_a_slack_user_hands_off_in_a_dm_and_the_button_hands_back(
    rasa_server: RasaServer, fake_slack: FakeSlack
) -> None:
    slack = SlackWebhook(rasa_server.base_url)
    user = f"U{uuid.uuid4().hex[:8].upper()}"
    dm = f"D{uuid.uuid4().hex[:8].upper()}"
    assert slack.message(dm, user, "talk to a person").ok
    offer = fake_slack.wait_for(lambda: fake_slack.posted(dm, OFFER), timeout=30)[0]
    assert slack.click(dm, user, str(offer.ts), "/affirm").ok
    fake_slack.wait_for(lambda: fake_slack.posted(dm, WAITING), timeout=30)

    post = handoff_post(fake_slack, f"<@{user}>")
    assert "via Slack" in str(post.args["text"])
    thread = str(post.ts)
    wait_stored(rasa_server, thread)

    for reply in ("Hello from the consulting team.", "Which process is it about?"):
        assert slack.message(HANDOFF_CHANNEL, CONSULTANT, reply, thread).ok
        fake_slack.wait_for(lambda r=reply: fake_slack.posted(dm, f"*Consultant:* {r}"), timeout=30)

    assert slack.message(dm, user, "It's our payroll.").ok
    in_thread(fake_slack, thread, "*User:* It's our payroll.")

    assert slack.click(HANDOFF_CHANNEL, CONSULTANT, thread, RESUME_ACTION, RESUME_ACTION).ok
    fake_slack.wait_for(lambda: fake_slack.posted(dm, BACK), timeout=30)
    assert slack.message(dm, user, "what is KPO?").ok
    fake_slack.wait_for(lambda: fake_slack.posted(dm, "Knowledge Process Outsourcing"), timeout=30)
    assert len(fake_slack.posted(dm, "*Consultant:*")) == 2


def test_a_web_user_hands_off_and_sees_the_consultant_live(
    rasa_server: RasaServer, fake_slack: FakeSlack, widget: Widget
) -> None:
    slack = SlackWebhook(rasa_server.base_url)
    marker = f"web-{uuid.uuid4().hex[:6]}"
    widget.open()
    widget.wait_for_bot(widget.say(f"hello, I'm {marker}"), ".")
    widget.wait_for_bot(widget.say("I'd like a human"), OFFER)
    widget.wait_for_bot(widget.click("Yes, a consultant please"), WAITING)
    post = handoff_post(fake_slack, marker)
    assert "web chat visitor" in str(post.args["text"])
    thread = str(post.ts)
    wait_stored(rasa_server, thread)

    delays = []
    for reply in ("Hello, this is Ana, a consultant.", "How can I help with your process?"):
        before = len(widget.messages())
        sent = time.monotonic()
        assert slack.message(HANDOFF_CHANNEL, CONSULTANT, reply, thread).ok
        widget.wait_for_bot(before, reply)
        delays.append(time.monotonic() - sent)
    consultant_items = widget.page.eval_on_selector_all(
        ".ac-transcript > .ac-consultant", "items => items.map(i => i.textContent)"
    )
    consultant_items = [" ".join(item.split()) for item in consultant_items]
    assert consultant_items == [
        "Consultant: Hello, this is Ana, a consultant.",
        "Consultant: How can I help with your process?",
    ]
    spoken = widget.page.inner_text(".ac-announcer")
    assert "Consultant: How can I help with your process?" in spoken
    assert max(delays) < 2.0, f"consultant reply to widget took {delays}"

    widget.say("Thanks, it's about our help desk.")
    in_thread(fake_slack, thread, "*User:* Thanks, it's about our help desk.")
    before = len(widget.messages())
    # The /resume slash command, with the reference shown in the hand-off's post.
    name = re.search(r"Reference `(H-[0-9a-f]{6})`", str(post.args["text"])).group(1)  # type: ignore[union-attr]
    answer = slack.command("/resume", name, HANDOFF_CHANNEL, CONSULTANT)
    assert answer.json() == {
        "response_type": "ephemeral",
        "text": f"{name} is handed back to the bot.",
    }
    widget.wait_for_bot(before, "back with the assistant")
    widget.wait_for_bot(widget.say("what is BPO?"), "Business Process Outsourcing")
    widget.assert_clean()


def test_no_reply_in_time_tells_the_user_and_resumes(
    rasa_server: RasaServer, fake_slack: FakeSlack
) -> None:
    marker = f"quiet-{uuid.uuid4().hex[:6]}"
    chat = Chat(rasa_server.base_url)
    ask_for_consultant(chat, marker)
    thread = str(handoff_post(fake_slack, marker).ts)
    wait_stored(rasa_server, thread)
    timeout = float(HANDOFF_TIMEOUT_MINUTES) * 60
    messages = poll_until(rasa_server, chat.sender, seconds=timeout + 20)
    assert [m["text"] for m in messages] == [TIMED_OUT]
    in_thread(fake_slack, thread, "No reply in time")
    assert "Knowledge Process Outsourcing" in chat.text("what is KPO?")


def test_the_third_misunderstood_message_in_a_row_gets_the_offer(
    rasa_server: RasaServer, fake_slack: FakeSlack
) -> None:
    slack = SlackWebhook(rasa_server.base_url)
    chat = Chat(rasa_server.base_url)
    # Out of scope, out of scope, then not understood at all.
    first, second, third = (
        chat.text(gibberish)
        for gibberish in ("blorf zibble quantum", "zarg plinth wobble", "asdkjh qwpeoiu")
    )
    assert OFFER not in first + second
    # The third gets the offer itself, not one more "did you mean" with a button.
    assert (
        OFFER in third and "still can't follow" in third and "not sure what you mean" not in third
    )
    assert [b["title"] for b in chat.buttons()] == [
        "Yes, a consultant please",
        "No, stay with the assistant",
    ]
    assert WAITING in chat.click("Yes, a consultant please")
    thread = str(handoff_post(fake_slack, "zarg plinth wobble").ts)
    wait_stored(rasa_server, thread)
    # Ended by the hand-back, or by the timeout if the restart took longer than that.
    assert slack.message(HANDOFF_CHANNEL, CONSULTANT, "/resume", thread).ok
    assert [m["text"] for m in poll_until(rasa_server, chat.sender)] == [BACK]

    # When the third is the second not understood in a row (where the two-stage fallback
    # gives up), the offer too; "no" (typed) declines it.
    assert OFFER not in chat.text("blorf zibble quantum") + chat.text("/nlu_fallback")
    assert OFFER in chat.text("/nlu_fallback")
    assert "carry on" in chat.text("no")


def test_asking_for_a_person_in_the_assessment_keeps_the_open_question_and_the_answers(
    rasa_server: RasaServer, fake_slack: FakeSlack
) -> None:
    slack = SlackWebhook(rasa_server.base_url)
    chat = Chat(rasa_server.base_url)
    chat.text("start the assessment")
    question = chat.text("legal research").strip().splitlines()[-1]

    # "No": back to the question that was open.
    assert OFFER in chat.text("can I talk to a person")
    declined = chat.click("No, stay with the assistant")
    assert "carry on" in declined and question in declined

    # "Yes": paused mid-form; the hand-back repeats the open question.
    assert OFFER in chat.text("can I talk to a person")
    assert WAITING in chat.click("Yes, a consultant please")
    thread = str(handoff_post(fake_slack, f"Reference `{reference(chat.sender)}`").ts)
    wait_stored(rasa_server, thread)
    assert slack.message(HANDOFF_CHANNEL, CONSULTANT, "Legal research, I see.", thread).ok
    assert [m["text"] for m in poll_until(rasa_server, chat.sender)] == ["Legal research, I see."]
    # /resume with a link to the thread (Slack's "Copy link" of the post).
    link = f"https://team.slack.com/archives/{HANDOFF_CHANNEL}/p{thread.replace('.', '')}"
    assert (
        "handed back" in slack.command("/resume", link, HANDOFF_CHANNEL, CONSULTANT).json()["text"]
    )
    (back,) = poll_until(rasa_server, chat.sender)
    assert back["text"].startswith(BACK_TO_QUESTION) and question in back["text"]

    # The next message answers that question; the first answer is still there.
    following = chat.text("it is what clients choose us for, it sets us apart")
    assert question not in following and "Which business process" not in following
    assert "leaning towards" in chat.text("what would you recommend so far?")
    with sqlite3.connect(str(rasa_server.tracker_db)) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'slot' ORDER BY id",
            (chat.sender,),
        ).fetchall()
    slots = {event["name"]: event["value"] for event in (json.loads(data) for (data,) in rows)}
    assert "legal" in str(slots["process"]).lower() and slots["core"]


def age_conversation(rasa_server: RasaServer, sender: str, hours: float) -> None:
    """Move a conversation's events back in time, as if the user had been away. New
    rows (then the old ones deleted): the server's tracker cache sees a new version."""
    with sqlite3.connect(str(rasa_server.tracker_db)) as db:
        rows = db.execute(
            "SELECT id, type_name, timestamp, intent_name, action_name, data FROM events"
            " WHERE sender_id = ? ORDER BY id",
            (sender,),
        ).fetchall()
        for _, type_name, timestamp, intent, action, data in rows:
            event = json.loads(data)
            event["timestamp"] = event["timestamp"] - hours * 3600
            db.execute(
                "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name,"
                " data) VALUES (?, ?, ?, ?, ?, ?)",
                (sender, type_name, timestamp - hours * 3600, intent, action, json.dumps(event)),
            )
        db.execute(f"DELETE FROM events WHERE id IN ({','.join(str(row[0]) for row in rows)})")


def event_types(rasa_server: RasaServer, sender: str) -> list[str]:
    with sqlite3.connect(str(rasa_server.tracker_db)) as db:
        rows = db.execute(
            "SELECT type_name FROM events WHERE sender_id = ? ORDER BY id", (sender,)
        ).fetchall()
    return [type_name for (type_name,) in rows]


def test_an_expired_session_neither_ends_a_hand_off_nor_leaves_a_user_stuck(
    rasa_server: RasaServer, fake_slack: FakeSlack
) -> None:
    slack = SlackWebhook(rasa_server.base_url)
    marker = f"away-{uuid.uuid4().hex[:6]}"
    chat = Chat(rasa_server.base_url)
    ask_for_consultant(chat, marker)
    thread = str(handoff_post(fake_slack, marker).ts)
    wait_stored(rasa_server, thread)
    assert slack.message(HANDOFF_CHANNEL, CONSULTANT, "Are you still there?", thread).ok
    poll_until(rasa_server, chat.sender)

    # The user answers two hours after their last message: Rasa's session (60 min) has
    # expired, but the consultant still has the conversation. The bot stays silent,
    # the message goes to the thread, and the new session is paused too.
    age_conversation(rasa_server, chat.sender, hours=2)
    assert chat.say("Yes, sorry, I was in a meeting.") == []
    in_thread(fake_slack, thread, "*User:* Yes, sorry, I was in a meeting.")
    types = event_types(rasa_server, chat.sender)
    assert "session_started" in types
    assert types.index("pause", types.index("session_started")) > 0
    assert slack.message(HANDOFF_CHANNEL, CONSULTANT, "/resume", thread).ok
    assert [m["text"] for m in poll_until(rasa_server, chat.sender)] == [BACK]

    # Paused with no hand-off going on (a hand-back that could not be written): the
    # user's next message un-pauses it, and they are told so, not left waiting.
    now = time.time()
    with sqlite3.connect(str(rasa_server.tracker_db)) as db:
        db.execute(
            "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'pause', ?, ?)",
            (chat.sender, now, json.dumps({"event": "pause", "timestamp": now})),
        )
    assert UNSTUCK in chat.text("what is BPO?")
    assert "Business Process Outsourcing" in chat.text("what is BPO?")


def test_a_post_slack_did_not_take_survives_the_server_being_killed(
    rasa_server: RasaServer, fake_slack: FakeSlack
) -> None:
    """Last in this file: the session's server is killed (SIGKILL) and started again on
    the same database, as a replica that dies and comes back."""
    slack = SlackWebhook(rasa_server.base_url)
    marker = f"outage-{uuid.uuid4().hex[:6]}"
    chat = Chat(rasa_server.base_url)
    ask_for_consultant(chat, marker)
    thread = str(handoff_post(fake_slack, marker).ts)
    wait_stored(rasa_server, thread)
    line = "*User:* Written while Slack is down."
    fake_slack.fail_posts(HANDOFF_CHANNEL, None, "http_503")
    try:
        assert chat.say("Written while Slack is down.") == []
        fake_slack.wait_for(
            lambda: [p for p in fake_slack.failed_posts(HANDOFF_CHANNEL) if p.get("text") == line]
        )
        assert rasa_server.process is not None
        os.killpg(rasa_server.process.pid, signal.SIGKILL)
        rasa_server.process.wait(timeout=30)
    finally:
        fake_slack.fail_posts(HANDOFF_CHANNEL, 0)
    rasa_server.start()
    in_thread(fake_slack, thread, line, timeout=60)
    time.sleep(1)  # a second post would come with the first
    sent = [
        c for c in fake_slack.posted(HANDOFF_CHANNEL, line) if c.args.get("thread_ts") == thread
    ]
    assert len(sent) == 1
    # Ended by the hand-back, or by the timeout if the restart took longer than that.
    assert slack.message(HANDOFF_CHANNEL, CONSULTANT, "/resume", thread).ok
    assert [m["text"] for m in poll_until(rasa_server, chat.sender)] in ([BACK], [TIMED_OUT])
