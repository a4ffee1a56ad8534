#!/usr/bin/env bash
# Install the Debian packages the scale-out mode and its tests run locally:
# PostgreSQL (tracker store), Redis (lock store), nginx (load balancer) and logrotate
# (scripts/rotate_logs.sh).
#
# Idempotent: does nothing when all of them are already installed. Installing
# needs root (apt-get); without root it prints the command to run and fails.
# The packages' own system services are never started: scripts/scale_up.sh and
# the tests run private instances on loopback ports from a temporary directory.
#
#   bash scripts/install_services.sh          # install what is missing
#   bash scripts/install_services.sh --check  # exit 0 if installed, 1 if not
set -euo pipefail

PACKAGES=(postgresql redis-server nginx logrotate)  # logrotate: scripts/rotate_logs.sh

postgres_bin_dir() {  # the newest /usr/lib/postgresql/<version>/bin with initdb
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"
  if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ]; then echo "$dir"; fi
}

missing() {  # the packages whose programs are not there yet
  [ -n "$(postgres_bin_dir)" ] || echo postgresql
  command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || echo redis-server
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || echo nginx
  command -v logrotate >/dev/null 2>&1 || [ -x /usr/sbin/logrotate ] || echo logrotate
}

mapfile -t MISSING < <(missing)
if [ "${#MISSING[@]}" -eq 0 ]; then
  exit 0
fi
if [ "${1:-}" = "--check" ]; then
  echo "missing: ${MISSING[*]}"
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ERROR: ${MISSING[*]} missing and apt-get is not available." >&2
  echo "Install PostgreSQL, Redis and nginx with your OS package manager." >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ERROR: ${MISSING[*]} missing; installing needs root. Run:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${PACKAGES[*]}" >&2
  exit 1
fi

printf '\033[1m==> %s\033[0m\n' "Installing Debian packages: ${MISSING[*]} (their system services stay off)"
# Debian starts a package's service right after installing it unless
# /usr/sbin/policy-rc.d says no (Docker images ship one that does). Add a
# temporary one if there is none, so nothing starts listening on port 80/5432/6379.
POLICY=/usr/sbin/policy-rc.d
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\n# temporary, from scripts/install_services.sh\nexit 101\n' >"$POLICY"
  chmod 755 "$POLICY"
  trap 'rm -f "$POLICY"' EXIT
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null

mapfile -t STILL_MISSING < <(missing)
if [ "${#STILL_MISSING[@]}" -ne 0 ]; then
  echo "ERROR: apt-get ran but ${STILL_MISSING[*]} is still missing." >&2
  exit 1
fi
echo "PostgreSQL: $(postgres_bin_dir)  Redis: $(command -v redis-server || echo /usr/bin/redis-server)  nginx: $(command -v nginx || echo /usr/sbin/nginx)"
