"""Serve the chat page and its widget from the Rasa server itself.

Enable it in credentials.yml next to the ``socketio`` channel::

    channels.web_page.WebChatPage:

Then ``http://<rasa-host>:<port>/chat/`` is the chat page. The page and the
socket.io endpoint (``/socket.io/``) share one origin, so the default page needs
no CORS settings. To embed the widget on *another* website, that site's origin must
be passed to ``rasa run --cors`` (see web/README.md).

This channel only serves files; it never handles user messages (the ``socketio``
channel does). Files come from ``web/`` of the project, whatever the current
directory of the server:

* ``GET /chat``                     -> redirect to ``/chat/``
* ``GET /chat/``                    -> ``web/index.html``
* ``GET /chat/assets/socket.io.js`` -> the socket.io client from npm
  (``web/node_modules/socket.io-client/dist/socket.io.min.js``, installed by
  ``scripts/install_web_assets.sh``; 503 with a hint when missing)
* ``GET /chat/assets/<file>``       -> ``web/assets/<file>`` (the widget, page CSS/JS)
"""

import gzip
import hashlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

PROJECT_DIR = Path(__file__).resolve().parents[1]
WEB_DIR = PROJECT_DIR / "web"
# The socket.io client's browser build (UMD, defines window.io); our widget
# (web/assets/webchat.js) speaks Rasa's socket.io protocol through it.
SOCKET_CLIENT = Path("node_modules") / "socket.io-client" / "dist" / "socket.io.min.js"
SOCKET_CLIENT_NAME = "socket.io.js"
URL_PREFIX = "/chat"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
}

# Everything the page needs comes from this server: scripts and styles from /chat/,
# socket.io (polling and websocket) from the same origin. Images in bot messages may
# come from anywhere over https; links open normally.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: https:; font-src 'self' data:; connect-src 'self'; "
    "frame-src 'none'; object-src 'none'; base-uri 'self'; form-action 'none'; "
    "frame-ancestors 'none'"
)
# No other site may frame the page (clickjacking); the widget is embedded elsewhere
# by its script (web/README.md), never by framing /chat/.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}

NOT_INSTALLED_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Outsourcing Advisor: chat not installed</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto; line-height: 1.5">
<h1>The chat page is not installed</h1>
<p>The Rasa server is running, but the chat page's files are missing
(<code>{missing}</code>).</p>
<p>Run <code>make setup</code> (or <code>bash scripts/install_web_assets.sh</code>) in the
project directory, then reload this page. No server restart is needed.</p>
</body></html>
"""


def _not_installed(missing: Path, as_script: bool = False) -> HTTPResponse:
    logger.warning("Web chat assets missing: %s. Run `make setup`.", missing)
    if as_script:
        body = (
            f"/* The chat page is not installed ({missing} is missing): run `make setup`. */\n"
            "console.error('Outsourcing Advisor: chat page not installed; "
            "run `make setup` on the server.');\n"
        )
        return response.text(
            body,
            status=503,
            content_type=CONTENT_TYPES[".js"],
            headers={"Cache-Control": "no-store", **SECURITY_HEADERS},
        )
    return response.html(
        NOT_INSTALLED_HTML.format(missing=missing),
        status=503,
        headers={"Cache-Control": "no-store", **SECURITY_HEADERS},
    )


def _inside(base: Path, name: str) -> Path | None:
    """``base/name`` if it is a file inside ``base`` (no ``..``, absolute or hidden paths)."""
    if not name or "\\" in name or "\x00" in name:
        return None
    parts = name.split("/")
    if any(part in ("", ".", "..") or part.startswith(".") for part in parts):
        return None
    try:
        base = base.resolve()
        path = (base / name).resolve()
        path.relative_to(base)
    except (OSError, ValueError):
        return None
    return path if path.is_file() else None


class _Cached:
    """One file's bytes (optionally transformed) and its gzip, reloaded when it changes."""

    def __init__(self, transform: Callable[[bytes], bytes] = lambda data: data) -> None:
        self.transform = transform
        self.key: tuple[Path, int, int] | None = None
        self.body = b""
        self.gzipped = b""
        self.etag = ""

    def load(self, path: Path) -> "_Cached":
        stat = path.stat()
        key = (path, stat.st_mtime_ns, stat.st_size)
        if key != self.key:
            self.body = self.transform(path.read_bytes())
            self.gzipped = gzip.compress(self.body, compresslevel=6, mtime=0)
            self.etag = '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'
            self.key = key
        return self


def _file_response(
    request: Request | None, path: Path, cached: _Cached, headers: dict[str, str]
) -> HTTPResponse:
    entry = cached.load(path)
    content_type = CONTENT_TYPES.get(path.suffix, "application/octet-stream")
    headers = {**SECURITY_HEADERS, **headers, "ETag": entry.etag, "Vary": "Accept-Encoding"}
    if request is not None and request.headers.get("if-none-match") == entry.etag:
        return HTTPResponse(status=304, headers=headers)
    accepts_gzip = request is not None and "gzip" in request.headers.get("accept-encoding", "")
    if accepts_gzip and len(entry.body) > 1024:
        return response.raw(
            entry.gzipped,
            content_type=content_type,
            headers={**headers, "Content-Encoding": "gzip"},
        )
    return response.raw(entry.body, content_type=content_type, headers=headers)


class WebChatPage(InputChannel):
    """Serves the chat page at ``/chat/``; handles no messages."""

    @classmethod
    def name(cls) -> str:
        return "webchat_page"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        return cls(web_dir=credentials.get("web_dir"))

    def __init__(self, web_dir: str | None = None) -> None:
        # web_dir is for tests; relative paths are taken from the project root.
        self.web_dir = (PROJECT_DIR / web_dir) if web_dir else WEB_DIR
        self._files: dict[Path, _Cached] = {}

    def url_prefix(self) -> str:
        # Rasa mounts blueprints at urljoin("/webhooks/", url_prefix()); an absolute
        # prefix puts the page at /chat instead of /webhooks/webchat_page.
        return URL_PREFIX

    # Plain functions so they can be tested without a server.
    def page_response(self, request: Request | None = None) -> HTTPResponse:
        client = self.web_dir / SOCKET_CLIENT
        if not client.is_file():
            return _not_installed(client)
        page = self.web_dir / "index.html"
        if not page.is_file():
            return _not_installed(page)
        cached = self._files.setdefault(page, _Cached())
        return _file_response(
            request,
            page,
            cached,
            {
                "Content-Security-Policy": PAGE_CSP,
                "Cache-Control": "no-cache",
            },
        )

    def asset_response(self, name: str, request: Request | None = None) -> HTTPResponse:
        if name == SOCKET_CLIENT_NAME:
            client = self.web_dir / SOCKET_CLIENT
            if not client.is_file():
                return _not_installed(client, as_script=True)
            cached = self._files.setdefault(client, _Cached())
            return _file_response(request, client, cached, {"Cache-Control": "no-cache"})
        path = _inside(self.web_dir / "assets", name)
        if path is None or path.suffix not in CONTENT_TYPES:
            return response.text("Not found", status=404, headers=SECURITY_HEADERS)
        cached = self._files.setdefault(path, _Cached())
        return _file_response(request, path, cached, {"Cache-Control": "no-cache"})

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        page = Blueprint("webchat_page", __name__)

        @page.route("/", methods=["GET", "HEAD"], strict_slashes=True)
        async def chat_page(request: Request) -> HTTPResponse:
            return self.page_response(request)

        @page.route("", methods=["GET", "HEAD"], strict_slashes=True)
        async def chat_redirect(request: Request) -> HTTPResponse:
            # Relative ("chat/"), so it also works behind a proxy that adds a path prefix.
            query = f"?{request.query_string}" if request.query_string else ""
            return response.redirect(request.path.rstrip("/").rsplit("/", 1)[-1] + "/" + query)

        @page.route("/assets/<name:path>", methods=["GET", "HEAD"])
        async def chat_asset(request: Request, name: str) -> HTTPResponse:
            return self.asset_response(name, request)

        return page
