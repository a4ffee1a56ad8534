"""The default run mode keeps conversations in a SQLite tracker store (a file
in git-ignored var/ for `make run`; the session's temp dir here), so restarting
the Rasa server loses nothing: users half-way through the assessment continue
where they were, and their recommendation uses the answers given before.

The server is restarted once (about 40 s) with two users mid-form whose
pre-restart answers alone make the difference between two models.
"""

import itertools
import json
import sqlite3

from advisor.answers import SLOT_ORDER, Answers, Goal, Qualifications, Sensitivity
from advisor.questions import QUESTIONS, button_payload
from advisor.scoring import score
from advisor.sourcing import MODELS
from harness.servers import Chat, RasaServer

BEFORE = SLOT_ORDER[:3]  # process, core, complexity: answered before the restart
AFTER = SLOT_ORDER[3:]  # qualifications, sensitivity, goal: after it
# First answers that point to KPO, and to BPO (the process included).
KNOWLEDGE_WORK = [
    ("data analytics", "important", "expert"),
    ("legal services", "core", "expert"),
    ("data analytics", "supporting", "expert"),
]
ROUTINE_WORK = [("customer care", "supporting", "routine"), ("payroll", "supporting", "routine")]


def two_users() -> tuple[Answers, Answers]:
    """Two sets of answers that share the after-restart answers, whose
    recommendations differ, and where the after-restart answers alone would
    give something else for at least one of them: a server that forgot the
    first answers cannot recommend both correctly."""
    later_choices = itertools.product(Qualifications, Sensitivity, Goal)
    for first_a, first_b, later in itertools.product(KNOWLEDGE_WORK, ROUTINE_WORK, later_choices):
        later_values = tuple(value.value for value in later)
        a, b = Answers(*first_a, *later_values), Answers(*first_b, *later_values)
        alone = score(Answers(None, None, None, *later_values)).recommended
        models = {score(a).recommended, score(b).recommended}
        if len(models) == 2 and alone in models:
            return a, b
    raise AssertionError("no answers found whose first half decides the recommendation")


def answer(chat: Chat, answers: Answers, slot) -> list[str]:
    return [
        reply.get("text", "") for reply in chat.say(button_payload(slot.value, answers.get(slot)))
    ]


def stored_user_messages(tracker_db, sender: str) -> list[str]:
    with sqlite3.connect(tracker_db) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id",
            (sender,),
        ).fetchall()
    return [json.loads(data)["text"] for (data,) in rows]


def test_assessment_continues_after_the_rasa_server_restarts(rasa_server: RasaServer) -> None:
    users: dict[str, tuple[Chat, Answers]] = {}
    for answers in two_users():
        chat = Chat(rasa_server.base_url)
        users[chat.sender] = (chat, answers)
        assert chat.text("/start_assessment").endswith(QUESTIONS["process"].text)
        for slot, next_slot in zip(BEFORE, SLOT_ORDER[1:], strict=False):
            assert answer(chat, answers, slot) == [QUESTIONS[next_slot.value].text]

    rasa_server.stop()  # SIGTERM, like any deployment or `make run` restart
    assert rasa_server.tracker_db.exists()
    rasa_server.start()

    for chat, answers in users.values():
        # The form picks up exactly where it was: the next question, not the first.
        for slot, next_slot in zip(AFTER[:-1], AFTER[1:], strict=True):
            assert answer(chat, answers, slot) == [QUESTIONS[next_slot.value].text], (
                f"{chat.sender}: after the restart the form did not continue"
            )
        final = answer(chat, answers, AFTER[-1])
        assert len(final) == 1
        headline = (
            final[0].split("**")[1] if final[0].startswith("**") else final[0].splitlines()[0]
        )
        expected = score(answers).recommended
        assert answers.process in headline and expected.full_name in headline, (
            f"{chat.sender}: expected {expected.full_name} for {answers.process}, got {headline!r}"
        )
        for other in MODELS:
            if other is not expected:
                assert other.full_name not in headline
        # Every message is in the SQLite file once, in order.
        sent = ["/start_assessment"] + [button_payload(s.value, answers.get(s)) for s in SLOT_ORDER]
        assert stored_user_messages(rasa_server.tracker_db, chat.sender) == sent
