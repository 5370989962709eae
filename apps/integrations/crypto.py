"""Encryption at rest for third-party secrets module 12 must use again: webhook signing secrets and
OAuth access/refresh tokens.

Fernet with the keys of FIELD_ENCRYPTION_KEYS (the first encrypts, all decrypt, so keys can be
rotated); without them a key is derived from SECRET_KEY.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if keys:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    derived = hashlib.sha256(f"pronaflow.integrations.fernet:{secret_key}".encode()).digest()
    return MultiFernet([Fernet(base64.urlsafe_b64encode(derived))])


def _current() -> MultiFernet:
    return _fernet(tuple(getattr(settings, "FIELD_ENCRYPTION_KEYS", None) or ()), settings.SECRET_KEY)


def encrypt(value: str) -> str:
    return _current().encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    return _current().decrypt(value.encode()).decode()


def encrypt_optional(value: str | None) -> str:
    """Empty stays empty, so "no refresh token" is distinguishable without decrypting."""
    return encrypt(value) if value else ""
