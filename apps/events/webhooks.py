"""Webhook event consumers' side of signed delivery; the signing, SSRF checks and HTTP call are
apps.core.webhooks, shared with module 12's webhooks.

Headers sent: `X-PronaFlow-Signature: sha256=<hex>`, `X-PronaFlow-Event`, `X-PronaFlow-Delivery`,
`X-PronaFlow-Timestamp`.
"""

from __future__ import annotations

import secrets

from django.conf import settings

from apps.core import webhooks as signed_http
from apps.core.webhooks import DeliveryResult, UnsafeTarget

__all__ = ["DeliveryResult", "UnsafeTarget", "deliver", "new_secret", "sign", "validate_url"]


def new_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


def sign(secret: str, body: bytes) -> str:
    return signed_http.sign(body, secret)


def validate_url(url: str) -> str:
    """Configuration-time check (no DNS lookup): scheme, host, credentials, literal private addresses."""
    signed_http.check_target(url, resolve=False)
    return url


def deliver(*, url: str, secret: str, body: bytes, event_type: str, delivery_id: str) -> DeliveryResult:
    """POST `body` signed; never raises for network or target errors (2xx is success)."""
    return signed_http.deliver(
        url,
        body,
        secret,
        headers={"X-PronaFlow-Event": event_type, "X-PronaFlow-Delivery": delivery_id},
        timeout=getattr(settings, "WEBHOOK_TIMEOUT_SECONDS", 10),
    )
