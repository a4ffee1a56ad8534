"""Soak of the human hand-off (issue #26): 20 web users handed to consultants at once,
1,000 messages in all (each user gets 25 consultant replies and writes 25 times), on the
scale-out stack (2 Rasa replicas, PostgreSQL, Redis; harness/scale_stack.py) with the fake
Slack API (harness/fake_slack.py). One replica is killed (SIGKILL) half-way.

As in production:
- each web user's socket is on one replica (nginx keeps a client on one); when its
  replica dies it reconnects, with its session, to the other;
- Slack sends each consultant reply to one replica, and here delivers the same event a
  second time to the other replica (a retry, X-Slack-Retry-Num), so both see it; a
  delivery to the dead replica fails and is retried at the live one, as Slack retries.

Checks that nothing is lost or duplicated: every user receives exactly their 25 replies,
once each and in order, and each user's 25 messages are in their Slack thread once each.
Prints the p50 / p95 / max from a consultant's reply (the event sent) to the user's socket
receiving it; p95 must be under 2 s. Results: results/bench/handoff_soak.json.

    .venv/bin/python -m bench.handoff_soak     (run by `make bench`, not by `make test`)
"""

import argparse
import asyncio
import contextlib
import json
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import requests
import socketio

from harness.env import PROJECT_DIR
from harness.fake_slack import CONSULTANT, HANDOFF_CHANNEL, Call, FakeSlack, SlackWebhook
from harness.scale_stack import ScaleStack, services_missing

USERS = 20
ROUNDS = 25  # consultant replies per user, and user messages per user
KILL_AFTER_ROUND = ROUNDS // 2
P95_LIMIT = 2.0
WAITING = "passed our conversation to a consultant"
HEADLINE = "would like to talk to a consultant"
RESULTS = PROJECT_DIR / "results" / "bench" / "handoff_soak.json"


@dataclass
class WebUser:
    index: int
    url: str
    marker: str
    token: str | None = None
    thread_ts: str = ""
    client: Any = None
    received: list[tuple[str, str | None, float]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def connect(self, url: str) -> None:
        self.url = url
        confirmed: asyncio.Queue[str] = asyncio.Queue()
        client = socketio.AsyncClient(reconnection=False)

        async def on_bot(data: Any) -> None:
            self.received.append((str(data.get("text", "")), data.get("from"), time.monotonic()))
            self.arrived.set()

        async def on_confirm(token: Any) -> None:
            await confirmed.put(str(token))

        client.on("bot_uttered", on_bot)
        client.on("session_confirm", on_confirm)
        await client.connect(url, socketio_path="/socket.io", transports=["websocket"])
        await client.emit("session_request", {"session_id": self.token})
        given = await asyncio.wait_for(confirmed.get(), 20)
        if self.token is not None and given != self.token:
            raise RuntimeError(f"user {self.index}: the session was not continued")
        self.token, self.client = given, client

    async def say(self, text: str) -> None:
        await self.client.call(
            "user_uttered", {"message": text, "session_id": self.token}, timeout=60
        )

    async def wait_for(self, needle: str, seconds: float = 60) -> float:
        """When a message containing `needle` arrived (waits for it)."""
        deadline = time.monotonic() + seconds
        while True:
            for text, _, at in self.received:
                if needle in text:
                    return at
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"user {self.index}: no {needle!r} after {seconds} s")
            self.arrived.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), min(remaining, 1))

    def consultant_texts(self) -> list[str]:
        return [text for text, sender, _ in self.received if sender == "consultant"]


def send_event(urls: list[str], alive: list[bool], thread: str, text: str, event_id: str) -> int:
    """One consultant reply, delivered to every live replica (the first delivery, then a
    retry); a delivery that fails is retried at the next replica. Returns deliveries."""
    delivered = 0
    for attempt, (url, up) in enumerate(zip(urls, alive, strict=True)):
        if not up:
            continue
        try:
            response = SlackWebhook(url).message(
                HANDOFF_CHANNEL, CONSULTANT, text, thread, event_id, attempt or None
            )
            response.raise_for_status()
            delivered += 1
        except requests.RequestException:
            continue
    return delivered


def thread_of(fake: FakeSlack, marker: str) -> str:
    """The thread of the hand-off whose post shows `marker`."""

    def posts() -> list[Call]:
        return [c for c in fake.posted(HANDOFF_CHANNEL, HEADLINE) if marker in c.args["text"]]

    found: list[Call] = fake.wait_for(posts, timeout=60)
    return str(found[0].ts)


async def soak(stack: ScaleStack, fake: FakeSlack) -> dict[str, Any]:
    urls = stack.replica_urls
    alive = [True] * len(urls)
    run = uuid.uuid4().hex[:6]
    users = [WebUser(i, urls[i % len(urls)], f"soak-{run}-{i:02d}") for i in range(USERS)]
    await asyncio.gather(*(user.connect(user.url) for user in users))

    async def hand_off(user: WebUser) -> None:
        await user.say(f"hello, I'm {user.marker}")
        await user.say("talk to a person")
        await user.say("/affirm")
        await user.wait_for(WAITING)

    await asyncio.gather(*(hand_off(user) for user in users))
    for user in users:
        user.thread_ts = await asyncio.to_thread(thread_of, fake, user.marker)

    latencies: list[float] = []

    async def one_round(user: WebUser, number: int) -> None:
        text = f"reply {number} to {user.marker}"
        event_id = f"EvSoak{run}{user.index:02d}{number:03d}"
        sent = time.monotonic()
        delivered = await asyncio.to_thread(send_event, urls, alive, user.thread_ts, text, event_id)
        if not delivered:
            raise AssertionError(f"no replica took {event_id}")
        latencies.append(await user.wait_for(text) - sent)
        await user.say(f"message {number} from {user.marker}")

    killed_at = None
    for number in range(ROUNDS):
        if number == KILL_AFTER_ROUND:
            stack.kill("rasa-2")
            alive[1] = False
            killed_at = number
            moved = [user for user in users if user.url == urls[1]]
            await asyncio.sleep(1)  # their sockets see the replica go
            await asyncio.gather(*(user.connect(urls[0]) for user in moved))
        await asyncio.gather(*(one_round(user, number) for user in users))

    # Hand everyone back to the bot; the last word each user gets is the bot's.
    for user in users:
        await asyncio.to_thread(
            send_event, urls, alive, user.thread_ts, "/resume", f"EvSoakEnd{run}{user.index:02d}"
        )
    await asyncio.gather(*(user.wait_for("back with the assistant") for user in users))

    problems = []
    for user in users:
        expected = [f"reply {n} to {user.marker}" for n in range(ROUNDS)]
        if user.consultant_texts() != expected:
            problems.append(f"user {user.index} got {user.consultant_texts()}")
        in_thread = [
            call.args["text"]
            for call in fake.posted(HANDOFF_CHANNEL, f"from {user.marker}")
            if call.args.get("thread_ts") == user.thread_ts
        ]
        wanted = [f"*User:* message {n} from {user.marker}" for n in range(ROUNDS)]
        if sorted(in_thread) != sorted(wanted):
            problems.append(f"thread of user {user.index} has {len(in_thread)} of {ROUNDS}")
        await user.client.disconnect()

    ordered = sorted(latencies)
    return {
        "users": USERS,
        "messages": USERS * ROUNDS * 2,
        "replica_killed_after_round": killed_at,
        "consultant_to_widget_seconds": {
            "p50": statistics.median(ordered),
            "p95": ordered[int(0.95 * (len(ordered) - 1))],
            "max": ordered[-1],
            "count": len(ordered),
        },
        "problems": problems,
    }


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    missing = services_missing()
    if missing:
        print(f"hand-off soak skipped: {missing}", file=sys.stderr)
        return 1
    with FakeSlack() as fake:
        stack = ScaleStack.start(
            replicas=2, extra_env={**fake.env(), "HANDOFF_TIMEOUT_MINUTES": "30"}
        )
        try:
            result = asyncio.run(soak(stack, fake))
        finally:
            stack.stop()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))
    timing = result["consultant_to_widget_seconds"]
    print(
        f"Hand-off soak: {result['messages']} messages, {result['users']} hand-offs, replica "
        f"killed after round {result['replica_killed_after_round']}: "
        f"{len(result['problems'])} lost/duplicated; consultant reply -> widget "
        f"p50 {timing['p50']:.3f} s, p95 {timing['p95']:.3f} s, max {timing['max']:.3f} s "
        f"(p95 limit {P95_LIMIT} s)"
    )
    for problem in result["problems"]:
        print(f"  {problem}")
    return 0 if not result["problems"] and timing["p95"] < P95_LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
