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

Tokens are canonical: unpadded URL-safe base64 exactly as ``_encode`` writes it, so
each value has one spelling (no padding, other alphabet, unused bits or junk after
it: refused).

The secrets are passed in (a `Keyring`): each process's settings module reads them
from the environment once (runtime/settings.py, actions/settings.py).

Key rotation: ``ADVISOR_SECRET_KEYS`` lists secrets newest first (comma or space
separated; it replaces ``ADVISOR_SECRET_KEY``). New values are made with the newest;
values made with an older one are still accepted (a reloaded chat is re-issued a
session under the newest), so links and sessions survive a rotation. Drop an old
secret after its grace period: ``CONVERSATION_RETENTION_DAYS`` (30 days), when every
report link sealed with it has expired anyway.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import time
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SECRET_ENV = "ADVISOR_SECRET_KEY"
ROTATION_ENV = "ADVISOR_SECRET_KEYS"  # newest first; wins over ADVISOR_SECRET_KEY
MIN_SECRET_CHARS = 32
MAC_BYTES = 16  # 128-bit tags: unguessable, and short enough for a URL
NONCE_BYTES = 12


class MissingSecret(RuntimeError):
    """ADVISOR_SECRET_KEY is not set (or too short to be a secret)."""


def _derive(secret: bytes, purpose: str) -> bytes:
    return hmac.new(secret, b"advisor/" + purpose.encode(), hashlib.sha256).digest()


_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes | None:
    """The bytes of a canonical token: unpadded URL-safe base64 as `_encode` writes it."""
    if not _BASE64URL.fullmatch(text) or len(text) % 4 == 1:
        return None
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
    return data if _encode(data) == text else None  # unused bits set: another spelling


def _mac(key: bytes, value: str) -> str:
    digest = hmac.new(key, value.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()
    return _encode(digest[:MAC_BYTES])


@dataclass(frozen=True)
class Keyring:
    """The server's secrets, newest first (ADVISOR_SECRET_KEYS, else ADVISOR_SECRET_KEY),
    and everything made or checked with them. Too short or missing secrets raise
    MissingSecret when a key is first needed, not before: a server without a
    secret still answers, and says what is missing where a link is needed."""

    secrets: tuple[str, ...]

    @classmethod
    def from_settings(cls, rotation: str, single: str) -> Keyring:
        """The keyring of the two settings' raw values (rotation list wins)."""
        listed = rotation.replace(",", " ").split()
        return cls(tuple(listed) if listed else (single,))

    def _secret_bytes(self) -> list[bytes]:
        if not self.secrets or any(len(s) < MIN_SECRET_CHARS for s in self.secrets):
            raise MissingSecret(
                f"{SECRET_ENV} (or each of {ROTATION_ENV}) must be a random string of at "
                f"least {MIN_SECRET_CHARS} characters, the same for every server "
                "(scripts/servers.sh makes one in var/)."
            )
        return [secret.encode() for secret in self.secrets]

    def derived_key(self, purpose: str) -> bytes:
        """The 256-bit key new values of one purpose ("report-link"...) are made with."""
        return _derive(self._secret_bytes()[0], purpose)

    def derived_keys(self, purpose: str) -> list[bytes]:
        """Every key a value of `purpose` may have been made with, newest first."""
        return [_derive(secret, purpose) for secret in self._secret_bytes()]

    def sign(self, purpose: str, value: str) -> str:
        """``value.<mac>``: readable, but only this server can make it."""
        return f"{value}.{_mac(self.derived_key(purpose), value)}"

    def verify(self, purpose: str, signed: object) -> str | None:
        """The value inside ``signed``, or None if this server didn't sign it (with any
        of its current or older secrets)."""
        if not isinstance(signed, str) or "." not in signed:
            return None
        value, mac = signed.rsplit(".", 1)
        if not value or not _BASE64URL.fullmatch(mac):
            return None
        matches = [hmac.compare_digest(mac, _mac(key, value)) for key in self.derived_keys(purpose)]
        return value if any(matches) else None

    def seal(self, purpose: str, value: str, now: float | None = None) -> str:
        """An opaque, unguessable token that only this server can open; it carries the
        time it was made, so ``unseal`` can refuse old tokens."""
        issued = int(time.time() if now is None else now).to_bytes(8, "big")
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self.derived_key(purpose)).encrypt(nonce, value.encode(), issued)
        return _encode(issued + nonce + sealed)

    def unseal(
        self, purpose: str, token: object, max_age: float, now: float | None = None
    ) -> str | None:
        """The value sealed in ``token``, or None if it is forged, damaged, made for
        another purpose, or older than ``max_age`` seconds."""
        raw = _decode(token) if isinstance(token, str) and len(token) < 2048 else None
        if raw is None or len(raw) <= 8 + NONCE_BYTES:
            return None
        issued, nonce, sealed = raw[:8], raw[8 : 8 + NONCE_BYTES], raw[8 + NONCE_BYTES :]
        age = (time.time() if now is None else now) - int.from_bytes(issued, "big")
        if not -60 <= age <= max_age:  # a minute of clock skew between replicas
            return None
        for key in self.derived_keys(purpose):
            try:
                return AESGCM(key).decrypt(nonce, sealed, issued).decode()
            except InvalidTag:
                continue  # made with another (older) secret, or not by us
            except UnicodeDecodeError:
                return None
        return None
