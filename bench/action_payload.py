"""What a long conversation costs on the way to the action server: raised limit or compression?

    .venv/bin/python bench/action_payload.py TRACKER_DB [--sender ID] [--calls 20]

Rasa posts the whole tracker (and the domain) to the action server on every custom
action. Two ways to let long conversations through the action server's request
limit: give it its own, higher limit (what we ship, runtime/launch_env.py), or let
Rasa deflate the body (COMPRESS_ACTION_SERVER_REQUEST=true; rasa_sdk inflates it).
For a real conversation from TRACKER_DB (an SQLite tracker store; default sender:
the longest conversation), cut after 25, 50, 100, 150... user messages, this
prints the body size plain and deflated, the CPU time Rasa spends deflating (on
its event loop) and rasa_sdk inflating and parsing, and the median round trip of
a real action call to a real action server, plain vs compressed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import statistics
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

from harness.env import PROJECT_DIR, server_env
from harness.servers import LAUNCHER, Server, free_port, wait_http_ok

ACTION = "action_ask_core"  # a cheap custom action: the transport dominates


def load_events(db: Path, sender: str | None) -> tuple[str, list[dict[str, Any]]]:
    with sqlite3.connect(db) as con:
        if sender is None:
            (sender,) = con.execute(
                "SELECT sender_id FROM events GROUP BY sender_id ORDER BY COUNT(*) DESC LIMIT 1"
            ).fetchone()
        rows = con.execute(
            "SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,)
        ).fetchall()
    return sender, [json.loads(data) for (data,) in rows]


def call_body(sender: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    """The JSON Rasa's RemoteAction posts (rasa/core/actions/action.py _action_call_format)."""
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import Event
    from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

    domain = Domain.load(str(PROJECT_DIR / "domain.yml"))
    tracker = DialogueStateTracker.from_events(
        sender, [Event.from_parameters(e) for e in events], domain.slots
    )
    return {
        "next_action": ACTION,
        "sender_id": sender,
        "tracker": tracker.current_state(EventVerbosity.ALL),
        "version": "3.6.21",
        "domain": domain.as_dict(),
    }


def cut(events: list[dict[str, Any]], user_messages: int) -> list[dict[str, Any]]:
    seen = 0
    for index, event in enumerate(events):
        if event.get("event") == "user":
            seen += 1
            if seen > user_messages:
                return events[:index]
    return events


def cpu_ms(function: Any, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return 1000 * min(times)


async def round_trip_ms(url: str, body: dict[str, Any], compress: bool, calls: int) -> float:
    from rasa.utils.endpoints import EndpointConfig

    endpoint = EndpointConfig(url)
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        await endpoint.request(json=body, method="post", compress=compress)
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def measure(url: str, body: dict[str, Any], users: int, calls: int) -> list[str]:
    """One table row."""
    raw = json.dumps(body).encode()
    deflated = zlib.compress(raw)
    return [
        str(users),
        f"{len(raw) / 1024:.0f} KiB",
        f"{len(deflated) / 1024:.0f} KiB",
        f"{cpu_ms(lambda: zlib.compress(raw)):.1f} ms",
        f"{cpu_ms(lambda: json.loads(zlib.decompress(deflated))):.1f} ms",
        f"{cpu_ms(lambda: json.loads(raw)):.1f} ms",
        f"{asyncio.run(round_trip_ms(url, body, False, calls)):.1f} ms",
        f"{asyncio.run(round_trip_ms(url, body, True, calls)):.1f} ms",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("tracker_db", type=Path)
    parser.add_argument("--sender")
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args()
    sender, events = load_events(args.tracker_db, args.sender)
    total_users = sum(event.get("event") == "user" for event in events)

    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="action-payload-")) / "actions.log"
    actions = Server(
        "action server",
        [*LAUNCHER, "run", "actions", "--actions", "actions", "--port", str(port)],
        PROJECT_DIR,
        server_env(),
        log,
    )
    try:
        wait_http_ok(f"http://127.0.0.1:{port}/health", actions, 90)
        url = f"http://127.0.0.1:{port}/webhook"
        print(f"conversation {sender}: {total_users} user messages, {len(events)} events")
        columns = [
            "user messages",
            "body",
            "deflated",
            "deflate (Rasa)",
            "inflate + parse (SDK)",
            "parse only (SDK)",
            "round trip plain",
            "round trip compressed",
        ]
        print("| " + " | ".join(columns) + " |")
        print("|" + "---:|" * len(columns))
        for users in sorted({n for n in (25, 50, 100, 150, 300, total_users) if n <= total_users}):
            body = call_body(sender, cut(events, users))
            print("| " + " | ".join(measure(url, body, users, args.calls)) + " |")
    finally:
        actions.stop()


if __name__ == "__main__":
    main()
