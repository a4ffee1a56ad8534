"""Free-text answers: varied phrasings per slot, written from the concepts (what
"core", "routine", "professional", ... mean), not from the parser's patterns.

Each case: (message, slot being asked or None, what must be found). A value of
None means the slot must NOT be filled; an empty dict means nothing at all.
"""
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.answer_parser import parse_answers
from advisor.answers import ANSWER_SLOTS, Slot, values_of


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
    ("it's fundamental to our operations but our competitors do exactly the same", None,
     {"core": "important"}),
    ("we'd be in trouble without it but it's not what we're known for", None, {"core": "important"}),
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
    ("you don't need a degree, just some technical certification", None,
     {"qualifications": "technical"}),
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
    ("complx and needs proffesional qualifcations", None,
     {"complexity": "expert", "qualifications": "professional"}),
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
    ("we want to outsource our warehouse logistics because it's routine", None,
     {"process": "warehouse logistics", "complexity": "routine"}),
    ("payroll and accounting", "process", {"process": "payroll and accounting"}),
    ("it supports our sales team", None, {"process": None}),
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
    ("We'd like to outsource payroll. It's not core, very routine, basic skills, but it handles "
     "sensitive employee data and we mainly want to cut costs", None,
     {"process": "payroll", "core": "supporting", "complexity": "routine",
      "qualifications": "basic", "sensitivity": "high", "goal": "cost"}),
    ("Our customer service team handles complaints from a script; anyone can do it after a short "
     "induction. There's customer PII involved. We need to handle holiday peaks.", None,
     {"process": "customer care", "complexity": "routine", "qualifications": "basic",
      "sensitivity": "high", "goal": "flexibility"}),
    ("We are a boutique investment firm; our equity research is why clients pick us. It takes CFA "
     "charterholders and deep judgement, and the models are proprietary. We simply can't find "
     "enough analysts.", None,
     {"process": "investment research", "core": "core", "complexity": "expert",
      "qualifications": "professional", "sensitivity": "high", "goal": "expertise"}),
    ("Thinking of outsourcing our IT helpdesk: it's operationally critical but not unique, tickets "
     "are mostly scripted, staff need ITIL certs, some employee data, and we need 24/7 coverage",
     None, {"process": "technical support", "core": "important", "complexity": "routine",
            "qualifications": "technical", "sensitivity": "medium", "goal": "flexibility"}),
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


def test_parsing_is_fast_after_loading():
    parse_answers("warm up")
    message = "We'd like to outsource payroll; not core, very routine, sensitive data, cut costs"
    timings = []
    for _ in range(30):  # best of 30: robust to a busy machine
        start = time.perf_counter()
        parse_answers(message, expected="core")
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.005
