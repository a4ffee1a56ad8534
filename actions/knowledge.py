"""Follow-ups: "and kpo?", "examples?", "tell me more" after an answer; "what about
kpo?" after a recommendation."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import LAST_TOPIC, current_answers, topic_in_play, user_text
from advisor.explain import render_other_option
from advisor.follow_ups import FAQ_TOPICS, follow_up, model_named
from advisor.scoring import score


def response_for(key: str) -> str:
    """The domain response for a topic key."""
    return f"utter_faq/{key}" if key in FAQ_TOPICS else f"utter_about_{key}"


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
        return answer_follow_up(dispatcher, previous, user_text(tracker))
