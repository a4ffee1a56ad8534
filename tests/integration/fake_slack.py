"""A local fake of the Slack Web API (127.0.0.1, random port) that records the
calls the assistant makes, plus helpers to sign requests the way Slack does.

`fail_posts()` makes chat.postMessage to one channel fail (the connection dropped
without an answer, or HTTP 503) the next N times or until told otherwise."""

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from typing import Any
from urllib.parse import parse_qs

# Test-only secrets, handed to the Rasa server in its environment.
BOT_TOKEN = "xoxb-test-outsourcing-advisor"
SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
BOT_USER_ID = "UBOTADVISOR"
BOT_ID = "BBOTADVISOR"
TEAM_ID = "TTESTTEAM"


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


@dataclass
class FakeSlack:
    calls: list[Call] = field(default_factory=list)  # answered successfully
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
        return self.wait_for(
            lambda: len(self.posts(channel)) >= number and self.posts(channel), timeout
        )

    # ------------------------------------------------------------ server

    def _record(self, method: str, args: dict[str, Any], token: str) -> dict[str, Any]:
        with self._changed:
            self.calls.append(Call(method, args, token))
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
        if method in ("chat.postMessage", "chat.update"):
            ts = args.get("ts") or f"{int(time.time())}.{next(self._ts):06d}"
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
