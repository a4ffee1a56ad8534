"""Closed-loop load generator for Rasa's REST channel (asyncio + aiohttp, loopback only).

`concurrency` virtual users each run whole conversations, one message at a time
(a user waits for the reply before typing the next message), each conversation
with a fresh sender id. A run is bounded both in time (`duration`) and in
messages (`max_messages`): no new message is sent once either bound is reached.

A message counts as a failure when the HTTP request fails or times out, the
status is not 200, or the reply list is empty (Rasa answers `[]` when something
went wrong inside, e.g. a Sanic response timeout or a failed action).
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import aiohttp

Conversation = Sequence[str]

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class LoadResult:
    concurrency: int
    wall_s: float
    latencies_ms: list[float] = field(default_factory=list)  # successful messages
    failures: dict[str, int] = field(default_factory=dict)  # kind -> count
    conversations_started: int = 0
    conversations_completed: int = 0

    @property
    def ok(self) -> int:
        return len(self.latencies_ms)

    @property
    def failed(self) -> int:
        return sum(self.failures.values())

    def percentile(self, p: float) -> float | None:
        if not self.latencies_ms:
            return None
        data = sorted(self.latencies_ms)
        k = (len(data) - 1) * p / 100.0
        lo, hi = int(k), min(int(k) + 1, len(data) - 1)
        return data[lo] + (data[hi] - data[lo]) * (k - lo)

    def summary(self) -> dict[str, Any]:
        total = self.ok + self.failed
        return {
            "concurrency": self.concurrency,
            "messages": total,
            "ok": self.ok,
            "failures": self.failed,
            "failure_kinds": dict(self.failures),
            "error_rate": (self.failed / total) if total else None,
            "wall_s": round(self.wall_s, 2),
            "throughput_msg_s": round(self.ok / self.wall_s, 2) if self.wall_s else None,
            "p50_ms": _r(self.percentile(50)),
            "p95_ms": _r(self.percentile(95)),
            "p99_ms": _r(self.percentile(99)),
            "mean_ms": _r(sum(self.latencies_ms) / self.ok if self.ok else None),
            "max_ms": _r(max(self.latencies_ms) if self.latencies_ms else None),
            "conversations_started": self.conversations_started,
            "conversations_completed": self.conversations_completed,
        }


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def check_loopback(url: str) -> None:
    host = urlparse(url).hostname
    if host not in LOOPBACK:
        raise ValueError(f"refusing to load anything but loopback, not {host!r}")


async def run_load(
    base_url: str,
    conversations: Sequence[Conversation],
    concurrency: int,
    duration: float,
    max_messages: int,
    timeout: float = 60.0,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    label: str = "",
) -> LoadResult:
    check_loopback(base_url)
    url = base_url.rstrip("/") + "/webhooks/rest/webhook"
    result = LoadResult(concurrency=concurrency, wall_s=0.0)
    rng = random.Random(seed)
    sent = 0
    start = time.monotonic()
    deadline = start + duration

    def may_send() -> bool:
        nonlocal sent
        if time.monotonic() >= deadline or sent >= max_messages:
            return False
        sent += 1
        return True

    async def user(index: int, session: aiohttp.ClientSession) -> None:
        while True:
            script = conversations[rng.randrange(len(conversations))]
            sender = f"bench-{index}-{uuid.uuid4().hex[:10]}"
            result.conversations_started += 1
            for message in script:
                if not may_send():
                    return
                t0 = time.perf_counter()
                kind = None
                try:
                    async with session.post(
                        url, json={"sender": sender, "message": message}
                    ) as resp:
                        body = await resp.text()
                        if resp.status != 200:
                            kind = f"http_{resp.status}"
                        else:
                            replies = json.loads(body)
                            if not replies:
                                kind = "empty_reply"
                except asyncio.TimeoutError:
                    kind = "timeout"
                except (aiohttp.ClientError, ValueError) as exc:
                    kind = type(exc).__name__
                elapsed = (time.perf_counter() - t0) * 1000.0
                if kind:
                    result.failures[kind] = result.failures.get(kind, 0) + 1
                else:
                    result.latencies_ms.append(elapsed)
            result.conversations_completed += 1

    async def reporter() -> None:
        while True:
            await asyncio.sleep(5)
            if progress:
                now = time.monotonic() - start
                progress(
                    f"  {label} c={concurrency}: {now:5.0f}/{duration:.0f} s, "
                    f"{result.ok} ok, {result.failed} failed, "
                    f"{result.ok / max(now, 1e-9):.1f} msg/s"
                )

    connector = aiohttp.TCPConnector(limit=concurrency + 5)
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    async with aiohttp.ClientSession(connector=connector, timeout=client_timeout) as session:
        rep = asyncio.create_task(reporter())
        try:
            await asyncio.gather(*(user(i, session) for i in range(concurrency)))
        finally:
            rep.cancel()
    result.wall_s = time.monotonic() - start
    return result


def load(
    base_url: str,
    conversations: Sequence[Conversation],
    concurrency: int,
    duration: float,
    max_messages: int,
    **kwargs: Any,
) -> LoadResult:
    return asyncio.run(
        run_load(base_url, conversations, concurrency, duration, max_messages, **kwargs)
    )
