"""Outsourcing Advisor core: plain Python, no Rasa imports.

Advises whether to outsource a business process through BPO, KPO or keep it
in-house, from six answers (see `answers`). Public API:

    parse_answers(text, expected=None) -> dict[str, str]   # free text -> slot values
    score(Answers, not_sure=()) -> Recommendation           # deterministic scoring
    render_final / render_provisional / render_why / render_changes  # messages
    QUESTIONS, button_payload                               # what to ask

Importing the package is cheap; spaCy loads on the first `parse_answers` call
(or call `warm_up()` at start-up).
"""

from advisor.answers import (
    ANSWER_SLOTS,
    COMPANY_WIDE_SLOTS,
    SLOT_ORDER,
    Answers,
    Complexity,
    Core,
    Goal,
    Qualifications,
    Sensitivity,
    Slot,
)
from advisor.checklist import Category, ChecklistItem
from advisor.explain import (
    describe_kept_answers,
    render_changes,
    render_final,
    render_provisional,
    render_why,
)
from advisor.questions import QUESTIONS, Option, Question, button_payload
from advisor.reading.answer_parser import parse_answers, warm_up
from advisor.scoring import Certainty, Contribution, Recommendation, score
from advisor.sourcing import Model

__all__ = [
    "ANSWER_SLOTS",
    "COMPANY_WIDE_SLOTS",
    "SLOT_ORDER",
    "Answers",
    "Category",
    "Certainty",
    "ChecklistItem",
    "Complexity",
    "Contribution",
    "Core",
    "Goal",
    "Model",
    "Option",
    "QUESTIONS",
    "Qualifications",
    "Question",
    "Recommendation",
    "Sensitivity",
    "Slot",
    "button_payload",
    "describe_kept_answers",
    "parse_answers",
    "render_changes",
    "render_final",
    "render_provisional",
    "render_why",
    "score",
    "warm_up",
]
