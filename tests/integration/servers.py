"""Start the real action server and Rasa server for tests, on free loopback ports."""
import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import requests

PROJECT_DIR = Path(__file__).resolve().parents[2]
MODEL = PROJECT_DIR / "models" / "outsourcing-advisor.tar.gz"
RASA = str(Path(sys.executable).with_name("rasa"))
# Channels the test servers enable; a test run may point at another file.
CREDENTIALS = os.environ.get("TEST_CREDENTIALS", str(PROJECT_DIR / "credentials.yml"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited early; log:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} not up after {seconds}s; log:\n{log.read_text()[-3000:]}")


def test_env() -> Dict[str, str]:
    env = dict(os.environ)
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        PYTHONPATH=str(PROJECT_DIR),
        # The same limits as scripts/common.sh.
        SANIC_REQUEST_MAX_SIZE="262144",
        RASA_ACTION_TIMEOUT="3",
    )
    return env


@dataclass
class ActionServer:
    workdir: Path
    port: int = field(default_factory=free_port)
    process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhook"

    def start(self) -> "ActionServer":
        log = self.workdir / f"actions-{self.port}.log"
        self.process = subprocess.Popen(
            [RASA, "run", "actions", "--actions", "actions", "--port", str(self.port)],
            # Loopback only, as scripts/servers.sh does (rasa_sdk's default is 0.0.0.0).
            cwd=PROJECT_DIR, env={**test_env(), "SANIC_HOST": "127.0.0.1"},
            stdout=log.open("w"), stderr=subprocess.STDOUT,
        )
        wait_until_up(f"http://127.0.0.1:{self.port}/health", self.process, 90, log)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@dataclass
class RasaServer:
    workdir: Path
    action_url: str
    tracker_db: Path
    extra_env: Dict[str, str] = field(default_factory=dict)
    extra_args: List[str] = field(default_factory=list)  # e.g. --enable-api, --cors
    # YAML of the tracker_store section; default: the strict store on SQLite.
    tracker_store: Optional[str] = None
    port: int = field(default_factory=free_port)
    process: Optional[subprocess.Popen] = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "RasaServer":
        endpoints = self.workdir / f"endpoints-{self.port}.yml"
        tracker_store = self.tracker_store or (
            "tracker_store:\n  type: stores.tracker_store.StrictSQLTrackerStore\n"
            f"  dialect: sqlite\n  db: {self.tracker_db}\n"
        )
        endpoints.write_text(f'action_endpoint:\n  url: "{self.action_url}"\n{tracker_store}')
        log = self.workdir / f"rasa-{self.port}.log"
        self.process = subprocess.Popen(
            [RASA, "run", "--model", str(MODEL), "--port", str(self.port),
             "--interface", "127.0.0.1", "--credentials", CREDENTIALS,
             "--endpoints", str(endpoints), *self.extra_args],
            cwd=PROJECT_DIR, env={**test_env(), **self.extra_env}, stdout=log.open("w"), stderr=subprocess.STDOUT,
        )
        wait_until_up(f"{self.base_url}/webhooks/rest/", self.process, 180, log)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


class Chat:
    """One user's conversation over the REST channel."""

    def __init__(self, base_url: str, sender: Optional[str] = None) -> None:
        self.base_url = base_url
        self.sender = sender or f"test-{uuid.uuid4().hex[:10]}"
        self.last: List[Dict[str, Any]] = []

    def say(self, message: str) -> List[Dict[str, Any]]:
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

    def buttons(self) -> List[Dict[str, str]]:
        return [button for reply in self.last for button in reply.get("buttons", [])]

    def click(self, title_part: str) -> str:
        """Click the button of the last reply whose title contains `title_part`."""
        for button in self.buttons():
            if title_part.lower() in button["title"].lower():
                return self.text(button["payload"])
        raise AssertionError(f"no button like {title_part!r} in {self.buttons()}")
