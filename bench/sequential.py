"""Per-message cost of our Rasa server, one message at a time, with and without each tuning.

    .venv/bin/python -m bench.sequential [--reps 3] [--profile DIR]  (or `make bench-sequential`)

Complements `make bench` (load over HTTP): this replays bench/conversations.OURS in-process
(`Agent.handle_message`, no HTTP), one message after another, against a real action server,
so the numbers are the server's own work per message. Each configuration runs in a fresh
process (the runtime adjustments are process-wide) and reports model load time, RSS after
the replay and latency per message:

  * Rasa without our speed-ups, SQLite tracker store -- RASA_RUNTIME_TUNING=off (the baseline);
  * tuned runtime (runtime/), SQLite          -- what we ship;
  * tuned runtime, in-memory tracker store    -- the cost of persisting every turn.

--profile DIR also writes a cProfile file per configuration (read with `python -m pstats`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench import conversations
from bench.servers import base_env, rss_mb
from harness.env import PROJECT_DIR
from harness.servers import LAUNCHER, MODEL, Server, free_port, wait_http_ok, write_endpoints

CONFIGURATIONS = [  # (label, RASA_RUNTIME_TUNING, tracker store)
    ("stock Rasa runtime, SQLite tracker store", "off", "sqlite"),
    ("tuned runtime (shipped), SQLite tracker store", "on", "sqlite"),
    ("tuned runtime, in-memory tracker store", "on", "memory"),
]


async def replay(endpoints: Path, reps: int, profile: Path | None) -> dict[str, Any]:
    """Child process: load the model, replay the conversations, return the numbers."""
    import logging

    from rasa.utils.log_utils import configure_structlog

    from runtime import patches

    configure_structlog(logging.WARNING)  # as quiet as `rasa run`: no debug events printed
    logging.getLogger().setLevel(logging.WARNING)
    patches.install()  # honours RASA_RUNTIME_TUNING, as the input channels do
    from rasa.core.agent import load_agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.core.utils import AvailableEndpoints

    started = time.perf_counter()
    agent = await load_agent(
        model_path=str(MODEL), endpoints=AvailableEndpoints.read_endpoints(str(endpoints))
    )
    load_s = time.perf_counter() - started

    async def one_pass() -> list[float]:
        latencies = []
        for conversation in conversations.OURS:
            sender = uuid.uuid4().hex
            for text in conversation:
                output = CollectingOutputChannel()
                t0 = time.perf_counter()
                await agent.handle_message(UserMessage(text, output, sender))
                latencies.append(time.perf_counter() - t0)
                if not output.messages:
                    raise RuntimeError(f"empty reply to {text!r}")
        return latencies

    await one_pass()  # warm-up
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    latencies = [x for _ in range(reps) for x in await one_pass()]
    wall = time.perf_counter() - started
    if profiler:
        profiler.disable()
        profiler.dump_stats(str(profile))
    latencies.sort()
    return {
        "load_s": round(load_s, 1),
        "rss_mb": rss_mb(os.getpid()),
        "messages": len(latencies),
        "p50_ms": round(1000 * statistics.median(latencies), 1),
        "mean_ms": round(1000 * statistics.fmean(latencies), 1),
        "p95_ms": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 1),
        "msg_s": round(len(latencies) / wall, 1),
    }


def run_child(
    label: str, tuning: str, endpoints: Path, reps: int, profile_dir: Path | None
) -> dict[str, Any]:
    print(f"... {label}", flush=True)
    cmd = [sys.executable, "-m", "bench.sequential", "--child", str(endpoints), "--reps", str(reps)]
    if profile_dir:
        cmd += ["--profile", str(profile_dir / f"{tuning}-{endpoints.stem}.prof")]
    done = subprocess.run(
        cmd,
        cwd=PROJECT_DIR,
        env=base_env({"RASA_RUNTIME_TUNING": tuning}),
        capture_output=True,
        text=True,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{label} failed:\n{done.stderr[-3000:]}")
    measured: dict[str, Any] = json.loads(lines[-1])
    return measured


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--reps", type=int, default=3, help="passes over the conversations per configuration"
    )
    ap.add_argument("--profile", type=Path, help="write cProfile files into this folder")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)  # endpoints file of a child run
    args = ap.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(replay(args.child, args.reps, args.profile))))
        return 0
    if not MODEL.exists():
        print(f"no trained model at {MODEL}: run `make train` first", file=sys.stderr)
        return 1
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="advisor-seq-") as tmp:
        work, port = Path(tmp), free_port()
        actions = Server(
            "actions",
            [*LAUNCHER, "run", "actions", "--actions", "actions", "--port", str(port)],
            PROJECT_DIR,
            base_env(),
            work / "actions.log",
        )
        try:
            wait_http_ok(f"http://127.0.0.1:{port}/health", actions, 120)
            rows = []
            for label, tuning, tracker in CONFIGURATIONS:
                endpoints = write_endpoints(
                    work / f"endpoints-{tracker}.yml",
                    f"http://127.0.0.1:{port}/webhook",
                    work / "tracker.db" if tracker == "sqlite" else None,
                )
                rows.append((label, run_child(label, tuning, endpoints, args.reps, args.profile)))
        finally:
            actions.stop()
    print(
        "\n| configuration | model load s | RSS MB | messages | p50 ms | mean ms | p95 ms | msg/s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, r in rows:
        print(
            f"| {label} | {r['load_s']} | {r['rss_mb']} | {r['messages']} | {r['p50_ms']} | "
            f"{r['mean_ms']} | {r['p95_ms']} | {r['msg_s']} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
