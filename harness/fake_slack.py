"""A local fake of the Slack Web API (127.0.0.1, random port) that records the
calls the assistant makes, plus helpers to sign requests the way Slack does.

`fail_posts()` makes chat.postMessage to one channel fail (the connection dropped
without an answer, or HTTP 503) the next N times or until told otherwise."""

import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from typing import Any
from urllib.parse import parse_qs, urlencode

import requests

# Test-only secrets, handed to the Rasa server in its environment.
BOT_TOKEN = "xoxb-test-outsourcing-advisor"
SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
BOT_USER_ID = "UBOTADVISOR"
BOT_ID = "BBOTADVISOR"
TEAM_ID = "TTESTTEAM"
# The hand-off channel (HANDOFF_SLACK_CHANNEL) and its members, the consultants.
HANDOFF_CHANNEL = "CHANDOFF01"
CONSULTANT = "UCONSULT01"
OUTSIDER = "UOUTSIDE01"  # in the workspace, not in the hand-off channel
# Short enough to test, long enough for a slow turn under load (minutes).
HANDOFF_TIMEOUT_MINUTES = "0.5"


def sign(body: bytes, timestamp: int | None = None, secret: str = SIGNING_SECRET) -> dict[str, str]:
    """The X-Slack-Signature / X-Slack-Request-Timestamp headers for `body`."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    base = b"v0:" + str(timestamp).encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": f"v0={digest}"}


@dataclass
class Call:
    method: str  # e.g. "chat.postMessage"
    args: dict[str, Any]
    token: str
    ts: str | None = None  # the ts a chat.postMessage was answered with


@dataclass
class FakeSlack:
    calls: list[Call] = field(default_factory=list)  # answered successfully
    # conversations.members: channel -> member ids
    members: dict[str, list[str]] = field(
        default_factory=lambda: {HANDOFF_CHANNEL: [CONSULTANT, BOT_USER_ID]}
    )
    failed: list[Call] = field(default_factory=list)  # made to fail by fail_posts()

    def __post_init__(self) -> None:
        self._changed = threading.Condition()
        # channel -> (how many more posts fail, None = all; "drop" or "http_503")
        self._failing: dict[str, tuple[int | None, str]] = {}
        self._ts = count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/"

    def env(self) -> dict[str, str]:
        """Environment that points the assistant's Slack channel at this fake."""
        return {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": self.api_url,
            "HANDOFF_SLACK_CHANNEL": HANDOFF_CHANNEL,
            "HANDOFF_TIMEOUT_MINUTES": HANDOFF_TIMEOUT_MINUTES,
        }

    def __enter__(self) -> "FakeSlack":
        self._thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail_posts(self, channel: str, times: int | None, how: str = "drop") -> None:
        """chat.postMessage to `channel` fails the next `times` times (None: until
        called again with 0): "drop" closes the connection without an answer (Slack
        unreachable), "http_503" answers 503 {"ok": false, "error": "service_unavailable"}."""
        assert how in ("drop", "http_503")
        with self._changed:
            if times == 0:
                self._failing.pop(channel, None)
            else:
                self._failing[channel] = (times, how)

    def failed_posts(self, channel: str) -> list[dict[str, Any]]:
        with self._changed:
            return [c.args for c in self.failed if c.args.get("channel") == channel]

    def _failure(self, method: str, args: dict[str, Any], token: str) -> str | None:
        """How this call fails, if it must (and record it)."""
        if method != "chat.postMessage":
            return None
        with self._changed:
            times, how = self._failing.get(str(args.get("channel")), (0, ""))
            if times == 0:
                return None
            if times is not None:
                self._failing[str(args["channel"])] = (times - 1, how)
            self.failed.append(Call(method, args, token))
            self._changed.notify_all()
        return how

    # ------------------------------------------------------------ assertions

    def posts(
        self, channel: str | None = None, method: str = "chat.postMessage"
    ) -> list[dict[str, Any]]:
        with self._changed:
            return [
                c.args
                for c in self.calls
                if c.method == method and channel in (None, c.args.get("channel"))
            ]

    def wait_for(self, condition: Callable[[], Any], timeout: float = 20) -> Any:
        """Wait until `condition()` is truthy (re-checked on every API call); return it."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                result = condition()
                if result:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"timed out after {timeout}s; Slack API calls: {self.calls}"
                    )
                self._changed.wait(min(remaining, 0.5))

    def wait_for_posts(
        self, channel: str, number: int = 1, timeout: float = 20
    ) -> list[dict[str, Any]]:
        posts: list[dict[str, Any]] = self.wait_for(
            lambda: len(self.posts(channel)) >= number and self.posts(channel), timeout
        )
        return posts

    # ------------------------------------------------------------ server

    def posted(self, channel: str, containing: str) -> list[Call]:
        """chat.postMessage calls to `channel` whose text contains `containing`."""
        with self._changed:
            return [
                c
                for c in self.calls
                if c.method == "chat.postMessage"
                and c.args.get("channel") == channel
                and containing in str(c.args.get("text", ""))
            ]

    def _record(self, method: str, args: dict[str, Any], token: str) -> dict[str, Any]:
        ts = None
        if method == "chat.postMessage" and token == BOT_TOKEN:
            ts = f"{int(time.time())}.{next(self._ts):06d}"
        with self._changed:
            self.calls.append(Call(method, args, token, ts))
            self._changed.notify_all()
        if token != BOT_TOKEN:
            return {"ok": False, "error": "invalid_auth"}
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://test.slack.com/",
                "team": "Test",
                "user": "outsourcing_advisor",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
            }
        if method == "conversations.members":
            return {
                "ok": True,
                "members": list(self.members.get(str(args.get("channel")), [])),
                "response_metadata": {"next_cursor": ""},
            }
        if method in ("chat.postMessage", "chat.update"):
            ts = args.get("ts") or ts or f"{int(time.time())}.{next(self._ts):06d}"
            return {
                "ok": True,
                "channel": args.get("channel"),
                "ts": ts,
                "message": {**args, "ts": ts, "bot_id": BOT_ID, "user": BOT_USER_ID},
            }
        return {"ok": True}

    def _handler_class(self) -> type:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    args = json.loads(raw or b"{}")
                else:
                    args = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                token = self.headers.get("Authorization", "").removeprefix("Bearer ") or args.pop(
                    "token", ""
                )
                method = self.path.rstrip("/").rsplit("/", 1)[-1]
                failure = fake._failure(method, args, token)
                if failure == "drop":
                    self.close_connection = True  # no status line: the client sees a disconnect
                    return
                if failure == "http_503":
                    self._answer(503, {"ok": False, "error": "service_unavailable"})
                    return
                self._answer(200, fake._record(method, args, token))

            def do_GET(self) -> None:  # slack_sdk reads some methods with GET
                path, _, query = self.path.partition("?")
                args = {k: v[0] for k, v in parse_qs(query).items()}
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                method = path.rstrip("/").rsplit("/", 1)[-1]
                self._answer(200, fake._record(method, args, token))

            def _answer(self, status: int, answer: dict[str, Any]) -> None:
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: Any) -> None:
                pass

        return Handler


class SlackWebhook:
    """Signed requests to the assistant's Slack webhook, as Slack sends them."""

    def __init__(self, base_url: str) -> None:
        self.url = f"{base_url}/webhooks/slack/webhook"

    def send(
        self, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> requests.Response:
        all_headers = {"Content-Type": content_type, **sign(body), **(headers or {})}
        return requests.post(self.url, data=body, headers=all_headers, timeout=10)

    def message(
        self,
        channel: str,
        user: str,
        text: str,
        thread_ts: str | None = None,
        event_id: str | None = None,
        retry: int | None = None,
        ts: str | None = None,
    ) -> requests.Response:
        """A `message` event (a DM when `channel` starts with D); a retry of an event
        (`retry`, the same `event_id`) carries the same message, `ts` included."""
        ts = ts or f"{time.time():.6f}"
        event = {
            "type": "message",
            "channel": channel,
            "user": user,
            "text": text,
            "ts": ts,
            "team": TEAM_ID,
            "channel_type": "im" if channel.startswith("D") else "channel",
            **({"thread_ts": thread_ts} if thread_ts else {}),
        }
        envelope = {
            "type": "event_callback",
            "team_id": TEAM_ID,
            "event": event,
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:12].upper()}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
        }
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return self.send(
            json.dumps(envelope).encode(), "application/json", headers if retry else None
        )

    def click(
        self,
        channel: str,
        user: str,
        message_ts: str,
        value: str,
        action_id: str = "rasa_button_0",
        thread_ts: str | None = None,
    ) -> requests.Response:
        """A button click (interactivity payload) on the message `message_ts`."""
        payload = {
            "type": "block_actions",
            "user": {"id": user, "team_id": TEAM_ID},
            "team": {"id": TEAM_ID},
            "channel": {"id": channel},
            "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
            "message": {
                "ts": message_ts,
                "text": "",
                "blocks": [],
                **({"thread_ts": thread_ts} if thread_ts else {}),
            },
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "value": value,
                    "text": {"type": "plain_text", "text": value},
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self.send(body, "application/x-www-form-urlencoded")

    def command(
        self, command: str, text: str, channel: str, user: str, secret: str = SIGNING_SECRET
    ) -> requests.Response:
        """A slash command as Slack sends it: a signed form POST, with no thread."""
        form = {
            "token": "deprecated-verification-token",
            "team_id": TEAM_ID,
            "channel_id": channel,
            "user_id": user,
            "command": command,
            "text": text,
            "response_url": "https://hooks.slack.invalid/commands/1",
            "trigger_id": f"{time.time():.6f}",
        }
        body = urlencode(form).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body, secret=secret)}
        return requests.post(self.url, data=body, headers=headers, timeout=10)
