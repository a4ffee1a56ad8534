"""Process catalogue and its spaCy PhraseMatcher (lemma-based, offline)."""

import pytest

from advisor.process_catalogue import CATALOGUE, lookup
from advisor.reading.process_matcher import find_processes
from advisor.reading.text import normalise
from advisor.sourcing import Model


def names(text):
    return [m.entry.name for m in find_processes(normalise(text)) if not m.weak]


def test_catalogue_holds_the_sources_examples_with_their_typical_model():
    typical = {e.name: e.typical for e in CATALOGUE}
    for name in (
        "human resources",
        "customer care",
        "technical support",
        "finance",
        "accounting",
        "website services",
    ):
        assert typical[name] is Model.BPO  # source: "BPO is most often employed in ..."
    for name in (
        "research and development",
        "management consulting",
        "data analytics",
        "legal services",
        "investment research",
    ):
        assert typical[name] is Model.KPO  # source: "services usually outsourced this way"


def test_entries_are_well_formed():
    seen = set()
    for entry in CATALOGUE:
        assert entry.name == entry.name.lower() and entry.synonyms and entry.note
        assert entry.typical in (Model.BPO, Model.KPO)
        assert entry.name not in seen
        seen.add(entry.name)


@pytest.mark.parametrize(
    "text,name",
    [
        ("call centres", "customer care"),
        ("Customer-Support", "customer care"),
        ("our contact centers", "customer care"),
        ("Payroll", "payroll"),
        ("investment researches", "investment research"),
        ("IT support", "technical support"),
        ("the service desk", "technical support"),
        ("accounts payable", "accounting"),
        ("R & D", "research and development"),
        ("data analyses", "data analytics"),
        ("business intelligence", "data analytics"),
        ("legal research", "legal services"),
        ("equity research", "investment research"),
        ("web hosting", "website services"),
        ("claims handling", "claims processing"),
        ("clinical trials", "clinical research"),
        ("engineering design work", "engineering services"),
    ],
)
def test_matches_synonyms_and_inflections(text, name):
    assert names(text) == [name]


@pytest.mark.parametrize(
    "text", ["it supports our team", "we take it into account", "our staff", "hire experts"]
)
def test_broad_lemmas_do_not_match(text):
    assert names(text) == []


def test_weak_synonyms_are_flagged():
    matches = find_processes(normalise("our Books"))
    assert [(m.entry.name, m.weak) for m in matches] == [("accounting", True)]


def test_exact_lookup_without_nlp():
    assert lookup("Customer Service").name == "customer care"
    assert lookup("warehouse logistics") is None and lookup(None) is None


def test_a_lead_in_before_the_process_name_is_not_part_of_it() -> None:
    from advisor.reading.answer_parser import read_answers

    found = read_answers("The process in question is pallet label printing.", "process")
    assert found.found.get("process") == "pallet label printing"
