"""Every knowledge reply follows the source or marks what doesn't: the table in
docs/source-mapping.md covers every reply, quotes the source word for word, and
every claim it lists as "not from the source" is marked in the reply."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[2]
SOURCE = Path("/work/shared/source/bpo-vs-kpo.txt")
MARK = "not from our source"
KNOWLEDGE = re.compile(r"^utter_(?:faq/|about_|why_)")


def _flat(text):
    """Whitespace squeezed, but paragraph breaks kept."""
    return "\n\n".join(re.sub(r"\s+", " ", p).strip() for p in text.split("\n\n"))


def replies():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    return {
        name: " ".join(v["text"] for v in variants)
        for name, variants in domain["responses"].items()
        if KNOWLEDGE.match(name)
    }


def table():
    rows = {}
    for line in (ROOT / "docs" / "source-mapping.md").read_text().splitlines():
        match = re.match(r"^\| `([^`]+)` \| (.*) \| (.*) \|$", line)
        if match:
            name, sources, beyond = match.groups()
            rows[name] = (re.findall(r'"([^"]+)"', sources), re.findall(r'"([^"]+)"', beyond))
    return rows


def test_every_knowledge_reply_is_in_the_table_and_nothing_else():
    assert len(replies()) >= 26
    assert set(table()) == set(replies())


@pytest.mark.skipif(not SOURCE.exists(), reason="the shared source is not on this machine")
def test_every_quote_is_word_for_word_in_the_source():
    source = _flat(SOURCE.read_text())
    for name, (quotes, _) in table().items():
        assert quotes, f"{name}: rests on no source sentence"
        for quote in quotes:
            assert _flat(quote) in source, (name, quote)


def test_every_claim_beyond_the_source_is_marked_where_it_is_shown():
    texts = replies()
    for name, (_, beyond) in table().items():
        text = _flat(texts[name])
        for claim in beyond:
            at = text.find(_flat(claim))
            assert at >= 0, (name, claim)
            # The mark comes before the claim, in the same paragraph.
            paragraph = text[:at].rsplit("\n\n", 1)[-1]
            assert MARK in paragraph, (name, claim)
        if not beyond:
            assert MARK not in text, f"{name} is marked but the table lists nothing beyond"


# What the review found stated as fact with no basis in the source.
UNSOURCED_CLAIMS = ("bigger", "smaller than", "scale up or down", "scaling up", "call centres")


def test_known_unsourced_claims_never_appear_unmarked():
    for name, text in replies().items():
        for claim in UNSOURCED_CLAIMS:
            at = text.find(claim)
            if at >= 0:
                assert MARK in text[:at], (name, claim)


def test_the_checklist_says_its_standards_are_not_from_the_source():
    from advisor.answers import Answers
    from advisor.checklist import NOT_FROM_SOURCE_NOTE
    from advisor.explain import render_final
    from advisor.report import FinishedAssessment, build_report, to_markdown
    from advisor.scoring import score

    slots = {
        "process": "payroll",
        "core": "supporting",
        "complexity": "routine",
        "qualifications": "basic",
        "sensitivity": "high",
        "goal": "cost",
    }
    answers = Answers.from_slots(slots)
    assert NOT_FROM_SOURCE_NOTE in render_final(score(answers), answers)
    report = build_report(FinishedAssessment("r" * 12, slots, (), "2026-12-07"))
    assert NOT_FROM_SOURCE_NOTE in to_markdown(report)
