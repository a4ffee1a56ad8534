"""REST channel with input validation and honest failures.

Same URL and request/response format as Rasa's `rest` channel
(POST /webhooks/rest/webhook {"sender": "...", "message": "...", "metadata": {...}}),
but instead of Rasa's ``200 []`` on any problem it answers

* 400 {"error": ..., "message": ...} for malformed JSON, wrong types, a missing or
  invalid sender, an empty message or bad metadata (channels/input_guard.py);
* 200 with a polite reply for a message over 2,000 characters (not processed);
* 503 with "I can't reach my memory right now..." when the tracker store is
  unreachable (nothing processed, the conversation is kept);
* 500 with an apology if handling the message hit a bug.

The client can no longer choose `input_channel` (it is always "rest"), so REST
callers cannot pose as another channel in the tracker, nor reach another channel's
conversation: a sender starting with another channel's prefix (``slack:``,
``socketio:``, in any case) gets 400 ``reserved_sender``.

REST is for trusted callers: the sender id is a bearer secret (whoever knows it can
read and continue that conversation). When ``REST_TOKEN`` is set in the environment,
every POST must carry ``Authorization: Bearer <REST_TOKEN>`` (compared in constant
time), or it gets 401 ``{"error": "unauthorized", ...}`` and nothing is processed.
Enable it in credentials.yml as ``channels.rest.GuardedRestInput:``.

During a hand-off to a consultant (channels/handoff.py) the consultant's replies are
queued: returned with the sender's next POST, or on ``GET /webhooks/rest/messages?sender=``
(same token), each once, as ``{"recipient_id", "text", "from": "consultant"|"assistant"}``.
"""

import hashlib
import hmac
import unicodedata
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.handoff import hub as handoff_hub
from channels.input_guard import Rejection, check_message, parse_json_object
from channels.resilience import deliver
from channels.socket_sessions import SENDER_PREFIX as SOCKET_PREFIX
from runtime.settings import rasa_settings

TOKEN_ENV = "REST_TOKEN"
# Conversation ids of the other channels: a REST sender can never equal one.
RESERVED_PREFIXES = ("slack:", SOCKET_PREFIX)
UNAUTHORIZED = {
    "error": "unauthorized",
    "message": "This endpoint needs the header 'Authorization: Bearer <REST_TOKEN>'.",
}
RESERVED = {
    "error": "reserved_sender",
    "message": "Sender ids starting with "
    + " or ".join(f"'{prefix}'" for prefix in RESERVED_PREFIXES)
    + " belong to other channels.",
}


def rest_token(environ: dict[str, str] | None = None) -> str | None:
    """The shared secret REST callers must send, or None (REST_TOKEN unset or blank)."""
    token = rasa_settings().rest_token if environ is None else environ.get(TOKEN_ENV, "")
    return token if token.strip() else None


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def bearer_matches(authorization: str | None, token: str) -> bool:
    """Whether an Authorization header is ``Bearer <token>``; constant time (digests
    are compared, so not even the length leaks)."""
    scheme, _, given = (authorization or "").strip().partition(" ")
    given = given.strip() if scheme.lower() == "bearer" else ""
    return hmac.compare_digest(_digest(given), _digest(token)) and bool(given)


def reserved_sender(sender: Any) -> bool:
    """A sender that could be (or be stored like) another channel's conversation id."""
    if not isinstance(sender, str):
        return False
    folded = unicodedata.normalize("NFKC", sender).casefold().lstrip()
    return folded.startswith(RESERVED_PREFIXES)


class GuardedRestInput(RestInput):
    """Rasa's REST channel, validated; `name()` stays "rest"."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def __init__(self) -> None:
        self.token = rest_token()  # read once, when the server starts

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("guarded_rest_webhook", __name__)
        # Human hand-off (channels/handoff.py): consultants' replies wait for the next
        # request, or for GET /webhooks/rest/messages?sender=...
        handoff_hub().install(webhook)
        on_new_message = handoff_hub().wrap(on_new_message, self.name())

        @webhook.route("/messages", methods=["GET"])
        async def waiting(request: Request) -> HTTPResponse:
            return await self.waiting_messages(request)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self.receive(request, on_new_message)

        return webhook

    async def receive(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        token = self.token
        if token is not None and not bearer_matches(request.headers.get("authorization"), token):
            return response.json(UNAUTHORIZED, status=401, headers={"WWW-Authenticate": "Bearer"})
        payload = parse_json_object(request.body)
        if isinstance(payload, Rejection):
            return response.json(payload.as_json(), status=payload.status)
        if reserved_sender(payload.get("sender")):
            return response.json(RESERVED, status=400)
        checked = check_message(
            payload.get("sender"), payload.get("message"), payload.get("metadata")
        )
        if isinstance(checked, Rejection):
            if checked.status == 200:  # polite reply in the normal format
                return response.json(_replies(payload["sender"], checked.message))
            return response.json(checked.as_json(), status=checked.status)

        collector = CollectingOutputChannel()
        message = UserMessage(
            checked.text,
            collector,
            checked.sender,
            input_channel=self.name(),
            metadata=checked.metadata,
        )
        failure = await deliver(on_new_message, message)
        if failure:
            # Only the failure: replies produced before it were not saved.
            return response.json(
                _replies(checked.sender, failure.text),
                status=failure.status,
                headers={"Retry-After": "10"},
            )
        return response.json(collector.messages + await handoff_hub().take(checked.sender))

    async def waiting_messages(self, request: Request) -> HTTPResponse:
        """A consultant's replies not yet returned (each is returned once)."""
        token = self.token
        if token is not None and not bearer_matches(request.headers.get("authorization"), token):
            return response.json(UNAUTHORIZED, status=401, headers={"WWW-Authenticate": "Bearer"})
        sender = request.args.get("sender")
        if reserved_sender(sender):
            return response.json(RESERVED, status=400)
        checked = check_message(sender, "poll", None)
        if isinstance(checked, Rejection):
            return response.json(checked.as_json(), status=checked.status)
        return response.json(await handoff_hub().take(checked.sender))


def _replies(sender: str, text: str) -> list[dict[str, Any]]:
    return [{"recipient_id": sender, "text": text}]
