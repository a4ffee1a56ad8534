"""Access control on the real servers: the admin API is off by default and needs
a token or a JWT when enabled; CORS allows exact configured origins only; both
servers listen on loopback only; secrets never appear on a command line; var/ is
private. The defaults are checked on what `make run` starts: scripts/servers.sh."""

import os
import stat
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import jwt
import pytest
import requests

from harness.servers import MODEL, ActionServer, RasaServer, free_port, free_ports, write_endpoints
from tests.integration.conftest import ALLOWED_ORIGIN, API_TOKEN, JWT_SECRET

PROJECT_DIR = Path(__file__).resolve().parents[2]
Stack = tuple[RasaServer, ActionServer]
# Admin endpoints that change the assistant: model upload, training, event injection.
DANGEROUS = [
    ("GET", "/status", None),
    ("PUT", "/model", {"model_file": "/tmp/x.tar.gz"}),
    ("POST", "/model/train", {}),
    ("POST", "/conversations/victim/tracker/events", {"event": "restart"}),
    ("GET", "/conversations/victim/tracker", None),
]


def bearer(secret: str, role: str = "admin") -> dict[str, str]:
    token = jwt.encode(
        {"user": {"username": "ops", "role": role}, "exp": time.time() + 300},
        secret,
        algorithm="HS256",
    )
    return {"Authorization": f"Bearer {token}"}


def test_admin_api_is_off_by_default(rasa_server: RasaServer) -> None:
    """The shared server runs like `make run` without RASA_API_TOKEN/RASA_JWT_SECRET."""
    for method, path, body in DANGEROUS:
        response = requests.request(method, rasa_server.base_url + path, json=body, timeout=10)
        assert response.status_code in (404, 405), (path, response.status_code)


# ---- the shipped scripts/servers.sh (what `make run` starts), not the test harness


@dataclass
class Shipped:
    rasa_port: int
    actions_port: int
    var: Path
    env: dict[str, str]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def pid(self, name: str) -> int:
        return int((self.var / "run" / f"{name}.pid").read_text())


def shipped_env(var: Path, rasa_port: int, actions_port: int, endpoints: Path) -> dict[str, str]:
    """This environment without settings that would change what servers.sh does by default."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name
        not in (
            "RASA_API_TOKEN",
            "RASA_JWT_SECRET",
            "RASA_CORS_ORIGINS",
            "ACTIONS_HOST",
            "RASA_INTERFACE",
            "SANIC_HOST",
            "ACTIONS_REQUEST_MAX_SIZE",
            "ACTION_SERVER_TOKEN",
        )
    }
    env.update(
        RASA_PORT=str(rasa_port),
        ACTIONS_PORT=str(actions_port),
        ADVISOR_VAR_DIR=str(var),
        RASA_ENDPOINTS=str(endpoints),
    )
    return env


def servers_sh(
    env: dict[str, str], *functions: str, timeout: float = 300
) -> subprocess.CompletedProcess:
    """Run functions of scripts/servers.sh as scripts/run.sh does."""
    script = "source scripts/common.sh && source scripts/servers.sh && " + " && ".join(functions)
    return subprocess.run(
        ["bash", "-c", script],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shipped]:
    """scripts/servers.sh's start_action_server + start_rasa_server with the shipped
    credentials.yml, on free ports and with var/ in a temporary directory (the
    endpoints only point at that action server and that var/'s SQLite file)."""
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make test`, which trains first.")
    workdir = tmp_path_factory.mktemp("shipped")
    var = workdir / "var"  # created by servers.sh
    rasa_port, actions_port = free_ports(2)
    endpoints = write_endpoints(
        workdir / "endpoints.yml", f"http://127.0.0.1:{actions_port}/webhook", var / "tracker.db"
    )
    env = shipped_env(var, rasa_port, actions_port, endpoints)
    stack = Shipped(rasa_port, actions_port, var, env)
    try:
        started = servers_sh(env, "start_action_server", "start_rasa_server")
        assert started.returncode == 0, started.stdout + started.stderr
        yield stack
    finally:
        servers_sh(env, "stop_servers", timeout=60)


def test_shipped_servers_listen_on_loopback_only(shipped: Shipped) -> None:
    # 0100007F is 127.0.0.1 in /proc's little-endian hex; anything else (0.0.0.0 = 00000000) fails.
    assert _listening_addresses(shipped.rasa_port) == {"0100007F"}
    assert _listening_addresses(shipped.actions_port) == {"0100007F"}


def test_shipped_servers_have_the_admin_api_off(shipped: Shipped) -> None:
    for method, path, body in DANGEROUS:
        response = requests.request(method, shipped.base_url + path, json=body, timeout=10)
        assert response.status_code in (404, 405), (path, response.status_code)
    assert (
        requests.get(shipped.base_url + "/status", params={"token": ""}, timeout=10).status_code
        == 404
    )


def test_shipped_servers_allow_only_their_own_origins(shipped: Shipped) -> None:
    url = shipped.base_url + "/webhooks/rest/webhook"
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    for origin in (
        "https://evil.example",
        "null",
        f"http://localhost:{shipped.rasa_port}.evil.example",
    ):
        response = requests.options(url, headers={"Origin": origin, **preflight}, timeout=10)
        assert "Access-Control-Allow-Origin" not in response.headers, origin
    own = f"http://localhost:{shipped.rasa_port}"
    allowed = requests.options(url, headers={"Origin": own, **preflight}, timeout=10)
    assert allowed.headers.get("Access-Control-Allow-Origin") == own


def test_shipped_servers_start_through_the_launcher(shipped: Shipped) -> None:
    """The launcher is what keeps secrets off the command line (next test)."""
    for name in ("rasa", "actions"):
        cmdline = Path(f"/proc/{shipped.pid(name)}/cmdline").read_bytes().split(b"\0")
        assert cmdline[1:4] == [b"-m", b"runtime.launch", b"run"], cmdline


@pytest.mark.parametrize(
    "origins",
    [
        "*",
        "https://*.example.com",
        "https://chat.example.com/path",
        "https://chat.example.com *",
        ".*",
    ],
)
def test_servers_script_refuses_wildcard_cors(tmp_path: Path, origins: str) -> None:
    """Refused before Rasa is started (sanic-cors would read * ? ] \\ as a regex)."""
    env = {
        **shipped_env(tmp_path / "var", free_port(), free_port(), tmp_path / "endpoints.yml"),
        "RASA_CORS_ORIGINS": origins,
    }
    refused = servers_sh(env, "start_rasa_server", timeout=60)
    assert refused.returncode != 0
    assert "is not an exact origin" in refused.stderr
    assert not (tmp_path / "var" / "run" / "rasa.pid").exists()  # nothing was started


def test_servers_script_keeps_the_callers_umask(tmp_path: Path) -> None:
    """Only var/ and the servers are private: models/ and web/, which the Docker images
    copy, keep the user's umask (scripts/run.sh trains and sets up after sourcing)."""
    env = shipped_env(tmp_path / "var", free_port(), free_port(), tmp_path / "endpoints.yml")
    shell = servers_sh(env, "umask", timeout=60)
    assert shell.returncode == 0, shell.stderr
    caller = os.umask(0o022)
    os.umask(caller)
    assert int(shell.stdout.strip(), 8) == caller
    assert stat.S_IMODE((tmp_path / "var").stat().st_mode) == 0o700


def test_var_is_private(shipped: Shipped) -> None:
    """var/ and its directories 0700, every file in it 0600 (logs, pids, the SQLite
    conversations): other local users can read nothing."""
    # A conversation makes the tracker store write its file.
    reply = requests.post(
        shipped.base_url + "/webhooks/rest/webhook",
        json={"sender": "perm-check", "message": "what is bpo?"},
        timeout=60,
    )
    assert reply.status_code == 200 and reply.json()
    found = {
        path.relative_to(shipped.var): stat.S_IMODE(path.stat().st_mode)
        for path in shipped.var.rglob("*")
    }
    assert stat.S_IMODE(shipped.var.stat().st_mode) == 0o700
    assert {"run/rasa.pid", "log/rasa.log", "tracker.db"} <= {str(path) for path in found}
    wrong = {
        str(path): oct(mode)
        for path, mode in found.items()
        if mode != (0o700 if (shipped.var / path).is_dir() else 0o600)
    }
    assert not wrong, wrong


def test_the_admin_secrets_are_not_on_any_command_line(hardened_stack: Stack) -> None:
    """hardened_stack starts Rasa through the launcher with RASA_API_TOKEN and
    RASA_JWT_SECRET in its environment: the API works with them (tests above),
    and no process's command line (`ps`) shows them."""
    server = hardened_stack[0]
    assert server.process is not None
    cmdline = Path(f"/proc/{server.process.pid}/cmdline").read_bytes()
    assert b"runtime.launch" in cmdline
    for secret in (API_TOKEN, JWT_SECRET):
        assert secret.encode() not in cmdline
    listing = subprocess.run(
        ["ps", "-eww", "-o", "args="], capture_output=True, text=True, check=True
    ).stdout
    assert API_TOKEN not in listing and JWT_SECRET not in listing
    assert (
        requests.get(
            f"{server.base_url}/status", params={"token": API_TOKEN}, timeout=10
        ).status_code
        == 200
    )


@pytest.mark.parametrize("method, path, body", DANGEROUS)
def test_admin_api_rejects_requests_without_valid_credentials(
    hardened_stack: Stack, method: str, path: str, body: object
) -> None:
    base = hardened_stack[0].base_url
    for extra in (
        {},
        {"params": {"token": "wrong"}},
        {"headers": bearer("not-the-secret-but-also-32-bytes-long")},
        {"headers": {"Authorization": "Bearer garbage"}},
    ):
        response = requests.request(method, base + path, json=body, timeout=10, **extra)
        assert response.status_code in (401, 403), (path, extra, response.status_code)


def test_admin_api_works_with_the_token_or_a_jwt(hardened_stack: Stack) -> None:
    base = hardened_stack[0].base_url
    assert (
        requests.get(f"{base}/status", params={"token": API_TOKEN}, timeout=10).status_code == 200
    )
    assert requests.get(f"{base}/status", headers=bearer(JWT_SECRET), timeout=10).status_code == 200
    tracker = requests.get(
        f"{base}/conversations/someone/tracker", params={"token": API_TOKEN}, timeout=10
    )
    assert tracker.status_code == 200 and tracker.json()["sender_id"] == "someone"
    # A JWT with the "user" role only reaches its own conversation.
    own = requests.get(
        f"{base}/conversations/ops/tracker", headers=bearer(JWT_SECRET, "user"), timeout=10
    )
    other = requests.get(
        f"{base}/conversations/victim/tracker", headers=bearer(JWT_SECRET, "user"), timeout=10
    )
    assert own.status_code == 200 and other.status_code in (401, 403)


@pytest.mark.parametrize(
    "path", ["/webhooks/rest/", "/webhooks/rest/webhook", "/socket.io/?EIO=4&transport=polling"]
)
def test_cors_allows_only_the_configured_exact_origin(hardened_stack: Stack, path: str) -> None:
    url = hardened_stack[0].base_url + path
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    for origin in (
        "https://evil.example",
        ALLOWED_ORIGIN + ".evil.example",
        "null",
        ALLOWED_ORIGIN.replace("https", "http"),
    ):
        for response in (
            requests.get(url, headers={"Origin": origin}, timeout=10),
            requests.options(url, headers={"Origin": origin, **preflight}, timeout=10),
        ):
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


def test_shipped_servers_share_a_generated_action_server_token(shipped: Shipped) -> None:
    """Without ACTION_SERVER_TOKEN, servers.sh makes one in var/ (0600) and gives it to
    both servers: custom actions run, and a call without it is refused."""
    token = (shipped.var / "action_server_token").read_text().strip()
    assert len(token) >= 32
    assert stat.S_IMODE((shipped.var / "action_server_token").stat().st_mode) == 0o600
    webhook = f"http://127.0.0.1:{shipped.actions_port}/webhook"
    call = {"next_action": "action_show_report", "sender_id": "x", "tracker": {"sender_id": "x"}}
    assert requests.post(webhook, json=call, timeout=30).status_code == 401
    # The assessment form's validation is a custom action: it runs.
    reply = requests.post(
        shipped.base_url + "/webhooks/rest/webhook",
        json={"sender": "token-check", "message": "/start_assessment"},
        timeout=60,
    )
    assert reply.status_code == 200, reply.text
    texts = " ".join(message.get("text", "") for message in reply.json())
    assert "process" in texts.lower() and "try again" not in texts, texts
    for name in ("rasa", "actions"):
        cmdline = Path(f"/proc/{shipped.pid(name)}/cmdline").read_bytes()
        assert token.encode() not in cmdline, name


def test_logs_are_rotated_and_the_servers_keep_writing(shipped: Shipped) -> None:
    """scripts/rotate_logs.sh (logrotate, copytruncate): the old lines move to a
    private .1 file, the servers go on appending to the emptied log (no gap)."""
    log = shipped.var / "log" / "rasa.log"
    before = log.read_bytes()
    assert before
    rotated = subprocess.run(
        ["bash", "scripts/rotate_logs.sh", "--force"],
        cwd=PROJECT_DIR,
        env=shipped.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert rotated.returncode == 0, rotated.stdout + rotated.stderr
    old = shipped.var / "log" / "rasa.log.1"
    assert old.read_bytes().startswith(before)
    assert stat.S_IMODE(old.stat().st_mode) == 0o600
    assert (shipped.var / "log" / "actions.log.1").exists()
    # Something the Rasa server logs: a refused foreign origin.
    requests.get(
        shipped.base_url + "/socket.io/?EIO=4&transport=polling",
        headers={"Origin": "https://rotation-check.example"},
        timeout=10,
    )
    deadline = time.monotonic() + 10
    while b"rotation-check" not in log.read_bytes():
        assert time.monotonic() < deadline, log.read_bytes()[-500:]
        time.sleep(0.2)
    assert b"\0" not in log.read_bytes()  # appended at the start, not at the old offset
    assert len(log.read_bytes()) < len(before) + 2000
