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

# Reinstall only when the requirement files or pyproject.toml change.
stamp="$VENV/.requirements.sha"
wanted="$(cat requirements.txt requirements-dev.txt pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  log "Installing Python requirements (about 2 minutes the first time)"
  "$PY" -m pip install -q --disable-pip-version-check -r requirements-dev.txt 2>&1 \
    | grep -v "is ignored: it is neither a file nor a directory" || true
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
