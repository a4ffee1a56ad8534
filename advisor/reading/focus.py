"""The part of a message that says what the user wants, for the intent classifier.

People wrap a question in a story ("We're a 50-person firm. My boss keeps talking
about outsourcing. I have no idea what KPO is. Can you explain?"), open with a
greeting ("hi! quick q — what's kpo?") or write Slack markup ("<@U024BE7LH>
:wave:"). A bag-of-words classifier weighs the story as much as the question,
so the classifier is shown the question: the last question sentence and the
sentence just before it (which often names its subject, as above). Messages
without a question are left whole: they are answers or requests, and every
word may matter. Exact, so rules; the model judges what is left.
"""

from __future__ import annotations

import re

_SLACK_MARKUP = re.compile(r"<[@#!][^>]*>|:[a-z0-9_+'-]+:")
_LINK = re.compile(r"<(https?://[^|>]+)(?:\|([^>]+))?>")
_GREETING = re.compile(
    r"^\s*(?:(?:hi|hey|hello|hiya|yo|howdy|good (?:morning|afternoon|evening)|greetings)"
    r"(?: there| all| team| folks| bot)?\s*[!,.:-]*\s*)?"
    r"(?:(?:quick|short|simple|small|one) (?:q|qn|question)\b\s*[:,.!—–-]*\s*)?",
    re.I,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+|\s+[—–]\s+")
_ASKS = re.compile(
    r"\?\s*$|^(?:what|whats|what's|which|who|why|how|when|where|is|are|can|could|would|"
    r"should|do|does|did|tell me|explain|describe|define|give me|list|show me)\b",
    re.I,
)
MIN_SENTENCES = 3  # one or two sentences are kept whole


def question_focus(text: str) -> str:
    """`text` without markup and greeting, narrowed to its question if it is long. It never
    starts with "/" unless `text` did: Rasa reads a leading "/" as a button payload, and
    "<@U024BE7LH> /faq" is words typed after a mention, not a payload the guard has seen."""
    focus = _narrowed(text)
    if focus.startswith("/") and not text.lstrip().startswith("/"):
        return focus.lstrip("/ ") or text.replace("/", " ").strip()
    return focus


def _narrowed(text: str) -> str:
    cleaned = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    cleaned = re.sub(r"\s+", " ", _SLACK_MARKUP.sub(" ", cleaned)).strip()
    without_greeting = _GREETING.sub("", cleaned, count=1).strip()
    if _ASKS.search(without_greeting):  # "hi! quick q — what's kpo?", not "hi, I'm Sam"
        cleaned = without_greeting
    sentences = [s.strip() for s in _SENTENCE.split(cleaned) if re.search(r"\w", s)]
    if len(sentences) < MIN_SENTENCES:
        return cleaned or text
    asking = [index for index, sentence in enumerate(sentences) if _ASKS.search(sentence)]
    if not asking:
        return cleaned
    last = asking[-1]
    return " ".join(sentences[max(0, last - 1) : last + 1])
