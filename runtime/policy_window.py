"""Give each policy only the dialogue states it reads.

At every prediction RulePolicy and MemoizationPolicy ask for the states of the whole
conversation (`Policy._prediction_states`), although what they do with them depends only
on the last few:

* MemoizationPolicy's featurizer keeps the last `max_history` states (after dropping
  states that follow `action_unlikely_intent`);
* RulePolicy compares the conversation with each rule from the latest state backwards,
  and a rule stops being checked once the comparison is further back than its length
  (`RulePolicy._is_rule_applicable`). So no state older than the longest rule changes
  which rules apply; with one state more, the conversation is also never mistaken for
  its start, and the key Rasa makes from the states when no rule applies (only checked
  against the rule keys, all shorter) matches no rule either way.

Beyond those, Rasa copied, formatted for its debug log and compared every state of the
conversation on every prediction: cost growing with its length. This patch sets
`STATES_WINDOW` (runtime/tracker_history.py) for the duration of the call, so only the
states a policy reads are copied and handed to it; other policies (and trackers of other
classes, e.g. in training) get every state, as before. Installed by the registry in
runtime/patches.py; tests/integration/test_runtime_equivalence.py compares every
policy's prediction with and without it after every message of a long conversation.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from rasa.core.featurizers.tracker_featurizers import MaxHistoryTrackerFeaturizer
from rasa.core.policies.policy import Policy, SupportedData
from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.trackers import DialogueStateTracker

from runtime.tracker_history import STATES_WINDOW, Window

LONGEST_RULE = "_runtime_longest_rule"  # on the policy: (rule counts, longest rule)


def longest_rule(policy: RulePolicy) -> int:
    """The number of states in the policy's longest rule (worked out once)."""
    rules = policy.lookup.get(RULES, {})
    unhappy = policy.lookup.get(RULES_FOR_LOOP_UNHAPPY_PATH, {})
    counts = (len(rules), len(unhappy))
    known = policy.__dict__.get(LONGEST_RULE)
    if known is None or known[0] != counts:
        keys = itertools.chain(rules, unhappy)
        longest = max((len(policy._rule_key_to_state(key)) for key in keys), default=0)
        known = policy.__dict__[LONGEST_RULE] = (counts, longest)
    return int(known[1])


def window_of(policy: Policy) -> Window | None:
    """How many of the latest states `policy` reads, or None (all)."""
    if isinstance(policy, RulePolicy):
        return Window(longest_rule(policy) + 1, skip_unlikely=False)
    featurizer = policy.featurizer
    if isinstance(featurizer, MaxHistoryTrackerFeaturizer) and featurizer.max_history:
        ml_policy = policy.supported_data() == SupportedData.ML_DATA
        return Window(featurizer.max_history, skip_unlikely=ml_policy)
    return None


def windowed_prediction_states(rasa_prediction_states: Callable[..., list[State]]) -> Callable:
    """The replacement of `Policy._prediction_states`."""

    def _prediction_states(
        self: Policy,
        tracker: DialogueStateTracker,
        domain: Domain,
        use_text_for_last_user_input: bool = False,
        rule_only_data: dict[str, Any] | None = None,
    ) -> list[State]:
        token = STATES_WINDOW.set(window_of(self))
        try:
            return rasa_prediction_states(
                self, tracker, domain, use_text_for_last_user_input, rule_only_data
            )
        finally:
            STATES_WINDOW.reset(token)

    _prediction_states.__doc__ = rasa_prediction_states.__doc__
    return _prediction_states
