"""Conversation scripts the load generator replays (one fresh sender per run)."""

import json

from harness.situations import BUTTON_ANSWERS, SITUATIONS

# --- ours: FAQ questions, small talk, full assessments ---------------------------------

FAQ = [
    ["hi", "what is bpo?", "and kpo?", "kpo vs bpo", "thanks, bye"],
    ["what do KPO firms usually do", "risks of outsourcing core work", "which is better?"],
    ["what should I check before signing with a vendor", "benefits of outsourcing", "thanks"],
    ["bpo?", "what qualifications do kpo staff need", "what services does a bpo offer"],
]


def _situation(name: str) -> list[str]:
    return list(SITUATIONS[name][1])


_payroll = _situation("payroll at a retailer")
FREE_TEXT_ASSESSMENTS = [
    _situation("call centre for an online shop") + ["why?"],
    _situation("investment research at an asset manager"),
    _payroll[:2] + ["sorry, what does KPO mean again?"] + _payroll[2:],  # a question mid-way
    [
        "We want to outsource payroll. It's not core and very routine, basic skills are "
        "enough, but it handles sensitive employee data and we mainly want to cut costs.",
        "let's assess another process",
        "legal research",
        "supporting",
        "needs expert judgement",
        "lawyers",
        "confidential",
    ],
]


def _buttons(answers: list[tuple[str, str]]) -> list[str]:
    return ["/start_assessment"] + [
        "/inform" + json.dumps({slot: value}) for slot, value in answers
    ]


BUTTON_ASSESSMENTS = [
    _buttons(BUTTON_ANSWERS),
    _buttons(
        [
            ("process", "customer care"),
            ("core", "supporting"),
            ("complexity", "routine"),
            ("qualifications", "basic"),
            ("sensitivity", "low"),
            ("goal", "cost"),
        ]
    )
    + ["why?", "actually our data is highly sensitive"],
]

OURS = FAQ + FREE_TEXT_ASSESSMENTS + BUTTON_ASSESSMENTS

# --- the starter bot (`rasa init`): greet / mood / bot challenge ---------------------------

BASELINE = [
    ["hello", "I am feeling great", "bye"],
    ["hi there", "very sad", "yes", "goodbye"],
    ["hey", "not good", "no", "bye"],
    ["good morning", "am I talking to a bot?", "perfect", "see you"],
    ["hello there", "I am unhappy", "yes it did", "bye bye"],
]
