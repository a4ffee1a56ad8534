"""Access control on the real servers: the admin API is off by default and needs
a token or a JWT when enabled; CORS allows exact configured origins only; the
action server listens on loopback only."""
import time
from pathlib import Path
from typing import Dict, Tuple

import jwt
import pytest
import requests

from tests.integration.conftest import ALLOWED_ORIGIN, API_TOKEN, JWT_SECRET
from tests.integration.servers import ActionServer, RasaServer

Stack = Tuple[RasaServer, ActionServer]
# Admin endpoints that change the assistant: model upload, training, event injection.
DANGEROUS = [
    ("GET", "/status", None),
    ("PUT", "/model", {"model_file": "/tmp/x.tar.gz"}),
    ("POST", "/model/train", {}),
    ("POST", "/conversations/victim/tracker/events", {"event": "restart"}),
    ("GET", "/conversations/victim/tracker", None),
]


def bearer(secret: str, role: str = "admin") -> Dict[str, str]:
    token = jwt.encode({"user": {"username": "ops", "role": role}, "exp": time.time() + 300},
                       secret, algorithm="HS256")
    return {"Authorization": f"Bearer {token}"}


def test_admin_api_is_off_by_default(rasa_server: RasaServer) -> None:
    """The shared server runs like `make run` without RASA_API_TOKEN/RASA_JWT_SECRET."""
    for method, path, body in DANGEROUS:
        response = requests.request(method, rasa_server.base_url + path, json=body, timeout=10)
        assert response.status_code in (404, 405), (path, response.status_code)


def test_servers_script_enables_the_api_only_with_a_secret_from_the_environment() -> None:
    script = (Path(__file__).resolve().parents[2] / "scripts" / "servers.sh").read_text()
    assert 'if [ -n "${RASA_API_TOKEN:-}" ] || [ -n "${RASA_JWT_SECRET:-}" ]; then' in script
    assert script.count("--enable-api") == 1


@pytest.mark.parametrize("method, path, body", DANGEROUS)
def test_admin_api_rejects_requests_without_valid_credentials(
    hardened_stack: Stack, method: str, path: str, body: object
) -> None:
    base = hardened_stack[0].base_url
    for extra in ({}, {"params": {"token": "wrong"}}, {"headers": bearer("not-the-secret-but-also-32-bytes-long")},
                  {"headers": {"Authorization": "Bearer garbage"}}):
        response = requests.request(method, base + path, json=body, timeout=10, **extra)
        assert response.status_code in (401, 403), (path, extra, response.status_code)


def test_admin_api_works_with_the_token_or_a_jwt(hardened_stack: Stack) -> None:
    base = hardened_stack[0].base_url
    assert requests.get(f"{base}/status", params={"token": API_TOKEN}, timeout=10).status_code == 200
    assert requests.get(f"{base}/status", headers=bearer(JWT_SECRET), timeout=10).status_code == 200
    tracker = requests.get(f"{base}/conversations/someone/tracker", params={"token": API_TOKEN}, timeout=10)
    assert tracker.status_code == 200 and tracker.json()["sender_id"] == "someone"
    # A JWT with the "user" role only reaches its own conversation.
    own = requests.get(f"{base}/conversations/ops/tracker", headers=bearer(JWT_SECRET, "user"), timeout=10)
    other = requests.get(f"{base}/conversations/victim/tracker", headers=bearer(JWT_SECRET, "user"), timeout=10)
    assert own.status_code == 200 and other.status_code in (401, 403)


@pytest.mark.parametrize("path", ["/webhooks/rest/", "/webhooks/rest/webhook", "/socket.io/?EIO=4&transport=polling"])
def test_cors_allows_only_the_configured_exact_origin(hardened_stack: Stack, path: str) -> None:
    url = hardened_stack[0].base_url + path
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    for origin in ("https://evil.example", ALLOWED_ORIGIN + ".evil.example", "null",
                   ALLOWED_ORIGIN.replace("https", "http")):
        for response in (requests.get(url, headers={"Origin": origin}, timeout=10),
                         requests.options(url, headers={"Origin": origin, **preflight}, timeout=10)):
            assert "Access-Control-Allow-Origin" not in response.headers, (origin, response.headers)
    allowed = requests.options(url, headers={"Origin": ALLOWED_ORIGIN, **preflight}, timeout=10)
    assert allowed.headers.get("Access-Control-Allow-Origin") == ALLOWED_ORIGIN


def _listening_addresses(port: int) -> set:
    """Local addresses of TCP sockets listening on `port` (from /proc/net/tcp*)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.rsplit(":", 1)
            if state == "0A" and int(port_hex, 16) == port:  # 0A = LISTEN
                found.add(address)
    return found


def test_action_server_listens_on_loopback_only(hardened_stack: Stack) -> None:
    addresses = _listening_addresses(hardened_stack[1].port)
    # 0100007F is 127.0.0.1 in /proc's little-endian hex; anything else (0.0.0.0 = 00000000) fails.
    assert addresses == {"0100007F"}, addresses
