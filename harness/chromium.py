"""Debian's Chromium as the browser tests and the benchmark's screenshots drive it
(through Playwright, never `playwright install`): headless, no sandbox (root), and none of
the background connections this machine's closed network would refuse."""

import os

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
