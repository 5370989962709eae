"""Encryption at rest for secrets PronaFlow must be able to use again (webhook signing keys).

Keys come from FIELD_ENCRYPTION_KEYS (Fernet keys, newest first, so keys can be rotated); without
them a key is derived from SECRET_KEY.
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
    derived = base64.urlsafe_b64encode(hashlib.sha256(f"pronaflow-fields:{secret_key}".encode()).digest())
    return MultiFernet([Fernet(derived)])


def _current() -> MultiFernet:
    return _fernet(tuple(getattr(settings, "FIELD_ENCRYPTION_KEYS", []) or ()), settings.SECRET_KEY)


def encrypt(value: str) -> str:
    return _current().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _current().decrypt(token.encode()).decode()
