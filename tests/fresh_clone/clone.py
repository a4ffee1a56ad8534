"""A fresh clone of the commit under test and the environment a newcomer's shell has:
nothing of this checkout (its venv, PYTHONPATH, var/) leaks into it."""

import os
import socket
import subprocess
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
# What a login shell has; PIP_/PYENV_ settings are the machine's (its package index and
# wheel folder: pip's cache is what lets a second install skip the downloads).
KEPT = ("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TERM", "TMPDIR", "CI")
KEPT_PREFIXES = ("PIP_", "PYENV", "NPM_CONFIG_", "npm_config_", "SSL_CERT_")


def fresh_clone(into: Path) -> Path:
    """`git clone` of this checkout's HEAD (what CI checks out); uncommitted changes are
    not in it, as they would not be in a user's clone."""
    clone = into / "outsourcing-advisor"
    subprocess.run(
        ["git", "clone", "--quiet", "--no-local", str(PROJECT_DIR), str(clone)],
        check=True,
        timeout=120,
    )
    return clone


def newcomer_env(**extra: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name in KEPT or name.startswith(KEPT_PREFIXES)
    }
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0
