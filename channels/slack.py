"""Slack channel: Rasa's SlackInput, configured from the environment and hardened.

Enable it in credentials.yml with `channels.slack.SlackChannel:` (no parameters)
and set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (SLACK_API_URL only for tests).
Without them the assistant runs normally and /webhooks/slack/webhook answers 503.

On top of Rasa's channel this one
- verifies every request's signature and rejects stale timestamps (401);
- accepts `application/json; charset=utf-8`, rejects malformed JSON (400);
- keeps one conversation per place it talks in: a DM is `slack:<team>:<D…>`, a
  thread is `slack:<team>:<channel>:<thread ts>` (an @mention in a channel starts
  one), so what a user said in a DM never shows in a public thread, and no
  conversation id is a bare Slack user id; a button click belongs to the
  conversation of the message that carried the button;
- answers each Slack message once: retries (same event_id) and the same message
  delivered as `message` and `app_mention` (same channel and ts) are dropped;
- takes each message's buttons once: a replayed or repeated click on the same
  message (same channel and message ts) is ignored;
  both across replicas when the lock store is Redis (channels/slack_dedupe.py);
- when handling a message fails (e.g. the tracker store is down), posts the same
  reply as the other channels ("I can't reach my memory right now...");
- posts replies in the background with retries (channels/slack_outbox.py): a
  failing Slack API never loses the user's turn, which is stored first;
- answers DMs and @mentions (mention stripped), in the thread when in a channel;
- ignores its own and other bots' messages;
- sends each response as one Slack message in mrkdwn, buttons as Block Kit
  buttons whose click (interactive payload) becomes the user's message.

The action-timeout guard (channels/resilience.py) is not installed here: every
Rasa start goes through runtime/launch.py, which installs it whatever channels
credentials.yml enables (tested with a Slack-only server in test_slack.py).
"""

import asyncio
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlparse

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from channels.handoff import hub as handoff_hub
from channels.handoff_format import RESUME_ACTION
from channels.input_guard import TOO_LONG, Rejection, check_message
from channels.resilience import deliver
from channels.slack_dedupe import SeenCache, SlackDedupe, from_lock_store
from channels.slack_outbox import SlackOutbox
from channels.slack_text import (
    MAX_RAW_CHARS,
    chunks,
    escape,
    interactive_choice,
    slack_text_to_plain,
    text_or_none,
    to_mrkdwn,
)
from runtime.settings import rasa_settings

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
MAX_REQUEST_AGE = 5 * 60  # seconds; older (or future) timestamps may be replays
SECTION_LIMIT = 3000  # Slack's limit for a section block's text
BUTTONS_PER_BLOCK = 25  # Slack's limit for an actions block
# Message subtypes that are still a person writing to us.
USER_SUBTYPES = {None, "file_share", "thread_broadcast"}
API_TIMEOUT = 10  # seconds per Web API call (slack_sdk's default: 30)
__all__ = ["SeenCache", "SlackChannel", "SlackReplies", "conversation_id"]


def conversation_id(team: str | None, channel: str, thread_ts: str | None = None) -> str:
    """The conversation of a place in Slack: a DM or a thread (never a bare user id)."""
    return ":".join(["slack", team or "-", channel, *([thread_ts] if thread_ts else [])])


def make_client(token: str, api_url: str) -> AsyncWebClient:
    """A Web API client. Only Slack's rate limits are retried here (honouring
    Retry-After); other failures are retried by SlackOutbox, which logs them."""
    client = AsyncWebClient(
        token=token,
        base_url=api_url,
        timeout=API_TIMEOUT,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=2)],
    )
    if urlparse(api_url).hostname in ("127.0.0.1", "localhost", "::1"):
        client.proxy = None  # a local (test) API is never reached through a proxy
    return client


class SlackReplies(SlackBot):
    """Sends the assistant's responses to one Slack channel (and thread).

    Every post (text, buttons, images, attachments, custom JSON such as Block Kit)
    goes through `_post_message`, which queues it in the outbox and returns: the
    post is sent in the background, in order, with retries, and never raises."""

    def __init__(
        self,
        token: str,
        api_url: str,
        slack_channel: str | None = None,
        thread_id: str | None = None,
        outbox: SlackOutbox | None = None,
        client: AsyncWebClient | None = None,
    ) -> None:
        super().__init__(token, slack_channel, thread_id)
        self.client = client or make_client(token, api_url)
        self.outbox = outbox or SlackOutbox()

    async def _post_message(self, channel: str, **kwargs: Any) -> None:
        # `as_user` and `type` (set by Rasa) are legacy / not API arguments.
        kwargs.pop("as_user", None)
        kwargs.pop("type", None)
        if self.thread_id:
            kwargs["thread_ts"] = self.thread_id
        self.outbox.post(self.client.chat_postMessage, "chat.postMessage", channel, **kwargs)

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        """A chat.postMessage body (e.g. Block Kit `blocks` + fallback `text`), posted
        in this conversation's channel and thread (a `channel` in it is ignored)."""
        message = dict(json_message)
        message.pop("channel", None)
        await self._post_message(channel=self.slack_channel or recipient_id, **message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """One response, one Slack message."""
        await self._post_message(
            channel=self.slack_channel or recipient_id, text=to_mrkdwn(text.strip()), mrkdwn=True
        )

    async def send_text_with_buttons(
        self,
        recipient_id: str,
        text: str,
        buttons: list[dict[str, Any]],
        **kwargs: Any,
    ) -> None:
        text = to_mrkdwn((text or "").strip())
        blocks: list[dict[str, Any]] = [
            {"type": "section", "text": {"type": "mrkdwn", "text": chunk}}
            for chunk in chunks(text, SECTION_LIMIT)
            if chunk.strip()
        ]
        elements = [
            {
                "type": "button",
                "text": {
                    "type": "plain_text",
                    "text": escape(str(button["title"])[:75]),
                    "emoji": True,
                },
                "value": str(button["payload"])[:2000],
                "action_id": f"rasa_button_{index}",
            }
            for index, button in enumerate(buttons)
        ]
        for start in range(0, len(elements), BUTTONS_PER_BLOCK):
            blocks.append(
                {"type": "actions", "elements": elements[start : start + BUTTONS_PER_BLOCK]}
            )
        await self._post_message(
            channel=self.slack_channel or recipient_id,
            text=text or "Please choose:",  # notification / fallback text
            blocks=blocks,
        )


class SlackChannel(SlackInput):
    """Slack Events API + interactivity at /webhooks/slack/webhook."""

    @classmethod
    def name(cls) -> str:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        if credentials:
            logger.warning(
                "Slack: parameters in credentials.yml are ignored; the channel reads "
                "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET from the environment."
            )
        return cls(
            bot_token=rasa_settings().slack_bot_token,
            signing_secret=rasa_settings().slack_signing_secret,
            api_url=rasa_settings().slack_api_url or DEFAULT_API_URL,
        )

    def __init__(self, bot_token: str, signing_secret: str, api_url: str = DEFAULT_API_URL) -> None:
        super().__init__(
            slack_token=bot_token,
            use_threads=True,
            slack_signing_secret=signing_secret,
        )
        self.api_url = api_url
        self.configured = bool(bot_token and signing_secret)
        self.bot_user_ids: set[str] = set()
        self.team_id: str | None = None  # the workspace of the token (auth.test)
        # Per process until the server has started and the lock store is known.
        self.dedupe = SlackDedupe()
        self.outbox = SlackOutbox()
        self.client = make_client(bot_token, api_url)
        if not self.configured:
            missing = [
                name
                for name, value in (
                    ("SLACK_BOT_TOKEN", bot_token),
                    ("SLACK_SIGNING_SECRET", signing_secret),
                )
                if not value
            ]
            logger.warning(
                f"Slack is not configured ({' and '.join(missing)} not set): "
                f"/webhooks/slack/webhook answers 503 until they are set and Rasa is restarted."
            )

    def _validate_credentials(self) -> None:
        """Missing settings disable the channel instead of stopping Rasa."""

    # ---------------------------------------------------------------- requests

    def _signature_problem(self, headers: Any, body: bytes) -> str | None:
        """Why the request is not from Slack, or None if it is."""
        timestamp = headers.get("x-slack-request-timestamp", "")
        signature = headers.get("x-slack-signature", "")
        if not (timestamp.isascii() and timestamp.isdigit()):
            return "missing or malformed X-Slack-Request-Timestamp"
        age = abs(time.time() - int(timestamp))
        if age > MAX_REQUEST_AGE:
            return f"timestamp {timestamp} is more than {MAX_REQUEST_AGE} s away from now"
        base = b"v0:" + timestamp.encode() + b":" + body
        expected = (
            b"v0="
            + hmac.new(self.slack_signing_secret.encode(), base, hashlib.sha256)
            .hexdigest()
            .encode()
        )
        # Bytes: compare_digest refuses str with non-ASCII characters (TypeError -> 500).
        if not hmac.compare_digest(expected, signature.encode("utf-8", "replace")):
            return "X-Slack-Signature does not match"
        return None

    async def handle(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        """Answer one webhook request (Events API JSON, interactivity or slash command form)."""
        if not self.configured:
            return response.text("Slack is not configured", status=HTTPStatus.SERVICE_UNAVAILABLE)

        body: bytes = request.body or b""
        problem = self._signature_problem(request.headers, body)
        if problem:
            logger.warning(f"Slack: rejected a request: {problem}.")
            return response.text(
                "Invalid Slack signature or timestamp", status=HTTPStatus.UNAUTHORIZED
            )

        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "application/json":
            try:
                payload = json.loads(body)
            except (ValueError, UnicodeDecodeError):
                return response.text("Malformed JSON", status=HTTPStatus.BAD_REQUEST)
            if not isinstance(payload, dict):
                return response.text("Malformed JSON", status=HTTPStatus.BAD_REQUEST)
            return await self._handle_event(request, payload, on_new_message)
        if content_type == "application/x-www-form-urlencoded":
            try:
                form = parse_qs(body.decode("utf-8"))
            except UnicodeDecodeError:
                return response.text("Malformed form", status=HTTPStatus.BAD_REQUEST)
            if "command" in form and "payload" not in form:
                return await self._handle_command({k: v[0] for k, v in form.items()})
            try:
                payload = json.loads(form["payload"][0])
            except (ValueError, KeyError, IndexError, UnicodeDecodeError):
                return response.text("Malformed interactive payload", status=HTTPStatus.BAD_REQUEST)
            if not isinstance(payload, dict):
                return response.text("Malformed interactive payload", status=HTTPStatus.BAD_REQUEST)
            return await self._handle_interaction(payload, on_new_message)
        return response.text("Unsupported content type", status=HTTPStatus.UNSUPPORTED_MEDIA_TYPE)

    async def _handle_event(
        self,
        request: Request,
        payload: dict[str, Any],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> HTTPResponse:
        if payload.get("type") == "url_verification":
            return response.json({"challenge": payload.get("challenge", "")})
        event = payload.get("event")
        if payload.get("type") != "event_callback" or not isinstance(event, dict):
            return response.text("")

        event_id = payload.get("event_id")
        if handoff_hub().is_handoff_channel(event.get("channel")):
            # A consultant (channels/handoff.py), which takes each event id once itself,
            # in the transaction that queues the reply: marking it here first would drop
            # Slack's retry of an event whose replica died before it queued anything.
            bot_ids = self._bot_user_ids(payload)
            if self._is_person_writing(event, bot_ids):
                await handoff_hub().consultant_message(event, event_id, bot_ids)
            return response.text("")
        bot_ids = self._bot_user_ids(payload)
        if not self._is_person_writing(event, bot_ids):
            return response.text("")
        channel: str = event["channel"]  # a string: _is_person_writing checked it
        is_dm = event.get("channel_type") == "im" or channel.startswith("D")
        if not (is_dm or event.get("type") == "app_mention"):
            return response.text("")  # channel chatter that doesn't mention us

        # In channels answer in the thread (starting one); in DMs only if the
        # user wrote in a thread.
        thread_id = text_or_none(
            event.get("thread_ts") if is_dm else event.get("thread_ts") or event.get("ts")
        )
        team = (
            text_or_none(payload.get("team_id")) or self.team_id or text_or_none(event.get("team"))
        )
        # A user handed off to a consultant: their message is passed on before Slack gets
        # its answer, once per message in the transaction that queues it for the thread
        # (channels/handoff.py). Marking it taken here first would drop Slack's retry
        # of a message whose replica died before it queued it.
        handed_off = await handoff_hub().is_handed_off(conversation_id(team, channel, thread_id))
        if not handed_off:
            if event_id and not await self.dedupe.first_time(f"event:{event_id}"):
                logger.info(
                    f"Slack: dropped duplicate delivery of {event_id} (retry "
                    f"{request.headers.get('x-slack-retry-num', '-')}, "
                    f"reason {request.headers.get('x-slack-retry-reason', '-')})."
                )
                return response.text("", headers={"X-Slack-No-Retry": "1"})
            if not await self.dedupe.first_time(f"message:{channel}:{event.get('ts')}"):
                logger.info(
                    f"Slack: dropped second delivery of message {event.get('ts')} in {channel}."
                )
                return response.text("", headers={"X-Slack-No-Retry": "1"})

        checked = self._guarded_text(event["text"], bot_ids, team, channel, thread_id)
        if isinstance(checked, Rejection):
            if checked.status == 200:  # e.g. too long: the same polite reply as elsewhere
                self._reply(channel, thread_id, checked.message)
            return response.text("")  # empty (e.g. only our mention): nothing to answer
        text = checked
        metadata = {
            "out_channel": channel,
            "thread_id": thread_id,
            "users": sorted(bot_ids),
            "slack": {
                "team_id": team,
                "user": event["user"],
                "event_id": event_id,
                "ts": event.get("ts"),
                "channel_type": "im" if is_dm else event.get("channel_type", "channel"),
            },
            # The same message delivered twice (a retry, or as message and app_mention)
            # has the same channel and ts: the hand-off passes it on once.
            "message_id": f"slack:{channel}:{event.get('ts')}",
        }
        if handed_off:
            await self._dispatch_now(text, team, channel, thread_id, metadata, on_new_message)
            return response.text("")
        self._dispatch(text, team, channel, thread_id, metadata, on_new_message)
        return response.text("")

    def _guarded_text(
        self, raw: str, bot_ids: set[str], team: str | None, channel: str, thread_id: str | None
    ) -> str | Rejection:
        """What the user typed, through the input guard all channels share
        (channels/input_guard.py: length, control characters), or why not."""
        if len(raw) > MAX_RAW_CHARS:  # refused before the text is parsed at all
            return Rejection(200, "message_too_long", TOO_LONG)
        checked = check_message(
            conversation_id(team, channel, thread_id), slack_text_to_plain(raw, bot_ids)
        )
        return checked if isinstance(checked, Rejection) else checked.text

    def _reply(self, channel: str, thread_id: str | None, text: str) -> None:
        """Post `text` where the user wrote, without handing anything to Rasa."""
        self._background(self.get_output_channel(channel, thread_id).send_text_message("", text))

    def _bot_user_ids(self, payload: dict[str, Any]) -> set[str]:
        ids = set(self.bot_user_ids)
        authorizations = payload.get("authorizations")
        for authorization in authorizations if isinstance(authorizations, list) else []:
            if isinstance(authorization, dict) and isinstance(authorization.get("user_id"), str):
                ids.add(authorization["user_id"])
        authed_users = payload.get("authed_users")
        if isinstance(authed_users, list):
            ids.update(user for user in authed_users if isinstance(user, str))
        return ids

    @staticmethod
    def _is_person_writing(event: dict[str, Any], bot_user_ids: set[str]) -> bool:
        return (
            event.get("type") in ("message", "app_mention")
            and (event.get("subtype") is None or isinstance(event.get("subtype"), str))
            and event.get("subtype") in USER_SUBTYPES
            and not event.get("bot_id")
            and not event.get("bot_profile")
            and isinstance(event.get("user"), str)
            and event["user"] not in bot_user_ids
            and isinstance(event.get("text"), str)
            and isinstance(event.get("channel"), str)
        )

    async def _handle_command(self, form: dict[str, str]) -> HTTPResponse:
        """A slash command (form-encoded, signed like events): `/resume` of the hand-off
        (channels/handoff.py); the answer is shown to the consultant alone."""
        if handoff_hub().store is None:
            text = "The hand-off is not configured here."
        else:
            text = await handoff_hub().slash_command(form)
        return response.json({"response_type": "ephemeral", "text": text})

    async def _handle_interaction(
        self, payload: dict[str, Any], on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        actions = payload.get("actions")
        if actions is None:
            return response.text("")  # shortcuts, modals, ...: nothing to do
        # Absent or null parts count as empty (Slack sends `team: null` on Enterprise Grid).
        parts = [
            {} if payload.get(name) is None else payload[name]
            for name in ("user", "channel", "message", "container", "team")
        ]
        if (
            not isinstance(actions, list)
            or not actions
            or not all(isinstance(action, dict) for action in actions)
            or not all(isinstance(part, dict) for part in parts)
        ):
            logger.warning("Slack: refused an interactive payload of unexpected shape.")
            return response.text("Malformed interactive payload", status=HTTPStatus.BAD_REQUEST)
        user_info, channel_info, message, container, team_info = parts
        action = actions[0]
        if action.get("action_id") == RESUME_ACTION and handoff_hub().is_handoff_channel(
            channel_info.get("id")
        ):  # "Hand back to the bot" (channels/handoff.py)
            await handoff_hub().consultant_action(payload)
            return response.text("")
        choice = interactive_choice(action)
        user = text_or_none(user_info.get("id"))
        channel = text_or_none(channel_info.get("id"))
        if choice is None or not user or not channel:
            return response.text("")  # e.g. a link button, or an action we don't offer
        message_ts = text_or_none(message.get("ts")) or text_or_none(container.get("message_ts"))
        thread_id = text_or_none(message.get("thread_ts")) or text_or_none(
            container.get("thread_ts")
        )
        team = (
            text_or_none(team_info.get("id"))
            or self.team_id
            or text_or_none(user_info.get("team_id"))
        )
        checked = check_message(conversation_id(team, channel, thread_id), choice[:MAX_RAW_CHARS])
        if isinstance(checked, Rejection):
            if checked.status == 200:
                self._reply(channel, thread_id, checked.message)
            return response.text("")
        text = checked.text
        # One answer per message with buttons: a replayed request, a double click or a
        # click on a second button before the buttons are gone changes nothing.
        clicked = message_ts or text_or_none(action.get("action_ts"))
        if clicked and not await self.dedupe.first_time(f"click:{channel}:{clicked}"):
            logger.info(f"Slack: ignored a repeated click on message {message_ts} in {channel}.")
            return response.text("")
        # The conversation of the message that carried the button (thread_id above):
        # its thread, or the DM itself (the buttons were posted where the conversation is).
        metadata = {
            "out_channel": channel,
            "thread_id": thread_id,
            "users": sorted(self.bot_user_ids),
            "slack": {
                "team_id": team,
                "user": user,
                "action": action.get("action_id"),
                "action_ts": action.get("action_ts"),
            },
        }
        if (
            action.get("type") == "button"
            and message_ts
            and isinstance(message.get("blocks"), list)
        ):
            self._mark_clicked(channel, message_ts, message, action)
        self._dispatch(text, team, channel, thread_id, metadata, on_new_message)
        return response.text("")

    def _mark_clicked(
        self, channel: str, ts: str, message: dict[str, Any], action: dict[str, Any]
    ) -> None:
        """Replace the clicked message's buttons by the choice (no second click)."""
        label = action.get("text")
        title = str((label.get("text") if isinstance(label, dict) else None) or action["value"])
        blocks = [
            block
            for block in message["blocks"]
            if isinstance(block, dict) and block.get("type") != "actions"
        ]
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f"➜ {escape(title)}"}]}
        )
        self.outbox.post(
            self.client.chat_update,
            "chat.update",
            channel,
            ts=ts,
            text=text_or_none(message.get("text")) or escape(title),
            blocks=blocks,
        )

    async def _dispatch_now(
        self,
        text: str,
        team: str | None,
        channel: str,
        thread_id: str | None,
        metadata: dict[str, Any],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        """As `_dispatch`, awaited: for a paused conversation, which Rasa only records."""
        await deliver(on_new_message, self._user_message(text, team, channel, thread_id, metadata))

    def _dispatch(
        self,
        text: str,
        team: str | None,
        channel: str,
        thread_id: str | None,
        metadata: dict[str, Any],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        """Hand the message to Rasa in the background: Slack wants an answer in 3 s.

        Failures get the same reply as in the other channels (`deliver`)."""
        message = self._user_message(text, team, channel, thread_id, metadata)
        self._background(deliver(on_new_message, message))

    def _user_message(
        self,
        text: str,
        team: str | None,
        channel: str,
        thread_id: str | None,
        metadata: dict[str, Any],
    ) -> UserMessage:
        """The message for Rasa, answered in the channel (and thread) it came from."""
        return UserMessage(
            text,
            self.get_output_channel(channel, thread_id),
            conversation_id(team, channel, thread_id),
            input_channel=self.name(),
            metadata=metadata,
        )

    def _background(self, coroutine: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._background_tasks.add(task)

        def done(finished: "asyncio.Future[Any]") -> None:
            self._background_tasks.discard(finished)
            if not finished.cancelled() and finished.exception():
                logger.error("Slack: handling a message failed.", exc_info=finished.exception())

        task.add_done_callback(done)

    async def _learn_identity(self) -> None:
        """Check the token at start-up and learn the bot's user id."""
        try:
            identity = await self.client.auth_test()
        except Exception as error:  # noqa: BLE001 - any failure: tell the admin, keep running
            logger.warning(f"Slack: auth.test failed ({error}); check SLACK_BOT_TOKEN.")
            return
        if identity.get("user_id"):
            self.bot_user_ids.add(identity["user_id"])
        self.team_id = identity.get("team_id") or self.team_id
        logger.info(
            f"Slack: connected as {identity.get('user')} ({identity.get('user_id')}) "
            f"in workspace {identity.get('team')}."
        )

    # ---------------------------------------------------------------- wiring

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        slack_webhook = Blueprint("slack_webhook", __name__)
        # Human hand-off (channels/handoff.py): messages go to the consultant while it lasts.
        handoff_hub().install(slack_webhook)
        on_new_message = handoff_hub().wrap(on_new_message, self.name())

        @slack_webhook.listener("after_server_start")
        async def start(app: Any, *_: Any) -> None:
            if self.configured:
                agent = getattr(app.ctx, "agent", None)
                self._use_shared_dedupe(getattr(agent, "lock_store", None))
                self._background(self._learn_identity())

        @slack_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "configured": self.configured})

        @slack_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            return await self.handle(request, on_new_message)

        return slack_webhook

    def _use_shared_dedupe(self, lock_store: Any) -> None:
        """De-duplicate through the lock store's Redis when there is one (scale-out)."""
        self.dedupe = from_lock_store(lock_store)
        if self.dedupe.shared:
            logger.info(
                f"Slack: retries and repeated clicks are de-duplicated across replicas "
                f"through the lock store's Redis ({self.dedupe.where})."
            )
        else:
            logger.info(
                "Slack: retries and repeated clicks are de-duplicated in this process "
                "(no Redis lock store; with several replicas, configure one)."
            )

    def get_output_channel(
        self, channel: str | None = None, thread_id: str | None = None
    ) -> OutputChannel:
        return SlackReplies(
            self.slack_token,
            self.api_url,
            channel or self.slack_channel,
            thread_id,
            outbox=self.outbox,
            client=self.client,
        )
