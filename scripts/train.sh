#!/usr/bin/env bash
# Train the model. Rasa's fingerprint makes this a no-op when nothing changed.
source "$(dirname "$0")/common.sh"
log "Training (skipped by Rasa when data and config are unchanged)"
started=$SECONDS
# --augmentation 0: the dialogue is rules plus a form and four short stories, so
# gluing stories together (Rasa's default, 50) only makes more trackers for the
# policies to learn from and does not change an e2e story's outcome.
"$RASA" train --augmentation 0 --fixed-model-name "$MODEL_NAME" --out "$MODEL_DIR" --quiet "$@"
log "Training step took $((SECONDS - started)) s"
