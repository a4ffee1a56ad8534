"""Does a message cost more late in a long conversation? One conversation, many messages.

    .venv/bin/python -m bench.conversation_length [--messages 200] [--url URL] [--env K=V,...]

Sends `--messages` messages in ONE conversation (one sender) over REST, one at a
time (the reply before the next message), and compares the p50 latency of the last
eleven messages (190–200 of 200) with that of messages 1–10 (issue #14: ratio
≤ 1.2). The messages mix what people do in one session (`script`): FAQ questions
and knowledge follow-ups ("and kpo?", "why?"), assessments by buttons and in free
text with a question in the middle, "why?", a changed answer, "compare my
processes". Without --url it starts our action server and Rasa server (the
launcher, the shipped SQLite tracker store in a temp dir, the benchmark's
environment: no per-conversation rate limit) and stops them afterwards; `make bench`
runs it against its own server after the load levels. A failed or empty reply is
counted, and its latency left out.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import requests

EARLY = 10  # messages 1..10
LATE = 11  # messages n-10..n (190..200 of 200)


def _buttons(answers: Sequence[tuple[str, str]]) -> list[str]:
    return ["/inform" + json.dumps({slot: value}) for slot, value in answers]


# One round of a long session (27 messages); the script repeats it.
ROUND: list[str] = [
    "hi",
    "what is bpo?",
    "and kpo?",
    "why?",
    "kpo vs bpo",
    "thanks",
    "/start_assessment",
    *_buttons(
        [
            ("process", "customer care"),
            ("core", "supporting"),
            ("complexity", "routine"),
            ("qualifications", "basic"),
            ("sensitivity", "low"),
            ("goal", "cost"),
        ]
    ),
    "why?",
    "actually our data is highly sensitive",
    "what are the risks of outsourcing core work",
    "let's assess another process",
    "investment research",
    "it's important for us, but honestly our competitors all do the same",
    "sorry, what does KPO mean again?",
    "it's deep analysis that needs expert judgement",
    "CFA charterholders and experienced analysts",
    "highly confidential client portfolios",
    "we simply don't have enough analysts with that expertise",
    "compare my processes",
    "what should I check before signing with a vendor",
    "thanks, bye",
]


def script(messages: int) -> list[str]:
    """`messages` messages: ROUND again and again, the last LATE starting a round, so
    that messages 190–200 say what messages 1–11 said (189 = 7 rounds of 27)."""
    body = max(0, messages - LATE)
    tail = min(messages, LATE)
    return [ROUND[i % len(ROUND)] for i in range(body)] + ROUND[:tail]


def p50(values: Sequence[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def summarize(latencies_ms: Sequence[float | None]) -> dict[str, Any]:
    """latencies_ms[i]: message i+1's latency, None if it failed. Early: messages 1–10;
    late: the last 11 (190–200 of 200)."""
    n = len(latencies_ms)
    late_from = max(1, n - LATE + 1)
    early = [x for x in latencies_ms[:EARLY] if x is not None]
    late = [x for x in latencies_ms[late_from - 1 :] if x is not None]
    early_p50, late_p50 = p50(early), p50(late)
    return {
        "messages": n,
        "failures": sum(x is None for x in latencies_ms),
        "early": {"from": 1, "to": min(EARLY, n), "p50_ms": early_p50},
        "late": {"from": late_from, "to": n, "p50_ms": late_p50},
        "ratio": round(late_p50 / early_p50, 3) if early_p50 and late_p50 is not None else None,
        "p50_ms_all": p50([x for x in latencies_ms if x is not None]),
        # p50 per block of 20 messages: where the growth starts, if any
        "p50_ms_per_20": [
            p50([x for x in latencies_ms[i : i + 20] if x is not None]) for i in range(0, n, 20)
        ],
    }


def converse(
    base_url: str, messages: int, sender: str | None = None, show: bool = False
) -> tuple[list[float | None], str]:
    """Send the script in one conversation; latency per message in ms (None: failed)."""
    url = base_url.rstrip("/") + "/webhooks/rest/webhook"
    sender = sender or f"long-{uuid.uuid4().hex[:12]}"
    latencies: list[float | None] = []
    with requests.Session() as session:
        for number, text in enumerate(script(messages), start=1):
            started = time.perf_counter()
            try:
                response = session.post(url, json={"sender": sender, "message": text}, timeout=60)
                replies = response.json() if response.ok else []
            except (requests.RequestException, ValueError):
                replies = []
            elapsed = 1000 * (time.perf_counter() - started)
            latencies.append(elapsed if replies else None)
            if show:
                first = (replies[0].get("text") or "") if replies else "<no reply>"
                print(f"{number:4d} {elapsed:7.1f} ms  {text[:40]!r:44} -> {first[:70]!r}")
    return latencies, sender


def run(base_url: str, messages: int, where: str, show: bool = False) -> dict[str, Any]:
    latencies, sender = converse(base_url, messages, show=show)
    return {**summarize(latencies), "sender": sender, "where": where}


def print_summary(result: dict[str, Any]) -> None:
    early, late = result["early"], result["late"]
    print(
        f"{result['messages']} messages in one conversation ({result['where']}): "
        f"p50 messages {early['from']}-{early['to']} {early['p50_ms']} ms, "
        f"messages {late['from']}-{late['to']} {late['p50_ms']} ms, ratio {result['ratio']} "
        f"(target <= 1.2); failed or empty replies: {result['failures']}"
    )
    print(f"p50 per 20 messages (ms): {result['p50_ms_per_20']}")


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--messages", type=int, default=200)
    ap.add_argument("--url", help="a running Rasa server (default: start our servers)")
    ap.add_argument("--env", default="", help="KEY=VAL,... for the servers this starts")
    ap.add_argument("--keep-db", type=Path, help="copy the SQLite tracker store here afterwards")
    ap.add_argument("--json", type=Path, help="also write the result as JSON")
    ap.add_argument("--show", action="store_true", help="print every message and reply")
    args = ap.parse_args()
    if args.url:
        result = run(args.url, args.messages, f"server at {args.url}", args.show)
    else:
        from bench.servers import OUT, parse_env, start_ours
        from harness.servers import MODEL

        if not MODEL.exists():
            print(f"no trained model at {MODEL}: run `make train` first", file=sys.stderr)
            return 1
        (OUT / "logs").mkdir(parents=True, exist_ok=True)
        env = parse_env(args.env)
        with tempfile.TemporaryDirectory(prefix="advisor-long-") as tmp:
            servers = start_ours(Path(tmp), env, tag="long-conversation")
            try:
                where = "REST, our servers, SQLite tracker store" + (f", {args.env}" if env else "")
                result = run(servers["url"], args.messages, where, args.show)
            finally:
                for server in servers["servers"]:
                    server.stop()
            if args.keep_db:
                db = Path(tmp) / "long-conversation-tracker.db"
                args.keep_db.write_bytes(db.read_bytes())
    print_summary(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
