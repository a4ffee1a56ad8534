"""A long conversation goes exactly as with Rasa's own runtime.

The trained model is loaded in this process and one conversation of 120 messages (FAQ
questions and follow-ups, assessments by buttons and in free text, "why?", changed
answers, a comparison: bench/conversation_length.py) is replayed twice against the
session's action server, each time with the shipped tracker store and its cache: once
with every runtime/ patch uninstalled (Rasa's code paths) and once installed. Each
message must lead to the same actions, predicted by the same policies with the same
confidence, and the same replies (report links, which carry a random id, masked). As
rules decide most turns, which would hide different dialogue states for TED and
memoization, the states every policy is given are also compared after every message
with those Rasa's own code computes from the same events.
"""

import asyncio
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from rasa.core.agent import Agent, load_agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.policies.rule_policy import RulePolicy
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

from bench.conversation_length import script
from harness.servers import MODEL, RasaServer, write_endpoints
from runtime import patches

MESSAGES = 120
RANDOM_PARTS = re.compile(r"https?://\S+|\b[0-9a-f]{8,}\b")

Turn = tuple[str, list[tuple[str, str | None, float | None]], list[str]]


def rule_only_data(agent: Agent) -> dict[str, Any]:
    nodes = agent.processor.graph_runner._instantiated_nodes  # no public accessor
    rules = [n._component for n in nodes.values() if isinstance(n._component, RulePolicy)]
    return rules[0]._get_rule_only_data()


def states_as_rasa_computes(tracker: DialogueStateTracker, domain: Domain, data: Any) -> Any:
    """The states (for rules, for ML policies) by Rasa's code, on a rebuilt tracker."""
    patches.uninstall()
    try:
        rebuilt = DialogueStateTracker.from_events("x", list(tracker.events), domain.slots)
        return rebuilt.past_states(domain), rebuilt.past_states(domain, False, True, data)
    finally:
        patches.install()


async def converse(agent: Agent, compare_states: bool = False) -> list[Turn]:
    sender = f"equivalence-{uuid.uuid4().hex[:8]}"
    turns = []
    for text in script(MESSAGES):
        before = len((await agent.tracker_store.retrieve(sender) or _Empty()).events)
        output = CollectingOutputChannel()
        await agent.handle_message(UserMessage(text, output, sender))
        tracker = await agent.tracker_store.retrieve(sender)
        assert tracker is not None
        if compare_states:
            data = rule_only_data(agent)
            ours = (
                tracker.past_states(agent.domain),
                tracker.past_states(agent.domain, False, True, data),
            )
            assert ours == states_as_rasa_computes(tracker, agent.domain, data), text
        actions = [
            (e.action_name, e.policy, None if e.confidence is None else round(e.confidence, 5))
            for e in list(tracker.events)[before:]
            if isinstance(e, ActionExecuted)
        ]
        replies = [RANDOM_PARTS.sub("…", str(m.get("text") or m)) for m in output.messages]
        turns.append((text, actions, replies))
    return turns


class _Empty:
    events: list[Any] = []


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
    # the conversation really used the form, rules, memoization and free text
    policies = {policy for _, actions, _ in ours for _, policy, _ in actions if policy}
    assert any("RulePolicy" in p for p in policies), policies
