"""Find catalogue processes in (normalised) text with spaCy PhraseMatchers.

Most synonyms match on LEMMA, so "call centres", "investment researches" or
"our Books" (after lowercasing) match their base-form synonyms. A few match on
the exact lowercase form instead, because their lemma is too broad: single
words the lemmatizer shortens ("accounting" -> "account", "staffing" -> "staff")
and phrases with "it" ("IT support" must not match "it supports").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from advisor.process_catalogue import CATALOGUE, ProcessEntry
from advisor.reading.nlp import get_nlp

if TYPE_CHECKING:
    from spacy.matcher import PhraseMatcher


@dataclass(frozen=True)
class ProcessMatch:
    entry: ProcessEntry
    start: int  # character offsets in the text searched
    end: int
    weak: bool  # an ambiguous synonym: only trust it where a process is expected


@lru_cache(maxsize=1)
def _matchers() -> tuple[PhraseMatcher, PhraseMatcher]:
    from spacy.matcher import PhraseMatcher

    nlp = get_nlp()
    by_lemma = PhraseMatcher(nlp.vocab, attr="LEMMA")
    by_form = PhraseMatcher(nlp.vocab, attr="LOWER")
    for index, entry in enumerate(CATALOGUE):
        for weak, phrases in ((False, (entry.name, *entry.synonyms)), (True, entry.weak)):
            key = f"{index}|{int(weak)}"
            for doc in nlp.pipe(phrases):
                exact = any(t.lower_ == "it" for t in doc) or (
                    len(doc) == 1 and doc[0].lemma_ != doc[0].lower_
                )
                (by_form if exact else by_lemma).add(key, [doc])
    return by_lemma, by_form


def find_processes(text: str) -> list[ProcessMatch]:
    """Non-overlapping catalogue matches in `text` (expected lowercased, as
    produced by `text.normalise`), longest first, then in text order."""
    from spacy.util import filter_spans

    nlp = get_nlp()
    doc = nlp(text)
    spans = []
    for matcher in _matchers():
        for match_id, start, end in matcher(doc):
            spans.append(doc[start:end])
            spans[-1].label_ = nlp.vocab.strings[match_id]
    matches = []
    for span in sorted(filter_spans(spans), key=lambda s: s.start):
        index, weak = span.label_.split("|")
        matches.append(
            ProcessMatch(CATALOGUE[int(index)], span.start_char, span.end_char, weak == "1")
        )
    return matches
