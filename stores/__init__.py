"""Persistence used by the Rasa server (configured in endpoints.yml)."""
