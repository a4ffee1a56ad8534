"""Custom Rasa input channels of the Outsourcing Advisor (see credentials.yml)."""
