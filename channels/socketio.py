"""socket.io channel (the web widget's) with input validation, server-issued
sessions, an Origin check and honest failures.

Same path (/socket.io), events, `session_persistence` and JWT option as Rasa's
`socketio` channel; on top of it

* sessions (channels/socket_sessions.py) are issued by the server and bound to the
  socket that got them:
  `session_request` honours a client's session id only if this server signed it
  (advisor/signing.py, purpose "socket-session"), so a page reload continues the
  conversation; anything else (unsigned, forged, tampered, another purpose) gets a
  fresh signed id. A socket enters the room of its own session only;
* `user_uttered` speaks in the session bound to the socket: a payload whose
  `session_id` is not that session gets a polite reply and is not processed;
* the conversation id (Rasa's sender id) is ``socketio:<uuid hex>``, so it can never
  equal a Slack (``slack:...``) or REST id (channels/rest.py refuses the prefixes);
* every engine.io request (polling and websocket) from a browser must come from the
  page's own origin or an origin of the server's CORS list (channels/socket_origin.py);
* one live socket per session: a socket that presents a session already live on
  another socket takes it over, and the older one is told and gets nothing more;
  a session whose conversation has been idle longer than WEB_SESSION_IDLE_DAYS
  (default CONVERSATION_RETENTION_DAYS, 30) or was deleted is not resumed;
* "forget this conversation" (typed, or the payload /forget_conversation) deletes
  the conversation from the tracker store and starts a fresh session;
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
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

import rasa.core.channels.channel
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from rasa.core.tracker_store import FailSafeTrackerStore
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from channels.handoff import hub as handoff_hub
from channels.input_guard import Rejection, check_message
from channels.resilience import deliver
from channels.socket_origin import OriginCheckedSocketIO
from channels.socket_sessions import (
    MAX_BOUND_SOCKETS,
    SESSION_PURPOSE,
    Session,
    SessionBindings,
    idle_limit_seconds,
    new_session,
    resume_session,
)
from runtime.settings import rasa_settings

logger = logging.getLogger(__name__)

SESSION_PROBLEM = "Your chat session is not valid any more — please reload the page."
MOVED = (
    "This conversation continues in another window or tab, so this one is paused. "
    "Reload this page to continue here."
)
FORGOTTEN = (
    "Done — I've deleted this conversation and everything you told me in it. We're starting afresh."
)
FORGET_FAILED = (
    "I couldn't delete this conversation right now because I can't reach my memory. "
    "Please try again in a minute."
)
# What deletes the conversation (typed or sent by a button), compared case-insensitively.
FORGET_COMMANDS = frozenset({"forget this conversation", "/forget_conversation"})
UNREADABLE = "Sorry, I couldn't read that message. Please try again."
DEFAULT_MAX_BYTES = 256 * 1024  # same default as scripts/common.sh's SANIC_REQUEST_MAX_SIZE


def max_payload_bytes() -> int:
    try:
        return int(rasa_settings().request_max_size or DEFAULT_MAX_BYTES)
    except ValueError:
        return DEFAULT_MAX_BYTES


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

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        # Rasa 3.6 passes the message's keys to `emit` as keyword arguments, which fails
        # for any key but emit's own ("handoff": TypeError). The widget ignores custom JSON.
        await self.sio.emit(self.bot_message_evt, {"custom": json_message}, room=recipient_id)

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
        # no ADVISOR_SECRET_KEY: refuse to start (MissingSecret)
        rasa_settings().keyring.derived_key(SESSION_PURPOSE)
        # cors_allowed_origins=[]: engine.io leaves CORS headers to Sanic's --cors (as in
        # Rasa); OriginCheckedEngineIO checks the Origin against the same list.
        sio = OriginCheckedSocketIO(
            async_mode="sanic", cors_allowed_origins=[], max_http_buffer_size=max_payload_bytes()
        )
        socketio_webhook = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio  # used by get_output_channel()
        self.sessions = SessionBindings()
        self.app: Any = None  # the Sanic app, for its agent's tracker and lock stores
        # Human hand-off (channels/handoff.py): messages go to the consultant while it lasts.
        handoff = handoff_hub()
        handoff.install(socketio_webhook)
        handoff.use_sockets(sio, self.bot_message_evt, self.namespace)
        on_new_message = handoff.wrap(on_new_message, self.name())

        @socketio_webhook.listener("after_server_start")
        async def remember_app(app: Any, *_: Any) -> None:
            self.app = app

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
        if resumed is not None and not await self._recently_active(resumed):
            resumed = None  # idle too long (or deleted): a fresh session
        await self._give(sio, sid, resumed or new_session())

    async def _give(self, sio: AsyncServer, sid: str, session: Session) -> None:
        """Bind `session` to `sid`, its one live socket: a socket that had it before
        leaves its room and is told the conversation moved (the newest wins)."""
        previous = self.sessions.get(sid)
        if previous is not None and previous.sender_id != session.sender_id:
            sio.leave_room(sid, previous.sender_id, namespace=self.namespace)
        displaced = self.sessions.live_socket(session)
        if displaced is not None and displaced != sid:
            self.sessions.release(displaced)
            sio.leave_room(displaced, session.sender_id, namespace=self.namespace)
            await sio.emit(
                self.bot_message_evt, {"text": MOVED}, room=displaced, namespace=self.namespace
            )
        for evicted in self.sessions.bind(sid, session):
            logger.warning("socket.io: more than %d sockets, closing the oldest", MAX_BOUND_SOCKETS)
            await sio.disconnect(evicted, namespace=self.namespace)
        sio.enter_room(sid, session.sender_id, namespace=self.namespace)
        await sio.emit("session_confirm", session.token, room=sid, namespace=self.namespace)

    def _tracker_store(self) -> Any:
        """The agent's tracker store itself (Rasa wraps it in a FailSafeTrackerStore)."""
        agent = getattr(getattr(self.app, "ctx", None), "agent", None)
        store = getattr(agent, "tracker_store", None)
        if isinstance(store, FailSafeTrackerStore):
            return store._tracker_store  # the store it guards (Rasa 3.6: no public name)
        return store

    async def _recently_active(self, session: Session) -> bool:
        """Whether the session's conversation had an event within the idle limit.
        A store that can't answer (down) keeps the session: nothing is lost by that,
        and the next message gets the store's own reply."""
        store = self._tracker_store()
        if store is None:
            return True
        try:
            if hasattr(store, "last_activity"):
                latest = await store.last_activity(session.sender_id)
            else:
                tracker = await store.retrieve(session.sender_id)
                latest = tracker.events[-1].timestamp if tracker and tracker.events else None
        except Exception as error:  # noqa: BLE001 - any store failure: keep the session
            logger.warning("socket.io: could not check a session's last activity: %s", error)
            return True
        if latest is None:
            return False  # never used, or deleted (retention, "forget")
        return time.time() - latest <= idle_limit_seconds()

    async def _forget(self, sio: AsyncServer, sid: str, session: Session) -> None:
        """Delete the conversation from the store, then give the socket a new session."""
        agent: Any = getattr(getattr(self.app, "ctx", None), "agent", None)
        store = self._tracker_store()
        try:
            # Under the conversation's lock: no message of it is being processed meanwhile.
            async with agent.lock_store.lock(session.sender_id):
                if hasattr(store, "delete"):
                    await store.delete(session.sender_id)
                else:  # Rasa's in-memory store
                    store.store.pop(session.sender_id, None)
        except Exception as error:  # noqa: BLE001 - any failure: say so, keep the session
            logger.error("socket.io: could not delete a conversation: %s", error)
            await sio.emit(
                self.bot_message_evt, {"text": FORGET_FAILED}, room=sid, namespace=self.namespace
            )
            return
        logger.info("socket.io: a conversation was deleted at its user's request")
        await sio.emit(
            self.bot_message_evt, {"text": FORGOTTEN}, room=sid, namespace=self.namespace
        )
        await self._give(sio, sid, new_session())

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
        if checked.text.strip(" .!").casefold() in FORGET_COMMANDS:
            await self._forget(sio, sid, session)
            return
        message = UserMessage(
            checked.text,
            GuardedSocketIOOutput(sio, self.bot_message_evt),
            checked.sender,
            input_channel=self.name(),
            metadata=checked.metadata,
        )
        await deliver(on_new_message, message)
