"""Screenshots of the operators' page for the docs (docs/admin-*.png).

    .venv/bin/python -m bench.admin_screenshots [--events N]

Writes N generated events (default 60,000: about 2,000 conversations over the last
30 days, bench/admin_data.py) into a new SQLite file, starts the Rasa server with
the page on, logs in with Debian's Chromium (headless, driven by Playwright) and
saves each page. The data is generated: no real conversation appears.
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa

from bench.admin_page import fill, wait_for_summary
from harness.env import PROJECT_DIR
from harness.servers import RasaServer
from tests.integration.browser import CHROMIUM, CHROMIUM_ARGS

DOCS = PROJECT_DIR / "docs"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.admin_screenshots")
    parser.add_argument("--events", type=int, default=60_000)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="advisor-admin-shots-"))
    server = None
    try:
        engine = sa.create_engine(f"sqlite:///{workdir / 'tracker.db'}")
        _, _, sample = fill(engine, args.events)
        engine.dispose()
        token = secrets.token_urlsafe(24)
        server = RasaServer(
            workdir,
            "http://127.0.0.1:9/webhook",
            workdir / "tracker.db",
            extra_env={"ADVISOR_ADMIN_TOKEN": token},
        ).start()
        wait_for_summary(server, token)
        with sync_playwright() as api:
            browser = api.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1150, "height": 900})
            page.goto(server.base_url + "/admin/")
            page.fill("input[name=token]", token)
            page.click("button")
            for path, name in [
                ("/admin/", "overview"),
                ("/admin/mix", "mix"),
                ("/admin/understanding", "understanding"),
                ("/admin/conversations?q=blockchain", "conversations"),
                (f"/admin/conversations/{sample}", "transcript"),
            ]:
                page.goto(server.base_url + path)
                page.screenshot(path=str(DOCS / f"admin-{name}.png"), full_page=True)
                print(f"docs/admin-{name}.png")
            browser.close()
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
