"""A socket.io client for tests, as the web widget talks (session_persistence on).

python-socketio's asyncio client runs on its own event-loop thread so that
synchronous tests (and hypothesis) can use it. `send()` waits for the server's
acknowledgement, which comes only once the server's handler has finished: a
handler that crashed never acknowledges, so a missing ack counts as a failure.

Like the widget, it asks for a session with the id it holds (none at first) and
then uses the id the server confirms (channels/socketio.py issues signed ids).
"""

import asyncio
import queue
import threading
from typing import Any

import socketio

from channels.socket_sessions import SENDER_PREFIX


class SocketChat:
    def __init__(
        self,
        base_url: str,
        session_id: str | None = None,
        origin: str | None = None,
        transports: tuple[str, ...] = ("websocket",),
    ) -> None:
        self.base_url = base_url
        self.session_id = session_id  # what it asks for; after connect(), what it was given
        self.headers = {"Origin": origin} if origin else {}
        self.transports = list(transports)
        self.replies: queue.Queue[dict[str, Any]] = queue.Queue()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._client = socketio.AsyncClient(reconnection=False)
        self._client.on("bot_uttered", self._on_reply)
        self.confirmed: queue.Queue[Any] = queue.Queue()
        self._client.on("session_confirm", self.confirmed.put)

    async def _on_reply(self, data: Any) -> None:
        self.replies.put(data)

    def _run(self, coroutine: Any, timeout: float) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def connect(self) -> "SocketChat":
        self._run(
            self._client.connect(
                self.base_url,
                socketio_path="/socket.io",
                transports=self.transports,
                headers=self.headers,
                wait_timeout=20,
            ),
            30,
        )
        self.session_id = self.request_session(self.session_id)
        return self

    def request_session(self, session_id: Any) -> Any:
        """Emit `session_request` with `session_id`; return the id the server confirms."""
        self._run(self._client.emit("session_request", {"session_id": session_id}), 10)
        return self.confirmed.get(timeout=20)

    @property
    def sender_id(self) -> str:
        """The conversation id the server stores this session under."""
        assert self.session_id, "not connected"
        return SENDER_PREFIX + self.session_id.split(".")[0]

    @property
    def connected(self) -> bool:
        return bool(self._client.connected)

    def send(self, data: Any, timeout: float = 30) -> None:
        """Emit `user_uttered` with any payload; wait until the server handled it."""
        self._run(self._client.call("user_uttered", data, timeout=timeout), timeout + 5)

    def say(self, message: str, timeout: float = 30) -> list[dict[str, Any]]:
        """Send a message of this session; return the replies it produced."""
        self.drain()
        self.send({"message": message, "session_id": self.session_id}, timeout)
        return self.drain()

    def drain(self) -> list[dict[str, Any]]:
        got = []
        while True:
            try:
                got.append(self.replies.get_nowait())
            except queue.Empty:
                return got

    def close(self) -> None:
        try:
            if self._client.connected:
                self._run(self._client.disconnect(), 10)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
