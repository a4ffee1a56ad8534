"""The environment of every server the tests and the benchmark start.

The defaults are read from scripts/common.sh, which `make run`, `make test` and
the other scripts source: one list, so a test server runs with the same limits
(request size, action timeout...) as the assistant a developer starts.
"""

import os
import re
import secrets
from collections.abc import Mapping
from functools import cache
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
COMMON_SH = PROJECT_DIR / "scripts" / "common.sh"

# A developer's own settings must not change what is tested or measured.
UNSET = (
    "RASA_API_TOKEN",
    "RASA_JWT_SECRET",
    "RASA_JWT_METHOD",
    "ACTIONS_REQUEST_MAX_SIZE",
    "REST_TOKEN",
    "RASA_CORS_ORIGINS",
    "RASA_RUNTIME_SKIP",
    "ADVISOR_SECRET_KEYS",
)

# export NAME=value | export NAME="value" | export NAME="${NAME:-value}"   (# comment)
_EXPORT = re.compile(
    r"""^export\s+(?P<name>[A-Z_][A-Z0-9_]*)=
        (?:"\$\{(?P=name):-(?P<default>[^}"$]*)\}"|"(?P<quoted>[^"$]*)"|(?P<bare>[^\s"'$#]*))
        \s*(?:\#.*)?$""",
    re.VERBOSE,
)


_RUN_SECRET = secrets.token_urlsafe(48)
_RUN_ACTION_TOKEN = secrets.token_urlsafe(48)
# Rasa agents loaded in this process (bench/sequential.py, test_runtime_equivalence.py)
# read write_endpoints' files, whose header names ${ACTION_SERVER_TOKEN}: this process
# has the run's token too (a developer's own value wins, here and in server_env).
os.environ.setdefault("ACTION_SERVER_TOKEN", _RUN_ACTION_TOKEN)


@cache
def defaults() -> dict[str, str]:
    """NAME -> value for each `export` of scripts/common.sh with a literal value
    (PYTHONPATH, built from the checkout's path, is not needed: the project is
    installed with `pip install -e .`)."""
    found: dict[str, str] = {}
    for line in COMMON_SH.read_text().splitlines():
        match = _EXPORT.match(line.strip())
        if match:
            value = next(v for v in match.group("default", "quoted", "bare") if v is not None)
            found[match.group("name")] = value
    return found


def server_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment with scripts/common.sh's values, then `extra`."""
    env = dict(os.environ)
    for name in UNSET:
        env.pop(name, None)
    env.update(defaults())
    # Tests and benchmarks replay conversations far faster than people type: no
    # per-sender message limit, except where a test sets one (the hardened stack).
    env["RASA_MAX_MESSAGES_PER_MINUTE"] = "0"
    # The Rasa and action servers of one run share the secret of signed ids and links.
    env.setdefault("ADVISOR_SECRET_KEY", _RUN_SECRET)
    # ...and the token the Rasa server shows the action server (runtime/action_auth.py).
    env.setdefault("ACTION_SERVER_TOKEN", _RUN_ACTION_TOKEN)
    env.update(extra or {})
    return env
