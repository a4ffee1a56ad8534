"""What each runtime change costs when switched off alone, in CPU time per message.

    python -m bench.patch_cost [--runs 3] [--messages 200] [--skip NAME,NAME ...]

Starts one action server, then, for each variant in turn (interleaved, `--runs`
times), a fresh process that loads the model in-process with the patches that
RASA_RUNTIME_SKIP leaves and sends one conversation of `--messages` messages
(bench/conversation_length.py's script) through `Agent.handle_message` with the
shipped SQLite tracker store. CPU time per message is less disturbed by other
processes than wall time; the medians of the runs are printed (bench/README.md):
messages 1-10, 190-200, the mean and the slowest message (a full garbage collection
shows there), and the model's load time and peak RSS (`RasaModel.load`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from harness.env import PROJECT_DIR, defaults

DEFAULT_VARIANTS = [  # shipped, then each speed-only patch of runtime/patches.py alone
    "",
    "DialogueStateTracker.copy",
    "DialogueStateTracker.applied_events",
    "Domain.states_for_tracker_history",
    "RemoteAction._validate_action_result",
    "RasaModel.load",
    "runtime.policies",
]


async def one_conversation(action_url: str, messages: int) -> dict[str, Any]:
    """In this process: the patches, the model, one conversation; CPU ms per message."""
    from rasa.core.agent import load_agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.core.utils import AvailableEndpoints

    from bench.conversation_length import script
    from harness.servers import MODEL, write_endpoints
    from runtime import patches

    patches.install()
    work = Path(tempfile.mkdtemp(prefix="patch-cost-"))
    endpoints = write_endpoints(work / "endpoints.yml", action_url, work / "tracker.db")
    load_started = time.perf_counter()
    agent = await load_agent(
        model_path=str(MODEL), endpoints=AvailableEndpoints.read_endpoints(str(endpoints))
    )
    load_s = time.perf_counter() - load_started
    load_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sender, cpu = uuid.uuid4().hex, []
    for text in script(messages):
        started = time.process_time()
        await agent.handle_message(UserMessage(text, CollectingOutputChannel(), sender))
        cpu.append((time.process_time() - started) * 1000)
    return {
        "early_ms": statistics.median(cpu[:10]),
        "late_ms": statistics.median(cpu[-11:]),
        "mean_ms": statistics.mean(cpu),
        "max_ms": max(cpu),  # a full garbage collection shows here
        "load_s": load_s,  # wall time of loading the model (start-up)
        "load_peak_mb": load_peak_mb,  # peak RSS after loading
    }


def measure(variants: list[str], runs: int, messages: int) -> dict[str, list[dict[str, Any]]]:
    from harness.servers import ActionServer

    results: dict[str, list[dict[str, Any]]] = {variant: [] for variant in variants}
    server = ActionServer(Path(tempfile.mkdtemp(prefix="patch-cost-"))).start()
    try:
        for _ in range(runs):
            for variant in variants:  # interleaved: a slow minute hits every variant
                env = {**os.environ, "RASA_RUNTIME_SKIP": variant}
                done = subprocess.run(
                    [sys.executable, "-m", "bench.patch_cost", "--one", server.url,
                     "--messages", str(messages)],
                    env=env, cwd=PROJECT_DIR, capture_output=True, text=True, check=True,
                )  # fmt: skip
                results[variant].append(json.loads(done.stdout.strip().splitlines()[-1]))
    finally:
        server.stop()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--skip", action="append", help="a RASA_RUNTIME_SKIP value (repeat)")
    parser.add_argument("--one", metavar="ACTION_URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    for name, value in defaults().items():
        os.environ.setdefault(name, value)
    if args.one:
        print(json.dumps(asyncio.run(one_conversation(args.one, args.messages))))
        return 0
    variants = [""] + args.skip if args.skip else DEFAULT_VARIANTS
    for variant, rows in measure(variants, args.runs, args.messages).items():
        medians = {key: round(statistics.median(r[key] for r in rows), 1) for key in rows[0]}
        print(f"{variant or 'shipped':60} {json.dumps(medians)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
