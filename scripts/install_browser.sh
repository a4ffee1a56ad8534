#!/usr/bin/env bash
# Install the headless browser the web-widget tests drive (Debian's chromium),
# if it is not there yet. Playwright only talks to it; we never run
# `playwright install` (that downloads a browser from a CDN).
set -euo pipefail
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ERROR: $CHROMIUM is missing and apt-get is not available." >&2
  echo "Install Chromium with your OS package manager (or set CHROMIUM=/path/to/chromium)." >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ERROR: $CHROMIUM is missing; installing it needs root. Run:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y chromium" >&2
  exit 1
fi

printf '\033[1m==> %s\033[0m\n' "Installing Debian's chromium for the web-widget tests"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
if [ ! -x "$CHROMIUM" ]; then
  echo "ERROR: apt-get installed chromium but $CHROMIUM does not exist." >&2
  exit 1
fi
"$CHROMIUM" --version
