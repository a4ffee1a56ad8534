"""Messages: short, markdown-light, and saying what the source insists on."""
import re

import pytest

from advisor.answers import Answers, COMPANY_WIDE_SLOTS
from advisor.explain import (
    describe_kept_answers,
    render_changes,
    render_final,
    render_provisional,
    render_why,
)
from advisor.scoring import score

PAYROLL = Answers(process="payroll", core="supporting", complexity="routine",
                  qualifications="basic", sensitivity="low", goal="cost")
RESEARCH_GAP = Answers(process="investment research", core="core", complexity="expert",
                       qualifications="professional", sensitivity="high", goal="expertise")
RND = Answers(process="research and development", core="core", complexity="expert",
              qualifications="professional", sensitivity="high", goal="cost")


def final(answers):
    return render_final(score(answers), answers)


def test_final_names_the_model_reasons_checklist_and_reminder():
    text = final(PAYROLL)
    assert "BPO (Business Process Outsourcing)" in text and "a clear fit" in text
    assert "Routine, rule-based work suits BPO" in text  # a reason
    assert "SLA" in text and "due diligence" in text  # checklist
    assert "no definite \"superior\" option" in text and "needs and situation" in text


def test_final_close_call_says_between_what_and_why():
    text = final(RESEARCH_GAP)
    assert "KPO (Knowledge Process Outsourcing)" in text
    assert "close call between KPO and keeping it in-house because" in text
    assert "sets you apart" in text and "expertise you lack" in text
    assert "ISO 27001" in text and "IP ownership" in text


def test_final_in_house():
    text = final(RND)
    assert "keeping it in-house" in text and "hire plan" in text


def test_final_gives_three_reasons_and_the_strongest_counterpoint():
    why = final(PAYROLL).split("**Why**\n")[1].split("\n\n")[0]
    assert len(why.splitlines()) == 3  # nothing points the other way
    distinctive = PAYROLL.updated({"process": "customer care", "core": "core"})
    why = final(distinctive).split("**Why**\n")[1].split("\n\n")[0].splitlines()
    assert len(why) == 4 and why[-1].startswith("- On the other side: it sets you apart")


@pytest.mark.parametrize("answers", [PAYROLL, RESEARCH_GAP, RND, Answers(goal="cost")])
def test_messages_are_markdown_light(answers):
    rec = score(answers)
    for text in (render_final(rec, answers), render_provisional(rec, answers),
                 render_why(rec, answers)):
        assert "#" not in text and "_" not in text and "`" not in text
        for line in text.splitlines():
            assert not line.startswith(("* ", "+ ", "1.")), line
        assert text.count("**") % 2 == 0


def test_provisional_says_so_far_and_what_is_open():
    answers = Answers(complexity="routine", qualifications="basic")
    text = render_provisional(score(answers), answers)
    assert text.startswith("Based on what you've told me so far")
    assert "BPO" in text and "Still open:" in text and "how sensitive the data is" in text


def test_provisional_with_nothing_answered():
    text = render_provisional(score(Answers()), Answers())
    assert "don't have any answers yet" in text


def test_why_lists_every_contribution_strongest_first():
    rec = score(PAYROLL)
    text = render_why(rec, PAYROLL)
    bullets = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(bullets) == len(rec.contributions)
    assert bullets[0].startswith("- **The work is routine")
    assert "Totals:" in text and "BPO +3" in text


def test_changes_when_the_model_stays():
    new = PAYROLL.updated({"sensitivity": "high"})
    text = render_changes(PAYROLL, new, score(PAYROLL), score(new))
    assert "Data sensitivity: low → high" in text and "stays BPO" in text
    assert "was a clear fit" in text


def test_changes_when_the_model_changes():
    new = PAYROLL.updated({"complexity": "expert", "qualifications": "professional"})
    text = render_changes(PAYROLL, new, score(PAYROLL), score(new))
    assert "from BPO to **KPO (Knowledge Process Outsourcing)**" in text
    assert re.search(r"Complexity: mostly routine → expert judgement", text)


def test_changes_with_nothing_changed():
    text = render_changes(PAYROLL, PAYROLL, score(PAYROLL), score(PAYROLL))
    assert text.startswith("Nothing has changed")


def test_kept_answers():
    assert describe_kept_answers(PAYROLL, COMPANY_WIDE_SLOTS) == "I'll keep your main goal (cutting costs)."
    assert describe_kept_answers(Answers(), COMPANY_WIDE_SLOTS) == ""
