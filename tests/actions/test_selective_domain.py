"""Rasa sends the domain (16 KB) with every action call unless the action endpoint
enables selective domain; then only actions declared with `send_domain: true` in
domain.yml get it. No action of ours reads it, and every endpoints file Rasa is
started with (the shipped one, scale-out's, the tests' and the benchmark's) says so."""

import ast
import inspect
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk.executor import ActionExecutor

from harness.servers import write_endpoints

PROJECT_DIR = Path(__file__).resolve().parents[2]


def action_endpoint(path: Path) -> dict[str, object]:
    endpoint = yaml.safe_load(path.read_text())["action_endpoint"]
    assert isinstance(endpoint, dict)
    return endpoint


def test_every_endpoints_file_enables_selective_domain(tmp_path: Path) -> None:
    generated = write_endpoints(tmp_path / "endpoints.yml", "http://127.0.0.1:1/webhook", None)
    for path in [
        PROJECT_DIR / "endpoints.yml",
        PROJECT_DIR / "deploy" / "endpoints.scale.yml",
        generated,
    ]:
        assert action_endpoint(path).get("enable_selective_domain") is True, path


def actions_declaring_send_domain() -> set[str]:
    domain = yaml.safe_load((PROJECT_DIR / "domain.yml").read_text())
    return {
        name
        for entry in domain["actions"]
        if isinstance(entry, dict)
        for name, settings in entry.items()
        if (settings or {}).get("send_domain")
    }


def reads_domain(run: Callable[..., Any]) -> bool:
    """Whether the body of an action's `run` uses its `domain` argument."""
    source = textwrap.dedent(inspect.getsource(inspect.unwrap(run)))
    [function] = ast.parse(source).body
    assert isinstance(function, ast.AsyncFunctionDef | ast.FunctionDef)
    return any(
        isinstance(node, ast.Name) and node.id == "domain"
        for statement in function.body
        for node in ast.walk(statement)
    )


def actions_reading_the_domain() -> set[str]:
    """The action server's actions (as it registers them) whose `run` reads the domain."""
    executor = ActionExecutor()
    executor.register_package("actions")
    assert len(executor.actions) >= 10
    return {
        name
        for name, run in executor.actions.items()
        if reads_domain(getattr(type(getattr(run, "__self__", None)), "run", run))
    }


def test_an_action_reading_the_domain_is_declared_to_get_it() -> None:
    """An action that needs the domain must be declared in domain.yml:
    `- action_name: {send_domain: true}`."""
    undeclared = actions_reading_the_domain() - actions_declaring_send_domain()
    assert not undeclared, f"declare with send_domain: true in domain.yml: {undeclared}"
