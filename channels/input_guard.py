"""Validation shared by the guarded REST and socket.io channels.

Every user message passes through `check_message` before Rasa sees it, so bad
input gets a clear 4xx / polite reply instead of a crash, a 5xx or a tracker
that cannot be stored (PostgreSQL rejects NUL bytes and senders over 255 chars;
lone surrogates cannot be encoded at all).
"""

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

MAX_MESSAGE_CHARS = 2000
MAX_SENDER_CHARS = 128  # the SQL tracker store's sender_id column holds 255
# Metadata is stored with every event and deep-copied by Rasa: keep it small and flat.
MAX_METADATA_BYTES = 8 * 1024
MAX_METADATA_DEPTH = 8

TOO_LONG = (
    f"That message is a bit long for me — please keep it under {MAX_MESSAGE_CHARS:,} "
    "characters, for example by asking one question at a time."
)
EMPTY = "Please type a message — I didn't receive any text."
# Line breaks and tabs are how people type; every other C0/C1 control character
# (NUL, ESC, DEL, ...) and lone surrogates are dropped. Format characters (Cf)
# stay: zero-width joiners build emoji and bidi marks are needed for RTL text.
_KEEP = {"\n", "\t"}
_DROP_CATEGORIES = {"Cc", "Cs"}


# "/faq", "/faq{...}" or "/faq@0.9" typed by a user is read by Rasa as the bare
# retrieval intent, which has no answer (utter_faq fails, the user hears nothing).
# No button sends it, so it is passed on as plain text for NLU to classify.
# Read as Rasa does (YAMLStoryReader.unpack_regex_message: "/", then the intent name up to
# "{" or "@", stripped), so "/ faq" and "/faq {..." are caught as well.
_PAYLOAD_INTENT = re.compile(r"^/(?P<intent>[^{@]+)")
_RETRIEVAL_INTENTS = {"faq"}


def _without_bare_retrieval_intent(text: str) -> str:
    payload = _PAYLOAD_INTENT.match(text)
    if payload and payload.group("intent").strip() in _RETRIEVAL_INTENTS:
        return text[1:].strip()
    return text


def clean_text(text: str) -> str:
    """`text` without control characters and lone surrogates, stripped."""
    return "".join(
        ch for ch in text if ch in _KEEP or unicodedata.category(ch) not in _DROP_CATEGORIES
    ).strip()


@dataclass(frozen=True)
class Rejection:
    """Why an input is not processed: `status` 400 = client error, 200 = polite reply."""

    status: int
    code: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"error": self.code, "message": self.message}


@dataclass(frozen=True)
class Accepted:
    sender: str
    text: str
    metadata: dict[str, Any] | None


def check_sender(sender: Any) -> str | Rejection:
    if sender is None:
        return Rejection(400, "missing_sender", "The field 'sender' is required.")
    if not isinstance(sender, str):
        return Rejection(400, "invalid_sender", "The field 'sender' must be a string.")
    if (
        not sender.strip()
        or len(sender) > MAX_SENDER_CHARS
        or sender != sender.strip()
        or any(unicodedata.category(ch) in _DROP_CATEGORIES for ch in sender)
    ):
        return Rejection(
            400,
            "invalid_sender",
            f"The field 'sender' must be 1-{MAX_SENDER_CHARS} printable characters.",
        )
    return sender


def check_metadata(metadata: Any) -> dict[str, Any] | None | Rejection:
    # The web widget may send metadata as a JSON string.
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except ValueError:
            return Rejection(400, "invalid_metadata", "The field 'metadata' must be an object.")
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        return Rejection(400, "invalid_metadata", "The field 'metadata' must be an object.")
    if _depth(metadata) > MAX_METADATA_DEPTH or len(json.dumps(metadata)) > MAX_METADATA_BYTES:
        return Rejection(
            400,
            "invalid_metadata",
            f"The field 'metadata' may be at most {MAX_METADATA_BYTES} bytes "
            f"and {MAX_METADATA_DEPTH} levels deep.",
        )
    return metadata


def _depth(value: Any, level: int = 0) -> int:
    """Nesting depth of a JSON value, giving up once it exceeds the limit."""
    if level > MAX_METADATA_DEPTH:
        return level
    children = (
        value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    )
    return max((_depth(child, level + 1) for child in children), default=level)


def check_message(sender: Any, text: Any, metadata: Any = None) -> Accepted | Rejection:
    """The cleaned message to hand to Rasa, or why not."""
    checked_sender = check_sender(sender)
    if isinstance(checked_sender, Rejection):
        return checked_sender
    if text is None:
        return Rejection(400, "missing_message", "The field 'message' is required.")
    if not isinstance(text, str):
        return Rejection(400, "invalid_message", "The field 'message' must be a string.")
    checked_metadata = check_metadata(metadata)
    if isinstance(checked_metadata, Rejection):
        return checked_metadata
    # Checked before cleaning: a huge message is refused without scanning it.
    if len(text) > MAX_MESSAGE_CHARS:
        return Rejection(200, "message_too_long", TOO_LONG)
    cleaned = _without_bare_retrieval_intent(clean_text(text))
    if not cleaned:
        return Rejection(400, "empty_message", EMPTY)
    return Accepted(checked_sender, cleaned, checked_metadata)


def parse_json_object(body: bytes) -> dict[str, Any] | Rejection:
    """The request body as a JSON object (strict: no NaN/Infinity), or why not."""

    def no_constants(name: str) -> Any:
        raise ValueError(f"{name} is not valid JSON")

    try:
        payload = json.loads(body or b"", parse_constant=no_constants)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return Rejection(400, "malformed_json", "The request body must be valid JSON.")
    if not isinstance(payload, dict):
        return Rejection(400, "malformed_json", "The request body must be a JSON object.")
    return payload
