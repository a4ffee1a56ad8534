"""A long conversation goes exactly as with Rasa's own runtime.

The trained model is loaded in this process and one conversation of 120 messages (FAQ
questions and follow-ups, assessments by buttons and in free text, "why?", changed
answers, a comparison: bench/conversation_length.py) is replayed twice against the
session's action server, each time with the shipped tracker store and its cache: once
with every runtime/ patch uninstalled (Rasa's code paths) and once installed. Each
message must lead to the same actions, predicted by the same policies with the same
confidence, and the same replies (report links, which carry a random id, masked). As
rules decide most turns, which would hide a difference in the policies that lost, the
states of the kept tracker and what every policy predicts before each bot action are
also compared with what Rasa's own code gives for the same events.
"""

import asyncio
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from rasa.core.agent import Agent, load_agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.policies.policy import Policy
from rasa.core.policies.rule_policy import RulePolicy
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker

from bench.conversation_length import script
from harness.servers import MODEL, RasaServer, write_endpoints
from runtime import patches

MESSAGES = 120
RANDOM_PARTS = re.compile(r"https?://\S+|\b[0-9a-f]{8,}\b")

Turn = tuple[str, list[tuple[str, str | None, bool, float | None]], list[str]]


def policies(agent: Agent) -> list[Policy]:
    nodes = agent.processor.graph_runner._instantiated_nodes  # no public accessor
    found = [n._component for n in nodes.values() if isinstance(n._component, Policy)]
    assert any(isinstance(p, RulePolicy) for p in found), found
    return found


def rule_only_data(agent: Agent) -> dict[str, Any]:
    return next(p for p in policies(agent) if isinstance(p, RulePolicy))._get_rule_only_data()


def states_and_predictions(agent: Agent, events: list[Event], before: int) -> Any:
    """The tracker's states (for rules, for ML policies), and every policy's prediction
    before each bot action since event number `before`, on trackers rebuilt from `events`."""
    domain, data = agent.domain, rule_only_data(agent)
    tracker = DialogueStateTracker.from_events("x", events, domain.slots)
    states = tracker.past_states(domain), tracker.past_states(domain, False, True, data)
    predictions = []
    for end in range(before, len(events)):
        if isinstance(events[end], ActionExecuted):
            prefix = DialogueStateTracker.from_events("x", events[:end], domain.slots)
            for policy in policies(agent):
                p = policy.predict_action_probabilities(prefix, domain, rule_only_data=data)
                predictions.append(
                    (
                        type(policy).__name__,
                        [round(x, 5) for x in p.probabilities],
                        [e.as_dict() for e in p.events],
                        (p.hide_rule_turn, p.is_no_user_prediction, p.is_end_to_end_prediction),
                    )
                )
    return states, predictions


def as_rasa_computes(agent: Agent, events: list[Event], before: int) -> Any:
    patches.uninstall()
    try:
        return states_and_predictions(agent, events, before)
    finally:
        patches.install()


async def converse(agent: Agent, compare_states: bool = False) -> list[Turn]:
    sender = f"equivalence-{uuid.uuid4().hex[:8]}"
    turns = []
    for text in script(MESSAGES):
        known = await agent.tracker_store.retrieve(sender)
        before = len(known.events) if known else 0
        output = CollectingOutputChannel()
        await agent.handle_message(UserMessage(text, output, sender))
        tracker = await agent.tracker_store.retrieve(sender)
        assert tracker is not None
        events = list(tracker.events)
        if compare_states:
            data = rule_only_data(agent)
            kept = (
                tracker.past_states(agent.domain),
                tracker.past_states(agent.domain, False, True, data),
            )
            rasas = as_rasa_computes(agent, events, before)
            assert kept == rasas[0], text
            assert states_and_predictions(agent, events, before) == rasas, text
        actions = [
            (e.action_name, e.policy, e.hide_rule_turn, e.confidence and round(e.confidence, 5))
            for e in events[before:]
            if isinstance(e, ActionExecuted)
        ]
        replies = [RANDOM_PARTS.sub("…", str(m.get("text") or m)) for m in output.messages]
        turns.append((text, actions, replies))
    return turns


@pytest.fixture(scope="module")
def agent(rasa_server: RasaServer, tmp_path_factory: pytest.TempPathFactory) -> Agent:
    work: Path = tmp_path_factory.mktemp("equivalence")
    endpoints = write_endpoints(work / "endpoints.yml", rasa_server.action_url, work / "t.db")
    return asyncio.run(
        load_agent(
            model_path=str(MODEL), endpoints=AvailableEndpoints.read_endpoints(str(endpoints))
        )
    )


def test_a_long_conversation_goes_as_with_rasas_own_runtime(agent: Agent) -> None:
    patches.uninstall()
    try:
        rasas = asyncio.run(converse(agent))
    finally:
        patches.install()
    with patches.installed():
        ours = asyncio.run(converse(agent, compare_states=True))
    assert len(ours) == len(rasas) == MESSAGES
    for number, (mine, theirs) in enumerate(zip(ours, rasas, strict=True), start=1):
        assert mine == theirs, f"message {number}"
    winners = {policy for _, actions, _ in ours for _, policy, *_ in actions if policy}
    assert any("RulePolicy" in p for p in winners), winners
