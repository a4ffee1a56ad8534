"""Plain-text messages about a recommendation, for every channel (web, Slack).

Markdown-light on purpose: only **bold** and "- " bullets, which both channels
render. Short sentences; numbers only in the detailed "why".
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from advisor.answers import SLOT_ORDER, Answers, Slot
from advisor.checklist import NOT_FROM_SOURCE_NOTE, ChecklistItem, checklist_sections
from advisor.questions import QUESTIONS, SLOT_NAMES, describe, value_name
from advisor.scoring import (
    Certainty,
    Contribution,
    HeldBack,
    HybridSplit,
    Recommendation,
    against,
    score,
    winner_with_gap_flipped,
)
from advisor.sourcing import MODELS, Model
from advisor.weights import capability_gap, distinctive
from advisor.what_would_change import (
    CLOSED_SLOTS,
    VERDICTS,
    WhatWouldChange,
    what_would_change,
)

# The source's conclusion, in every final answer.
NO_SUPERIOR_OPTION = (
    'Remember: there\'s no definite "superior" option. Which model suits you depends '
    "entirely on your company's needs and situation."
)
# The capability gap is never asked, so it is stated as an assumption whenever
# it decides keep vs outsource: for work that sets the firm apart. The "if ..."
# half is said only when it is true: the engine re-scores with the assumption
# flipped (scoring.winner_with_gap_flipped).
GAP_ASSUMED = "you couldn't readily hire or build this expertise yourself (you said you lack it)"
NO_GAP_ASSUMED = (
    "you could hire or build the expertise this work needs (you haven't said you lack it)"
)
IF_YOU_COULD = "If you could, {model} would be the stronger choice"
IF_YOU_COULDNT = "If you couldn't, {model} with safeguards would be the stronger choice"
EVEN_IF_YOU_COULDNT = "Even if you couldn't, keeping it in-house would still come out ahead"
OTHER_SIDE = "On the other side"
PILOT_OR_HYBRID = "a pilot or a hybrid is worth considering before you commit"
NOTHING_YET = (
    "I don't have any answers yet, so I can't lean either way. Tell me which process "
    "you're thinking of outsourcing and I'll take it from there."
)


def render_final(rec: Recommendation, answers: Answers, assumed: Collection[str] = ()) -> str:
    """The recommendation, why, assumptions, what to check, and the source's reminder.

    `assumed`: slot names whose answer was assumed because the user wasn't sure."""
    if rec.recommended is None:
        return NOTHING_YET
    parts = [headline(rec, answers)]
    parts += why_sections(rec)
    if rec.missing:
        parts.append(f"This is based on partial answers; still open: {_open_topics(rec)}.")
    assumptions = assumption_lines(answers, assumed)
    if assumptions:
        parts.append("**Assumptions**\n" + _bullets(assumptions))
    parts.append(_render_checklist(rec.checklist))
    parts.append(NO_SUPERIOR_OPTION)
    return "\n\n".join(parts)


def why_sections(rec: Recommendation, n: int = 3) -> list[str]:
    """ "**Why**" bullets that each argue for the recommendation (in a tie, one
    section for each tied option), then the strongest point for the runner-up
    under its own "On the other side" heading."""
    if rec.recommended is None or rec.runner_up is None:
        return []
    best = rec.recommended
    sections = []
    if rec.hybrid is not None or rec.tied:
        for model, other in _sides(rec):
            reasons = _unique([c.reason for c in rec.reasons_for(model, other)[:n]])
            if reasons:
                sections.append(f"**For {_short(model)}**\n" + _bullets(reasons))
        return sections
    reasons = _unique([c.reason for c in rec.key_reasons(n)])
    if reasons:
        sections.append("**Why**\n" + _bullets(reasons))
    other_side = rec.strongest_against()
    if other_side and rec.certainty is not Certainty.CLOSE_CALL:  # a close call says it already
        c, model = other_side
        sections.append(
            f"**{OTHER_SIDE}**\n- {_capitalise(c.summary)}, {_direction(c, model, best)}."
        )
    return sections


def _sides(rec: Recommendation) -> tuple[tuple[Model, Model], ...]:
    """The two options argued for, each against the other: the tied pair, or the
    two parts of a split."""
    if rec.hybrid is not None:
        split = rec.hybrid
        return ((split.send, split.keep), (split.keep, split.send))
    assert rec.recommended is not None and rec.runner_up is not None
    return ((rec.recommended, rec.runner_up), (rec.runner_up, rec.recommended))


def assumption_lines(answers: Answers, assumed: Collection[str] = ()) -> list[str]:
    """ "Assumed: ..." sentences: the answers the user wasn't sure of (in question
    order; unknown or unanswered slot names are skipped), then the capability gap
    when it decides keep vs outsource (the work sets the firm apart, and the
    recommendation would change with the other assumption)."""
    lines = [
        f"Assumed: {describe(slot.value, value)} (you weren't sure)."
        for slot in SLOT_ORDER
        if slot.value in assumed and (value := answers.get(slot)) is not None
    ]
    gap_line = _gap_assumption(answers)
    if gap_line:
        lines.append(gap_line)
    return lines


def _gap_assumption(answers: Answers) -> str | None:
    """The capability-gap assumption, for distinctive work, with what would
    happen the other way round, re-scored, never guessed. Left out when it is
    an assumption that changes nothing about an outsourcing recommendation."""
    if not distinctive(answers):
        return None
    now = score(answers).recommended
    flipped = winner_with_gap_flipped(answers)
    if capability_gap(answers):
        if flipped is not None and flipped is not now:
            return f"Assumed: {GAP_ASSUMED}. {IF_YOU_COULD.format(model=_short(flipped))}."
        return f"Assumed: {GAP_ASSUMED}."
    if flipped is not None and flipped is not now:
        return f"Assumed: {NO_GAP_ASSUMED}. {IF_YOU_COULDNT.format(model=_short(flipped))}."
    if now is Model.IN_HOUSE:
        return f"Assumed: {NO_GAP_ASSUMED}. {EVEN_IF_YOU_COULDNT}."
    return None


def render_provisional(rec: Recommendation, answers: Answers, assumed: Collection[str] = ()) -> str:
    """What the answers so far suggest, and what is still open."""
    if rec.recommended is None:
        return NOTHING_YET
    if rec.hybrid is not None:
        lean = f"I'd suggest **{split_name(rec.hybrid)}**"
    elif rec.tied:
        lean = f"it's a tie so far between {_short(rec.recommended)} and {_short(rec.runner_up)}"
    elif rec.certainty is Certainty.CLOSE_CALL:
        lean = (
            f"it's a close call between {_short(rec.recommended)} and "
            f"{_short(rec.runner_up)}, slightly favouring {rec.recommended.full_name}"
        )
    elif rec.certainty is Certainty.CLEAR:
        lean = f"**{rec.recommended.full_name}** looks like a clear fit"
    else:
        lean = f"I'm leaning towards **{rec.recommended.full_name}**"
    text = f"Based on what you've told me so far, {lean}."
    reasons = rec.key_reasons(1)
    if rec.hybrid is not None:
        text += f" {split_advice(rec.hybrid)}"
    elif reasons and not rec.tied:
        text += f" The main reason: {reasons[0].summary}."
    if rec.certainty is Certainty.CLOSE_CALL and rec.hybrid is None:
        text += f" If it stays this close, {PILOT_OR_HYBRID}."
    if rec.missing:
        text += f"\nStill open: {_open_topics(rec)}."
        if not rec.settled:
            text += " Your answers to those could still change this."
        elif rec.tied and rec.hybrid is None:
            text += " Whatever you answer, it stays this tie."
        else:
            text += " Whatever you answer, the recommendation won't change."
    assumptions = assumption_lines(answers, assumed)
    if assumptions:
        text += "\n" + " ".join(assumptions)
    return text


def render_why(rec: Recommendation, answers: Answers, assumed: Collection[str] = ()) -> str:
    """Every answer's (and rule's) contribution with points, grouped: for the
    recommendation (each tied option in a tie), on the other side, and what
    didn't tip the balance; strongest first within each group."""
    if not rec.contributions:
        return NOTHING_YET
    groups = why_groups(rec)
    text = "Here's how each answer weighed in, strongest first:"
    for heading_text, contributions in groups:
        lines = _unique(
            [f"- **{_capitalise(c.summary)}**: {c.reason} ({_points(c)})" for c in contributions]
        )
        text += f"\n\n**{heading_text}**\n" + "\n".join(lines)
    totals = ", ".join(f"{m.short_name} {_number(rec.scores[m])}" for m in MODELS)
    text += f"\n\nTotals: {totals}."
    if rec.hybrid is not None:
        text += f" So I recommend {split_name(rec.hybrid)}. {split_advice(rec.hybrid)}"
    elif rec.tied:
        text += (
            f" That's a tie between {_short(rec.recommended)} and {_short(rec.runner_up)}, "
            f"so {PILOT_OR_HYBRID}."
        )
    elif rec.recommended is not None:
        text += f" That makes {rec.recommended.full_name} {certainty_phrase(rec)}."
        held = held_back_phrase(rec)
        if held:
            text += f" {held}"
    assumptions = assumption_lines(answers, assumed)
    if assumptions:
        text += "\n\n**Assumptions**\n" + _bullets(assumptions)
    return text


def why_groups(rec: Recommendation) -> list[tuple[str, list[Contribution]]]:
    """(heading, contributions) for "why?": "For <option>" (both options in a tie),
    "On the other side", "Didn't tip the balance"; empty groups left out."""
    by_spread = sorted(rec.contributions, key=lambda c: -c.spread)
    if rec.recommended is None or rec.runner_up is None:
        return [("Your answers so far", by_spread)] if by_spread else []
    sides = _sides(rec) if rec.tied or rec.hybrid else ((rec.recommended, rec.runner_up),)
    tied = tuple(model for model, _ in sides)
    placed: set[int] = set()
    groups: list[tuple[str, list[Contribution]]] = []
    for model, rival in sides:
        found = [c for c in rec.reasons_for(model, rival) if id(c) not in placed]
        placed |= {id(c) for c in found}
        groups.append((f"For {_short(model)}", found))
    other_side = [c for c in by_spread if id(c) not in placed and any(against(c, m) for m in tied)]
    placed |= {id(c) for c in other_side}
    groups.append((OTHER_SIDE, other_side))
    groups.append(("Didn't tip the balance", [c for c in by_spread if id(c) not in placed]))
    return [(h, cs) for h, cs in groups if cs]


def held_back_phrase(rec: Recommendation) -> str:
    """Why the certainty is lower than the margin alone would make it, or ""."""
    reasons = {
        HeldBack.OPEN_QUESTIONS: "some questions are still open",
        HeldBack.NOT_SURE: "you weren't sure about "
        + _join([QUESTIONS[s.value].topic for s in rec.not_sure]),
        HeldBack.SENSITIVE_DATA: "highly sensitive data makes me a little more careful",
        HeldBack.KEEP_OR_FILL_THE_GAP: "you lack the expertise for work that sets you apart",
        HeldBack.SETS_YOU_APART: "outsourcing work that sets you apart is never clear-cut",
    }
    said = [reasons[h] for h in rec.held_back]
    if not said:
        return ""
    return f"With a lead of {_number(rec.margin)} points it would be surer, but {_join(said)}."


def render_changes(
    old_answers: Answers, new_answers: Answers, old_rec: Recommendation, new_rec: Recommendation
) -> str:
    """What changed in the answers and whether the recommendation moved."""
    changed = [s for s in Slot if old_answers.get(s) != new_answers.get(s)]
    if not changed:
        return "Nothing has changed, so " + _stays(new_rec) + "."
    lines = [
        f"- {SLOT_NAMES[s.value]}: {value_name(s.value, old_answers.get(s))} → "
        f"{value_name(s.value, new_answers.get(s))}"
        for s in changed
    ]
    text = "Updated:\n" + "\n".join(lines) + "\n\n"
    if new_rec.recommended is None:
        return text + NOTHING_YET
    if verdict_of(old_rec) == verdict_of(new_rec):
        text += _capitalise(_stays(new_rec))
        if old_rec.certainty is not new_rec.certainty:
            text += f", but it is now {certainty_phrase(new_rec)} (was {certainty_phrase(old_rec)})"
        return text + "."
    before = _verdict_before(old_rec)
    after = (
        split_name(new_rec.hybrid)
        if new_rec.hybrid
        else f"a tie between {_short(new_rec.recommended)} and {_short(new_rec.runner_up)}"
        if new_rec.tied
        else new_rec.recommended.full_name
    )
    text += (
        f"That changes my recommendation from {before} to **{after}** "
        f"({certainty_phrase(new_rec)})."
    )
    reasons = new_rec.key_reasons(1)
    if reasons:
        text += f" The main reason now: {reasons[0].summary}."
    return text


def render_other_option(rec: Recommendation, answers: Answers, model: Model) -> str:
    """ "What about KPO?" after a recommendation: how `model` fared against the
    recommended one, and which answers decided it, in the same points as "why?"."""
    if rec.recommended is None:
        return NOTHING_YET
    best = rec.recommended
    what = f" for {answers.process}" if answers.process else ""
    if model is best:
        text = f"{_capitalise(_short(model))} is my recommendation{what}: {certainty_phrase(rec)}."
        reasons = rec.key_reasons(1)
        return text + (f" The main reason: {reasons[0].summary}." if reasons else "")
    gap = rec.scores[best] - rec.scores[model]
    text = f"{_capitalise(_short(model))} scores {_number(rec.scores[model])} points{what}, "
    text += (
        f"level with {_short(best)}, so {PILOT_OR_HYBRID}."
        if gap == 0
        else f"{_number(gap)} behind {_short(best)} ({_number(rec.scores[best])})."
    )
    against = sorted(
        (c for c in rec.contributions if c.toward(best, model) > 0),
        key=lambda c: -c.toward(best, model),
    )[:2]
    if against:
        text += " What counts against it: " + _join(
            [f"{c.summary} ({_points_of(c, best, model)})" for c in against]
        )
        text += "."
    favour = max(rec.contributions, key=lambda c: c.toward(model, best), default=None)
    if favour is not None and favour.toward(model, best) > 0:
        text += f" In its favour: {favour.summary}."
    if rec.missing:  # mid-assessment: a snapshot, not advice
        sentence = text[0].lower() + text[1:] if model is Model.IN_HOUSE else text
        return f"So far, {sentence} Still open: {_open_topics(rec)}."
    if gap and rec.certainty is Certainty.CLOSE_CALL and model is rec.runner_up:
        text += f" It's a close call, so {PILOT_OR_HYBRID}."
    return text


def _points_of(c: Contribution, model: Model, other: Model) -> str:
    """ "BPO +3, KPO −2": the points `c` gave each of the two options."""
    return ", ".join(f"{m.short_name} {_signed(c.deltas[m])}" for m in (model, other))


def describe_kept_answers(answers: Answers, slots: Iterable[str]) -> str:
    """ "I'll keep your main goal (cutting costs)." for the answers carried over
    to the next assessment, or "" if none of them is answered."""
    kept = [
        f"{SLOT_NAMES[s].lower()} ({value_name(s, answers.get(s))})"
        for s in slots
        if answers.get(s) is not None
    ]
    if not kept:
        return ""
    return f"I'll keep your {_join(kept)}."


# --- pieces -----------------------------------------------------------------


def headline(rec: Recommendation, answers: Answers) -> str:
    assert rec.recommended is not None
    what = f" for {answers.process}" if answers.process else ""
    if rec.hybrid is not None:
        return (
            f"**My recommendation{what}: {split_name(rec.hybrid)}**. "
            f"{split_reason(rec, answers)} {split_advice(rec.hybrid)}"
        )
    if rec.tied:  # no winner to name: say so, and check for both
        return (
            f"**My recommendation{what}: a tie between {_short(rec.recommended)} and "
            f"{_short(rec.runner_up)}**. Your answers weigh exactly the same for both, so "
            f"{PILOT_OR_HYBRID}; the checklist covers both."
        )
    head = f"**My recommendation{what}: {rec.recommended.full_name}**"
    if rec.certainty is Certainty.CLEAR:
        return head + ", a clear fit."
    if rec.certainty is Certainty.LEANING:
        held = held_back_phrase(rec)
        return (
            head + ". It's leaning that way rather than clear-cut." + (f" {held}" if held else "")
        )
    return (
        f"{head}. But this is a close call between {_short(rec.recommended)} and "
        f"{_short(rec.runner_up)} because {_close_call_because(rec)}."
    )


def split_name(split: HybridSplit) -> str:
    return f"a hybrid split between BPO and {_short(split.keep)}"


def split_advice(split: HybridSplit) -> str:
    """What the split means, in one sentence (issue 25: "keep the judgement
    in-house, send the routine volume to a BPO")."""
    if split.keep is Model.IN_HOUSE:
        return (
            "Keep what sets you apart and the judgement in-house, and send the routine "
            "volume to a BPO; the checklist covers the hand-off between the two."
        )
    return (
        "Send the routine volume to a BPO and the judgement part to a KPO; the checklist "
        "covers the hand-off between the two."
    )


def split_reason(rec: Recommendation, answers: Answers) -> str:
    """Why the answers call for a split rather than one option."""
    assert rec.hybrid is not None
    if distinctive(answers) and rec.recommended is Model.BPO:
        return "The work sets you apart, but its routine side points to BPO."
    other = rec.hybrid.keep
    if rec.margin == 0:
        return f"The work mixes routine and judgement, and BPO and {_short(other)} score the same."
    return (
        f"The work mixes routine and judgement, and BPO and {_short(other)} are within "
        f"{_number(rec.margin)} points of each other."
    )


def verdict_name(verdict: Model | HybridSplit | None) -> str:
    """ "BPO", "keeping it in-house", "a hybrid split between BPO and KPO"."""
    if isinstance(verdict, HybridSplit):
        return split_name(verdict)
    return _short(verdict)


def verdict_of(rec: Recommendation) -> Model | HybridSplit | None:
    """What is recommended: a split, an option, or None (a tie or nothing)."""
    return rec.hybrid or (None if rec.tied else rec.recommended)


def _close_call_because(rec: Recommendation) -> str:
    assert rec.recommended is not None and rec.runner_up is not None
    against = rec.counter_reasons(1)
    towards = rec.top_reasons(1)
    if not towards:
        return "your answers weigh equally on both sides"
    if not against or against[0].toward(rec.runner_up, rec.recommended) < 1:  # a small push
        return f"most of your answers fit both, and what tips it is that {towards[0].summary}"
    return (
        f"{against[0].summary} ({_direction(against[0], rec.runner_up, rec.recommended)}), "
        f"while {towards[0].summary} "
        f"({_direction(towards[0], rec.recommended, rec.runner_up)})"
    )


def _direction(c: Contribution, model: Model, against: Model) -> str:
    """How `c` pushes `model` ahead of `against`, in words that match its points:
    "which points to KPO" only when KPO is where it pushes most."""
    if _favours_only(c, model):
        return f"which points to {_short(model)}"
    return f"which favours {_short(model)} over {_short(against)}"


def _favours_only(c: Contribution, model: Model) -> bool:
    return all(c.deltas[model] > c.deltas[m] for m in MODELS if m is not model)


def _render_checklist(items: tuple[ChecklistItem, ...]) -> str:
    sections = [
        f"**{heading}**\n" + _bullets(texts) for heading, texts in checklist_sections(items)
    ]
    # A blank line between sections, or markdown glues a heading to the list above.
    return "\n\n".join([*sections, NOT_FROM_SOURCE_NOTE] if sections else [])


def _open_topics(rec: Recommendation) -> str:
    return _join([QUESTIONS[s.value].topic for s in rec.missing])


def certainty_phrase(rec: Recommendation) -> str:
    return {
        Certainty.CLEAR: "a clear fit",
        Certainty.LEANING: "leaning that way",
        Certainty.CLOSE_CALL: "a close call",
        None: "undecided",
    }[rec.certainty]


def _verdict_before(rec: Recommendation) -> str:
    if rec.recommended is None:
        return "no recommendation"
    if rec.tied and rec.hybrid is None:
        return f"a tie between {_short(rec.recommended)} and {_short(rec.runner_up)}"
    return verdict_name(verdict_of(rec))


def _stays(rec: Recommendation) -> str:
    if rec.recommended is None:
        return "I still can't lean either way"
    if rec.hybrid is not None:
        return f"my recommendation stays {split_name(rec.hybrid)}"
    if rec.tied:
        return f"it is still a tie between {_short(rec.recommended)} and {_short(rec.runner_up)}"
    return f"my recommendation stays {rec.recommended.full_name}"


def _points(c: Contribution) -> str:
    return ", ".join(f"{m.short_name} {_signed(c.deltas[m])}" for m in MODELS)


def _signed(x: float) -> str:
    return "±0" if x == 0 else (f"+{_number(x)}" if x > 0 else f"−{_number(-x)}")


def _number(x: float) -> str:
    return f"{x:g}".replace("-", "−")


def _short(model: Model | None) -> str:
    """Names inside a sentence: "BPO", "KPO", "keeping it in-house"."""
    if model is None:
        return "nothing"
    return model.full_name if model is Model.IN_HOUSE else model.short_name


def _unique(texts: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(texts))


def _bullets(texts: Iterable[str]) -> str:
    return "\n".join(f"- {t}" for t in texts)


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- "what would change it?" -------------------------------------------------------

# Each answer as a condition: "If <the work needed expert judgement>, ...".
WOULD_BE: dict[str, dict[str, str]] = {
    Slot.CORE.value: {
        "core": "it set you apart from competitors",
        "important": "it were critical but not distinctive",
        "supporting": "it were necessary but not what you're known for",
    },
    Slot.COMPLEXITY.value: {
        "routine": "the work were mostly routine",
        "mixed": "the work were a mix of routine and judgement",
        "expert": "the work needed expert judgement",
    },
    Slot.QUALIFICATIONS.value: {
        "basic": "basic skills were enough",
        "technical": "it needed technical skills or certifications",
        "professional": "it needed professional qualifications",
    },
    Slot.SENSITIVITY.value: {
        "low": "the data were not sensitive",
        "medium": "the data were somewhat sensitive",
        "high": "the data were highly sensitive",
    },
    Slot.GOAL.value: {
        "cost": "your main goal were cutting costs",
        "flexibility": "your main goal were a flexible workforce",
        "focus": "your main goal were focusing on your core business",
        "expertise": "your main goal were getting expertise you lack",
    },
}
MAX_ROUTES_SHOWN = 2  # per option: the rest are alternatives of the same size


def change_sentences(changes: WhatWouldChange) -> list[str]:
    """ "KPO: if the work needed expert judgement." for each other option: its
    smallest routes (at most MAX_ROUTES_SHOWN, joined with "or")."""
    sentences = []
    for model in VERDICTS:
        routes = changes.routes_to(model)[:MAX_ROUTES_SHOWN]
        if not routes:
            continue
        conditions = [
            "if " + _join([WOULD_BE[slot.value][value] for slot, value in route.changes])
            for route in routes
        ]
        sentences.append(f"**{_capitalise(verdict_name(model))}** {', or '.join(conditions)}.")
    return sentences


def what_would_change_lines(answers: Answers) -> tuple[list[str], str]:
    """The bullets (one per other option) and the "Settled: ..." sentence ("" if
    none), as the chat and the report show them."""
    changes = what_would_change(answers)
    lines = change_sentences(changes)
    lines += [
        f"No change of your answers would make it {verdict_name(m)}." for m in changes.unreachable
    ]
    answered = [s for s in CLOSED_SLOTS if answers.get(s) is not None]
    if changes.settled and len(changes.settled) == len(answered) and changes.current is not None:
        return lines, "Settled: no single answer changes it on its own."
    if changes.settled:
        topics = _join([QUESTIONS[s.value].topic for s in changes.settled])
        return lines, f"Settled: a different answer about {topics} alone wouldn't change it."
    return lines, ""


def render_what_would_change(answers: Answers) -> str:
    """The smallest answer changes that would change the recommendation, and the
    answers that on their own can't."""
    if answers.is_empty():
        return NOTHING_YET
    rec = score(answers)
    what = f" for {answers.process}" if answers.process else ""
    if rec.hybrid is None and rec.tied:
        now = f"It's a tie{what} between {_short(rec.recommended)} and {_short(rec.runner_up)}."
    else:
        now = f"My recommendation{what} is {verdict_name(verdict_of(rec))}."
    lines, settled = what_would_change_lines(answers)
    text = f"{now} The fewest answers that would have to change, for each other option:\n"
    text += _bullets(lines)
    return text + (f"\n\n{settled}" if settled else "")
