"""Verifying webhook deliveries (Standard Webhooks signatures).

    from pronaflow import webhooks

    payload = webhooks.verify(secret, request.headers, request.body)  # raises WebhookVerificationError

Each delivery carries `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`:
space-separated `v1,<base64 HMAC-SHA256>` values over "{id}.{timestamp}.{body}". The HMAC key is
the base64-decoded part after `whsec_` for such secrets, else the UTF-8 bytes of the secret.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

DEFAULT_TOLERANCE_SECONDS = 5 * 60
SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix of Standard Webhooks secrets, not a secret


class WebhookVerificationError(Exception):
    """The delivery is not authentic (missing headers, bad signature) or not fresh."""


def _key(secret: str | bytes) -> bytes:
    if isinstance(secret, bytes):
        return secret
    if secret.startswith(SECRET_PREFIX):
        try:
            return base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise WebhookVerificationError("The whsec_ secret is not valid base64.") from exc
    return secret.encode("utf-8")


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    raise WebhookVerificationError(f"Missing {name} header.")


def sign(secret: str | bytes, msg_id: str, timestamp: int | str, body: bytes | str) -> str:
    """The `v1,<signature>` value for one delivery (what a sender puts in webhook-signature)."""
    payload = body.encode("utf-8") if isinstance(body, str) else body
    signed = f"{msg_id}.{timestamp}.".encode() + payload
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def verify(
    secret: str | bytes,
    headers: Mapping[str, str],
    body: bytes | str,
    *,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> Any:
    """Checks the delivery and returns its JSON payload; raises WebhookVerificationError.

    `body` must be the raw request body, byte for byte. Signatures are compared in constant time;
    any one of several space-separated signatures (during a secret rotation) is enough.
    """
    msg_id = _header(headers, "webhook-id")
    timestamp = _header(headers, "webhook-timestamp")
    signatures = _header(headers, "webhook-signature")
    try:
        sent_at = int(timestamp)
    except ValueError as exc:
        raise WebhookVerificationError("Invalid webhook-timestamp header.") from exc
    current = time.time() if now is None else now
    if sent_at < current - tolerance:
        raise WebhookVerificationError("Message timestamp too old.")
    if sent_at > current + tolerance:
        raise WebhookVerificationError("Message timestamp too new.")
    expected = sign(secret, msg_id, timestamp, body).split(",", 1)[1].encode("ascii")
    matched = False
    for candidate in signatures.split():
        version, _, value = candidate.partition(",")
        if version != "v1":
            continue
        if hmac.compare_digest(value.encode("ascii", "replace"), expected):
            matched = True
    if not matched:
        raise WebhookVerificationError("No matching signature found.")
    raw = body.decode("utf-8") if isinstance(body, bytes) else body
    try:
        return json.loads(raw)
    except ValueError:
        return raw


__all__ = ["WebhookVerificationError", "sign", "verify"]
