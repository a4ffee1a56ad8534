"""Start the real action server and Rasa server on free loopback ports, and talk to them."""

import os
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from harness.env import PROJECT_DIR, server_env
from runtime.action_auth import HEADER, HEADER_VALUE

MODEL = PROJECT_DIR / "models" / "outsourcing-advisor.tar.gz"
# Both servers start the way scripts/servers.sh starts them: through the launcher
# (runtime/launch.py: Rasa patches, secrets from the environment, action-server limits).
LAUNCHER = [sys.executable, "-m", "runtime.launch"]
RASA = str(Path(sys.executable).with_name("rasa"))  # plain Rasa, e.g. for the starter bot
# Channels the test servers enable; a test run may point at another file.
CREDENTIALS = os.environ.get("TEST_CREDENTIALS", str(PROJECT_DIR / "credentials.yml"))
Reply = dict[str, Any]


# --- ports ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def free_ports(count: int) -> list[int]:
    """`count` distinct free loopback ports (held open together while choosing)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def consecutive_free_ports(count: int) -> list[int]:
    """`count` free loopback ports in a row."""
    rng = random.Random()
    for _ in range(100):
        start = rng.randint(20000, 60000 - count)
        sockets: list[socket.socket] = []
        try:
            for port in range(start, start + count):
                sock = socket.socket()
                sockets.append(sock)
                sock.bind(("127.0.0.1", port))
            return list(range(start, start + count))
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise RuntimeError(f"found no {count} consecutive free ports")


# --- processes --------------------------------------------------------------------------


class Server:
    """A process we start in its own session and stop by its process group."""

    def __init__(
        self, name: str, cmd: Sequence[str], cwd: Path, env: Mapping[str, str], log: Path
    ) -> None:
        self.name, self.log = name, log
        self.started = time.monotonic()
        with log.open("w") as out:
            self.proc = subprocess.Popen(
                list(cmd),
                cwd=cwd,
                env=dict(env),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def check(self) -> None:
        if self.proc.poll() is not None:
            raise RuntimeError(
                f"{self.name} exited ({self.proc.returncode}); log tail:\n{self.log_tail()}"
            )

    def stop(self, timeout: float = 30) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=timeout)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                    self.proc.wait(timeout=timeout)
                except ProcessLookupError:
                    pass


def wait_http_ok(url: str, server: Server, seconds: float) -> float:
    """Seconds from the server's start until `url` answers 2xx."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        server.check()
        try:
            if requests.get(url, timeout=2).ok:
                return time.monotonic() - server.started
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} not up at {url} after {seconds}s; log:\n{server.log_tail()}")


def wait_first_answer(
    base_url: str,
    started: float,
    seconds: float,
    check: Callable[[], None] = lambda: None,
    message: str = "hi",
) -> float:
    """Seconds from `started` to the first non-empty REST reply."""
    deadline = time.monotonic() + seconds
    url = base_url + "/webhooks/rest/webhook"
    while time.monotonic() < deadline:
        check()
        try:
            sender = f"startup-{time.time_ns()}"
            r = requests.post(url, json={"sender": sender, "message": message}, timeout=30)
            if r.ok and r.json():
                return time.monotonic() - started
        except (requests.RequestException, ValueError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"no answer from {base_url} after {seconds}s")


def write_endpoints(path: Path, action_url: str, tracker_store: str | Path | None) -> Path:
    """An endpoints.yml: the action server and the tracker store, which is the shipped
    strict SQL store on the SQLite file `tracker_store` (a Path), the YAML of a
    `tracker_store:` section (a str), or Rasa's in-memory store (None)."""
    text = (
        f'action_endpoint:\n  url: "{action_url}"\n  enable_selective_domain: true\n'
        # The action server's token (runtime/action_auth.py), as the launcher adds it.
        f"  headers:\n    {HEADER}: {HEADER_VALUE}\n"
    )
    if isinstance(tracker_store, Path):
        text += (
            "tracker_store:\n  type: stores.tracker_store.CachingSQLTrackerStore\n"
            f"  dialect: sqlite\n  db: {tracker_store}\n"
        )
    elif tracker_store:
        text += tracker_store
    path.write_text(text)
    return path


# --- the action server and the Rasa server ------------------------------------------------


@dataclass
class ActionServer:
    workdir: Path
    port: int = field(default_factory=free_port)
    extra_env: dict[str, str] = field(default_factory=dict)
    server: Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhook"

    @property
    def process(self) -> "subprocess.Popen[bytes] | None":
        return self.server.proc if self.server else None

    def start(self, seconds: float = 90) -> "ActionServer":
        self.server = Server(
            f"action server :{self.port}",
            [*LAUNCHER, "run", "actions", "--actions", "actions", "--port", str(self.port)],
            PROJECT_DIR,
            # Loopback only, as scripts/servers.sh does (rasa_sdk's default is 0.0.0.0).
            server_env({"SANIC_HOST": "127.0.0.1", **self.extra_env}),
            self.workdir / f"actions-{self.port}.log",
        )
        wait_http_ok(f"http://127.0.0.1:{self.port}/health", self.server, seconds)
        return self

    def stop(self) -> None:
        if self.server:
            self.server.stop()


@dataclass
class RasaServer:
    workdir: Path
    action_url: str
    tracker_db: Path | None
    extra_env: dict[str, str] = field(default_factory=dict)
    extra_args: list[str] = field(default_factory=list)  # e.g. --cors
    # YAML of the tracker_store section; default: the strict store on SQLite at tracker_db.
    tracker_store: str | None = None
    port: int = field(default_factory=free_port)
    model: Path = MODEL
    credentials: str = CREDENTIALS
    server: Server | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def process(self) -> "subprocess.Popen[bytes] | None":
        return self.server.proc if self.server else None

    def launch(self) -> Server:
        """Start the process; `start()` also waits until it serves."""
        endpoints = write_endpoints(
            self.workdir / f"endpoints-{self.port}.yml",
            self.action_url,
            self.tracker_store or self.tracker_db,
        )
        self.server = Server(
            f"Rasa server :{self.port}",
            [
                *LAUNCHER, "run", "--model", str(self.model), "--port", str(self.port),
                "--interface", "127.0.0.1", "--credentials", self.credentials,
                "--endpoints", str(endpoints), *self.extra_args,
            ],
            PROJECT_DIR,
            server_env(self.extra_env),
            self.workdir / f"rasa-{self.port}.log",
        )  # fmt: skip
        return self.server

    def start(self, seconds: float = 180) -> "RasaServer":
        wait_http_ok(f"{self.base_url}/webhooks/rest/", self.launch(), seconds)
        return self

    def stop(self) -> None:
        if self.server:
            self.server.stop()


class Chat:
    """One user's conversation over the REST channel."""

    def __init__(self, base_url: str, sender: str | None = None) -> None:
        self.base_url = base_url
        self.sender = sender or f"test-{uuid.uuid4().hex[:10]}"
        self.last: list[Reply] = []

    def say(self, message: str) -> list[Reply]:
        response = requests.post(
            f"{self.base_url}/webhooks/rest/webhook",
            json={"sender": self.sender, "message": message},
            timeout=60,
        )
        response.raise_for_status()
        self.last = response.json()
        return self.last

    def text(self, message: str) -> str:
        """Send `message`; return all reply texts joined, for assertions."""
        return "\n".join(reply.get("text", "") for reply in self.say(message))

    def buttons(self) -> list[dict[str, str]]:
        return [button for reply in self.last for button in reply.get("buttons", [])]

    def click(self, title_part: str) -> str:
        """Click the button of the last reply whose title contains `title_part`."""
        for button in self.buttons():
            if title_part.lower() in button["title"].lower():
                return self.text(button["payload"])
        raise AssertionError(f"no button like {title_part!r} in {self.buttons()}")
