#!/usr/bin/env bash
# Create .venv with Python 3.10, install pinned requirements, build the spaCy
# pipeline. Re-running is cheap: each step is skipped when already done.
source "$(dirname "$0")/common.sh"

find_python310() {
  if command -v python3.10 >/dev/null 2>&1 && python3.10 -c 'import sys' 2>/dev/null; then
    command -v python3.10; return
  fi
  if command -v pyenv >/dev/null 2>&1; then
    local prefix
    prefix="$(pyenv prefix 3.10 2>/dev/null | head -n1 || true)"
    if [ -n "$prefix" ] && [ -x "$prefix/bin/python" ]; then
      echo "$prefix/bin/python"; return
    fi
  fi
  return 1
}

if [ ! -x "$PY" ]; then
  if ! PYTHON310="$(find_python310)"; then
    echo "ERROR: Rasa 3.6 needs Python 3.10, and none was found." >&2
    echo "Install it (e.g. 'pyenv install 3.10' or your OS package python3.10) and re-run." >&2
    exit 1
  fi
  log "Creating .venv with $PYTHON310"
  "$PYTHON310" -m venv "$VENV"
  "$PY" -m pip install -q --upgrade pip wheel "setuptools<70"
fi

# uv (a pinned PyPI package) installs the same pins as pip, several times faster; pip is
# the fallback when uv cannot reach an index pip can (pip.conf's wheel folders and mirrors
# are passed on as uv's --find-links and indexes).
UV_VERSION="0.13.10"
install_requirements() {
  local uv="$VENV/bin/uv" sources=()
  "$PY" -m pip install -q --disable-pip-version-check "uv==$UV_VERSION" >/dev/null 2>&1 || true
  local links indexes
  links="$("$PY" -m pip config get global.find-links 2>/dev/null || true) ${PIP_FIND_LINKS:-}"
  indexes="$("$PY" -m pip config get global.extra-index-url 2>/dev/null || true) ${PIP_EXTRA_INDEX_URL:-}"
  for link in $links; do [ -e "$link" ] && sources+=(--find-links "$link"); done
  for index in $indexes; do sources+=(--extra-index-url "$index"); done
  # unsafe-best-match: every index counts, as in pip (uv's default trusts the first one).
  # pip's certificate (a TLS-inspecting proxy's CA) is uv's too; --system-certs adds the OS's.
  local cert="${SSL_CERT_FILE:-${PIP_CERT:-}}"
  [ -n "$cert" ] && export SSL_CERT_FILE="$cert"
  if [ -x "$uv" ] && "$uv" pip install -q --python "$PY" --index-strategy unsafe-best-match \
    --system-certs "${sources[@]}" -r requirements-dev.txt; then
    return
  fi
  log "uv could not install the requirements; installing with pip (about 2 minutes)"
  "$PY" -m pip install -q --disable-pip-version-check -r requirements-dev.txt 2>&1 \
    | grep -v "is ignored: it is neither a file nor a directory" || true
}

# Reinstall only when the requirement files or pyproject.toml change.
stamp="$VENV/.requirements.sha"
wanted="$(cat requirements.txt requirements-dev.txt pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  log "Installing Python requirements (under a minute once the package cache is warm)"
  install_requirements
  # Same pins, same resolution as pip (checked): uv installs in parallel from its cache.
  # The project itself, editable: its packages import from anywhere, no sys.path edits.
  "$PY" -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation \
    --config-settings editable_mode=compat -e .
  (cd / && "$PY" -c "import rasa, rasa_sdk, spacy_lookups_data, advisor") \
    || { echo "ERROR: pip install failed" >&2; exit 1; }
  echo "$wanted" > "$stamp"
fi

if [ ! -f "$SPACY_PIPELINE/meta.json" ]; then
  log "Building the offline spaCy pipeline in $SPACY_PIPELINE"
  "$PY" scripts/build_spacy_pipeline.py "$SPACY_PIPELINE" 2>/dev/null
fi

# The chat page's widget comes from the npm registry and is served by our own server.
bash scripts/install_web_assets.sh
