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
callers cannot pose as another channel in the tracker. Enable it in
credentials.yml as ``channels.rest.GuardedRestInput:``.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.input_guard import Rejection, check_message, parse_json_object
from channels.resilience import deliver


class GuardedRestInput(RestInput):
    """Rasa's REST channel, validated; `name()` stays "rest"."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("guarded_rest_webhook", __name__)

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
        payload = parse_json_object(request.body)
        if isinstance(payload, Rejection):
            return response.json(payload.as_json(), status=payload.status)
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
        return response.json(collector.messages)


def _replies(sender: str, text: str) -> list[dict[str, Any]]:
    return [{"recipient_id": sender, "text": text}]
