"""What to check before acting on a recommendation, tailored to the answers.

Data safeguards depend only on the answers, never on the model, so more
sensitive data can only ever add safeguards. Vendor safeguards (NDAs with the
vendor, certifications, audit rights, comparing vendors) are only listed when
the recommendation is to outsource; keeping it in-house gets in-house items
(internal access controls, employee IP and confidentiality terms, keeping key
people, build cost vs a KPO quote) instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from advisor.answers import Answers, Core, Sensitivity
from advisor.sourcing import Model

# The checklist's standards and practices (ISO 27001, SOC 2, PCI DSS, HIPAA,
# GDPR, SLAs, exit clauses ...) are general good practice, not from the source
# article: every rendering of a checklist says so (docs/source-mapping.md).
NOT_FROM_SOURCE_NOTE = (
    "The standards and practices named here are general good practice, not from our source."
)


class Category(str, Enum):
    SECURITY = "security"
    HYBRID = "hybrid"
    BPO = "bpo"
    KPO = "kpo"
    IN_HOUSE = "in-house"
    DECISION = "decision"
    DUE_DILIGENCE = "due diligence"

    @property
    def heading(self) -> str:
        return CATEGORY_TITLES[self]


CATEGORY_TITLES = {
    Category.SECURITY: "Protect your data",
    Category.HYBRID: "Set up the split",
    Category.BPO: "Set up the BPO deal",
    Category.KPO: "Set up the KPO deal",
    Category.IN_HOUSE: "Keeping it in-house",
    Category.DECISION: "Before you decide",
    Category.DUE_DILIGENCE: "Due diligence",
}


@dataclass(frozen=True)
class ChecklistItem:
    category: Category
    text: str


def _items(category: Category, *texts: str) -> tuple[ChecklistItem, ...]:
    return tuple(ChecklistItem(category, text) for text in texts)


# Source: outsourcing core processes "can present significant security risks, so
# it's important to have measures in place to protect your data". The first
# items hold whoever does the work; the vendor items only when outsourcing.
SECURITY = _items(
    Category.SECURITY,
    "Role-based access control and least privilege: people see only the data their task needs.",
)
SECURITY_VENDOR = _items(
    Category.SECURITY,
    "NDAs / confidentiality agreements with the vendor and everyone who touches the work.",
    "Security certifications such as ISO 27001 or a SOC 2 report.",
    "Audit rights, so you can check the controls.",
    "Breach notification: you are told promptly about any incident.",
)
SECURITY_HIGH = _items(
    Category.SECURITY,
    "Share as little as possible: mask, pseudonymise or encrypt data the work doesn't need.",
)
# Managed through service levels (Aron & Singh 2005); source: cost and flexibility.
BPO = _items(
    Category.BPO,
    "Service level agreements (SLAs) for turnaround, accuracy and availability.",
    "KPIs and regular reporting, with penalties or credits when they are missed.",
    "A pricing model you understand (per transaction, per hour or per FTE) compared "
    "with your current cost.",
    "Scalability: how fast the vendor can ramp up and down with your volumes.",
    "A transition plan: documented procedures, knowledge handover, a parallel run.",
    "An exit clause: termination terms, return of your data, handing the work back.",
)
# Knowledge and IP at risk (Mudambi & Tallman 2010; docs/scoring-principles.md).
KPO = _items(
    Category.KPO,
    "Check the credentials of the actual team: qualifications, certifications, domain experience.",
    "Quality review of deliverables: who checks the analysis before you rely on it.",
    "IP ownership: you own the work product and everything made from your data.",
    "Knowledge transfer: regular sessions and documentation, so what the provider's team "
    "learns about your work flows back to you.",
    "Confidentiality and conflicts of interest: the vendor must not serve competitors "
    "on the same work without safeguards.",
    "Keep in-house competence: a small internal team able to judge the work and take it back.",
)
# Keeping distinctive work (Quinn & Hilmer 1994; Mudambi & Tallman 2010): the
# knowledge stays only if the people do, and the build must be worth its cost.
IN_HOUSE = _items(
    Category.IN_HOUSE,
    "A build or hire plan: roles, skills, budget and timeline.",
    "Employee IP and confidentiality terms: the firm owns what its people create.",
    "Internal access controls: only the people who need the work's know-how and data can reach it.",
    "Keeping key people: succession, documentation and retention for the experts the "
    "work depends on.",
    "Build cost vs a KPO quote: compare what keeping it costs with what a KPO provider "
    "would charge.",
    "Revisit outsourcing non-distinctive sub-tasks (e.g. routine parts through BPO).",
)
CLOSE_CALL = _items(
    Category.DECISION,
    "It's a close call: consider a pilot, a hybrid or a partnership before committing "
    "(keep the distinctive part, outsource the rest).",
)
CLOSE_CALL_BPO_KPO = _items(
    Category.DECISION,
    "It's a close call: consider a pilot, or a hybrid that sends the routine part to BPO "
    "and the judgement part to KPO, before committing.",
)
# Source: "Do your due diligence, read some more, ask questions, and make sure you
# strike the best deal you possibly can."
DUE_DILIGENCE = _items(
    Category.DUE_DILIGENCE,
    "Do your due diligence: compare several vendors, ask questions, check references and "
    "strike the best deal you can.",
)
DUE_DILIGENCE_IN_HOUSE = _items(
    Category.DUE_DILIGENCE,
    "Do your due diligence: read some more, ask questions, and test the build plan "
    "against what outsourcing would really cost before you commit.",
)

# Sector controls (not from our source: standard practice, named so the user can
# check which applies). Chosen from the answers and the process's own words, and
# each says why it was chosen.
_CARD_WORDS = re.compile(
    r"\b(?:credit|debit|payment|bank)[ -]?cards?\b|\bcard (?:payments?|data|details|numbers?)\b"
    r"|\bcheckout\b|\bpci\b|\b(?:takes?|taking|process\w*) (?:card )?payments\b",
    re.IGNORECASE,
)
_HEALTH_WORDS = re.compile(
    r"\b(?:patients?|health\w*|medical|clinic\w*|hospitals?|care homes?|pharma\w*|"
    r"diagnos\w*|hipaa|prescriptions?)\b",
    re.IGNORECASE,
)


def _card_data(process: str) -> ChecklistItem:
    return ChecklistItem(
        Category.SECURITY,
        f"Card data (\u201c{process}\u201d involves card payments): whoever handles card "
        "numbers must comply with PCI DSS; ask for the attestation of compliance, or keep "
        "card numbers out of reach with a payment provider's tokenisation.",
    )


def _health_data(process: str) -> ChecklistItem:
    return ChecklistItem(
        Category.SECURITY,
        f"Health records (\u201c{process}\u201d involves health data): in the US a HIPAA "
        "business associate agreement; elsewhere your local health-data rules (in the EU, "
        "GDPR's stricter rules for health data).",
    )


def _personal_data(why: str, outsourcing: bool) -> ChecklistItem:
    agreement = (
        " and a data processing agreement with the provider that says so" if outsourcing else ""
    )
    return ChecklistItem(
        Category.SECURITY,
        f"Personal data ({why}): GDPR or your local data-protection law applies: where the "
        f"data is stored, who processes it, retention and deletion{agreement}.",
    )


def sector_controls(answers: Answers, outsourcing: bool) -> tuple[ChecklistItem, ...]:
    """Card data -> PCI DSS, health records -> HIPAA or the local equivalent,
    personal data -> GDPR and a data processing agreement; each with its reason."""
    process = answers.process or ""
    items = []
    if _CARD_WORDS.search(process):
        items.append(_card_data(process))
    if _HEALTH_WORDS.search(process):
        items.append(_health_data(process))
    # Only what the user told us: more sensitive data, or a process that names
    # card or health data, can only ever add these items.
    if items:
        items.append(_personal_data("card and health data are personal data", outsourcing))
    elif answers.sensitivity in (Sensitivity.MEDIUM, Sensitivity.HIGH):
        items.append(_personal_data("you said the data is sensitive", outsourcing))
    return tuple(items)


# A hybrid split lives or dies by its seam (Aron & Singh 2005: codifiable work
# is managed through service levels, judgement work is not): where the line
# runs, how work crosses it, and who answers for the result.
def _hybrid(keeper: str) -> tuple[ChecklistItem, ...]:
    return _items(
        Category.HYBRID,
        f"Draw the line: write down which tasks go to the BPO (routine, rule-based volume) "
        f"and which stay with {keeper}, with examples of each.",
        "The hand-off: how work passes between the two (queues, turnaround, escalation) and "
        "who decides a case that doesn't fit the procedures.",
        "Who owns quality: one owner for the end result across both parts, with the BPO's "
        "service levels feeding into it.",
        f"Share only what the routine part needs: the BPO gets the procedures and data for "
        f"its tasks, not the know-how that stays with {keeper}.",
    )


_KEEPERS = {Model.IN_HOUSE: "your own team", Model.KPO: "a KPO provider"}

_BY_MODEL = {Model.BPO: BPO, Model.KPO: KPO, Model.IN_HOUSE: IN_HOUSE}


def needs_security(answers: Answers) -> bool:
    return answers.sensitivity in (Sensitivity.MEDIUM, Sensitivity.HIGH) or answers.core in (
        Core.CORE,
        Core.IMPORTANT,
    )


def build_checklist(
    answers: Answers,
    recommended: Model | None,
    close_call: bool = False,
    runner_up: Model | None = None,
    tied: bool = False,
    hybrid_keeps: Model | None = None,
) -> tuple[ChecklistItem, ...]:
    """The checklist for a recommendation (empty when nothing is answered).

    In a tie the runner-up's items are listed too, since neither is ahead. A
    hybrid split (BPO for the routine volume, `hybrid_keeps` for the rest) gets
    its own items, then those of both parts."""
    if recommended is None:
        return ()
    models = [recommended] + ([runner_up] if tied and runner_up is not None else [])
    if hybrid_keeps is not None:
        models = [Model.BPO, hybrid_keeps]
    outsourcing = any(m is not Model.IN_HOUSE for m in models)
    items: list[ChecklistItem] = []
    sector = sector_controls(answers, outsourcing)
    if needs_security(answers) or sector:
        items += SECURITY + sector + (SECURITY_VENDOR if outsourcing else ())
    if answers.sensitivity is Sensitivity.HIGH:
        items += SECURITY_HIGH
    if hybrid_keeps is not None:
        items += _hybrid(_KEEPERS[hybrid_keeps])
    for model in models:
        items += _BY_MODEL[model]
    if close_call and hybrid_keeps is None:  # a split is already the answer to it
        keep_or_not = Model.IN_HOUSE in (recommended, runner_up)
        items += CLOSE_CALL if keep_or_not or runner_up is None else CLOSE_CALL_BPO_KPO
    items += DUE_DILIGENCE if outsourcing else DUE_DILIGENCE_IN_HOUSE
    return tuple(items)


def checklist_sections(items: tuple[ChecklistItem, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(heading, texts) for each category that has items, in category order."""
    sections = []
    for category in Category:
        texts = tuple(item.text for item in items if item.category is category)
        if texts:
            sections.append((category.heading, texts))
    return tuple(sections)
