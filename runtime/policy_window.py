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
conversation on every prediction: cost growing with its length. `prediction_states`
computes what Rasa's `Policy._prediction_states` gives, from only the states the policy
reads (`window_of`), handed explicitly to `recent_states` (runtime/tracker_history.py).
The policies of config.yml call it (runtime/policies.py); other policies, trackers of
other classes (training) and Rasa without the incremental states patch get Rasa's code.
tests/integration/test_runtime_equivalence.py compares every policy's prediction with
and without it after every message of a long conversation.
"""

from __future__ import annotations

import itertools
from typing import Any

from rasa.core.featurizers.tracker_featurizers import MaxHistoryTrackerFeaturizer
from rasa.core.policies.policy import Policy, SupportedData
from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.trackers import DialogueStateTracker

from runtime.tracker_history import StateOptions, Window, handles, recent_states

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


def prediction_states(
    policy: Policy,
    tracker: DialogueStateTracker,
    domain: Domain,
    use_text_for_last_user_input: bool,
    rule_only_data: dict[str, Any] | None,
) -> list[State] | None:
    """What Rasa's `Policy._prediction_states` returns, computed from the last states
    only; None where this does not apply (Rasa's own method then answers)."""
    featurizer = policy.featurizer
    if (
        type(featurizer) is not MaxHistoryTrackerFeaturizer
        or not handles(tracker)
        or not window_enabled()
    ):
        return None
    ml_policy = policy.supported_data() == SupportedData.ML_DATA
    options = StateOptions(False, ml_policy, rule_only_data)
    states = recent_states(domain, tracker, options, window_of(policy))
    # The rest of MaxHistoryTrackerFeaturizer.prediction_states, as Rasa runs it.
    if ml_policy:
        states = featurizer._remove_action_unlikely_intent_from_states(states)
    states = featurizer.slice_state_history(states, featurizer.max_history)
    featurizer._choose_last_user_input([states], use_text_for_last_user_input)
    return list(states)


SKIP_NAME = "runtime.policies"  # in RASA_RUNTIME_SKIP: the policies read every state


def window_enabled() -> bool:
    """Whether runtime/patches.py has installed the incremental states, which keep what
    the window leaves out (without them, Rasa's code path is taken as a whole), and
    RASA_RUNTIME_SKIP does not switch the window off (to measure it alone)."""
    from runtime import patches  # imports this module: not at import time
    from runtime.settings import rasa_settings

    return (
        patches.is_installed(Domain, "states_for_tracker_history")
        and SKIP_NAME not in rasa_settings().runtime_skip
    )
