"""Benchmark of the operators' page: every page under 2 s over 1,000,000 events.

    python -m bench.admin_page [--events N] [--database sqlite|postgresql|both]

Generates N events (default 1,000,000: about 33,000 conversations over 30 days, by
bench/admin_data.py) straight into the events table of a new SQLite file and/or a
throwaway PostgreSQL cluster (Debian's, on loopback), starts the Rasa server with
the page on (ADVISOR_ADMIN_TOKEN) on that database, waits until it has summarised
every conversation (stores/analytics_summary.py; once, in the background; timed),
then times every page and CSV export over HTTP, for all channels and for one,
twice each (the slower counts).
Part of `make bench` (scripts/bench.sh). Results: results/bench/admin_page.{json,md};
exit status 1 if a page took 2 s or more.
"""

from __future__ import annotations

import argparse
import json
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa

from bench.admin_data import make_plans, report_opened_at, rows_of
from harness.env import PROJECT_DIR
from harness.servers import MODEL, RasaServer
from stores.analytics_summary import EVENTS, REPORT_OPENS

LIMIT_SECONDS = 2.0
DAYS = 30
BATCH = 5000  # rows per INSERT
OUT = PROJECT_DIR / "results" / "bench"


def fill(engine: sa.engine.Engine, events: int) -> tuple[int, int, str]:
    """Write about `events` events; (events, conversations, the id of a conversation
    with a finished assessment)."""
    today = datetime.now(timezone.utc).date()
    days = [today - timedelta(days=n) for n in range(DAYS)]
    EVENTS.metadata.create_all(engine, tables=[EVENTS])
    REPORT_OPENS.create(engine, checkfirst=True)
    written = conversations = 0
    batch: list[dict[str, Any]] = []
    opens: list[dict[str, Any]] = []
    sample = ""
    started = time.monotonic()
    with engine.begin() as connection:
        for chunk in range(10**6):
            for plan in make_plans(1000, seed=chunk, days=days, prefix=f"bench{chunk:03d}"):
                rows = list(rows_of(plan))
                batch += rows
                written += len(rows)
                conversations += 1
                if not sample and plan.recommended:
                    sample = plan.sender_id  # a conversation with an assessment to show
                opened = report_opened_at(plan)
                if opened is not None:
                    opens.append(
                        {"sender_id": plan.sender_id, "report_id": "bench0000", "timestamp": opened}
                    )
                if len(batch) >= BATCH:
                    connection.execute(EVENTS.insert(), batch)
                    batch = []
                if written >= events:
                    break
            print(
                f"  {written:,} events, {conversations:,} conversations "
                f"({time.monotonic() - started:.0f} s)",
                flush=True,
            )
            if written >= events:
                break
        if batch:
            connection.execute(EVENTS.insert(), batch)
        if opens:
            connection.execute(REPORT_OPENS.insert(), opens)
    return written, conversations, sample


def pages(sample: str) -> Iterator[tuple[str, str]]:
    """(name, path) of every page and export, for all channels and the web only."""
    for label, query in (("all channels", ""), ("web only", "channel=socketio")):
        q = f"?{query}" if query else ""
        amp = f"&{query}" if query else ""
        yield f"overview, {label}", f"/admin/{q}"
        yield f"recommendations, {label}", f"/admin/mix{q}"
        yield f"understanding, {label}", f"/admin/understanding{q}"
        yield f"conversations, {label}", f"/admin/conversations{q}"
        yield f"conversations page 20, {label}", f"/admin/conversations?page=20{amp}"
        yield f"search, {label}", f"/admin/conversations?q=blockchain{amp}"
        for table in (
            "conversations_per_day",
            "funnel",
            "recommendations",
            "understanding",
            "not_understood",
            "conversations",
        ):
            yield f"{table}.csv, {label}", f"/admin/export/{table}.csv{q}"
    yield "one conversation", f"/admin/conversations/{sample}"
    yield "transcript.csv", f"/admin/export/transcript.csv?id={sample}"


def wait_for_summary(server: RasaServer, token: str, seconds: float = 3600) -> float:
    """Seconds until the page no longer says it is summarising (the first build of the
    summary of a database that already holds every event; done in the background)."""
    started = time.monotonic()
    headers = {"Authorization": f"Bearer {token}"}
    while time.monotonic() - started < seconds:
        page = requests.get(server.base_url + "/admin/", headers=headers, timeout=120)
        if page.status_code == 200 and "Still summarising" not in page.text:
            return time.monotonic() - started
        time.sleep(5)
    raise RuntimeError("the summary was not built in time")


def measure(server: RasaServer, token: str, sample: str) -> list[dict[str, Any]]:
    results = []
    headers = {"Authorization": f"Bearer {token}"}
    for name, path in pages(sample):
        times = []
        for _ in range(2):
            started = time.monotonic()
            reply = requests.get(server.base_url + path, headers=headers, timeout=120)
            times.append(time.monotonic() - started)
            if reply.status_code != 200:
                raise RuntimeError(f"{path}: {reply.status_code} {reply.text[:300]}")
        results.append(
            {
                "page": name,
                "path": path,
                "seconds": round(max(times), 3),
                "bytes": len(reply.content),
            }
        )
        print(f"  {max(times):6.2f} s  {name}", flush=True)
    return results


def run(database: str, events: int, workdir: Path) -> dict[str, Any]:
    postgres = None
    if database == "sqlite":
        db = workdir / "tracker.db"
        url = f"sqlite:///{db}"
        tracker_store = None
    else:
        from harness.postgres import Postgres, postgres_bin

        if postgres_bin() is None:
            raise RuntimeError("PostgreSQL is not installed (scripts/install_services.sh)")
        postgres = Postgres().init().start()
        url = f"postgresql://postgres@127.0.0.1:{postgres.port}/postgres"
        db = None
        tracker_store = (
            "tracker_store:\n  type: stores.tracker_store.CachingSQLTrackerStore\n"
            f"  dialect: postgresql\n  url: 127.0.0.1\n  port: {postgres.port}\n"
            "  db: postgres\n  username: postgres\n"
        )
    server = None
    try:
        print(f"{database}: writing {events:,} events", flush=True)
        engine = sa.create_engine(url)
        written, conversations, sample = fill(engine, events)
        engine.dispose()
        token = secrets.token_urlsafe(24)
        server = RasaServer(
            workdir,
            "http://127.0.0.1:9/webhook",
            db,
            extra_env={"ADVISOR_ADMIN_TOKEN": token},
            tracker_store=tracker_store,
        )
        print(f"{database}: starting the Rasa server", flush=True)
        server.start()
        summary_seconds = wait_for_summary(server, token)
        print(f"{database}: summary of every conversation built in {summary_seconds:.0f} s")
        results = measure(server, token, sample)
    finally:
        if server is not None:
            server.stop()
        if postgres is not None:
            postgres.remove()
    slowest = max(results, key=lambda r: r["seconds"])
    return {
        "database": database,
        "events": written,
        "conversations": conversations,
        "summary_build_seconds": round(summary_seconds, 1),
        "pages": results,
        "slowest": slowest,
        "met": slowest["seconds"] < LIMIT_SECONDS,
    }


def markdown(runs: list[dict[str, Any]]) -> str:
    lines = [f"# Operators' page over generated events ({date.today()})", ""]
    for result in runs:
        verdict = "met" if result["met"] else "NOT met"
        slowest = result["slowest"]
        lines += [
            f"## {result['database']}: {result['events']:,} events, "
            f"{result['conversations']:,} conversations",
            "",
            f"Slowest: {slowest['seconds']} s ({slowest['page']}); "
            f"target < {LIMIT_SECONDS} s: {verdict}. The summary of all conversations "
            f"(once, in the background) took {result['summary_build_seconds']} s.",
            "",
            "| page | seconds |",
            "|---|---|",
            *(f"| {page['page']} | {page['seconds']} |" for page in result["pages"]),
            "",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.admin_page", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args(argv)
    if not MODEL.exists():
        print(f"No trained model at {MODEL}: run `make train` first.", file=sys.stderr)
        return 2
    databases = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    runs = []
    for database in databases:
        workdir = Path(tempfile.mkdtemp(prefix="advisor-admin-bench-"))
        try:
            runs.append(run(database, args.events, workdir))
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "admin_page.json").write_text(json.dumps(runs, indent=2))
    (OUT / "admin_page.md").write_text(markdown(runs))
    print(markdown(runs))
    return 0 if all(r["met"] for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
