"""Personal data at rest (PIPL): encrypted, looked up by a keyed hash, masked when shown.

One 32-byte key per deployment (`WENMING_PII_KEY_FILE`; the development default is
generated once in the data directory). AES-GCM encrypts; HMAC-SHA256 with a derived
key gives a blind index, so a phone number can be found without being stored in clear.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM


class PiiCipher:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the PII key must be 32 bytes")
        self._aead = AESGCM(hashlib.sha256(b"wenming-pii-encrypt" + key).digest())
        self._index_key = hashlib.sha256(b"wenming-pii-index" + key).digest()

    def encrypt(self, plain: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plain.encode(), None)
        return base64.urlsafe_b64encode(nonce + sealed).decode()

    def decrypt(self, token: str) -> str:
        raw = base64.urlsafe_b64decode(token.encode())
        return self._aead.decrypt(raw[:12], raw[12:], None).decode()

    def blind_index(self, plain: str) -> str:
        return hmac.new(self._index_key, plain.encode(), hashlib.sha256).hexdigest()


def load_or_create_key(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(secrets.token_bytes(32))
        path.chmod(0o600)
    return path.read_bytes()


def mask_phone(phone: str) -> str:
    """138****5678: enough for a person to recognise their own number."""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"
