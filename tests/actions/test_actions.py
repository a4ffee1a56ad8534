"""The Rasa glue, with real rasa-sdk objects: a Tracker built like the one the
Rasa server sends, a CollectingDispatcher, and the events the actions return."""

import asyncio
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.assessment_control import ActionAssessAnother, ActionBeginAssessment
from actions.conversation import MESSAGE_KIND_KEY
from actions.fallback import ActionDefaultAskAffirmation, likely_topics
from actions.form_validation import ValidateAssessmentForm
from actions.questions import AskComplexity, AskCore, AskGoal, AskProcess
from actions.recommendation import (
    ActionExplainWhy,
    ActionProvisionalRecommendation,
    ActionRecommend,
    ActionUpdateAnswers,
    ActionWhatWouldChange,
)

BPO_CASE = {
    "process": "customer care",
    "core": "supporting",
    "complexity": "routine",
    "qualifications": "basic",
    "sensitivity": "low",
    "goal": "cost",
}


def tracker(
    text: str = "",
    intent: str = "inform",
    confidence: float = 0.95,
    slots: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
    events: list[dict[str, Any]] | None = None,
    active_loop: str | None = "assessment_form",
) -> Tracker:
    return Tracker(
        sender_id="unit-test",
        slots=slots or {},
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "entities": entities or [],
        },
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def run(action, tracker_: Tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_, {}))
    slot_events = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return dispatcher.messages, events, slot_events


# --- form validation --------------------------------------------------------


def test_opener_naming_the_process_fills_it():
    _, _, slots = run(
        ValidateAssessmentForm(),
        tracker("We want to outsource our call centre, which model fits?", "start_assessment"),
    )
    assert slots.get("process") == "call centre"  # in the user's own words


def test_free_text_answer_to_the_asked_question_is_kept():
    _, _, slots = run(
        ValidateAssessmentForm(),
        tracker("pretty routine, mostly scripted", slots={"requested_slot": "complexity"}),
    )
    assert slots["complexity"] == "routine"
    assert slots["unclear_answers"] == 0


def test_a_whole_assessment_in_one_message_fills_every_answer():
    message = (
        "We'd like to outsource payroll. It's not core, very routine, basic skills are "
        "enough, but it handles sensitive employee data and we mainly want to cut costs."
    )
    _, _, slots = run(
        ValidateAssessmentForm(), tracker(message, slots={"requested_slot": "process"})
    )
    assert {k: slots.get(k) for k in BPO_CASE} == {
        "process": "payroll",
        "core": "supporting",
        "complexity": "routine",
        "qualifications": "basic",
        "sensitivity": "high",
        "goal": "cost",
    }


def test_unclear_answer_counts_a_try_and_sets_nothing_else():
    _, _, slots = run(
        ValidateAssessmentForm(),
        tracker("hmm", "nlu_fallback", 0.3, slots={"requested_slot": "goal"}),
    )
    assert slots == {"unclear_answers": 1, "pending_answer": None}


def test_a_second_unclear_answer_takes_the_default_as_an_assumption_not_a_third_ask():
    messages, _, slots = run(
        ValidateAssessmentForm(),
        tracker("hmm", "nlu_fallback", 0.3, slots={"requested_slot": "goal", "unclear_answers": 1}),
    )
    assert slots["goal"] == "cost" and slots["assumed_answers"] == ["goal"]
    assert "assumption" in messages[0]["text"]


def test_button_payload_entity_is_taken():
    entities = [{"entity": "sensitivity", "value": "high"}]
    _, _, slots = run(
        ValidateAssessmentForm(),
        tracker(
            '/inform{"sensitivity": "high"}',
            entities=entities,
            slots={"requested_slot": "sensitivity"},
        ),
    )
    assert slots["sensitivity"] == "high"


def test_invalid_button_value_is_not_stored():
    entities = [{"entity": "sensitivity", "value": "extreme"}]
    _, _, slots = run(
        ValidateAssessmentForm(),
        tracker(
            '/inform{"sensitivity": "extreme"}',
            entities=entities,
            slots={"requested_slot": "sensitivity"},
        ),
    )
    assert "sensitivity" not in slots and slots["unclear_answers"] == 1


def test_confident_question_mid_form_is_a_digression():
    _, events, _ = run(
        ValidateAssessmentForm(),
        tracker("what is kpo?", "faq", 0.97, slots={"requested_slot": "core"}),
    )
    assert events == []  # the form rejects; the FAQ rule answers


def test_yes_after_the_stop_question_is_left_to_the_rules():
    history = [
        {"event": "action", "name": "utter_confirm_stop"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "yes"},
    ]
    _, events, _ = run(
        ValidateAssessmentForm(),
        tracker("yes", "affirm", slots={"requested_slot": "core"}, events=history),
    )
    assert events == []


# --- questions ----------------------------------------------------------------


def missed_this_turn(misses: int) -> list[dict[str, Any]]:
    """Events of a turn whose answer was not understood."""
    return [
        {"event": "user", "text": "hmm"},
        {"event": "slot", "name": "unclear_answers", "value": misses},
    ]


def test_question_shows_buttons_then_a_hint():
    first, _, _ = run(AskComplexity(), tracker(slots={"unclear_answers": 0}))
    hinted, _, _ = run(
        AskComplexity(), tracker(slots={"unclear_answers": 1}, events=missed_this_turn(1))
    )
    assert first[0]["buttons"] and "Sorry" not in first[0]["text"]
    assert "didn't catch" in hinted[0]["text"] and len(hinted[0]["text"]) > len(first[0]["text"])
    assert hinted[0]["buttons"]


def test_not_sure_gets_the_question_explained_with_its_options():
    pending = {"slot": "complexity", "kind": "explain"}
    explained, _, _ = run(AskComplexity(), tracker(slots={"pending_answer": pending}))
    assert "For example" in explained[0]["text"] and explained[0]["buttons"]


def test_question_after_a_digression_does_not_apologise_again():
    after_digression = missed_this_turn(1) + [
        {"event": "user", "text": "what do you recommend so far?"},
        {"event": "action", "name": "action_provisional_recommendation"},
    ]
    messages, _, _ = run(
        AskComplexity(), tracker(slots={"unclear_answers": 1}, events=after_digression)
    )
    assert "Sorry" not in messages[0]["text"]


def test_probable_answer_is_confirmed_with_yes_no_and_the_options():
    pending = {"slot": "core", "kind": "confirm", "value": "important"}
    messages, _, _ = run(AskCore(), tracker(slots={"pending_answer": pending}))
    assert messages[0]["text"] == "Sounds like *critical, but not unique* — right?"
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert titles[:2] == ["Yes", "No"] and "It sets us apart" in titles
    assert messages[0]["buttons"][0]["payload"] == '/inform{"core": "important"}'


def test_conflicting_goals_get_a_targeted_question_with_two_buttons():
    pending = {"slot": "goal", "kind": "choose", "values": ["cost", "flexibility"]}
    messages, _, _ = run(AskGoal(), tracker(slots={"pending_answer": pending}))
    assert messages[0]["text"].startswith("Which matters most: cutting costs or")
    assert [b["title"] for b in messages[0]["buttons"]] == ["Cut costs", "Flexible workforce"]


def guessed(slot: str, value: str, confidence: float) -> dict[str, Any]:
    return {slot: [[value, confidence, confidence]]}


def test_probable_guess_becomes_a_pending_confirmation_not_a_miss():
    t = tracker("billing must run every month", slots={"requested_slot": "core"})
    t.latest_message["answer_guesses"] = guessed("core", "important", 0.6)
    _, _, slots = run(ValidateAssessmentForm(), t)
    assert slots["pending_answer"] == {"slot": "core", "kind": "confirm", "value": "important"}
    assert slots["unclear_answers"] == 1 and "core" not in slots  # the prompt is a try


def test_yes_to_the_confirmation_takes_the_value():
    pending = {"slot": "core", "kind": "confirm", "value": "important"}
    _, _, slots = run(
        ValidateAssessmentForm(),
        tracker("yep", "affirm", slots={"requested_slot": "core", "pending_answer": pending}),
    )
    assert slots["core"] == "important" and slots["pending_answer"] is None


def test_no_to_the_confirmation_asks_again_with_the_options():
    pending = {"slot": "core", "kind": "confirm", "value": "important"}
    _, _, slots = run(
        ValidateAssessmentForm(),
        tracker("no", "deny", slots={"requested_slot": "core", "pending_answer": pending}),
    )
    assert "core" not in slots and slots["pending_answer"]["kind"] == "pick"
    messages, _, _ = run(AskCore(), tracker(slots={"pending_answer": slots["pending_answer"]}))
    assert len(messages[0]["buttons"]) == 3


def test_not_sure_first_explains_then_takes_a_stated_default_as_an_assumption():
    _, _, first = run(
        ValidateAssessmentForm(), tracker("no idea tbh", slots={"requested_slot": "sensitivity"})
    )
    assert first["pending_answer"] == {"slot": "sensitivity", "kind": "explain"}
    assert "sensitivity" not in first
    messages, _, slots = run(
        ValidateAssessmentForm(),
        tracker("still no idea", slots={"requested_slot": "sensitivity", **first}),
    )
    assert slots["sensitivity"] == "medium" and slots["assumed_answers"] == ["sensitivity"]
    assert "assume" in messages[0]["text"]


def test_answer_to_another_question_is_said_back_and_counts_as_a_try():
    messages, _, slots = run(
        ValidateAssessmentForm(),
        tracker("pretty routine, mostly scripted", slots={"requested_slot": "core"}),
    )
    assert slots["complexity"] == "routine" and slots["unclear_answers"] == 1
    assert messages[0]["text"].startswith("Got it: the work is routine")


def test_process_buttons_carry_payloads():
    messages, _, _ = run(AskProcess(), tracker())
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert '/inform{"process": "customer care"}' in payloads


# --- recommendation -------------------------------------------------------------


def test_final_recommendation_names_the_model_and_marks_done():
    messages, _, slots = run(ActionRecommend(), tracker(slots=BPO_CASE, active_loop=None))
    assert "BPO" in messages[0]["text"]
    assert slots["assessment_done"] is True
    assert any("why" in b["title"].lower() for b in messages[0]["buttons"])


def test_provisional_recommendation_says_what_is_open():
    partial = {"process": "legal services", "complexity": "expert"}
    messages, _, _ = run(ActionProvisionalRecommendation(), tracker(slots=partial))
    text = messages[0]["text"]
    assert "KPO" in text and "so far" in text.lower()


def test_final_recommendation_offers_what_would_change_it():
    messages, _, _ = run(ActionRecommend(), tracker(slots=BPO_CASE, active_loop=None))
    payloads = [b.get("payload") for b in messages[0]["buttons"]]
    assert "/what_would_change" in payloads


def test_what_would_change_it_names_the_smallest_changes_and_the_settled_answers():
    messages, events, _ = run(ActionWhatWouldChange(), tracker(slots=BPO_CASE, active_loop=None))
    text = messages[0]["text"]
    assert text.startswith("My recommendation for customer care is BPO.")
    assert "**KPO** if" in text and "**Keeping it in-house** if" in text
    assert "Settled:" in text and events == []


def test_what_would_change_without_answers_offers_the_assessment():
    messages, _, _ = run(ActionWhatWouldChange(), tracker(active_loop=None))
    assert messages[0]["response"] == "utter_no_assessment_yet"


def test_why_without_answers_offers_the_assessment():
    messages, _, _ = run(ActionExplainWhy(), tracker(active_loop=None))
    assert messages[0]["response"] == "utter_no_assessment_yet"


def test_changing_an_answer_rescores_and_stores_it():
    done = {**BPO_CASE, "assessment_done": True}
    messages, _, slots = run(
        ActionUpdateAnswers(),
        tracker("actually our data is highly sensitive", slots=done, active_loop=None),
    )
    assert slots == {"sensitivity": "high", "assumed_answers": []}
    assert "sensitiv" in messages[0]["text"].lower()


def test_unrecognised_change_asks_which_answer():
    messages, _, slots = run(
        ActionUpdateAnswers(), tracker("blah", slots={**BPO_CASE}, active_loop=None)
    )
    assert slots == {} and messages[0]["response"] == "utter_ask_which_change"


def test_assess_another_keeps_the_company_wide_goal():
    messages, _, slots = run(ActionAssessAnother(), tracker(slots=BPO_CASE, active_loop=None))
    assert "goal" not in slots
    assert all(slots[k] is None for k in BPO_CASE if k != "goal")
    assert slots["assessment_done"] is False
    assert "another process" in messages[0]["text"]


def test_starting_again_after_a_finished_assessment_clears_answers():
    done = {**BPO_CASE, "assessment_done": True}
    _, _, slots = run(ActionBeginAssessment(), tracker(slots=done, active_loop=None))
    assert all(slots[k] is None for k in BPO_CASE)


def test_resuming_a_stopped_assessment_keeps_answers():
    messages, _, slots = run(
        ActionBeginAssessment(), tracker(slots={"process": "payroll"}, active_loop=None)
    )
    assert slots == {} and messages[0]["response"] == "utter_assessment_resume"


# --- fallback -------------------------------------------------------------------


def test_fallback_suggests_the_most_likely_topics():
    message = {
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.55},
            {"name": "faq", "confidence": 0.4},
            {"name": "start_assessment", "confidence": 0.3},
        ],
        "response_selector": {
            "faq": {
                "ranking": [
                    {"intent_response_key": "faq/risks", "confidence": 0.9},
                    {"intent_response_key": "faq/benefits", "confidence": 0.1},
                ]
            }
        },
    }
    assert likely_topics(message) == ["faq/risks", "start_assessment", "faq/benefits"]


def test_fallback_buttons_include_something_else():
    t = tracker("zzz", "nlu_fallback", 0.2, active_loop=None)
    messages, _, _ = run(ActionDefaultAskAffirmation(), t)
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert titles[-1] == "Something else" and len(titles) >= 2


AFTER_A_CLASSIFICATION = [{"event": "slot", "name": "last_topic", "value": "classify_process"}]


def test_what_about_another_kind_of_work_after_a_classification_is_classified_too():
    t = tracker(
        "and what about equity research", "nlu_fallback", 0.3, events=AFTER_A_CLASSIFICATION,
        active_loop="action_two_stage_fallback",
    )  # fmt: skip
    messages, events, slots = run(ActionDefaultAskAffirmation(), t)
    assert "**KPO**" in messages[0]["text"] and "equity research" in messages[0]["text"]
    assert slots == {"last_topic": "classify_process"}
    assert any(e["event"] == "active_loop" and e["name"] is None for e in events)  # it ends


def test_what_about_something_that_is_no_work_still_gets_the_suggestions():
    t = tracker("what about the weather", "nlu_fallback", 0.3, events=AFTER_A_CLASSIFICATION)
    messages, _, _ = run(ActionDefaultAskAffirmation(), t)
    assert messages[0]["text"].startswith("Sorry, I'm not sure what you mean")


def test_a_later_answer_never_renames_the_process():
    _, _, slots = run(
        ValidateAssessmentForm(),
        tracker(
            "people with HR admin experience",
            slots={"requested_slot": "qualifications", "process": "payroll"},
        ),
    )
    assert "process" not in slots


def test_a_plain_answer_is_taken_even_when_nlu_guessed_a_command():
    t = tracker(
        "that is our edge over every other installer around here",
        "restart_assessment",
        0.74,
        slots={"requested_slot": "core"},
    )
    t.latest_message["answer_guesses"] = {"core": [["core", 0.97, 0.93]]}
    _, events, slots = run(ValidateAssessmentForm(), t)
    assert slots.get("core") == "core"


def test_a_command_with_no_answer_in_it_stays_a_command():
    t = tracker("start over", "restart_assessment", 0.99, slots={"requested_slot": "core"})
    t.latest_message["answer_guesses"] = {"core": [["core", 0.6, 0.05]]}
    _, events, _ = run(ValidateAssessmentForm(), t)
    assert events == []


def test_yes_stop_is_not_read_as_a_yes_to_the_question():
    t = tracker("yes, stop", "stop_assessment", 0.95, slots={"requested_slot": "core"})
    _, events, _ = run(ValidateAssessmentForm(), t)
    assert events == []


def test_a_probable_answer_beats_an_unsure_intent_guess():
    t = tracker(
        "so we can grow or shrink the team easily",
        "out_of_source",
        0.7,
        slots={"requested_slot": "goal"},
    )
    t.latest_message["answer_guesses"] = {"goal": [["flexibility", 0.7, 0.45]]}
    _, events, slots = run(ValidateAssessmentForm(), t)
    assert slots["pending_answer"] == {"slot": "goal", "kind": "confirm", "value": "flexibility"}


def _out_of_scope_after_recommendation(text: str, answer_kind: float) -> Tracker:
    done = {**BPO_CASE, "assessment_done": True}
    tracker_ = tracker(text, "out_of_scope", 0.4, slots=done, active_loop=None)
    tracker_.latest_message[MESSAGE_KIND_KEY] = {
        "answer": answer_kind,
        "question": 1 - answer_kind,
    }
    return tracker_


def test_a_change_nlu_called_out_of_scope_is_applied_when_it_reads_as_an_answer():
    messages, _, slots = run(
        ActionUpdateAnswers(),
        _out_of_scope_after_recommendation("on reflection the data is highly sensitive", 0.8),
    )
    assert slots["sensitivity"] == "high"


def test_an_out_of_scope_question_after_the_recommendation_changes_nothing():
    messages, _, slots = run(
        ActionUpdateAnswers(),
        _out_of_scope_after_recommendation("is the data centre in paris highly secure?", 0.1),
    )
    assert slots == {} and messages[0]["response"] == "utter_out_of_scope"
