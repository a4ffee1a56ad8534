"""The Origin check of the socket.io channel (channels/socketio.py): browsers from
foreign sites may not use the chat's socket.

Every engine.io request (polling and websocket) that carries an Origin must come
from the page's own origin (its Host, if that names loopback, a host of
ADVISOR_ALLOWED_HOSTS or of the CORS list; never X-Forwarded-Host, which any
client can send) or an origin of the server's CORS list (`--cors`, which
scripts/servers.sh fills from RASA_CORS_ORIGINS); requests without one (non-browser
clients) are let through, as browsers always send one.
"""

import logging
from collections.abc import Collection, Iterable
from typing import Any

import engineio
from sanic import response
from sanic.request import Request
from socketio import AsyncServer

from runtime.settings import rasa_settings

logger = logging.getLogger(__name__)

ANY_ORIGIN = None  # configured_origins() result: "*" was configured


def configured_origins(app: Any, environ: dict[str, str] | None = None) -> frozenset[str] | None:
    """The exact origins allowed to talk to the server from a browser: the Rasa
    server's CORS list (its `--cors`, as applied by sanic-cors) and RASA_CORS_ORIGINS;
    None if either allows any origin ("*")."""
    extra = (
        rasa_settings().cors_origins if environ is None else environ.get("RASA_CORS_ORIGINS", "")
    )
    origins: set[str] = set(extra.split())
    cors = getattr(getattr(app, "ctx", None), "sanic_cors", None)
    for _pattern, options in getattr(cors, "resources", None) or []:
        listed = options.get("origins") if isinstance(options, dict) else None
        origins.update(origin for origin in listed or [] if isinstance(origin, str) and origin)
    if origins & {"*", ".*"}:
        return ANY_ORIGIN
    return frozenset(origins)


def _own_origins(hosts: Iterable[str | None]) -> set[str]:
    own = set()
    for host in hosts:
        host = (host or "").split(",")[0].strip().lower()
        if not host:
            continue
        own.update({f"http://{host}", f"https://{host}"})
        if host.endswith(":80"):
            own.add(f"http://{host[:-3]}")
        if host.endswith(":443"):
            own.add(f"https://{host[:-4]}")
    return own


def origin_allowed(
    origins: Collection[str], allowed: Collection[str] | None, hosts: Iterable[str | None]
) -> bool:
    """Whether a request with these Origin headers may use the socket: none (not a
    browser), or exactly one that is the page's own (one of `hosts`: the Host header
    when its name is allowed, `trusted_hosts`) or in `allowed` (None: any)."""
    if not origins:
        return True
    if len(origins) > 1:
        return False
    origin = next(iter(origins)).strip().lower()
    if allowed is ANY_ORIGIN:
        return True
    return origin in {entry.lower() for entry in allowed} or origin in _own_origins(hosts)


_logged_origins: set[str] = set()

# Host names the server answers to as "its own" (the page at /chat/ on that host may
# use the socket): loopback, ADVISOR_ALLOWED_HOSTS and the hosts of the CORS origins.
# Anything else in a Host header (DNS rebinding) is not trusted, nor is
# X-Forwarded-Host, which any client can send.
ALLOWED_HOSTS_ENV = "ADVISOR_ALLOWED_HOSTS"
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})


def _host_name(host: str) -> str:
    """`host[:port]` -> host (an IPv6 literal keeps its brackets)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.split(":", 1)[0]


def allowed_host_names(
    cors_origins: Collection[str] | None, environ: dict[str, str] | None = None
) -> frozenset[str]:
    listed = (
        rasa_settings().allowed_hosts if environ is None else environ.get(ALLOWED_HOSTS_ENV, "")
    )
    names = set(LOOPBACK_HOSTS)
    names.update(_host_name(host) for host in listed.split())
    for origin in cors_origins or ():
        names.add(_host_name(origin.split("://", 1)[-1]))
    return frozenset(names)


def trusted_hosts(host_header: str | None, allowed_names: Collection[str]) -> list[str]:
    """The request's Host, if its name is an allowed one; else nothing."""
    if host_header and _host_name(host_header) in allowed_names:
        return [host_header]
    return []


def request_origin_allowed(request: Request) -> bool:
    origins = request.headers.getall("origin", [])
    configured = configured_origins(request.app)
    allowed = origin_allowed(
        origins,
        configured,
        trusted_hosts(request.headers.get("host"), allowed_host_names(configured)),
    )
    if not allowed and len(_logged_origins) < 100 and str(origins) not in _logged_origins:
        _logged_origins.add(str(origins))
        logger.warning(
            "socket.io request refused: Origin %s is not this server's own origin and not "
            "in its CORS list (RASA_CORS_ORIGINS)",
            origins,
        )
    return allowed


class OriginCheckedEngineIO(engineio.AsyncServer):
    """engine.io server that refuses browsers from foreign origins. python-socketio's
    own check is off (cors_allowed_origins=[]) because it would also add CORS headers
    next to sanic-cors' ones, and browsers reject duplicate headers."""

    async def handle_request(self, *args: Any, **kwargs: Any) -> Any:
        request = args[0] if args else None
        if isinstance(request, Request) and not request_origin_allowed(request):
            return response.json(
                {
                    "error": "origin_not_allowed",
                    "message": "This chat cannot be used from that website.",
                },
                status=403,
            )
        return await super().handle_request(*args, **kwargs)

    # A websocket's request ends with the socket: engine.io then returns no response,
    # which Sanic logs as an error with a traceback ("Invalid response type None")
    # on every clean close, unless the route's handler is marked as a websocket one.
    handle_request.is_websocket = True  # type: ignore[attr-defined]


class OriginCheckedSocketIO(AsyncServer):
    def _engineio_server_class(self) -> type:
        return OriginCheckedEngineIO
