"""Render deploy/nginx/advisor.conf.template into an nginx.conf.

Used by scripts/scale_up.sh (``python deploy/nginx/render.py TEMPLATE OUT``, the
settings in the environment) and by the tests (``render(settings)``). Every
``@@NAME@@`` of the template gets a value; numbers and addresses are checked, so
a setting cannot inject nginx configuration.

Settings (environment variables of the same name):

* NGINX_DIR, NGINX_USER (empty: nginx's default), HTTP_PORT, RASA_PORTS (space
  separated), ACTIONS_PORT, ACTIONS_PROXY_PORT, RASA_READ_TIMEOUT, ACTION_TIMEOUT;
* EXPOSE_REST: 1 serves /webhooks/rest/ publicly, 0 answers it 404;
* LIMIT_RATE, LIMIT_BURST, LIMIT_CONN: requests per second, burst and open
  connections per client address; SLACK_LIMIT_RATE, SLACK_LIMIT_BURST for Slack;
* LIMIT_EXEMPT: addresses or networks (space separated) not limited;
* ADVISOR_ADMIN_TOKEN (optional): when set, /admin/ (the analytics page) is passed on.

It also prepares nginx's private log folder, NGINX_DIR/log (`prepare_log_dir`).
"""

from __future__ import annotations

import ipaddress
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

TEMPLATE = Path(__file__).with_name("advisor.conf.template")
NUMBERS = (
    "HTTP_PORT",
    "ACTIONS_PORT",
    "ACTIONS_PROXY_PORT",
    "RASA_READ_TIMEOUT",
    "ACTION_TIMEOUT",
    "LIMIT_RATE",
    "LIMIT_BURST",
    "LIMIT_CONN",
    "SLACK_LIMIT_RATE",
    "SLACK_LIMIT_BURST",
)
SETTINGS = (
    "NGINX_DIR",
    "NGINX_USER",
    "RASA_PORTS",
    "EXPOSE_REST",
    "LIMIT_EXEMPT",
    *NUMBERS,
)


def render(settings: Mapping[str, str], template: str | None = None) -> str:
    """The nginx configuration for `settings` (every name in SETTINGS)."""
    missing = [name for name in SETTINGS if name not in settings]
    if missing:
        raise ValueError(f"missing settings: {', '.join(missing)}")
    for name in NUMBERS:
        if not re.fullmatch(r"[0-9]+", settings[name]) or int(settings[name]) < 1:
            raise ValueError(f"{name} must be a positive whole number, not {settings[name]!r}")
    ports = settings["RASA_PORTS"].split()
    if not ports or not all(re.fullmatch(r"[0-9]+", port) for port in ports):
        raise ValueError(f"RASA_PORTS must be port numbers, not {settings['RASA_PORTS']!r}")
    if settings["EXPOSE_REST"] not in ("0", "1"):
        raise ValueError(f"EXPOSE_REST must be 0 or 1, not {settings['EXPOSE_REST']!r}")
    user = settings["NGINX_USER"]
    if user and not re.fullmatch(r"[a-z_][a-z0-9_-]*", user):
        raise ValueError(f"NGINX_USER is not a user name: {user!r}")
    nginx_dir = settings["NGINX_DIR"]
    if not nginx_dir.startswith("/") or re.search(r"[\s;{}'\"$]", nginx_dir):
        raise ValueError(f"NGINX_DIR must be an absolute path without spaces: {nginx_dir!r}")
    exempt = []
    for address in settings["LIMIT_EXEMPT"].split():
        try:
            exempt.append(str(ipaddress.ip_network(address, strict=False)))
        except ValueError as error:
            raise ValueError(f"LIMIT_EXEMPT: {error}") from None

    values = {name: settings[name] for name in NUMBERS}
    values.update(
        NGINX_DIR=nginx_dir,
        NGINX_USER=f"user {user};" if user else "",
        RASA_SERVERS="\n".join(
            f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in ports
        ),
        RASA_REPLICAS=str(len(ports)),
        REST_ACCESS=(
            "            # REST is exposed (SCALE_EXPOSE_REST=1)."
            if settings["EXPOSE_REST"] == "1"
            else "            return 404;  # REST is not exposed (SCALE_EXPOSE_REST=0)"
        ),
        # Not a required setting: the token itself, from the environment (never written).
        ADMIN_ACCESS=(
            "            # The analytics page is enabled (ADVISOR_ADMIN_TOKEN is set)."
            if settings.get("ADVISOR_ADMIN_TOKEN", "").strip()
            else "            return 404;  # the analytics page is off (no ADVISOR_ADMIN_TOKEN)"
        ),
        LIMIT_EXEMPT="\n".join(f"        {network} 0;" for network in exempt)
        or "        # (no exempt address: SCALE_LIMIT_EXEMPT is empty)",
    )
    text = TEMPLATE.read_text() if template is None else template
    unknown = set(re.findall(r"@@([A-Z_]+)@@", text)) - set(values)
    if unknown:
        raise ValueError(f"the template has placeholders without a value: {sorted(unknown)}")
    for name, value in values.items():
        text = text.replace(f"@@{name}@@", value)
    return text


LOG_FILES = ("access.log", "error.log")


def prepare_log_dir(nginx_dir: str, user: str = "") -> Path:
    """NGINX_DIR/log: private (0700, files 0600), owned by nginx's worker user when
    nginx starts as root (its workers reopen the logs after a rotation)."""
    log_dir = Path(nginx_dir) / "log"
    log_dir.mkdir(mode=0o700, exist_ok=True)
    log_dir.chmod(0o700)
    for name in LOG_FILES:
        path = log_dir / name
        path.touch(mode=0o600)
        path.chmod(0o600)
    if user and os.geteuid() == 0:
        import shutil

        for path in (log_dir, *(log_dir / name for name in LOG_FILES)):
            shutil.chown(path, user)
    return log_dir


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(f"usage: {argv[0]} TEMPLATE OUTPUT (settings in the environment)", file=sys.stderr)
        return 2
    try:
        text = render(os.environ, Path(argv[1]).read_text())
    except ValueError as error:
        print(f"ERROR: nginx configuration: {error}", file=sys.stderr)
        return 1
    Path(argv[2]).write_text(text)
    prepare_log_dir(os.environ["NGINX_DIR"], os.environ.get("NGINX_USER", ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
