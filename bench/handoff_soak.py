"""Soak of the human hand-off (issue #26): 20 users handed to consultants at once (web,
Slack and REST users mixed), 1,000 messages in all (each user gets 25 consultant
replies and writes 25 times), on the scale-out stack (2 Rasa replicas, PostgreSQL,
Redis; harness/scale_stack.py) with the fake Slack API (harness/fake_slack.py). One
replica is killed (SIGKILL) in the middle of a round: after half of that round's
consultant replies were sent, while messages are on their way both ways.

As in production:
- each web user's socket is on one replica (nginx keeps a client on one); when its
  replica dies it reconnects, with its session, to the other, and sends again what the
  dead replica had not answered, with the same `message_id` (as the widget's socket
  does with what it had buffered);
- Slack sends each event (a consultant's reply, a Slack user's message) to one replica
  and, here, the same event a second time to the other (a retry, X-Slack-Retry-Num), so
  both see it; a delivery to the dead replica fails and is retried at the live one;
- a REST user sends to either replica (again to the other if one fails, same
  `message_id`) and polls GET /webhooks/rest/messages for the consultant's replies.

Checks that nothing is lost or duplicated: every user receives exactly their 25 replies,
once each and in order (web: shown once per `delivery_id`, as the widget does), and
each user's 25 messages are in their Slack thread once each. Prints the p50 / p95 / max
from a consultant's reply (the event sent) to the web user's socket receiving it; p95
must be under 2 s. Results: results/bench/handoff_soak.json.

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
KINDS = ("web", "web", "slack", "rest")  # 10 web, 5 Slack, 5 REST users
ROUNDS = 25  # consultant replies per user, and user messages per user
KILL_IN_ROUND = ROUNDS // 2  # killed once half of this round's replies were sent
P95_LIMIT = 2.0
WAITING = "passed our conversation to a consultant"
OFFER = "Shall I hand this conversation over?"
BACK = "back with the assistant"
HEADLINE = "would like to talk to a consultant"
RESULTS = PROJECT_DIR / "results" / "bench" / "handoff_soak.json"


@dataclass
class Replicas:
    urls: list[str]
    alive: list[bool]

    def live(self) -> list[str]:
        return [url for url, up in zip(self.urls, self.alive, strict=True) if up]

    def in_turn(self, first: int) -> list[tuple[int, str]]:
        """Every replica, starting with number `first` (mod count): where Slack's
        first delivery of an event goes varies, as nginx or Slack would spread them."""
        count = len(self.urls)
        order = [(first + i) % count for i in range(count)]
        return [(position, self.urls[i]) for position, i in enumerate(order) if self.alive[i]]


@dataclass
class User:
    index: int
    url: str
    marker: str
    kind: str = "web"
    thread_ts: str = ""
    # (text, from, when) of every message received, duplicates included
    received: list[tuple[str, str | None, float]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def got(self, text: str, sender: str | None) -> None:
        self.received.append((text, sender, time.monotonic()))
        self.arrived.set()

    async def wait_for(self, needle: str, seconds: float = 90) -> float:
        """When a message containing `needle` arrived (waits for it)."""
        deadline = time.monotonic() + seconds
        while True:
            for text, _, at in self.received:
                if needle in text:
                    return at
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{self.kind} user {self.index}: no {needle!r} in {seconds} s")
            self.arrived.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), min(remaining, 1))

    def consultant_texts(self) -> list[str]:
        return [text for text, sender, _ in self.received if sender == "consultant"]

    async def start(self, replicas: Replicas, fake: FakeSlack) -> None:
        raise NotImplementedError

    async def say(self, text: str, replicas: Replicas) -> None:
        raise NotImplementedError

    async def stop(self) -> None:
        pass


class WebUser(User):
    """The widget's protocol over socket.io: one socket on one replica at a time."""

    client: Any = None
    token: str | None = None
    seen: set[str]

    async def start(self, replicas: Replicas, fake: FakeSlack) -> None:
        self.seen = set()
        await self.connect(self.url)
        await self.say(f"hello, I'm {self.marker}", replicas)
        await self.say("talk to a person", replicas)
        await self.say("/affirm", replicas)
        await self.wait_for(WAITING)

    async def connect(self, url: str) -> None:
        self.url = url
        confirmed: asyncio.Queue[str] = asyncio.Queue()
        client = socketio.AsyncClient(reconnection=False)

        async def on_bot(data: Any) -> None:
            delivery = data.get("delivery_id")
            if isinstance(delivery, str):  # shown once, as the widget does
                if delivery in self.seen:
                    return
                self.seen.add(delivery)
            self.got(str(data.get("text", "")), data.get("from"))

        async def on_confirm(token: Any) -> None:
            await confirmed.put(str(token))

        client.on("bot_uttered", on_bot)
        client.on("session_confirm", on_confirm)
        await client.connect(url, socketio_path="/socket.io", transports=["websocket"])
        await client.emit("session_request", {"session_id": self.token})
        given = await asyncio.wait_for(confirmed.get(), 20)
        if self.token is not None and given != self.token:
            raise RuntimeError(f"web user {self.index}: the session was not continued")
        self.token, self.client = given, client

    async def say(self, text: str, replicas: Replicas) -> None:
        payload = {
            "message": text,
            "session_id": self.token,
            "metadata": {"message_id": uuid.uuid4().hex},
        }
        for _ in range(3):
            try:
                await self.client.call("user_uttered", payload, timeout=30)
                return
            except (socketio.exceptions.SocketIOError, asyncio.TimeoutError):
                # The replica died: reconnect to a live one, send the same message again.
                with contextlib.suppress(Exception):
                    await self.client.disconnect()
                await asyncio.sleep(0.5)
                await self.connect(replicas.live()[0])
        raise AssertionError(f"web user {self.index}: {text!r} not taken")

    async def ensure_connected(self, replicas: Replicas) -> None:
        if self.url not in replicas.live() or not self.client.connected:
            with contextlib.suppress(Exception):
                await self.client.disconnect()
            await self.connect(replicas.live()[0])

    async def stop(self) -> None:
        await self.client.disconnect()


class SlackUser(User):
    """A Slack user in a DM with the bot: what they write are signed events (Slack
    retries each at the other replica); what they get are the fake Slack's posts."""

    user_id: str = ""
    dm: str = ""
    sent: int = 0
    _watch: "asyncio.Task[None] | None" = None

    async def start(self, replicas: Replicas, fake: FakeSlack) -> None:
        self.user_id = f"U{uuid.uuid4().hex[:8].upper()}"
        self.dm = f"D{uuid.uuid4().hex[:8].upper()}"
        await self.say(f"hello, I'm {self.marker}", replicas)
        await self.say("talk to a person", replicas)
        offer = await asyncio.to_thread(
            lambda: fake.wait_for(lambda: fake.posted(self.dm, OFFER), timeout=60)[0]
        )
        await asyncio.to_thread(self._deliver, replicas, "click", str(offer.ts))
        self._watch = asyncio.ensure_future(self._watch_posts(fake))
        await self.wait_for(WAITING)

    def _deliver(self, replicas: Replicas, how: str, value: str) -> None:
        event_id = f"Ev{uuid.uuid4().hex[:12].upper()}"
        ts = f"{time.time():.6f}"  # a retry is the same event: same id, same message ts
        delivered = 0
        self.sent += 1
        for attempt, url in replicas.in_turn(self.index + self.sent):
            try:
                hook = SlackWebhook(url)
                if how == "click":
                    response = hook.click(self.dm, self.user_id, value, "/affirm")
                else:
                    response = hook.message(
                        self.dm, self.user_id, value, None, event_id, attempt or None, ts
                    )
                response.raise_for_status()
                delivered += 1
                if how == "click":
                    return
            except requests.RequestException:
                continue
        if not delivered:  # Slack retries an event that was not answered in time
            time.sleep(1)
            for _, url in replicas.in_turn(0):
                with contextlib.suppress(requests.RequestException):
                    hook = SlackWebhook(url)
                    hook.message(
                        self.dm, self.user_id, value, None, event_id, 3, ts
                    ).raise_for_status()
                    return
            raise AssertionError(f"slack user {self.index}: no replica took {value!r}")

    async def say(self, text: str, replicas: Replicas) -> None:
        await asyncio.to_thread(self._deliver, replicas, "message", text)

    async def _watch_posts(self, fake: FakeSlack) -> None:
        seen = 0
        while True:
            posts = fake.posts(self.dm)
            for post in posts[seen:]:
                text = str(post.get("text", ""))
                if text.startswith("*Consultant:* "):
                    self.got(text.removeprefix("*Consultant:* "), "consultant")
                else:
                    self.got(text, None)
            seen = len(posts)
            await asyncio.sleep(0.05)

    async def stop(self) -> None:
        if self._watch is not None:
            self._watch.cancel()


class RestUser(User):
    """A REST client: sends to either replica (the other if one fails, the same
    message_id), and polls for the consultant's replies."""

    sender: str = ""
    _poll: "asyncio.Task[None] | None" = None

    async def start(self, replicas: Replicas, fake: FakeSlack) -> None:
        self.sender = f"soak-rest-{uuid.uuid4().hex[:10]}"
        await self.say(f"hello, I'm {self.marker}", replicas)
        await self.say("talk to a person", replicas)
        await self.say("/affirm", replicas)
        await self.wait_for(WAITING)
        self._poll = asyncio.ensure_future(self._poll_loop(replicas))

    def _post(self, replicas: Replicas, text: str) -> list[dict[str, Any]]:
        body = {
            "sender": self.sender,
            "message": text,
            "metadata": {"message_id": uuid.uuid4().hex},
        }
        for _ in range(3):
            for url in replicas.live():
                try:
                    response = requests.post(f"{url}/webhooks/rest/webhook", json=body, timeout=30)
                    response.raise_for_status()
                    replies: list[dict[str, Any]] = response.json()
                    return replies
                except requests.RequestException:
                    continue
            time.sleep(0.5)
        raise AssertionError(f"rest user {self.index}: {text!r} not taken")

    async def say(self, text: str, replicas: Replicas) -> None:
        for reply in await asyncio.to_thread(self._post, replicas, text):
            self.got(str(reply.get("text", "")), reply.get("from"))

    def _get(self, replicas: Replicas) -> list[dict[str, Any]]:
        for url in replicas.live():
            try:
                response = requests.get(
                    f"{url}/webhooks/rest/messages", params={"sender": self.sender}, timeout=10
                )
                response.raise_for_status()
                messages: list[dict[str, Any]] = response.json()
                return messages
            except requests.RequestException:
                continue
        return []

    async def _poll_loop(self, replicas: Replicas) -> None:
        while True:
            for reply in await asyncio.to_thread(self._get, replicas):
                self.got(str(reply.get("text", "")), reply.get("from"))
            await asyncio.sleep(0.2)

    async def stop(self) -> None:
        if self._poll is not None:
            self._poll.cancel()


def send_event(replicas: Replicas, thread: str, text: str, event_id: str, first: int = 0) -> int:
    """One consultant reply, delivered to every live replica (the first delivery, then a
    retry); a delivery that fails is retried at the next replica. Returns deliveries."""
    delivered = 0
    ts = f"{time.time():.6f}"  # every delivery of the event carries the same message
    for retry in range(4):  # Slack retries an event that was not answered in time
        for attempt, url in replicas.in_turn(first):
            try:
                response = SlackWebhook(url).message(
                    HANDOFF_CHANNEL, CONSULTANT, text, thread, event_id, retry + attempt or None, ts
                )
                response.raise_for_status()
                delivered += 1
            except requests.RequestException:
                continue
        if delivered:
            return delivered
        time.sleep(1)
    return delivered


def thread_of(fake: FakeSlack, marker: str) -> str:
    """The thread of the hand-off whose post shows `marker`."""

    def posts() -> list[Call]:
        return [c for c in fake.posted(HANDOFF_CHANNEL, HEADLINE) if marker in c.args["text"]]

    found: list[Call] = fake.wait_for(posts, timeout=60)
    return str(found[0].ts)


def thread_lines(fake: FakeSlack, user: User) -> list[str]:
    return [
        str(call.args["text"])
        for call in fake.posted(HANDOFF_CHANNEL, f"from {user.marker}")
        if call.args.get("thread_ts") == user.thread_ts
    ]


async def soak(stack: ScaleStack, fake: FakeSlack) -> dict[str, Any]:
    replicas = Replicas(stack.replica_urls, [True] * len(stack.replica_urls))
    urls = replicas.urls
    run = uuid.uuid4().hex[:6]
    kinds = {"web": WebUser, "slack": SlackUser, "rest": RestUser}
    users: list[User] = [
        kinds[KINDS[i % len(KINDS)]](
            i, urls[i % len(urls)], f"soak-{run}-{i:02d}", KINDS[i % len(KINDS)]
        )
        for i in range(USERS)
    ]
    await asyncio.gather(*(user.start(replicas, fake) for user in users))
    for user in users:
        user.thread_ts = await asyncio.to_thread(thread_of, fake, user.marker)

    latencies: list[float] = []
    sent_in_round = 0
    half_sent = asyncio.Event()

    async def one_round(user: User, number: int) -> None:
        nonlocal sent_in_round
        if isinstance(user, WebUser):
            await user.ensure_connected(replicas)
        text = f"reply {number} to {user.marker}"
        event_id = f"EvSoak{run}{user.index:02d}{number:03d}"
        sent = time.monotonic()
        delivered = await asyncio.to_thread(
            send_event, replicas, user.thread_ts, text, event_id, user.index + number
        )
        sent_in_round += 1
        if sent_in_round >= USERS // 2:
            half_sent.set()
        if not delivered:
            raise AssertionError(f"no replica took {event_id}")
        arrived = await user.wait_for(text)
        if user.kind == "web":
            latencies.append(arrived - sent)
        await user.say(f"message {number} from {user.marker}", replicas)

    async def kill_midway() -> float:
        await half_sent.wait()
        await asyncio.to_thread(stack.kill, "rasa-2")
        replicas.alive[1] = False  # until now deliveries to it fail and go to the other
        return time.monotonic()

    started = time.monotonic()
    killed_at = None
    for number in range(ROUNDS):
        sent_in_round = 0
        half_sent.clear()
        rounds = [one_round(user, number) for user in users]
        killer = asyncio.ensure_future(kill_midway()) if number == KILL_IN_ROUND else None
        await asyncio.gather(*rounds)
        if killer is not None:
            killed_at = await killer - started

    # Hand everyone back to the bot; the last word each user gets is the bot's.
    for user in users:
        await asyncio.to_thread(
            send_event, replicas, user.thread_ts, "/resume", f"EvSoakEnd{run}{user.index:02d}"
        )
    await asyncio.gather(*(user.wait_for(BACK) for user in users))

    # Posts a dead replica had taken are sent by the live one once their lease ran out.
    def threads_complete() -> bool:
        return all(len(thread_lines(fake, user)) >= ROUNDS for user in users)

    with contextlib.suppress(AssertionError):
        await asyncio.to_thread(fake.wait_for, threads_complete, 60)
    await asyncio.sleep(2)  # a late duplicate would show now

    problems = []
    for user in users:
        expected = [f"reply {n} to {user.marker}" for n in range(ROUNDS)]
        if user.consultant_texts() != expected:
            problems.append(f"{user.kind} user {user.index} got {user.consultant_texts()}")
        wanted = [f"*User:* message {n} from {user.marker}" for n in range(ROUNDS)]
        in_thread = thread_lines(fake, user)
        if sorted(in_thread) != sorted(wanted):
            problems.append(
                f"thread of {user.kind} user {user.index}: {len(in_thread)} posts for "
                f"{ROUNDS} messages, {len(set(in_thread))} different"
            )
        await user.stop()

    ordered = sorted(latencies)
    return {
        "users": {kind: KINDS.count(kind) * USERS // len(KINDS) for kind in set(KINDS)},
        "messages": USERS * ROUNDS * 2,
        "replica_killed_in_round": KILL_IN_ROUND,
        "replica_killed_after_seconds": killed_at,
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
    users = ", ".join(f"{n} {kind}" for kind, n in sorted(result["users"].items()))
    print(
        f"Hand-off soak: {result['messages']} messages, {USERS} hand-offs ({users}), a "
        f"replica killed in the middle of round {result['replica_killed_in_round']}: "
        f"{len(result['problems'])} lost/duplicated; consultant reply -> widget "
        f"p50 {timing['p50']:.3f} s, p95 {timing['p95']:.3f} s, max {timing['max']:.3f} s "
        f"over {timing['count']} replies (p95 limit {P95_LIMIT} s)"
    )
    for problem in result["problems"]:
        print(f"  {problem}")
    return 0 if not result["problems"] and timing["p95"] < P95_LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
