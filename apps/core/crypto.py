"""Secrets at rest and digests of tokens, for every app.

Encryption is Fernet under the keys of FIELD_ENCRYPTION_KEYS (the first encrypts, all decrypt, so
keys can be rotated by prepending a new one); without them a key is derived from SECRET_KEY.
Used for what PronaFlow must read again: TOTP seeds, webhook signing secrets, OAuth tokens.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if keys:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    derived = hashlib.sha256(f"pronaflow.fields:{secret_key}".encode()).digest()
    return MultiFernet([Fernet(base64.urlsafe_b64encode(derived))])


def _current() -> MultiFernet:
    return _fernet(tuple(getattr(settings, "FIELD_ENCRYPTION_KEYS", None) or ()), settings.SECRET_KEY)


def encrypt(value: str) -> str:
    return _current().encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    return _current().decrypt(value.encode()).decode()


def encrypt_optional(value: str | None) -> str:
    """Empty stays empty, so "no value" is distinguishable without decrypting."""
    return encrypt(value) if value else ""


def sha256_hex(value: str) -> str:
    """Digest of a high-entropy random token (e-mailed links, API tokens): no key needed to be safe."""
    return hashlib.sha256(value.encode()).hexdigest()


def keyed_hash(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 under SECRET_KEY, for short guessable codes (MFA backup codes)."""
    return hmac.new(settings.SECRET_KEY.encode(), f"pronaflow.{purpose}:{value}".encode(), hashlib.sha256).hexdigest()
