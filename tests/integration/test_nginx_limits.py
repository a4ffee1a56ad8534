"""The scale-out nginx configuration (deploy/nginx/advisor.conf.template, rendered by
deploy/nginx/render.py as scripts/scale_up.sh does), run by the real nginx from the
Debian package in front of a stub replica that records what reaches it:

- only the public paths reach a replica: /chat/, /socket.io/, /webhooks/slack/,
  /report/, and /webhooks/rest/ only with SCALE_EXPOSE_REST=1; Rasa's HTTP API and
  everything else is 404 from nginx, raw traversal paths included;
- a client address over its request rate gets 429 (JSON, Retry-After) without
  reaching a replica, whichever public path it tries; other addresses, Slack's own
  budget and exempt addresses are not affected;
- a client address over its open connections gets 429.

The whole stack (real replicas) is tested in tests/integration/test_scale_out.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from deploy.nginx.render import prepare_log_dir, render
from harness.scale_stack import RawResponse, raw_request
from harness.servers import free_ports

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
RATE, BURST, CONN = 5, 10, 3
SLACK_RATE, SLACK_BURST = 20, 30

PUBLIC = [
    ("GET", "/chat/"),
    ("GET", "/chat"),
    ("GET", "/chat/assets/webchat.js"),
    ("GET", "/report/some-token"),
    ("GET", "/report/some-token/report.md"),
    ("GET", "/socket.io/?EIO=4&transport=polling"),
    ("POST", "/webhooks/slack/webhook"),
]
REST = [("GET", "/webhooks/rest/"), ("POST", "/webhooks/rest/webhook")]
NOT_PUBLIC = [
    ("GET", "/"),
    ("GET", "/status"),
    ("GET", "/version"),
    ("PUT", "/model"),
    ("POST", "/model/train"),
    ("DELETE", "/model"),
    ("GET", "/conversations/someone/tracker"),
    ("POST", "/conversations/someone/tracker/events"),
    ("POST", "/conversations/someone/messages"),
    ("GET", "/domain"),
    ("GET", "/webhooks/"),
    ("GET", "/webhooks/socketio/"),
    ("POST", "/webhooks/callback/webhook"),
    ("GET", "/webhooks/slackish"),
    ("GET", "/CHAT/"),
    ("GET", "/chatroom"),
    ("GET", "/reports"),
    ("GET", "/socket.io"),
    # raw traversal out of a public prefix (http.client sends them as they are)
    ("GET", "/chat/../status"),
    ("GET", "/chat/%2e%2e/version"),
    ("GET", "/chat/%2E%2E/conversations/someone/tracker"),
    ("GET", "/report/../../model"),
    ("GET", "/socket.io/../status"),
    ("POST", "/webhooks/slack/../../model/train"),
    ("GET", "//status"),
    # traversal *into* a public prefix: nginx matches the normalised path but would
    # pass the raw one on (issue #24); every "." or ".." segment, raw or encoded
    ("GET", "/conversations/../chat/tracker"),
    ("GET", "/conversations/someone/../../report/x"),
    ("GET", "/status/%2e%2e/chat/"),
    ("GET", "/model/%2E%2E/socket.io/?EIO=4&transport=polling"),
    ("POST", "/model/train/%2e%2e%2f%2e%2e/webhooks/slack/webhook"),
    ("GET", "/version/.%2e/report/x"),
    ("GET", "/chat/./"),
    ("GET", "/chat/%2e/assets/webchat.js"),
    ("GET", "/report/x/./report.md"),
    ("GET", "/report/x/.."),
]


class Stub(ThreadingHTTPServer):
    """A stand-in replica: answers 200 and records every request; a path with
    `hold` in it is held until `release` is set (an open connection)."""

    daemon_threads = True

    def __init__(self, port: int) -> None:
        self.seen: list[tuple[str, str]] = []
        self.release = threading.Event()
        super().__init__(("127.0.0.1", port), StubHandler)


class StubHandler(BaseHTTPRequestHandler):
    server: Stub

    def _answer(self) -> None:
        self.server.seen.append((self.command, self.path))
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        if "hold" in self.path:
            self.server.release.wait(20)
        body = b"replica"
        self.send_response(200)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _answer

    def log_message(self, *_: object) -> None:
        pass


@dataclass
class Nginx:
    port: int
    stub: Stub
    directory: Path
    process: subprocess.Popen[bytes] | None = None
    log: list[str] = field(default_factory=list)

    def request(self, method: str, path: str, source: str = "127.0.0.1") -> RawResponse:
        body = b"{}" if method in ("POST", "PUT") else None
        return raw_request(self.port, method, path, source=source, body=body, timeout=20)


def _start_nginx(expose_rest: bool, extra: dict[str, str] | None = None) -> Iterator[Nginx]:
    if NGINX is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is not installed: run `sudo bash scripts/install_services.sh`")
        pytest.skip("nginx is not installed (scripts/install_services.sh)")
    http_port, proxy_port, stub_port = free_ports(3)
    stub = Stub(stub_port)
    threading.Thread(target=stub.serve_forever, daemon=True).start()
    directory = Path(tempfile.mkdtemp(prefix="advisor-nginx-"))
    directory.chmod(0o755)
    (directory / "tmp").mkdir()
    user = ""
    if os.geteuid() == 0:  # as scale_up.sh: the workers do not run as root
        user = "www-data"
        shutil.chown(directory / "tmp", user)
    settings = {
        "NGINX_DIR": str(directory),
        "NGINX_USER": user,
        "RASA_PORTS": str(stub_port),
        "HTTP_PORT": str(http_port),
        "ACTIONS_PORT": str(stub_port),
        "ACTIONS_PROXY_PORT": str(proxy_port),
        "RASA_READ_TIMEOUT": "30",
        "ACTION_TIMEOUT": "3",
        "EXPOSE_REST": "1" if expose_rest else "0",
        "LIMIT_RATE": str(RATE),
        "LIMIT_BURST": str(BURST),
        "LIMIT_CONN": str(CONN),
        "SLACK_LIMIT_RATE": str(SLACK_RATE),
        "SLACK_LIMIT_BURST": str(SLACK_BURST),
        "LIMIT_EXEMPT": "127.0.0.1",
        **(extra or {}),
    }
    config = directory / "nginx.conf"
    config.write_text(render(settings))
    log_dir = prepare_log_dir(str(directory), user)
    command = [NGINX, "-p", f"{directory}/", "-c", str(config), "-e", str(log_dir / "error.log")]
    checked = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    server = Nginx(http_port, stub, directory)
    server.process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                raw_request(http_port, "GET", "/nothing-here", timeout=2)
                break
            except OSError:
                assert server.process.poll() is None, (log_dir / "error.log").read_text()
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)
        stub.seen.clear()
        yield server
    finally:
        stub.release.set()
        server.process.terminate()
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
        stub.shutdown()
        stub.server_close()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def nginx() -> Iterator[Nginx]:
    """Default: REST not exposed."""
    yield from _start_nginx(expose_rest=False)


@pytest.fixture(scope="module")
def nginx_rest() -> Iterator[Nginx]:
    yield from _start_nginx(expose_rest=True)


# --- public paths ----------------------------------------------------------------------


def not_served(got: RawResponse, path: str) -> bool:
    """404 (or 400 for a path nginx cannot parse), or nginx's own redirect of a
    public prefix without its slash (/socket.io -> /socket.io/)."""
    if got.status == 301:
        return got.headers.get("location", "").endswith(path + "/")
    return got.status in (400, 404)


def test_only_public_paths_reach_a_replica(nginx: Nginx) -> None:
    for method, path in PUBLIC:
        got = nginx.request(method, path)
        assert (got.status, got.body) == (200, b"replica"), (method, path, got)
    assert len(nginx.stub.seen) == len(PUBLIC)
    nginx.stub.seen.clear()
    for method, path in NOT_PUBLIC + REST:
        assert not_served(nginx.request(method, path), path), (method, path)
    assert nginx.stub.seen == [], f"reached the replica: {nginx.stub.seen}"


def test_rest_is_public_only_when_exposed(nginx_rest: Nginx) -> None:
    for method, path in PUBLIC + REST:
        got = nginx_rest.request(method, path)
        assert (got.status, got.body) == (200, b"replica"), (method, path, got)
    nginx_rest.stub.seen.clear()
    for method, path in NOT_PUBLIC:
        assert not_served(nginx_rest.request(method, path), path), (method, path)
    assert nginx_rest.stub.seen == []


# --- limits ------------------------------------------------------------------------------


def flood(nginx: Nginx, path: str, source: str, count: int) -> tuple[list[RawResponse], float]:
    started = time.monotonic()
    responses = [nginx.request("GET", path, source=source) for _ in range(count)]
    return responses, time.monotonic() - started


def test_a_flood_from_one_address_gets_429_without_reaching_a_replica(nginx_rest: Nginx) -> None:
    nginx_rest.stub.seen.clear()
    responses, seconds = flood(nginx_rest, "/chat/", "127.0.0.2", 4 * BURST)
    statuses = [r.status for r in responses]
    passed = statuses.count(200)
    # the burst, plus what the rate refilled meanwhile (and one for rounding)
    assert BURST <= passed <= BURST + 1 + int(RATE * seconds) + 1, (passed, seconds)
    assert set(statuses) == {200, 429}
    refused = next(r for r in responses if r.status == 429)
    assert refused.headers.get("retry-after") == "1"
    assert refused.headers.get("content-type", "").startswith("application/json")
    assert refused.json()["error"] == "too_many_requests"
    assert len(nginx_rest.stub.seen) == passed, "a refused request reached the replica"

    # the budget is per address, for every public path (a message, socket.io)...
    nginx_rest.stub.seen.clear()
    for method, path in [REST[1], PUBLIC[5], PUBLIC[3]]:
        assert nginx_rest.request(method, path, source="127.0.0.2").status == 429, path
    assert nginx_rest.stub.seen == []
    # ...Slack has its own budget, other addresses theirs, 127.0.0.1 is exempt
    assert nginx_rest.request(*PUBLIC[6], source="127.0.0.2").status == 200
    assert nginx_rest.request("GET", "/chat/", source="127.0.0.3").status == 200
    exempt, _ = flood(nginx_rest, "/chat/", "127.0.0.1", 4 * BURST)
    assert {r.status for r in exempt} == {200}
    # and the address gets its budget back at RATE per second
    time.sleep(2.5 / RATE)
    assert nginx_rest.request("GET", "/chat/", source="127.0.0.2").status == 200


def test_slack_gets_its_own_larger_budget(nginx_rest: Nginx) -> None:
    responses = [
        nginx_rest.request("POST", "/webhooks/slack/webhook", source="127.0.0.4")
        for _ in range(SLACK_BURST + 20)
    ]
    statuses = [r.status for r in responses]
    assert statuses[:SLACK_BURST] == [200] * SLACK_BURST
    assert 429 in statuses


def test_too_many_open_connections_from_one_address_get_429(nginx: Nginx) -> None:
    """CONN requests held open (like websockets or long polls) from one address;
    one more is refused at once, other addresses are not; once one closes, the
    address may connect again."""
    nginx.stub.release.clear()
    held: list[RawResponse | Exception] = []

    def hold(source: str) -> None:
        try:
            held.append(nginx.request("GET", "/socket.io/?hold=1", source=source))
        except Exception as error:  # noqa: BLE001 - collected and checked below
            held.append(error)

    threads = [threading.Thread(target=hold, args=("127.0.0.5",)) for _ in range(CONN)]
    for thread in threads:
        thread.start()
    try:
        deadline = time.monotonic() + 10
        while sum("hold" in path for _, path in nginx.stub.seen) < CONN:
            assert time.monotonic() < deadline, "the held requests did not reach the stub"
            time.sleep(0.05)
        over = nginx.request("GET", "/chat/", source="127.0.0.5")
        assert over.status == 429
        assert over.json()["error"] == "too_many_requests"
        assert nginx.request("GET", "/chat/", source="127.0.0.6").status == 200
        assert nginx.request("GET", "/chat/", source="127.0.0.1").status == 200
    finally:
        nginx.stub.release.set()
        for thread in threads:
            thread.join(timeout=20)
    assert [getattr(r, "status", r) for r in held] == [200] * CONN
    time.sleep(0.2)
    assert nginx.request("GET", "/chat/", source="127.0.0.5").status == 200


# --- rendering ------------------------------------------------------------------------------


GOOD = {
    "NGINX_DIR": "/tmp/x",
    "NGINX_USER": "",
    "RASA_PORTS": "5105 5106",
    "HTTP_PORT": "8080",
    "ACTIONS_PORT": "5155",
    "ACTIONS_PROXY_PORT": "5156",
    "RASA_READ_TIMEOUT": "220",
    "ACTION_TIMEOUT": "3",
    "EXPOSE_REST": "0",
    "LIMIT_RATE": "5",
    "LIMIT_BURST": "40",
    "LIMIT_CONN": "20",
    "SLACK_LIMIT_RATE": "20",
    "SLACK_LIMIT_BURST": "100",
    "LIMIT_EXEMPT": "10.0.0.5 192.168.0.0/24",
}


def test_render_fills_every_placeholder() -> None:
    text = render(GOOD)
    assert "@@" not in text
    assert "server 127.0.0.1:5105 max_fails=1" in text and "server 127.0.0.1:5106" in text
    assert "10.0.0.5/32 0;" in text and "192.168.0.0/24 0;" in text
    assert "rate=5r/s" in text and "burst=40 nodelay" in text and "advisor_conn 20;" in text
    rest = text.split("location /webhooks/rest/ {", 1)[1].split("}", 1)[0]
    assert "return 404;" in rest
    rest = render({**GOOD, "EXPOSE_REST": "1"}).split("location /webhooks/rest/ {", 1)[1]
    assert "return 404;" not in rest.split("}", 1)[0]


@pytest.mark.parametrize(
    "name, value",
    [
        ("LIMIT_EXEMPT", "10.0.0.1; include /etc/passwd"),
        ("LIMIT_EXEMPT", "everyone"),
        ("LIMIT_RATE", "5r/s"),
        ("LIMIT_CONN", "0"),
        ("EXPOSE_REST", "yes"),
        ("RASA_PORTS", ""),
        ("NGINX_USER", "root; daemon on"),
        ("NGINX_DIR", "relative/dir"),
    ],
)
def test_render_refuses_bad_settings(name: str, value: str) -> None:
    with pytest.raises(ValueError, match=name):
        render({**GOOD, name: value})


# --- logs ---------------------------------------------------------------------------------


def test_logs_are_private_and_hold_no_report_token_or_rest_sender(nginx_rest: Nginx) -> None:
    token = "sEcReT-rEpOrT-tOkEn-0123456789abcdefghijkl"
    sender = "sEcReT-rEsT-sEnDeR-0123456789"
    assert nginx_rest.request("GET", f"/report/{token}").status == 200
    assert nginx_rest.request("GET", f"/report/{token}/report.json").status == 200
    body = json.dumps({"sender": sender, "message": "hi"}).encode()
    answer = raw_request(nginx_rest.port, "POST", f"/webhooks/rest/webhook?s={sender}", body=body)
    assert answer.status == 200
    assert nginx_rest.request("GET", f"/chat/{token}").status == 200  # other paths: as they are
    log_dir = nginx_rest.directory / "log"
    deadline = time.monotonic() + 5
    while f"/chat/{token}" not in (log_dir / "access.log").read_text():
        assert time.monotonic() < deadline, (log_dir / "access.log").read_text()
        time.sleep(0.1)
    logged = (log_dir / "access.log").read_text() + (log_dir / "error.log").read_text()
    assert logged.count(token) == 1 and sender not in logged, logged
    assert "/report/<token>" in logged
    assert log_dir.stat().st_mode & 0o777 == 0o700
    for name in ("access.log", "error.log"):
        assert (log_dir / name).stat().st_mode & 0o777 == 0o600, name
    assert not list(nginx_rest.directory.glob("*.log")), "a log outside the private folder"
