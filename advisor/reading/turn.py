"""The turn interpreter: the one place that decides what a message in an assessment means.

`interpret(turn)` looks at the message and where the conversation is (the open question, a
pending "Sounds like X — right?", how often the question has been tried) and decides, in
order:
1. what kind of message it is (the calibrated `kind_model`, the NLU intent, and how plainly
   the text answers the open question);
2. which questions it answers and with which values (`understanding`: exact rules, then the
   answer model's calibrated guesses).

The form's validation and the change-of-mind action only apply the `Decision`. Two promises
hold whatever the message: no question is asked a third time (the best reading, or the
stated default, is taken and listed as an assumption), and nothing the user did not say is
stored without being said back ("I also noted: ...").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from advisor.answers import ANSWER_SLOTS
from advisor.reading.answer_parser import named_outright
from advisor.reading.kind_model import INTENT_KINDS, Kind
from advisor.reading.opener import opener_process
from advisor.reading.process_matcher import find_processes
from advisor.reading.text import normalise
from advisor.reading.understanding import (
    DEFAULTS,
    Guesses,
    Understanding,
    best_reading,
    hedges,
    only_unsure,
    understand,
)

# A reading of the open question this plain is an answer, whatever kind or intent the
# models say: "that is our edge over every other installer" is not "start over".
PLAIN_ANSWER = 0.7
# A weaker reading that the kind model calls an answer is one too.
PROBABLE_ANSWER = 0.3
# P(kind) at which a message is taken for that kind rather than read as an answer.
KIND_THRESHOLD = 0.5
# Below this P(kind), a less sure NLU intent of that kind is not trusted.
UNLIKELY_KIND = 0.3
# An NLU intent this sure speaks for its kind too (the rules for digressions follow it).
SURE_INTENT = 0.8
# A question the kind model is this sure of is one, even when it reads as an answer too.
SURE_QUESTION = 0.9
# A question intent this likely, which the kind model does not rule out, is a question.
LIKELY_INTENT = 0.5
# Intents the dialogue rules answer in the middle of the assessment.
QUESTION_INTENTS = {"faq", "follow_up", "out_of_source", "help", "classify_process"}
CONTROL_INTENTS = {
    "stop_assessment",
    "restart_assessment",
    "assess_another",
    "compare_processes",
    "show_report",
    "ask_provisional",
    "ask_why",
    "what_would_change",
}
SMALLTALK_INTENTS = {"greet", "thank", "goodbye", "bot_challenge"}
YES_NO_INTENTS = {"affirm", "deny"}
# Words that make a question about the subject, not about the question asked.
_SUBJECT = re.compile(r"\b(?:bpo|kpo|outsourc\w*|offshor\w*)\b")
# How a question is put: a question mark, a question word or request first (after any
# "hi", "ok so", "quick q"), or "X or Y" between the models. To the process question, a
# message put in none of these ways is a name ("pricing consigned bags before they go
# live"), however much its words sound like a FAQ, unless the kind model is sure.
_LEAD_IN = (
    r"(?:(?:hi|hey|hello|ok|okay|so|and|but|also|wait|hmm+|um+|oh|sorry|btw|quick q\w*"
    r"|question)\W+)*"
)
_ASKED = re.compile(
    r"\?|\b(?:bpo\s+or\s+kpo|kpo\s+or\s+bpo)\b|^\W*" + _LEAD_IN + r"(?:what\w*|how|why|which|who\w*"
    r"|when|where|is|are|was|were|can|could|do|does|did|should|would|will|may|might|tell|explain"
    r"|describe|define|compare|list|give|show|i\s+(?:want|would\s+like|need)\s+to\s+know)\b"
)
# The process's name when the user gave none after being asked twice (an assumption they
# can change by naming it).
UNNAMED_PROCESS = "your process"


@dataclass(frozen=True)
class Turn:
    """A user message and where the conversation stands."""

    text: str
    open_question: str | None = None  # the slot asked for (None: no question open)
    pending: Mapping[str, Any] | None = None  # {"slot", "kind": confirm|choose|pick, ...}
    # Replies to the open question that did not settle it: unclear answers, "not sure",
    # "what do you mean?", and prompts to confirm or choose.
    tries: int = 0
    intent: str | None = None
    intent_confidence: float = 0.0
    kinds: Mapping[str, float] = field(default_factory=dict)  # kind_model's P(kind)
    guesses: Guesses = field(default_factory=dict)  # answer_model's guesses
    buttons: Mapping[str, str] = field(default_factory=dict)  # a button payload's answers
    in_assessment: bool = True


@dataclass(frozen=True)
class Decision:
    kind: Kind
    confidence: float
    answers: dict[str, str] = field(default_factory=dict)  # said outright or confirmed
    noted: dict[str, str] = field(default_factory=dict)  # other questions' answers: echoed
    assumed: dict[str, str] = field(default_factory=dict)  # taken without being said
    confirm: tuple[str, str] | None = None  # (slot, value) to put to the user
    choose: tuple[str, tuple[str, ...]] | None = None  # (slot, values) to choose from
    pick: bool = False  # "no" to a proposed value: offer every option
    explain: bool = False  # explain the open question, with examples and its options
    # The open question was tried and not settled (counts towards `Turn.tries`).
    unsettled: bool = False

    def stored(self) -> dict[str, str]:
        """Every value this decision stores."""
        return {**self.noted, **self.answers, **self.assumed}


def interpret(turn: Turn) -> Decision:
    """What the message means, given where the conversation stands."""
    decision = _interpret(turn)
    if "process" in decision.answers or "process" in decision.noted:
        return replace(
            decision,
            answers=_in_own_words(turn.text, decision.answers),
            noted=_in_own_words(turn.text, decision.noted),
        )
    return decision


def _in_own_words(text: str, answers: dict[str, str]) -> dict[str, str]:
    """The process as the user named it ("our call centres"), not the catalogue's name for
    it ("customer care"): the catalogue match is only the reason for the scoring's prior."""
    name = answers.get("process")
    if name is None or text.startswith("/"):
        return answers
    cleaned = normalise(text)
    for match in find_processes(cleaned):
        if match.entry.name == name:
            return {**answers, "process": cleaned[match.start : match.end]}
    return answers


def _interpret(turn: Turn) -> Decision:
    if turn.buttons:
        return Decision(Kind.ANSWER, 1.0, answers=dict(turn.buttons))
    open_question = turn.open_question
    pending = turn.pending if turn.pending and turn.pending.get("slot") == open_question else None
    if pending is not None:
        reply = _reply_to_pending(turn, pending)
        if reply is not None:
            return reply
    kinds = _kind_probabilities(turn)
    if open_question in DEFAULTS and only_unsure(turn.text):
        return _not_sure(turn, open_question, kinds.get(Kind.NOT_SURE.value, 1.0))
    # Doubt about the subject is a question ("I'm not sure whether AML work counts as KPO?"),
    # not doubt about the open question: the kind model tells them apart.
    doubtful = (
        hedges(turn.text)
        and kinds.get(Kind.ANSWER.value, 0.0) < KIND_THRESHOLD
        and kinds.get(Kind.QUESTION.value, 0.0) < KIND_THRESHOLD
    )
    if open_question in DEFAULTS and turn.tries == 0 and doubtful:
        # "I'm genuinely unsure. The papers are public." helps first; a guess from the
        # words around the doubt would be a value the user never gave. Unless the kind
        # model calls it an answer ("someone who knows quickbooks, with the certificate").
        return _not_sure(turn, open_question, kinds.get(Kind.NOT_SURE.value, 0.5))
    understood = understand(turn.text, open_question, turn.guesses, turn.in_assessment)
    # A value only assumed from "not sure" in a longer message is no reading: the kind
    # model says first whether the message is doubt or a question about the subject.
    reads = bool(open_question and understood.values(open_question) and not understood.assumed)
    # A bare "yes" or "no" answers the open question when it has a meaning for it.
    # A reading the kind model also calls an answer is one, whatever intent NLU guessed
    # ("first-pass document review" to the process question is not "show the report").
    answer_like = kinds.get(Kind.ANSWER.value, 0.0) >= KIND_THRESHOLD
    # A question the kind model is all but certain of, and NLU answers, is asked whatever
    # it happens to say ("what does bpo mean? someone used it and i just nodded along").
    asked = (
        "?" in turn.text
        and kinds.get(Kind.QUESTION.value, 0.0) >= SURE_QUESTION
        and turn.intent in QUESTION_INTENTS
    )
    plain = (
        reads
        and not asked
        and (
            understood.strength >= PLAIN_ANSWER
            or turn.intent in YES_NO_INTENTS
            or (answer_like and understood.strength >= PROBABLE_ANSWER)
        )
    )
    # With no question open (the message that starts the assessment, a change of mind after
    # the recommendation) the dialogue already knows what the message is: read its answers.
    if not plain and open_question is not None:
        kind, confidence = _kind_other_than_answer(turn, kinds, reads)
        if kind is Kind.NOT_SURE and open_question in DEFAULTS:
            return _not_sure(turn, open_question, confidence)
        if kind is Kind.CLARIFY and open_question is not None:
            # A question about the question: explained, and not counted as a try.
            return Decision(Kind.CLARIFY, confidence, explain=True)
        if kind is not None and kind not in (Kind.NOT_SURE, Kind.CLARIFY):
            return Decision(kind, confidence)
    if understood.assumed and open_question in DEFAULTS:  # "no idea" within a longer reply
        return _not_sure(turn, open_question, kinds.get(Kind.NOT_SURE.value, 0.5))
    return _answer(turn, understood, kinds.get(Kind.ANSWER.value, 1.0 if plain else 0.5))


def _kind_probabilities(turn: Turn) -> dict[str, float]:
    """The kind model's probabilities; without them (no model), the NLU intent's kind."""
    if turn.kinds:
        return dict(turn.kinds)
    kind = INTENT_KINDS.get(turn.intent or "")
    return (
        {kind.value: turn.intent_confidence}
        if kind and turn.intent_confidence >= SURE_INTENT
        else {}
    )


def _kind_other_than_answer(
    turn: Turn, kinds: Mapping[str, float], reads: bool
) -> tuple[Kind | None, float]:
    """A kind that is not an answer, if the models say so; else (None, 0). `reads`: the
    message also reads as an answer to the open question."""
    ranked = sorted(kinds.items(), key=lambda pair: -pair[1])
    # Over a reading of the open question, a command needs a likely intent or a sure kind
    # ("first-pass document review" to the process question is no request for the report).
    faint_command = (
        reads
        and turn.intent_confidence < LIKELY_INTENT
        and kinds.get(Kind.CONTROL.value, 0.0) < SURE_QUESTION
    )
    if ranked and ranked[0][0] != Kind.ANSWER.value and ranked[0][1] >= KIND_THRESHOLD:
        kind = Kind(ranked[0][0])
        if kind is Kind.QUESTION and _names_the_process(turn, ranked[0][1]):
            return None, 0.0
        # A command or small talk is left to the dialogue rules only if NLU found the
        # one they answer; anything else is read as a (poor) answer.
        if kind is Kind.CONTROL and turn.intent in CONTROL_INTENTS and not faint_command:
            return kind, ranked[0][1]
        if kind is Kind.SMALLTALK and turn.intent in SMALLTALK_INTENTS:
            return kind, ranked[0][1]
        # "what does KPO mean?" asks about the subject, not about the open question.
        if kind is Kind.CLARIFY and (
            _SUBJECT.search(turn.text.lower())
            or (turn.intent in QUESTION_INTENTS and turn.intent_confidence >= SURE_INTENT)
        ):
            return Kind.QUESTION, ranked[0][1]
        if kind not in (Kind.CONTROL, Kind.SMALLTALK):
            return kind, ranked[0][1]
    sure_intent = turn.intent_confidence >= SURE_INTENT
    # A command NLU found, unless the kind model is fairly sure it is not one.
    if (
        turn.intent in CONTROL_INTENTS
        and not faint_command
        and (sure_intent or not kinds or kinds.get(Kind.CONTROL.value, 0.0) >= UNLIKELY_KIND)
    ):
        return Kind.CONTROL, turn.intent_confidence
    if turn.intent in QUESTION_INTENTS and (
        sure_intent
        or (
            turn.intent_confidence >= LIKELY_INTENT
            and kinds.get(Kind.QUESTION.value, 0.0) >= UNLIKELY_KIND
        )
    ):  # "wait whats kpo again, is that like the posh version"
        return Kind.QUESTION, turn.intent_confidence
    if sure_intent and turn.intent in SMALLTALK_INTENTS:
        return Kind.SMALLTALK, turn.intent_confidence
    return None, 0.0


def _names_the_process(turn: Turn, p_question: float) -> bool:
    """A reply to the process question that is not put as a question is the process's name,
    unless the kind model is sure it is a question or NLU sure of a question's intent."""
    return (
        turn.open_question == "process"
        and p_question < SURE_QUESTION
        and turn.intent_confidence < SURE_INTENT
        and not _ASKED.search(normalise(turn.text))
    )


def _reply_to_pending(turn: Turn, pending: Mapping[str, Any]) -> Decision | None:
    """A yes or no to "Sounds like X — right?"; None for anything else."""
    slot, kind = str(pending["slot"]), pending.get("kind")
    if kind == "confirm" and turn.intent == "affirm":
        return Decision(Kind.ANSWER, turn.intent_confidence, answers={slot: pending["value"]})
    if kind in ("confirm", "choose") and turn.intent == "deny" and turn.tries < 2:
        return Decision(Kind.ANSWER, turn.intent_confidence, pick=True, unsettled=True)
    return None


def _not_sure(turn: Turn, slot: str, confidence: float) -> Decision:
    """The first "not sure" gets the question explained; the next takes the default."""
    if turn.tries == 0:
        return Decision(Kind.NOT_SURE, confidence, explain=True, unsettled=True)
    return Decision(Kind.NOT_SURE, confidence, assumed={slot: DEFAULTS[slot]})


def _answer(turn: Turn, understood: Understanding, confidence: float) -> Decision:
    slot = turn.open_question
    answers = dict(understood.answers)
    if slot is None:  # the opener, or a change of mind after the recommendation
        if "process" not in answers and (process := opener_process(turn.text)):
            answers["process"] = process
        return Decision(Kind.ANSWER, confidence, noted=answers)
    given = {slot: answers.pop(slot)} if slot in answers else {}
    if slot != "process":
        # The process is asked first: once another question is open, a function named in
        # an answer ("standard accounting skills") describes the work, not a new process.
        answers.pop("process", None)
    noted = answers
    if given:
        return Decision(Kind.ANSWER, confidence, answers=given, noted=noted)
    if turn.tries >= 1:
        # Tried before: never a third time. The best reading, or the stated default.
        best = best_reading(understood, slot, turn.guesses) or _pending_value(turn)
        taken = best or DEFAULTS.get(slot, UNNAMED_PROCESS)
        return Decision(Kind.ANSWER, confidence, noted=noted, assumed={slot: taken})
    if understood.confirm:
        return Decision(Kind.ANSWER, confidence, noted=noted, confirm=understood.confirm)
    if understood.choose:
        return Decision(Kind.ANSWER, confidence, noted=noted, choose=understood.choose)
    return Decision(Kind.ANSWER, confidence, noted=noted, unsettled=True)


def _pending_value(turn: Turn) -> str | None:
    pending = turn.pending or {}
    if pending.get("slot") != turn.open_question:
        return None
    if pending.get("kind") == "confirm":
        return str(pending["value"])
    values = pending.get("values") or []
    return str(values[0]) if values else None


# What a change of mind can change: the five answers (a new process is a new assessment).
CHANGEABLE = tuple(slot for slot in ANSWER_SLOTS if slot != "process")


def changed_answers(turn: Turn, stored: Mapping[str, str | None]) -> dict[str, str]:
    """After the recommendation, the answers a message changes, read as an answer with no
    question open ("oh actually it's more about flexing up and down than cost"); empty
    unless the kind model calls the message an answer and not a question, or it names a
    value outright ("so call it core", "could you change the goal to focus?")."""
    kinds = turn.kinds
    if turn.text.startswith("/"):
        return {}
    if not named_outright(turn.text) and (
        kinds.get(Kind.ANSWER.value, 0.0) < KIND_THRESHOLD
        or kinds.get(Kind.QUESTION.value, 0.0) >= KIND_THRESHOLD
    ):
        return {}
    decision = interpret(replace(turn, open_question=None, pending=None))
    said = {**decision.noted, **decision.answers}
    return {
        slot: value
        for slot, value in said.items()
        if slot in CHANGEABLE and value != stored.get(slot)
    }
