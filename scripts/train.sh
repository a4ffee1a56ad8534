#!/usr/bin/env bash
# Train the model. Rasa's fingerprint makes this a no-op when nothing changed.
source "$(dirname "$0")/common.sh"
log "Training (skipped by Rasa when data and config are unchanged)"
"$RASA" train --fixed-model-name "$MODEL_NAME" --out "$MODEL_DIR" --quiet "$@"
