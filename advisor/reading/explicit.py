"""Answers named outright: "change the goal to focus", "call it core", "technical rather
than professional qualifications", "more of a mix than routine", "not low, more like medium".

The user names one of the question's own values, in a form that leaves no doubt which: the
question's name next to it, a verb that sets it, or the value set against another of the
same question. The form is exact, so a rule; it overrides what the other words of the
message suggest ("...so we can raise money. Could you change the goal to focus?" is focus,
not cost). Nothing else is read here: a value word on its own means nothing yet ("high").
"""

from __future__ import annotations

import re

from advisor.answers import Slot

# The words that name a value, per question. Only the values' own names (and their plain
# forms): "support" or "flexible" alone are too common in other senses.
_VALUE_WORDS: dict[Slot, dict[str, str]] = {
    Slot.CORE: {"core": "core", "important": "important", "supporting": "supporting"},
    Slot.COMPLEXITY: {"routine": "routine", "mixed": "mixed", "mix": "mixed", "expert": "expert"},
    Slot.QUALIFICATIONS: {
        "basic": "basic",
        "technical": "technical",
        "professional": "professional",
    },
    Slot.SENSITIVITY: {"low": "low", "medium": "medium", "high": "high"},
    Slot.GOAL: {
        "cost": "cost",
        "costs": "cost",
        "flexibility": "flexibility",
        "focus": "focus",
        "expertise": "expertise",
    },
}
# The words that name a question.
_QUESTION_WORDS: dict[Slot, str] = {
    Slot.CORE: r"core|distinctiveness|how core",
    Slot.COMPLEXITY: r"complexity|work",
    Slot.QUALIFICATIONS: r"qualifications?|quals|skills?|skill level",
    Slot.SENSITIVITY: r"sensitivity|data",
    Slot.GOAL: r"goal|main goal|reason|driver|priority|objective|aim",
}
_OWNER = {word: slot for slot, words in _VALUE_WORDS.items() for word in words}
_VALUE = r"(?:" + "|".join(sorted(_OWNER, key=len, reverse=True)) + r")"
_A = r"(?:an?\s+)?"

# "goal = focus", "change the goal to focus", "the complexity to mixed", "sensitivity more
# like medium", "quals: technical"
_NAMED = re.compile(
    r"\b(?P<question>"
    + "|".join(f"(?:{words})" for words in _QUESTION_WORDS.values())
    + r")\s*(?:(?:is|=|:|to|as|->|should be|would be|will be|then)\s*)?"
    r"(?:(?:more like|really|actually|now|rather)\s+)?" + _A + rf"(?P<value>{_VALUE})\b"
)
# "call it core", "treat it as core", "make it important", "put it down as routine"
_SET = re.compile(
    r"\b(?:call|treat|mark|make|set|put|count|consider|classify|change|switch|amend|update)"
    r"\s+(?:it|that|this|them|us)(?:\s+down)?\s*(?:as|to|=)?\s*" + _A + rf"(?P<value>{_VALUE})\b"
)
# "technical rather than professional", "more of a mix than routine", "not low, more like
# medium": the first value is meant, the other set aside (of the same question only).
_OVER = (
    re.compile(
        rf"\b(?P<value>{_VALUE})\s+(?:rather than|instead of|not)\s+{_A}(?P<other>{_VALUE})\b"
    ),
    re.compile(rf"\bmore\s+(?:of\s+)?{_A}(?P<value>{_VALUE})\s+than\s+{_A}(?P<other>{_VALUE})\b"),
    re.compile(
        rf"\bnot\s+{_A}(?P<other>{_VALUE})\s*[,;]?\s*(?:but|more like|rather|more|it'?s|it is)"
        rf"\s+{_A}(?P<value>{_VALUE})\b"
    ),
)


# "could you change the goal to focus?": a question that asks to set a value names it too.
_REQUEST_TO_SET = re.compile(
    r"\b(?:could|can|would|will) you\b.*\b(?:change|set|make|put|call|treat|mark|amend|switch"
    r"|update)\b"
)


def explicit_answers(statements: list[str], questions: list[str]) -> dict[str, str]:
    """The answers named outright, {slot: value}, in a message's `statements` and in those
    of its `questions` that ask to set one (lower-cased, normalised sentences)."""
    requests = [question for question in questions if _REQUEST_TO_SET.search(question)]
    return _named(" . ".join(statements + requests))


def _named(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _NAMED.finditer(text):
        slot = _OWNER[match.group("value")]
        if re.fullmatch(_QUESTION_WORDS[slot], match.group("question")):
            found[slot.value] = _VALUE_WORDS[slot][match.group("value")]
    for match in _SET.finditer(text):
        slot = _OWNER[match.group("value")]
        found.setdefault(slot.value, _VALUE_WORDS[slot][match.group("value")])
    for pattern in _OVER:
        for match in pattern.finditer(text):
            slot = _OWNER[match.group("value")]
            if _OWNER[match.group("other")] is slot:
                found[slot.value] = _VALUE_WORDS[slot][match.group("value")]
    return found
