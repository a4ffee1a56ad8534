"""Custom actions (rasa-sdk). They only translate between Rasa slots/messages and
the plain-Python `advisor` package, which holds all scoring and parsing logic."""
