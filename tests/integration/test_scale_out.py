"""Scale-out mode against real servers, all on loopback, started by the
documented command (scripts/scale_up.sh): PostgreSQL tracker store, Redis lock
store, 2 Rasa replicas, an action server with 2 Sanic workers, nginx in front.

- 50 concurrent complete assessments whose messages alternate between the two
  replicas (two of them sent at the same instant to both): every conversation
  gets exactly its own replies in order and its own correct recommendation,
  and PostgreSQL holds every turn, complete and never interleaved.
- Two answers of one conversation sent at the same instant to both idle
  replicas are processed one after the other, and the lock store admits one
  process at a time (what Rasa's stock RedisLockStore does not guarantee).
- The widget's socket.io through nginx (polling, then the websocket upgrade).
- nginx serves only the public paths (Rasa's HTTP API is 404 and never reaches
  a replica), and refuses a client address over its request rate or its open
  connections with 429 (raw requests from other loopback addresses: the test
  stack exempts 127.0.0.1, the load tests' address, from the limits).
- Redis hung (SIGSTOP) and then stopped: every message gets the 503 "I can't
  reach my memory" reply within seconds, from both replicas and through nginx,
  nothing of it is stored, and once Redis is started again the conversation
  continues to its recommendation.
- 50 more through nginx (round-robin), and one replica is killed with SIGKILL
  in the middle: no conversation is lost or corrupted, the other replica
  serves them all.

PostgreSQL, Redis and nginx are installed when missing (as root); otherwise the
tests are skipped with the reason, except in CI (CI set), where they fail.
The stack is torn down (scripts/scale_down.sh --purge) after the last test.
"""

import asyncio
import multiprocessing
import os
import signal
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from advisor.answers import SLOT_ORDER
from advisor.questions import QUESTIONS
from channels.resilience import MEMORY_DOWN
from harness.scale_stack import (
    Assessment,
    Progress,
    Reply,
    ScaleStack,
    Unanswered,
    check_reply,
    check_stored,
    make_assessments,
    post,
    raw_request,
    services_missing,
    texts,
    user_turns,
)

CONVERSATIONS = 50
IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")
# Messages 3 and 4 (complexity and qualifications) go out together.
BURST = 3
KILL_AFTER = 0.3  # share of all messages answered before a replica is killed


@pytest.fixture(scope="session")
def stack() -> Iterator[ScaleStack]:
    missing = services_missing()
    if missing:
        if IN_CI:
            pytest.fail(f"CI must run the scale-out tests: {missing}")
        pytest.skip(missing)
    stack = ScaleStack.start(replicas=2)
    print(f"\nscale-out stack up in {stack.startup_seconds:.0f} s ({stack.directory})")
    try:
        yield stack
    finally:
        stack.stop()


def run_all(assessments: list[Assessment], converse) -> list[Any]:
    with ThreadPoolExecutor(max_workers=len(assessments)) as pool:
        return list(pool.map(converse, assessments))  # re-raises the first failure


# --- alternating replicas ---------------------------------------------------------------


def send_burst(
    assessment: Assessment, urls: tuple[str, str], first: int
) -> list[tuple[str, list[Reply]]]:
    """Send messages `first` and `first + 1` (answers to two questions in a
    row) at the same instant to different replicas. The lock makes Rasa take
    them one after the other, in either order; return them in the order they
    were processed, after checking the replies fit that order."""
    steps = (first, first + 1)
    messages = assessment.messages
    results: dict[int, Any] = {}
    together = threading.Barrier(len(steps))

    def send(step: int) -> None:
        try:
            together.wait(timeout=30)
            results[step] = post(urls[step % 2], assessment.sender, messages[step], timeout=120)
        except Exception as error:  # noqa: BLE001 - re-raised below, in the conversation's thread
            results[step] = error

    threads = [threading.Thread(target=send, args=(step,)) for step in steps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for step in steps:
        if isinstance(results[step], Exception):
            raise results[step]
    # The questions: the one both answer, the next, and the one after both.
    now, then, after = (
        QUESTIONS[SLOT_ORDER[step].value].text for step in (first - 1, first, first + 1)
    )
    a, b = texts(results[first]), texts(results[first + 1])
    where = f"{assessment.sender}, together: {messages[first]!r} + {messages[first + 1]!r}"
    if a == [then]:  # in order: the next question, then the one after
        assert b == [after], f"{where}: {a} then {b}"
        return [(messages[first], results[first]), (messages[first + 1], results[first + 1])]
    # the later answer first: kept and said so ("Got it: ..."), its question asked again
    said, asked = b[:-1], b[-1]
    assert asked.endswith(now) and all(t.startswith("Got it") for t in said), f"{where}: {a}, {b}"
    assert a == [after], f"{where}: {b} then {a}"
    return [(messages[first + 1], results[first + 1]), (messages[first], results[first])]


def test_50_assessments_alternating_between_two_replicas(stack: ScaleStack) -> None:
    assessments = make_assessments(CONVERSATIONS, seed=1, label="alt")
    urls = tuple(stack.replica_urls)
    assert len(urls) == 2

    def converse(assessment: Assessment) -> list[tuple[str, list[Reply]]]:
        sent: list[tuple[str, list[Reply]]] = []
        messages = assessment.messages
        step = 0
        while step < len(messages):
            if step == BURST:
                sent += send_burst(assessment, urls, BURST)
                step += 2
                continue
            replies = post(urls[step % 2], assessment.sender, messages[step], timeout=120)
            check_reply(assessment, step, replies)
            sent.append((messages[step], replies))
            step += 1
        return sent

    started = time.monotonic()
    transcripts = run_all(assessments, converse)
    print(
        f"\n{CONVERSATIONS} assessments alternating between replicas: "
        f"{time.monotonic() - started:.0f} s"
    )
    stored = stack.events([a.sender for a in assessments])
    for assessment, sent in zip(assessments, transcripts, strict=True):
        check_stored(assessment, stored[assessment.sender], sent)


def test_simultaneous_messages_to_two_replicas_are_processed_one_at_a_time(
    stack: ScaleStack,
) -> None:
    """On idle replicas, two answers of one conversation sent at the same
    instant to different replicas really overlap: without a shared lock both
    are processed from the same state (every time), with Rasa's stock
    RedisLockStore still in about 3 of 10 conversations. The lock store must
    make one wait for the other, in every conversation."""
    urls = tuple(stack.replica_urls)
    for assessment in make_assessments(10, seed=3, label="pair"):  # one at a time
        replies = post(urls[0], assessment.sender, assessment.messages[0], timeout=60)
        check_reply(assessment, 0, replies)
        sent = [(assessment.messages[0], replies)] + send_burst(assessment, urls, 1)
        check_stored(assessment, stack.events([assessment.sender])[assessment.sender], sent)


def test_lock_store_admits_one_process_at_a_time(stack: ScaleStack) -> None:
    """The lock store itself, from 4 processes at once against the stack's
    Redis: inside the lock each increments a counter with a slow read-then-write,
    so any overlap loses an increment."""
    context = multiprocessing.get_context("fork")
    start = context.Barrier(LOCK_PROCESSES)
    conversation = f"lock-test-{uuid.uuid4().hex[:8]}"
    processes = [
        context.Process(target=_increment_under_lock, args=(stack.settings, conversation, start))
        for _ in range(LOCK_PROCESSES)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [process.exitcode for process in processes] == [0] * LOCK_PROCESSES
    store = _lock_store(stack.settings)
    counted = int(store.red.get(f"test:{conversation}:counter") or 0)
    assert counted == LOCK_PROCESSES * LOCK_ROUNDS, (
        f"{LOCK_PROCESSES * LOCK_ROUNDS - counted} of {LOCK_PROCESSES * LOCK_ROUNDS} "
        "increments lost: two processes held the lock at once"
    )
    assert store.get_lock(conversation) is None, "the lock was not cleaned up"


LOCK_PROCESSES = 4
LOCK_ROUNDS = 25


def _lock_store(settings: dict[str, str]):
    from stores.lock_store import AtomicRedisLockStore

    return AtomicRedisLockStore(
        host="127.0.0.1",
        port=int(settings["REDIS_PORT"]),
        password=settings["REDIS_PASSWORD"],
        db=1,
        key_prefix="advisor",
    )


def _increment_under_lock(settings: dict[str, str], conversation: str, start: Any) -> None:
    store = _lock_store(settings)
    counter = f"test:{conversation}:counter"

    async def rounds() -> None:
        for _ in range(LOCK_ROUNDS):
            async with store.lock(conversation, wait_time_in_seconds=0.005):
                value = int(store.red.get(counter) or 0)
                await asyncio.sleep(0.002)
                store.red.set(counter, value + 1)

    start.wait(timeout=60)
    asyncio.run(rounds())


# --- the widget's socket.io through nginx ---------------------------------------------


def test_socketio_through_nginx(stack: ScaleStack) -> None:
    import socketio

    requested = f"scale-socketio-{uuid.uuid4().hex[:8]}"
    session: dict[str, str] = {}

    async def chat() -> list[dict[str, Any]]:
        client = socketio.AsyncClient(reconnection=False)
        replies: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        confirmed = asyncio.Event()

        def confirm(token: Any = None, *_: Any) -> None:
            # the server issues the session (a signed token), whatever was asked
            session["token"] = token if isinstance(token, str) else requested
            confirmed.set()

        client.on("bot_uttered", replies.put)
        client.on("session_confirm", confirm)
        await client.connect(
            stack.url,
            socketio_path="/socket.io",
            transports=["polling", "websocket"],
            wait_timeout=20,
        )
        try:
            await client.emit("session_request", {"session_id": requested})
            await asyncio.wait_for(confirmed.wait(), 20)
            await client.emit(
                "user_uttered", {"message": "/start_assessment", "session_id": session["token"]}
            )
            return [await asyncio.wait_for(replies.get(), 60) for _ in range(2)]
        finally:
            await client.disconnect()

    got = asyncio.run(chat())
    assert [reply.get("text") for reply in got][-1] == QUESTIONS["process"].text
    # the conversation id: "socketio:<uuid>" for a signed "<uuid>.<mac>" token
    token = session["token"]
    sender = f"socketio:{token.split('.')[0]}" if "." in token else token
    turns = user_turns(stack.events([sender])[sender])
    assert [text for text, _, _ in turns] == ["/start_assessment"]
    socketio_lines = [e for e in stack.access_log() if e["uri"].startswith("/socket.io/")]
    assert any(e["status"] == "101" for e in socketio_lines), "no websocket upgrade through nginx"
    assert len({e["upstreams"][-1] for e in socketio_lines if e["upstreams"]}) == 1, (
        "one client's socket.io requests reached different replicas"
    )


# --- nginx: public paths and per-client limits -----------------------------------------

NOT_PUBLIC = [
    ("GET", "/"),
    ("GET", "/status"),
    ("GET", "/version"),
    ("GET", "/domain"),
    ("PUT", "/model"),
    ("POST", "/model/train"),
    ("GET", "/conversations/someone/tracker"),
    ("POST", "/conversations/someone/messages"),
    ("POST", "/webhooks/callback/webhook"),
    ("GET", "/chat/../status"),
    ("GET", "/chat/%2e%2e/version"),
    ("GET", "/report/../conversations/someone/tracker"),
    ("GET", "/socket.io/../status"),
    # into a public prefix: nginx would match the normalised path and pass the raw one
    ("GET", "/conversations/../chat/tracker"),
    ("GET", "/status/%2e%2e/chat/"),
    ("GET", "/conversations/someone/%2E%2E/%2E%2E/report/x"),
]


def test_nginx_serves_only_the_public_paths(stack: ScaleStack) -> None:
    port = int(stack.settings["SCALE_HTTP_PORT"])
    assert stack.settings["SCALE_EXPOSE_REST"] == "1"  # the load tests talk REST
    log_start = len(stack.access_log())
    for method, path in NOT_PUBLIC:
        body = b"{}" if method in ("POST", "PUT") else None
        got = raw_request(port, method, path, body=body)
        assert got.status == 404, (method, path, got.status)
    assert raw_request(port, "GET", "/chat/").status == 200
    assert raw_request(port, "GET", "/webhooks/rest/").status == 200
    refused = [e for e in stack.access_log()[log_start:] if e["status"] == "404"]
    assert len(refused) == len(NOT_PUBLIC)
    assert all(not e["upstreams"] for e in refused), f"reached a replica: {refused}"


def test_nginx_logs_no_report_token_in_a_private_folder(stack: ScaleStack) -> None:
    port = int(stack.settings["SCALE_HTTP_PORT"])
    token = "NotARealTokenButLongEnough0123456789abcdefghij"
    assert raw_request(port, "GET", f"/report/{token}").status == 404  # from a replica
    log_dir = stack.directory / "nginx" / "log"
    assert any(e["uri"] == "/report/<token>" and e["upstreams"] for e in stack.access_log())
    for name in ("access.log", "error.log"):
        assert token not in (log_dir / name).read_text()
        assert (log_dir / name).stat().st_mode & 0o777 == 0o600
    assert log_dir.stat().st_mode & 0o777 == 0o700


def test_nginx_refuses_a_flood_from_one_address_with_429(stack: ScaleStack) -> None:
    port = int(stack.settings["SCALE_HTTP_PORT"])
    rate, burst = int(stack.settings["SCALE_LIMIT_RATE"]), int(stack.settings["SCALE_LIMIT_BURST"])
    log_start = len(stack.access_log())
    started = time.monotonic()
    statuses = [
        raw_request(port, "GET", "/chat/", source="127.0.0.2").status for _ in range(3 * burst)
    ]
    seconds = time.monotonic() - started
    passed = statuses.count(200)
    assert burst <= passed <= burst + 2 + int(rate * seconds), (passed, seconds)
    assert set(statuses) == {200, 429}
    # a message from that address is refused too, before any replica sees it
    sender = f"scale-flood-{uuid.uuid4().hex[:8]}"
    refused = raw_request(
        port,
        "POST",
        "/webhooks/rest/webhook",
        source="127.0.0.2",
        body=f'{{"sender": "{sender}", "message": "what is kpo?"}}'.encode(),
        headers={"Content-Type": "application/json"},
    )
    assert refused.status == 429 and refused.json()["error"] == "too_many_requests"
    assert refused.headers.get("retry-after") == "1"
    assert stack.events([sender])[sender] == []
    # other addresses are not affected
    assert raw_request(port, "GET", "/chat/", source="127.0.0.3").status == 200
    limited = [e for e in stack.access_log()[log_start:] if e["status"] == "429"]
    assert len(limited) == statuses.count(429) + 1
    assert all(not e["upstreams"] for e in limited), "a refused request reached a replica"


def test_nginx_refuses_too_many_open_connections_from_one_address(stack: ScaleStack) -> None:
    """SCALE_LIMIT_CONN requests held open from one address (their bodies still
    coming, as a slow client would); one more is refused with 429."""
    port = int(stack.settings["SCALE_HTTP_PORT"])
    limit = int(stack.settings["SCALE_LIMIT_CONN"])
    held: list[socket.socket] = []
    try:
        for _ in range(limit):
            connection = socket.create_connection(("127.0.0.1", port), 10, ("127.0.0.4", 0))
            connection.sendall(
                b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
            )
            held.append(connection)
        time.sleep(0.5)  # nginx has read every header
        over = raw_request(port, "GET", "/chat/", source="127.0.0.4")
        assert over.status == 429 and over.json()["error"] == "too_many_requests"
        assert raw_request(port, "GET", "/chat/", source="127.0.0.5").status == 200
    finally:
        for connection in held:
            connection.close()
    deadline = time.monotonic() + 5
    while raw_request(port, "GET", "/chat/", source="127.0.0.4").status != 200:
        assert time.monotonic() < deadline, "the address stayed refused after closing"
        time.sleep(0.2)


# --- Redis fails -------------------------------------------------------------------------


def memory_reply(url: str, sender: str, message: str) -> float:
    """Send `message`; it must get the 503 "memory" reply. Returns the seconds taken."""
    started = time.monotonic()
    response = requests.post(
        f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=60
    )
    seconds = time.monotonic() - started
    assert response.status_code == 503, (url, response.status_code, response.text)
    assert [reply.get("text") for reply in response.json()] == [MEMORY_DOWN], response.text
    return seconds


def test_redis_down_gets_the_memory_reply_and_the_conversation_continues(
    stack: ScaleStack,
) -> None:
    (assessment,) = make_assessments(1, seed=4, label="redis")
    messages = assessment.messages
    urls = [*stack.replica_urls, stack.url]  # each replica, and through nginx
    replies = post(stack.url, assessment.sender, messages[0], timeout=60)
    check_reply(assessment, 0, replies)
    sent = [(messages[0], replies)]

    stack.signal("redis", signal.SIGSTOP)  # hung: connections open, no answers
    try:
        hung = [memory_reply(url, assessment.sender, messages[1]) for url in urls]
    finally:
        stack.signal("redis", signal.SIGCONT)
    stack.kill("redis")  # gone: connections refused
    try:
        down = [memory_reply(url, assessment.sender, messages[1]) for url in urls]
    finally:
        stack.start_redis()
    print(
        f"\nRedis hung: 503 in {', '.join(f'{s:.1f}' for s in hung)} s; "
        f"stopped: {', '.join(f'{s:.2f}' for s in down)} s"
    )
    assert max(hung) < 5 and max(down) < 3

    # Redis is back (empty: locks only, no persistence): the conversation goes on
    for step in range(1, len(messages)):
        replies = post(stack.url, assessment.sender, messages[step], timeout=60)
        check_reply(assessment, step, replies)
        sent.append((messages[step], replies))
    check_stored(assessment, stack.events([assessment.sender])[assessment.sender], sent)
    logs = "".join(
        (stack.directory / "log" / f"rasa-{i}.log").read_text(errors="replace") for i in (1, 2)
    )
    assert "Lock store unavailable" in logs


# --- round-robin through nginx, one replica killed ------------------------------------


def recover(stack: ScaleStack, assessment: Assessment, step: int) -> list[Reply] | None:
    """After the replica holding message `step` died: its replies if it was
    stored (the replica finished it), None if it was not (send it again)."""
    turns = user_turns(stack.events([assessment.sender])[assessment.sender])
    message = assessment.messages[step]
    if len(turns) == step:
        return None
    assert len(turns) == step + 1 and turns[-1][0] == message and turns[-1][2], (
        f"{assessment.sender}: after a lost reply to {message!r} the store holds {turns}"
    )
    return [{"text": text} for text in turns[-1][1]]


def test_50_assessments_through_nginx_while_a_replica_is_killed(stack: ScaleStack) -> None:
    assessments = make_assessments(CONVERSATIONS, seed=2, label="kill")
    total = sum(len(a.messages) for a in assessments)
    progress = Progress(threshold=int(total * KILL_AFTER))
    # A message may wait for a ticket the killed replica held: let the replica
    # and nginx give up first.
    timeout = int(stack.settings["RASA_RESPONSE_TIMEOUT"]) + 60
    stats = {"resent": 0, "recovered": 0}
    stats_lock = threading.Lock()
    killed: dict[str, float] = {}
    log_start = len(stack.access_log())

    def killer() -> None:
        progress.event.wait(timeout=300)
        killed["time"] = time.time()
        killed["answered"] = progress.count
        stack.kill("rasa-2")

    def converse(assessment: Assessment) -> list[tuple[str, list[Reply]]]:
        sent: list[tuple[str, list[Reply]]] = []
        for step, message in enumerate(assessment.messages):
            while True:
                try:
                    replies = post(stack.url, assessment.sender, message, timeout=timeout)
                    break
                except Unanswered:
                    recovered = recover(stack, assessment, step)
                    with stats_lock:
                        stats["recovered" if recovered is not None else "resent"] += 1
                    if recovered is not None:
                        replies = recovered
                        break
                    time.sleep(0.5)
            check_reply(assessment, step, replies)
            sent.append((message, replies))
            progress.done()
        return sent

    kill_thread = threading.Thread(target=killer, daemon=True)
    kill_thread.start()
    started = time.monotonic()
    transcripts = run_all(assessments, converse)
    kill_thread.join(timeout=5)
    print(
        f"\n{CONVERSATIONS} assessments through nginx, rasa-2 killed after "
        f"{killed.get('answered')}/{total} messages: {time.monotonic() - started:.0f} s, "
        f"{stats['resent']} sent again, {stats['recovered']} replies read back from PostgreSQL"
    )

    assert "time" in killed, "the replica was never killed"
    assert not stack.is_alive("rasa-2") and stack.is_alive("rasa-1")
    # Every conversation is complete and intact in PostgreSQL.
    stored = stack.events([a.sender for a in assessments])
    for assessment, sent in zip(assessments, transcripts, strict=True):
        check_stored(assessment, stored[assessment.sender], sent)

    # nginx spread the messages over both replicas, then sent all to the survivor.
    survivor, victim = (url.split("//")[1] for url in stack.replica_urls)
    rest = [
        e
        for e in stack.access_log()[log_start:]
        if e["uri"] == "/webhooks/rest/webhook" and e["status"] == "200"
    ]
    before = [e["upstreams"][-1] for e in rest if e["time"] < killed["time"]]
    after = [e["upstreams"][-1] for e in rest if e["time"] > killed["time"] + 1]
    assert before.count(victim) >= len(before) / 4 and before.count(survivor) >= len(before) / 4, (
        f"not round-robin before the kill: {before.count(survivor)} vs {before.count(victim)}"
    )
    assert after and set(after) == {survivor}, f"answered after the kill by {set(after)}"
