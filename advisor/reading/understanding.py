"""Decide what an answer to an assessment question means: rules first, then
the learned model's guesses, and how sure we are.

`understand(text, expected, guesses)` returns an `Understanding`:
- `answers`: values taken as given (the rules' readings, confident guesses);
- `confirm`: the open question's probable value, to confirm ("Sounds like
  *critical, but not unique* — right?");
- `choose`: two or more values the message names for the open question, to
  choose from ("Which matters most: cutting costs or a flexible workforce?");
- `assumed`: the open question's stated default, after "not sure".
"Didn't catch that" is left for messages where none of these applies.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from advisor.answers import Complexity, Core, Goal, Qualifications, Sensitivity, Slot
from advisor.reading import answer_patterns as P
from advisor.reading.answer_parser import RuleReading, read_answers
from advisor.reading.text import normalise

# How sure the model must be (its best clause's probability for the value):
ACCEPT = 0.80  # take it as given
CONFIRM = 0.40  # ask "Sounds like X — right?"
# The model's P(value) with which it agrees with the rules' reading of a question that is not
# open (taken, and said back: "I also noted").
AGREE = 0.5
# In a message answering several questions, the model alone is taken this sure.
OTHER_SLOT = 0.90
# With no question open (the message that starts the assessment, where people state several
# answers at once), a little less: every answer in it is said back before any question.
OPENER_OTHER_SLOT = 0.80
CLOSE = 0.15  # two values this close are a choice, not a guess
# Next to answers to other questions, a reading of the open question below NOISE
# is dropped ("pretty routine" to the core question: P(core) 0.08), and one below
# FAINT is put to the user rather than taken ("nothing sensitive, public data
# mostly" to it: P(supporting) 0.21; "no experience needed, we show them the
# ropes" to the qualifications question: P(basic) ~0.2).
NOISE = 0.15
FAINT = 0.3
CONTEXTUAL = 0.6  # strength of a reply that only answers because of the question ("yes")

# "Not sure" takes a stated middle-of-the-road default (listed as an assumption).
# Goal: cost, because cutting costs is the first reason the source gives.
DEFAULTS: dict[str, str] = {
    Slot.CORE.value: Core.IMPORTANT.value,
    Slot.COMPLEXITY.value: Complexity.MIXED.value,
    Slot.QUALIFICATIONS.value: Qualifications.TECHNICAL.value,
    Slot.SENSITIVITY.value: Sensitivity.MEDIUM.value,
    Slot.GOAL.value: Goal.COST.value,
}
_UNSURE = re.compile(
    r"\b(?:not (?:really |quite |entirely |too |so |that |totally |100% )?(?:sure|certain)|unsure|"
    r"no idea|no clue|dunno|tough one|hard to tell|difficult to say|"
    r"idk|(?:do not|don't|dont|do nt) (?:really )?know|hard to say|can't say|"
    r"cannot say|couldn't (?:say|tell)|no (?:real )?opinion|beats me|good question|"
    r"who knows(?=\s*(?:[?.!,]|$))|"
    r"haven't (?:a|the faintest) (?:clue|idea)|not something i know|i'm not the right person|"
    r"(?:can't|cannot|couldn't) really (?:say|tell)|(?:i'd|i would|we'd|we would|i'll|we'll) "
    r"(?:have|need) to (?:check|ask)|"
    r"(?:haven't|have not|never) (?:really )?thought about (?:it|that)|"
    r"no (?:real )?idea|not a clue|depends who you ask)\b"
)
_FILLERS = {
    "tbh",
    "honestly",
    "hmm",
    "um",
    "uh",
    "erm",
    "well",
    "i",
    "i'm",
    "im",
    "really",
    "to",
    "be",
    "sorry",
    "lol",
    "haha",
    "so",
    "yet",
    "atm",
    "right",
    "now",
    "at",
    "the",
    "moment",
}
_MAIN_GOAL = re.compile(r"\b(?:" + P.MAIN_MARKERS + r")\b")
# A question whose values have no safe summary asks the user to choose.
_CHOOSE_SLOTS = {Slot.CORE.value, Slot.GOAL.value}
# Slots whose values are steps of one scale: when the model's best reading agrees
# with the rules, a clause read one step off ("it's important for us, but our
# competitors all do the same") is nuance, not a second answer to choose from.
_SCALE_SLOTS = {Slot.CORE.value, Slot.QUALIFICATIONS.value, Slot.SENSITIVITY.value}

# slot -> [(value, P(value | answers the slot), P(value))] from AnswerModel.guess
Guesses = Mapping[str, Sequence[Sequence[object]]]


@dataclass(frozen=True)
class Understanding:
    answers: dict[str, str] = field(default_factory=dict)
    confirm: tuple[str, str] | None = None  # (slot, value)
    choose: tuple[str, tuple[str, ...]] | None = None  # (slot, values)
    assumed: tuple[str, str] | None = None  # (slot, default value)
    # How plainly the text answers the open question: 1 when the rules read it,
    # else the model's P(value) (not given that it answers): a question about the
    # topic ("what are the risks?") may be read as a value, but only weakly.
    strength: float = 0.0

    def values(self, slot: str) -> tuple[str, ...]:
        """The values this reading takes, proposes or offers for `slot`."""
        if slot in self.answers:
            return (self.answers[slot],)
        if self.confirm and self.confirm[0] == slot:
            return (self.confirm[1],)
        if self.choose and self.choose[0] == slot:
            return self.choose[1]
        return ()

    def says_something(self) -> bool:
        return bool(self.answers or self.confirm or self.choose or self.assumed)


def understand(
    text: str,
    expected: str | None = None,
    guesses: Guesses | None = None,
    in_assessment: bool = False,
) -> Understanding:
    """What `text` says, with `expected` the open question's slot (or None).

    The model's sure readings of other questions are taken only inside the
    assessment (`expected` set, or `in_assessment` for the message that starts
    it); elsewhere a question about, say, sensitive data is not an answer."""
    if expected in DEFAULTS and only_unsure(text):  # before the rules read "no idea" as "no"
        default = DEFAULTS[expected]
        return Understanding({expected: default}, assumed=(expected, default), strength=1.0)
    rules = read_answers(text, expected)
    understood = _decide(text, expected, guesses or {}, rules, in_assessment)
    if expected is None or not understood.says_something():
        return understood
    if understood.assumed:
        return replace(understood, strength=1.0)
    plain = dict(_ranking(guesses.get(expected, []) if guesses else [], given_answer=False))
    values = understood.values(expected)  # empty when only other questions were answered
    strength = max((plain.get(v, 0.0) for v in values), default=0.0)
    if expected in rules.found or expected in rules.conflicts:
        # Words that mean the value anywhere ("routine") are plain; a reply that only
        # means it because of the question ("yes", "high") is weaker.
        out_of_context = read_answers(text, None)
        plain_words = expected in out_of_context.found or expected in out_of_context.conflicts
        strength = max(strength, 1.0 if plain_words else CONTEXTUAL)
    return replace(understood, strength=strength)


def _decide(
    text: str, expected: str | None, guesses: Guesses, rules: RuleReading, in_assessment: bool
) -> Understanding:
    answers = dict(rules.found)
    own = (expected, Slot.PROCESS.value)
    # A message the rules read as answering two or more other questions answers several at
    # once, on purpose: its sure model readings count too.
    several = expected is not None and sum(slot not in own for slot in answers) >= 2
    if expected is not None and guesses and not several:
        # In a reply to the open question, another question's answer is kept only where the
        # rules and the model agree on it. Either alone stored a value for another question
        # in 14 of 175 hold-out replies that answer one question ("mistakes cost us money",
        # to the core question, read as the goal "cost"), and it was never asked; agreeing,
        # in 3. In messages that answer several questions (tests/answers and the blind sets'),
        # 66 of 96 other answers are read (1 wrong) instead of 77 (4 wrong): what is dropped
        # is asked in turn.
        answers = {
            slot: value
            for slot, value in answers.items()
            if slot in own or _model_agrees(guesses, slot, value)
        }
    elif expected is not None or in_assessment:
        for slot, values in guesses.items():
            ranking = _ranking(values, given_answer=False)
            threshold = OTHER_SLOT if expected is not None else OPENER_OTHER_SLOT
            if slot != expected and slot not in answers and _sure(ranking, threshold):
                answers[slot] = ranking[0][0]
    if expected is None or expected == Slot.PROCESS.value:
        return Understanding(answers)

    ranking = _ranking(guesses.get(expected, []), given_answer=True)
    mixed = _routine_and_expert(expected, ranking)
    if mixed is not None:  # one clause routine, another expert: that is what "mixed" means
        return Understanding({**answers, expected: mixed})
    if expected in rules.led:  # "Moderate. <why>": the answer given up front
        return Understanding(answers)
    if expected in answers:
        rival = _confident_rival(expected, ranking, answers[expected], text)
        if rival is not None:  # the rules and a sure model disagree: let the user say
            value = answers.pop(expected)
            both_ends = _both_ends(expected, (value, rival))
            if both_ends is not None:  # surely routine in part and surely expert in part
                return Understanding({**answers, expected: both_ends})
            return Understanding(answers, choose=(expected, (value, rival)))
        return Understanding(answers)
    if expected in rules.conflicts:
        candidates = rules.conflicts[expected]
        if _sure(ranking, ACCEPT) and ranking[0][0] in candidates:
            return Understanding({**answers, expected: ranking[0][0]})
        if expected in _CHOOSE_SLOTS:
            return Understanding(answers, choose=(expected, candidates[:2]))
    if _UNSURE.search(normalise(text)) and not answers:
        default = DEFAULTS[expected]
        return Understanding({expected: default}, assumed=(expected, default))
    values = guesses.get(expected, [])
    if answers and not _plainly_about(values, ranking, NOISE):
        # It answered other questions ("pretty routine" to the core question): say
        # so and ask again, rather than put a reading of this one to the user.
        return Understanding(answers)
    understood = _from_model(answers, expected, ranking, text)
    if answers and expected in understood.answers and not _plainly_about(values, ranking, FAINT):
        value = understood.answers[expected]
        return Understanding(answers, confirm=(expected, value))
    return understood


def _model_agrees(guesses: Guesses, slot: str, value: str) -> bool:
    """Whether the answer model, too, reads `value` for `slot` (P(value) at least AGREE)."""
    return dict(_ranking(guesses.get(slot, []), given_answer=False)).get(value, 0.0) >= AGREE


def _plainly_about(
    values: Sequence[Sequence[object]], ranking: list[tuple[str, float]], threshold: float
) -> bool:
    """Whether the model's best value for the open question has some weight on its
    own (P(value) at least `threshold`), not only once "it answers this" is assumed."""
    if not ranking:
        return False
    plain = dict(_ranking(values, given_answer=False))
    return plain.get(ranking[0][0], 0.0) >= threshold


# After "not sure", words that commit to a value anyway: "not sure, probably medium".
_COMMITS = re.compile(
    r"\b(?:probably|i'd say|id say|i would say|i guess|i think|i'd go with|go with|likely|"
    r"call it|let's say|lets say|say|maybe|perhaps|mostly|but|though|tho)\b"
)


def hedges(text: str) -> bool:
    """ "Hmm, I'm genuinely unsure. The papers are all public.": saying you don't know,
    and not then committing to a value ("not sure, probably medium" commits)."""
    cleaned = normalise(text)
    unsure = _UNSURE.search(cleaned)
    return unsure is not None and not _COMMITS.search(cleaned, unsure.end())


def only_unsure(text: str) -> bool:
    """ "no idea tbh", "hmm not sure": saying you don't know, and little else."""
    cleaned = normalise(text)
    rest = _UNSURE.sub(" ", cleaned)
    words = [w for w in re.findall(r"[a-z']+", rest) if w not in _FILLERS]
    return rest != cleaned and len(words) <= 2


def _from_model(
    answers: dict[str, str], expected: str, ranking: list[tuple[str, float]], text: str
) -> Understanding:
    if not ranking:
        return Understanding(answers)
    (value, confidence) = ranking[0]
    runner_up = ranking[1] if len(ranking) > 1 else None
    two_answers = expected in _CHOOSE_SLOTS and runner_up is not None and runner_up[1] >= ACCEPT
    if (
        runner_up is not None and two_answers and not _MAIN_GOAL.search(normalise(text))
    ):  # "mainly X" already chose
        return Understanding(answers, choose=(expected, (value, runner_up[0])))
    if _sure(ranking, ACCEPT):
        return Understanding({**answers, expected: value})
    if runner_up and runner_up[1] >= CONFIRM and confidence - runner_up[1] < CLOSE:
        both_ends = _both_ends(expected, (value, runner_up[0]))
        if both_ends is not None:  # as likely routine as expert: propose "mixed"
            return Understanding(answers, confirm=(expected, both_ends))
        return Understanding(answers, choose=(expected, (value, runner_up[0])))
    if confidence >= CONFIRM:
        return Understanding(answers, confirm=(expected, value))
    return Understanding(answers)


def _ranking(values: Sequence[Sequence[object]], given_answer: bool) -> list[tuple[str, float]]:
    """(value, confidence) best first: P(value | answers the slot) for the open
    question, P(value) for the others."""
    column = 1 if given_answer else 2
    pairs = [
        (str(guess[0]), float(guess[column]))  # type: ignore[arg-type]
        for guess in values
        if len(guess) == 3
    ]
    return sorted(pairs, key=lambda pair: -pair[1])


def _routine_and_expert(expected: str, ranking: list[tuple[str, float]]) -> str | None:
    """The complexity conflict rule (as in the cue rules), for the model's reading:
    parts of the message surely routine and surely expert make the work mixed."""
    return _both_ends(expected, [value for value, confidence in ranking if confidence >= ACCEPT])


def _both_ends(expected: str, values: Sequence[str]) -> str | None:
    """ "mixed" when the readings of the complexity question include both its ends:
    a choice between "routine" and "expert" would miss the answer in between."""
    ends = {Complexity.ROUTINE.value, Complexity.EXPERT.value}
    if expected == Slot.COMPLEXITY.value and ends <= set(values):
        return Complexity.MIXED.value
    return None


def _sure(ranking: list[tuple[str, float]], threshold: float) -> bool:
    if not ranking or ranking[0][1] < threshold:
        return False
    return len(ranking) == 1 or ranking[0][1] - ranking[1][1] >= CLOSE


def _confident_rival(
    slot: str, ranking: list[tuple[str, float]], value: str, text: str
) -> str | None:
    """Another value the model is sure a clause means, when the rules read only
    one ("cutting costs and covering seasonal peaks", or a "routine, but the
    exceptions need judgement" the rules took for routine)."""
    if _MAIN_GOAL.search(normalise(text)):  # "mainly X" already chose
        return None
    if slot in _SCALE_SLOTS and ranking and ranking[0][0] == value:
        return None
    rivals = [other for other, confidence in ranking if other != value and confidence >= ACCEPT]
    return rivals[0] if rivals else None


# A model reading of the open question weaker than this is no reading at all.
WEAKEST_READING = 0.2


def best_reading(understood: Understanding, slot: str, guesses: Guesses | None) -> str | None:
    """The value a reply most likely means for `slot`, however unsure: what it proposes
    or offers first, else the model's best guess if it has some weight."""
    values = understood.values(slot)
    if values:
        return values[0]
    ranking = _ranking((guesses or {}).get(slot, []), given_answer=True)
    if ranking and ranking[0][1] >= WEAKEST_READING:
        return ranking[0][0]
    return None
