"""deploy/helm/values.yml, checked statically (no cluster or helm here): the ingress
exposes only the public paths (REST only with deploy/helm/values-rest.yml), limits
every client address like `make scale-up`'s nginx, the Redis lock store has the
same bounded timeouts as deploy/endpoints.scale.yml, and every Rasa and
action-server pod gets the same signing secret from a Kubernetes Secret."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
HELM = PROJECT_DIR / "deploy" / "helm"
VALUES = yaml.safe_load((HELM / "values.yml").read_text())
REST_OVERLAY = yaml.safe_load((HELM / "values-rest.yml").read_text())
ANNOTATIONS = "nginx.ingress.kubernetes.io/"

PUBLIC = [
    "/chat",
    "/chat/",
    "/chat/assets/webchat.js",
    "/socket.io/",
    "/socket.io/?EIO=4&transport=websocket",
    "/webhooks/slack/webhook",
    "/report/abc",
    "/report/abc/report.md",
]
REST = ["/webhooks/rest/", "/webhooks/rest/webhook"]
NOT_PUBLIC = [
    "/",
    "/status",
    "/version",
    "/model",
    "/model/train",
    "/conversations/u1/tracker",
    "/conversations/u1/messages",
    "/domain",
    "/webhooks/",
    "/webhooks/socketio/webhook",
    "/webhooks/callback/webhook",
    "/webhooks/slackware",
    "/chatroom",
    "/reports",
    "/socket.iox",
    "/socketxio/",
    "/x/chat/",
]


def routed(path_regex: str, path: str) -> bool:
    """Whether ingress-nginx sends `path` to the pods: with use-regex it writes
    `location ~* "^<path>"` (case-insensitive, anchored at the start only)."""
    return re.match(path_regex, path, re.IGNORECASE) is not None


def annotation(name: str) -> str:
    value: str = VALUES["ingress"]["annotations"][ANNOTATIONS + name]
    return value


def test_the_ingress_exposes_only_the_public_paths() -> None:
    ingress = VALUES["ingress"]
    assert ingress["pathType"] == "ImplementationSpecific"
    assert annotation("use-regex") == "true"
    assert "extraPaths" not in ingress  # the chart's schema allows no list there
    for path in PUBLIC:
        assert routed(ingress["path"], path), path
    for path in NOT_PUBLIC + REST:
        assert not routed(ingress["path"], path), path


def test_rest_is_exposed_only_with_the_overlay() -> None:
    assert set(REST_OVERLAY) == {"ingress", "extraEnv"} and set(REST_OVERLAY["ingress"]) == {"path"}
    path = REST_OVERLAY["ingress"]["path"]
    for public in PUBLIC + REST:
        assert routed(path, public), public
    for other in NOT_PUBLIC:
        assert not routed(path, other), other


def _scale_up_default(name: str) -> int:
    text = (PROJECT_DIR / "scripts" / "scale_up.sh").read_text()
    found = re.search(rf'^{name}="\$\{{{name}:-([0-9]+)\}}"', text, re.MULTILINE)
    assert found, name
    return int(found.group(1))


def test_every_client_address_is_limited_like_the_local_stack() -> None:
    rps = int(annotation("limit-rps"))
    burst = rps * int(annotation("limit-burst-multiplier"))
    connections = int(annotation("limit-connections"))
    assert rps == _scale_up_default("SCALE_LIMIT_RATE")
    assert burst == _scale_up_default("SCALE_LIMIT_BURST")
    assert connections == _scale_up_default("SCALE_LIMIT_CONN")
    assert 0 < rps <= 20 and 0 < connections <= 100


def test_the_lock_store_has_the_bounded_timeouts_of_the_local_stack() -> None:
    helm_store = VALUES["applicationSettings"]["endpoints"]["lockStore"]
    local = yaml.safe_load((PROJECT_DIR / "deploy" / "endpoints.scale.yml").read_text())
    local_store = local["lock_store"]
    assert helm_store["type"] == local_store["type"] == "stores.lock_store.AtomicRedisLockStore"
    for setting in ("socket_timeout", "socket_connect_timeout"):
        assert float(helm_store[setting]) == float(local_store[setting]) == 1.0, setting


def _secret_env(env: list[dict[str, Any]], name: str) -> dict[str, Any]:
    (entry,) = [item for item in env if item["name"] == name]
    assert "value" not in entry, f"{name} must come from a Secret, not a value"
    reference: dict[str, Any] = entry["valueFrom"]["secretKeyRef"]
    return reference


def test_rasa_and_the_action_server_share_the_signing_secret_from_a_secret() -> None:
    rasa = _secret_env(VALUES["extraEnv"], "ADVISOR_SECRET_KEY")
    actions = _secret_env(VALUES["rasa-action-server"]["extraEnv"], "ADVISOR_SECRET_KEY")
    assert rasa == actions == {"name": "advisor-secret-key", "key": "secret-key"}
    readme = (PROJECT_DIR / "deploy" / "README.md").read_text()
    assert "create secret generic advisor-secret-key" in readme
    assert "--from-literal=secret-key=" in readme


def test_rasa_and_the_action_server_share_the_action_server_token_from_a_secret() -> None:
    rasa = _secret_env(VALUES["extraEnv"], "ACTION_SERVER_TOKEN")
    actions = _secret_env(VALUES["rasa-action-server"]["extraEnv"], "ACTION_SERVER_TOKEN")
    assert rasa == actions == {"name": "advisor-action-server-token", "key": "token"}
    readme = (PROJECT_DIR / "deploy" / "README.md").read_text()
    assert "create secret generic advisor-action-server-token" in readme


def test_only_rasa_pods_may_reach_the_action_server() -> None:
    policy = yaml.safe_load((HELM / "network-policy.yml").read_text())
    assert policy["kind"] == "NetworkPolicy" and policy["spec"]["policyTypes"] == ["Ingress"]
    target = policy["spec"]["podSelector"]["matchLabels"]
    assert target["app.kubernetes.io/name"] == "rasa-action-server"
    (rule,) = policy["spec"]["ingress"]
    (source,) = rule["from"]
    assert source["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == "rasa"
    readme = (PROJECT_DIR / "deploy" / "README.md").read_text()
    assert "apply -f deploy/helm/network-policy.yml" in readme


def test_every_routed_channel_is_enabled() -> None:
    """The ingress routes /chat, /socket.io, /report and /webhooks/slack: each has
    its channel (REST, routed only with values-rest.yml, is enabled too)."""
    channels = VALUES["applicationSettings"]["credentials"]["additionalChannelCredentials"]
    assert set(channels) == {
        "channels.rest.GuardedRestInput",
        "channels.socketio.GuardedSocketIOInput",
        "channels.web_page.WebChatPage",
        "channels.report_page.ReportPage",
        "channels.slack.SlackChannel",
        "channels.admin_page.AdminPage",
    }
    credentials = yaml.safe_load((PROJECT_DIR / "credentials.yml").read_text())
    assert set(credentials) == set(channels)
    slack = {e["name"]: e for e in VALUES["extraEnv"] if e["name"].startswith("SLACK_")}
    assert set(slack) == {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"}
    assert all(e["valueFrom"]["secretKeyRef"]["name"] == "advisor-slack" for e in slack.values())


def test_exposed_rest_requires_a_token() -> None:
    overlay_env = REST_OVERLAY["extraEnv"]
    assert overlay_env[:-1] == VALUES["extraEnv"]  # Helm replaces lists: no drift
    reference = _secret_env(overlay_env, "REST_TOKEN")
    assert reference == {"name": "advisor-rest-token", "key": "token"}  # not optional
    assert "REST_TOKEN" not in {e["name"] for e in VALUES["extraEnv"]}
