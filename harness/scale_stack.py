"""The scale-out stack for tests, and complete assessments to drive through it.

The stack is started with the documented command, ``scripts/scale_up.sh``, on
free loopback ports in a temporary directory, and removed with
``scripts/scale_down.sh --purge``: the tests exercise exactly what a developer
runs. PostgreSQL, Redis and nginx come from Debian packages
(``scripts/install_services.sh``), installed here when missing and we are root.

Two settings differ from the defaults, both documented switches: REST is exposed
through nginx (``SCALE_EXPOSE_REST=1``; the load tests talk REST), and 127.0.0.1
is exempt from nginx's per-client limits (``SCALE_LIMIT_EXEMPT``; 50 concurrent
conversations from one address are a load test, not a user). The limits
themselves are tested from other loopback addresses (127.0.0.2, ...), which get
the default limits (``raw_request(..., source=...)``).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import requests
import yaml

from advisor.answers import SLOT_ORDER, Answers, Complexity, Core, Goal, Qualifications, Sensitivity
from advisor.questions import QUESTIONS, button_payload
from advisor.scoring import score
from advisor.sourcing import MODELS, Model
from harness.env import PROJECT_DIR, server_env
from harness.servers import MODEL, Reply, consecutive_free_ports, free_ports

SCRIPTS = PROJECT_DIR / "scripts"
# The test stack's own settings (see the module's docstring).
# SCALE_REST_OPEN: the load tests talk REST through nginx (loopback only) without
# REST_TOKEN, which scale_up.sh otherwise requires for exposed REST.
TEST_STACK_ENV = {
    "SCALE_EXPOSE_REST": "1",
    "SCALE_REST_OPEN": "1",
    "SCALE_LIMIT_EXEMPT": "127.0.0.1",
}


# --- PostgreSQL, Redis and nginx ----------------------------------------------------


def services_missing() -> str | None:
    """None when PostgreSQL, Redis and nginx are installed (installing them first
    if we are root); otherwise why they are not."""
    check = [str(SCRIPTS / "install_services.sh"), "--check"]
    if subprocess.run(["bash", *check], capture_output=True, text=True).returncode == 0:
        return None
    if os.geteuid() != 0:
        return (
            "PostgreSQL, Redis and nginx are not installed and installing them needs root: "
            "run `sudo bash scripts/install_services.sh`"
        )
    install = subprocess.run(
        ["bash", str(SCRIPTS / "install_services.sh")], capture_output=True, text=True
    )
    if install.returncode != 0:
        return f"scripts/install_services.sh failed:\n{install.stdout}\n{install.stderr}"
    return None


# --- the stack ----------------------------------------------------------------------


def _read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            name, raw = line.split("=", 1)
            values[name] = shlex.split(raw)[0] if raw else ""
    return values


@dataclass
class ScaleStack:
    """A running stack: nginx in front of `replicas` Rasa servers."""

    directory: Path
    settings: dict[str, str] = field(default_factory=dict)
    startup_seconds: float = 0.0

    @classmethod
    def start(cls, replicas: int = 2, extra_env: dict[str, str] | None = None) -> ScaleStack:
        if not MODEL.exists():
            raise RuntimeError(f"No trained model at {MODEL}: run `make train` first.")
        # Not under pytest's tmp dir: that is private to root (0700), and the
        # postgres and redis users must reach their directories.
        directory = Path(tempfile.mkdtemp(prefix="advisor-scale-"))
        directory.chmod(0o755)
        rasa_ports = consecutive_free_ports(replicas)  # scale_up.sh numbers them from the first
        others = [port for port in free_ports(5 + replicas) if port not in rasa_ports][:5]
        http, actions, proxy, db, redis = others
        env = {
            **server_env(),
            "SCALE_DIR": str(directory),
            "SCALE_HTTP_PORT": str(http),
            "SCALE_REPLICAS": str(replicas),
            "SCALE_RASA_PORT": str(rasa_ports[0]),
            "SCALE_ACTIONS_PORT": str(actions),
            "SCALE_ACTIONS_PROXY_PORT": str(proxy),
            "DB_PORT": str(db),
            "REDIS_PORT": str(redis),
            **TEST_STACK_ENV,
            **(extra_env or {}),
        }
        for secret in ("DB_PASSWORD", "REDIS_PASSWORD"):
            env.pop(secret, None)  # scale_up.sh generates random ones
        stack = cls(directory)
        started = time.monotonic()
        result = subprocess.run(
            ["bash", str(SCRIPTS / "scale_up.sh")],
            cwd=PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
        )
        stack.startup_seconds = time.monotonic() - started
        if result.returncode != 0:
            logs = stack.logs_tail()
            stack.stop()
            raise RuntimeError(
                f"scale_up.sh failed ({result.returncode}):\n{result.stdout}\n"
                f"{result.stderr}\n{logs}"
            )
        stack.settings = {
            **_read_env_file(directory / "stack.env"),
            **_read_env_file(directory / "secrets.env"),
        }
        return stack

    def stop(self) -> None:
        env = {**server_env(), "SCALE_DIR": str(self.directory)}
        subprocess.run(
            ["bash", str(SCRIPTS / "scale_down.sh"), "--purge"],
            cwd=PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
        )

    # where things are
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings['SCALE_HTTP_PORT']}"

    @property
    def replica_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.settings["SCALE_RASA_PORTS"].split()]

    def pid(self, name: str) -> int:
        return int((self.directory / "run" / f"{name}.pid").read_text())

    def kill(self, name: str) -> int:
        """SIGKILL one process of the stack (e.g. "rasa-2"); returns its PID."""
        pid = self.pid(name)
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return pid
            time.sleep(0.05)
        raise RuntimeError(f"{name} (PID {pid}) survived SIGKILL")

    def is_alive(self, name: str) -> bool:
        try:
            os.kill(self.pid(name), 0)
            return True
        except ProcessLookupError:
            return False

    def signal(self, name: str, signum: int) -> None:
        """Send `signum` to one process of the stack (e.g. SIGSTOP to "redis")."""
        os.kill(self.pid(name), signum)

    def start_redis(self, seconds: float = 30) -> int:
        """Start Redis again exactly as scale_up.sh does (same configuration,
        same user, its PID in run/redis.pid for scale_down.sh); returns its PID."""
        import redis

        server = shutil.which("redis-server") or "/usr/bin/redis-server"
        as_user: list[str] = []
        if os.geteuid() == 0:
            as_user = ["setpriv", "--reuid=redis", "--regid=redis", "--init-groups"]
            as_user += ["--inh-caps=-all", "--"]
        with (self.directory / "log" / "redis.log").open("a") as log:
            process = subprocess.Popen(
                [*as_user, "setsid", server, str(self.directory / "redis" / "redis.conf")],
                cwd=self.directory,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        (self.directory / "run" / "redis.pid").write_text(f"{process.pid}\n")
        client = redis.Redis(
            host="127.0.0.1",
            port=int(self.settings["REDIS_PORT"]),
            password=self.settings["REDIS_PASSWORD"],
            socket_timeout=1,
            socket_connect_timeout=1,
        )
        deadline = time.monotonic() + seconds
        while True:
            try:
                if client.ping():
                    return process.pid
            except redis.RedisError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"Redis did not start again:\n{self.logs_tail()}") from None
            time.sleep(0.2)

    def logs_tail(self, lines: int = 40) -> str:
        parts = []
        for log in sorted((self.directory / "log").glob("*.log")):
            text = log.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {log.name}\n" + "\n".join(text))
        return "\n".join(parts)

    # PostgreSQL and nginx's log
    def db(self) -> Any:  # a psycopg2 connection (psycopg2 ships no types)
        import psycopg2

        return psycopg2.connect(
            host="127.0.0.1",
            port=int(self.settings["DB_PORT"]),
            user=self.settings["DB_USER"],
            password=self.settings["DB_PASSWORD"],
            dbname=self.settings["DB_DATABASE"],
            connect_timeout=5,
        )

    def events(self, senders: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """Every stored event of each conversation, in storage order."""
        found: dict[str, list[dict[str, Any]]] = {sender: [] for sender in senders}
        with self.db() as connection, connection.cursor() as cursor:
            cursor.execute(
                "SELECT sender_id, data FROM events WHERE sender_id = ANY(%s) ORDER BY id",
                (list(senders),),
            )
            for sender, data in cursor.fetchall():
                found[sender].append(json.loads(data))
        return found

    def access_log(self) -> list[dict[str, Any]]:
        """nginx's log lines: method, uri, status and the upstream(s) tried."""
        entries = []
        for line in (self.directory / "nginx" / "log" / "access.log").read_text().splitlines():
            words = line.split()
            if len(words) < 5 or " upstream=" not in line or not re.fullmatch(r"[\d.]+", words[0]):
                continue  # not this format (e.g. a log from an older start)
            upstreams = line.split(" upstream=", 1)[1].split(" upstream_status=")[0]
            entries.append(
                {
                    "time": float(words[0]),
                    "method": words[1],
                    "uri": words[2],
                    "status": words[3],
                    # "a:1, b:2" when nginx tried a, then b; the last one answered
                    "upstreams": [u.strip() for u in upstreams.split(",") if u.strip() != "-"],
                }
            )
        return entries


# --- complete assessments -------------------------------------------------------------

PROCESSES = [
    "customer care",
    "accounting",
    "payroll",
    "technical support",
    "data analytics",
    "legal services",
    "market research",
    "recruitment",
]
CHOICES: dict[str, list[Enum]] = {
    "core": list(Core),
    "complexity": list(Complexity),
    "qualifications": list(Qualifications),
    "sensitivity": list(Sensitivity),
    "goal": list(Goal),
}
INTRO = yaml.safe_load((PROJECT_DIR / "domain.yml").read_text())["responses"][
    "utter_assessment_intro"
][0]["text"]


@dataclass(frozen=True)
class Assessment:
    """One user's complete assessment: who, what they answer, what they must get."""

    sender: str
    answers: Answers

    @property
    def expected(self) -> Model:
        recommended = score(self.answers).recommended
        assert recommended is not None
        return recommended

    @property
    def messages(self) -> list[str]:
        """Start, then one button click per question, in the order they are asked."""
        return ["/start_assessment"] + [
            button_payload(slot.value, self.answers.get(slot)) for slot in SLOT_ORDER
        ]


def make_assessments(count: int, seed: int, label: str) -> list[Assessment]:
    """`count` assessments whose expected models cycle through BPO, KPO and
    in-house; each has its own sender and its own process name, so a reply that
    reached the wrong conversation would show."""
    rng = random.Random(seed)
    result: list[Assessment] = []
    while len(result) < count:
        wanted = MODELS[len(result) % len(MODELS)]
        for _ in range(1000):
            number = len(result) + 1
            answers = Answers(
                process=f"{rng.choice(PROCESSES)} team {number}",
                **{slot: rng.choice(values).value for slot, values in CHOICES.items()},
            )
            result_ = score(answers)
            # A clear single option (not a tie or a hybrid split), so the headline names it.
            if result_.recommended is wanted and not result_.tied and result_.hybrid is None:
                sender = f"scale-{label}-{number:02d}-{uuid.uuid4().hex[:8]}"
                result.append(Assessment(sender, answers))
                break
        else:
            raise AssertionError(f"no random answers lead to {wanted}")
    return result


def texts(replies: Sequence[Reply]) -> list[str]:
    return [reply.get("text") or "" for reply in replies]


def check_reply(assessment: Assessment, step: int, replies: Sequence[Reply]) -> None:
    """The replies to message `step` are exactly the expected ones, in order:
    the intro and the first question, then each next question, then the
    recommendation of the expected model for this very process."""
    got = texts(replies)
    where = f"{assessment.sender}, message {step} {assessment.messages[step]!r}"
    if step == 0:
        assert got == [INTRO, QUESTIONS["process"].text], f"{where}: {got}"
    elif step < len(SLOT_ORDER):
        assert got == [QUESTIONS[SLOT_ORDER[step].value].text], f"{where}: {got}"
    else:
        check_recommendation(assessment, got, where)


def check_recommendation(assessment: Assessment, got: list[str], where: str) -> None:
    assert len(got) == 1, f"{where}: expected one recommendation, got {got}"
    # "**My recommendation for <process>: <model>**. <how clear-cut, why...>"
    first_line = got[0].splitlines()[0]
    bold = re.match(r"\*\*(.+?)\*\*", first_line)
    headline = bold.group(1) if bold else first_line
    assert "recommendation" in headline.lower() and assessment.answers.process in headline, (
        f"{where}: not this conversation's recommendation: {first_line!r}"
    )
    assert assessment.expected.full_name in headline, (
        f"{where}: expected {assessment.expected.full_name}, got {first_line!r}"
    )
    for other in MODELS:
        if other is not assessment.expected:
            assert other.full_name not in headline, f"{where}: {first_line!r}"


def user_turns(events: Sequence[dict[str, Any]]) -> list[tuple[str, list[str], bool]]:
    """Split stored events into turns: (user text, bot texts, ended with action_listen).
    Events before the first user message (session start) are skipped."""
    turns: list[tuple[str, list[str], bool]] = []
    for event in events:
        kind = event.get("event")
        if kind == "user":
            turns.append((event.get("text") or "", [], False))
        elif turns:
            text, bots, _ = turns[-1]
            if kind == "bot":
                turns[-1] = (text, bots + [event.get("text") or ""], False)
            elif kind == "action":
                turns[-1] = (text, bots, event.get("name") == "action_listen")
    return turns


def check_stored(
    assessment: Assessment,
    events: Sequence[dict[str, Any]],
    sent: Sequence[tuple[str, list[Reply]]],
) -> None:
    """PostgreSQL holds the whole conversation: every message exactly once, in
    the order processed, each turn complete before the next began, with exactly
    the bot messages the user received."""
    turns = user_turns(events)
    assert [text for text, _, _ in turns] == [message for message, _ in sent], (
        f"{assessment.sender}: stored user messages {[t for t, _, _ in turns]} "
        f"!= sent {[m for m, _ in sent]}"
    )
    for (message, replies), (_, bots, complete) in zip(sent, turns, strict=True):
        assert complete, f"{assessment.sender}: turn {message!r} was interleaved or cut short"
        received = texts(replies)
        assert bots == received, (
            f"{assessment.sender}: stored replies to {message!r} {bots} != received {received}"
        )


# --- talking to the stack --------------------------------------------------------------


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def raw_request(
    port: int,
    method: str,
    path: str,
    source: str = "127.0.0.1",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> RawResponse:
    """One request to 127.0.0.1:`port` from the loopback address `source`, with
    `path` sent exactly as given (http.client does not normalise it)."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=timeout, source_address=(source, 0)
    )
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return RawResponse(
            response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        )
    finally:
        connection.close()


class Unanswered(Exception):
    """The replica died while it had the message: it may or may not have stored it."""


def post(url: str, sender: str, message: str, timeout: float) -> list[Reply]:
    try:
        response = requests.post(
            f"{url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=timeout,
        )
    except requests.ConnectionError as error:
        raise Unanswered(str(error)) from error
    if response.status_code in (502, 503, 504):
        raise Unanswered(f"HTTP {response.status_code}")
    response.raise_for_status()
    replies: list[dict[str, Any]] = response.json()
    return replies


class Progress:
    """Counts answered messages across threads; fires `event` at `threshold`."""

    def __init__(self, threshold: int | None = None) -> None:
        self.count = 0
        self.threshold = threshold
        self.event = threading.Event()
        self._lock = threading.Lock()

    def done(self) -> None:
        with self._lock:
            self.count += 1
            if self.threshold is not None and self.count >= self.threshold:
                self.event.set()
