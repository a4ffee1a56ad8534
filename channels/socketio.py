"""socket.io channel (the web widget's) with input validation, server-issued
sessions, an Origin check and honest failures.

Same path (/socket.io), events, `session_persistence` and JWT option as Rasa's
`socketio` channel; on top of it

* sessions are issued by the server and bound to the socket that got them:
  `session_request` honours a client's session id only if this server signed it
  (advisor/signing.py, purpose "socket-session"), so a page reload continues the
  conversation; anything else (unsigned, forged, tampered, another purpose) gets a
  fresh signed id. A socket enters the room of its own session only;
* `user_uttered` speaks in the session bound to the socket: a payload whose
  `session_id` is not that session gets a polite reply and is not processed;
* the conversation id (Rasa's sender id) is ``socketio:<uuid hex>``, so it can never
  equal a Slack (``slack:...``) or REST id (channels/rest.py refuses the prefixes);
* every engine.io request (polling and websocket) from a browser must come from the
  page's own origin or an origin of the server's CORS list (`--cors`, which
  scripts/servers.sh fills from RASA_CORS_ORIGINS); requests without an Origin
  header (non-browser clients) are let through, as browsers always send one;
* every `user_uttered` payload is checked (channels/input_guard.py): a non-object
  payload, a non-string, empty or control-only message or bad metadata gets a
  polite `bot_uttered` reply and is not processed; messages over 2,000 characters
  get a polite reply too;
* bot buttons with a ``url`` reach rasa-webchat as link buttons (``type: web_url``);
  other buttons are sent exactly as Rasa's channel sends them;
* when handling fails (tracker store unreachable, a bug) the user is told instead
  of hearing nothing (channels/resilience.py);
* engine.io's buffer limit matches Sanic's request limit (SANIC_REQUEST_MAX_SIZE).

Enable it in credentials.yml as ``channels.socketio.GuardedSocketIOInput:``.
"""

import logging
import os
import re
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

import engineio
import rasa.core.channels.channel
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from advisor.signing import derived_key, sign, verify
from channels.input_guard import Rejection, check_message
from channels.resilience import deliver

logger = logging.getLogger(__name__)

SESSION_PROBLEM = "Your chat session is not valid any more — please reload the page."
UNREADABLE = "Sorry, I couldn't read that message. Please try again."
DEFAULT_MAX_BYTES = 256 * 1024  # same default as scripts/common.sh's SANIC_REQUEST_MAX_SIZE

SESSION_PURPOSE = "socket-session"
# Prefix of every socket.io conversation id; REST refuses senders that start with it.
SENDER_PREFIX = "socketio:"
# Sockets whose session is remembered; beyond it the oldest socket is disconnected
# (the widget reconnects and presents its session again).
MAX_BOUND_SOCKETS = 50_000
_SESSION_VALUE = re.compile(r"[0-9a-f]{32}")


def max_payload_bytes() -> int:
    try:
        return int(os.environ.get("SANIC_REQUEST_MAX_SIZE", DEFAULT_MAX_BYTES))
    except ValueError:
        return DEFAULT_MAX_BYTES


# --- sessions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    """A web chat session: `token` is what the client holds (``<uuid hex>.<mac>``),
    `sender_id` the conversation id Rasa stores it under."""

    token: str
    sender_id: str


def _session(value: str) -> Session:
    return Session(sign(SESSION_PURPOSE, value), SENDER_PREFIX + value)


def new_session() -> Session:
    return _session(uuid.uuid4().hex)


def resume_session(token: Any) -> Session | None:
    """The session of `token` if this server issued it, else None."""
    value = verify(SESSION_PURPOSE, token) if isinstance(token, str) and len(token) < 256 else None
    if value is None or not _SESSION_VALUE.fullmatch(value):
        return None
    return _session(value)


class SessionBindings:
    """Which session each connected socket (engine.io sid) was given; at most
    `limit` sockets, cleaned on disconnect."""

    def __init__(self, limit: int = MAX_BOUND_SOCKETS) -> None:
        self.limit = limit
        self._sessions: OrderedDict[str, Session] = OrderedDict()

    def __len__(self) -> int:
        return len(self._sessions)

    def get(self, sid: str) -> Session | None:
        return self._sessions.get(sid)

    def bind(self, sid: str, session: Session) -> list[str]:
        """Give `sid` `session`; returns the sockets evicted to stay within the limit."""
        self._sessions.pop(sid, None)
        self._sessions[sid] = session
        evicted = []
        while len(self._sessions) > self.limit:
            oldest, _ = self._sessions.popitem(last=False)
            evicted.append(oldest)
        return evicted

    def release(self, sid: str) -> Session | None:
        return self._sessions.pop(sid, None)


# --- Origin -----------------------------------------------------------------------------

ANY_ORIGIN = None  # configured_origins() result: "*" was configured


def configured_origins(app: Any, environ: dict[str, str] | None = None) -> frozenset[str] | None:
    """The exact origins allowed to talk to the server from a browser: the Rasa
    server's CORS list (its `--cors`, as applied by sanic-cors) and RASA_CORS_ORIGINS;
    None if either allows any origin ("*")."""
    env = os.environ if environ is None else environ
    origins: set[str] = set(env.get("RASA_CORS_ORIGINS", "").split())
    cors = getattr(getattr(app, "ctx", None), "sanic_cors", None)
    for _pattern, options in getattr(cors, "resources", None) or []:
        listed = options.get("origins") if isinstance(options, dict) else None
        origins.update(origin for origin in listed or [] if isinstance(origin, str) and origin)
    if origins & {"*", ".*"}:
        return ANY_ORIGIN
    return frozenset(origins)


def _own_origins(hosts: Iterable[str | None]) -> set[str]:
    own = set()
    for host in hosts:
        host = (host or "").split(",")[0].strip().lower()
        if not host:
            continue
        own.update({f"http://{host}", f"https://{host}"})
        if host.endswith(":80"):
            own.add(f"http://{host[:-3]}")
        if host.endswith(":443"):
            own.add(f"https://{host[:-4]}")
    return own


def origin_allowed(
    origins: Collection[str], allowed: Collection[str] | None, hosts: Iterable[str | None]
) -> bool:
    """Whether a request with these Origin headers may use the socket: none (not a
    browser), or exactly one that is the page's own (one of `hosts`, the Host and
    X-Forwarded-Host headers) or in `allowed` (None: any)."""
    if not origins:
        return True
    if len(origins) > 1:
        return False
    origin = next(iter(origins)).strip().lower()
    if allowed is ANY_ORIGIN:
        return True
    return origin in {entry.lower() for entry in allowed} or origin in _own_origins(hosts)


_logged_origins: set[str] = set()


def request_origin_allowed(request: Request) -> bool:
    origins = request.headers.getall("origin", [])
    allowed = origin_allowed(
        origins,
        configured_origins(request.app),
        [request.headers.get("host"), request.headers.get("x-forwarded-host")],
    )
    if not allowed and len(_logged_origins) < 100 and str(origins) not in _logged_origins:
        _logged_origins.add(str(origins))
        logger.warning(
            "socket.io request refused: Origin %s is not this server's own origin and not "
            "in its CORS list (RASA_CORS_ORIGINS)",
            origins,
        )
    return allowed


class _OriginCheckedEngineIO(engineio.AsyncServer):
    """engine.io server that refuses browsers from foreign origins. python-socketio's
    own check is off (cors_allowed_origins=[]) because it would also add CORS headers
    next to sanic-cors' ones, and browsers reject duplicate headers."""

    async def handle_request(self, *args: Any, **kwargs: Any) -> Any:
        request = args[0] if args else None
        if isinstance(request, Request) and not request_origin_allowed(request):
            return response.json(
                {
                    "error": "origin_not_allowed",
                    "message": "This chat cannot be used from that website.",
                },
                status=403,
            )
        return await super().handle_request(*args, **kwargs)


class _OriginCheckedSocketIO(AsyncServer):
    def _engineio_server_class(self) -> type:
        return _OriginCheckedEngineIO


# --- output -------------------------------------------------------------------------------

_SAFE_URL = re.compile(r"(https?://|/)[^\s\x00-\x1f\x7f]*", re.IGNORECASE)


def quick_reply(button: dict[str, Any]) -> dict[str, Any] | None:
    """One button as rasa-webchat renders it: a link button (``type: web_url``, opened in
    a new tab) for a ``url``; otherwise Rasa's quick reply, the title standing in for
    a missing payload. None for a button with a URL the widget must not open."""
    url = button.get("url")
    if url is not None:
        if not isinstance(url, str) or not _SAFE_URL.fullmatch(url):
            logger.warning("button %r dropped: only http(s) and /path URLs are sent", button)
            return None
        return {"type": "web_url", "title": str(button.get("title") or url), "url": url}
    title = button.get("title", button.get("payload", ""))
    return {
        "content_type": "text",
        "title": title,
        "payload": button.get("payload", title),
    }


class GuardedSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output; buttons with a ``url`` become link buttons."""

    async def send_text_with_buttons(
        self,
        recipient_id: str,
        text: str,
        buttons: list[dict[str, Any]],
        **kwargs: Any,
    ) -> None:
        # As Rasa: one message per paragraph, the buttons with the last one.
        messages: list[dict[str, Any]] = [
            {"text": part, "quick_replies": []} for part in text.strip().split("\n\n")
        ]
        replies = (quick_reply(button) for button in buttons if isinstance(button, dict))
        messages[-1]["quick_replies"] = [reply for reply in replies if reply is not None]
        for message in messages:
            await self._send_message(recipient_id, message)


# --- input --------------------------------------------------------------------------------


class GuardedSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel, validated and with server-issued sessions; `name()`
    stays "socketio"."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return super().from_credentials(credentials)

    def get_output_channel(self) -> OutputChannel | None:
        if self.sio is None:
            return super().get_output_channel()
        return GuardedSocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        derived_key(SESSION_PURPOSE)  # no ADVISOR_SECRET_KEY: refuse to start (MissingSecret)
        # cors_allowed_origins=[]: engine.io leaves CORS headers to Sanic's --cors (as in
        # Rasa); _OriginCheckedEngineIO checks the Origin against the same list.
        sio = _OriginCheckedSocketIO(
            async_mode="sanic", cors_allowed_origins=[], max_http_buffer_size=max_payload_bytes()
        )
        socketio_webhook = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio  # used by get_output_channel()
        self.sessions = SessionBindings()

        @socketio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: str, environ: dict, auth: dict | None) -> bool:
            if not self.jwt_key:
                return True
            token = auth.get("token") if isinstance(auth, dict) else None
            return bool(
                token
                and rasa.core.channels.channel.decode_bearer_token(
                    token, self.jwt_key, self.jwt_algorithm
                )
            )

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: str) -> None:
            self.sessions.release(sid)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any = None) -> None:
            await self._start_session(sio, sid, data)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any = None) -> None:
            await self._handle_message(sio, sid, data, on_new_message)

        return socketio_webhook

    async def _start_session(self, sio: AsyncServer, sid: str, data: Any) -> None:
        requested = data.get("session_id") if isinstance(data, dict) else None
        resumed = resume_session(requested) if self.session_persistence else None
        session = resumed or new_session()
        previous = self.sessions.get(sid)
        if previous is not None and previous.sender_id != session.sender_id:
            sio.leave_room(sid, previous.sender_id, namespace=self.namespace)
        for evicted in self.sessions.bind(sid, session):
            logger.warning("socket.io: more than %d sockets, closing the oldest", MAX_BOUND_SOCKETS)
            await sio.disconnect(evicted, namespace=self.namespace)
        sio.enter_room(sid, session.sender_id, namespace=self.namespace)
        await sio.emit("session_confirm", session.token, room=sid, namespace=self.namespace)

    async def _handle_message(
        self,
        sio: AsyncServer,
        sid: str,
        data: Any,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        async def reply(text: str) -> None:
            await sio.emit(self.bot_message_evt, {"text": text}, room=sid, namespace=self.namespace)

        if not isinstance(data, dict):
            await reply(UNREADABLE)
            return
        session = self.sessions.get(sid)
        if session is None or data.get("session_id") != session.token:
            # No session_request yet, or a session this socket was not given.
            await reply(SESSION_PROBLEM)
            return
        checked = check_message(session.sender_id, data.get("message"), data.get(self.metadata_key))
        if isinstance(checked, Rejection):
            await reply(checked.message)
            return
        message = UserMessage(
            checked.text,
            GuardedSocketIOOutput(sio, self.bot_message_evt),
            checked.sender,
            input_channel=self.name(),
            metadata=checked.metadata,
        )
        await deliver(on_new_message, message)
