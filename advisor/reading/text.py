"""Text clean-up shared by the process matcher and the answer parser.

Pure string functions (no spaCy) so they are cheap and easy to test.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Set as AbstractSet
from functools import lru_cache

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "`": "'"})

# Typo correction is deliberately conservative: only longer words, only close to a
# known target word, same first letter (people rarely mistype that one).
MIN_TYPO_LENGTH = 5
TYPO_CUTOFF = 0.88


def light_clean(text: str) -> str:
    """Lowercase, straight quotes, single spaces: how free text is stored."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    return re.sub(r"\s+", " ", text).strip()


def normalise(text: str) -> str:
    """`light_clean` plus the spelling variants our patterns expect.

    Hyphens and slashes between words become spaces ("customer-support",
    "back-office", "non-core"), dashes become commas (clause breaks), and
    "R & D" / "R and D" becomes "r&d".
    """
    text = light_clean(text)
    text = re.sub(r"\s*[\u2013\u2014]\s*|\s+-+\s+", ", ", text)
    text = re.sub(r"(?<=\w)[-/\u2010\u2011](?=\w)", " ", text)
    text = re.sub(r"\br\s*(?:&|and|n)\s*d\b", "r&d", text)
    text = re.sub(r"\bf\s*&\s*a\b", "f&a", text)
    text = re.sub(r"\bm\s*&\s*a\b", "m&a", text)
    # "anything but routine", "far from sensitive": plain negations ("but" would
    # otherwise end the clause and hide the "not").
    text = re.sub(r"\b(?:anything but|far from|by no means|in no way)\b", "not", text)
    text = re.sub(r"\b(\w+)n t\b", r"\1n't", text)  # "isn t" after a stray hyphen/space
    return re.sub(r"\s+", " ", text).strip()


def correct_typos(text: str, targets: frozenset[str], known: AbstractSet[str]) -> str:
    """Replace misspelt words ("routin", "sensative", "confidental") by the
    closest target word. Words that are targets or otherwise known are kept."""

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        if word in targets or word in known:
            return word
        return _closest(word, targets) or word

    return re.sub(rf"[a-z]{{{MIN_TYPO_LENGTH},}}", fix, text)


@lru_cache(maxsize=4096)
def _closest(word: str, targets: frozenset[str]) -> str | None:
    candidates = [t for t in targets if t[0] == word[0] and abs(len(t) - len(word)) <= 2]
    found = difflib.get_close_matches(word, candidates, n=1, cutoff=TYPO_CUTOFF)
    return found[0] if found else None
