"""Which process the user named: a catalogue process, or a short typed description.

Catalogue names come first (exactly one named: take it; several: don't pick).
Otherwise a typed description is taken only where the user is clearly naming a
process: "we want to outsource <X>", "should we outsource <X>?", or a reply to
the process question that isn't a question, a non-answer ("i don't know",
"stop") or an answer to another question ("highly sensitive").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from advisor.answers import PROCESS_MAX_CHARS, Slot
from advisor.reading import answer_patterns as P
from advisor.reading.cue_reader import Reading, strip_filler, words_pattern
from advisor.reading.process_matcher import ProcessMatch, find_processes
from advisor.reading.text import normalise

MAX_WORDS_FOR_WEAK_PROCESS = 4  # "our books" alone names a process; in a long message, no
MAX_WORDS_FOR_PROCESS_TEXT = 8
MAX_WORDS_WHEN_ASKED = 12  # the reply to "which process?" is its name, even a long one

_QUESTION_START = re.compile(r"^(?:" + P.QUESTION_START + r")")
_NON_ANSWER = re.compile(r"(?:" + P.NON_ANSWERS + r")")
_NOT_A_PROCESS = re.compile(r"(?:" + P.NOT_A_PROCESS + r")")
_NON_ANSWER_ANYWHERE = words_pattern(P.NON_ANSWER_PHRASES)
_OBJECT_STOP = words_pattern(P.OBJECT_STOP_WORDS)
# Words a name cut short must not end on ("... and sending out the thank").
_DANGLING = re.compile(r"(?:\s+(?:the|a|an|and|or|of|for|to|with|in|on|our|my|thank|you))+$")
_PROCESS_LEAD = re.compile(
    r"^(?:(?:well|so|um|hmm|ok|okay|yes|yeah)\W+)?"
    r"(?:(?:i|we)(?:'d| would)? (?:like|want|need|plan|are planning|'re planning|am planning|"
    r"are thinking|"
    r"'re thinking|am thinking|are considering|'re considering|intend|have|do|handle|run|manage|"
    r"are looking at|'re looking at|need help with)(?: about| of)? (?:to )?)?"
    r"(?:(?:the )?(?:process|function|area|work|task|thing|one)(?: in question| (?:we|i)"
    r"(?:'re| are| am)? (?:have in mind|mean|means|are thinking of|'re thinking of|talking about))?"
    r" (?:is|would be)\s+)?"
    r"(?:(?:outsourc(?:e|ing)|offshor(?:e|ing)|it's|it is|its|that's|that would be|"
    r"the answer is|i'd say|probably|maybe|mainly|mostly|just|definitely)(?:\s+|$))?"
    r"(?:of\s+)?(?:(?:our|my|the|a|an|some of our|some|all of our|all our|part of our)\s+)?"
)


def find_process(
    body: str,
    matches: list[ProcessMatch],
    hints: list[str],
    readings: list[Reading],
    expected: Slot | None,
    asked: Iterable[ProcessMatch] = (),
) -> tuple[str | None, tuple[int, int] | None]:
    """(process, span of `body` used as a typed process name or None).

    The catalogue name if exactly one process is named; else a short typed
    description where the user is clearly naming one ("we want to outsource
    <X>", or any reply to the process question that isn't a question, a
    non-answer or an answer to another question). `asked`: catalogue
    processes named inside questions ("can you help with our payroll?").
    """
    expecting = expected is Slot.PROCESS
    objects = [o for o in (_outsourced_object(body), *hints) if o]
    short = len(body.split()) <= MAX_WORDS_FOR_WEAK_PROCESS
    # Weak synonyms ("books", "admin") only where a process is clearly named,
    # and only if nothing stronger was: "HR admin" is HR.
    names = _names([*(m for m in matches if not m.weak), *asked]) or _names(
        m for m in matches if expecting or short
    )
    for obj in objects:  # "outsource our books": weak synonyms count here
        names = names or _names(find_processes(normalise(obj)))
    if len(names) == 1:
        return names[0], None
    if len(names) > 1 and not expecting:
        return None, None  # several processes named: don't pick one
    for obj in objects:
        if (cleaned := _valid_process_text(obj)) is not None:
            return cleaned, None
    if not expecting:
        return None, None
    # The first clause with no answer to another question in it names the process
    # ("KYC refresh reviews. Periodic re-checks of customer files."); a reply that only
    # answers another question ("it's really mechanical, same steps every time") names
    # none: the answer is kept and the process question asked again.
    for start, end in _clauses(body):
        clause = body[start:end]
        lead = len(clause) - len(_PROCESS_LEAD.sub("", clause))
        candidate = _valid_process_text(strip_filler(clause[lead:]), MAX_WORDS_WHEN_ASKED)
        answers_in_it = any(0 <= r.start < end and r.end > start for r in readings)
        if candidate is not None and not answers_in_it:
            return candidate, (start, end)
    return None, None


def _clauses(body: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in re.finditer(r"\s*(?:[,;:.]|\s-\s)\s*", body):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(body)))
    return [(a, b) for a, b in spans if b > a]


def _names(matches: Iterable[ProcessMatch]) -> list[str]:
    return list(dict.fromkeys(m.entry.name for m in matches))


def _outsourced_object(text: str) -> str | None:
    """ "... outsource our warehouse logistics because ..." -> "warehouse logistics"."""
    match = re.search(P.OUTSOURCE_OBJECT, text)
    if not match:
        return None
    words = match.group("object").strip()
    stop = _OBJECT_STOP.search(words)
    words = words[: stop.start()] if stop else words
    return words.strip() or None


def _valid_process_text(text: str, max_words: int = MAX_WORDS_FOR_PROCESS_TEXT) -> str | None:
    cleaned = re.sub(r"^(?:(?:our|my|the|a|an|some|all|of)\s+)+", "", text.strip(" .,!;:\"'"))
    cleaned = re.sub(r"\s+(?:please|thanks|thank you|and|too|as well)$", "", cleaned).strip(" .,!")
    whole = cleaned
    if len(cleaned) > PROCESS_MAX_CHARS:  # a long name is cut at a word, as the form would
        cleaned = _DANGLING.sub("", cleaned[:PROCESS_MAX_CHARS].rsplit(" ", 1)[0])
    if (
        not cleaned
        or "?" in cleaned
        or len(cleaned.split()) > max_words
        or not re.search(r"[a-z]{2,}", cleaned)
        or _NOT_A_PROCESS.fullmatch(cleaned)
        or _NON_ANSWER.fullmatch(strip_filler(cleaned))
        or _NON_ANSWER_ANYWHERE.search(whole)
        or _QUESTION_START.match(cleaned)
    ):
        return None
    return cleaned
