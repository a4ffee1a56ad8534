"""Answer "Is X BPO or KPO?": the model a process typically goes to, and why.

A process the catalogue knows gets its typical model and the catalogue's reason; any
other process is judged from what its name says about the work, read as an answer to the
complexity and qualifications questions would be (the same split the scoring uses:
complexity and qualifications decide BPO vs KPO). The reply names the process in the
user's own words, says where the judgement comes from, and offers the assessment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from advisor.process_catalogue import ProcessEntry
from advisor.reading.answer_parser import read_answers
from advisor.reading.process_matcher import find_processes
from advisor.reading.text import normalise
from advisor.reading.understanding import Guesses
from advisor.reading.work_kind import typical_model
from advisor.sourcing import Model

# "is <X> bpo or kpo", "would <X> count as kpo", "what about <X>", "<X>: bpo or kpo?"
_ASKED_PROCESS = re.compile(
    r"(?:^|\b)(?:is|are|would|does|do|what about|how about|and|where does|where do|"
    r"which is|which one is)\s+(?:outsourcing |offshoring )?(?:an? |the |our |my )?"
    r"(?P<process>[a-z][a-z &/'-]{2,60}?)"
    r"\s*(?:\b(?:count|counts|fall|falls|go|goes|be|considered|classed|typically|usually|"
    r"normally)\b.*)?(?:\s+(?:a |an )?(?:bpo|kpo)\b.*|\?|$)"
)
_MODEL_WORDS = re.compile(r"\b(?:bpo|kpo|or|then|tho|though|sorry|quick q|either)\b")
_SOURCE_REASON = {
    Model.BPO: "BPO suits routine, rule-based work that can be written down as procedures",
    Model.KPO: "KPO suits knowledge work that needs expert judgement, analysis and "
    "specialised qualifications",
}


# "should we go with bpo or kpo for our legal research": a decision of their own, assessed.
_CHOOSING = re.compile(
    r"\b(?:should (?:we|i)|do (?:we|i) need|(?:right|better|best) for|for (?:us|me)\b|"
    r"for (?:my|our) (?:company|firm|business|organi[sz]ation|situation|case|team)|"
    r"recommend|decide|deside|advise|pick|choose|go with|go for|candidate)\b"
)
# A tag asking to confirm a guess: "..., right?", "..., isn't it?"
_CONFIRMING = r"(?:right|correct|yeah|yes|no|surely|innit|isn'?t it|is it|am i right)"
# The question's form: which model a named kind of work is ("is X bpo or kpo", "would X
# count as kpo", "X: bpo or kpo?", "does X fall under bpo").
_MODEL = r"(?:bpo|kpo|business process outsourcing|knowledge process outsourcing)"
_ASKS_WHICH_MODEL = re.compile(
    rf"\b(?:bpo or kpo|kpo or bpo|bpo/kpo|kpo/bpo|bpo vs\.? kpo|kpo vs\.? bpo)\b|"
    rf"\b(?:count(?:s|ed)? as|considered|classed as|classified as|fall(?:s)? (?:under|into)|"
    rf"go(?:es)? under|belong(?:s)? (?:to|under|in)|an? {_MODEL} (?:thing|job|task|process|"
    rf"service|function))\s*(?:an? )?{_MODEL}?\b|"
    rf"^(?:so |and |but |wait,? |sorry,? |quick q,? )?(?:is|are|would|wouldn't|isn't)\b.*\b"
    rf"{_MODEL}\s*[?.!]*\s*(?:tho|though|then|sorry)?[?.!]*$|"
    # a guess to confirm: "that's bpo right?", "call centre = bpo right", "X - kpo?"
    rf"(?:\b(?:that'?s|thats|it'?s|its|that is|it is|this is)|[:=,]|\s-|^)\s*(?:an? )?{_MODEL}"
    rf"\s*,?\s*(?:{_CONFIRMING}\b\s*\??|\?)\s*$"
)
# A sentence that is only a guess to confirm ("kpo?"): the work is in the sentence before.
_BARE_GUESS = re.compile(rf"^(?:an? )?{_MODEL}\s*,?\s*(?:{_CONFIRMING}\b)?\s*\?*\s*$")
_LEAD = r"^(?:(?:so|and|but|wait|sorry|quick q|hmm|ok|also|btw)[,:]?\s+)*"
_WORK = r"(?:outsourcing |offshoring )?(?:an? |the |our |my )?(?P<process>[a-z][a-z &/'-]{2,40}?)"
_ASKED = r"(?:an? )?(?:bpo|kpo)(?: or (?:bpo|kpo))?(?: work| then| tho| though)?\s*[?.!]*$"
_PLAIN_FORMS = (
    re.compile(
        rf"{_LEAD}(?:is|are|isn't|would|wouldn't) {_WORK} (?:be )?(?:considered |counted as |"
        rf"count as |classed as |classified as )?{_ASKED}"
    ),
    re.compile(
        rf"{_LEAD}(?:does|do|would) {_WORK} (?:fall|go|come|belong) (?:under|into|in|to) {_ASKED}"
    ),
    re.compile(rf"{_LEAD}(?:bpo or kpo|kpo or bpo)\s*[:,-]\s*{_WORK}\s*[?.!]*$"),
    re.compile(rf"{_LEAD}{_WORK}\s*[:,-]?\s*(?:bpo or kpo|kpo or bpo)\s*[?.!]*$"),
    re.compile(
        rf"{_LEAD}{_WORK}\s*(?:[:=,-]|,? (?:that'?s|thats|it'?s|its))\s*(?:an? )?(?:bpo|kpo)"
        rf"\s*,?\s*(?:{_CONFIRMING}\b\s*\??|\?)\s*$"
    ),
)
# Sentences, and a question after a lead-in ("sorry before i answer that, would X ...").
_SENTENCE_BREAK = re.compile(
    r"(?<=[.?!])\s+|\s+[-—–]\s+|"
    r",\s+(?=(?:is|are|would|does|do|isn't|wouldn't|(?:this|that) (?:is|would))\b)"
)
_LIKE = re.compile(r"^(?:something|stuff|things|work|anything) like\s+")
_A_MODEL = re.compile(rf"^(?:an? )?{_MODEL}\b")
# Words that make "is bpo better than kpo" a comparison, not a kind of work.
_NOT_WORK = re.compile(
    r"\b(?:than|better|worse|riskier|safer|cheaper|more|less|same|different|just|really|"
    r"kind of|type of|it|this|that|there|between|which|what|who|how|why|winner|edge|"
    r"required|needed|education|degree|salary|job|other|one|ones|these|those|them|they|"
    r"examples?|details?|detail|else|in-house|in house|inhouse)\b"
)


# "would that count as kpo?": the work was named in an earlier sentence.
_POINTS_BACK = re.compile(r"\b(?:that|this|it|those|these)\b")
_MAX_WORDS_POINTED_AT = 7
# The work in the sentence pointed back at, without what surrounds its name: a lead-in
# ("scusi, one question:", "by the way we also do"), brackets, and a trailing "for ..." /
# "with ..." ("reliability analysis of component failure trends for a couple of operators").
_AFTER_LAST_COLON = re.compile(r"^.*:\s*")
_BRACKETS = re.compile(r"\s*\([^)]*\)")
_WORK_LEAD_IN = re.compile(
    r"^(?:(?:by the way|btw|also|and|so|then|plus|oh|ok|we|i|they|(?:do|does|have|has|run|"
    r"handle|manage|offer|provide)(?: also)?|the|an?|our|my|some)\b[\s,]*)+"
)
_TRAILING_DETAIL = re.compile(
    r"\s+(?:for|with|at|on|to|from|because|since|which|who|where|when|as|like|so)\b.*$"
)


def asks_which_model(text: str) -> str | None:
    """The process a question asks the model of ("is payroll bpo or kpo?" -> "payroll"), or
    None. The question's form is exact, so a rule: a catalogue process named in a sentence
    that asks which model, or a short kind of work in one of the plain forms ("is X bpo or
    kpo?", "does X fall under kpo?", "bpo or kpo: X?")."""
    cleaned = normalise(text)
    if not re.search(rf"\b{_MODEL}\b", cleaned):
        return None
    # About a process of the writer's own too ("we're thinking of outsourcing our payroll,
    # bpo or kpo?"): the question asked is answered, and the reply offers the assessment.
    # Asking which to choose for themselves is the assessment's question, though.
    if _CHOOSING.search(cleaned):
        return None
    sentences = [part for part in _SENTENCE_BREAK.split(cleaned) if part]
    for index in reversed(range(len(sentences))):
        sentence = sentences[index]
        if not _ASKS_WHICH_MODEL.search(sentence):
            continue
        named = [m for m in find_processes(sentence) if not m.weak]
        if named:
            return sentence[named[0].start : named[0].end]
        # "... medical transcription. would that count as bpo?", "contract review - kpo?"
        if _POINTS_BACK.search(sentence) or _BARE_GUESS.match(sentence):
            before = " ".join(sentences[:index])
            earlier = [m for m in find_processes(before) if not m.weak]
            if earlier:
                return before[earlier[-1].start : earlier[-1].end]
            named_before = _work_pointed_at(sentences[index - 1]) if index else ""
            if 0 < len(named_before.split()) <= _MAX_WORDS_POINTED_AT and not _NOT_WORK.search(
                named_before
            ):  # "side question. credit risk analysis - would that be bpo or kpo?"
                return named_before
        for form in _PLAIN_FORMS:
            found = form.match(sentence)
            process = _LIKE.sub("", found.group("process")) if found else ""
            if found and not _NOT_WORK.search(process) and not _A_MODEL.match(process):
                return process.strip()
    return None


def _work_pointed_at(sentence: str) -> str:
    """The name of the work in a sentence a question points back at, or the sentence."""
    work = _BRACKETS.sub("", _AFTER_LAST_COLON.sub("", sentence.strip(" .,;-")))
    work = _TRAILING_DETAIL.sub("", _WORK_LEAD_IN.sub("", work))
    return work.strip(" .,:;-")


@dataclass(frozen=True)
class ProcessModel:
    process: str  # in the user's words
    model: Model | None  # None: the name says too little to tell
    entry: ProcessEntry | None  # the catalogue entry it matched, if any

    def reply(self) -> str:
        name = f"*{self.process}*"
        if self.model is None:
            return (
                f"Whether {name} is BPO or KPO depends on the work: "
                f"{_SOURCE_REASON[Model.BPO]}; {_SOURCE_REASON[Model.KPO]}. "
                "Its name alone doesn't tell me which it is; an assessment would."
            )
        model = self.model.short_name
        reason = _SOURCE_REASON[self.model]
        if self.entry is not None:
            matched = (
                "" if self.entry.name == self.process else f" (I read it as {self.entry.name})"
            )
            because = self.entry.note or reason
            return f"{name}{matched} is typically **{model}**: {because}. In general, {reason}."
        return (
            f"{name} is typically **{model}**, going by what the name says about the work: "
            f"{reason}. Your own case may differ."
        )


def _asked_work(cleaned: str) -> str | None:
    """The kind of work a question names in its words ("what about translation?"), for a
    process the catalogue does not know; `cleaned` is `normalise`d."""
    found = _ASKED_PROCESS.search(cleaned)
    if not found:
        return None
    process = _LIKE.sub("", _MODEL_WORDS.sub(" ", found.group("process")).strip())
    process = re.sub(r"^\s*like\s+", "", process)
    process = re.sub(r"\s+", " ", process).strip(" ,.-")
    if not process or _NOT_WORK.search(process) or _A_MODEL.match(process):
        return None  # "and the other one?", "what about that?", "and kpo?"
    return process


def process_model(text: str, guesses: Guesses | None = None) -> ProcessModel | None:
    """Which model the process named in `text` typically goes to, or None when the text
    names no process. `guesses` (the answer model's, for the whole message) judge a
    process the catalogue and the rules don't know."""
    cleaned = normalise(text)
    found = find_processes(cleaned)  # one spaCy pass
    matches = [m for m in found if not m.weak] or found
    if matches:
        match = matches[0]
        return ProcessModel(cleaned[match.start : match.end], match.entry.typical, match.entry)
    process = _asked_work(cleaned) or asks_which_model(text)
    if process is None:
        return None
    return ProcessModel(process, _model_from_the_work(process, guesses or {}), None)


# How much likelier one end of the complexity scale must be than the other.
_CLEAR_LEAD = 0.2


def _model_from_the_work(process: str, guesses: Guesses) -> Model | None:
    """BPO or KPO from what the process's name says about complexity and qualifications:
    the exact rules first, then the model learned from the catalogue's names, else the
    answer model's reading of the complexity."""
    found = read_answers(process, None).found
    if not found:
        learned = typical_model(process)
        if learned is not None:
            return learned
        complexity = {
            str(g[0]): float(str(g[2])) for g in guesses.get("complexity", []) if len(g) == 3
        }
        routine, expert = complexity.get("routine", 0.0), complexity.get("expert", 0.0)
        if abs(routine - expert) >= _CLEAR_LEAD:
            return Model.BPO if routine > expert else Model.KPO
        return None
    expert = found.get("complexity") == "expert" or found.get("qualifications") == "professional"
    routine = found.get("complexity") == "routine" or found.get("qualifications") == "basic"
    if expert and not routine:
        return Model.KPO
    if routine and not expert:
        return Model.BPO
    return None
