"""stores/lock_store.py against a real redis-server (the Debian package, a private
instance on a loopback port, stopped by its PID): every Redis call is bounded
(connect and socket timeouts of 1 s, at most MAX_ATTEMPTS / CHANGE_DEADLINE for a
contended transaction), a Redis that is down or hung is a LockStoreUnavailable
within about a second and never blocks the event loop, the store works again
once Redis is back, and channels/resilience.deliver() turns it into the 503
"I can't reach my memory" reply."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError
from rasa.utils.endpoints import EndpointConfig

from channels.resilience import INTERNAL_ERROR, MEMORY_DOWN, deliver
from harness.servers import free_port
from stores.lock_store import (
    CHANGE_DEADLINE,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_SOCKET_TIMEOUT,
    MAX_ATTEMPTS,
    AtomicRedisLockStore,
    LockStoreUnavailable,
)

REDIS_SERVER = shutil.which("redis-server")


class RedisServer:
    """A private redis-server on 127.0.0.1, no persistence."""

    def __init__(self) -> None:
        assert REDIS_SERVER is not None
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="advisor-redis-"))
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--dir", str(self.dir)],
            stdin=subprocess.DEVNULL,
            stdout=(self.dir / "redis.log").open("a"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_timeout=1, socket_connect_timeout=1)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                return self
            except redis.RedisError:
                assert self.process.poll() is None, (self.dir / "redis.log").read_text()
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)  # in case a test froze it
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def signal(self, signum: int) -> None:
        assert self.process is not None
        self.process.send_signal(signum)


@pytest.fixture(scope="module")
def server() -> Iterator[RedisServer]:
    if REDIS_SERVER is None:
        if os.environ.get("CI"):
            pytest.fail(
                "redis-server is not installed: run `sudo bash scripts/install_services.sh`"
            )
        pytest.skip("redis-server is not installed (scripts/install_services.sh)")
    started = RedisServer().start()
    try:
        yield started
    finally:
        started.stop()
        shutil.rmtree(started.dir, ignore_errors=True)


@pytest.fixture
def store(server: RedisServer) -> AtomicRedisLockStore:
    return AtomicRedisLockStore(
        endpoint_config=EndpointConfig(url="127.0.0.1", port=server.port, db=1, key_prefix="test")
    )


def conversation() -> str:
    return f"conv-{time.monotonic_ns()}"


# --- normal operation ------------------------------------------------------------------


def test_defaults_are_one_second_timeouts(store: AtomicRedisLockStore) -> None:
    settings = store.red.connection_pool.connection_kwargs
    assert settings["socket_timeout"] == DEFAULT_SOCKET_TIMEOUT == 1.0
    assert settings["socket_connect_timeout"] == DEFAULT_CONNECT_TIMEOUT == 1.0
    custom = AtomicRedisLockStore(host="127.0.0.1", socket_timeout=2, socket_connect_timeout=3)
    custom_settings = custom.red.connection_pool.connection_kwargs
    assert (custom_settings["socket_timeout"], custom_settings["socket_connect_timeout"]) == (2, 3)


def test_the_lock_serves_tickets_in_order_and_cleans_up(store: AtomicRedisLockStore) -> None:
    conv = conversation()
    order: list[str] = []

    async def message(name: str, delay: float) -> None:
        await asyncio.sleep(delay)
        async with store.lock(conv, wait_time_in_seconds=0.01):
            order.append(f"{name} in")
            await asyncio.sleep(0.05)
            order.append(f"{name} out")

    async def both() -> None:
        await asyncio.gather(message("first", 0), message("second", 0.01))

    asyncio.run(both())
    assert order == ["first in", "first out", "second in", "second out"]
    assert store.get_lock(conv) is None
    assert store.red.exists(store.key_prefix + conv) == 0


# --- bounded retries -------------------------------------------------------------------


def _always_conflicting(store: AtomicRedisLockStore, conv: str, calls: list[float]) -> Any:
    """A change during which another client writes the key every time."""
    other = redis.Redis(**store.red.connection_pool.connection_kwargs)

    def change(lock: TicketLock | None) -> tuple[TicketLock, None]:
        calls.append(time.monotonic())
        other.set(store.key_prefix + conv, TicketLock(conv).dumps())
        return lock or TicketLock(conv), None

    return change


def test_a_contended_change_gives_up_after_max_attempts(store: AtomicRedisLockStore) -> None:
    conv = conversation()
    calls: list[float] = []
    store.max_attempts = 7
    with pytest.raises(LockStoreUnavailable, match="7 times"):
        store._change(conv, _always_conflicting(store, conv, calls))
    assert len(calls) == 7


def test_a_contended_change_gives_up_after_its_deadline(store: AtomicRedisLockStore) -> None:
    conv = conversation()
    calls: list[float] = []
    store.max_attempts = 1_000_000
    store.change_deadline = 0.3
    started = time.monotonic()
    with pytest.raises(LockStoreUnavailable):
        store._change(conv, _always_conflicting(store, conv, calls))
    assert 0.3 <= time.monotonic() - started < 1.0
    assert 1 < len(calls) < 1_000_000


def test_the_shipped_bounds() -> None:
    assert 1 < MAX_ATTEMPTS <= 100 and 0 < CHANGE_DEADLINE <= 5


def test_a_conflict_then_success_is_retried(store: AtomicRedisLockStore) -> None:
    conv = conversation()
    other = redis.Redis(**store.red.connection_pool.connection_kwargs)
    attempts: list[int] = []

    def change(lock: TicketLock | None) -> tuple[TicketLock, int]:
        attempts.append(1)
        if len(attempts) < 3:  # another replica gets in twice
            other.set(store.key_prefix + conv, TicketLock(conv).dumps())
        lock = lock or TicketLock(conv)
        return lock, lock.issue_ticket(10)

    assert store._change(conv, change) == 0
    assert len(attempts) == 3


# --- Redis down, hung, unreachable -------------------------------------------------------


def test_redis_hung_fails_within_the_socket_timeout_and_recovers(
    server: RedisServer, store: AtomicRedisLockStore
) -> None:
    conv = conversation()
    store.get_lock(conv)  # a pooled connection exists
    server.signal(signal.SIGSTOP)
    try:
        for call in (lambda: store.issue_ticket(conv), lambda: store.get_lock(conv)):
            started = time.monotonic()
            with pytest.raises(LockStoreUnavailable) as raised:
                call()
            assert time.monotonic() - started < DEFAULT_SOCKET_TIMEOUT + 0.8
            assert isinstance(raised.value, LockError)  # what Rasa expects of a lock store
            assert isinstance(raised.value.__cause__, redis.RedisError)
    finally:
        server.signal(signal.SIGCONT)
    ticket = store.issue_ticket(conv)
    store.cleanup(conv, ticket)
    assert store.get_lock(conv) is None


def test_redis_stopped_fails_at_once_and_the_store_recovers_when_it_is_back(
    server: RedisServer, store: AtomicRedisLockStore
) -> None:
    conv = conversation()
    store.get_lock(conv)
    server.stop()
    try:
        started = time.monotonic()
        with pytest.raises(LockStoreUnavailable):
            store.issue_ticket(conv)
        with pytest.raises(LockStoreUnavailable):
            store.cleanup(conv, 0)
        assert time.monotonic() - started < 1.0
    finally:
        server.start()
    # the same store (its pool held connections to the old process) works again
    ticket = store.issue_ticket(conv)
    assert ticket == 0
    store.cleanup(conv, ticket)


def test_an_unanswered_connect_fails_within_the_connect_timeout() -> None:
    """A Redis address that never completes the TCP handshake (a listener whose
    backlog is full drops new SYNs): the connect timeout, not the OS's minutes."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    try:
        for _ in range(3):
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(("127.0.0.1", port))
            fillers.append(filler)
        time.sleep(0.2)
        store = AtomicRedisLockStore(host="127.0.0.1", port=port)
        started = time.monotonic()
        with pytest.raises(LockStoreUnavailable, match="(?i)timeout"):
            store.issue_ticket("anyone")
        assert time.monotonic() - started < DEFAULT_CONNECT_TIMEOUT + 0.8
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


def test_a_hung_redis_never_blocks_the_event_loop(
    server: RedisServer, store: AtomicRedisLockStore
) -> None:
    """While messages wait for a hung Redis, the replica's other work goes on:
    the longest pause of a 10 ms ticker stays far below the socket timeout."""
    conv = conversation()
    store.get_lock(conv)

    async def run() -> tuple[float, list[BaseException | None]]:
        longest = 0.0
        done = asyncio.Event()

        async def ticker() -> None:
            nonlocal longest
            last = time.monotonic()
            while not done.is_set():
                await asyncio.sleep(0.01)
                now = time.monotonic()
                longest = max(longest, now - last)
                last = now

        async def message(index: int) -> BaseException | None:
            try:
                async with store.lock(f"{conv}-{index}"):
                    return None
            except LockStoreUnavailable as error:
                return error

        tick = asyncio.create_task(ticker())
        results = await asyncio.gather(*(message(i) for i in range(5)))
        done.set()
        await tick
        return longest, list(results)

    server.signal(signal.SIGSTOP)
    try:
        longest, results = asyncio.run(run())
    finally:
        server.signal(signal.SIGCONT)
    assert all(isinstance(result, LockStoreUnavailable) for result in results)
    assert longest < 0.3, f"the event loop was blocked for {longest:.2f} s"


def test_a_failed_release_after_the_message_is_logged_not_raised(
    server: RedisServer, store: AtomicRedisLockStore, caplog: pytest.LogCaptureFixture
) -> None:
    """The message was processed (its reply is ready): Redis failing when its
    ticket is released must not turn the reply into an error."""
    conv = conversation()

    async def run() -> str:
        async with store.lock(conv):
            server.signal(signal.SIGSTOP)
            return "processed"

    try:
        assert asyncio.run(run()) == "processed"
    finally:
        server.signal(signal.SIGCONT)
    assert "Could not release ticket 0" in caplog.text


# --- what the user gets -------------------------------------------------------------------


def _deliver(error: BaseException) -> tuple[Any, list[dict[str, Any]]]:
    async def failing(_: UserMessage) -> None:
        raise error

    channel = CollectingOutputChannel()
    failure = asyncio.run(deliver(failing, UserMessage("hi", channel, "redis-user")))
    return failure, channel.messages


@pytest.mark.parametrize(
    "error",
    [
        LockStoreUnavailable("lock store issue_ticket failed"),
        redis.ConnectionError("Error 111 connecting to 127.0.0.1:6380. Connection refused."),
        redis.TimeoutError("Timeout reading from socket"),
    ],
    ids=["lock store", "Rasa's redis store, refused", "Rasa's redis store, timeout"],
)
def test_redis_failures_get_the_memory_reply_and_503(error: BaseException) -> None:
    if isinstance(error, LockStoreUnavailable):
        error.__cause__ = redis.ConnectionError("refused")
    failure, told = _deliver(error)
    assert (failure.status, failure.text) == (503, MEMORY_DOWN)
    assert [message["text"] for message in told] == [MEMORY_DOWN]


def test_a_lock_error_without_redis_stays_an_internal_error() -> None:
    failure, _ = _deliver(LockError("Could not acquire lock for conversation_id 'x'."))
    assert (failure.status, failure.text) == (500, INTERNAL_ERROR)
