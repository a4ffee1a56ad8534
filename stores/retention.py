"""Retention: delete the conversations nobody has touched for a while.

A conversation is every row of the SQL tracker store's `events` table with one
`sender_id`; it is idle since its latest event. Those idle longer than
`CONVERSATION_RETENTION_DAYS` (default 30) are deleted whole, on SQLite and
PostgreSQL alike, from the database the `tracker_store` of an endpoints file
names (environment variables expanded, as Rasa does). Run it daily::

    python -m stores.retention [--endpoints endpoints.yml] [--idle-days N]
    make prune-conversations RETENTION_ARGS="--idle-days 90"

Exit status: 0 done (or nothing to do), 1 database error, 2 bad arguments or endpoints.
"""

import argparse
import math
import os
import sys
import time
import warnings
from pathlib import Path

# A quiet start for a daily job: SQLAlchemy's 2.0 banner off (as in scripts/common.sh),
# and no DeprecationWarnings, which Sanic (imported by Rasa) turns on for every library;
# catch_warnings restores the filters afterwards.
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import sqlalchemy as sa
    from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs, validate_port
    from rasa.shared.exceptions import RasaException
    from rasa.shared.utils.common import class_from_module_path
    from rasa.utils.endpoints import read_endpoint_config
    from sqlalchemy.engine import URL, Engine
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from advisor.report_link import DEFAULT_RETENTION_DAYS, RETENTION_ENV, retention_days
    from stores.analytics_summary import delete_orphans
    from stores.tracker_store import CONNECT_TIMEOUT

DEFAULT_IDLE_DAYS = DEFAULT_RETENTION_DAYS
IDLE_DAYS_ENV = RETENTION_ENV
EVENTS: sa.Table = SQLTrackerStore.SQLEvent.__table__


class RetentionError(Exception):
    """The endpoints file names no database this command can prune (exit 2)."""


def delete_idle_conversations(engine: Engine, idle_days: float, now: float | None = None) -> int:
    """Delete every conversation whose latest event is older than `idle_days`
    before `now` (default: the current time); return how many were deleted."""
    if not (math.isfinite(idle_days) and idle_days > 0):
        raise ValueError(f"idle_days must be a positive number, not {idle_days!r}")
    cutoff = (time.time() if now is None else now) - idle_days * 86400
    idle = (
        sa.select(EVENTS.c.sender_id)
        .group_by(EVENTS.c.sender_id)
        .having(sa.func.max(EVENTS.c.timestamp) < cutoff)
        .subquery()
    )
    with engine.begin() as connection:
        if not sa.inspect(connection).has_table(EVENTS.name):
            return 0  # the store has never saved a conversation
        count: int = connection.execute(sa.select(sa.func.count()).select_from(idle)).scalar_one()
        if count:
            # The DELETE re-checks the condition itself: a conversation that got a
            # message since the count is kept (the count is then one too high).
            connection.execute(
                EVENTS.delete().where(EVENTS.c.sender_id.in_(sa.select(idle.c.sender_id)))
            )
        delete_orphans(connection)  # the analytics' summary of these conversations
    return count


def database_url(endpoints_file: str) -> URL | None:
    """The database of the endpoints file's tracker store, built as the store
    builds it; None when conversations are only kept in memory (no store)."""
    if not Path(endpoints_file).is_file():
        raise RetentionError(f"no endpoints file {endpoints_file}")
    try:
        config = read_endpoint_config(endpoints_file, "tracker_store")
        if config is None or config.type is None:
            return None
        if not _is_sql_store(config.type):
            raise RetentionError(f"{config.type!r} is not an SQL tracker store")
        options = config.kwargs
        # `login_db` is left out: it is only where the store logs in to create `db`.
        url = SQLTrackerStore.get_db_url(
            dialect=options.get("dialect", "sqlite"),
            host=config.url,
            port=validate_port(options.get("port")),
            db=options.get("db", "rasa.db"),
            username=options.get("username"),
            password=options.get("password"),
            query=options.get("query"),
        )
        parsed = sa.engine.make_url(url)
        parsed.get_dialect()  # an unknown dialect is a configuration error too
        return parsed
    except (RasaException, ValueError, ArgumentError) as error:  # e.g. an unset ${VARIABLE}
        raise RetentionError(f"{endpoints_file}: tracker_store: {error}") from error


def _is_sql_store(store_type: str) -> bool:
    """`type: sql`, or the module path of an SQLTrackerStore subclass (as ours)."""
    if store_type.lower() == "sql":
        return True
    try:
        store = class_from_module_path(store_type)
    except (ImportError, AttributeError):  # Rasa's other stores (redis, mongod...), typos
        return False
    return isinstance(store, type) and issubclass(store, SQLTrackerStore)


def create_engine(url: URL) -> Engine:
    """An engine with the tracker store's settings (PostgreSQL schema, pool and
    connect timeout, so a dead database host fails the run in seconds)."""
    options = create_engine_kwargs(url)
    if url.get_backend_name() == "postgresql" and "connect_timeout" not in url.query:
        connect_args = {**options.get("connect_args", {}), "connect_timeout": CONNECT_TIMEOUT}
        options["connect_args"] = connect_args
    return sa.create_engine(url, **options)


def parse_idle_days(value: str) -> float:
    """A positive, finite number of days (e.g. "30", "0.5"); ValueError otherwise.
    The servers' settings parse CONVERSATION_RETENTION_DAYS with the same function."""
    if not value.strip():
        raise ValueError(value)
    return retention_days(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m stores.retention",
        description="Delete the conversations idle for more than N days from the tracker store.",
    )
    parser.add_argument(
        "--endpoints", default="endpoints.yml", help="endpoints file (default: %(default)s)"
    )
    parser.add_argument(
        "--idle-days",
        metavar="N",
        help=f"idle time in days (default: ${IDLE_DAYS_ENV}, else {DEFAULT_IDLE_DAYS:g})",
    )
    args = parser.parse_args(argv)
    source, raw = "--idle-days", args.idle_days
    if raw is None:  # an empty variable counts as unset
        source, raw = IDLE_DAYS_ENV, os.environ.get(IDLE_DAYS_ENV) or str(DEFAULT_IDLE_DAYS)
    try:
        idle_days = parse_idle_days(raw)
    except ValueError:
        parser.error(f"{source} must be a positive number of days, not {raw!r}")  # exits 2

    try:
        url = database_url(args.endpoints)
    except RetentionError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if url is None:
        print(f"No tracker store in {args.endpoints}: conversations are not stored.")
        return 0
    # Connecting to a missing SQLite file would create an empty one.
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        print(f"No conversation database at {url.database}: nothing to delete.")
        return 0

    engine = create_engine(url)
    try:
        deleted = delete_idle_conversations(engine, idle_days)
    except SQLAlchemyError as error:
        # repr(url) shows the password as ***
        print(f"error: could not prune {url!r}: {error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    conversations = "conversation" if deleted == 1 else "conversations"
    days = "day" if idle_days == 1 else "days"
    print(f"Deleted {deleted} {conversations} idle for more than {idle_days:g} {days}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
