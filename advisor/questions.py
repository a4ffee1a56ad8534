"""The assessment's questions, in plain words, and how answers are described.

One source for every channel: the Rasa `action_ask_<slot>` actions show
`text` (with `hint` after an unclear answer) and `options` as buttons; the
answer parser accepts the same button titles, option numbers and yes/no
(`yes`/`no` say what a bare "yes"/"no" means for that question).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from advisor.answers import Complexity, Core, Goal, Qualifications, Sensitivity, Slot


@dataclass(frozen=True)
class Option:
    title: str  # shown on the button
    value: str | None  # canonical slot value; None = "type your own" (no value)


@dataclass(frozen=True)
class Question:
    slot: Slot
    text: str
    hint: str  # re-ask help after an unclear answer, with examples
    topic: str  # what is still open, in plain words ("how sensitive the data is")
    options: tuple[Option, ...]
    yes: str | None = None  # value meant by a bare "yes" (None: no meaning)
    no: str | None = None


QUESTIONS: dict[str, Question] = {
    q.slot.value: q
    for q in (
        Question(
            Slot.PROCESS,
            "Which business process or function are you thinking of outsourcing?",
            "Just name it in a few words, for example customer care, payroll, accounting, "
            "IT support, data analytics or legal services.",
            "which process it is",
            (
                Option("Customer care", "customer care"),
                Option("Accounting", "accounting"),
                Option("IT support", "technical support"),
                Option("Data analytics", "data analytics"),
                Option("Legal services", "legal services"),
                Option("Something else — type it", None),
            ),
        ),
        Question(
            Slot.CORE,
            "Is this part of what makes you different from your competitors, or is it "
            "necessary but not what you're known for?",
            "For example: research that clients choose you for sets you apart; billing must "
            "run without fail but every firm does it (critical, not unique); office admin "
            "just needs to get done (necessary, not what you're known for).",
            "whether it sets you apart from competitors",
            (
                Option("It sets us apart", Core.CORE.value),
                Option("Critical, but not unique", Core.IMPORTANT.value),
                Option("Necessary, not what we're known for", Core.SUPPORTING.value),
            ),
            yes=Core.CORE.value,
            no=Core.SUPPORTING.value,
        ),
        Question(
            Slot.COMPLEXITY,
            "Does the work need expert judgement and analysis, or is it mostly routine, "
            "rule-based tasks that could be written down as procedures?",
            "For example: answering standard customer queries from a script or month-end "
            "bookkeeping is routine; reviewing contracts or valuing a company needs expert "
            "judgement; many processes are a mix.",
            "how routine or specialised the work is",
            (
                Option("Mostly routine", Complexity.ROUTINE.value),
                Option("A mix", Complexity.MIXED.value),
                Option("Needs expert judgement", Complexity.EXPERT.value),
            ),
            yes=Complexity.EXPERT.value,
            no=Complexity.ROUTINE.value,
        ),
        Question(
            Slot.QUALIFICATIONS,
            "What do the people doing it need: basic skills, technical skills or "
            "certifications, or professional qualifications such as a degree or licence?",
            "For example: basic means it can be learnt on the job (data entry, call "
            "handling); technical means IT or tool skills and certifications (bookkeeping "
            "with an accounting package, IT support); professional means the work itself "
            "needs a degree holder's or licensed professional's judgement (legal advice, an "
            "audit opinion, a valuation, research).",
            "what qualifications the work needs",
            (
                Option("Basic skills", Qualifications.BASIC.value),
                Option("Technical skills / certifications", Qualifications.TECHNICAL.value),
                Option("Professional qualifications", Qualifications.PROFESSIONAL.value),
            ),
            no=Qualifications.BASIC.value,
        ),
        Question(
            Slot.SENSITIVITY,
            "Does the work involve sensitive data, such as personal data, financials, "
            "client confidential information or trade secrets?",
            "For example: payroll and patient records are highly sensitive; internal "
            "reports are somewhat sensitive; public product information is not sensitive.",
            "how sensitive the data is",
            (
                Option("Highly sensitive", Sensitivity.HIGH.value),
                Option("Somewhat sensitive", Sensitivity.MEDIUM.value),
                Option("Not really", Sensitivity.LOW.value),
            ),
            yes=Sensitivity.HIGH.value,
            no=Sensitivity.LOW.value,
        ),
        Question(
            Slot.GOAL,
            "What's your main reason for considering outsourcing: cutting costs, a more "
            "flexible workforce, freeing your team to focus on the core business, or "
            "getting specialised expertise you lack?",
            'Pick the one that matters most, for example "save money", "scale up and '
            'down with demand", "focus on what we do best" or "we lack the experts".',
            "your main goal",
            (
                Option("Cut costs", Goal.COST.value),
                Option("Flexible workforce", Goal.FLEXIBILITY.value),
                Option("Focus on our core", Goal.FOCUS.value),
                Option("Specialised expertise", Goal.EXPERTISE.value),
            ),
        ),
    )
}

# How each answer is described in explanations ("Because the work is ...").
VALUE_LABELS: dict[str, dict[str, str]] = {
    Slot.CORE.value: {
        Core.CORE.value: "it sets you apart from competitors",
        Core.IMPORTANT.value: "it is critical but not distinctive",
        Core.SUPPORTING.value: "it is necessary but not what you're known for",
    },
    Slot.COMPLEXITY.value: {
        Complexity.ROUTINE.value: "the work is routine and rule-based",
        Complexity.MIXED.value: "the work is a mix of routine and judgement",
        Complexity.EXPERT.value: "the work needs expert judgement",
    },
    Slot.QUALIFICATIONS.value: {
        Qualifications.BASIC.value: "basic skills are enough",
        Qualifications.TECHNICAL.value: "it needs technical skills or certifications",
        Qualifications.PROFESSIONAL.value: "it needs professional qualifications",
    },
    Slot.SENSITIVITY.value: {
        Sensitivity.LOW.value: "the data is not sensitive",
        Sensitivity.MEDIUM.value: "the data is somewhat sensitive",
        Sensitivity.HIGH.value: "the data is highly sensitive",
    },
    Slot.GOAL.value: {
        Goal.COST.value: "your main goal is cutting costs",
        Goal.FLEXIBILITY.value: "your main goal is a flexible workforce",
        Goal.FOCUS.value: "your main goal is focusing on your core business",
        Goal.EXPERTISE.value: "your main goal is expertise you lack",
    },
}


# Short names for answers, as in "Data sensitivity: low -> high".
SLOT_NAMES: dict[str, str] = {
    Slot.PROCESS.value: "Process",
    Slot.CORE.value: "How distinctive it is",
    Slot.COMPLEXITY.value: "Complexity",
    Slot.QUALIFICATIONS.value: "Qualifications",
    Slot.SENSITIVITY.value: "Data sensitivity",
    Slot.GOAL.value: "Main goal",
}
VALUE_NAMES: dict[str, dict[str, str]] = {
    Slot.CORE.value: {
        Core.CORE.value: "sets you apart",
        Core.IMPORTANT.value: "critical, not distinctive",
        Core.SUPPORTING.value: "supporting",
    },
    Slot.COMPLEXITY.value: {
        Complexity.ROUTINE.value: "mostly routine",
        Complexity.MIXED.value: "a mix",
        Complexity.EXPERT.value: "expert judgement",
    },
    Slot.QUALIFICATIONS.value: {
        Qualifications.BASIC.value: "basic skills",
        Qualifications.TECHNICAL.value: "technical skills",
        Qualifications.PROFESSIONAL.value: "professional qualifications",
    },
    Slot.SENSITIVITY.value: {
        Sensitivity.LOW.value: "low",
        Sensitivity.MEDIUM.value: "medium",
        Sensitivity.HIGH.value: "high",
    },
    Slot.GOAL.value: {
        Goal.COST.value: "cutting costs",
        Goal.FLEXIBILITY.value: "a flexible workforce",
        Goal.FOCUS.value: "focus on the core",
        Goal.EXPERTISE.value: "specialised expertise",
    },
}


def value_name(slot: str, value: str | None) -> str:
    """A short name for an answer ("high", "expert judgement"); processes as typed."""
    if value is None:
        return "not answered"
    return VALUE_NAMES.get(slot, {}).get(value, value)


def describe(slot: str, value: str | None) -> str:
    """A plain description of one answer, e.g. "the data is highly sensitive"."""
    if value is None:
        return "not answered yet"
    if slot == Slot.PROCESS.value:
        return f"the process is {value}"
    return VALUE_LABELS[slot][value]


def option_title(slot: str, value: str | None) -> str | None:
    """The button title for a value, e.g. ("goal", "cost") -> "Cut costs"."""
    return next((o.title for o in QUESTIONS[slot].options if o.value == value), None)


def button_payload(slot: str, value: str | None) -> str:
    """Rasa payload for a button: `/inform{"<slot>": "<value>"}`.

    A "type your own" option (value None) sends a bare `/inform`, which sets
    nothing, so the question is simply asked again for free text.
    """
    if value is None:
        return "/inform"
    return "/inform" + json.dumps({slot: value})
