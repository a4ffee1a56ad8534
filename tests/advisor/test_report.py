"""The assessment report: what is kept, what the page, exports and charts show."""

import html
import itertools
import json
import re

import pytest

from advisor.answers import Answers, Slot, values_of
from advisor.report import (
    MAX_KEPT_ASSESSMENTS,
    FinishedAssessment,
    assessments_in,
    build_portfolio,
    build_report,
    portfolio_text,
    signed,
    to_json,
    to_markdown,
    with_assessment,
)
from advisor.report_slack import report_summary_blocks
from advisor.scoring import score
from advisor.sourcing import MODELS, Model
from channels.report_html import portfolio_page, report_page

PAYROLL = {
    "process": "payroll",
    "core": "supporting",
    "complexity": "routine",
    "qualifications": "basic",
    "sensitivity": "high",
    "goal": "cost",
}
RESEARCH = {
    "process": "R&D analytics",
    "core": "core",
    "complexity": "expert",
    "qualifications": "professional",
    "sensitivity": "medium",
    "goal": "expertise",
}


def finished(answers, report_id="abcdefgh12345678", assumed=()):
    return FinishedAssessment(report_id, answers, tuple(assumed), "2026-12-02")


def test_an_assessment_survives_the_slot_round_trip():
    kept = finished(PAYROLL, assumed=["goal"])
    assert FinishedAssessment.from_slot(kept.to_slot()) == kept


@pytest.mark.parametrize(
    "stored",
    [
        None,
        "abc",
        {"report_id": "../../etc", "answers": PAYROLL, "finished_on": "2026-12-02"},
        {"report_id": "abcdefgh12345678", "answers": PAYROLL, "finished_on": "yesterday"},
    ],
)
def test_malformed_stored_assessments_are_skipped(stored):
    assert assessments_in([stored, finished(PAYROLL).to_slot()]) == [finished(PAYROLL)]


def test_stored_answers_are_checked_like_any_other():
    stored = finished({**PAYROLL, "core": "<script>"}).to_slot()
    assert "core" not in FinishedAssessment.from_slot(stored).answers


def test_a_changed_answer_updates_the_report_in_place_and_the_history_is_bounded():
    first, second = finished(PAYROLL, "a" * 16), finished(RESEARCH, "b" * 16)
    changed = finished({**PAYROLL, "sensitivity": "low"}, "a" * 16)
    assert with_assessment([first, second], changed) == [changed, second]
    kept: list[FinishedAssessment] = []
    for n in range(MAX_KEPT_ASSESSMENTS + 3):
        kept = with_assessment(kept, finished(PAYROLL, f"report{n:04d}"))
    assert len(kept) == MAX_KEPT_ASSESSMENTS and kept[-1].report_id == "report0022"


CLOSED = (Slot.CORE, Slot.COMPLEXITY, Slot.QUALIFICATIONS, Slot.SENSITIVITY, Slot.GOAL)
COMBINATIONS = [
    {slot.value: value for slot, value in zip(CLOSED, combo, strict=True)}
    for combo in itertools.product(*(values_of(slot) for slot in CLOSED))
]


@pytest.mark.slow  # every combination of answers
@pytest.mark.parametrize("process", [None, "payroll", "research and development"])
def test_the_chart_rows_add_up_to_the_totals_for_every_combination(process):
    for combo in COMBINATIONS:
        answers = {**combo, **({"process": process} if process else {})}
        report = build_report(finished(answers))
        for model in MODELS:
            total = sum(f.points[model] for f in report.factors)
            assert total == pytest.approx(report.recommendation.scores[model]), answers
        assert len({f.label for f in report.factors}) == len(report.factors)


def test_the_report_says_what_the_chat_said():
    report = build_report(finished(PAYROLL, assumed=["goal"]))
    rec = score(Answers.from_slots(PAYROLL))
    assert report.recommended is rec.recommended is Model.BPO
    assert "BPO (Business Process Outsourcing)" in report.headline
    assert ("Data sensitivity", "high") in report.answers
    assert any("you weren't sure" in line for line in report.assumptions)
    assert [h for h, _ in report.checklist][0] == "Protect your data"


def test_markdown_export_has_the_recommendation_the_factors_and_checkboxes():
    report = build_report(finished(PAYROLL))
    text = to_markdown(report)
    assert text.startswith("# Outsourcing assessment: payroll")
    assert "BPO (Business Process Outsourcing)" in text
    items = sum(len(items) for _, items in report.checklist)
    assert text.count("- [ ] ") == items
    bpo_total = signed(report.recommendation.scores[Model.BPO])
    assert f"| **Total** | {bpo_total} |" in text and bpo_total.startswith("+")
    assert 'no definite "superior" option' in text


def test_json_export_is_data_with_every_part():
    data = json.loads(json.dumps(to_json(build_report(finished(RESEARCH)))))
    assert data["recommendation"] in {m.value for m in MODELS}
    assert data["answers"] == RESEARCH and data["date"] == "2026-12-02"
    assert {f["factor"] for f in data["factors"]} and data["checklist"][0]["items"]
    assert set(data["scores"]) == {"bpo", "kpo", "in_house"}


def test_the_page_escapes_what_the_user_typed_and_renders_chart_and_checklist():
    report = build_report(finished({**PAYROLL, "process": "<script>alert(1)</script>"}))
    page = report_page(report, "TOKEN")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert page.count("<svg") == 1 and "Points towards each option" in page
    assert page.count("type='checkbox'") == sum(len(items) for _, items in report.checklist)
    assert 'href="TOKEN/report.md"' in page and 'href="TOKEN/report.json"' in page
    assert 'data-recommendation="bpo"' in page


def test_the_chart_names_every_factor_as_text():
    report = build_report(finished(RESEARCH))
    page = report_page(report, "TOKEN")
    svg = page[page.index("<svg") : page.index("</svg>")]
    for factor in report.factors:  # "R&D analytics ...": the user's words, escaped in SVG
        first_words = " ".join(factor.label.split()[:2])
        assert first_words in html.unescape(svg)
    assert re.search(r"<svg[^>]*viewBox", svg)


def test_the_portfolio_lists_every_process_with_its_verdict():
    rows = build_portfolio([finished(PAYROLL, "a" * 16), finished(RESEARCH, "b" * 16)])
    text = portfolio_text(rows)
    assert "**payroll**: BPO, a clear fit" in text
    assert "**R&D analytics**" in text and "2 processes" in text
    page = portfolio_page(rows, ["one", "two"])
    assert "href='one'" in page and "R&amp;D analytics" in page and page.count("<svg") == 1


def test_the_slack_summary_links_only_an_absolute_url():
    report = build_report(finished(PAYROLL))
    with_link = report_summary_blocks(report, "https://advisor.example.com/report/x")
    buttons = [b for b in with_link["blocks"] if b["type"] == "actions"]
    assert buttons[0]["elements"][0]["url"] == "https://advisor.example.com/report/x"
    assert "BPO" in with_link["text"] and with_link["blocks"][0]["type"] == "header"
    assert not [b for b in report_summary_blocks(report, None)["blocks"] if b["type"] == "actions"]


def test_every_export_says_what_would_change_it():
    report = build_report(finished(PAYROLL))
    assert report.changes and report.changes[0].startswith("**KPO** if ")
    assert report.settled.startswith("Settled: a different answer about how routine")
    text = to_markdown(report)
    assert "## What would change it\n\n- **KPO** if " in text and report.settled in text
    data = to_json(report)["what_would_change"]
    options = {route["option"] for route in data["routes"]}
    assert options == {"kpo", "in_house", "hybrid_bpo_in_house", "hybrid_bpo_kpo"}
    to_split = [r for r in data["routes"] if r["option"] == "hybrid_bpo_in_house"]
    assert to_split == [{"option": "hybrid_bpo_in_house", "changes": {"core": "core"}}]
    page = report_page(report, "TOKEN")
    assert "<h2>What would change it</h2>" in page and "<strong>KPO</strong> if" in page
    slack = json.dumps(report_summary_blocks(report, None))
    assert "*What would change it*" in slack and "KPO" in slack


def test_a_hybrid_split_is_counted_and_shown_in_every_export():
    split = {**PAYROLL, "process": "customer care", "core": "core", "sensitivity": "low"}
    rows = build_portfolio([finished(PAYROLL, "a" * 16), finished(split, "c" * 16)])
    text = portfolio_text(rows)
    assert "**customer care**: a hybrid split, BPO + in-house" in text
    assert "In all: BPO 1, hybrid split 1." in text
    report = build_report(finished(split))
    assert to_json(report)["hybrid"] == {"send": "bpo", "keep": "in_house"}
    assert "a hybrid split between BPO and keeping it in-house" in to_markdown(report)
    assert 'data-recommendation="hybrid_bpo_in_house"' in report_page(report, "T")
    slack = report_summary_blocks(report, None)
    assert "a hybrid split between BPO and keeping it in-house" in slack["text"]
