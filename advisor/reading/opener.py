"""Openers with context: "I head finance at a 200-person practice (two offices). We're
weighing up outsourcing our accounts payable — can you help?" starts the assessment.

A message opens an assessment when the writer talks about outsourcing a process of their
own (first person, an outsourcing verb, a process named) and does not ask for something the
source cannot give (a figure, a price, a ranking, a vendor or a job), which is declined.
The structure is exact enough for a rule; which process it is comes from the answer reader.
"""

from __future__ import annotations

import re

from advisor.reading.answer_parser import read_answers
from advisor.reading.text import normalise

# "outsourcing", also as typed in a hurry ("outsorcing", "outsoucing", "out-sourcing").
_OUTSOURCE = r"out-?s(?:ou|uo|o|u)r?c\w*"
_IT = r"(?:it|them|this|that|these|those) "  # "hand that off", "farm those out"
_FIRST_PERSON = re.compile(r"\b(?:we|we're|were|we've|our|ours|us|i|i'm|im|i've|my|me)\b")
_OUTSOURCING = re.compile(
    rf"\b(?:{_OUTSOURCE}|offshor\w*|nearshor\w*|contract(?:ing)? (?:{_IT})?out|"
    rf"farm(?:ing)? (?:{_IT})?out|hand(?:ing)? (?:{_IT})?(?:over|off)|offload\w*|"
    r"third[- ]part(?:y|ies)|"
    r"send(?:ing)? (?:it |them |this |that )?out|"
    r"(?:outside|external) (?:team|firm|provider|vendor|company|partner|agency)|"
    r"(?:a|an) (?:bpo|kpo) (?:provider|vendor|firm|company|partner)|"
    # "give our reservations line to other company", "to a specialist agency"
    r"(?:to|with) (?:an? )?(?:other|another|different|specialist|specialised|specialized) "
    r"(?:company|companies|firm|firms|provider|providers|vendor|vendors|agency|agencies|"
    r"partner)|(?:to|with) an? (?:agency|contractor))\b"
)
# "outsource our accounts payable", "handing our customer emails to an outside team"
_OBJECT = re.compile(
    rf"\b(?:{_OUTSOURCE}|offshor\w*|contract(?:ing)? out|farm(?:ing)? out|"
    r"hand(?:ing)?(?: over| off)?|"
    r"offload\w*|move|moving|send|sending|give|giving)\s+(?:of\s+)?(?:(?:our|my|the|all|some|"
    r"part of)\s+)+(?P<object>[a-z][a-z&/' -]{2,60}?)(?=\s+(?:to|with|for|because|since|so|as|"
    r"and|but|or|in|from|overseas|abroad|offshore)\b|[.,;:!?()]|$)"
)
# Said the other way round: "whether the validation of meter readings might be outsourced",
# "let an outside company answer our phones at night", "get a team abroad to run X".
_PROVIDER = (
    r"(?:an?\s+)?(?:[\w-]+\s+){0,2}(?:company|companies|firm|team|provider|vendor|agency|"
    r"partner|contractor|people|ppl|someone|somebody)"
)
_OTHER_WAY_ROUND = (
    re.compile(
        r"\b(?:whether|if)\s+(?:(?:the|our|my|all|some)\s+)*(?P<object>[a-z][a-z&/' -]{2,80}?)"
        rf"\s+(?:(?:might|could|should|can|would|will|may)\s+)?(?:be|get)\s+(?:{_OUTSOURCE}|"
        r"offshored|handed over|handed off|contracted out|farmed out)\b"
    ),
    re.compile(
        rf"\b(?:let|letting|have|having|get|getting|hire|hiring|pay|paying)\s+{_PROVIDER}"
        r"(?:\s+(?:somewhere|abroad|overseas|offshore|outside|external))?\s+(?:to\s+)?"
        r"(?:answer|do|handle|run|manage|cover|process|take over|look after)\s+"
        r"(?:(?:our|my|the|all|some)\s+)*(?P<object>[a-z][a-z&/' -]{2,60}?)"
        r"(?=\s+(?:for|because|since|so|and|but|or|at|when|while|during)\b|[.,;:!?()]|$)"
    ),
)
# What the source cannot answer: these are declined, not assessed.
_ASKS_FOR_DATA = re.compile(
    r"\b(?:how much|salar\w*|earn\w*|wages?|pay rates?|quotes?|rates? per|"
    # a price asked for ("the pricing?", "prices for a kpo team"), not "our pricing models"
    r"(?:prices?|pricing)(?=\s*(?:[?.!,]|$|(?:for|of|per|on|in|range|list|like|info|details)\b))|"
    r"per hour|hourly|fees?|ballpark|budget for|market size|statistics|stats|ranking|rank|"
    r"(?:costs?|fees?|prices?|pay|earn\w*|charges?|rates?)\b[^.?!]{0,30}\b(?:per|a|each) "
    r"(?:month|year|hour|seat)|typical(?:ly)? costs?|cost per|"
    r"top (?:\d+|one|ones|provider|vendor|company|firm)|"
    r"best (?:\w+ )?(?:vendors?|providers?|companies|firms)|which (?:\w+ )?(?:vendors?|"
    r"providers?|companies|firms)|recommend (?:a |any |some )?(?:\w+ )?(?:vendors?|providers?|"
    r"companies|firms)|by name|names? of|"
    r"(?:land|get|find|apply for|looking for) (?:a )?jobs?|jobs? (?:at|in|with|openings?)|"
    r"vacanc\w*|openings?|careers? (?:at|in)|recruiting for|hiring (?:now|for)|"
    # a CV for a job hunt, not the CVs a recruiter screens
    r"(?:my|your) (?:cv|resume)|(?:cv|resume) (?:for|to get|tips|template|help|advice)|"
    r"(?:write|writing|improve|check) (?:a |my )?(?:cv|resume))\b"
)


def _own_outsourcing(cleaned: str) -> bool:
    """The writer (or a terse writer weighing it up) talks about outsourcing."""
    return bool(
        (_FIRST_PERSON.search(cleaned) or _WEIGHING_UP.search(cleaned))
        and _OUTSOURCING.search(cleaned)
    )


def opener_process(text: str) -> str | None:
    """The process a message proposes to outsource, if it opens an assessment."""
    cleaned = normalise(text)
    if not _own_outsourcing(cleaned):
        return None
    if asks_for_data(text):
        return None
    for pattern in (_OBJECT, *_OTHER_WAY_ROUND):  # what they would outsource, named
        outsourced = pattern.search(cleaned)
        named = outsourced and read_answers(outsourced.group("object"), "process").found
        if named and named.get("process"):
            return named["process"]
    return read_answers(text, None).found.get("process")


# Asking for help deciding: "can you help me figure out if we should outsource something?"
_DECIDING = re.compile(
    r"\b(?:help|advice|advise|decide|decision|figure out|work out|think (?:it |this )?through|"
    r"assess|evaluate|should (?:we|i)|whether|where (?:do|to|should) (?:i|we) (?:start|begin)|"
    r"walk (?:me|us) through|guide (?:me|us)|what (?:do|would) you (?:recommend|suggest)|"
    r"where (?:do|to|should|would) (?:i|we) (?:\w+ )?(?:start|begin)|how (?:does|do|would) "
    r"(?:this|it|that) work)\b"
)


# A terse writer drops the "we": "retail chain, 35 stores. want to see if outsourcing payroll
# makes sense", "thinking about outsourcing some back office stuff".
_WEIGHING_UP = re.compile(
    r"(?:^|[.!?,;:]\s*|\s[-—–]\s)(?:been |just |now |currently )?(?:thinking|considering|want|"
    r"wanting|wanna|looking|planning|weighing|exploring|keen|tempted)\b"
)
# Weighing it up: "we're thinking about handing it off", "we want maybe to give it to an
# outside company" (not "we outsource payroll already").
_CONSIDERING = re.compile(
    r"\b(?:think\w*|consider\w*|want\w*|wanna|plan\w*|looking (?:at|into|to)|weigh\w*|might|"
    r"maybe|perhaps|explor\w*|wonder\w*|tempted|keen|idea|should|could|would|evaluat\w*|"
    # "can that be outsourced?"
    r"can (?:that|this|it|these|those|they|we|i) (?:even |actually |really )?(?:be )?"
    r"(?:outsourc\w*|offshor\w*|hand\w*|sen[dt]\w*|farm\w*|contract\w*))\b"
)


def opens_assessment(text: str) -> bool:
    """Whether a message opens an assessment: a process of the writer's own to outsource,
    or the writer weighing up outsourcing something, or asking for help deciding."""
    cleaned = normalise(text)
    if _ASKS_WHAT_THEY_ARE.search(cleaned):
        return False  # a knowledge question, answered as one
    if opener_process(text) is not None:
        return True
    return bool(
        _own_outsourcing(cleaned)
        and (_DECIDING.search(cleaned) or _CONSIDERING.search(cleaned))
        and not asks_for_data(text)
    )


# A story about outsourcing that asks what BPO and KPO are or how they differ is a knowledge
# question ("our MD keeps saying BPO this KPO that ... what is the actual difference?").
_ASKS_WHAT_THEY_ARE = re.compile(
    r"\b(?:difference|different|differ|distinction|distinguish)\b|"
    r"\bwhat (?:is|are|does|do|'s)\b[^.?!]*\b(?:bpo|kpo|mean|means|stand for)\b|"
    r"\bwhat(?:'s| is) (?:a |an )?(?:bpo|kpo)\b"
)


def intends_to_outsource(text: str) -> bool:
    """Whether the writer says they would outsource something of their own ("we're thinking
    of outsourcing our payroll"), not only asks about a kind of work ("is financial analysis
    (our monthly reporting) something people outsource as kpo?")."""
    cleaned = normalise(text)
    return bool(
        _own_outsourcing(cleaned)
        and (_CONSIDERING.search(cleaned) or _DECIDING.search(cleaned) or _OBJECT.search(cleaned))
    )


# The subject the assistant knows: a request for data about it is declined, not guessed.
_ABOUT_OUTSOURCING = re.compile(
    r"\b(?:bpo|kpo|outsourc\w*|offshor\w*|call cent(?:re|er)s?|contact cent(?:re|er)s?|"
    r"vendors?|providers?)\b"
)


# Context the writer gives about themselves is not what they ask: "(sixty fee earners)",
# "retail chain, 900 hourly staff." A sentence asks when it is a question, starts with a
# request, or is the message's last.
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_SENTENCES = re.compile(r"(?<=[.?!;])\s+|\s+[-—–]\s+")
_REQUEST_START = re.compile(
    r"^(?:how|what|whats|what's|which|who|where|when|can|could|would|will|do|does|is|are|any|"
    r"tell|give|list|name|recommend|show|send|need|i need|i'd like|id like|looking for|please)\b"
)


def _asking_sentences(cleaned: str) -> list[str]:
    sentences = [s.strip() for s in _SENTENCES.split(_BRACKETED.sub(" ", cleaned)) if s.strip()]
    return [
        sentence
        for index, sentence in enumerate(sentences)
        if "?" in sentence or _REQUEST_START.match(sentence) or index == len(sentences) - 1
    ]


def asks_for_data(text: str) -> bool:
    """Whether a message about outsourcing asks for a figure, a price, a ranking, a vendor or
    a job: things the source cannot give, which the assistant declines."""
    cleaned = normalise(text)
    return bool(
        _ABOUT_OUTSOURCING.search(cleaned)
        and any(_ASKS_FOR_DATA.search(sentence) for sentence in _asking_sentences(cleaned))
    )
