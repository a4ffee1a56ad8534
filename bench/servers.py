"""Starting our servers for a benchmark, shared by bench/run_benchmark.py and the
benchmarks it runs (bench/conversation_length.py, bench/sequential.py), so neither
imports the other."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from harness.env import PROJECT_DIR, server_env
from harness.servers import (
    LAUNCHER,
    MODEL,
    Server,
    free_port,
    wait_first_answer,
    wait_http_ok,
    write_endpoints,
)

OUT = PROJECT_DIR / "results" / "bench"
T0 = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - T0:6.0f}s] {message}", flush=True)


def base_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The servers' environment: scripts/common.sh's defaults (harness.env), then `extra`."""
    return server_env(extra)


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024.0, 1)
    except OSError:
        return None
    return None


def parse_env(spec: str) -> dict[str, str]:
    """ "K=V,K2=V2" -> {K: V, K2: V2}; a value may hold commas (RASA_RUNTIME_SKIP=a,b)."""
    items = re.split(r",(?=[A-Za-z_][A-Za-z0-9_]*=)", spec)
    return dict(item.split("=", 1) for item in items if item)


def start_ours(work: Path, env_extra: dict[str, str], tag: str = "ours") -> dict[str, Any]:
    aport, rport = free_port(), free_port()
    actions = Server(
        f"{tag}-actions",
        [*LAUNCHER, "run", "actions", "--actions", "actions", "--port", str(aport)],
        PROJECT_DIR,
        base_env(env_extra),
        OUT / "logs" / f"{tag}-actions.log",
    )
    action_startup = wait_http_ok(f"http://127.0.0.1:{aport}/health", actions, 120)
    endpoints = write_endpoints(
        work / f"endpoints-{tag}.yml",
        f"http://127.0.0.1:{aport}/webhook",
        work / f"{tag}-tracker.db",
    )
    rasa = Server(
        f"{tag}-rasa",
        [
            *LAUNCHER,
            "run",
            "--model",
            str(MODEL),
            "--port",
            str(rport),
            "--interface",
            "127.0.0.1",
            "--credentials",
            "credentials.yml",
            "--endpoints",
            str(endpoints),
        ],
        PROJECT_DIR,
        base_env(env_extra),
        OUT / "logs" / f"{tag}-rasa.log",
    )
    url = f"http://127.0.0.1:{rport}"
    startup = wait_first_answer(url, rasa.started, 240, rasa.check)
    say(
        f"{tag}: action server up in {action_startup:.1f} s; Rasa answers on {url} after "
        f"{startup:.1f} s"
    )
    return {
        "servers": [rasa, actions],
        "url": url,
        "startup_s": round(startup, 1),
        "action_server_startup_s": round(action_startup, 1),
        "rasa_pid": rasa.pid,
        "actions_pid": actions.pid,
    }
