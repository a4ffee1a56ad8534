"""The Rasa server proves itself to the action server with a shared secret.

Anyone who can reach the action server could otherwise run any custom action for
any conversation id with a tracker of their own making (e.g. get report links).
So every call but ``GET /health`` must carry ``Authorization: Bearer
<ACTION_SERVER_TOKEN>``, or it gets ``401`` and no action runs.

* The action server: `require_token` registers a request middleware through
  rasa_sdk's own plugin hook (``attach_sanic_app_extensions``); without
  ``ACTION_SERVER_TOKEN`` it refuses to start.
* The Rasa server: Rasa sends an endpoint's ``headers`` with every call
  (``EndpointConfig``). `endpoints_with_token` makes sure the ``action_endpoint``
  of the endpoints file it starts with has the header, as ``Bearer
  ${ACTION_SERVER_TOKEN}`` (Rasa expands it from the environment, so the secret is
  never written to disk): endpoints.yml, deploy/endpoints.scale.yml, the Helm
  chart's generated file and the tests' files alike.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import hmac
import os
import tempfile
from collections.abc import MutableMapping, Sequence
from pathlib import Path
from typing import Any

import pluggy
import yaml

TOKEN_ENV = "ACTION_SERVER_TOKEN"
MIN_TOKEN_CHARS = 32
HEADER = "Authorization"
HEADER_VALUE = "Bearer ${" + TOKEN_ENV + "}"  # expanded by Rasa when it reads the file
OPEN_PATHS = frozenset({"/health"})  # liveness probes carry no secret
UNAUTHORIZED = {
    "error": "unauthorized",
    "message": f"Calls to the action server need 'Authorization: Bearer <{TOKEN_ENV}>'.",
}


class MissingActionToken(SystemExit):
    """ACTION_SERVER_TOKEN is not set (or too short to be a secret)."""


def action_token(environ: MutableMapping[str, str]) -> str:
    token = environ.get(TOKEN_ENV, "").strip()
    if len(token) < MIN_TOKEN_CHARS:
        raise MissingActionToken(
            f"runtime.launch: {TOKEN_ENV} must be set to a random string of at least "
            f"{MIN_TOKEN_CHARS} characters, the same for the Rasa and the action server "
            "(scripts/servers.sh keeps one in var/)."
        )
    return token


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def bearer_matches(authorization: str | None, token: str) -> bool:
    """``Bearer <token>``, compared in constant time (digests: not even the length leaks)."""
    scheme, _, given = (authorization or "").strip().partition(" ")
    given = given.strip() if scheme.lower() == "bearer" else ""
    return bool(given) and hmac.compare_digest(_digest(given), _digest(token))


# --- the action server ------------------------------------------------------------------


_hookimpl = pluggy.HookimplMarker("rasa_sdk")  # rasa_sdk's plugin hooks (rasa_sdk/plugin.py)


class TokenCheck:
    """A rasa_sdk plugin: every request but OPEN_PATHS needs the token."""

    def __init__(self, token: str) -> None:
        self.token = token

    @_hookimpl
    def attach_sanic_app_extensions(self, app: Any) -> None:
        from sanic import response

        async def check(request: Any) -> Any:
            if request.path in OPEN_PATHS:
                return None
            if bearer_matches(request.headers.get("authorization"), self.token):
                return None
            return response.json(UNAUTHORIZED, status=401, headers={"WWW-Authenticate": "Bearer"})

        app.register_middleware(check, "request")


def require_token(environ: MutableMapping[str, str]) -> None:
    """Make the action server about to start check the token on every call."""
    from rasa_sdk.plugin import plugin_manager

    plugin_manager().register(TokenCheck(action_token(environ)))


# --- the Rasa server --------------------------------------------------------------------


def _endpoints_argument(args: Sequence[str]) -> tuple[int | None, str]:
    """(index of the value in `args` or None, the endpoints file Rasa will read)."""
    for index, arg in enumerate(args):
        if arg == "--endpoints" and index + 1 < len(args):
            return index + 1, args[index + 1]
        if arg.startswith("--endpoints="):
            return index, arg.split("=", 1)[1]
    return None, "endpoints.yml"  # Rasa's default


def _with_header(action_endpoint: dict[str, Any]) -> dict[str, Any]:
    headers = dict(action_endpoint.get("headers") or {})
    for name in list(headers):
        if name.lower() == HEADER.lower():
            del headers[name]
    return {**action_endpoint, "headers": {**headers, HEADER: HEADER_VALUE}}


def endpoints_with_token(args: Sequence[str], environ: MutableMapping[str, str]) -> list[str]:
    """`rasa run` arguments whose endpoints file sends the token to the action server.

    The file is read as YAML, without expanding ``${...}`` (Rasa does that); if it
    has an ``action_endpoint`` whose header is not exactly ours, a private copy with
    the header is written and used instead (deleted when the process exits)."""
    args = list(args)
    index, path = _endpoints_argument(args)
    if not Path(path).is_file():
        return args  # no endpoints: no action server to call
    text = Path(path).read_text()
    config = yaml.safe_load(text) or {}
    action_endpoint = config.get("action_endpoint") if isinstance(config, dict) else None
    if not isinstance(action_endpoint, dict) or not action_endpoint.get("url"):
        return args
    action_token(environ)  # the Rasa server refuses to start without it, too
    if (action_endpoint.get("headers") or {}).get(HEADER) == HEADER_VALUE:
        return args
    config["action_endpoint"] = _with_header(action_endpoint)
    handle, copy = tempfile.mkstemp(prefix="endpoints-", suffix=".yml")
    with os.fdopen(handle, "w") as out:
        out.write(f"# {path} with the action server's token header (runtime/action_auth.py)\n")
        yaml.safe_dump(config, out, sort_keys=False)
    atexit.register(_remove, copy)
    if index is None:
        return [*args, "--endpoints", copy]
    args[index] = copy if args[index] == path else f"--endpoints={copy}"
    return args


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
