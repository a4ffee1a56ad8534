"""Rasa's Redis lock store, with every change of a lock made atomically, and
bounded when Redis is slow, gone or contended.

Why: Rasa Open Source's ``RedisLockStore`` changes a conversation's ticket lock
with a plain GET followed by a SET. Two replicas that receive messages of the
same conversation within a few milliseconds can both read "no lock", both write
a lock whose only ticket is 0, and both process their message at the same time,
from the same state (RasaHQ/rasa#9213). Rasa's fix, ``ConcurrentRedisLockStore``,
was reverted from Rasa Open Source (RasaHQ/rasa#11428). Our scale-out test shows
it: two answers sent at the same moment to two replicas were both processed as
answers to the same question in 3 of 10 conversations.

What: this subclass keeps the same keys, the same JSON and the same behaviour,
but every read-modify-write of a lock (issuing a ticket, removing expired
tickets, finishing a ticket and deleting the lock when nobody waits) runs in a
Redis transaction: WATCH the key, read, change, MULTI/SET/EXEC, and start over
if another replica changed the key in between. Each key also gets a Redis
expiry shortly after its last ticket expires, so a lock left by a replica that
died does not stay in Redis forever.

When Redis fails (deploy/README.md, "When Redis fails"):

* every Redis call is bounded: ``socket_connect_timeout`` and ``socket_timeout``
  (default 1 s each; Rasa's store has no connect timeout and a 10 s socket
  timeout), and a transaction is retried at most ``MAX_ATTEMPTS`` times and for
  at most ``CHANGE_DEADLINE`` seconds, never forever;
* the client is synchronous, so the lock's Redis calls run in a small thread pool
  (``lock()``), never on the replica's event loop: a hung Redis holds only the
  message that waits for it, not every conversation of the replica;
* any failure is a ``LockStoreUnavailable`` (a ``LockError`` caused by a Redis
  error), which the channels answer with 503 and "I can't reach my memory"
  (channels/resilience.py), before anything of the message is processed or
  stored. A failure to release the ticket *after* the message was processed is
  logged, not raised: the user gets the reply, and the ticket expires by itself.

Use it like ``type: redis``, with the same settings (deploy/endpoints.scale.yml)::

    lock_store:
      type: stores.lock_store.AtomicRedisLockStore
      url: ...
      socket_timeout: 1
      socket_connect_timeout: 1
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import random
import time
from collections.abc import AsyncGenerator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

T = TypeVar("T")
# A lock key outlives its last ticket by this long (then Redis deletes it).
KEY_GRACE_SECONDS = 60
# Seconds to open a connection to Redis / to wait for one answer.
DEFAULT_CONNECT_TIMEOUT = 1.0
DEFAULT_SOCKET_TIMEOUT = 1.0
# A transaction that keeps losing to other replicas' changes of the same lock
# gives up after this many attempts or this many seconds, whichever comes first.
MAX_ATTEMPTS = 50
CHANGE_DEADLINE = 2.0
# Threads for the lock's Redis calls, per process (each call takes a millisecond;
# when Redis hangs, at most this many messages wait for it at the same time).
REDIS_THREADS = 8


class LockStoreUnavailable(LockError):
    """Redis could not be reached, did not answer in time, or a lock could not be
    changed within the retry bound; nothing was changed for this message."""


def _unavailable(method: Callable[..., T]) -> Callable[..., T]:
    """Turn Redis errors of a lock-store method into LockStoreUnavailable."""

    @functools.wraps(method)
    def wrapper(self: AtomicRedisLockStore, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except LockStoreUnavailable:
            raise
        except redis.RedisError as error:
            raise LockStoreUnavailable(
                f"lock store {method.__name__} failed: {type(error).__name__}: {error}"
            ) from error

    return wrapper


class AtomicRedisLockStore(RedisLockStore):
    """``RedisLockStore`` whose lock updates are atomic across processes and whose
    Redis calls are bounded in time and retries."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        # Rasa creates custom lock stores as `cls(endpoint_config=...)`.
        if endpoint_config is not None:
            kwargs = {
                "host": endpoint_config.url or "localhost",
                **endpoint_config.kwargs,
                **kwargs,
            }
        connect_timeout = float(kwargs.pop("socket_connect_timeout", DEFAULT_CONNECT_TIMEOUT))
        kwargs["socket_timeout"] = float(kwargs.get("socket_timeout", DEFAULT_SOCKET_TIMEOUT))
        super().__init__(**kwargs)
        # Rasa's store does not pass a connect timeout (a dead host would hold a
        # message for the OS's ~2 min); no connection has been made yet.
        self.red.connection_pool.connection_kwargs["socket_connect_timeout"] = connect_timeout
        self.max_attempts = MAX_ATTEMPTS
        self.change_deadline = CHANGE_DEADLINE
        self._threads: ThreadPoolExecutor | None = None

    # --- atomic changes, bounded ---------------------------------------------------

    def _change(
        self,
        conversation_id: str,
        change: Callable[[TicketLock | None], tuple[TicketLock | None, T]],
    ) -> T:
        """Apply `change` to the stored lock atomically and return its result.

        `change` gets the current lock (None if there is none) and returns the
        lock to store (None deletes it) and a result. It may run several times
        if other processes change the same lock meanwhile, but at most
        `max_attempts` times and not after `change_deadline` seconds: then
        LockStoreUnavailable. A Redis error is LockStoreUnavailable at once.
        """
        key = self.key_prefix + conversation_id
        deadline = time.monotonic() + self.change_deadline
        attempts = 0
        try:
            with self.red.pipeline() as pipe:
                while True:
                    attempts += 1
                    try:
                        pipe.watch(key)
                        raw = pipe.get(key)
                        lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                        new_lock, result = change(lock)
                        pipe.multi()
                        if new_lock is None:
                            pipe.delete(key)
                        else:
                            pipe.set(key, new_lock.dumps(), px=_expiry_ms(new_lock))
                        pipe.execute()
                        return result
                    except redis.WatchError as error:
                        # redis-py also raises WatchError when the connection died
                        # while watching: that is Redis failing, not a conflict.
                        if isinstance(
                            error.__context__, redis.ConnectionError | redis.TimeoutError
                        ):
                            raise error.__context__ from error
                        if attempts >= self.max_attempts or time.monotonic() >= deadline:
                            raise LockStoreUnavailable(
                                f"the lock of {conversation_id!r} changed under us "
                                f"{attempts} times in a row; gave up"
                            ) from error
                        # another replica changed this lock first: redo, after a
                        # short random pause so the replicas do not collide again
                        time.sleep(random.uniform(0, min(0.01, 0.001 * attempts)))
        except LockStoreUnavailable:
            raise
        except redis.RedisError as error:
            raise LockStoreUnavailable(
                f"lock store failed for {conversation_id!r}: {type(error).__name__}: {error}"
            ) from error

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except LockStoreUnavailable:
            raise
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def prune(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, prune)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def finish(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Finish the ticket and, in the same step, delete the lock if no other
        ticket waits (separately, a ticket issued in between could be deleted)."""

        def finish(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change(conversation_id, finish)

    # Rasa's plain reads and writes, with the same error.
    get_lock = _unavailable(RedisLockStore.get_lock)
    delete_lock = _unavailable(RedisLockStore.delete_lock)
    save_lock = _unavailable(RedisLockStore.save_lock)

    # --- the lock, off the event loop --------------------------------------------

    async def _call(self, function: Callable[..., T], *args: Any) -> T:
        """Run a blocking lock-store call in this store's threads."""
        if self._threads is None:
            self._threads = ThreadPoolExecutor(REDIS_THREADS, thread_name_prefix="redis-lock")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._threads, functools.partial(function, *args))

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        """Rasa's `LockStore.lock`, with every Redis call in a thread."""
        issuing = asyncio.ensure_future(
            self._call(self.issue_ticket, conversation_id, lock_lifetime)
        )
        try:
            # shielded: if this message is cancelled while its ticket is being
            # issued, the ticket is still released once it exists
            ticket = await asyncio.shield(issuing)
        except asyncio.CancelledError:
            issuing.add_done_callback(functools.partial(self._release_issued, conversation_id))
            raise
        try:
            yield await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
        finally:
            try:
                await self._call(self.cleanup, conversation_id, ticket)
            except LockStoreUnavailable as error:
                # The message is done (or failed for another reason): do not turn
                # its reply into an error. The ticket expires by itself (or Redis,
                # restarted without persistence, has forgotten it already).
                logger.warning(
                    f"Could not release ticket {ticket} of conversation "
                    f"{conversation_id!r} ({error}); it expires after its lifetime."
                )

    def _release_issued(self, conversation_id: str, issuing: asyncio.Future[int]) -> None:
        if issuing.cancelled() or issuing.exception() is not None:
            return
        ticket = issuing.result()
        assert self._threads is not None
        self._threads.submit(self._cleanup_quietly, conversation_id, ticket)

    def _cleanup_quietly(self, conversation_id: str, ticket: int) -> None:
        try:
            self.cleanup(conversation_id, ticket)
        except LockError as error:
            logger.warning(f"Could not release ticket {ticket} of {conversation_id!r}: {error}")

    async def _acquire_lock(
        self, conversation_id: str, ticket: int, wait_time_in_seconds: float
    ) -> TicketLock:
        """Rasa's loop: wait until `ticket` is served, checking every
        `wait_time_in_seconds`; LockError if the lock disappeared (expired)."""
        while True:
            lock = await self._call(self.get_lock, conversation_id)
            if not lock:
                break
            if not lock.is_locked(ticket):
                return lock
            await asyncio.sleep(wait_time_in_seconds)
            await self._call(self.update_lock, conversation_id)
        raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")


def _expiry_ms(lock: TicketLock) -> int:
    last_expiry = max((ticket.expires for ticket in lock.tickets), default=time.time())
    return max(1000, int((last_expiry - time.time() + KEY_GRACE_SECONDS) * 1000))
