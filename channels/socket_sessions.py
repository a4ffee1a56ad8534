"""Web chat sessions of the socket.io channel (channels/socketio.py): server-issued,
signed ids, and which socket each session is live on.

* A session id is ``<uuid hex>.<mac>``, signed by this server (advisor/signing.py,
  purpose "socket-session"); its conversation is ``socketio:<uuid hex>``.
* `SessionBindings`: the session of each connected socket, and the one socket each
  session is live on (the newest socket that presented it).
* `idle_limit_seconds`: a session whose conversation has been idle longer is not
  resumed.
"""

import re
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from runtime.settings import rasa_settings

SESSION_PURPOSE = "socket-session"
# Prefix of every socket.io conversation id; REST refuses senders that start with it.
SENDER_PREFIX = "socketio:"
# Sockets whose session is remembered; beyond it the oldest socket is disconnected
# (the widget reconnects and presents its session again).
MAX_BOUND_SOCKETS = 50_000
_SESSION_VALUE = re.compile(r"[0-9a-f]{32}")
# A session whose conversation has been idle longer is not resumed (a fresh one is
# issued): WEB_SESSION_IDLE_DAYS, default the retention period.


def idle_limit_seconds() -> float:
    return rasa_settings().web_session_idle_days * 86400


@dataclass(frozen=True)
class Session:
    """A web chat session: `token` is what the client holds (``<uuid hex>.<mac>``),
    `sender_id` the conversation id Rasa stores it under."""

    token: str
    sender_id: str


def _session(value: str) -> Session:
    return Session(rasa_settings().keyring.sign(SESSION_PURPOSE, value), SENDER_PREFIX + value)


def new_session() -> Session:
    return _session(uuid.uuid4().hex)


def resume_session(token: Any) -> Session | None:
    """The session of `token` if this server issued it, else None."""
    if not isinstance(token, str) or len(token) >= 256:
        return None
    value = rasa_settings().keyring.verify(SESSION_PURPOSE, token)
    if value is None or not _SESSION_VALUE.fullmatch(value):
        return None
    return _session(value)


class SessionBindings:
    """Which session each connected socket (engine.io sid) was given, and the one
    socket each session is live on; at most `limit` sockets, cleaned on disconnect."""

    def __init__(self, limit: int = MAX_BOUND_SOCKETS) -> None:
        self.limit = limit
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._live: dict[str, str] = {}  # conversation id -> its socket

    def __len__(self) -> int:
        return len(self._sessions)

    def get(self, sid: str) -> Session | None:
        return self._sessions.get(sid)

    def live_socket(self, session: Session) -> str | None:
        """The socket `session` is live on, if any."""
        return self._live.get(session.sender_id)

    def bind(self, sid: str, session: Session) -> list[str]:
        """Give `sid` `session` (its live socket from now on); returns the sockets
        evicted to stay within the limit."""
        self.release(sid)
        self._sessions[sid] = session
        self._live[session.sender_id] = sid
        evicted = []
        while len(self._sessions) > self.limit:
            oldest = next(iter(self._sessions))
            self.release(oldest)
            evicted.append(oldest)
        return evicted

    def release(self, sid: str) -> Session | None:
        session = self._sessions.pop(sid, None)
        if session is not None and self._live.get(session.sender_id) == sid:
            del self._live[session.sender_id]
        return session
