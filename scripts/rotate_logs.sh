#!/usr/bin/env bash
# Rotate every log the project writes (deploy/logrotate.conf.template): daily, or
# at 50 MB, 7 kept, compressed. Run it daily, e.g. from cron; `--force` rotates now.
# ADVISOR_VAR_DIR moves var/ (as for scripts/servers.sh).
source "$(dirname "$0")/common.sh"
VAR_DIR="${ADVISOR_VAR_DIR:-$PROJECT_DIR/var}"
LOGROTATE="$(command -v logrotate || echo /usr/sbin/logrotate)"
if [ ! -x "$LOGROTATE" ]; then
  echo "ERROR: logrotate is not installed (Debian: apt-get install logrotate)" >&2
  exit 1
fi
[ -d "$VAR_DIR" ] || exit 0  # nothing has run yet: no logs
CONFIG="$VAR_DIR/logrotate.conf"
(umask 077 && sed "s#@@VAR_DIR@@#$VAR_DIR#g" deploy/logrotate.conf.template >"$CONFIG")
umask 077  # its state file, and any file it creates, are private like var/
exec "$LOGROTATE" --state "$VAR_DIR/logrotate.state" "$@" "$CONFIG"
