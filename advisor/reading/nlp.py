"""The one spaCy pipeline the advisor uses: a blank English tokenizer with the
lookup lemmatizer from spacy-lookups-data. Built offline, loaded once, lazily
(importing `advisor` stays cheap; the first parse pays ~2 s).
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # spaCy is imported on first use only
    from spacy.language import Language


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the lemma table from spacy-lookups-data, no download
    return nlp


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Ordinary English words, so the typo fixer leaves "confident" or "routing"
    alone: stop words, the base words of the lemma index (nouns, verbs,
    adjectives, adverbs) and every form in the lemma lookup table. Read from
    spacy-lookups-data's files (~0.2 s, once)."""
    import spacy_lookups_data
    from spacy.lang.en.stop_words import STOP_WORDS

    words: set[str] = set(STOP_WORDS)
    with gzip.open(spacy_lookups_data.get_file("en_lemma_index.json.gz")) as index:
        for base_words in json.load(index).values():
            words.update(base_words)
    with gzip.open(spacy_lookups_data.get_file("en_lemma_lookup.json.gz")) as lookup:
        for form, lemma in json.load(lookup).items():
            words.update((form, lemma))
    return frozenset(words)


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)
