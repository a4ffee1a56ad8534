"""The scoring table: how much each answer pushes towards each sourcing model.

Read a row as "this answer adds <bpo>, <kpo>, <in_house> points". The model
with most points is recommended. Every row cites where it comes from: the
source article (source/bpo-vs-kpo.txt) or the literature summarised in
scoring-principles.md.

Design, in short:
- BPO vs KPO is decided by the nature of the work: complexity and
  qualifications have the largest spread between the two (5 points each).
- Outsource vs keep is decided by distinctiveness, the capability gap (goal)
  and data sensitivity, mostly through the named interaction rules below,
  because "core" alone is a weak test (Gottfredson et al.).
- Goals adjust, never override: a goal moves BPO-vs-KPO by at most 2.5 points,
  less than either work-nature factor alone (5).
- Rules only ever take the same amount from BPO and KPO, so they shift
  outsource-vs-keep without touching the BPO-vs-KPO balance.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from advisor.answers import Answers, Complexity, Core, Goal, Qualifications, Sensitivity, Slot
from advisor.sourcing import Model


@dataclass(frozen=True)
class Push:
    bpo: float = 0.0
    kpo: float = 0.0
    in_house: float = 0.0

    def as_dict(self) -> dict[Model, float]:
        return {Model.BPO: self.bpo, Model.KPO: self.kpo, Model.IN_HOUSE: self.in_house}


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


_SOURCE = "source/bpo-vs-kpo.txt"

WEIGHTS: tuple[Weight, ...] = (
    # --- complexity: the main BPO-vs-KPO axis --------------------------------
    Weight(Slot.COMPLEXITY, Complexity.ROUTINE.value, Push(bpo=3, kpo=-2, in_house=0),
           "Routine, rule-based work suits BPO: it can be written down as procedures and "
           "managed through service levels.",
           "Aron & Singh 2005; source: BPO is used for 'low-level, less complex operations'"),
    Weight(Slot.COMPLEXITY, Complexity.MIXED.value, Push(bpo=1, kpo=1, in_house=0.5),
           "A mix of routine work and judgement could go either way: the routine part suits "
           "BPO, the judgement part KPO.",
           "Aron & Singh 2005 (codifiable vs judgement work)"),
    Weight(Slot.COMPLEXITY, Complexity.EXPERT.value, Push(bpo=-2, kpo=3, in_house=2),
           "Work that needs expert judgement is KPO territory: it is hard to codify, so it "
           "needs specialists, either a KPO team working closely with you or your own experts.",
           "source: KPO handles 'more complex, high-level business processes'; Aron & Singh 2005"),
    # --- qualifications: the second BPO-vs-KPO axis --------------------------
    Weight(Slot.QUALIFICATIONS, Qualifications.BASIC.value, Push(bpo=2, kpo=-2, in_house=0),
           "Work that needs only basic qualifications is what BPO vendors staff at scale.",
           f"{_SOURCE}, Key Point: BPO operations 'only need basic qualifications'"),
    Weight(Slot.QUALIFICATIONS, Qualifications.TECHNICAL.value, Push(bpo=1, kpo=1, in_house=0.5),
           "Technical skills or certifications fit both: BPO vendors supply them (technical "
           "support), and KPO 'often requires more technical and professional qualifications'.",
           f"{_SOURCE}, Key Point"),
    Weight(Slot.QUALIFICATIONS, Qualifications.PROFESSIONAL.value, Push(bpo=-2, kpo=3, in_house=2),
           "Professional qualifications (lawyers, analysts, scientists) point to KPO, which "
           "brings highly qualified people and their expertise, or to your own professionals.",
           f"{_SOURCE}: KPO brings 'highly skilled and qualified personnel'; Aron & Singh 2005"),
    # --- core: weak on its own (Gottfredson et al. 2005); see rules ----------
    Weight(Slot.CORE, Core.SUPPORTING.value, Push(bpo=2, kpo=0, in_house=-2),
           "A necessary but non-primary process is the classic case for outsourcing, usually "
           "through BPO.",
           f"{_SOURCE}: BPO 'is usually done for non-primary operations'; Quinn & Hilmer 1994"),
    Weight(Slot.CORE, Core.IMPORTANT.value, Push(bpo=0, kpo=0.5, in_house=0.5),
           "Operationally critical work can still be outsourced once it is no source of "
           "advantage, but it needs tight service levels and a fallback.",
           "Gottfredson, Puryear & Phillips 2005; Lacity, Willcocks & Feeny 1996"),
    Weight(Slot.CORE, Core.CORE.value, Push(bpo=-2, kpo=1, in_house=1.5),
           "Distinctive work is rarely a BPO job; KPO can take on core processes, but what "
           "makes you different is worth protecting.",
           f"{_SOURCE}: KPO's 'focus on core processes'; Quinn & Hilmer 1994"),
    # --- sensitivity: adds safeguards, lowers confidence; rarely decides ----
    Weight(Slot.SENSITIVITY, Sensitivity.LOW.value, Push(bpo=0.5, kpo=0, in_house=-0.5),
           "With little sensitive data, handing the work over is low-risk.",
           f"{_SOURCE}: BPO is employed 'in low-risk tasks'"),
    Weight(Slot.SENSITIVITY, Sensitivity.MEDIUM.value, Push(bpo=0, kpo=0, in_house=0.5),
           "Somewhat sensitive data is routinely handled by vendors under confidentiality "
           "agreements and access controls.",
           "scoring-principles.md, Data sensitivity"),
    Weight(Slot.SENSITIVITY, Sensitivity.HIGH.value, Push(bpo=-0.5, kpo=-0.5, in_house=1),
           "Highly sensitive data raises the stakes of outsourcing: whoever does the work "
           "needs strong safeguards.",
           f"{_SOURCE}: outsourcing core processes 'can present significant security risks'"),
    # --- goal: adjusts, never overrides --------------------------------------
    Weight(Slot.GOAL, Goal.COST.value, Push(bpo=1.5, kpo=0.5, in_house=-1),
           "Cutting costs is the classic reason for BPO; KPO can save money too, but mainly "
           "buys expertise.",
           f"{_SOURCE}: BPO contracts operations 'to cut down on costs'"),
    Weight(Slot.GOAL, Goal.FLEXIBILITY.value, Push(bpo=1.5, kpo=0.5, in_house=-1),
           "A flexible workforce, filling gaps and scaling with demand, is what BPO vendors "
           "are built for.",
           f"{_SOURCE}: BPO is used 'to ... fill gaps in the workforce'"),
    Weight(Slot.GOAL, Goal.FOCUS.value, Push(bpo=1, kpo=1, in_house=-1.5),
           "Freeing your team to focus on the core business is a benefit of both BPO and KPO.",
           f"{_SOURCE}: outsourcing 'allows you to focus on your organization's core processes'"),
    Weight(Slot.GOAL, Goal.EXPERTISE.value, Push(bpo=-0.5, kpo=2, in_house=-2),
           "Lacking the expertise is the main reason for KPO: it brings skilled people, their "
           "knowledge and insights, which you couldn't get by keeping the work in-house.",
           f"{_SOURCE}: KPO brings 'knowledge, insights, and process expertise'; "
           "scoring-principles.md (a real capability gap argues for outsourcing)"),
)

WEIGHT_TABLE: dict[tuple[Slot, str], Weight] = {(w.slot, w.value): w for w in WEIGHTS}

# A recognised process's usual model is a weak prior: less than any work-nature row.
PROCESS_PRIOR = 1.0
PROCESS_PRIOR_TRACE = f"{_SOURCE} (typical BPO and KPO services); process_catalogue.py"


def _distinctive(a: Answers) -> bool:
    return a.core is Core.CORE


def _no_gap(a: Answers) -> bool:
    """A known goal other than expertise: the firm isn't missing the know-how."""
    return a.goal is not None and a.goal is not Goal.EXPERTISE


RULES: tuple[Rule, ...] = (
    Rule("distinctive_without_capability_gap",
         lambda a: _distinctive(a) and _no_gap(a),
         Push(bpo=-1, kpo=-1, in_house=2),
         "it sets you apart and you aren't missing the expertise",
         "It sets you apart and you aren't missing the expertise: firms keep what gives them "
         "their edge and outsource what they have no special capability for.",
         "Quinn & Hilmer 1994; Lacity, Willcocks & Feeny 1996 (critical and distinctive)"),
    Rule("distinctive_expert_knowledge",
         lambda a: _distinctive(a) and _no_gap(a) and a.complexity is Complexity.EXPERT,
         Push(bpo=-1, kpo=-1, in_house=1.5),
         "your distinctive expert knowledge would be at risk with a vendor",
         "Handing distinctive expert knowledge to a vendor puts it at risk; for such work "
         "keeping it in-house (or a close partnership) is often wiser.",
         "Mudambi & Tallman 2010"),
    Rule("distinctive_sensitive_data",
         lambda a: _distinctive(a) and _no_gap(a) and a.sensitivity is Sensitivity.HIGH,
         Push(bpo=-1, kpo=-1, in_house=1.5),
         "the data of a distinctive process is highly sensitive",
         "The data of a process that sets you apart is highly sensitive, which adds to the case "
         "for keeping it close.",
         f"{_SOURCE}: 'significant security risks' of outsourcing core processes"),
    Rule("focus_means_keeping_this_core",
         lambda a: _distinctive(a) and a.goal is Goal.FOCUS,
         Push(bpo=-1, kpo=-1, in_house=1.5),
         "focusing on your core business includes this process",
         "You want to focus on your core business, and this process is part of it.",
         f"{_SOURCE}: outsourcing lets you 'focus on ... core processes'; Quinn & Hilmer 1994"),
    Rule("distinctive_with_capability_gap",
         lambda a: _distinctive(a) and a.goal is Goal.EXPERTISE,
         Push(bpo=-1, kpo=-1, in_house=2),
         "it sets you apart",
         "It sets you apart, which argues for keeping it, but you lack the expertise, which "
         "argues for outsourcing with safeguards (or a hybrid): a close call.",
         "scoring-principles.md; Mudambi & Tallman 2010 (alliances or hybrids for distinctive work)"),
)
