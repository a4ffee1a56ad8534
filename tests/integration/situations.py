"""Kept for imports: the situations live in harness/situations.py (shared with bench/)."""

from harness.situations import SITUATIONS

__all__ = ["SITUATIONS"]
