"""The action server stopped or hung mid-assessment: the user gets a clear message
within 5 s, the answers so far are kept, and once the action server is back the
assessment completes with them. Knowledge answers never need the action server.
(channels/resilience.py; the stack is conftest.hardened_stack.)"""

import os
import signal
import time
from collections.abc import Iterator

import pytest
import requests

from advisor.questions import QUESTIONS
from channels.resilience import ACTION_SERVER_DOWN
from harness.servers import ActionServer, Chat, RasaServer
from tests.integration.conftest import API_TOKEN

Stack = tuple[RasaServer, ActionServer]
LIMIT = 5.0  # seconds, the promise in the README


@pytest.fixture
def stack(hardened_stack: Stack) -> Iterator[Stack]:
    """The hardened stack, with its action server running again afterwards."""
    yield hardened_stack
    actions = hardened_stack[1]
    if actions.process and actions.process.poll() is None:
        os.kill(actions.process.pid, signal.SIGCONT)
    else:
        actions.start()


def timed(chat: Chat, message: str) -> tuple[str, float]:
    started = time.monotonic()
    text = chat.text(message)
    return text, time.monotonic() - started


def slots(server: RasaServer, sender: str) -> dict:
    tracker = requests.get(
        f"{server.base_url}/conversations/{sender}/tracker", params={"token": API_TOKEN}, timeout=10
    ).json()
    return tracker["slots"]


def start_payroll(chat: Chat) -> None:
    assert QUESTIONS["core"].text in chat.text("help me decide for payroll")
    assert QUESTIONS["complexity"].text in chat.text("necessary but not what we're known for")
    assert QUESTIONS["qualifications"].text in chat.text("very routine and rule based")


def finish(chat: Chat) -> str:
    assert QUESTIONS["sensitivity"].text in chat.text("basic skills")
    assert QUESTIONS["goal"].text in chat.text("highly sensitive employee salary and bank data")
    return chat.text("lower costs")


def test_knowledge_answers_work_without_the_action_server(stack: Stack) -> None:
    server, actions = stack
    actions.stop()
    chat = Chat(server.base_url)
    for question, fact in (
        ("what is kpo?", "Knowledge Process Outsourcing"),
        ("kpo vs bpo", "subset of BPO"),
        ("what are the risks of kpo?", "NDA"),
    ):
        text, seconds = timed(chat, question)
        assert fact in text and seconds < LIMIT, (question, text, seconds)
        assert ACTION_SERVER_DOWN not in text


def test_action_server_down_mid_assessment_then_back(stack: Stack) -> None:
    server, actions = stack
    chat = Chat(server.base_url)
    start_payroll(chat)
    before = slots(server, chat.sender)
    assert before["process"] and before["core"] and before["complexity"]

    actions.stop()
    text, seconds = timed(chat, "basic skills")
    assert text == ACTION_SERVER_DOWN and seconds < LIMIT, (text, seconds)
    assert slots(server, chat.sender) == before, "answers changed while the action server was down"

    actions.start()
    recommendation = finish(chat)
    assert "My recommendation for payroll: BPO" in recommendation, recommendation


def test_hung_action_server_times_out_then_recovers(stack: Stack) -> None:
    server, actions = stack
    chat = Chat(server.base_url)
    start_payroll(chat)
    assert actions.process is not None
    os.kill(actions.process.pid, signal.SIGSTOP)  # accepts connections, never answers
    try:
        text, seconds = timed(chat, "basic skills")
        assert text == ACTION_SERVER_DOWN and seconds < LIMIT, (text, seconds)
    finally:
        os.kill(actions.process.pid, signal.SIGCONT)
    recommendation = finish(chat)
    assert "My recommendation for payroll: BPO" in recommendation, recommendation
