"""Conversation scripts the load generator replays (one fresh sender per run)."""
import json

# --- ours: FAQ questions, small talk, full assessments ---------------------------------

FAQ = [
    ["hi", "what is bpo?", "and kpo?", "kpo vs bpo", "thanks, bye"],
    ["what do KPO firms usually do", "risks of outsourcing core work", "which is better?"],
    ["what should I check before signing with a vendor", "benefits of outsourcing", "thanks"],
    ["bpo?", "what qualifications do kpo staff need", "what services does a bpo offer"],
]

FREE_TEXT_ASSESSMENTS = [
    [
        "We're thinking about outsourcing our customer support call centre",
        "no, it's just something we have to do, not what we're known for",
        "mostly scripted answers to common questions",
        "a couple of days of training is enough",
        "they see customer names and addresses",
        "we mainly want to cut costs",
        "why?",
    ],
    [
        "Can you help us decide how to outsource our investment research?",
        "it's important for us, but honestly our competitors all do the same",
        "it's deep analysis that needs expert judgement",
        "CFA charterholders and experienced analysts",
        "highly confidential client portfolios",
        "we simply don't have enough analysts with that expertise",
    ],
    [
        "help me decide for payroll",
        "necessary but not what we're known for",
        "sorry, what does KPO mean again?",
        "very routine and rule based",
        "basic skills",
        "highly sensitive employee salary and bank data",
        "lower costs",
    ],
    [
        "We want to outsource payroll. It's not core and very routine, basic skills are "
        "enough, but it handles sensitive employee data and we mainly want to cut costs.",
        "let's assess another process",
        "legal research", "supporting", "needs expert judgement", "lawyers", "confidential",
    ],
]


def _buttons(answers):
    return ["/start_assessment"] + ["/inform" + json.dumps({slot: value}) for slot, value in answers]


BUTTON_ASSESSMENTS = [
    _buttons([("process", "investment research"), ("core", "core"), ("complexity", "expert"),
              ("qualifications", "professional"), ("sensitivity", "high"), ("goal", "expertise")]),
    _buttons([("process", "customer care"), ("core", "supporting"), ("complexity", "routine"),
              ("qualifications", "basic"), ("sensitivity", "low"), ("goal", "cost")])
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
