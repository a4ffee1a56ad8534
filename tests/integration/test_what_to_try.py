"""The README's "What to try", typed in order the way a newcomer types it, in one
conversation, and every typed button title doing what its button does."""

import re
from pathlib import Path

import pytest
import yaml

from actions.fallback import SOMETHING_ELSE
from actions.recommendation import COMPARE_BUTTON, FOLLOW_UP_BUTTONS
from harness.servers import Chat

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())
NOT_UNDERSTOOD = (
    "didn't catch",
    "didn't get that",
    "not sure what you mean",
    "can't follow",
    "didn't quite get",
)


def readme_phrases() -> list[str]:
    section = README.split("## What to try", 1)[1].split("\n## ", 1)[0]
    return [" ".join(phrase.split()) for phrase in re.findall(r'"([^"]+)"', section)]


def response(name: str) -> str:
    """The response's first paragraph (channels send each paragraph as its own message)."""
    return str(DOMAIN["responses"][name][0]["text"]).split("\n\n")[0]


# The walk: (what the newcomer types, a check on the reply). Every quoted phrase of
# "What to try" appears here, in the README's order; plain answers fill the gaps.
WALK = [
    ("bpo?", lambda r: response("utter_faq/what_is_bpo") in r),
    ("kpo vs bpo", lambda r: response("utter_faq/difference") in r),
    ("what do KPO firms usually do", lambda r: response("utter_faq/kpo_services") in r),
    ("risks of outsourcing core work", lambda r: response("utter_faq/risks") in r),
    ("which is better?", lambda r: response("utter_faq/which_is_better") in r),
    (
        "what should I check before signing with a vendor",
        lambda r: response("utter_faq/due_diligence") in r,
    ),
    ("what is bpo?", lambda r: response("utter_faq/what_is_bpo") in r),
    ("and kpo?", lambda r: response("utter_faq/what_is_kpo") in r),
    ("examples?", lambda r: response("utter_faq/kpo_services") in r),
    ("why?", lambda r: response("utter_why_kpo_services") in r),
    (
        "what's the average salary of a BPO agent in Manila?",
        lambda r: "I don't have data on that" in r,
    ),
    ("is payroll BPO or KPO?", lambda r: "payroll" in r and "**BPO**" in r),
    ("what about market research?", lambda r: "market research" in r and "**KPO**" in r),
    (
        "We want to outsource our customer support — which model fits?",
        lambda r: "different from your competitors" in r,
    ),
    # An answer to another question than the open one: said so, then the open question.
    (
        "pretty routine, mostly scripted",
        lambda r: r.startswith("Got it") and "different from your competitors" in r,
    ),
    # A second reply that leaves the core question open: its default is taken (said, and
    # listed as an assumption) rather than the question asked a third time.
    (
        "highly confidential client data",
        lambda r: "sensitive" in r and "assumption" in r and "skills" in r,
    ),
    ("not sure", lambda r: "For example" in r and "skills" in r),  # explained first
    ("what is kpo?", lambda r: response("utter_faq/what_is_kpo") in r and "?" in r.split("\n")[-1]),
    ("what do you recommend so far?", lambda r: "so far" in r.lower()),
    ("stop", lambda r: "Do you want to stop" in r),
    ("No, continue", lambda r: "qualifications" in r or "skills" in r),
    ("start over", lambda r: "start over" in r.lower() or "clean slate" in r.lower()),
    ("our customer support", lambda r: "different from your competitors" in r),
    ("it's necessary but not what we're known for", lambda r: "routine" in r),
    ("mostly scripted", lambda r: "skills" in r),
    ("a few days of training", lambda r: "sensitive" in r),
    ("somewhat sensitive, just customer names and emails", lambda r: "reason" in r),
    ("we mainly want to save money", lambda r: "My recommendation" in r),
    ("why?", lambda r: "weighed in" in r and "routine" in r.lower()),
    ("what about KPO?", lambda r: r.startswith("KPO scores") and "behind BPO" in r),
    ("actually our data is highly sensitive", lambda r: "sensitiv" in r.lower()),
    ("can I get this as a PDF?", lambda r: "Here's the report for **customer support**" in r),
    ("assess another process", lambda r: "another process" in r),
    # Mid-way through the second one: the first is listed, then the question comes back.
    (
        "compare my processes",
        lambda r: "one process" in r and "customer support" in r and "Finish this one" in r,
    ),
]


def test_walk_covers_every_phrase_of_what_to_try_in_order():
    typed = [message for message, _ in WALK]
    position = 0
    for phrase in readme_phrases():
        assert phrase in typed[position:], f"the walk doesn't type {phrase!r} in README order"
        position = typed.index(phrase, position) + 1


def test_what_to_try_typed_in_order(new_chat):
    chat = new_chat()
    for message, check in WALK:
        reply = chat.text(message)
        assert not any(phrase in reply for phrase in NOT_UNDERSTOOD), (message, reply)
        assert check(reply), (message, reply)


WHOLE_ASSESSMENT = (
    "We want to outsource payroll. It's not core, very routine, basic skills are enough, "
    "the data is highly sensitive and we mainly want to cut costs."
)
# What a user has typed before a response with buttons appears.
CONTEXTS = {"utter_confirm_stop": ["assess my process", "stop"]}


def button_titles() -> list[tuple[str, str, tuple[str, ...]]]:
    """Every (title, intent payload, messages that bring the button up) of the domain's
    responses and of the buttons under the recommendation."""
    found = set()
    for name, variants in DOMAIN["responses"].items():
        for variant in variants:
            for button in variant.get("buttons", []):
                if button["payload"].startswith("/") and "{" not in button["payload"]:
                    found.add((button["title"], button["payload"], tuple(CONTEXTS.get(name, []))))
    found.add((SOMETHING_ELSE["title"], SOMETHING_ELSE["payload"], ()))
    for button in [*FOLLOW_UP_BUTTONS, COMPARE_BUTTON]:
        found.add((button["title"], button["payload"], (WHOLE_ASSESSMENT,)))
    return sorted(found)


@pytest.mark.parametrize("title,payload,context", button_titles())
def test_typed_button_title_does_what_the_button_does(new_chat, title, payload, context):
    clicked, typed = new_chat(), new_chat()
    for message in context:
        clicked.text(message)
        typed.text(message)
    assert typed.text(title) == clicked.text(payload)


def test_typing_yes_stop_at_the_stop_confirmation_stops(new_chat):
    chat: Chat = new_chat()
    chat.text("assess my process")
    assert "Do you want to stop" in chat.text("stop")
    reply = chat.text("Yes, stop")
    assert "stopped the assessment" in reply
    assert "There's no assessment running" in chat.text("stop")
