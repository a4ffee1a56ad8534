"""A dialogue policy: after the recommendation, a change of mind in plain words is applied,
whatever intent NLU gave it.

"oh actually the real reason is the seasonal peaks" can read to NLU as a question about
benefits, and "hm, more supporting really" as starting a new assessment: the rules would
then answer the FAQ or start over, and the change would be lost. This policy asks the turn
interpreter instead (`advisor.reading.turn.changed_answers`): when the kind model calls the
message an answer and it changes one of the five answers, it predicts
`action_update_answers` (which reads the message the same way), then `action_listen`.
Otherwise it abstains. Rasa's own extension point (a policy in config.yml), no patch; its
priority is one above RulePolicy's, so a rule's equally sure prediction yields to it.
"""

from __future__ import annotations

from typing import Any

from rasa.core.constants import POLICY_PRIORITY, RULE_POLICY_PRIORITY
from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from advisor.reading.turn import CHANGEABLE, Turn, changed_answers
from components.answer_guesser import GUESSES
from components.kind_reader import MESSAGE_KIND
from components.question_focus import FULL_TEXT

UPDATE_ANSWERS = "action_update_answers"
ASSESSMENT_DONE = "assessment_done"
# The intents a change of mind is misread as. Commands and questions about the result
# ("why?", "what if the data were sensitive?", "show the report") keep their rules.
MISREAD_AS = {
    "faq",
    "follow_up",
    "start_assessment",
    "assess_another",
    "nlu_fallback",
    "out_of_source",
    "deny",
    "thank",
}


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False
)
class ChangeOfMindPolicy(Policy):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {POLICY_PRIORITY: RULE_POLICY_PRIORITY + 1}

    def train(
        self,
        training_trackers: list[TrackerWithCachedStates],
        domain: Domain,
        **kwargs: Any,
    ) -> Resource:
        return self._resource  # nothing to learn: it reads the turn interpreter's decision

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        action = next_action(tracker)
        if action is not None:
            probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(probabilities)


def next_action(tracker: DialogueStateTracker) -> str | None:
    """`action_update_answers` for a misread change of mind, `action_listen` after it."""
    if tracker.active_loop_name is not None or not tracker.get_slot(ASSESSMENT_DONE):
        return None
    message = tracker.latest_message
    if message is None:
        return None
    intent = (message.intent or {}).get("name")
    if intent not in MISREAD_AS:
        return None
    latest = tracker.latest_action_name
    if latest == UPDATE_ANSWERS:
        return ACTION_LISTEN_NAME
    if latest != ACTION_LISTEN_NAME:
        return None
    data = message.parse_data
    turn = Turn(
        text=str(data.get(FULL_TEXT) or message.text or ""),
        intent=intent,
        intent_confidence=float((message.intent or {}).get("confidence") or 0.0),
        kinds=data.get(MESSAGE_KIND) or {},
        guesses=data.get(GUESSES) or {},
    )
    stored = {slot: tracker.get_slot(slot) for slot in CHANGEABLE}
    return UPDATE_ANSWERS if changed_answers(turn, stored) else None
