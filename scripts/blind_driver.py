"""Helpers of scripts/score_blind.py: the real servers, one conversation over REST
with its tracker, and the judges that compare a reply with the domain's texts.

The judges read only the bot's visible reply (and, where the brief says so, the
tracker); they never look at which intent or action produced it.
"""

from __future__ import annotations

import re
import secrets
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import yaml

from harness.env import PROJECT_DIR
from harness.servers import MODEL, ActionServer, RasaServer

FORM = "assessment_form"
QUESTIONS = ("process", "core", "complexity", "qualifications", "sensitivity", "goal")
ANSWER_SLOTS = QUESTIONS[1:]  # the five answers with fixed values
PREFIX = 40  # a reply "is" a domain response when it contains this many of its first chars
Reply = dict[str, Any]


# --- servers ------------------------------------------------------------------------------


@contextmanager
def running_stack(model: Path = MODEL) -> Iterator[tuple[str, str]]:
    """Start the action server and the Rasa server as tests/integration/conftest.py's
    `hardened_stack` does (admin API on a token, so the tracker can be read), but with
    a per-conversation message limit far above a scripted user's pace. Yields the Rasa
    server's URL and the API token; stops both servers (by their process groups)."""
    if not model.exists():
        raise SystemExit(f"No trained model at {model}: run `make train` first.")
    token = secrets.token_urlsafe(24)
    with tempfile.TemporaryDirectory(prefix="score-blind-") as tmp:
        workdir = Path(tmp)
        actions = ActionServer(workdir)
        server = RasaServer(
            workdir,
            actions.url,
            workdir / "tracker.db",
            model=model,
            extra_env={"RASA_API_TOKEN": token, "RASA_MAX_MESSAGES_PER_MINUTE": "100000"},
        )
        try:
            actions.start()
            server.start()
            yield server.base_url, token
        finally:
            server.stop()
            actions.stop()


# --- one conversation --------------------------------------------------------------------


@dataclass
class Turn:
    """What the bot showed after one user message, and the tracker after it."""

    replies: list[Reply]
    tracker: dict[str, Any]

    @property
    def text(self) -> str:
        return "\n".join(str(reply.get("text") or "") for reply in self.replies)

    @property
    def slots(self) -> dict[str, Any]:
        slots: dict[str, Any] = self.tracker.get("slots") or {}
        return slots

    @property
    def form_active(self) -> bool:
        return bool((self.tracker.get("active_loop") or {}).get("name") == FORM)

    @property
    def open_question(self) -> str | None:
        """The question the form waits for, or None when no form is active."""
        requested = self.slots.get("requested_slot")
        return str(requested) if self.form_active and requested else None

    @property
    def pending(self) -> dict[str, Any]:
        """The confirm/choose/pick prompt for the open question, else {}."""
        pending = self.slots.get("pending_answer")
        if isinstance(pending, dict) and pending.get("slot") == self.open_question:
            return pending
        return {}

    @property
    def done(self) -> bool:
        return bool(self.slots.get("assessment_done"))

    def buttons(self) -> list[dict[str, str]]:
        return [button for reply in self.replies for button in reply.get("buttons") or []]


@dataclass
class Conversation:
    """One sender over the REST channel; every message is followed by a tracker read."""

    base_url: str
    token: str
    sender: str = field(default_factory=lambda: f"blind-{uuid.uuid4().hex[:12]}")

    def send(self, message: str) -> Turn:
        response = requests.post(
            f"{self.base_url}/webhooks/rest/webhook",
            json={"sender": self.sender, "message": message},
            timeout=120,
        )
        response.raise_for_status()
        tracker = requests.get(
            f"{self.base_url}/conversations/{self.sender}/tracker",
            params={"token": self.token},
            timeout=60,
        )
        tracker.raise_for_status()
        return Turn(response.json(), tracker.json())


# --- judging replies ---------------------------------------------------------------------


def _flat(text: str) -> str:
    return " ".join(text.lower().split())


class DomainTexts:
    """The domain's responses, to tell which one a reply shows."""

    def __init__(self, domain_path: Path = PROJECT_DIR / "domain.yml") -> None:
        domain = yaml.safe_load(domain_path.read_text())
        self.responses: dict[str, list[str]] = {
            name: [str(v.get("text") or "") for v in variants if v.get("text")]
            for name, variants in (domain.get("responses") or {}).items()
        }

    def starts(self, name: str) -> list[str]:
        """The first PREFIX characters of each variant (up to any {slot} template)."""
        return [_flat(text.split("{")[0])[:PREFIX] for text in self.responses.get(name, [])]

    def shows(self, reply: str, name: str) -> bool:
        flat = _flat(reply)
        return any(start and start in flat for start in self.starts(name))

    def topic_names(self, topic: str) -> list[str]:
        """utter_faq/<topic> and every response named ..._<topic> (utter_about_bpo_risks,
        utter_why_risks): all the domain says about one knowledge topic."""
        return [n for n in self.responses if n == f"utter_faq/{topic}" or n.endswith(f"_{topic}")]

    def shows_topic(self, reply: str, topic: str) -> bool:
        return any(self.shows(reply, name) for name in self.topic_names(topic))

    def is_fallback(self, reply: str) -> bool:
        return any(self.shows(reply, name) for name in ("utter_default", "utter_ask_rephrase"))

    def which(self, reply: str, said: str = "") -> str:
        """A short label of the reply: the responses it shows, else its start, with the
        user's own words that the bot echoes (`said`) masked, so no blind text is shown."""
        names = [name for name in self.responses if self.shows(reply, name)]
        if names:
            return "+".join(names)
        return repr(mask_echo(" ".join(reply.split()), said)[:60]) if reply.strip() else "(none)"


def mask_echo(reply: str, said: str) -> str:
    """`reply` with each *emphasised* part that repeats the user's words replaced by "*…*"
    (the bot echoes a process name as "*call centre* is typically ...")."""
    said_words = set(re.findall(r"[a-z]{3,}", said.lower()))

    def masked(match: re.Match[str]) -> str:
        words = [w for w in re.findall(r"[a-z]{3,}", match[2].lower()) if w not in {"bpo", "kpo"}]
        echoed = sum(word in said_words for word in words)
        return f"{match.group(1)}…{match.group(1)}" if echoed * 2 >= len(words) > 0 else match[0]

    return re.sub(r"(\*+)([^*]+)\1", masked, reply)


_MODEL = re.compile(r"\b(bpo|kpo)\b")
_TYPICALLY = re.compile(r"\btypically\s+(?:an?\s+)?(?:\W*)(bpo|kpo)\b")
_STOP_WORDS = {"and", "the", "for", "our", "with", "like", "work", "services", "process"}


def classified_as(reply: str, process: str) -> str | None:
    """Which model ("bpo"/"kpo") the reply gives `process`, by a heuristic:
    1. "typically BPO" / "typically a KPO" (markdown stripped) names it outright;
    2. else the first BPO/KPO after the first mention of the process (any of its words of
       4+ letters, matched on their first 6 letters, so "scheduling" finds "schedule");
    3. a reply that never names the process (a generic BPO-vs-KPO text) classifies
       nothing: its first BPO/KPO says nothing about this process.
    """
    flat = _flat(re.sub(r"[*_`]", "", reply))
    typically = _TYPICALLY.search(flat)
    if typically:
        return typically.group(1)
    words = re.findall(r"[a-z]+", process.lower())
    stems = [word[:6] for word in words if len(word) >= 4 and word not in _STOP_WORDS]
    starts = [m.start() for stem in stems for m in re.finditer(rf"\b{stem}", flat)]
    if not starts:
        return None
    after = _MODEL.search(flat, min(starts))
    return after.group(1) if after else None


def load_yaml(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    if not isinstance(data, dict):
        raise SystemExit(f"{path}: expected a YAML mapping at the top")
    return data
