"""Read assessment answers from free text.

`parse_answers("It's not core, pretty routine and we mainly want to cut costs")`
returns every answer it can confidently find; with `expected` (the slot just
asked) it also accepts terse replies ("yes", "high", "a bit", "2", a button
title) and, for the process question, any short description.

Steps (the words themselves live in `answer_patterns`):
1. normalise and fix typos; split into sentences and set questions aside
   (a question is never an answer: "what is KPO?" says nothing);
2. read the cues and catalogue processes (`cue_reader`, `process_answer`);
   questions are not read for cues, but may name a catalogue process;
3. per slot, keep a value only if it clearly beats any conflicting one, else
   apply the slot's conflict rule, which may be to say nothing rather than guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from advisor.answers import Slot, values_of
from advisor.process_catalogue import CATALOGUE
from advisor.reading import answer_patterns as P
from advisor.reading.cue_reader import Reading, cue_readings, terse_readings
from advisor.reading.explicit import explicit_answers
from advisor.reading.nlp import known_words
from advisor.reading.process_answer import find_process
from advisor.reading.process_matcher import ProcessMatch, find_processes
from advisor.reading.text import correct_typos, normalise

CLEAR_MARGIN = 0.3  # a value must beat a conflicting one by this much
LOOSE = 1.0  # while a question is open, looser cues (< 1) for other slots are ignored

_QUESTION_START = re.compile(r"^(?:" + P.QUESTION_START + r")")
_DEFINITION = re.compile(r"(?:" + P.DEFINITION_QUESTION + r")")
_AUX_START = re.compile(r"^(?:" + P.AUX_VERBS + r")\b")
_INTERJECTION = re.compile(
    r"^(yes|yeah|yep|yup|no|nope|nah|sure|ok|okay|well|hmm)\s+"
    r"(?=(?:it|it's|its|we|we're|i|i'm|that|that's|this|they|not|there|the work|definitely)\b)"
)


@dataclass(frozen=True)
class RuleReading:
    """What the cue rules read in a message."""

    found: dict[str, str]  # slot -> canonical value
    # Slots whose values conflict with no safe summary ("cut costs and stay
    # flexible"): slot -> the candidate values, strongest first.
    conflicts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Slots answered up front, in a first sentence of a few words that the rest explains
    # ("Moderate. Inspection data is confidential, but there is no personal data."):
    # that value is the answer, whatever the explanation's words suggest.
    led: frozenset[str] = frozenset()


def parse_answers(text: str, expected: str | None = None) -> dict[str, str]:
    """Every answer found in `text`, as {slot: canonical value}.

    `expected` is the slot whose question was just asked (or None).
    """
    return read_answers(text, expected).found


# Every channel refuses messages over 2,000 characters (channels/input_guard.py); the rules
# read at most this much of any text, so even a caller that skips the guard costs a bounded
# time (the cue reader is linear in the text, with a constant of every cue's regex).
MAX_READ_CHARS = 2000


def read_answers(text: str, expected: str | None = None) -> RuleReading:
    """`parse_answers`, plus the conflicts the rules would not decide."""
    text = text[:MAX_READ_CHARS]
    if not text or not text.strip():
        return RuleReading({})
    expected_slot = Slot(expected) if expected in {s.value for s in Slot} else None
    prepared = correct_typos(normalise(text), _typo_targets(), _known_words())
    answers, questions, hints = _split_statements(prepared)
    body = " . ".join(answers)

    processes = find_processes(body) if body else []
    open_question = expected_slot if expected_slot is not Slot.PROCESS else None
    readings = cue_readings(body, [p for p in processes if not p.weak], open_question)
    if open_question is not None:
        # The open question decides what ambiguous words mean.
        readings = [r for r in readings if r.slot is open_question or r.strength >= LOOSE]
        readings += terse_readings(answers + questions, open_question)

    # Openers are usually questions ("should we outsource our payroll?", "which
    # model fits our IT helpdesk?"): a catalogue process named in one is still
    # the process. Only catalogue names, never free text, and only while no
    # other question is open (then a question is about that question).
    named_in_questions: list[ProcessMatch] = []
    if questions and expected_slot in (None, Slot.PROCESS):
        assessed = [q for q in questions if not _DEFINITION.fullmatch(q)]
        if assessed:
            named_in_questions = [p for p in find_processes(" . ".join(assessed)) if not p.weak]
    process, span = find_process(
        body, processes, hints, readings, expected_slot, named_in_questions
    )
    if span is not None:  # words taken as the process name are not also answers
        readings = [r for r in readings if not (span[0] <= r.start and r.end <= span[1])]
    found: dict[str, str] = {} if process is None else {Slot.PROCESS.value: process}
    conflicts: dict[str, tuple[str, ...]] = {}
    for slot in Slot:
        value, candidates = _resolve(slot, [r for r in readings if r.slot is slot])
        if value is not None:
            found[slot.value] = value
        elif candidates:
            conflicts[slot.value] = candidates
    # A value named outright overrides what the other words suggest ("...so we can raise
    # money. Could you change the goal to focus?").
    for slot_name, value in explicit_answers(answers, questions).items():
        found[slot_name] = value
        conflicts.pop(slot_name, None)
    led = _led_with(answers, open_question)
    if led is not None:
        found[led[0]] = led[1]
        conflicts.pop(led[0], None)
    return RuleReading(found, conflicts, frozenset(led[:1]) if led else frozenset())


LEAD_WORDS = 3  # at most this many words in a first sentence that is the answer
_YES_OR_NO = re.compile(r"(?:yes|yeah|yep|yup|no|nope|nah|not really|sure|kind of|sort of)\b")


def _led_with(answers: list[str], open_question: Slot | None) -> tuple[str, str] | None:
    """(slot, value) when the reply to `open_question` opens with a sentence of a few words
    that alone answers it, and goes on to explain."""
    if open_question is None or len(answers) < 2 or len(answers[0].split()) > LEAD_WORDS:
        return None
    if _YES_OR_NO.match(answers[0]):  # means a value only through the question: explained on
        return None
    value = read_answers(answers[0], open_question.value).found.get(open_question.value)
    return None if value is None else (open_question.value, value)


def named_outright(text: str) -> dict[str, str]:
    """The answers `text` names outright ("call it core", "goal = focus"), in statements
    and in requests to set one ("could you change the goal to focus?"), not in questions."""
    prepared = correct_typos(normalise(text[:MAX_READ_CHARS]), _typo_targets(), _known_words())
    answers, questions, _ = _split_statements(prepared)
    return explicit_answers(answers, questions)


def warm_up() -> None:
    """Load spaCy, the matchers and word lists now (~2-4 s) rather than on the
    first user message; e.g. when the action server starts."""
    parse_answers("We'd like to outsource payroll, it's routine.", expected="core")


@lru_cache(maxsize=1)
def _typo_targets() -> frozenset[str]:
    catalogue_words = {
        word
        for entry in CATALOGUE
        for phrase in (entry.name, *entry.synonyms, *entry.weak)
        for word in re.findall(r"[a-z]{5,}", phrase)
    }
    return P.TYPO_TARGETS | catalogue_words


@lru_cache(maxsize=1)
def _known_words() -> frozenset[str]:
    """English words, plus words spelt out in our own patterns: never "corrected"."""
    ours = {w for cue in P.CUES for w in re.findall(r"[a-z]{3,}", cue.pattern)}
    return known_words() | ours


# --- statements and questions ----------------------------------------------------


def _split_statements(text: str) -> tuple[list[str], list[str], list[str]]:
    """(answer statements, question statements, process hints from questions)."""
    answers: list[str] = []
    questions: list[str] = []
    hints: list[str] = []
    for raw in re.split(r"(?<=[.!?;])\s+|\n+", text):
        statement = raw.strip()
        core = statement.strip(" .!;,")
        if not core or not re.search(r"[a-z0-9]", core):
            continue
        about = re.fullmatch(P.ANSWER_IN_QUESTION, core.rstrip("?"))
        asks_to_outsource = re.match(P.OUTSOURCE_QUESTION, core.rstrip("?"))
        if about:
            answers.append(about.group("rest").strip())
        elif asks_to_outsource:
            hints.append(asks_to_outsource.group("rest").strip())
            questions.append(core.rstrip("?"))
        elif statement.endswith("?"):
            said, asked = _split_question(core.rstrip("?").strip())
            answers += said
            questions += asked
        elif _QUESTION_START.match(core):
            questions.append(core)
        else:
            answers.append(_INTERJECTION.sub(r"\1, ", core))
    return answers, questions, hints


def _split_question(sentence: str) -> tuple[list[str], list[str]]:
    """ "We outsource our call centre, which model fits?" states something and
    then asks: ([statements], [questions]). A sentence that starts as a question
    ("is payroll routine, or not?") or is a single phrase ("payroll?") asks."""
    clauses = [c.strip() for c in re.split(r"[,;]|\s-\s|\bbut\b", sentence) if c.strip()]
    if len(clauses) < 2 or _asks(clauses[0], strict=False):
        return [], [sentence]
    said = [c for c in clauses[:-1] if not _asks(c, strict=True)]
    asked = [c for c in clauses if c not in said]
    return said, asked


def _asks(clause: str, strict: bool) -> bool:
    if _QUESTION_START.match(clause):
        return True
    return not strict and bool(_AUX_START.match(clause))


# --- deciding per slot -----------------------------------------------------------

# When a slot gets conflicting values of similar strength:
_CONFLICT_RULES: dict[Slot, Callable[[set[str]], str | None]] = {
    # "routine, but some cases need judgement" is what "mixed" means.
    Slot.COMPLEXITY: lambda values: "mixed",
    # The most demanding qualification / most sensitive data mentioned is what
    # the work needs / what must be protected.
    Slot.QUALIFICATIONS: lambda values: max(values, key=values_of(Slot.QUALIFICATIONS).index),
    Slot.SENSITIVITY: lambda values: max(values, key=values_of(Slot.SENSITIVITY).index),
    # Core and goal have no safe summary: ask again rather than guess.
    Slot.CORE: lambda values: None,
    Slot.GOAL: lambda values: None,
}


def _resolve(slot: Slot, readings: list[Reading]) -> tuple[str | None, tuple[str, ...]]:
    """(the slot's value, or None with the conflicting candidates if undecided)."""
    if slot is Slot.PROCESS or not readings:
        return None, ()
    best: dict[str, float] = {}
    for reading in readings:
        best[reading.value] = max(best.get(reading.value, 0.0), reading.strength)
    ranked = sorted(best.items(), key=lambda item: -item[1])
    if len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= CLEAR_MARGIN - 1e-9:
        return ranked[0][0], ()
    value = _CONFLICT_RULES[slot](set(best))
    return value, () if value is not None else tuple(value for value, _ in ranked)
