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
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
)
from sanic import Blueprint
from sqlalchemy.exc import SQLAlchemyError

from advisor.handoff_settings import HandoffSettings
from channels import handoff_format as say
from channels.slack_outbox import describe, retryable
from channels.slack_text import slack_text_to_plain
from runtime.settings import rasa_settings
from stores.handoff_store import Handoff, HandoffStore, Post, engine_for

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
# A replica that took a message for a socket, or a post for Slack, and died: the
# message waits this long before another replica sends it.
DELIVERY_LEASE_SECONDS = 3.0
POST_LEASE_SECONDS = 15.0  # longer than the Slack client's own timeout
POST_ATTEMPTS = 8  # ~1 min of retries (0.5, 1, 2, 4, 8, 16, 30 s) before giving up
SLACK_POLL_SECONDS = 1.0  # how often a replica looks for posts left by another
SLASH_ANSWER_SECONDS = 2.5  # Slack shows an error if a slash command is not answered in 3 s


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
        self.said_anything = False

    def name(self) -> str:
        return self.inner.name()

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.said_anything = True
        custom = message.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get("handoff"), dict):
            self.request = custom["handoff"]
            return
        await self.inner.send_response(recipient_id, message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        self.said_anything = True
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

    async def send(
        self, conversation_id: str, sender: str, text: str, delivery_id: str | None = None
    ) -> None:
        message: dict[str, Any] = {"text": text}
        if sender == CONSULTANT:
            message["from"] = CONSULTANT
        if delivery_id:
            message["delivery_id"] = delivery_id
        await self.sio.emit(self.event, message, room=conversation_id, namespace=self.namespace)


class HandoffHub:
    def __init__(self, settings: HandoffSettings) -> None:
        self.settings = settings
        self.store: HandoffStore | None = None
        self.agent: Any = None
        self.web: WebSockets | None = None
        self.client: Any = None
        self._members: tuple[float, frozenset[str]] = (0.0, frozenset())
        self._wake = asyncio.Event()
        self._slack_wake = asyncio.Event()
        self._loop_task: asyncio.Task[None] | None = None
        self._slack_task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Future[None]] = set()  # background work, kept referenced
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
            for task in (self._loop_task, self._slack_task):
                if task is not None:
                    task.cancel()
            self._loop_task = self._slack_task = None

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
            self._slack_wake = asyncio.Event()
            self._loop_task = asyncio.ensure_future(self._deliver_loop())
            self._slack_task = asyncio.ensure_future(self._slack_loop())
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
                    # Once the user's message is handled, its post is in the database,
                    # whatever happens to this process next. A message the client sent
                    # again with the same id (its replica died) is posted once.
                    if not await self._post_in_thread(
                        handoff.thread_ts, say.user_line(message.text or ""), once=_once(message)
                    ):
                        logger.info(f"Hand-off: {message.sender_id} sent a message again.")
                        return None
                    await self._keep_paused_in_a_new_session(message)
                    # Recorded in the conversation; Rasa doesn't answer a paused one. A
                    # request for a person made anyway is already being met: kept back.
                    message.output_channel = HandoffRequestWatcher(message.output_channel)
                    return await on_new_message(message)
            watcher = HandoffRequestWatcher(message.output_channel)
            message.output_channel = watcher
            result = await on_new_message(message)
            if watcher.request is not None:
                await self.start(message, channel, watcher.request)
            elif not watcher.said_anything:
                await self._unstick(message)
            return result

        return handle

    async def _keep_paused_in_a_new_session(self, message: UserMessage) -> None:
        """A user who comes back after Rasa's session expired (session_expiration_time,
        counted from their last message) while a consultant still has their
        conversation: Rasa would start a new session, which un-pauses the tracker, and
        the bot would answer alongside the consultant. The new session is started here
        and paused again, so the consultant keeps the conversation (docs/operators.md)."""
        processor = getattr(self.agent, "processor", None)
        if processor is None:
            return
        conversation_id = message.sender_id
        try:
            async with self.agent.lock_store.lock(conversation_id):
                tracker = await processor.fetch_tracker_and_update_session(
                    conversation_id, message.output_channel, message.metadata
                )
                if not tracker.is_paused():  # a new session began: paused again
                    tracker.update(ConversationPaused())
                    await self.agent.tracker_store.save(tracker)
                    logger.info(f"Hand-off: {conversation_id} stays paused in its new session.")
        except Exception:
            logger.exception(f"Hand-off: could not check the session of {conversation_id}.")

    async def _unstick(self, message: UserMessage) -> None:
        """The bot said nothing: if the conversation is paused with no hand-off going on
        (a server stopped between the pause and the post to Slack, a hand-back that
        could not be written), the user would wait for nobody until their session
        expires. Resumed here, and told to say it again."""
        conversation_id = message.sender_id
        try:
            tracker = await self.agent.tracker_store.retrieve(conversation_id)
            if tracker is None or not tracker.is_paused():
                return
            if await self._db(self.store.active, conversation_id) is not None:  # type: ignore[union-attr]
                return  # a hand-off just started (another replica): it is not stuck
        except Exception:
            logger.exception(f"Hand-off: could not check whether {conversation_id} is stuck.")
            return
        logger.warning(f"Hand-off: {conversation_id} was paused with no hand-off; resumed.")
        text = await self._resume_tracker(conversation_id, say.UNSTUCK)
        await message.output_channel.send_text_message(conversation_id, text)

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
            say.reference(conversation_id),
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

    async def is_handed_off(self, conversation_id: str) -> bool:
        """Whether the conversation is with a consultant now (False if unknown)."""
        if self.store is None:
            return False
        try:
            return await self._db(self.store.active, conversation_id) is not None
        except SQLAlchemyError:
            return False

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
        text = slack_text_to_plain(str(event.get("text", "")), bot_ids).strip()
        if not text:
            return
        if say.is_resume_command(text):
            await self.end(handoff, "resume", by=user)  # once, whoever gets there first
            return
        await self._db(self.store.consultant_wrote, handoff.conversation_id, time.time())
        # The event id is marked handled in the same transaction that queues the reply:
        # a replica that died before it leaves the event to Slack's retry (which reaches
        # any replica), one that died after has queued the reply for the others.
        once = f"event:{event_id}" if event_id else None
        raw = str(event.get("text", ""))
        if not await self.tell_user(handoff, CONSULTANT, text, slack_text=raw, once=once):
            logger.info(f"Hand-off: event {event_id} was handled already.")
            return
        # In the background: the transcript waits for the conversation's lock (the user's
        # own message may hold it), Slack's 3 s for its answer does not.
        self._background(self._record(handoff.conversation_id, text, user))

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

    async def slash_command(self, form: dict[str, str]) -> str:
        """`/resume <reference or thread link>` typed in the hand-off channel (channels/
        slack.py checked the signature). Returns what the consultant alone is shown."""
        assert self.store is not None
        if form.get("command") != say.RESUME_SLASH_COMMAND:
            return f"Unknown command {form.get('command')!r}."
        if not self.is_handoff_channel(form.get("channel_id")):
            return say.SLASH_ELSEWHERE
        user = form.get("user_id", "")
        if not await self.is_member(user):
            logger.warning(f"Hand-off: ignored /resume by {user}, not in the hand-off channel.")
            return say.SLASH_NOT_MEMBER
        name, thread_ts = say.named_in(form.get("text", ""))
        if thread_ts is None and form.get("thread_ts"):  # should Slack ever send the thread
            thread_ts = form["thread_ts"]
        handoff = None
        if name is not None:
            active = await self._db(self.store.all_active)
            handoff = next((h for h in active if say.reference(h.conversation_id) == name), None)
        elif thread_ts is not None:
            handoff = await self._db(self.store.by_thread, thread_ts)
        else:
            return say.SLASH_USAGE
        if handoff is None:
            return say.slash_not_found(name or thread_ts or "")
        # Slack waits 3 s for the answer: a slow resume goes on after it.
        ending = asyncio.ensure_future(self.end(handoff, "resume", by=user))
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.shield(ending), SLASH_ANSWER_SECONDS)
        return say.slash_done(say.reference(handoff.conversation_id))

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
        self,
        handoff: Handoff,
        sender: str,
        text: str,
        slack_text: str | None = None,
        once: str | None = None,
    ) -> bool:
        """Queue a message for the user, durably; with `once` (a Slack event id) only
        the first time. False: `once` was seen before, nothing queued."""
        assert self.store is not None
        if handoff.channel == "slack":
            where = handoff.reply_to
            shown = (
                say.consultant_line_for_slack(slack_text or text) if sender == CONSULTANT else text
            )
            return await self._queue_post(
                str(where.get("channel")),
                once,
                text=shown,
                mrkdwn=True,
                **({"thread_ts": where["thread_ts"]} if where.get("thread_ts") else {}),
            )
        queued = await self._db(
            self.store.queue, handoff.conversation_id, sender, text, time.time(), once
        )
        self._wake.set()
        return queued

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
        """Send waiting messages to the sockets of this process: leased, sent, then
        deleted, so a replica that dies in between leaves them to the replica the user
        reconnects to (once the lease runs out). The widget shows each delivery_id once."""
        if self.web is None or self.store is None:
            return
        waiting = await self._db(self.store.waiting, WEB_PREFIX, None, time.time())
        here = [message for message in waiting if self.web.holds(message.conversation_id)]
        if not here:
            return
        ids = [message.id for message in here]
        leased = await self._db(self.store.lease, ids, time.time(), DELIVERY_LEASE_SECONDS)
        sent = []
        for message in here:
            if message.id in leased:
                await self.web.send(
                    message.conversation_id, message.sender, message.text, message.delivery_id()
                )
                sent.append(message.id)
        await self._db(self.store.delivered, sent)

    # --- posts to Slack, from the database ---------------------------------------------

    async def _queue_post(self, channel: str, once: str | None = None, **arguments: Any) -> bool:
        """Keep a chat.postMessage in the database until Slack has taken it (sent at
        once by this process's Slack loop, or by any replica after a restart).
        False if `once` was seen before (nothing queued)."""
        assert self.store is not None
        place = f"{channel}/{arguments.get('thread_ts') or ''}"
        arguments = {"channel": channel, **arguments}
        queued = await self._db(self.store.queue_post, place, arguments, time.time(), once)
        self._slack_wake.set()
        return queued

    async def _slack_loop(self) -> None:
        while True:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._slack_wake.wait(), SLACK_POLL_SECONDS)
            self._slack_wake.clear()
            try:
                if await self._send_slack_posts():
                    self._slack_wake.set()  # the next posts of those places
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("Hand-off: Slack posting loop failed; retrying.")
                await asyncio.sleep(1)

    async def _send_slack_posts(self) -> bool:
        """Send the oldest waiting post of each place; True if any was sent."""
        assert self.store is not None
        posts = await self._db(self.store.next_posts, time.time(), POST_LEASE_SECONDS)
        results = await asyncio.gather(*(self._send_post(post) for post in posts))
        return any(results)

    async def _send_post(self, post: Post) -> bool:
        assert self.store is not None
        try:
            await self.client.chat_postMessage(**post.arguments)
        except Exception as error:  # noqa: BLE001 - kept, retried, or dropped with a log
            if retryable(error) and post.attempts < POST_ATTEMPTS:
                delay = min(2.0 ** (post.attempts - 1) * 0.5, 30.0)
                logger.warning(
                    f"Hand-off: Slack post to {post.place} failed ({describe(error)}); "
                    f"attempt {post.attempts}, retrying in {delay:g} s."
                )
                await self._db(self.store.retry_post_at, post.id, time.time() + delay)
                return False
            logger.error(
                f"Hand-off: Slack post to {post.place} failed ({describe(error)}) after "
                f"{post.attempts} attempts; given up."
            )
        await self._db(self.store.posted, post.id)
        return True

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
        text = await self._resume_tracker(
            handoff.conversation_id, say.TIMED_OUT if reason == "timeout" else say.BACK
        )
        await self.tell_user(handoff, ASSISTANT, text)
        await self._post_in_thread(handoff.thread_ts, say.ended_note(reason, by))
        logger.info(f"Hand-off: {handoff.conversation_id} ended ({reason}).")

    async def _resume_tracker(self, conversation_id: str, text: str) -> str:
        """ConversationResumed (and what the user is told) in the conversation. A
        hand-back in the middle of the assessment repeats the open question: the form
        is still active and takes the user's next answer.
        Returns what the user is told."""
        agent = self.agent
        try:
            async with agent.lock_store.lock(conversation_id):
                tracker = await agent.tracker_store.retrieve(conversation_id)
                if tracker is None:
                    return text
                question = None
                if text in (say.BACK, say.TIMED_OUT):
                    question = say.open_question(event.as_dict() for event in tracker.events)
                    text = say.back_message(question, text)
                if tracker.is_paused():
                    tracker.update(ConversationResumed())
                if question is not None:
                    # The form asks its question again, as in one of its own turns: it
                    # runs (which also ends the rejection that let the offer in), asks,
                    # and takes the user's next message as the answer.
                    tracker.update(ActionExecuted(say.FORM))
                    tracker.update(BotUttered(text))
                    tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
                else:
                    if tracker.latest_action_name != ACTION_LISTEN_NAME:
                        tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
                    tracker.update(BotUttered(text))
                await agent.tracker_store.save(tracker)
        except Exception:
            logger.exception(f"Hand-off: could not resume {conversation_id} in its tracker.")
        return text

    def _background(self, coroutine: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

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

    async def _post_in_thread(self, thread_ts: str, text: str, once: str | None = None) -> bool:
        return await self._queue_post(
            self.settings.slack_channel, once, text=text, thread_ts=thread_ts, mrkdwn=True
        )


def _once(message: UserMessage) -> str | None:
    """The key that makes a user's message count once: its client-given id (metadata
    `message_id`, which the widget sends), if any."""
    message_id = (message.metadata or {}).get("message_id")
    if not isinstance(message_id, str) or not message_id:
        return None
    return f"user:{message.sender_id}:{message_id}"


_HUB: HandoffHub | None = None


def hub() -> HandoffHub:
    """The process's hub, with the settings read once, when the first channel starts."""
    global _HUB
    if _HUB is None:
        _HUB = HandoffHub(rasa_settings().handoff)
    return _HUB
