"""Business situations for whole assessments in free text, shared by the assessment
tests and the benchmark (bench/conversations.py)."""

# Business situations, answered the way people type. The expected model is a
# consultant's call from the source and the literature, not the engine's output.
SITUATIONS = {
    "call centre for an online shop": (
        "BPO",
        [
            "We're thinking about outsourcing our customer support call centre",
            "no, it's just something we have to do, not what we're known for",
            "mostly scripted answers to common questions",
            "a couple of days of training is enough",
            "they see customer names and addresses",
            "we mainly want to cut costs",
        ],
    ),
    "investment research at an asset manager": (
        "KPO",
        [
            "Can you help us decide how to outsource our investment research?",
            "it's important for us, but honestly our competitors all do the same",
            "it's deep analysis that needs expert judgement",
            "CFA charterholders and experienced analysts",
            "highly confidential client portfolios",
            "we simply don't have enough analysts with that expertise",
        ],
    ),
    "drug discovery at a biotech": (
        "in-house",
        [
            "should we outsource our drug discovery R&D?",
            "it's our secret sauce, it's what sets us apart",
            "very complex, needs expert scientific judgement",
            "PhD scientists",
            "our patents and trade secrets are all in there",
            "honestly mostly to save money",
        ],
    ),
    "payroll at a retailer": (
        "BPO",
        [
            "help me decide for payroll",
            "necessary but not what we're known for",
            "very routine and rule based",
            "basic skills",
            "highly sensitive employee salary and bank data",
            "lower costs",
        ],
    ),
    "contract review at a manufacturer": (
        "KPO",
        [
            "we want to outsource contract review",
            "it's a supporting function for us",
            "each contract needs expert legal judgement",
            "qualified lawyers",
            "confidential supplier contracts",
            "we lack in-house legal expertise",
        ],
    ),
    "invoice data entry": (
        "BPO",
        [
            "which model fits for data entry of paper invoices?",
            "not core at all",
            "repetitive and simple",
            "no special skills needed",
            "nothing sensitive really",
            "we'd like specialised expertise",
        ],
    ),
    "market analytics at a consumer brand": (
        "KPO",
        [
            "I need advice on outsourcing market research and data analytics",
            "important for us but competitors do it too",
            "requires a lot of interpretation and analysis",
            "analysts with statistics degrees",
            "somewhat sensitive",
            "so our team can focus on the core business",
        ],
    ),
}


# One whole assessment by button payloads (slot, value), a clear KPO case: the tests
# and the benchmark send it as "/inform{...}" after "/start_assessment".
BUTTON_ANSWERS = [
    ("process", "investment research"),
    ("core", "core"),
    ("complexity", "expert"),
    ("qualifications", "professional"),
    ("sensitivity", "high"),
    ("goal", "expertise"),
]
