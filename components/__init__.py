"""Custom Rasa graph components (the NLU pipeline in config.yml uses them).

Thin glue: the language logic lives in the plain-Python `advisor` package."""
