"""Human hand-off through Slack: the Rasa server's side (docs/operators.md, "Hand-off").

The action `action_start_handoff` (actions/handoff.py) pauses the conversation and
sends a custom message {"handoff": {summary, report_url}}; `HandoffHub.wrap` takes it
out of the reply and posts the conversation to HANDOFF_SLACK_CHANNEL. From then on
- the user's messages go to that Slack thread (Rasa still records them, and does not
  answer: the conversation is paused);
- a consultant's reply in the thread (channels/slack.py hands thread messages of the
  hand-off channel here) reaches the user: over Slack at once, and for the web and REST
  through `handoff_outbox` (stores/handoff_store.py), which every replica's loop pushes
  to the sockets it holds, and REST responses (and GET /webhooks/rest/messages) return;
- `/resume` or the "Hand back to the bot" button in the thread, or no consultant reply
  within HANDOFF_TIMEOUT_MINUTES, resumes the conversation (ConversationResumed).

State lives in the tracker store's database, so restarts and replicas lose nothing;
each Slack event id is handled once (a unique key), and each queued message is
deleted by the one replica or request that delivers it.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, BotUttered, ConversationResumed
from sanic import Blueprint
from sqlalchemy.exc import SQLAlchemyError

from advisor.handoff_settings import HandoffSettings
from channels import handoff_format as say
from channels.slack_outbox import SlackOutbox
from channels.slack_text import slack_text_to_plain
from runtime.settings import rasa_settings
from stores.handoff_store import Handoff, HandoffStore, engine_for

logger = logging.getLogger(__name__)

T = TypeVar("T")
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
MEMBERS_TTL = 60.0  # seconds a channel's member list is trusted
OVERDUE_CHECK_SECONDS = 2.0
NEW_THREAD_GRACE = 2.0  # seconds a reply waits for its just-posted hand-off
CLEANUP_SECONDS = 600.0  # old event ids, ended hand-offs past retention
CONSULTANT = "consultant"
ASSISTANT = "assistant"
WEB_PREFIX = "socketio:"


def _sql_store_of(tracker_store: Any) -> Any:
    """The SQL store under Rasa's wrappers (FailSafeTrackerStore...), if any."""
    seen = 0
    while tracker_store is not None and seen < 5:
        if hasattr(tracker_store, "engine"):
            return tracker_store
        tracker_store = getattr(tracker_store, "_tracker_store", None)
        seen += 1
    return None


class HandoffRequestWatcher(OutputChannel):
    """The channel's own output, less the action's {"handoff": ...} message, which it keeps."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.request: dict[str, Any] | None = None

    def name(self) -> str:
        return self.inner.name()

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        custom = message.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get("handoff"), dict):
            self.request = custom["handoff"]
            return
        await self.inner.send_response(recipient_id, message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.inner.send_text_message(recipient_id, text, **kwargs)

    def __getattr__(self, name: str) -> Any:  # anything else the channel's output has
        return getattr(self.inner, name)


class WebSockets:
    """How the socket.io channel of this process reaches its users."""

    def __init__(self, sio: Any, event: str, namespace: str | None) -> None:
        self.sio, self.event, self.namespace = sio, event, namespace or "/"

    def holds(self, conversation_id: str) -> bool:
        """Whether a socket of this process is in the conversation's room."""
        return bool(self.sio.manager.rooms.get(self.namespace, {}).get(conversation_id))

    async def send(self, conversation_id: str, sender: str, text: str) -> None:
        message = {"text": text, **({"from": CONSULTANT} if sender == CONSULTANT else {})}
        await self.sio.emit(self.event, message, room=conversation_id, namespace=self.namespace)


class HandoffHub:
    def __init__(self, settings: HandoffSettings) -> None:
        self.settings = settings
        self.store: HandoffStore | None = None
        self.agent: Any = None
        self.web: WebSockets | None = None
        self.outbox = SlackOutbox()
        self.client: Any = None
        self._members: tuple[float, frozenset[str]] = (0.0, frozenset())
        self._wake = asyncio.Event()
        self._loop_task: asyncio.Task[None] | None = None
        self._attaching: asyncio.Lock | None = None
        self._cleaned_at = 0.0

    # --- wiring --------------------------------------------------------------------------

    def install(self, blueprint: Blueprint) -> None:
        """Start the hub with the server (once, whichever channel gets there first)."""

        @blueprint.listener("after_server_start")
        async def attach(app: Any, *_: Any) -> None:
            await self.attach(app)

        @blueprint.listener("before_server_stop")
        async def detach(*_: Any) -> None:
            if self._loop_task is not None:
                self._loop_task.cancel()
                self._loop_task = None

    async def attach(self, app: Any) -> None:
        if self._attaching is None:
            self._attaching = asyncio.Lock()
        async with self._attaching:
            if self.store is not None or not self.settings.enabled:
                return
            self.agent = getattr(app.ctx, "agent", None)
            sql = _sql_store_of(getattr(self.agent, "tracker_store", None))
            engine = engine_for(sql.engine.url if sql is not None else "sqlite://")
            self.store = await asyncio.to_thread(HandoffStore, engine)
            from channels.slack import make_client  # the same client settings as the channel

            self.client = make_client(self.settings.bot_token, self.settings.api_url)
            self._wake = asyncio.Event()
            self._loop_task = asyncio.ensure_future(self._deliver_loop())
            logger.info(f"Hand-off: on, to Slack channel {self.settings.slack_channel}.")

    def use_sockets(self, sio: Any, event: str, namespace: str | None) -> None:
        self.web = WebSockets(sio, event, namespace)

    async def _db(self, call: Callable[..., T], *args: Any) -> T:
        return await asyncio.to_thread(call, *args)

    # --- the user's messages -------------------------------------------------------------

    def wrap(self, on_new_message: OnNewMessage, channel: str) -> OnNewMessage:
        """`on_new_message` of a channel, routed through the hand-off."""

        async def handle(message: UserMessage) -> Any:
            if self.store is None:
                return await on_new_message(message)
            try:
                handoff = await self._db(self.store.active, message.sender_id)
            except SQLAlchemyError as error:
                # The tracker store's database: Rasa's store fails on it next and the
                # user gets the channel's "can't reach my memory" reply.
                logger.warning(f"Hand-off: database unavailable ({error}).")
                return await on_new_message(message)
            if handoff is not None:
                if handoff.is_overdue(time.time(), self.settings.timeout_seconds):
                    await self.end(handoff, "timeout")
                else:
                    # Awaited (with the outbox's retries): once the user's message is
                    # handled, it is in the thread, whatever happens to this process next.
                    await self._post_in_thread(handoff.thread_ts, say.user_line(message.text or ""))
                    # Recorded in the conversation; Rasa doesn't answer a paused one.
                    return await on_new_message(message)
            watcher = HandoffRequestWatcher(message.output_channel)
            message.output_channel = watcher
            result = await on_new_message(message)
            if watcher.request is not None:
                await self.start(message, channel, watcher.request)
            return result

        return handle

    async def start(self, message: UserMessage, channel: str, request: dict[str, Any]) -> None:
        """Post the conversation to the hand-off channel and remember its thread."""
        assert self.store is not None
        conversation_id = message.sender_id
        tracker = await self.agent.tracker_store.retrieve(conversation_id)
        events = [event.as_dict() for event in tracker.events] if tracker else []
        post = say.handoff_post(
            say.describe_user(channel, conversation_id, message.metadata),
            channel,
            say.recent_lines(events),
            request.get("summary") if isinstance(request.get("summary"), str) else None,
            request.get("report_url") if isinstance(request.get("report_url"), str) else None,
        )
        try:
            answer = await self.client.chat_postMessage(channel=self.settings.slack_channel, **post)
            thread_ts = str(answer["ts"])
        except Exception as error:  # noqa: BLE001 - any failure: the user is told, not lost
            logger.error(f"Hand-off: could not post to Slack ({error}); resuming the bot.")
            await self._resume_tracker(conversation_id, say.UNREACHABLE)
            await message.output_channel.send_text_message(conversation_id, say.UNREACHABLE)
            return
        reply_to = {}
        if channel == "slack":
            metadata = message.metadata or {}
            reply_to = {
                "channel": metadata.get("out_channel"),
                "thread_ts": metadata.get("thread_id"),
            }
        opened = await self._db(
            self.store.open, conversation_id, thread_ts, channel, reply_to, time.time()
        )
        if opened:
            logger.info(f"Hand-off: {conversation_id} is in Slack thread {thread_ts}.")

    # --- the consultant's side -----------------------------------------------------------

    def is_handoff_channel(self, channel: Any) -> bool:
        return self.store is not None and channel == self.settings.slack_channel

    async def consultant_message(
        self, event: dict[str, Any], event_id: str | None, bot_ids: set[str]
    ) -> None:
        """A person's message in the hand-off channel (channels/slack.py checked the
        signature and that a person wrote it)."""
        assert self.store is not None
        thread_ts = event.get("thread_ts")
        if not isinstance(thread_ts, str) or thread_ts == event.get("ts"):
            return  # the channel's own chatter, not a reply in a hand-off thread
        user = str(event.get("user"))
        if not await self.is_member(user):
            logger.warning(f"Hand-off: ignored a reply by {user}, not in the hand-off channel.")
            return
        handoff = await self._handoff_in(thread_ts)
        if handoff is None:
            return  # an ended hand-off's thread, or another thread of the channel
        # Marked handled only now: a delivery that stopped before this point is retried.
        if event_id and not await self._db(self.store.first_delivery, event_id, time.time()):
            logger.info(f"Hand-off: event {event_id} was handled already.")
            return
        text = slack_text_to_plain(str(event.get("text", "")), bot_ids).strip()
        if not text:
            return
        if say.is_resume_command(text):
            await self.end(handoff, "resume", by=user)
            return
        await self._db(self.store.consultant_wrote, handoff.conversation_id, time.time())
        await self.tell_user(handoff, CONSULTANT, text, slack_text=str(event.get("text", "")))
        await self._record(handoff.conversation_id, text, user)

    async def consultant_action(self, payload: dict[str, Any]) -> None:
        """The "Hand back to the bot" button of a hand-off post."""
        assert self.store is not None
        user = str((payload.get("user") or {}).get("id", ""))
        message = payload.get("message") or {}
        container = payload.get("container") or {}
        thread_ts = message.get("thread_ts") or message.get("ts") or container.get("message_ts")
        if not isinstance(thread_ts, str) or not await self.is_member(user):
            logger.warning(f"Hand-off: ignored a hand-back by {user}.")
            return
        handoff = await self._handoff_in(thread_ts)
        if handoff is not None:
            await self.end(handoff, "resume", by=user)

    async def _handoff_in(self, thread_ts: str) -> Handoff | None:
        """The active hand-off of a thread. A thread started in the last minute that is
        not known yet may be one whose post was just answered and is being stored
        (start() stores it once Slack returns its ts): waited for, briefly."""
        assert self.store is not None
        try:
            age = time.time() - float(thread_ts)
        except ValueError:
            age = float("inf")
        deadline = time.monotonic() + NEW_THREAD_GRACE
        while True:
            handoff = await self._db(self.store.by_thread, thread_ts)
            if handoff is not None or age > 60 or time.monotonic() > deadline:
                return handoff
            await asyncio.sleep(0.1)

    async def is_member(self, user: str) -> bool:
        """Whether `user` is in the hand-off channel (conversations.members, cached)."""
        fetched_at, members = self._members
        if time.monotonic() - fetched_at > MEMBERS_TTL or user not in members:
            try:
                found: set[str] = set()
                cursor = None
                for _ in range(20):  # pages of 200: 4,000 members at most
                    page = await self.client.conversations_members(
                        channel=self.settings.slack_channel, limit=200, cursor=cursor
                    )
                    found.update(page.get("members") or [])
                    cursor = (page.get("response_metadata") or {}).get("next_cursor")
                    if not cursor:
                        break
                self._members = (time.monotonic(), frozenset(found))
            except Exception as error:  # noqa: BLE001 - keep the last list we had
                logger.warning(f"Hand-off: conversations.members failed ({error}).")
        return user in self._members[1]

    # --- reaching the user ---------------------------------------------------------------

    async def tell_user(
        self, handoff: Handoff, sender: str, text: str, slack_text: str | None = None
    ) -> None:
        assert self.store is not None
        if handoff.channel == "slack":
            where = handoff.reply_to
            shown = (
                say.consultant_line_for_slack(slack_text or text) if sender == CONSULTANT else text
            )
            self.outbox.post(
                self.client.chat_postMessage,
                "chat.postMessage",
                str(where.get("channel")),
                text=shown,
                mrkdwn=True,
                **({"thread_ts": where["thread_ts"]} if where.get("thread_ts") else {}),
            )
            return
        await self._db(self.store.queue, handoff.conversation_id, sender, text, time.time())
        self._wake.set()

    async def take(self, conversation_id: str) -> list[dict[str, Any]]:
        """A REST user's waiting messages, in the REST channel's reply format."""
        if self.store is None:
            return []
        try:
            taken = await self._db(self.store.take, conversation_id)
        except SQLAlchemyError as error:  # they stay queued for the next request
            logger.warning(f"Hand-off: database unavailable ({error}).")
            return []
        return [
            {"recipient_id": conversation_id, "text": message.text, "from": message.sender}
            for message in taken
        ]

    async def _deliver_loop(self) -> None:
        """Push waiting messages to this process's sockets; end overdue hand-offs."""
        last_overdue_check = 0.0
        while True:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.settings.poll_seconds)
            self._wake.clear()
            try:
                await self._push_to_sockets()
                if time.monotonic() - last_overdue_check > OVERDUE_CHECK_SECONDS:
                    last_overdue_check = time.monotonic()
                    await self._end_overdue()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("Hand-off: delivery loop failed; retrying.")
                await asyncio.sleep(1)

    async def _push_to_sockets(self) -> None:
        if self.web is None or self.store is None:
            return
        waiting = await self._db(self.store.waiting, WEB_PREFIX)
        here = [message for message in waiting if self.web.holds(message.conversation_id)]
        if not here:
            return
        claimed = await self._db(self.store.claim, [message.id for message in here])
        for message in here:
            if message.id in claimed:
                await self.web.send(message.conversation_id, message.sender, message.text)

    async def _end_overdue(self) -> None:
        assert self.store is not None
        now = time.time()
        for handoff in await self._db(self.store.overdue, now, self.settings.timeout_seconds):
            await self.end(handoff, "timeout")
        if now - self._cleaned_at > CLEANUP_SECONDS:
            self._cleaned_at = now
            await self._db(self.store.forget_events, now)
            await self._db(self.store.forget_ended, now - self.settings.retention_days * 86400)

    # --- ending it ------------------------------------------------------------------------

    async def end(self, handoff: Handoff, reason: str, by: str | None = None) -> None:
        """Resume the bot, tell the user and the thread (once, whichever replica)."""
        assert self.store is not None
        if not await self._db(self.store.end, handoff.conversation_id, time.time()):
            return
        text = say.TIMED_OUT if reason == "timeout" else say.BACK
        await self._resume_tracker(handoff.conversation_id, text)
        await self.tell_user(handoff, ASSISTANT, text)
        self._post_in_thread(handoff.thread_ts, say.ended_note(reason, by))
        logger.info(f"Hand-off: {handoff.conversation_id} ended ({reason}).")

    async def _resume_tracker(self, conversation_id: str, text: str) -> None:
        """ConversationResumed (and what the user is told) in the conversation."""
        agent = self.agent
        try:
            async with agent.lock_store.lock(conversation_id):
                tracker = await agent.tracker_store.retrieve(conversation_id)
                if tracker is None:
                    return
                if tracker.is_paused():
                    tracker.update(ConversationResumed())
                    tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
                tracker.update(BotUttered(text))
                await agent.tracker_store.save(tracker)
        except Exception:
            logger.exception(f"Hand-off: could not resume {conversation_id} in its tracker.")

    async def _record(self, conversation_id: str, text: str, consultant: str) -> None:
        """The consultant's reply in the conversation too (transcripts, retention), as a
        bot message marked with who wrote it."""
        agent = self.agent
        try:
            async with agent.lock_store.lock(conversation_id):
                tracker = await agent.tracker_store.retrieve(conversation_id)
                if tracker is not None:
                    tracker.update(
                        BotUttered(text, metadata={"from": CONSULTANT, "consultant": consultant})
                    )
                    await agent.tracker_store.save(tracker)
        except Exception:
            logger.exception(f"Hand-off: could not record a reply in {conversation_id}.")

    def _post_in_thread(self, thread_ts: str, text: str) -> "asyncio.Task[bool]":
        return self.outbox.post(
            self.client.chat_postMessage,
            "chat.postMessage",
            self.settings.slack_channel,
            text=text,
            thread_ts=thread_ts,
            mrkdwn=True,
        )


_HUB: HandoffHub | None = None


def hub() -> HandoffHub:
    """The process's hub, with the settings read once, when the first channel starts."""
    global _HUB
    if _HUB is None:
        _HUB = HandoffHub(rasa_settings().handoff)
    return _HUB
