"""Knowledge answers that need more than a fixed response: follow-ups ("and kpo?",
"examples?", "what about market research?"), "Is X BPO or KPO?", and a question asked in
the middle of the assessment that the dialogue rules did not recognise."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import (
    GUESSES_KEY,
    LAST_TOPIC,
    current_answers,
    topic_in_play,
    user_text,
)
from advisor.explain import render_other_option
from advisor.follow_ups import FAQ_TOPICS, follow_up, model_named
from advisor.reading.process_model import process_model
from advisor.scoring import score

CLASSIFY_TOPIC = "classify_process"
# Below this, the FAQ topic picked for a question the rules did not recognise is a guess.
TOPIC_CONFIDENCE = 0.3
ASSESS_BUTTON = {"title": "Assess my process", "payload": "/start_assessment"}


def response_for(key: str) -> str:
    """The domain response for a topic key."""
    return f"utter_faq/{key}" if key in FAQ_TOPICS else f"utter_about_{key}"


def classify(
    dispatcher: CollectingDispatcher, tracker: Tracker, offer: bool = True, known: bool = False
) -> bool:
    """Answer "Is X BPO or KPO?"; False if the message names no process (with `known`, none
    the catalogue knows or whose name tells: not "what about the weather?")."""
    found = process_model(user_text(tracker), tracker.latest_message.get(GUESSES_KEY))
    if found is None or (known and found.entry is None and found.model is None):
        return False
    buttons = [ASSESS_BUTTON] if offer else []
    text = found.reply()
    if offer:
        text += " Want me to assess a process of yours?"
    dispatcher.utter_message(text=text, buttons=buttons)
    return True


def answer_question_here(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """A question mid-assessment that NLU took for something else: "Is X BPO or KPO?" if
    it names a process and a model, else the FAQ answer picked for it."""
    text = user_text(tracker).lower()
    if ("bpo" in text or "kpo" in text) and classify(dispatcher, tracker, offer=False):
        return
    selected = (tracker.latest_message.get("response_selector") or {}).get("faq") or {}
    response = selected.get("response") or {}
    key = response.get("intent_response_key")
    if key and float(response.get("confidence") or 0.0) >= TOPIC_CONFIDENCE:
        dispatcher.utter_message(response=f"utter_{key}")
    else:
        dispatcher.utter_message(response="utter_ask_rephrase")


class ActionClassifyProcess(Action):
    """ "Is payroll BPO or KPO?" — and "what about market research?" after it."""

    def name(self) -> str:
        return "action_classify_process"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        in_assessment = tracker.active_loop_name is not None
        if classify(dispatcher, tracker, offer=not in_assessment):
            return [SlotSet(LAST_TOPIC, CLASSIFY_TOPIC)]
        dispatcher.utter_message(response="utter_faq/difference")
        return [SlotSet(LAST_TOPIC, "difference")]


def answer_follow_up(
    dispatcher: CollectingDispatcher, previous: str, text: str
) -> list[dict[str, Any]]:
    """Answer a follow-up to the topic `previous`; the new topic stays in play."""
    kind, keys = follow_up(previous, text)
    if kind == "why":
        dispatcher.utter_message(response=f"utter_why_{keys[0]}")
        return [SlotSet(LAST_TOPIC, previous)]
    for key in keys:
        dispatcher.utter_message(response=response_for(key))
    return [SlotSet(LAST_TOPIC, keys[-1])]


class ActionAnswerFollowUp(Action):
    """Answer about the topic in play; with none, say what can be asked."""

    def name(self) -> str:
        return "action_answer_follow_up"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        previous = topic_in_play(tracker)
        if previous is None:
            # "what about kpo?" after a recommendation: how that option fared.
            model, answers = model_named(user_text(tracker)), current_answers(tracker)
            if model is not None and not answers.is_empty():
                dispatcher.utter_message(text=render_other_option(score(answers), answers, model))
            else:
                dispatcher.utter_message(response="utter_no_topic_yet")
            return []
        # "what about market research?": a kind of work named, not a model: which model it
        # typically goes to (after "is X BPO or KPO?", and after any other answer).
        if model_named(user_text(tracker)) is None and classify(
            dispatcher, tracker, offer=tracker.active_loop_name is None
        ):
            return [SlotSet(LAST_TOPIC, CLASSIFY_TOPIC)]
        if previous == CLASSIFY_TOPIC:
            previous = "difference"
        return answer_follow_up(dispatcher, previous, user_text(tracker))
