"""Messages: short, markdown-light, and saying what the source insists on."""

import re
from itertools import product

import pytest

from advisor.answers import COMPANY_WIDE_SLOTS, Answers, Slot, values_of
from advisor.explain import (
    NOTHING_YET,
    describe_kept_answers,
    render_changes,
    render_final,
    render_other_option,
    render_provisional,
    render_why,
)
from advisor.scoring import score
from advisor.sourcing import MODELS, Model

PAYROLL = Answers(
    process="payroll",
    core="supporting",
    complexity="routine",
    qualifications="basic",
    sensitivity="low",
    goal="cost",
)
RESEARCH_GAP = Answers(
    process="investment research",
    core="core",
    complexity="expert",
    qualifications="professional",
    sensitivity="high",
    goal="expertise",
)
RND = Answers(
    process="research and development",
    core="core",
    complexity="expert",
    qualifications="professional",
    sensitivity="high",
    goal="cost",
)


def final(answers):
    return render_final(score(answers), answers)


def test_final_names_the_model_reasons_checklist_and_reminder():
    text = final(PAYROLL)
    assert "BPO (Business Process Outsourcing)" in text and "a clear fit" in text
    assert "Routine, rule-based work suits BPO" in text  # a reason
    assert "SLA" in text and "due diligence" in text  # checklist
    assert 'no definite "superior" option' in text and "needs and situation" in text


def test_final_close_call_says_between_what_and_why():
    text = final(RESEARCH_GAP)
    assert "KPO (Knowledge Process Outsourcing)" in text
    assert "close call between KPO and keeping it in-house because" in text
    assert "it sets you apart" in text and "you lack the expertise" in text
    assert "ISO 27001" in text and "IP ownership" in text
    assert "pilot" in text and "hybrid" in text


def test_final_in_house():
    text = final(RND)
    assert "keeping it in-house" in text and "hire plan" in text


def test_final_gives_three_reasons_and_the_strongest_counterpoint():
    why = final(PAYROLL).split("**Why**\n")[1].split("\n\n")[0]
    assert len(why.splitlines()) == 3
    assert "**On the other side**" not in final(PAYROLL)  # nothing points the other way
    critical = Answers(
        process="legal services",
        core="important",
        complexity="expert",
        qualifications="technical",
        sensitivity="low",
        goal="cost",
    )
    text = final(critical)
    why = text.split("**Why**\n")[1].split("\n\n")[0].splitlines()
    # Cutting costs pushes BPO most: said so, under its own heading, never as a
    # reason for KPO and never "which points to KPO".
    assert len(why) == 3 and not any("cost" in line for line in why)
    other_side = text.split("**On the other side**\n")[1].split("\n\n")[0]
    assert other_side == "- Your main goal is cutting costs, which points to BPO."


@pytest.mark.parametrize("answers", [PAYROLL, RESEARCH_GAP, RND, Answers(goal="cost")])
def test_messages_are_markdown_light(answers):
    rec = score(answers)
    for text in (
        render_final(rec, answers),
        render_provisional(rec, answers),
        render_why(rec, answers),
    ):
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
    assert "was a clear fit" not in text  # a wide margin stays clear
    borderline = Answers(
        process="warehouse logistics",
        core="supporting",
        complexity="mixed",
        qualifications="professional",
        sensitivity="low",
        goal="focus",
    )
    sensitive = borderline.updated({"sensitivity": "high"})
    text = render_changes(borderline, sensitive, score(borderline), score(sensitive))
    assert "stays KPO" in text and "now leaning that way (was a clear fit)" in text


def test_changes_when_the_model_changes():
    new = PAYROLL.updated({"complexity": "expert", "qualifications": "professional"})
    text = render_changes(PAYROLL, new, score(PAYROLL), score(new))
    assert "from BPO to **KPO (Knowledge Process Outsourcing)**" in text
    assert re.search(r"Complexity: mostly routine → expert judgement", text)


def test_changes_with_nothing_changed():
    text = render_changes(PAYROLL, PAYROLL, score(PAYROLL), score(PAYROLL))
    assert text.startswith("Nothing has changed")


def test_kept_answers():
    kept = describe_kept_answers(PAYROLL, COMPANY_WIDE_SLOTS)
    assert kept == "I'll keep your main goal (cutting costs)."
    assert describe_kept_answers(Answers(), COMPANY_WIDE_SLOTS) == ""


def test_why_has_no_repeated_lines_and_no_overclaims():
    for answers in (PAYROLL, RESEARCH_GAP, RND):
        text = render_why(score(answers), answers)
        bullets = [line for line in text.splitlines() if line.startswith("- ")]
        assert len(bullets) == len(set(bullets))
        assert text.count("It sets you apart") <= 1
        assert "(which points to KPO)" not in text and "couldn't get" not in text


def test_sensitivity_is_never_said_to_point_to_keeping_it():
    for answers in (PAYROLL.updated({"sensitivity": "high"}), RND, RESEARCH_GAP):
        rec = score(answers)
        for text in (render_final(rec, answers), render_why(rec, answers)):
            assert "highly sensitive, which points to" not in text
            assert "cutting costs (which points to KPO)" not in text


def test_capability_gap_is_stated_as_an_assumption_for_distinctive_work():
    rnd, gap = final(RND), final(RESEARCH_GAP)
    assert "**Assumptions**" in rnd and "Assumed: you could hire or build the expertise" in rnd
    assert "Assumed: you couldn't readily hire or build this expertise" in gap
    assert "Assumed:" in render_why(score(RND), RND)
    assert "Assumed:" not in final(PAYROLL)  # not distinctive: the gap doesn't decide


def test_assumed_answers_are_listed_in_every_message():
    answers = PAYROLL.updated({"sensitivity": "medium"})
    rec = score(answers)
    line = "Assumed: the data is somewhat sensitive (you weren't sure)."
    for text in (
        render_final(rec, answers, assumed={"sensitivity"}),
        render_why(rec, answers, assumed=["sensitivity"]),
        render_provisional(rec, answers, assumed=("sensitivity",)),
    ):
        assert line in text
    assert "Assumed" not in render_final(rec, answers)  # default: nothing assumed
    # Unknown or unanswered slot names are skipped, not an error.
    partial = Answers(complexity="routine")
    assert "Assumed" not in render_final(score(partial), partial, assumed={"goal", "nonsense"})


def test_assumptions_follow_question_order_with_the_gap_last():
    answers = RND
    text = render_final(score(answers), answers, assumed=("goal", "sensitivity"))
    section = text.split("**Assumptions**\n")[1].split("\n\n")[0].splitlines()
    starts = [
        "- Assumed: the data is highly sensitive (you weren't sure)",
        "- Assumed: your main goal is cutting costs (you weren't sure)",
        "- Assumed: you could hire or build the expertise",
    ]
    assert len(section) == 3
    assert all(line.startswith(start) for line, start in zip(section, starts, strict=False)), (
        section
    )


def test_a_tie_names_no_winner_and_suggests_a_pilot():
    tie = Answers(
        core="important",
        complexity="expert",
        qualifications="basic",
        sensitivity="low",
        goal="cost",
    )
    rec = score(tie)
    text = render_final(rec, tie)
    assert text.startswith("**My recommendation: a tie between BPO and KPO**")
    assert "pilot or a hybrid" in text
    assert "tie so far" in render_provisional(rec, tie) or not rec.missing
    assert "That's a tie between" in render_why(rec, tie)
    # Each tied option gets its own reasons: none argues only for the first.
    assert "**For BPO**" in text and "**For KPO**" in text


def test_mixed_distinctive_work_is_a_hybrid_split_with_its_own_checklist():
    mixed = Answers(
        process="customer care",
        core="core",
        complexity="mixed",
        qualifications="basic",
        sensitivity="low",
        goal="focus",
    )
    rec = score(mixed)
    text = render_final(rec, mixed)
    assert text.startswith(
        "**My recommendation for customer care: a hybrid split between BPO and keeping it "
        "in-house**. The work sets you apart, but its routine side points to BPO. Keep what "
        "sets you apart and the judgement in-house, and send the routine volume to a BPO"
    )
    assert "**For BPO**" in text and "**For keeping it in-house**" in text
    assert "**Set up the split**" in text and "Who owns quality" in text
    assert "The hand-off" in text and "SLA" in text and "hire plan" in text
    assert "I'd suggest **a hybrid split" in render_provisional(rec, mixed)


def test_cost_goal_against_keeping_it_favours_kpo_over_in_house_without_pointing_to_kpo():
    answers = Answers(
        core="core",
        complexity="expert",
        qualifications="professional",
        sensitivity="low",
        goal="cost",
    )
    rec = score(answers)
    text = render_final(rec, answers)
    assert rec.recommended.value == "in_house"
    assert "cutting costs, which points to KPO" not in text
    assert "cutting costs (which points to KPO)" not in text


# --- "what about KPO?" after a recommendation --------------------------------------

CLOSED_SLOTS = ("core", "complexity", "qualifications", "sensitivity", "goal")


def all_answer_combinations():
    for combo in product(*(values_of(Slot(slot)) for slot in CLOSED_SLOTS)):
        answers = dict(zip(CLOSED_SLOTS, combo, strict=True))
        yield Answers.from_slots({"process": "payroll", **answers})


def test_another_option_is_explained_by_the_answers_that_pushed_it_down():
    for answers in all_answer_combinations():
        rec = score(answers)
        best = rec.recommended
        for model in MODELS:
            text = render_other_option(rec, answers, model)
            if model is best:
                assert "is my recommendation for payroll" in text, text
                continue
            gap = rec.scores[best] - rec.scores[model]
            name = "Keeping it in-house" if model is Model.IN_HOUSE else model.short_name
            assert text.startswith(f"{name} scores"), text
            assert ("level with" in text) == (gap == 0), text
            against = text.split("What counts against it: ", 1)[-1].split(".")[0]
            for c in rec.contributions:
                if c.summary in against:
                    assert c.toward(best, model) > 0, (text, c)
            if "In its favour: " in text:
                favour = text.split("In its favour: ", 1)[1].split(".")[0]
                assert any(
                    c.summary == favour and c.toward(model, best) > 0 for c in rec.contributions
                ), text


def test_nothing_answered_yet_says_so():
    answers = Answers.from_slots({})
    assert render_other_option(score(answers), answers, Model.KPO) == NOTHING_YET


def test_another_option_mid_assessment_is_a_snapshot():
    answers = Answers.from_slots({"process": "customer care"})
    text = render_other_option(score(answers), answers, Model.KPO)
    assert text.startswith("So far, KPO scores") and "Still open:" in text
    assert "pilot" not in text
