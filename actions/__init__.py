"""Custom actions (rasa-sdk). They only translate between Rasa slots/messages and
the plain-Python `advisor` package, which holds all scoring and parsing logic."""

from advisor import warm_up

# Load the answer parser's spaCy pipeline when the action server starts, not on
# the first user's answer (it takes a few seconds).
warm_up()
