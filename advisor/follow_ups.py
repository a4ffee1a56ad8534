"""Elliptical follow-ups to a knowledge answer: "and kpo?", "examples?",
"tell me more", "why?". Each knowledge topic is an (aspect, subject) pair, so a
follow-up keeps what it doesn't say from the topic in play and changes what it
does say. Plain Python: `actions/knowledge.py` maps the result to responses.

Which words name a subject or an aspect is exact (a short table); whether a
message *is* a follow-up is the NLU model's job (intent `follow_up`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from advisor.sourcing import Model

BPO, KPO, BOTH = "bpo", "kpo", "both"


@dataclass(frozen=True)
class Topic:
    aspect: str  # definition, services, benefits, risks, qualifications, choice, vendors
    subject: str  # bpo, kpo or both


# The FAQ topics (responses utter_faq/<key>) as aspect x subject.
FAQ_TOPICS: dict[str, Topic] = {
    "what_is_bpo": Topic("definition", BPO),
    "what_is_kpo": Topic("definition", KPO),
    "difference": Topic("definition", BOTH),
    "bpo_services": Topic("services", BPO),
    "kpo_services": Topic("services", KPO),
    "benefits": Topic("benefits", BOTH),
    "risks": Topic("risks", BOTH),
    "qualifications": Topic("qualifications", BOTH),
    "which_is_better": Topic("choice", BOTH),
    "due_diligence": Topic("vendors", BOTH),
}
# Answers about one model where the FAQ answer covers both (utter_about_<key>).
SUBJECT_TOPICS: dict[str, Topic] = {
    "bpo_benefits": Topic("benefits", BPO),
    "kpo_benefits": Topic("benefits", KPO),
    "bpo_risks": Topic("risks", BPO),
    "kpo_risks": Topic("risks", KPO),
    "bpo_qualifications": Topic("qualifications", BPO),
    "kpo_qualifications": Topic("qualifications", KPO),
}
# "Tell me more": where each topic naturally leads.
MORE: dict[str, str] = {
    "definition": "services",
    "services": "qualifications",
    "qualifications": "benefits",
    "benefits": "risks",
    "risks": "vendors",
    "vendors": "choice",
    "choice": "definition",
}

_SUBJECT_WORDS = {
    BPO: r"b\W?p\W?o'?s?|business process(?:es)? outsourcing|business process",
    KPO: r"k\W?p\W?o'?s?|knowledge process(?:es)? outsourcing|knowledge process",
}
_OTHER_ONE = r"the other(?: one)?|other way round|the opposite"
_ASPECT_WORDS = {
    "services": r"ex\w{0,3}m?ples?|e\.?g|such as|like what|for instance|instances|services|"
    r"tasks|what kind|which kind|sort of work|kinds of work",
    "benefits": r"benefits?|advantages?|pros|upsides?|good for|gains?",
    "risks": r"risks?|risky|dangers?|downsides?|cons|security|safe|pitfalls?",
    "qualifications": r"qualifications?|qualified|skills?|degrees?|expertise|staff need",
    "definition": r"what is|what's|whats|meaning|mean|define|definition",
    "vendors": r"vendors?|due diligence|checklist|sign|contract",
    "choice": r"better|best|which (?:one|model) (?:is|should|to)|choose",
    "more": r"more|go on|elaborate|expand|details?|continue|keep going|and then|further",
    "why": r"why|how come|reason",
}


_BOTH_WORDS = r"both|vs\.?|versus|compared?|comparison|differen\w*"


def subject_of(text: str) -> str | None:
    """The model a follow-up names; with both named, the one it ends on
    ("ok for bpo. how about kpo?"), unless it compares them."""
    found = [
        (match.start(), subject)
        for subject, words in _SUBJECT_WORDS.items()
        for match in re.finditer(rf"\b(?:{words})\b", text, re.I)
    ]
    if not found:
        return None
    if len({subject for _, subject in found}) == 2 and re.search(
        rf"\b(?:{_BOTH_WORDS})\b", text, re.I
    ):
        return BOTH
    return max(found)[1]


_IN_HOUSE_WORDS = r"in[- ]?house|keep(?:ing)? it|do(?:ing)? it ourselves|ourselves"


def model_named(text: str) -> Model | None:
    """The one sourcing option a follow-up names ("what about kpo?", "and in-house?")."""
    subject = subject_of(text)
    in_house = re.search(rf"\b(?:{_IN_HOUSE_WORDS})\b", text, re.I) is not None
    if subject in (BPO, KPO) and not in_house:
        return Model.BPO if subject == BPO else Model.KPO
    return Model.IN_HOUSE if in_house and subject is None else None


def aspect_of(text: str) -> str | None:
    for aspect, words in _ASPECT_WORDS.items():
        if re.search(rf"(?<![\w])(?:{words})(?![\w])", text, re.I):
            return aspect
    return None


def topic_key(topic: Topic) -> str:
    """The response key for a topic: an FAQ topic, a one-model answer, or the
    nearest FAQ topic when neither exists for that subject."""
    for key, known in {**FAQ_TOPICS, **SUBJECT_TOPICS}.items():
        if known == topic:
            return key
    return topic_key(Topic(topic.aspect, BOTH)) if topic.subject != BOTH else "difference"


# The same question under a condition: "for a small startup?", "what about in healthcare?"
_CONDITION = re.compile(
    r"^\W*(?:and |but |ok |so )?(?:what about |how about |is that (?:still )?true |same )?"
    r"(?:for|in|at|with|if|when|given)\b",
    re.I,
)


def _models_named(text: str) -> list[str]:
    """Every model (bpo, kpo) `text` names, each once."""
    return [s for s, words in _SUBJECT_WORDS.items() if re.search(rf"\b(?:{words})\b", text, re.I)]


def agree_with_subject(key: str, text: str) -> str:
    """The FAQ topic `key` about the model `text` names, when it names only the other one:
    "my ceo keeps saying 'BPO', what is it?" asks what BPO is, whatever a classifier
    weighed in the words around it."""
    topic = FAQ_TOPICS.get(key)
    named = _models_named(text)
    if topic is None or len(named) != 1 or topic.subject in (BOTH, named[0]):
        return key
    subject = named[0]
    swapped = topic_key(Topic(topic.aspect, subject))
    return swapped if swapped in FAQ_TOPICS else key


# "is it any different with kpo?", "would those considerations differ for a KPO engagement?",
# "same for bpo?": the answer just given, asked again for one model.
_DIFFERS = re.compile(
    r"\b(?:it|that|this|those|these|they|things|any of (?:it|that|this))\b[^?.!]{0,40}?"
    r"\b(?:differ\w*|any different|the same|change)\b|^\W*(?:and |but |so )?(?:same|"
    r"different|any different) (?:for|with|in)\b",
    re.I,
)


def asks_again_for_one_model(text: str) -> bool:
    """Whether `text` asks whether the answer just given differs for one model; not "what's
    the difference between bpo and kpo?", which names both."""
    return len(_models_named(text)) == 1 and _DIFFERS.search(text) is not None


def follow_up(previous: str, text: str) -> tuple[str, tuple[str, ...]]:
    """What a follow-up to the answer `previous` asks: ("answer", keys) for the
    answers to give, or ("why", (key,)) for why the previous answer holds."""
    last = FAQ_TOPICS.get(previous) or SUBJECT_TOPICS.get(previous) or Topic("definition", BOTH)
    subject = subject_of(text)
    if subject is None and re.search(rf"\b(?:{_OTHER_ONE})\b", text, re.I):
        subject = {BPO: KPO, KPO: BPO}.get(last.subject, BOTH)
    aspect = aspect_of(text)
    if aspect == "why":
        return "why", (_base_key(previous),)
    if aspect is None and _CONDITION.match(text):  # "for a 10-person startup?"
        aspect = last.aspect
    if aspect == "more" or (aspect is None and subject is None):
        aspect = MORE[last.aspect]
    elif aspect is None:
        aspect = last.aspect
    subject = subject or last.subject
    if aspect == "services" and subject == BOTH:  # examples of both models
        return "answer", ("bpo_services", "kpo_services")
    return "answer", (topic_key(Topic(aspect, subject)),)


def _base_key(key: str) -> str:
    """The FAQ topic an answer belongs to (a one-model answer -> its FAQ topic)."""
    if key in FAQ_TOPICS:
        return key
    topic = SUBJECT_TOPICS.get(key)
    return topic_key(Topic(topic.aspect, BOTH)) if topic else "difference"
