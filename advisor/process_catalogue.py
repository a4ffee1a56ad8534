"""Common business processes, their synonyms and the model they typically go to.

The ten functions the source names come first (BPO: HR, customer care, technical
support, finance, accounting, website services; KPO: R&D, management consulting,
data analytics and interpretation, legal services, investment research); the
rest are widely accepted industry examples of the same two kinds of work.

Synonyms are written in base form ("call centre"): matching is by lemma, so
plurals and inflections ("call centres", "investment researches") match too.
`weak` synonyms are too ambiguous on their own ("books", "legal") and only count
when the user is clearly naming a process (answering the process question, or
"we want to outsource <X>").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from advisor.sourcing import Model


@dataclass(frozen=True)
class ProcessEntry:
    name: str  # canonical slot value
    typical: Model  # BPO or KPO, per the source / industry practice
    synonyms: tuple[str, ...]
    weak: tuple[str, ...] = ()
    note: str = ""  # completes "<name> is typically outsourced through <model>: <note>"


_B, _K = Model.BPO, Model.KPO

CATALOGUE: tuple[ProcessEntry, ...] = (
    # --- BPO-typical (source: "BPO is most often employed in low-risk tasks ...")
    ProcessEntry(
        "human resources",
        _B,
        (
            "human resources",
            "human resource",
            "hr",
            "hr administration",
            "hr admin",
            "personnel administration",
            "employee administration",
            "benefits administration",
            "hr services",
            "onboarding",
        ),
        note="the source names it among typical BPO services",
    ),
    ProcessEntry(
        "payroll",
        _B,
        (
            "payroll",
            "payroll processing",
            "payroll administration",
            "payslip",
            "salary processing",
            "wage processing",
        ),
        weak=("salaries", "wages"),
        note="rule-based, high-volume HR administration",
    ),
    ProcessEntry(
        "recruitment",
        _B,
        (
            "recruitment",
            "recruiting",
            "recruitment process outsourcing",
            "rpo",
            "staffing",
            "talent acquisition",
            "cv screening",
            "resume screening",
            "candidate screening",
        ),
        note="recruitment process outsourcing is part of HR outsourcing",
    ),
    ProcessEntry(
        "customer care",
        _B,
        (
            "customer care",
            "customer service",
            "customer support",
            "client support",
            "client service",
            "call centre",
            "call center",
            "contact centre",
            "contact center",
            "help desk",
            "helpdesk",
            "chat support",
            "live chat",
            "email support",
            "phone support",
            "customer enquiry",
            "customer inquiry",
            "complaint handling",
            "complaints handling",
            "inbound call",
        ),
        note="the source names it among typical BPO services",
    ),
    ProcessEntry(
        "technical support",
        _B,
        (
            "technical support",
            "tech support",
            "it support",
            "information technology support",
            "service desk",
            "it service desk",
            "it helpdesk",
            "it help desk",
            "information technology helpdesk",
            "information technology help desk",
            "technical helpdesk",
            "technical help desk",
            "desktop support",
            "it operations",
            "it department",
            "it services",
            "it team",
            "it infrastructure support",
        ),
        note="the source names technical support among typical BPO services",
    ),
    ProcessEntry(
        "finance",
        _B,
        (
            "finance",
            "finance function",
            "finance operations",
            "financial operations",
            "finance and accounting",
            "f&a",
            "financial administration",
            "treasury operations",
        ),
        note="the source names it among typical BPO services",
    ),
    ProcessEntry(
        "accounting",
        _B,
        (
            "accounting",
            "accountancy",
            "bookkeeping",
            "book keeping",
            "accounts payable",
            "accounts receivable",
            "invoicing",
            "billing",
            "expense processing",
            "expense management",
            "general ledger",
            "reconciliation",
            "bank reconciliation",
            "month end close",
            "credit control",
            "debt collection",
        ),
        weak=("books", "our books", "accounts", "invoices"),
        note="the source names it among typical BPO services",
    ),
    ProcessEntry(
        "website services",
        _B,
        (
            "website services",
            "website service",
            "web services",
            "website maintenance",
            "web maintenance",
            "site maintenance",
            "web hosting",
            "website hosting",
            "website management",
            "web management",
            "website updates",
            "website support",
            "web support",
            "website administration",
            "webmaster",
        ),
        weak=("website", "web site", "our website"),
        note="the source names website services among typical BPO services",
    ),
    ProcessEntry(
        "data entry",
        _B,
        (
            "data entry",
            "data capture",
            "data input",
            "document processing",
            "form processing",
            "document digitisation",
            "document digitization",
            "data cleansing",
        ),
        note="classic high-volume, rule-based work",
    ),
    ProcessEntry(
        "claims processing",
        _B,
        (
            "claims processing",
            "claim processing",
            "claims handling",
            "claim handling",
            "claims administration",
            "insurance claims",
        ),
        note="rule-based, volume-driven insurance back office",
    ),
    ProcessEntry(
        "order processing",
        _B,
        (
            "order processing",
            "order management",
            "order entry",
            "order handling",
            "order fulfilment",
            "order fulfillment",
        ),
        note="transactional back-office work",
    ),
    ProcessEntry(
        "back-office administration",
        _B,
        (
            "back office",
            "back office administration",
            "back office admin",
            "back office support",
            "office administration",
            "administrative support",
            "admin support",
            "document management",
            "records management",
        ),
        weak=("admin", "administration", "paperwork"),
        note="the source's non-primary back-office operations",
    ),
    ProcessEntry(
        "telemarketing",
        _B,
        (
            "telemarketing",
            "telesales",
            "outbound call",
            "outbound sales",
            "cold calling",
            "lead generation",
            "appointment setting",
        ),
        note="scripted, volume-driven front-office work",
    ),
    ProcessEntry(
        "procurement",
        _B,
        (
            "procurement",
            "purchasing",
            "procure to pay",
            "purchase order processing",
            "supplier onboarding",
        ),
        note="transactional purchasing is a common BPO service",
    ),
    ProcessEntry(
        "transcription",
        _B,
        ("transcription", "medical transcription", "audio transcription", "captioning"),
        note="rule-based, volume-driven work",
    ),
    ProcessEntry(
        "content moderation",
        _B,
        ("content moderation", "content review", "trust and safety"),
        note="guideline-driven review at volume",
    ),
    # --- KPO-typical (source: "Some of the services usually outsourced this way ...")
    ProcessEntry(
        "research and development",
        _K,
        (
            "research and development",
            "r&d",
            "research & development",
            "product research",
            "product development",
            "new product development",
            "rnd",
        ),
        note="the source names it among typical KPO services",
    ),
    ProcessEntry(
        "management consulting",
        _K,
        (
            "management consulting",
            "strategy consulting",
            "strategic consulting",
            "business consulting",
            "consultancy",
            "strategy consultancy",
            "management consultancy",
            "strategic planning",
        ),
        weak=("consulting", "strategy"),
        note="the source names it among typical KPO services",
    ),
    ProcessEntry(
        "data analytics",
        _K,
        (
            "data analytics",
            "data analysis",
            "analytics",
            "business intelligence",
            "data interpretation",
            "data science",
            "market research",
            "business analytics",
            "predictive analytics",
            "predictive modelling",
            "predictive modeling",
            "marketing analytics",
            "business research",
            "competitive intelligence",
        ),
        note="the source names data analytics and interpretation among typical KPO services",
    ),
    ProcessEntry(
        "legal services",
        _K,
        (
            "legal services",
            "legal service",
            "legal work",
            "legal process outsourcing",
            "lpo",
            "contract review",
            "contract drafting",
            "contract management",
            "legal research",
            "paralegal work",
            "paralegal services",
            "patent research",
            "patent filing",
            "patent drafting",
            "ip research",
            "intellectual property research",
            "litigation support",
            "legal document review",
            "legal department",
        ),
        weak=("legal", "contracts", "paralegal"),
        note="the source names it among typical KPO services",
    ),
    ProcessEntry(
        "tax advisory",
        _K,
        (
            "tax advisory",
            "tax advice",
            "tax consulting",
            "tax consultancy",
            "tax planning",
            "international tax",
            "transfer pricing",
        ),
        note="specialist advice needing qualified experts, like the source's KPO examples",
    ),
    ProcessEntry(
        "investment research",
        _K,
        (
            "investment research",
            "equity research",
            "financial research",
            "financial analysis",
            "financial modelling",
            "financial modeling",
            "valuation",
            "credit research",
            "credit analysis",
            "fund research",
            "portfolio analysis",
            "investment analysis",
            "due diligence research",
        ),
        note="the source names it among typical KPO services",
    ),
    ProcessEntry(
        "clinical research",
        _K,
        (
            "clinical research",
            "clinical trial",
            "clinical data management",
            "medical research",
            "medical writing",
            "pharmacovigilance",
            "biostatistics",
        ),
        note="pharma and healthcare research is a widely recognised KPO segment",
    ),
    ProcessEntry(
        "engineering services",
        _K,
        (
            "engineering services",
            "engineering design",
            "design engineering",
            "engineering analysis",
            "structural engineering",
            "product engineering",
            "engineering drawing",
        ),
        note="design by qualified engineers, a widely recognised KPO segment",
    ),
)

_BY_PHRASE: dict[str, ProcessEntry] = {}
for _entry in CATALOGUE:
    for _phrase in (_entry.name, *_entry.synonyms, *_entry.weak):
        _BY_PHRASE.setdefault(_phrase, _entry)


def lookup(process: str | None) -> ProcessEntry | None:
    """The entry whose name or synonym is `process`, or is contained in it as whole
    words (no NLP: cheap enough for scoring). The process slot keeps the user's own words;
    free-text matching in a whole message lives in `reading.process_matcher`."""
    if not process:
        return None
    key = re.sub(r"[\s\-]+", " ", process.strip().lower())
    return _BY_PHRASE.get(key) or _containing(key)


# Longest phrases first, so "hr administration" wins over "hr".
_PHRASES_LONGEST_FIRST = sorted(_BY_PHRASE, key=len, reverse=True)


def _containing(key: str) -> ProcessEntry | None:
    """The entry whose name or (strong) synonym the user's own words contain as whole
    words, plural allowed: "our call centres" -> customer care."""
    for phrase in _PHRASES_LONGEST_FIRST:
        entry = _BY_PHRASE[phrase]
        if phrase in entry.weak:
            continue
        if re.search(rf"(?<![\w-]){re.escape(phrase)}(?:s|es)?(?![\w-])", key):
            return entry
    return None


def by_name(name: str) -> ProcessEntry:
    return next(entry for entry in CATALOGUE if entry.name == name)
