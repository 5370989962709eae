"""Secrets at rest (the TOTP seed) and keyed hashes of one-time codes.

Encryption uses Fernet with the keys of FIELD_ENCRYPTION_KEYS (first encrypts, all decrypt, so keys
can be rotated); without them a key is derived from SECRET_KEY.
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
    derived = hashlib.sha256(f"pronaflow.accounts.fernet:{secret_key}".encode()).digest()
    return MultiFernet([Fernet(base64.urlsafe_b64encode(derived))])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS), settings.SECRET_KEY)


def encrypt(value: str) -> str:
    return _current().encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    return _current().decrypt(value.encode()).decode()


def sha256_hex(value: str) -> str:
    """Digest of a high-entropy random token (e-mailed tokens): no key needed to be safe."""
    return hashlib.sha256(value.encode()).hexdigest()


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 under SECRET_KEY, for short codes (MFA backup codes)."""
    return hmac.new(settings.SECRET_KEY.encode(), f"pronaflow.accounts:{value}".encode(), hashlib.sha256).hexdigest()
