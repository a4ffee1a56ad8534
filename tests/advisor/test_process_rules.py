"""The exact readings of a message that names a process (advisor/reading/opener.py,
process_model.py): openers start the assessment, "is X BPO or KPO?" gets the model that kind
of work typically goes to, requests for data are declined."""

import pytest

from advisor.reading.opener import asks_for_data, opener_process, opens_assessment
from advisor.reading.process_model import asks_which_model, process_model
from advisor.sourcing import Model


@pytest.mark.parametrize(
    "text,process",
    [
        (
            "Hi! I run finance at a 90-person studio (two offices). We're weighing up whether to "
            "outsource our accounts payable. Could you help?",
            "accounting",
        ),
        ("we might hand our customer emails to an outside team, thoughts?", "customer emails"),
        (
            "As COO of a clinic group I'd like advice on outsourcing patient intake.",
            "patient intake",
        ),
        # said the other way round: passive, or a provider doing it
        ("our board asks whether payroll processing could be outsourced next year", "payroll"),
        ("we might let an external agency handle our payroll for a while", "payroll"),
    ],
)
def test_an_opener_with_context_names_its_process(text: str, process: str) -> None:
    assert opener_process(text) == process
    assert opens_assessment(text)


@pytest.mark.parametrize(
    "text",
    [
        "what are the risks of outsourcing payroll?",
        "what is kpo?",
        "I just started in procurement and everyone uses acronyms. What is a BPO?",
        "what do bpo agents earn per month?",
        "can it be outsourced at all, in general?",  # not about a process of the writer's own
        "we sell our software to other companies",  # no outsourcing weighed up
        # a story around outsourcing that asks what the two are
        "our founder keeps talking about outsourcing and we might want to look at it for our "
        "bakeries, but honestly, how do bpo and kpo differ?",
        "we want to outsource payroll but first: what does kpo mean?",
    ],
)
def test_knowledge_questions_and_requests_for_data_open_nothing(text: str) -> None:
    assert not opens_assessment(text)


@pytest.mark.parametrize(
    "text",
    [
        "can you help me figure out if we should outsource something?",
        # terse writers drop the "we"; weighing it up is enough
        "vet practice, 6 sites. been thinking about getting an outside team for some admin",
        "we're considering handing some back office work to a third party, where do we even begin",
        "Print shop. We drown in proof checking. Considering sending it out. Worth it?",
        # "can that be outsourced?" weighs it up; "to other company" is an outside provider
        "dental lab here, our techs lose hours re-keying job tickets into the system. can that "
        "be outsourced?",
        "we are small bakery chain, is good idea to give our bookkeeping to other company?",
        "thinking of outsorcing our payroll, does that make sense?",  # typed in a hurry
        # the work named before, the verb pointing back at it
        "our field reports pile up every week and i wonder if we should farm those out",
    ],
)
def test_weighing_up_outsourcing_opens_an_assessment_without_a_process(text: str) -> None:
    assert opens_assessment(text)


@pytest.mark.parametrize(
    "text,process,model",
    [
        ("quick q, is a call centre bpo or kpo?", "call centre", Model.BPO),
        ("does equity research fall under kpo", "equity research", Model.KPO),
        ("bpo or kpo: payroll?", "payroll", Model.BPO),
        ("is our payroll bpo or kpo?", "payroll", Model.BPO),
        ("side note. freight audit - would that be bpo or kpo?", "freight audit", None),
        (
            "our auditors keep mentioning equity research. would that be bpo or kpo?",
            "equity research",
            Model.KPO,
        ),
        # about the writer's own process: the question asked is answered (with an offer)
        ("we're thinking of outsourcing our payroll, bpo or kpo?", "payroll", Model.BPO),
        # no "is", a guess to confirm, a single model asked with a question mark
        ("payroll processing kpo or bpo", "payroll processing", Model.BPO),
        ("our contact centre, thats bpo right?", "contact centre", Model.BPO),
        ("freight audit: bpo, right?", "freight audit", None),
        ("equity research = kpo right", "equity research", Model.KPO),
        ("our logistics audits - kpo?", "logistics audits", None),
        # a kind of work the catalogue lacks, judged from its name (advisor/reading/work_kind.py)
        ("is outsourcing our clinical trial data analysis kpo?", "clinical trial", Model.KPO),
        # the work named in a longer sentence before the question: its name, without the
        # lead-in, the brackets and the detail after it
        (
            "one question: the grading of rare coins (mostly roman) - this is kpo, no?",
            "grading of rare coins",
            None,
        ),
        (
            "btw we also do fault trend analysis for two airlines - would that be kpo",
            "fault trend analysis",
            Model.KPO,
        ),
    ],
)
def test_is_x_bpo_or_kpo(text: str, process: str, model: Model) -> None:
    assert asks_which_model(text) == process
    found = process_model(text)
    assert found is not None and found.model is model and process in found.reply()


@pytest.mark.parametrize(
    "text",
    [
        "is bpo better than kpo",
        "does kpo fall under bpo",
        "is there a clear winner between bpo and kpo",
        "it's kpo, isn't it?",  # names no work
        "our work is kpo",  # a statement, not a question
        "we outsource to a bpo provider already",
    ],
)
def test_comparisons_are_not_classification_questions(text: str) -> None:
    assert asks_which_model(text) is None


@pytest.mark.parametrize(
    "text,declined",
    [
        ("what's the typical monthly fee of a kpo provider?", True),
        ("which bpo vendors would you recommend by name?", True),
        ("how do I land a job at a bpo", True),
        ("what should I check before hiring an outsourcing firm", False),
        ("does outsourcing reduce costs?", False),
        ("we process 4,000 invoices a month and might outsource it, can you help?", False),
        # context about the writer is not what they ask for
        (
            "food wholesaler, 300 hourly pickers. want to see if outsourcing accounts payable fits",
            False,
        ),
        ("I lead a practice (forty fee earners). Should we outsource our billing?", False),
        ("we outsource our billing already. what does a bpo charge per month?", True),
        ("what's the pricing for a kpo research team?", True),
        ("our pricing team is swamped, should we outsource the data entry?", False),
        # the CVs a recruiter screens are work to outsource; a CV for a job hunt is declined
        ("we're a staffing firm, could we outsource screening the cvs we get?", False),
        ("can you help me write my cv for a bpo job?", True),
    ],
)
def test_requests_for_data_are_declined(text: str, declined: bool) -> None:
    assert asks_for_data(text) is declined
