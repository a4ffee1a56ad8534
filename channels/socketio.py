"""socket.io channel (the web widget's) with input validation and honest failures.

Same path (/socket.io), events, `session_persistence` and JWT option as Rasa's
`socketio` channel; on top of it

* every `user_uttered` payload is checked (channels/input_guard.py): a non-object
  payload, a missing/invalid session id, a non-string, empty or control-only
  message or bad metadata gets a polite `bot_uttered` reply and is not processed;
  messages over 2,000 characters get a polite reply too;
* when handling fails (tracker store unreachable, a bug) the user is told instead
  of hearing nothing (channels/resilience.py);
* `session_request` accepts only well-formed session ids (else a new one is issued);
* engine.io's buffer limit matches Sanic's request limit (SANIC_REQUEST_MAX_SIZE).

Enable it in credentials.yml as ``channels.socketio.GuardedSocketIOInput:``.
"""

import logging
import os
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import rasa.core.channels.channel
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from channels.input_guard import Rejection, check_message, check_sender
from channels.resilience import deliver

logger = logging.getLogger(__name__)

SESSION_PROBLEM = "Your chat session is not valid any more — please reload the page."
DEFAULT_MAX_BYTES = 256 * 1024  # same default as scripts/common.sh's SANIC_REQUEST_MAX_SIZE


def max_payload_bytes() -> int:
    try:
        return int(os.environ.get("SANIC_REQUEST_MAX_SIZE", DEFAULT_MAX_BYTES))
    except ValueError:
        return DEFAULT_MAX_BYTES


class GuardedSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel, validated; `name()` stays "socketio"."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return super().from_credentials(credentials)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # cors_allowed_origins=[]: engine.io leaves CORS to Sanic's --cors (as in Rasa),
        # so the same exact-origin list applies to the widget's polling requests.
        sio = AsyncServer(
            async_mode="sanic", cors_allowed_origins=[], max_http_buffer_size=max_payload_bytes()
        )
        socketio_webhook = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio  # used by get_output_channel()

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

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any = None) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            session_id = requested if isinstance(check_sender(requested), str) else uuid.uuid4().hex
            if self.session_persistence:
                sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any = None) -> None:
            await self._handle_message(sio, sid, data, on_new_message)

        return socketio_webhook

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
            await reply("Sorry, I couldn't read that message. Please try again.")
            return
        sender = data.get("session_id") if self.session_persistence else sid
        checked = check_message(sender, data.get("message"), data.get(self.metadata_key))
        if isinstance(checked, Rejection):
            is_session = checked.code in ("missing_sender", "invalid_sender")
            await reply(SESSION_PROBLEM if is_session else checked.message)
            return
        message = UserMessage(
            checked.text,
            SocketIOOutput(sio, self.bot_message_evt),
            checked.sender,
            input_channel=self.name(),
            metadata=checked.metadata,
        )
        await deliver(on_new_message, message)
