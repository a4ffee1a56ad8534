"""Find the answer cues in a message and read what each means in context.

The words live in `answer_patterns`; this module is the small engine:
- `cue_readings`: every cue in the text; overlapping cues, the longest wins
  ("we lack the expertise" is a goal, not "expertise" the complexity); then the
  words just before each cue (negation, partial negation, hedges, "mainly")
  decide its value;
- `terse_readings`: short replies to the question just asked ("yes", "high",
  "a bit", "2", a button title).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from re import Pattern

from advisor.answers import ORDINAL_SLOTS, Slot, values_of
from advisor.questions import QUESTIONS
from advisor.reading import answer_patterns as P
from advisor.reading.nlp import stop_words
from advisor.reading.process_matcher import ProcessMatch
from advisor.reading.text import normalise

NEGATION_WINDOW = 5  # words before a cue that a "not" can reach from
HEDGE_WINDOW = 4
TERSE_STRENGTH = 1.0
TITLE_STRENGTH = 2.0  # a button title or option number is unambiguous
YES_NO_STRENGTH = 0.6  # weaker than any specific wording in the same reply
CONTEXT_STRENGTH = 0.8  # a word that answers the open question, found in a longer reply
MAIN_GOAL_BONUS = 1.0


@dataclass(frozen=True)
class Reading:
    """One value for one slot, read from the text."""

    slot: Slot
    value: str
    strength: float
    start: int = -1  # where its cue is in the text (-1: a terse reply)
    end: int = -1


@dataclass(frozen=True)
class _Hit:
    """A cue found in the text, at character offsets start..end."""

    start: int
    end: int
    cue: P.Cue

    def overlaps(self, other: _Hit) -> bool:
        return self.start < other.end and other.start < self.end


def words_pattern(pattern: str) -> Pattern[str]:
    """`pattern` as whole words."""
    return re.compile(r"(?<![\w&])(?:" + pattern + r")(?![\w&])")


def _full(pattern: str) -> Pattern[str]:
    return re.compile(r"(?:" + pattern + r")")


@lru_cache(maxsize=1)
def _compiled_cues() -> tuple[tuple[P.Cue, Pattern[str]], ...]:
    return tuple((cue, words_pattern(cue.pattern)) for cue in P.CUES)


_EXTRA_TERSE = {
    Slot.GOAL: P.TERSE_GOAL,
    Slot.QUALIFICATIONS: P.TERSE_QUALIFICATIONS,
    Slot.CORE: P.TERSE_CORE,
}


@cache
def _context_cues(slot: Slot) -> tuple[tuple[P.Cue, Pattern[str]], ...]:
    """While `slot`'s question is open, its button titles, values and one-word
    answers count anywhere in the reply ("cost and expertise equally")."""
    words: dict[str, list[str]] = {}
    for option in QUESTIONS[slot.value].options:
        if option.value is not None:
            words.setdefault(option.value, []).append(re.escape(normalise(option.title)))
            words[option.value].append(re.escape(option.value))
    for value, pattern in _EXTRA_TERSE.get(slot, {}).items():
        words.setdefault(value, []).append(pattern)
    cues = [
        P.Cue(slot, value, "|".join(patterns), strength=CONTEXT_STRENGTH, contextual=True)
        for value, patterns in words.items()
    ]
    return tuple((cue, words_pattern(cue.pattern)) for cue in cues)


_NEGATOR = _full(P.NEGATORS)
_PARTIAL = _full(P.PARTIAL)
_HEDGE = words_pattern(P.HEDGES)
_MILD_HEDGE = _full(P.MILD_HEDGES)
_INTENSIFIER = _full(P.INTENSIFIERS)
_UNCERTAIN = words_pattern(P.UNCERTAIN)
_MAIN = words_pattern(P.MAIN_MARKERS)
_BREAK = re.compile(P.CLAUSE_BREAK)
_LEADING_FILLER = re.compile(r"^(?:(?:" + P.LEADING_FILLER + r")\b[\s,]*)+")
_TRAILING_FILLER = re.compile(r"(?:[\s,]+(?:" + P.TRAILING_FILLER + r"))+$")
_YES_NO_LEAD = re.compile(r"^(yes|yeah|yep|yup|sure|no|nope|nah)\s+(\w.*)$")


# --- cues anywhere in the text ---------------------------------------------------


def cue_readings(
    body: str, processes: list[ProcessMatch], open_question: Slot | None = None
) -> list[Reading]:
    """Every value the cues in `body` stand for, in context. `processes` are
    the catalogue matches (naming a process is not describing it)."""
    context = _context_cues(open_question) if open_question else ()
    readings = []
    previous: _Hit | None = None
    previous_negated = False
    for hit in _find_hits(body, processes, context):
        clause = _clause_before(body, hit.start)
        carried = False
        if previous is not None and previous.end > hit.start - len(clause):
            # "isn't sensitive or confidential": the "not" reaches both.
            between = body[previous.end : hit.start].strip(" ,")
            carried = previous_negated and between in {"or", "nor", "or even", "or any"}
            clause = body[previous.end : hit.start]
        if _UNCERTAIN.search(clause):  # "not sure if it's core"
            previous, previous_negated = hit, False
            continue
        negated, partial, hedge = _modifiers(clause)
        negated = negated or carried
        reading = _interpret(hit.cue, negated, partial, hedge)
        if reading is not None:
            bonus = MAIN_GOAL_BONUS if hit.cue.slot is Slot.GOAL and _MAIN.search(clause) else 0.0
            readings.append(
                Reading(reading.slot, reading.value, reading.strength + bonus, hit.start, hit.end)
            )
        previous, previous_negated = hit, negated
    return readings


def _find_hits(
    body: str, processes: list[ProcessMatch], context: Iterable[tuple[P.Cue, Pattern[str]]]
) -> list[_Hit]:
    hits = []
    for cue, regex in (*_compiled_cues(), *context):
        for match in regex.finditer(body):
            start, end = match.span()
            start += len(match.group()) - len(match.group().lstrip())
            end -= len(match.group()) - len(match.group().rstrip())
            if end > start:
                hits.append(_Hit(start, end, cue))
    # Naming a process is not describing it: "data analysis" is no "analysis" cue.
    hits = [
        h
        for h in hits
        if not any(
            p.start <= h.start and h.end <= p.end and (p.end - p.start) > (h.end - h.start)
            for p in processes
        )
    ]
    # Longest first (then answers to the open question, strongest, leftmost);
    # equal spans of different slots may both stand ("it's unique" is core, and
    # for the goal question "core" means focus), unless one answers the open question.
    hits.sort(key=lambda h: (-(h.end - h.start), not h.cue.contextual, -h.cue.strength, h.start))
    kept: list[_Hit] = []
    for hit in hits:
        clash = any(
            hit.overlaps(k)
            and not (
                (hit.start, hit.end) == (k.start, k.end)
                and hit.cue.slot is not k.cue.slot
                and not k.cue.contextual
            )
            for k in kept
        )
        if not clash:
            kept.append(hit)
    return sorted(kept, key=lambda h: h.start)


def _clause_before(body: str, position: int) -> str:
    """The text from the last clause break up to `position`."""
    prefix = body[:position]
    breaks = list(_BREAK.finditer(prefix))
    return prefix[breaks[-1].end() :] if breaks else prefix


def _modifiers(clause: str) -> tuple[bool, bool, str]:
    """(negated, partially negated, hedge) from the words just before a cue;
    hedge is "" (none), "mild" ("fairly") or "hedged" ("a bit", "somewhat")."""
    words = re.findall(r"[\w'&%#]+", clause)
    window = words[-NEGATION_WINDOW:]
    negated = partial = False
    for i, word in enumerate(window):
        if _NEGATOR.fullmatch(word):
            negated = True
            partial = i + 1 < len(window) and bool(_PARTIAL.fullmatch(window[i + 1]))
    near = " ".join(words[-HEDGE_WINDOW:])
    intensified = bool(words) and bool(_INTENSIFIER.fullmatch(words[-1]))
    hedges = [m.group() for m in _HEDGE.finditer(near)] if not intensified else []
    if not hedges:
        return negated, partial, ""
    mild = all(_MILD_HEDGE.fullmatch(h) for h in hedges)
    return negated, partial, "mild" if mild else "hedged"


def _interpret(cue: P.Cue, negated: bool, partial: bool, hedge: str) -> Reading | None:
    """The value a cue means in its context, or None if it says nothing."""
    if cue.value is None:  # a blocker
        return None
    slot, value, strength = cue.slot, cue.value, cue.strength
    scale = values_of(slot)
    ordinal = slot in ORDINAL_SLOTS
    if negated and partial:  # "not entirely routine", "not just cost"
        if not ordinal:
            return Reading(slot, value, strength * 0.5)
        return Reading(slot, scale[1], strength * 0.8) if value != scale[1] else None
    if negated:
        if cue.negated == P.AUTO:
            meaning = scale[0] if ordinal and value == scale[-1] else None
        else:
            meaning = cue.negated
        return Reading(slot, meaning, strength * cue.negated_strength) if meaning else None
    if hedge and ordinal and slot is not Slot.QUALIFICATIONS:  # "a bit sensitive"
        if hedge == "mild" and value == scale[0]:  # "fairly routine" is routine
            return Reading(slot, value, strength)
        return Reading(slot, scale[1], strength)
    return Reading(slot, value, strength)


# --- short replies to the question just asked -----------------------------------


@cache
def _terse_table(slot: Slot) -> tuple[tuple[Pattern[str], str, float], ...]:
    """(full-match pattern, value, strength) for short replies to `slot`'s question."""
    question = QUESTIONS[slot.value]
    table: list[tuple[str, str, float]] = []
    for number, option in enumerate(question.options, start=1):
        if option.value is None:
            continue
        table.append((re.escape(normalise(option.title)), option.value, TITLE_STRENGTH))
        table.append((re.escape(option.value), option.value, TITLE_STRENGTH))
        table.append((P.ORDINAL_WORDS[number], option.value, TITLE_STRENGTH))
    extras = _EXTRA_TERSE.get(slot, {})
    table += [(pattern, value, TERSE_STRENGTH) for value, pattern in extras.items()]
    if slot in ORDINAL_SLOTS:
        low, middle, high = values_of(slot)
        table += [
            (P.TERSE_TOP, high, TERSE_STRENGTH),
            (P.TERSE_MIDDLE, middle, TERSE_STRENGTH),
            (P.TERSE_BOTTOM, low, TERSE_STRENGTH),
        ]
    if question.yes:
        table.append((P.YES, question.yes, YES_NO_STRENGTH))
    if question.no:
        table.append((P.NO, question.no, YES_NO_STRENGTH))
    return tuple((re.compile(p), value, strength) for p, value, strength in table)


def terse_readings(statements: Iterable[str], slot: Slot) -> list[Reading]:
    """Short replies to `slot`'s question, one per statement or clause."""
    readings = []
    for statement in statements:
        whole = _terse_reading(statement, slot)  # e.g. a button title with a comma
        if whole is not None:
            readings.append(whole)
            continue
        for clause in re.split(r"[,;:!?]|\s-\s|\bbut\b|\bso\b", statement):
            # "yes very", "no not really": the yes/no and the rest are two replies.
            parts = _YES_NO_LEAD.match(clause.strip(" .!?\"'"))
            for part in parts.groups() if parts else (clause,):
                reading = _terse_reading(part, slot)
                if reading is not None:
                    readings.append(reading)
    return readings


def _terse_reading(clause: str, slot: Slot) -> Reading | None:
    plain = clause.strip(" .!?\"'")
    for reply in dict.fromkeys((plain, strip_filler(clause))):
        for pattern, value, strength in _terse_table(slot):
            if reply and pattern.fullmatch(reply):
                return Reading(slot, value, strength)
    return None


def strip_filler(clause: str) -> str:
    """ "I'd say high, I think" -> "high"."""
    reply = clause.strip(" .!?\"'")
    reply = _TRAILING_FILLER.sub("", _LEADING_FILLER.sub("", reply))
    return reply.strip(" .!?\"'")


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """Words that carry no content of their own: stop words, negators, hedges,
    intensifiers, fillers ("it's pretty routine" is all answer)."""
    alternatives = "|".join(
        (
            P.NEGATORS,
            P.PARTIAL,
            P.HEDGES,
            P.INTENSIFIERS,
            P.MAIN_MARKERS,
            P.LEADING_FILLER,
            P.TRAILING_FILLER,
            P.YES,
            P.NO,
            "data|work|tasks|stuff|process|things|mostly|i'd|we'd",
        )
    )
    single = {w for w in alternatives.split("|") if re.fullmatch(r"[a-z']+", w)}
    return stop_words() | single
