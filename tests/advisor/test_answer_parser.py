"""Free-text answers: varied phrasings per slot, written from the concepts (what
"core", "routine", "professional", ... mean), not from the parser's patterns.

Each case: (message, slot being asked or None, what must be found). A value of
None means the slot must NOT be filled; an empty dict means nothing at all.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.answers import ANSWER_SLOTS, Slot, values_of
from advisor.reading.answer_parser import parse_answers


def check(message, expected, want):
    found = parse_answers(message, expected=expected)
    if want == {}:
        assert found == {}, found
    for slot, value in want.items():
        assert found.get(slot) == value, (slot, found)


CORE = [
    ("It's a supporting function, nothing strategic", None, {"core": "supporting"}),
    ("Honestly it's just admin", None, {"core": "supporting"}),
    ("every company has to do it, it's not what we're known for", None, {"core": "supporting"}),
    ("It's non-core", None, {"core": "supporting"}),
    ("not part of our core business", None, {"core": "supporting"}),
    ("back-office admin", None, {"core": "supporting"}),
    ("doesn't set us apart", None, {"core": "supporting"}),
    ("it's just a cost centre", None, {"core": "supporting", "goal": None}),
    ("It's central to what makes us unique", None, {"core": "core"}),
    ("this is our competitive advantage", None, {"core": "core"}),
    ("it's what sets us apart", None, {"core": "core"}),
    ("our secret sauce", None, {"core": "core"}),
    ("clients choose us because of it", None, {"core": "core"}),
    ("That's the heart of our business", None, {"core": "core"}),
    ("It's our bread and butter", None, {"core": "core"}),
    ("mission critical but not unique", None, {"core": "important"}),
    ("important but not core", None, {"core": "important"}),
    ("we can't operate without it but it's not special", None, {"core": "important"}),
    (
        "it's fundamental to our operations but our competitors do exactly the same",
        None,
        {"core": "important"},
    ),
    (
        "we'd be in trouble without it but it's not what we're known for",
        None,
        {"core": "important"},
    ),
    ("It is important that we cut costs", None, {"core": None, "goal": "cost"}),
    ("I'm not sure if it's core", None, {"core": None}),
    ("yes", "core", {"core": "core"}),
    ("no, not really", "core", {"core": "supporting"}),
    ("somewhat", "core", {"core": "important"}),
    ("the second one", "core", {"core": "important"}),
]

COMPLEXITY = [
    ("pretty routine, mostly scripted", "complexity", {"complexity": "routine"}),
    ("The work follows a strict checklist", None, {"complexity": "routine"}),
    ("very repetitive, same steps every day", None, {"complexity": "routine"}),
    ("it's high volume transactional work", None, {"complexity": "routine"}),
    ("could easily be documented as procedures", None, {"complexity": "routine"}),
    ("our agents answer from a script", None, {"complexity": "routine"}),
    ("not very complex", None, {"complexity": "routine"}),
    ("it's not complicated", None, {"complexity": "routine"}),
    ("no real judgement needed", None, {"complexity": "routine"}),
    ("not rocket science", None, {"complexity": "routine"}),
    ("needs expert judgement", None, {"complexity": "expert"}),
    ("it requires a lot of analysis and interpretation", None, {"complexity": "expert"}),
    ("every case is different and needs careful judgement", None, {"complexity": "expert"}),
    ("knowledge-intensive", None, {"complexity": "expert"}),
    ("it isn't routine at all", None, {"complexity": "expert"}),
    ("it's fairly complex", None, {"complexity": "mixed"}),
    ("mostly routine but some cases need judgement", None, {"complexity": "mixed"}),
    ("a mix of routine and specialist work", None, {"complexity": "mixed"}),
    ("not entirely routine", None, {"complexity": "mixed"}),
    ("kind of in between", "complexity", {"complexity": "mixed"}),
    ("yes", "complexity", {"complexity": "expert"}),
    ("nope", "complexity", {"complexity": "routine"}),
    ("not really", "complexity", {"complexity": "routine"}),
    ("high", "complexity", {"complexity": "expert"}),
    ("1", "complexity", {"complexity": "routine"}),
]

QUALIFICATIONS = [
    ("lawyers", "qualifications", {"qualifications": "professional"}),
    ("PhD", None, {"qualifications": "professional"}),
    ("CFA charterholders", None, {"qualifications": "professional"}),
    ("chartered accountants", None, {"qualifications": "professional"}),
    ("our staff need a law degree", None, {"qualifications": "professional"}),
    ("needs medical doctors", None, {"qualifications": "professional"}),
    ("certified technicians", None, {"qualifications": "technical"}),
    ("needs people with IT certifications", None, {"qualifications": "technical"}),
    (
        "you don't need a degree, just some technical certification",
        None,
        {"qualifications": "technical"},
    ),
    ("no experience needed", None, {"qualifications": "basic"}),
    ("entry-level", None, {"qualifications": "basic"}),
    ("doesn't need any degree", None, {"qualifications": "basic"}),
    ("no special skills", None, {"qualifications": "basic"}),
    ("anyone can learn it in a week", None, {"qualifications": "basic"}),
    ("low skilled staff", None, {"qualifications": "basic"}),
    ("they don't need to be lawyers", None, {"qualifications": "basic"}),
    ("nothing special", "qualifications", {"qualifications": "basic"}),
    ("low", "qualifications", {"qualifications": "basic"}),
    ("yes", "qualifications", {}),  # "yes" says nothing about which qualification
    # A skill, not the management attention that is a reason to outsource.
    (
        "anyone with decent attention to detail could do it",
        "qualifications",
        {"qualifications": "basic", "goal": None},
    ),
]

SENSITIVITY = [
    ("highly confidential client data", None, {"sensitivity": "high"}),
    ("it holds patient health records", None, {"sensitivity": "high"}),
    ("bank details and salaries", None, {"sensitivity": "high"}),
    ("our trade secrets and source code", None, {"sensitivity": "high"}),
    ("it contains GDPR-regulated customer data", None, {"sensitivity": "high"}),
    ("it would be a disaster if it leaked", None, {"sensitivity": "high"}),
    ("public info", "sensitivity", {"sensitivity": "low"}),
    ("it's all public information", None, {"sensitivity": "low"}),
    ("isn't sensitive", None, {"sensitivity": "low"}),
    ("nothing confidential", None, {"sensitivity": "low"}),
    ("only anonymised aggregated figures", None, {"sensitivity": "low"}),
    ("it's not very sensitive", None, {"sensitivity": "low"}),
    ("somewhat sensitive", None, {"sensitivity": "medium"}),
    ("some of it is confidential", None, {"sensitivity": "medium"}),
    ("it's internal use only", None, {"sensitivity": "medium"}),
    ("medium sensitivity", None, {"sensitivity": "medium"}),
    ("We're a public company", None, {"sensitivity": None}),
    ("yes very", "sensitivity", {"sensitivity": "high"}),
    ("Nah", "sensitivity", {"sensitivity": "low"}),
    ("a bit", "sensitivity", {"sensitivity": "medium"}),
    ("Hmm, medium I guess", "sensitivity", {"sensitivity": "medium"}),
    ("probably not", "sensitivity", {"sensitivity": "low"}),
]

GOAL = [
    ("save money", None, {"goal": "cost"}),
    ("we want to reduce our operating costs", None, {"goal": "cost"}),
    ("it's too expensive to do ourselves", None, {"goal": "cost"}),
    ("we'd save a lot on salaries", None, {"goal": "cost"}),
    ("we need to scale up and down", None, {"goal": "flexibility"}),
    ("we have seasonal peaks", None, {"goal": "flexibility"}),
    ("to cope with demand spikes without hiring", None, {"goal": "flexibility"}),
    ("we're short-staffed", None, {"goal": "flexibility"}),
    ("free our team to focus on what matters", None, {"goal": "focus"}),
    ("so we can concentrate on our core business", None, {"goal": "focus", "core": None}),
    ("take it off our plate", None, {"goal": "focus"}),
    ("we lack the experts", None, {"goal": "expertise"}),
    ("access to talent", None, {"goal": "expertise"}),
    ("we don't have the skills in-house", None, {"goal": "expertise"}),
    ("experts are hard to find", None, {"goal": "expertise"}),
    ("get better insights", None, {"goal": "expertise"}),
    ("cost isn't the issue, we need specialist expertise", None, {"goal": "expertise"}),
    ("it's not about saving money, we lack know-how", None, {"goal": "expertise"}),
    ("mainly cost, but flexibility would be nice too", None, {"goal": "cost"}),
    ("Mainly expertise, but cost matters too", "goal", {"goal": "expertise"}),
    ("cost and flexibility", None, {"goal": None}),  # two goals, no main one: ask again
    ("cost and expertise equally", "goal", {"goal": None, "complexity": None}),
    ("Focus on our core", "goal", {"goal": "focus", "core": None}),
    ("4", "goal", {"goal": "expertise"}),
    ("money", "goal", {"goal": "cost"}),
]

TYPOS = [
    ("routin", "complexity", {"complexity": "routine"}),
    ("confidental", None, {"sensitivity": "high"}),
    ("sensative", None, {"sensitivity": "high"}),
    ("repetative", None, {"complexity": "routine"}),
    (
        "complx and needs proffesional qualifcations",
        None,
        {"complexity": "expert", "qualifications": "professional"},
    ),
    ("flexability", None, {"goal": "flexibility"}),
    ("we are confident it's simple", None, {"complexity": "routine", "sensitivity": None}),
]

PROCESS = [
    ("warehouse logistics", "process", {"process": "warehouse logistics"}),
    ("call centres", "process", {"process": "customer care"}),
    ("our Books", "process", {"process": "accounting"}),
    ("customer-support", "process", {"process": "customer care"}),
    ("HR admin", "process", {"process": "human resources"}),
    ("investment researches", None, {"process": "investment research"}),
    ("equity research", None, {"process": "investment research"}),
    ("Our R&D lab", None, {"process": "research and development"}),
    ("IT service desk", None, {"process": "technical support"}),
    ("Should we outsource payroll?", None, {"process": "payroll"}),
    ("what about accounting?", "process", {"process": "accounting"}),
    ("We want to outsource the website", None, {"process": "website services"}),
    ("thinking of handing off our kennel cleaning rota", None, {"process": "kennel cleaning rota"}),
    ("we could offload the payroll runs", None, {"process": "payroll"}),
    (
        "we want to outsource our warehouse logistics because it's routine",
        None,
        {"process": "warehouse logistics", "complexity": "routine"},
    ),
    ("payroll and accounting", "process", {"process": "payroll and accounting"}),
    ("it supports our sales team", None, {"process": None}),
    # A reply that answers another question is that answer, not a typed process name.
    (
        "it's really mechanical, same steps every time",
        "process",
        {"process": None, "complexity": "routine"},
    ),
    ("payroll, pretty routine", "process", {"process": "payroll", "complexity": "routine"}),
]

NOT_ANSWERS = [
    ("what is kpo?", "process"),
    ("i don't know", "process"),
    ("hmm", "process"),
    ("stop", "process"),
    ("idk", "process"),
    ("yes", "process"),
    ("I want to talk to a human", "process"),
    ("Something else — type it", "process"),
    ("I want to outsource", "process"),
    ("Is outsourcing risky?", None),
    ("how does KPO handle sensitive data?", None),
    ("what do you mean by core?", "core"),
    ("why does that matter?", "sensitivity"),
    ("not sure", "core"),
    ("it depends", "sensitivity"),
    ("skip", "goal"),
    ("I have no idea", "sensitivity"),
]

WHOLE = [
    (
        "We'd like to outsource payroll. It's not core, very routine, basic skills, but it handles "
        "sensitive employee data and we mainly want to cut costs",
        None,
        {
            "process": "payroll",
            "core": "supporting",
            "complexity": "routine",
            "qualifications": "basic",
            "sensitivity": "high",
            "goal": "cost",
        },
    ),
    (
        "Our customer service team handles complaints from a script; anyone can do it after a "
        "short "
        "induction. There's customer PII involved. We need to handle holiday peaks.",
        None,
        {
            "process": "customer care",
            "complexity": "routine",
            "qualifications": "basic",
            "sensitivity": "high",
            "goal": "flexibility",
        },
    ),
    (
        "We are a boutique investment firm; our equity research is why clients pick us. It "
        "takes CFA "
        "charterholders and deep judgement, and the models are proprietary. We simply can't find "
        "enough analysts.",
        None,
        {
            "process": "investment research",
            "core": "core",
            "complexity": "expert",
            "qualifications": "professional",
            "sensitivity": "high",
            "goal": "expertise",
        },
    ),
    (
        "Thinking of outsourcing our IT helpdesk: it's operationally critical but not unique, "
        "tickets "
        "are mostly scripted, staff need ITIL certs, some employee data, and we need 24/7 coverage",
        None,
        {
            "process": "technical support",
            "core": "important",
            "complexity": "routine",
            "qualifications": "technical",
            "sensitivity": "medium",
            "goal": "flexibility",
        },
    ),
]


@pytest.mark.parametrize("message,expected,want", CORE)
def test_core(message, expected, want):
    check(message, expected, want)


@pytest.mark.parametrize("message,expected,want", COMPLEXITY)
def test_complexity(message, expected, want):
    check(message, expected, want)


@pytest.mark.parametrize("message,expected,want", QUALIFICATIONS)
def test_qualifications(message, expected, want):
    check(message, expected, want)


@pytest.mark.parametrize("message,expected,want", SENSITIVITY)
def test_sensitivity(message, expected, want):
    check(message, expected, want)


@pytest.mark.parametrize("message,expected,want", GOAL)
def test_goal(message, expected, want):
    check(message, expected, want)


@pytest.mark.parametrize("message,expected,want", TYPOS)
def test_typos(message, expected, want):
    check(message, expected, want)


@pytest.mark.parametrize("message,expected,want", PROCESS)
def test_process(message, expected, want):
    check(message, expected, want)


@pytest.mark.parametrize("message,expected", NOT_ANSWERS)
def test_questions_and_non_answers_give_nothing(message, expected):
    check(message, expected, {})


@pytest.mark.parametrize("message,expected,want", WHOLE)
def test_whole_assessment_in_one_message(message, expected, want):
    assert parse_answers(message, expected=expected) == want


# --- phrasings from a second review round: concepts the first lists missed ----

# Openers are usually questions; a catalogue process named in one still counts,
# a definition question or a free-text process inside a general question doesn't.
PROCESS_IN_QUESTIONS = [
    (
        "Can you help us decide how to outsource our investment research?",
        None,
        {"process": "investment research"},
    ),
    ("should we outsource our payroll?", None, {"process": "payroll"}),
    ("which model fits for our IT helpdesk?", None, {"process": "technical support"}),
    ("how would you handle bookkeeping?", None, {"process": "accounting"}),
    ("Is it a good idea to offshore our call centre?", None, {"process": "customer care"}),
    ("hey, thinking about outsourcing recruitment - BPO or KPO?", None, {"process": "recruitment"}),
    ("Could you assess our legal research for outsourcing?", None, {"process": "legal services"}),
    ("what should we do with our customer service?", None, {"process": "customer care"}),
    ("can you help with our HR?", None, {"process": "human resources"}),
    ("Hi! Would BPO make sense for our claims handling?", None, {"process": "claims processing"}),
    ("is it wise to outsource market research?", None, {"process": "data analytics"}),
    ("what is the best model for our payroll?", None, {"process": "payroll"}),
    ("Should we outsource payroll or accounting?", None, {"process": None}),  # two: don't pick
    ("what is data entry?", None, {}),  # asks for a definition
    ("what does payroll mean?", None, {}),
    ("how do you decide between BPO and KPO?", None, {}),
    ("We are looking at our data entry team.", None, {"process": "data entry"}),
]

SENSITIVITY_PLAIN_WORDS = [
    # contact and profile details: personal data, at least medium
    ("they see customer names and addresses", None, {"sensitivity": "medium"}),
    ("customer names and order history", None, {"sensitivity": "medium"}),
    ("they'd handle emails and phone numbers of our clients", None, {"sensitivity": "medium"}),
    ("customer email addresses", None, {"sensitivity": "medium"}),
    ("names and emails", None, {"sensitivity": "medium"}),
    ("we answer customer emails and phone calls", None, {"sensitivity": None}),  # the work
    ("no bank details, just names and emails", None, {"sensitivity": "medium"}),
    ("we store email addresses", None, {"sensitivity": "medium"}),
    ("brand names and logos", None, {"sensitivity": None}),
    ("IP addresses of servers", None, {"sensitivity": None}),
    # financial, health and identity data: high
    ("dates of birth and passport numbers", None, {"sensitivity": "high"}),
    ("it involves bank details", None, {"sensitivity": "high"}),
    ("they'd see everyone's salaries", None, {"sensitivity": "high"}),
    ("patient records", None, {"sensitivity": "high"}),
    ("medical records of our members", None, {"sensitivity": "high"}),
    ("medical histories", None, {"sensitivity": "high"}),
    ("credit card data", None, {"sensitivity": "high"}),
    ("Credit-card numbers pass through the system", None, {"sensitivity": "high"}),
    ("card numbers go through it", None, {"sensitivity": "high"}),
    ("social security numbers", None, {"sensitivity": "high"}),
    ("employees' home addresses and NI numbers", None, {"sensitivity": "high"}),
    ("purchase history and account details", None, {"sensitivity": "high"}),
    # A profile is personal data, not financial: medium; "no payment data" doesn't lower it.
    ("user emails + account info, no payment data tho", "sensitivity", {"sensitivity": "medium"}),
    ("names and student IDs, no grades", "sensitivity", {"sensitivity": "medium"}),
    # Openers that name what to assess; a generic object is not a process name.
    ("I'd like to assess our image editing", None, {"process": "image editing"}),
    ("could you evaluate the payroll function", None, {"process": "payroll"}),
    ("I'd like to assess one of our processes", None, {}),
    # People kept from the work only they can do: the focus reason.
    (
        "our associates should be doing real legal work, not reading emails",
        "goal",
        {"goal": "focus"},
    ),
    ("we should not do that", "goal", {}),
    # Half and half, or exceptions sent up the line: a mix.
    ("half scripted half real troubleshooting", "complexity", {"complexity": "mixed"}),
    (
        "mostly tagging; privilege calls get escalated to associates",
        "complexity",
        {"complexity": "mixed"},
    ),
    ("they need to be good in photoshop", "qualifications", {"qualifications": "technical"}),
    ("we want to outsource tax planning", None, {"process": "tax advisory"}),
    ("they see names, addresses and bank details", None, {"sensitivity": "high"}),
    ("ID numbers", "sensitivity", {"sensitivity": "high"}),
    ("Contains personal data of EU citizens", None, {"sensitivity": "high"}),
    ("GDPR applies", None, {"sensitivity": "high"}),
    ("it's regulated data", None, {"sensitivity": "high"}),
    ("lots of PII", None, {"sensitivity": "high"}),
    ("PHI, so HIPAA", None, {"sensitivity": "high"}),
    ("it's under HIPAA", None, {"sensitivity": "high"}),
    # low, and negations
    ("internal only", None, {"sensitivity": "low"}),
    ("just internal stuff", None, {"sensitivity": "low"}),
    ("nothing confidential really", None, {"sensitivity": "low"}),
    ("it's public website content", None, {"sensitivity": "low"}),
    ("marketing copy for our public website", None, {"sensitivity": "low"}),
    ("the data is anonymised", None, {"sensitivity": "low"}),
    ("the data's anonymized", None, {"sensitivity": "low"}),
    ("not really sensitive", None, {"sensitivity": "low"}),
    ("not particularly sensitive tbh", None, {"sensitivity": "low"}),
    ("no personal data at all", None, {"sensitivity": "low"}),
    ("It doesn't involve customer data", None, {"sensitivity": "low"}),
    ("not really sensitive, mostly public stuff", None, {"sensitivity": "low"}),
    ("The information is mostly harmless", None, {"sensitivity": "low"}),
    ("far from sensitive", None, {"sensitivity": "low"}),
    ("sensitivity: low", None, {"sensitivity": "low"}),
    ("a bit of both, some confidential stuff", "sensitivity", {"sensitivity": "medium"}),
]

QUALIFICATIONS_MORE = [
    # a short induction is basic, however it is said
    ("a few days of training is enough", None, {"qualifications": "basic"}),
    ("a couple of days of training", None, {"qualifications": "basic"}),
    ("on-the-job training", None, {"qualifications": "basic"}),
    ("an induction day and they're good to go", None, {"qualifications": "basic"}),
    ("school leavers", None, {"qualifications": "basic"}),
    ("high-school diploma", None, {"qualifications": "basic"}),
    ("they just need a high school diploma", None, {"qualifications": "basic"}),
    ("no degree needed", None, {"qualifications": "basic"}),
    ("no degree required, just common sense", None, {"qualifications": "basic"}),
    ("doesnt need a degree", None, {"qualifications": "basic"}),
    (
        "No formal qualifications, we train them ourselves in a fortnight",
        None,
        {"qualifications": "basic"},
    ),
    # certified tech roles
    ("Microsoft certified people", None, {"qualifications": "technical"}),
    ("Cisco certifications", None, {"qualifications": "technical"}),
    ("AWS certified engineers", None, {"qualifications": "technical"}),
    ("AWS certs", None, {"qualifications": "technical"}),
    ("Comptia A+ is enough", None, {"qualifications": "technical"}),
    ("IT certifications", None, {"qualifications": "technical"}),
    ("trained technicians", None, {"qualifications": "technical"}),
    ("they need to know Excel well", None, {"qualifications": "technical"}),
    ("mostly technical skills, some certs", None, {"qualifications": "technical"}),
    # professions, degrees, licences
    ("needs a CPA", None, {"qualifications": "professional"}),
    ("requires CPAs", None, {"qualifications": "professional"}),
    ("chartered accountants only", None, {"qualifications": "professional"}),
    ("doctors", None, {"qualifications": "professional"}),
    ("engineers with degrees", None, {"qualifications": "professional"}),
    ("an MBA at least", None, {"qualifications": "professional"}),
    ("PhD level scientists", None, {"qualifications": "professional"}),
    ("licensed", "qualifications", {"qualifications": "professional"}),
    ("staff must be licenced", None, {"qualifications": "professional"}),
    ("you need a licensed pharmacist", None, {"qualifications": "professional"}),
    ("they need to be qualified lawyers", None, {"qualifications": "professional"}),
    ("a university degree in finance", None, {"qualifications": "professional"}),
]

COMPLEXITY_MORE = [
    ("mostly routine", None, {"complexity": "routine"}),
    ("it's fairly routine", None, {"complexity": "routine"}),  # "fairly" only softens
    ("it's relatively simple", None, {"complexity": "routine"}),
    ("somewhat routine", None, {"complexity": "mixed"}),
    ("rules-based mostly, with the odd exception", None, {"complexity": "mixed"}),
    ("largely rule based with a few tricky cases", None, {"complexity": "mixed"}),
    ("a bit of both", "complexity", {"complexity": "mixed"}),
    ("pretty much the same every day", None, {"complexity": "routine"}),
    ("day in, day out the same", None, {"complexity": "routine"}),
    ("follows clear rules", None, {"complexity": "routine"}),
    ("very standardised", None, {"complexity": "routine"}),
    ("repetitve data work", None, {"complexity": "routine"}),
    ("not complex at all", None, {"complexity": "routine"}),
    ("requires a lot of judgment", None, {"complexity": "expert"}),
    ("it's complicated, lots of judgement calls", None, {"complexity": "expert"}),
    ("each client is unique and needs tailored analysis", None, {"complexity": "expert"}),
    ("no two days are the same", None, {"complexity": "expert"}),
    ("it's anything but routine", None, {"complexity": "expert"}),
    ("the work is highly specialised", None, {"complexity": "expert"}),
]

CORE_MORE = [
    ("nope not core", None, {"core": "supporting"}),
    ("it's not core at all", None, {"core": "supporting"}),
    ("just a back office thing", None, {"core": "supporting"}),
    ("nothing strategic about it", None, {"core": "supporting"}),
    ("a necessary evil", None, {"core": "supporting"}),
    ("pretty central to what we do", None, {"core": "core"}),
    ("it's core to our brand", None, {"core": "core"}),
    ("it is our core competency", None, {"core": "core"}),
    ("critical but every bank does it", None, {"core": "important"}),
    ("it's vital, but honestly everybody has one", None, {"core": "important"}),
    ("it's important, but not core", None, {"core": "important"}),
    ("it's essential to our operations", None, {"core": "important"}),
    ("a bit of both", "core", {"core": "important"}),
]

GOAL_MORE = [
    ("cut costs", None, {"goal": "cost"}),
    ("lower our overheads", None, {"goal": "cost"}),
    ("mostly about saving money", None, {"goal": "cost"}),
    ("cheaper labour", None, {"goal": "cost"}),
    ("cost mostly", "goal", {"goal": "cost"}),
    ("we need 24/7 cover", None, {"goal": "flexibility"}),
    ("our volumes swing a lot over the year", None, {"goal": "flexibility"}),
    ("to let our people concentrate on clients", None, {"goal": "focus"}),
    ("free up time for the partners", None, {"goal": "focus"}),
    ("it's eating management time", None, {"goal": "focus"}),
    ("we want access to specialist knowledge", None, {"goal": "expertise"}),
    ("mainly to access skills we don't have", None, {"goal": "expertise"}),
    ("our headcount is frozen", None, {}),
]

# A word that belongs to one slot must not leak into another.
NO_LEAKS = [
    ("we lack experts", None, {"goal": "expertise", "complexity": None}),
    ("we don't have enough experts in house", None, {"goal": "expertise", "complexity": None}),
    (
        "we lack experts, the work itself is simple",
        None,
        {"goal": "expertise", "complexity": "routine"},
    ),
    ("hiring experts is too expensive for us", None, {"complexity": None}),
    ("we need an expert partner", None, {"complexity": None}),
    ("it costs us a lot of time", None, {"goal": "focus"}),  # time, not money
    ("it takes time to learn the systems", None, {"goal": None}),
    ("90 days of training before they can work alone", None, {"qualifications": None}),
    ("the cost of errors is high", None, {"goal": None}),
]

WHOLE_MORE = [
    (
        "Should we outsource our payroll? It's not core, totally routine, a few days of "
        "training is "
        "enough, they see names, addresses and bank details, and we mainly want to save money.",
        None,
        {
            "process": "payroll",
            "core": "supporting",
            "complexity": "routine",
            "qualifications": "basic",
            "sensitivity": "high",
            "goal": "cost",
        },
    ),
    (
        "Our customer support: it's important but not unique. mostly scripted. school leavers "
        "can do "
        "it with on-the-job training. customer names and order history. we need to cope with "
        "seasonal "
        "peaks",
        None,
        {
            "process": "customer care",
            "core": "important",
            "complexity": "routine",
            "qualifications": "basic",
            "sensitivity": "medium",
            "goal": "flexibility",
        },
    ),
    (
        "how would you handle our legal research? It's core for us, needs lawyers and lots of "
        "judgement, highly confidential client documents, and honestly we lack experts.",
        None,
        {
            "process": "legal services",
            "core": "core",
            "complexity": "expert",
            "qualifications": "professional",
            "sensitivity": "high",
            "goal": "expertise",
        },
    ),
    (
        "IT helpdesk - supporting function, fairly routine, Microsoft certified techs, "
        "internal only "
        "data, want to free up our engineers to focus on product",
        None,
        {
            "process": "technical support",
            "core": "supporting",
            "complexity": "routine",
            "qualifications": "technical",
            "sensitivity": "low",
            "goal": "focus",
        },
    ),
    (
        "Hi there, we're a 200-person insurer. Thinking of outsourcing claims handling. It's "
        "important "
        "but not what sets us apart; mostly rules-based with the occasional tricky claim; a "
        "couple of "
        "days of training; policyholders' bank details and medical records; we want to scale with "
        "storm season peaks.",
        None,
        {
            "process": "claims processing",
            "core": "important",
            "complexity": "mixed",
            "qualifications": "basic",
            "sensitivity": "high",
            "goal": "flexibility",
        },
    ),
    (
        "payroll. non core. v routine. school leavers ok. salaries & bank details obvs. "
        "cheaper pls",
        None,
        {
            "process": "payroll",
            "core": "supporting",
            "complexity": "routine",
            "qualifications": "basic",
            "sensitivity": "high",
            "goal": "cost",
        },
    ),
]


@pytest.mark.parametrize(
    "message,expected,want",
    PROCESS_IN_QUESTIONS
    + SENSITIVITY_PLAIN_WORDS
    + QUALIFICATIONS_MORE
    + COMPLEXITY_MORE
    + CORE_MORE
    + GOAL_MORE
    + NO_LEAKS,
)
def test_more_phrasings(message, expected, want):
    check(message, expected, want)


@pytest.mark.parametrize("message,expected,want", WHOLE_MORE)
def test_more_whole_assessments(message, expected, want):
    assert parse_answers(message, expected=expected) == want


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=120), expected=st.sampled_from([None, *ANSWER_SLOTS, "bogus"]))
def test_any_text_gives_only_valid_values(text, expected):
    found = parse_answers(text, expected=expected)
    for slot, value in found.items():
        assert slot in ANSWER_SLOTS
        if slot == "process":
            assert 0 < len(value) <= 60 and "?" not in value
        else:
            assert value in values_of(Slot(slot))
