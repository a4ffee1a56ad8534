"""The dialogue policies config.yml names: Rasa's RulePolicy and MemoizationPolicy,
each reading only the latest dialogue states it can use (runtime/policy_window.py).

Rasa's own extension point (a policy class in config.yml) instead of a patch: training,
predictions and persistence are Rasa's; only `_prediction_states`, the method both
call for the states of the conversation, is overridden. Rasa's training check that
looks for the class RulePolicy itself warns that it is missing: the subclass has all
of RulePolicy (rules, default actions, forms, fallback).
"""

from typing import Any

from rasa.core.policies.memoization import MemoizationPolicy
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.trackers import DialogueStateTracker

from runtime.policy_window import prediction_states


class WindowedStates:
    """The override both policies share (a mixin, before the Rasa class)."""

    def _prediction_states(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        use_text_for_last_user_input: bool = False,
        rule_only_data: dict[str, Any] | None = None,
    ) -> list[State]:
        windowed = prediction_states(
            self,  # always mixed into a Rasa Policy
            tracker,
            domain,
            use_text_for_last_user_input,
            rule_only_data,
        )
        if windowed is not None:
            return windowed
        states: list[State] = super()._prediction_states(  # type: ignore[misc]
            tracker, domain, use_text_for_last_user_input, rule_only_data
        )
        return states


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class WindowedRulePolicy(WindowedStates, RulePolicy):
    """RulePolicy, given the states its longest rule can match, plus one."""


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class WindowedMemoizationPolicy(WindowedStates, MemoizationPolicy):
    """MemoizationPolicy, given its `max_history` states."""
