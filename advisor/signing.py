"""Signed ids and sealed links, with keys derived from one server secret.

Everything the server hands out and later trusts (a web chat session id, a report
link) is protected by a key derived from ``ADVISOR_SECRET_KEY``, one per purpose, so a
value made for one purpose is worthless for another. Every process that makes or
checks these values (the Rasa servers and the action server) must share the secret:
``scripts/common.sh`` keeps one in ``var/`` for a single machine; scale-out passes the
same value to every replica.

* ``sign`` / ``verify``: the value stays readable, a MAC proves the server issued it.
* ``seal`` / ``unseal``: the value is encrypted too (AES-GCM), for links that are
  shared with other people and must not reveal what they point to.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import time

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SECRET_ENV = "ADVISOR_SECRET_KEY"
MIN_SECRET_CHARS = 32
MAC_BYTES = 16  # 128-bit tags: unguessable, and short enough for a URL
NONCE_BYTES = 12


class MissingSecret(RuntimeError):
    """ADVISOR_SECRET_KEY is not set (or too short to be a secret)."""


def _secret() -> bytes:
    secret = os.environ.get(SECRET_ENV, "")
    if len(secret) < MIN_SECRET_CHARS:
        raise MissingSecret(
            f"{SECRET_ENV} must be set to a random string of at least {MIN_SECRET_CHARS} "
            "characters, the same for every server (scripts/common.sh makes one in var/)."
        )
    return secret.encode()


def derived_key(purpose: str) -> bytes:
    """A 256-bit key for one purpose ("report-link", "socket-session"...)."""
    return hmac.new(_secret(), b"advisor/" + purpose.encode(), hashlib.sha256).digest()


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes | None:
    if not text.isascii():
        return None
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


def _mac(purpose: str, value: str) -> str:
    digest = hmac.new(derived_key(purpose), value.encode(), hashlib.sha256).digest()
    return _encode(digest[:MAC_BYTES])


def sign(purpose: str, value: str) -> str:
    """``value.<mac>``: readable, but only this server can make it."""
    return f"{value}.{_mac(purpose, value)}"


def verify(purpose: str, signed: object) -> str | None:
    """The value inside ``signed``, or None if this server didn't sign it."""
    if not isinstance(signed, str) or "." not in signed:
        return None
    value, mac = signed.rsplit(".", 1)
    if not value or not mac.isascii():
        return None
    return value if hmac.compare_digest(mac, _mac(purpose, value)) else None


def seal(purpose: str, value: str, now: float | None = None) -> str:
    """An opaque, unguessable token that only this server can open; it carries the
    time it was made, so ``unseal`` can refuse old tokens."""
    issued = int(time.time() if now is None else now).to_bytes(8, "big")
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(derived_key(purpose)).encrypt(nonce, value.encode(), issued)
    return _encode(issued + nonce + sealed)


def unseal(purpose: str, token: object, max_age: float, now: float | None = None) -> str | None:
    """The value sealed in ``token``, or None if it is forged, damaged, made for
    another purpose, or older than ``max_age`` seconds."""
    raw = _decode(token) if isinstance(token, str) and len(token) < 2048 else None
    if raw is None or len(raw) <= 8 + NONCE_BYTES:
        return None
    issued, nonce, sealed = raw[:8], raw[8 : 8 + NONCE_BYTES], raw[8 + NONCE_BYTES :]
    age = (time.time() if now is None else now) - int.from_bytes(issued, "big")
    if not -60 <= age <= max_age:  # a minute of clock skew between replicas
        return None
    try:
        return AESGCM(derived_key(purpose)).decrypt(nonce, sealed, issued).decode()
    except (InvalidTag, UnicodeDecodeError):
        return None
