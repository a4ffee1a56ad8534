"""What a long conversation costs on the way to the action server, all events vs recent ones.

    .venv/bin/python -m bench.action_payload TRACKER_DB [--sender ID] [--calls 20]

Stock Rasa posts the whole tracker (every event, each user message with its NLU
parse) and the domain to the action server on every custom action; runtime/
action_events.py (a patch in runtime/patches.py) sends the events of the last 10
user turns instead. For a real conversation from TRACKER_DB (an SQLite tracker
store, e.g. `python -m bench.conversation_length --keep-db long.db`; default
sender: the longest conversation), cut after 10, 25, 50, 100, 150, 200...
user messages, this prints for Rasa's stock request ("all") and ours ("recent"):
the events sent, the body size (and the stock body deflated, the other way to
shrink it: COMPRESS_ACTION_SERVER_REQUEST=true), the CPU time Rasa spends building
and serialising the body on its event loop, the time rasa_sdk spends parsing it
into a Tracker, and the median round trip of a real action call to a real action
server.
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
from collections.abc import Callable
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


def tracker_of(sender: str, events: list[dict[str, Any]]) -> Any:
    from rasa.shared.core.events import Event
    from rasa.shared.core.trackers import DialogueStateTracker

    return DialogueStateTracker.from_events(
        sender, [Event.from_parameters(e) for e in events], domain().slots
    )


def domain() -> Any:
    from rasa.shared.core.domain import Domain

    global _DOMAIN
    if _DOMAIN is None:
        _DOMAIN = Domain.load(str(PROJECT_DIR / "domain.yml"))
    return _DOMAIN


_DOMAIN: Any = None


def call_formats() -> dict[str, Callable[[Any], dict[str, Any]]]:
    """tracker -> the JSON body Rasa posts: stock ("all") and runtime/'s ("recent")."""
    from rasa.core.actions.action import RemoteAction

    from runtime.action_events import recent_events_only

    stock = RemoteAction.__dict__["_action_call_format"]
    recent = recent_events_only(stock)
    action = RemoteAction(ACTION, None)
    return {
        "all": lambda tracker: stock(action, tracker, domain()),
        "recent": lambda tracker: recent(action, tracker, domain()),
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

    # As the Rasa server calls it: with the action server's token (runtime/action_auth.py).
    token = server_env()["ACTION_SERVER_TOKEN"]
    endpoint = EndpointConfig(url, headers={"Authorization": f"Bearer {token}"})
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        await endpoint.request(json=body, method="post", compress=compress)
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def measure(url: str, tracker: Any, users: int, calls: int) -> list[str]:
    """One table row."""
    from rasa_sdk import Tracker

    formats = call_formats()
    bodies = {name: build(tracker) for name, build in formats.items()}
    raw = {name: json.dumps(body).encode() for name, body in bodies.items()}
    build_ms = {
        name: cpu_ms(lambda build=build: json.dumps(build(tracker)))
        for name, build in formats.items()
    }
    parse_ms = {
        name: cpu_ms(lambda data=data: Tracker.from_dict(json.loads(data)["tracker"]))
        for name, data in raw.items()
    }
    trip_ms = {
        name: asyncio.run(round_trip_ms(url, body, False, calls)) for name, body in bodies.items()
    }

    def pair(values: dict[str, float], unit: str = "ms", digits: int = 1) -> str:
        return f"{values['all']:.{digits}f} / {values['recent']:.{digits}f} {unit}"

    return [
        str(users),
        f"{len(bodies['all']['tracker']['events'])} / {len(bodies['recent']['tracker']['events'])}",
        pair({k: len(v) / 1024 for k, v in raw.items()}, "KiB", 0),
        f"{len(zlib.compress(raw['all'])) / 1024:.0f} KiB",
        pair(build_ms),
        pair(parse_ms),
        pair(trip_ms),
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
            "events sent (all / recent)",
            "body (all / recent)",
            "all, deflated",
            "Rasa builds + serialises",
            "rasa_sdk parses",
            "round trip (median)",
        ]
        print("| " + " | ".join(columns) + " |")
        print("|" + "---:|" * len(columns))
        for users in sorted(
            {n for n in (10, 25, 50, 100, 150, 200, 300, total_users) if n <= total_users}
        ):
            tracker = tracker_of(sender, cut(events, users))
            print("| " + " | ".join(measure(url, tracker, users, args.calls)) + " |", flush=True)
    finally:
        actions.stop()


if __name__ == "__main__":
    main()
