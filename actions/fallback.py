"""First stage of the two-stage fallback: suggest the likely topics as buttons."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import LAST_TOPIC, topic_in_play
from actions.handoff import offer_instead, offer_is_due
from actions.knowledge import CLASSIFY_TOPIC, classify

# What each suggestion says, and what clicking it sends. Plain-text payloads go
# through NLU again, so Rasa treats the click as the clarified message.
SUGGESTIONS: dict[str, tuple[str, str]] = {
    "faq/what_is_bpo": ("What is BPO?", "What is BPO?"),
    "faq/what_is_kpo": ("What is KPO?", "What is KPO?"),
    "faq/difference": ("BPO vs KPO", "What is the difference between BPO and KPO?"),
    "faq/bpo_services": ("Typical BPO services", "Which services are typically outsourced to BPO?"),
    "faq/kpo_services": ("Typical KPO services", "Which services are typical for KPO?"),
    "faq/benefits": ("Benefits of outsourcing", "What are the benefits of outsourcing?"),
    "faq/risks": ("Risks and security", "What are the risks of KPO?"),
    "faq/qualifications": ("Qualifications needed", "What qualifications do BPO and KPO need?"),
    "faq/which_is_better": ("Which is better?", "Which is better, BPO or KPO?"),
    "faq/due_diligence": ("Choosing a vendor", "How do I do due diligence on a vendor?"),
    "start_assessment": ("Assess my process", "/start_assessment"),
    "help": ("What can you do?", "/help"),
}
MAX_SUGGESTIONS = 3
TWO_STAGE_FALLBACK = "action_two_stage_fallback"
SOMETHING_ELSE = {"title": "Something else", "payload": "/out_of_scope"}


def likely_topics(message: dict[str, Any]) -> list[str]:
    """Topic keys ranked by NLU confidence; the FAQ intent is split into its
    FAQ topics (response_selector output)."""
    ranked: list[tuple[float, str]] = []
    for intent in message.get("intent_ranking") or []:
        name, confidence = intent.get("name"), float(intent.get("confidence") or 0)
        if name == "faq":
            selector = (message.get("response_selector") or {}).get("faq") or {}
            for topic in selector.get("ranking") or []:
                key = topic.get("intent_response_key")
                ranked.append((confidence * float(topic.get("confidence") or 0), key))
        elif name in SUGGESTIONS:
            ranked.append((confidence, name))
    ranked.sort(key=lambda pair: pair[0], reverse=True)
    keys = [key for _, key in ranked if key in SUGGESTIONS]
    return list(dict.fromkeys(keys))[:MAX_SUGGESTIONS]


class ActionDefaultAskAffirmation(Action):
    def name(self) -> str:
        return "action_default_ask_affirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if offer_is_due(tracker):
            # The third message in a row not understood: offer a person instead of
            # more guesses. The two-stage fallback ends here (else it would run again
            # after the offer, on the same message).
            return [ActiveLoop(None), *offer_instead()]
        offer = tracker.active_loop_name in (None, TWO_STAGE_FALLBACK)
        if topic_in_play(tracker) == CLASSIFY_TOPIC and classify(
            dispatcher, tracker, offer=offer, known=True
        ):
            # "what about market research?" after "is X BPO or KPO?": the same question about
            # another kind of work, which NLU alone could not place. The fallback ends here.
            return [ActiveLoop(None), SlotSet(LAST_TOPIC, CLASSIFY_TOPIC)]
        topics = likely_topics(tracker.latest_message) or ["help", "start_assessment"]
        buttons = [{"title": SUGGESTIONS[key][0], "payload": SUGGESTIONS[key][1]} for key in topics]
        dispatcher.utter_message(
            text="Sorry, I'm not sure what you mean. Did you want one of these?",
            buttons=buttons + [SOMETHING_ELSE],
        )
        return []


class ActionOutOfScope(Action):
    """The redirect for unrelated messages; the third failed message in a row gets
    the offer of a consultant instead (actions/handoff.py)."""

    def name(self) -> str:
        return "action_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if offer_is_due(tracker):
            return offer_instead()
        dispatcher.utter_message(response="utter_out_of_scope")
        return []


class ActionDefaultAskRephrase(Action):
    """The two-stage fallback's second stage (Rasa's default says utter_ask_rephrase);
    the third failed message in a row gets the offer of a consultant instead."""

    def name(self) -> str:
        return "action_default_ask_rephrase"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if offer_is_due(tracker):
            return [ActiveLoop(None), *offer_instead()]
        dispatcher.utter_message(response="utter_ask_rephrase")
        return []


class ActionDefaultFallback(Action):
    """Giving up (Rasa's default: utter_default, and the message is forgotten by the
    dialogue); the third failed message in a row gets the offer of a consultant instead."""

    def name(self) -> str:
        return "action_default_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if offer_is_due(tracker):
            return [ActiveLoop(None), *offer_instead()]
        dispatcher.utter_message(response="utter_default")
        return [UserUtteranceReverted()]
