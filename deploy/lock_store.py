"""Rasa's Redis lock store, with every change of a lock made atomically.

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

Use it like ``type: redis``, with the same settings (deploy/endpoints.scale.yml)::

    lock_store:
      type: deploy.lock_store.AtomicRedisLockStore
      url: ...
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")
# A lock key outlives its last ticket by this long (then Redis deletes it).
KEY_GRACE_SECONDS = 60


class AtomicRedisLockStore(RedisLockStore):
    """``RedisLockStore`` whose lock updates are atomic across processes."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        # Rasa creates custom lock stores as `cls(endpoint_config=...)`.
        if endpoint_config is not None:
            kwargs = {
                "host": endpoint_config.url or "localhost",
                **endpoint_config.kwargs,
                **kwargs,
            }
        super().__init__(**kwargs)

    def _change(
        self,
        conversation_id: str,
        change: Callable[[TicketLock | None], tuple[TicketLock | None, T]],
    ) -> T:
        """Apply `change` to the stored lock atomically and return its result.

        `change` gets the current lock (None if there is none) and returns the
        lock to store (None deletes it) and a result. It may run several times
        if other processes change the same lock meanwhile.
        """
        import redis

        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
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
                except redis.WatchError:
                    continue  # another replica changed this lock first: redo

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
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


def _expiry_ms(lock: TicketLock) -> int:
    last_expiry = max((ticket.expires for ticket in lock.tickets), default=time.time())
    return max(1000, int((last_expiry - time.time() + KEY_GRACE_SECONDS) * 1000))
