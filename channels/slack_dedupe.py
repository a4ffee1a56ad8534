"""Which Slack deliveries were already taken: shared across replicas through Redis.

Slack retries an event it thinks was not received (same `event_id`), delivers a
mention in a DM as both `message` and `app_mention`, and a click can be sent
twice. With several Rasa replicas each of those can reach a different replica,
so a per-process memory answers them twice.

`SlackDedupe.first_time(key)` is True exactly once per key within the TTL:

* with Redis (the scale-out lock store's Redis, see `from_lock_store`): one
  ``SET <prefix><key> 1 NX EX <ttl>`` per key, atomic across every replica;
* without Redis: a bounded in-process `SeenCache` (single-server mode);
* Redis unreachable or slow (1 s timeouts): the in-process cache decides, the
  failure is logged once, and Redis is not asked again for `RETRY_AFTER`
  seconds, so an outage costs at most one timeout, never a message.

Every key is also remembered in the process's own cache, so a repeat reaching
the same replica is caught even if Redis failed in between.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any, Protocol

logger = logging.getLogger(__name__)

# Slack retries a delivery up to 3 times within ~5 minutes; remember keys for an hour.
SEEN_TTL = 60 * 60
SEEN_MAX = 10_000
REDIS_TIMEOUT = 1.0  # seconds, connect and each command: Slack wants an answer in 3 s
RETRY_AFTER = 10.0  # seconds without asking Redis after it failed
KEY_SUFFIX = "slack:seen:"  # after the lock store's prefix, e.g. advisor:slack:seen:<key>


class SeenCache:
    """Bounded in-memory set with expiry (one process)."""

    def __init__(self, ttl: float = SEEN_TTL, max_size: int = SEEN_MAX) -> None:
        self.ttl = ttl
        self.max_size = max_size
        self._entries: OrderedDict[Hashable, float] = OrderedDict()

    def check_and_add(self, key: Hashable) -> bool:
        """True if `key` was seen within the TTL; records it either way.

        No await inside, so it is atomic on the event loop."""
        now = time.monotonic()
        while self._entries:
            oldest, seen_at = next(iter(self._entries.items()))
            if now - seen_at <= self.ttl and len(self._entries) < self.max_size:
                break
            self._entries.popitem(last=False)
        if key in self._entries:
            return True
        self._entries[key] = now
        return False


class AsyncRedis(Protocol):
    """The one command we need from `redis.asyncio.Redis`."""

    async def set(self, name: str, value: Any, *, ex: int, nx: bool) -> Any: ...


class SlackDedupe:
    def __init__(
        self,
        redis: AsyncRedis | None = None,
        prefix: str = "advisor:" + KEY_SUFFIX,
        ttl: int = SEEN_TTL,
        local: SeenCache | None = None,
        where: str = "",
    ) -> None:
        self.redis = redis
        self.prefix = prefix
        self.ttl = ttl
        self.local = local or SeenCache(ttl)
        self.where = where  # for the log, e.g. "127.0.0.1:6379 db 1"
        self._down_until = 0.0  # monotonic time before which Redis is not asked

    @property
    def shared(self) -> bool:
        return self.redis is not None

    async def first_time(self, key: str) -> bool:
        """True if no replica (or, without Redis, this process) has taken `key` yet."""
        seen_here = self.local.check_and_add(key)
        if self.redis is None or time.monotonic() < self._down_until:
            return not seen_here
        try:
            created = await self.redis.set(self.prefix + key, 1, ex=self.ttl, nx=True)
        except Exception as error:  # noqa: BLE001 - any Redis failure: never lose the message
            self._down_until = time.monotonic() + RETRY_AFTER
            logger.warning(
                f"Slack: Redis {self.where} unreachable for de-duplication "
                f"({type(error).__name__}: {error}); this process's own memory decides for "
                f"the next {RETRY_AFTER:.0f} s (a retry reaching another replica may be "
                "answered twice)."
            )
            return not seen_here
        if self._down_until:
            self._down_until = 0.0
            logger.info(f"Slack: Redis {self.where} is back for de-duplication.")
        return bool(created) and not seen_here


def from_lock_store(lock_store: Any) -> SlackDedupe:
    """De-duplication through the lock store's Redis (Rasa's `RedisLockStore`, e.g.
    stores.lock_store.AtomicRedisLockStore in deploy/endpoints.scale.yml: same host,
    port, password and db, keys under its prefix), or per process without one."""
    connection = redis_connection_settings(lock_store)
    if connection is None:
        return SlackDedupe()
    from redis.asyncio import Redis

    client = Redis(
        **connection,
        socket_timeout=REDIS_TIMEOUT,
        socket_connect_timeout=REDIS_TIMEOUT,
        retry_on_timeout=False,
    )
    lock_prefix = str(getattr(lock_store, "key_prefix", "") or "")
    # Rasa's lock keys are "<key_prefix>lock:<id>": ours "<key_prefix>slack:seen:<key>".
    prefix = (lock_prefix.removesuffix("lock:") or "advisor:") + KEY_SUFFIX
    where = f"{connection['host']}:{connection['port']} db {connection.get('db', 0)}"
    return SlackDedupe(client, prefix=prefix, where=where)


SSL_SETTINGS = ("ssl_keyfile", "ssl_certfile", "ssl_ca_certs", "ssl_cert_reqs")


def redis_connection_settings(lock_store: Any) -> dict[str, Any] | None:
    """Host, port, db, credentials and TLS of a Redis lock store's client, or None."""
    client = getattr(lock_store, "red", None)
    pool = getattr(client, "connection_pool", None)
    settings = getattr(pool, "connection_kwargs", None)
    if not isinstance(settings, dict) or not settings.get("host"):
        return None  # not a Redis lock store (in-memory), or a unix socket
    connection: dict[str, Any] = {
        name: settings[name]
        for name in ("host", "port", "db", "username", "password")
        if settings.get(name) is not None
    }
    if "ssl" in getattr(getattr(pool, "connection_class", None), "__name__", "").lower():
        connection["ssl"] = True
        connection.update({name: settings[name] for name in SSL_SETTINGS if name in settings})
    connection.setdefault("port", 6379)
    return connection
