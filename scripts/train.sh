#!/usr/bin/env bash
# Train the model. Rasa's fingerprint makes this a no-op when nothing changed.
source "$(dirname "$0")/common.sh"
log "Training (skipped by Rasa when data and config are unchanged)"
started=$SECONDS
"$RASA" train --fixed-model-name "$MODEL_NAME" --out "$MODEL_DIR" --quiet "$@"
log "Training step took $((SECONDS - started)) s"
