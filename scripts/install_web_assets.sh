#!/usr/bin/env bash
# Install the chat page's JavaScript dependencies (pinned in web/package-lock.json) into
# web/node_modules: the socket.io client, served at /chat/assets/socket.io.js
# (channels/web_page.py), and axe-core for the accessibility tests. Skipped when
# node_modules is already installed from the current lock file.
set -euo pipefail
WEB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../web" && pwd)"
cd "$WEB_DIR"

BUNDLE="node_modules/socket.io-client/dist/socket.io.min.js"
STAMP="node_modules/.outsourcing-advisor-install.sha"   # removed with node_modules

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "ERROR: the chat page needs Node.js and npm to install its socket.io client (web/package.json)." >&2
  echo "Install them (e.g. 'apt-get install nodejs npm'; Node.js >= 16, npm >= 7) and re-run 'make setup'." >&2
  exit 1
fi
npm_major="$(npm --version 2>/dev/null | cut -d. -f1)"
if [ "${npm_major:-0}" -lt 7 ] 2>/dev/null; then
  echo "ERROR: npm $(npm --version) is too old for web/package-lock.json (lockfile v3): npm >= 7 is needed." >&2
  exit 1
fi

lock_files=(package.json)
[ -f package-lock.json ] && lock_files+=(package-lock.json)
wanted="$(cat "${lock_files[@]}" | sha256sum | cut -d' ' -f1)"
if [ -f "$BUNDLE" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$wanted" ]; then
  exit 0
fi

printf '\033[1m==> %s\033[0m\n' "Installing the chat page's socket.io client and axe-core into web/node_modules"
# --ignore-scripts: only the prebuilt bundle is used, no package needs to build anything.
npm_flags=(--no-audit --no-fund --ignore-scripts --loglevel=error)
if [ -f package-lock.json ]; then
  npm ci "${npm_flags[@]}"
else
  npm install "${npm_flags[@]}"
fi

if [ ! -f "$BUNDLE" ]; then
  echo "ERROR: npm finished but web/$BUNDLE is missing." >&2
  exit 1
fi
# npm install may have written a new lock file: stamp what is there now.
lock_files=(package.json)
[ -f package-lock.json ] && lock_files+=(package-lock.json)
cat "${lock_files[@]}" | sha256sum | cut -d' ' -f1 > "$STAMP"
