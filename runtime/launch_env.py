"""What runtime/launch.py settles before Rasa or the action server starts.

* Secrets off the command line (README "Security and reliability"):
  ``RASA_API_TOKEN`` and ``RASA_JWT_SECRET`` (with ``RASA_JWT_METHOD``, default
  HS256) are read from the environment and handed to Rasa inside the launcher's
  process, so ``ps`` and ``/proc/<pid>/cmdline`` show only the launcher's own
  arguments; the variables are removed from the environment child processes
  inherit. Either one switches the HTTP admin API on (``--enable-api``); without
  them it stays off. Secrets (and ``--enable-api``) given as options are refused.
* The action server's own request-size limit, ``ACTIONS_REQUEST_MAX_SIZE``
  (default 16 MiB): Rasa posts the tracker to it on every call (with the events of
  the last user turns only: runtime/action_events.py), which can outgrow the 256 KiB
  limit for user-facing requests (``SANIC_REQUEST_MAX_SIZE``, scripts/common.sh)
  in a long turn-heavy conversation. It listens
  on loopback unless ``SANIC_HOST`` says otherwise (rasa_sdk's default is 0.0.0.0).
* The shared secret of the Rasa and action servers, ``ACTION_SERVER_TOKEN``
  (runtime/action_auth.py): both refuse to start without it; the Rasa server's
  endpoints file gets the header that sends it with every action call.
* Files the servers create (SQLite tracker store, ...) are private: umask 077.
* The Rasa server runs TensorFlow and OpenMP on one thread each unless the
  environment says otherwise: a message's models are small, so thread pools only
  compete with the event loop, the action server and the database for the cores
  (measured in bench/README.md).
"""

import os
from collections.abc import MutableMapping, Sequence

from runtime.action_auth import action_token, endpoints_with_token

SECRET_OPTIONS = ("--auth-token", "--jwt-secret", "--enable-api")
DEFAULT_ACTIONS_REQUEST_MAX_SIZE = 16 * 1024 * 1024


class LaunchError(SystemExit):
    """A start-up setting is wrong: the launcher stops with this message."""


def is_action_server(args: Sequence[str]) -> bool:
    return list(args[:2]) == ["run", "actions"]


def _has_option(args: Sequence[str], option: str) -> bool:
    return any(arg == option or arg.startswith(option + "=") for arg in args)


def rasa_arguments(args: Sequence[str], environ: MutableMapping[str, str]) -> list[str]:
    """`rasa` arguments plus the admin-API options from `environ` (emptied of the secrets)."""
    args = list(args)
    for option in SECRET_OPTIONS:
        if _has_option(args, option):
            raise LaunchError(
                f"runtime.launch: don't pass {option}; set RASA_API_TOKEN / RASA_JWT_SECRET in the "
                "environment instead (command-line options are visible to every user in `ps`)."
            )
    token = environ.pop("RASA_API_TOKEN", "").strip()
    jwt_secret = environ.pop("RASA_JWT_SECRET", "").strip()
    jwt_method = environ.pop("RASA_JWT_METHOD", "").strip() or "HS256"
    if token or jwt_secret:
        args.append("--enable-api")
    if token:
        args += ["--auth-token", token]
    if jwt_secret:
        args += ["--jwt-secret", jwt_secret, "--jwt-method", jwt_method]
    return args


def configure_action_server(environ: MutableMapping[str, str]) -> None:
    """The action server's own body limit (Sanic reads SANIC_* when the app is created)."""
    limit = environ.get("ACTIONS_REQUEST_MAX_SIZE", "").strip() or str(
        DEFAULT_ACTIONS_REQUEST_MAX_SIZE
    )
    if not limit.isdigit() or int(limit) <= 0:
        raise LaunchError(
            f"runtime.launch: ACTIONS_REQUEST_MAX_SIZE must be a number of bytes, not {limit!r}"
        )
    environ["SANIC_REQUEST_MAX_SIZE"] = limit
    environ.setdefault("SANIC_HOST", "127.0.0.1")
    action_token(environ)  # no token: refuse to start (every call would be refused)
    for name in ("RASA_API_TOKEN", "RASA_JWT_SECRET"):
        environ.pop(name, None)  # the action server has no use for them


SINGLE_THREADED_SERVING = {
    "TF_INTER_OP_PARALLELISM_THREADS": "1",  # read by Rasa's setup_tf_environment
    "TF_INTRA_OP_PARALLELISM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
}


def configure_serving_threads(environ: MutableMapping[str, str]) -> None:
    for name, value in SINGLE_THREADED_SERVING.items():
        environ.setdefault(name, value)  # an operator's own setting wins


def prepare(args: Sequence[str], environ: MutableMapping[str, str] = os.environ) -> list[str]:
    """Settle umask and environment; the arguments to run `rasa` with."""
    os.umask(0o077)
    if is_action_server(args):
        configure_action_server(environ)
        return list(args)
    if list(args[:1]) == ["run"]:
        configure_serving_threads(environ)
        return endpoints_with_token(rasa_arguments(args, environ), environ)
    return list(args)  # train, test, ...: no server, nothing to add
