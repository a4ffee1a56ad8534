"""The scoring table: how much each answer pushes towards each sourcing model.

Read a row as "this answer adds <bpo>, <kpo>, <in_house> points". The model
with most points is recommended. Every row cites where it comes from: the
source article (described in docs/source.md) or the literature summarised in
docs/scoring-principles.md.

Design, in short (each point is checked over every answer combination by
tests/advisor/test_scoring_properties.py and test_weights.py; the table and the
certainty rule are in docs/scoring.md):

- BPO vs KPO is decided by the nature of the work: complexity and
  qualifications have the largest spread between the two (5 points each)
  (Aron & Singh 2005). The core answer gives BPO and KPO the same points:
  being distinctive argues for keeping the work, not for KPO.
- Outsource vs keep is decided by distinctiveness: only work that sets the firm
  apart (Core.CORE) earns in-house points; every other row gives in-house less
  than KPO, so without a "sets us apart" answer keeping it in-house can never
  come first ("core" alone is a weak test: Gottfredson et al. 2005; keep what
  is critical *and* distinctive: Lacity, Willcocks & Feeny 1996; Quinn &
  Hilmer 1994).
- Monotone: on the work-nature rows in-house follows KPO at a constant
  distance (needing experts means a KPO's or your own), and the rules only fire
  at the top of a scale, so for every pair of options the balance moves one way
  only as complexity, qualifications or distinctiveness grow. Distinctive work
  never flips to KPO and back as the expertise grows.
- Data sensitivity never moves the model on its own: its rows are all zero. It
  adds safeguards to the checklist and lowers certainty a little (see
  scoring.py). Only for distinctive work does it add to the case for keeping
  the work close (the rule `distinctive_sensitive_data`).
- Goals adjust, never override: a goal moves BPO-vs-KPO by at most 2.5 points,
  less than either work-nature factor alone (5). The goal is *not* taken as
  the capability gap (scoring-principles: the test is "can you hire or build
  it"): distinctive work is assumed to be something you could hire or build
  for, and only when you name expertise you lack as your main reason is a gap
  assumed instead, which makes it a close call. Messages state the assumption
  and what the other assumption would give, re-scored (explain.py).
- Rules are interactions with a distinctive process. They take the same
  amount from BPO and KPO, so they shift outsource-vs-keep without touching
  the BPO-vs-KPO balance. Each fires on answers already given and never stops
  firing when more answers come in, so a provisional result can rely on them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from advisor.answers import Answers, Complexity, Core, Goal, Qualifications, Sensitivity, Slot
from advisor.sourcing import MODELS, Model


@dataclass(frozen=True)
class Push:
    bpo: float = 0.0
    kpo: float = 0.0
    in_house: float = 0.0

    def as_dict(self) -> dict[Model, float]:
        return {Model.BPO: self.bpo, Model.KPO: self.kpo, Model.IN_HOUSE: self.in_house}

    def favours(self) -> tuple[Model, ...]:
        """The models this push puts first (all three when it is neutral)."""
        deltas = self.as_dict()
        top = max(deltas.values())
        return tuple(m for m in MODELS if deltas[m] == top)


NEUTRAL = Push()


@dataclass(frozen=True)
class Weight:
    slot: Slot
    value: str
    push: Push
    reason: str  # shown to the user
    trace: str  # where the weight comes from


@dataclass(frozen=True)
class Rule:
    """An interaction between answers that a per-answer row can't express."""

    name: str
    applies: Callable[[Answers], bool]
    push: Push
    summary: str  # a short clause for sentences: "... because <summary>"
    reason: str
    trace: str


_SOURCE = "docs/source.md"

_COMPLEXITY = (
    # The main BPO-vs-KPO axis. Expert work gives in-house only the average of
    # BPO and KPO (0.5): needing specialists says KPO *or* your own experts;
    # which of the two is decided by distinctiveness, not by complexity.
    Weight(
        Slot.COMPLEXITY,
        Complexity.ROUTINE.value,
        Push(bpo=3, kpo=-2, in_house=-2.5),
        "Routine, rule-based work suits BPO: it can be written down as procedures and "
        "managed through service levels.",
        "Aron & Singh 2005; source: BPO is used for 'low-level, less complex operations'",
    ),
    Weight(
        Slot.COMPLEXITY,
        Complexity.MIXED.value,
        Push(bpo=1, kpo=1, in_house=0.5),
        "A mix of routine work and judgement could go either way between BPO and KPO: "
        "the routine part suits BPO, the judgement part KPO.",
        "Aron & Singh 2005 (codifiable vs judgement work)",
    ),
    Weight(
        Slot.COMPLEXITY,
        Complexity.EXPERT.value,
        Push(bpo=-2, kpo=3, in_house=2.5),
        "Work that needs expert judgement is KPO territory: it is hard to codify, so it "
        "needs specialists working closely with you.",
        "source: KPO handles 'more complex, high-level business processes'; Aron & Singh 2005",
    ),
)
_QUALIFICATIONS = (
    # The second BPO-vs-KPO axis; same in-house reasoning as complexity.
    Weight(
        Slot.QUALIFICATIONS,
        Qualifications.BASIC.value,
        Push(bpo=2, kpo=-2, in_house=-2.5),
        "Work that needs only basic qualifications is what BPO vendors staff at scale.",
        f"{_SOURCE}, Key Point: BPO operations 'only need basic qualifications'",
    ),
    Weight(
        Slot.QUALIFICATIONS,
        Qualifications.TECHNICAL.value,
        Push(bpo=1, kpo=1, in_house=0.5),
        "Technical skills or certifications fit both BPO and KPO: BPO vendors supply them "
        "(technical support), and KPO 'often requires more technical and professional "
        "qualifications'.",
        f"{_SOURCE}, Key Point",
    ),
    Weight(
        Slot.QUALIFICATIONS,
        Qualifications.PROFESSIONAL.value,
        Push(bpo=-2, kpo=3, in_house=2.5),
        "Professional qualifications (lawyers, analysts, scientists) point to KPO, which "
        "brings highly qualified people and their expertise.",
        f"{_SOURCE}: KPO brings 'highly skilled and qualified personnel'; Aron & Singh 2005",
    ),
)
_CORE = (
    # The outsource-vs-keep axis, and only that: every row gives BPO and KPO the
    # same points, since the nature of the work decides between them (Aron &
    # Singh 2005). Only "sets us apart" earns in-house points.
    Weight(
        Slot.CORE,
        Core.SUPPORTING.value,
        Push(bpo=1, kpo=1, in_house=-2),
        "A necessary but non-primary process is the classic case for outsourcing: keeping "
        "it gives you no edge. Whether BPO or KPO depends on the work itself.",
        f"{_SOURCE}: BPO 'is usually done for non-primary operations'; Quinn & Hilmer 1994",
    ),
    # Critical but not distinctive: "core" alone is a weak test, so this is no
    # argument for keeping it; only a slight one for outsourcing.
    Weight(
        Slot.CORE,
        Core.IMPORTANT.value,
        Push(bpo=0, kpo=0, in_house=-1),
        "Operationally critical work can still be outsourced once it is no source of "
        "advantage, with tight service levels and a fallback.",
        "Gottfredson, Puryear & Phillips 2005; Lacity, Willcocks & Feeny 1996",
    ),
    # Distinctive: keep what gives you your edge, assuming you could hire or
    # build the expertise (see `capability_gap`). It does not favour KPO over
    # BPO: that stays with the nature of the work.
    Weight(
        Slot.CORE,
        Core.CORE.value,
        Push(bpo=-2, kpo=-2, in_house=3),
        "Firms keep what gives them their edge and outsource what they have no special "
        "capability for: work that sets you apart is a reason to keep it in-house.",
        "Quinn & Hilmer 1994; Lacity, Willcocks & Feeny 1996",
    ),
)
_SENSITIVITY = (
    # Neutral on purpose (scoring-principles, Data sensitivity): sensitive data
    # is handled with controls, not by changing the model. The checklist adds
    # safeguards and scoring.py lowers certainty a little.
    Weight(
        Slot.SENSITIVITY,
        Sensitivity.LOW.value,
        NEUTRAL,
        "Little sensitive data: it doesn't change the model, and only the basic "
        "safeguards are needed.",
        f"{_SOURCE}: BPO is employed 'in low-risk tasks'; docs/scoring-principles.md",
    ),
    Weight(
        Slot.SENSITIVITY,
        Sensitivity.MEDIUM.value,
        NEUTRAL,
        "Somewhat sensitive data doesn't change the model: whoever does the work handles "
        "it under confidentiality agreements and access controls (see the checklist).",
        "docs/scoring-principles.md, Data sensitivity",
    ),
    Weight(
        Slot.SENSITIVITY,
        Sensitivity.HIGH.value,
        NEUTRAL,
        "Highly sensitive data doesn't change the model on its own: it calls for strong "
        "safeguards (see the checklist) and makes me a little less certain.",
        f"{_SOURCE}: 'it's important to have measures in place to protect your data'; "
        "docs/scoring-principles.md",
    ),
)
_GOAL = (
    # Goals adjust, never override; none of them stands for the capability gap.
    Weight(
        Slot.GOAL,
        Goal.COST.value,
        Push(bpo=1.5, kpo=0.5, in_house=-1),
        "Cutting costs is the classic reason for BPO; KPO can save money too, but mainly "
        "buys expertise.",
        f"{_SOURCE}: BPO contracts operations 'to cut down on costs'",
    ),
    Weight(
        Slot.GOAL,
        Goal.FLEXIBILITY.value,
        Push(bpo=1.5, kpo=0.5, in_house=-1),
        "A flexible workforce, filling gaps and scaling with demand, is what BPO vendors "
        "are built for.",
        f"{_SOURCE}: BPO is used 'to ... fill gaps in the workforce'",
    ),
    Weight(
        Slot.GOAL,
        Goal.FOCUS.value,
        Push(bpo=1, kpo=1, in_house=-1.5),
        "Freeing your team to focus on the core business is a benefit of both BPO and KPO.",
        f"{_SOURCE}: outsourcing 'allows you to focus on your organization's core processes'",
    ),
    Weight(
        Slot.GOAL,
        Goal.EXPERTISE.value,
        Push(bpo=-0.5, kpo=2, in_house=-2),
        "Getting expertise you lack is the main reason for KPO: it brings skilled people "
        "with their knowledge, insights and process expertise.",
        f"{_SOURCE}: KPO brings 'knowledge, insights, and process expertise'",
    ),
)

WEIGHTS: tuple[Weight, ...] = _COMPLEXITY + _QUALIFICATIONS + _CORE + _SENSITIVITY + _GOAL
WEIGHT_TABLE: dict[tuple[Slot, str], Weight] = {(w.slot, w.value): w for w in WEIGHTS}

# A recognised process's usual model is a weak prior: less than any work-nature row.
PROCESS_PRIOR = 1.0
PROCESS_PRIOR_TRACE = f"{_SOURCE} (typical BPO and KPO services); process_catalogue.py"


def distinctive(a: Answers) -> bool:
    """The work sets the firm apart: the only answer that can justify keeping it."""
    return a.core is Core.CORE


def capability_gap(a: Answers) -> bool:
    """Whether a capability gap is *assumed*: only when the user names expertise
    they lack as the main reason. We never ask "could you hire or build it?",
    so messages state this as an assumption, never as a fact."""
    return a.goal is Goal.EXPERTISE


GAP_RULE = "distinctive_with_capability_gap"


def knowledge_work(a: Answers) -> bool:
    """Expert judgement or professional qualifications: the knowledge a vendor
    would take in (either answer alone is enough)."""
    return a.complexity is Complexity.EXPERT or a.qualifications is Qualifications.PROFESSIONAL


RULES: tuple[Rule, ...] = (
    # Mudambi & Tallman: handing distinctive expert knowledge to a vendor puts
    # it at risk, whether the expertise shows as judgement or as professional
    # qualifications. Fires at the top of either scale, so it only ever adds to
    # keeping the work as the expertise grows (monotone).
    Rule(
        "distinctive_expert_knowledge",
        lambda a: distinctive(a) and knowledge_work(a),
        Push(bpo=-1.5, kpo=-1.5, in_house=1.5),
        "the expert knowledge that sets you apart would be at risk with a vendor",
        "Handing the expert knowledge that sets you apart to a vendor puts it at risk; for "
        "such work keeping it in-house (or a close partnership) is often wiser.",
        "Mudambi & Tallman 2010",
    ),
    # Source: outsourcing core processes 'can present significant security
    # risks'. Only for distinctive work: never on routine, non-distinctive work.
    Rule(
        "distinctive_sensitive_data",
        lambda a: distinctive(a) and a.sensitivity is Sensitivity.HIGH,
        Push(bpo=-0.5, kpo=-0.5, in_house=1),
        "the work that sets you apart runs on highly sensitive data",
        "The work that sets you apart runs on highly sensitive data, which adds a little to "
        "the case for keeping it in-house.",
        f"{_SOURCE}: 'significant security risks' of outsourcing core processes",
    ),
    Rule(
        "focus_means_keeping_this_core",
        lambda a: distinctive(a) and a.goal is Goal.FOCUS,
        Push(bpo=-1, kpo=-1, in_house=1.5),
        "focusing on your core business includes this process",
        "You want to focus on your core business, and this process is part of it: a reason "
        "to keep it in-house, not to hand it over.",
        f"{_SOURCE}: outsourcing lets you 'focus on ... core processes'; Quinn & Hilmer 1994",
    ),
    # scoring-principles: a real capability gap argues for outsourcing even
    # near the core, with safeguards; when it is also distinctive, it is a
    # close call (scoring.py says so whatever the margin). Larger than the
    # keep-it rules, so a gap you name is heard.
    Rule(
        GAP_RULE,
        lambda a: distinctive(a) and capability_gap(a),
        Push(bpo=2, kpo=2, in_house=-3),
        "you lack the expertise for work that sets you apart",
        "You lack the expertise for work that sets you apart: outsourcing it with safeguards "
        "(or a hybrid) is the way to get it, unless you can hire or build it.",
        "docs/scoring-principles.md; "
        "Mudambi & Tallman 2010 (alliances or hybrids for distinctive work)",
    ),
)
